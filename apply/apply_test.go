package apply_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

const specYAML = `
apiVersion: dokploy-sync/v1
projects:
  shop:
    env: {SHARED: "1"}
    environments:
      production:
        postgres:
          db: {dockerImage: "postgres:16", databaseName: shop, databaseUser: shop, databasePassword: pw-1234, externalPort: 15432}
        libsql:
          edge: {dockerImage: "ghcr.io/tursodatabase/libsql-server:v0.24.32", databaseUser: u, databasePassword: pw-5678, env: {A: "1"}, enableNamespaces: true, externalPort: 18081}
        applications:
          api:
            source: {docker: {image: "nginx:1.27"}}
            replicas: 2
            env: {LOG: info}
          worker:
            source: {docker: {image: "busybox:1"}}
            command: sleep 1000
      staging:
        env: {STAGE: "1"}
        redis:
          cache: {dockerImage: "redis:7", databasePassword: pw-9999}
`

// failing drops the calls of one procedure as if the server had refused
// them; with key, only those whose input has that key.
type failing struct {
	d    apply.Doer
	proc string
	key  string
}

func (f failing) Do(ctx context.Context, calls ...*dokploy.Call) error {
	var pass []*dokploy.Call
	for _, c := range calls {
		in, _ := c.Input.(map[string]any)
		if _, has := in[f.key]; c.Proc == f.proc && (f.key == "" || has) {
			c.Err = errors.New("injected failure")
			continue
		}
		pass = append(pass, c)
	}
	f.d.Do(ctx, pass...)
	for _, c := range calls {
		if c.Err != nil {
			return c.Err
		}
	}
	return nil
}

func setup(t *testing.T) (*dokploytest.Server, *dokploy.Client, *spec.File) {
	t.Helper()
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: 7})
	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(specYAML), t.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return fake, c, f
}

func plan(t *testing.T, c *dokploy.Client, f *spec.File) *planner.Plan {
	t.Helper()
	live, err := c.Observe(context.Background(), spec.SortedKeys(f.Projects))
	if err != nil {
		t.Fatal(err)
	}
	return planner.Compute(f, live)
}

