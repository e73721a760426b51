package apply_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// recording records the mutations that pass through it, with their input
// as JSON objects.
type recording struct {
	d     apply.Doer
	calls []recorded
}

type recorded struct {
	proc string
	in   map[string]any
}

func (r *recording) Do(ctx context.Context, calls ...*dokploy.Call) error {
	for _, c := range calls {
		if dokploy.IsQuery(c.Proc) {
			continue
		}
		b, _ := json.Marshal(c.Input)
		var in map[string]any
		json.Unmarshal(b, &in)
		r.calls = append(r.calls, recorded{c.Proc, in})
	}
	return r.d.Do(ctx, calls...)
}

// of returns the inputs of the calls of proc.
func (r *recording) of(proc string) []map[string]any {
	var out []map[string]any
	for _, c := range r.calls {
		if c.proc == proc {
			out = append(out, c.in)
		}
	}
	return out
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// kindsApply applies src (with vars) to the fake and returns what
// the apply sent; a second plan must be empty.
func kindsApply(t *testing.T, fake *dokploytest.Server, src string, vars map[string]string) *recording {
	t.Helper()
	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(src), t.TempDir(), spec.Options{Vars: vars, LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	observe := func() *planner.Plan {
		live, err := c.Observe(context.Background(), spec.SortedKeys(f.Projects), planner.ReadKinds(f)...)
		if err != nil {
			t.Fatal(err)
		}
		p := planner.Compute(f, live)
		if len(p.Errors) > 0 {
			t.Fatalf("plan errors: %q", p.Errors)
		}
		return p
	}
	rec := &recording{d: c}
	if res := apply.Apply(context.Background(), rec, observe(), apply.Options{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	if p := observe(); len(p.Changes) > 0 {
		t.Errorf("%d changes after apply, want none", len(p.Changes))
	}
	return rec
}

const kindsSpec = `
apiVersion: dokploy-sync/v1
destinations:
  s3: {provider: AWS, accessKey: "${K}", secretAccessKey: "${S}", bucket: b, region: r, endpoint: "https://s3.example.com"}
registries:
  hub: {username: u, password: "${PW}"}
projects:
  shop:
    environments:
      production:
        compose:
          mon:
            composeFile: |
              services:
                grafana: {image: grafana/grafana}
            schedules:
              - {name: nightly, schedule: "0 3 * * *", command: "true", serviceName: grafana, timezone: Europe/Paris}
            volumeBackups:
              - {name: data, volumeName: mon_data, schedule: "0 2 * * *", destination: s3, turnOff: true, serviceName: grafana, keepLatestCount: 3}
`

var kindsVars = map[string]string{"K": "key-1", "S": "secret-1", "PW": "pw-1"}

// What Dokploy needs beyond the fields: the service kind on a compose
// item's create; imagePrefix present and registryType cloud on a
// registry's; every required key on the full updates of schedules and
// volume backups, with what the file leaves out kept; only the change on
// a registry's partial update.
func TestApplyKindsSendWhatDokployNeeds(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: 7})
	rec := kindsApply(t, fake, kindsSpec, kindsVars)

	reg := rec.of("registry.create")
	if len(reg) != 1 {
		t.Fatalf("%d registry.create, want 1", len(reg))
	}
	if p, ok := reg[0]["imagePrefix"]; !ok || p != nil || reg[0]["registryType"] != "cloud" || reg[0]["registryName"] != "hub" || reg[0]["registryUrl"] != "" {
		t.Errorf("registry.create input %v: want imagePrefix null, registryType cloud, registryName hub, registryUrl \"\"", reg[0])
	}
	sc := rec.of("schedule.create")
	if len(sc) != 1 || sc[0]["scheduleType"] != "compose" || sc[0]["composeId"] == nil || sc[0]["applicationId"] != nil {
		t.Errorf("schedule.create inputs %v: want one with scheduleType compose and composeId", sc)
	}
	vb := rec.of("volumeBackups.create")
	if len(vb) != 1 || vb[0]["serviceType"] != "compose" || vb[0]["composeId"] == nil || vb[0]["prefix"] != "" || vb[0]["cronExpression"] != "0 2 * * *" {
		t.Errorf("volumeBackups.create inputs %v: want one with serviceType compose, composeId, prefix \"\", cronExpression", vb)
	}

	// Changes: the file leaves timezone, turnOff and keepLatestCount out,
	// and changes a command, a schedule and a password.
	changed := strings.NewReplacer(
		`command: "true", serviceName: grafana, timezone: Europe/Paris`, `command: "false", serviceName: grafana`,
		`schedule: "0 2 * * *", destination: s3, turnOff: true, serviceName: grafana, keepLatestCount: 3`, `schedule: "0 5 * * *", destination: s3, serviceName: grafana`,
	).Replace(kindsSpec)
	rec = kindsApply(t, fake, changed, map[string]string{"K": "key-1", "S": "secret-1", "PW": "pw-2"})

	up := rec.of("registry.update")
	if len(up) != 1 || keys(up[0]) != "password,registryId" || up[0]["password"] != "pw-2" {
		t.Errorf("registry.update inputs have keys %v, want one with password and registryId only", up)
	}
	su := rec.of("schedule.update")
	if len(su) != 1 {
		t.Fatalf("%d schedule.update, want 1", len(su))
	}
	for _, k := range []string{"scheduleId", "name", "cronExpression", "command"} {
		if su[0][k] == nil {
			t.Errorf("schedule.update lacks %s: %v", k, su[0])
		}
	}
	if su[0]["command"] != "false" || su[0]["timezone"] != "Europe/Paris" {
		t.Errorf("schedule.update %v: want command false and the live timezone", su[0])
	}
	vu := rec.of("volumeBackups.update")
	if len(vu) != 1 {
		t.Fatalf("%d volumeBackups.update, want 1", len(vu))
	}
	for _, k := range []string{"volumeBackupId", "name", "volumeName", "prefix", "cronExpression", "destinationId"} {
		if _, ok := vu[0][k]; !ok {
			t.Errorf("volumeBackups.update lacks %s: %v", k, vu[0])
		}
	}
	if vu[0]["cronExpression"] != "0 5 * * *" || vu[0]["turnOff"] != true || vu[0]["keepLatestCount"] != float64(3) || vu[0]["serviceType"] != "compose" {
		t.Errorf("volumeBackups.update %v: want the new cronExpression, and turnOff, keepLatestCount, serviceType as they are", vu[0])
	}
}
