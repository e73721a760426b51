package apply_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// rounds passes calls on and keeps the procedures of each round trip.
type rounds struct {
	d      apply.Doer
	mu     sync.Mutex
	trips  [][]string
	inputs map[string][]map[string]any
}

func (r *rounds) Do(ctx context.Context, calls ...*dokploy.Call) error {
	r.mu.Lock()
	var procs []string
	for _, c := range calls {
		procs = append(procs, c.Proc)
		b, _ := json.Marshal(c.Input)
		var m map[string]any
		json.Unmarshal(b, &m)
		if r.inputs == nil {
			r.inputs = map[string][]map[string]any{}
		}
		r.inputs[c.Proc] = append(r.inputs[c.Proc], m)
	}
	r.trips = append(r.trips, procs)
	r.mu.Unlock()
	return r.d.Do(ctx, calls...)
}

// trip is the index of the first round trip holding proc, -1 for none.
func (r *rounds) trip(proc string) int {
	for i, t := range r.trips {
		for _, p := range t {
			if p == proc {
				return i
			}
		}
	}
	return -1
}

// TestRunStateApply: state: stopped stops the running services in one
// round trip of stops after the writes (never in an update's input), and
// DeployTargets leaves them out even when their settings changed; state:
// running starts a stopped compose service by compose.start.
func TestRunStateApply(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: 5})
	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	load := func(state, image string) *spec.File {
		t.Helper()
		doc := strings.NewReplacer("STATE", state, "IMAGE", image).Replace(`
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          db: {dockerImage: "postgres:16", databaseName: a, databaseUser: a, databasePassword: pw-1234, STATE}
        applications:
          api: {source: {docker: {image: "IMAGE"}}, STATE}
        compose:
          mon: {composeFile: "services: {}\n", STATE}
`)
		f, diags := spec.LoadBytes("dokploy.yaml", []byte(doc), t.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return f
	}
	applyAndDeploy := func(f *spec.File) (*rounds, []apply.DeployTarget) {
		t.Helper()
		rec := &rounds{d: c}
		p := plan(t, c, f)
		res := apply.Apply(ctx, rec, p, apply.Options{})
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		done := *p
		done.Changes = res.Written(p)
		targets := apply.DeployTargets(f, &done, res.IDs)
		live, err := c.Observe(ctx, spec.SortedKeys(f.Projects))
		if err != nil {
			t.Fatal(err)
		}
		apply.Stamp(targets, live)
		if dr := apply.Deploy(ctx, c, targets, apply.DeployOptions{Wait: true, Poll: 5 * time.Millisecond, Timeout: 5 * time.Second}); dr.Err() != nil {
			t.Fatal(dr.Err())
		}
		return rec, targets
	}
	if _, targets := applyAndDeploy(load("deploy: onChange", "nginx:1.27")); len(targets) != 3 {
		t.Fatalf("the first apply deployed %d services, want 3", len(targets))
	}

	// Stopped, with a new image: written, stopped, not deployed.
	rec, targets := applyAndDeploy(load("state: stopped", "nginx:1.28"))
	if len(targets) != 0 {
		t.Errorf("deploy targets %v, want none: a stopped service is never deployed", targets)
	}
	write, stop := rec.trip("application.saveDockerProvider"), rec.trip("application.stop")
	if write < 0 || stop <= write {
		t.Errorf("round trips %v: want the stops after the writes", rec.trips)
	}
	if stop >= 0 && strings.Join(rec.trips[stop], " ") != "postgres.stop compose.stop application.stop" {
		t.Errorf("stop round trip %v, want the three stops and nothing else", rec.trips[stop])
	}
	for proc, ins := range rec.inputs {
		for _, in := range ins {
			if _, ok := in["state"]; ok {
				t.Errorf("%s input %v has a state key", proc, in)
			}
		}
	}
	if in := rec.inputs["compose.stop"]; len(in) != 1 || len(in[0]) != 1 || in[0]["composeId"] == "" {
		t.Errorf("compose.stop inputs %v, want one {composeId}", in)
	}
	if p := plan(t, c, load("state: stopped", "nginx:1.28")); !p.Empty() {
		t.Errorf("plan after the stop is not empty: %v changes, %v deploys", len(p.Changes), p.Deploys)
	}

	// Running again: the compose service (deployed with its settings) by
	// compose.start, the database and the application by their deploys.
	rec, targets = applyAndDeploy(load("state: running", "nginx:1.28"))
	if rec.trip("compose.start") < 0 || rec.trip("application.start") >= 0 || rec.trip("postgres.start") >= 0 {
		t.Errorf("round trips %v: want compose.start only", rec.trips)
	}
	var addrs []string
	for _, t := range targets {
		addrs = append(addrs, t.Address)
	}
	if got := strings.Join(addrs, " "); got != "shop/production/postgres/db shop/production/application/api" {
		t.Errorf("deploy targets %q, want the database and the application", got)
	}
	if p := plan(t, c, load("state: running", "nginx:1.28")); !p.Empty() {
		t.Errorf("plan after the start is not empty: %v changes, %v deploys", len(p.Changes), p.Deploys)
	}
}