func TestApplyConvergesInFewRoundTrips(t *testing.T) {
	fake, c, f := setup(t)
	p := plan(t, c, f)
	fake.ResetRequests()
	var log bytes.Buffer
	res := apply.Apply(context.Background(), c, p, apply.Options{Log: &log})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	// 4 levels, each at most creates + lookups + field writes.
	if n := len(fake.Requests()); n > 10 {
		t.Errorf("apply took %d HTTP requests, want at most 10 (batched per level)", n)
	}
	if again := plan(t, c, f); len(again.Changes) > 0 { // the deploys it owes are Deploy's
		t.Errorf("expected 0 changes after apply, got %d:\n%s", len(again.Changes), log.String())
	}
	for _, want := range []string{"+ shop: created", "+ shop/staging: created", "+ shop/production/libsql/edge: created", "+ shop/production/application/api: created (appName shop-api-"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

func TestApplyStopsAtAFailedLevelAndARerunConverges(t *testing.T) {
	fake, c, f := setup(t)
	p := plan(t, c, f)
	res := apply.Apply(context.Background(), failing{c, "redis.create", ""}, p, apply.Options{})
	err := res.Err()
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	for _, want := range []string{"failed:      shop/staging/redis/cache: injected failure", "not started: shop/production/application/api", "not started: shop/production/application/worker"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	// The databases of the failed level that did not fail are done.
	if len(res.Done) != 4 { // project, staging, postgres, libsql
		t.Errorf("done = %d, want 4", len(res.Done))
	}
	before := fake.MutationCount()
	p = plan(t, c, f)
	if res := apply.Apply(context.Background(), c, p, apply.Options{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	if fake.MutationCount() == before {
		t.Error("the re-run changed nothing")
	}
	if again := plan(t, c, f); len(again.Changes) > 0 {
		t.Errorf("expected 0 changes after the re-run, got %d", len(again.Changes))
	}
}

func TestApplyCreatedButFieldsFailed(t *testing.T) {
	_, c, f := setup(t)
	p := plan(t, c, f)
	// The one application.update of the new api (the one with an env).
	err := apply.Apply(context.Background(), failing{c, "application.update", "env"}, p, apply.Options{}).Err()
	if err == nil || !strings.Contains(err.Error(), "shop/production/application/api: created, but setting its fields failed: injected failure") {
		t.Fatalf("error = %v", err)
	}
	// The next plan shows only what is left: the fields of api.
	left := plan(t, c, f)
	if len(left.Changes) != 1 || left.Changes[0].Address != "shop/production/application/api" || !left.Changes[0].HasField("env") ||
		!left.Changes[0].HasField("source") || !left.Changes[0].HasField("replicas") {
		var s []string
		for _, ch := range left.Changes {
			s = append(s, ch.Address)
		}
		t.Errorf("left over: %q", s)
	}
}

func TestApplyKeepsFieldsTheSpecDoesNotOwn(t *testing.T) {
	fake, c, f := setup(t)
	if res := apply.Apply(context.Background(), c, plan(t, c, f), apply.Options{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	live, _ := c.Observe(context.Background(), []string{"shop"})
	var appID string
	for _, e := range live.Projects["shop"][0].Environments {
		for _, a := range e.Applications {
			if a.Name == "api" {
				appID = a.ApplicationID
			}
		}
	}
	// Someone sets build args and turns off the env file in the UI.
	if _, err := fake.Call("application.saveEnvironment", map[string]any{"applicationId": appID, "env": "LOG=debug", "buildArgs": "B=1", "buildSecrets": "S=2", "createEnvFile": false}); err != nil {
		t.Fatal(err)
	}
	p := plan(t, c, f)
	if len(p.Changes) != 1 {
		t.Fatalf("%d changes, want the env of api", len(p.Changes))
	}
	if res := apply.Apply(context.Background(), c, p, apply.Options{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	raw, _ := fake.Call("application.one", map[string]any{"applicationId": appID})
	for _, want := range []string{`"buildArgs":"B=1"`, `"buildSecrets":"S=2"`, `"createEnvFile":false`, `"env":"LOG=info"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("application lacks %s after apply", want)
		}
	}
}

func TestDeployTargetsAfterPasswordAndPruneChanges(t *testing.T) {
	running := func(kind string) *dokploy.Database { return &dokploy.Database{Kind: kind, ApplicationStatus: "done"} }
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(`
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          pg: {dockerImage: "postgres:16", databaseName: d, databaseUser: u, databasePassword: pw-1}
        libsql:
          edge: {dockerImage: "x", databaseUser: u, databasePassword: pw-2}
        applications:
          api: {}
`), t.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	pw := []*planner.FieldDiff{{Name: "databasePassword", Action: planner.Update}}
	p := &planner.Plan{Changes: []*planner.Change{
		{Action: planner.Update, Address: "shop/production/postgres/pg", Kind: "postgres", Fields: pw, Live: running("postgres")},
		{Action: planner.Update, Address: "shop/production/libsql/edge", Kind: "libsql", Fields: pw, Live: running("libsql")},
		{Action: planner.Delete, Address: "shop/production/application/api/port[8080/tcp]", Kind: kinds.Port.Name, Parent: "shop/production/application/api"},
	}}
	ids := map[string]string{"shop/production/postgres/pg": "PG", "shop/production/libsql/edge": "LS", "shop/production/application/api": "API"}
	var got []string
	for _, t := range apply.DeployTargets(f, p, ids) {
		got = append(got, t.Address)
	}
	// postgres: changePassword already changed the running database; libsql
	// has none, so it needs a deploy; a deleted port leaves the swarm spec
	// only with a deploy of its application.
	want := "shop/production/libsql/edge shop/production/application/api"
	if strings.Join(got, " ") != want {
		t.Errorf("deploy targets = %q, want %q", got, want)
	}
}

func TestDeployTargetsAfterASharedVariableChange(t *testing.T) {
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(`
apiVersion: dokploy-sync/v1
projects:
  shop:
    env: {LOG: info}
    environments:
      production:
        env: {URL: x}
        applications:
          api: {env: {LOG_LEVEL: "${{project.LOG}}"}}
          web: {env: {PUBLIC_URL: "${{environment.URL}}"}}
          worker: {env: {A: "1"}}
`), t.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ids := map[string]string{"shop/production/application/api": "A", "shop/production/application/web": "W", "shop/production/application/worker": "K"}
	for _, tc := range []struct {
		change *planner.Change
		want   string
	}{
		{&planner.Change{Action: planner.Update, Address: "shop", Kind: planner.KindProject, Fields: []*planner.FieldDiff{{Name: "env.LOG", Action: planner.Update}}}, "shop/production/application/api"},
		{&planner.Change{Action: planner.Update, Address: "shop/production", Kind: planner.KindEnvironment, Fields: []*planner.FieldDiff{{Name: "env.URL", Action: planner.Update}}}, "shop/production/application/web"},
		{&planner.Change{Action: planner.Update, Address: "shop", Kind: planner.KindProject, Fields: []*planner.FieldDiff{{Name: "description", Action: planner.Update}}}, ""},
	} {
		var got []string
		for _, t := range apply.DeployTargets(f, &planner.Plan{Changes: []*planner.Change{tc.change}}, ids) {
			got = append(got, t.Address)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s %v: deploy targets = %q, want %q", tc.change.Address, tc.change.Fields[0].Name, got, tc.want)
		}
	}
}
