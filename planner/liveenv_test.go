package planner

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// OnlyEnv keeps the env fields of the one change at the address, with the
// warning naming the pushed file, and nothing else of the plan.
func TestOnlyEnv(t *testing.T) {
	spec := strings.NewReplacer("replicas: 2", "replicas: 3", "pw-1234", "pw-5678", `B: two`, `C: "3"`).Replace(shopSpec)
	p := Compute(load(t, spec, nil), liveJSON(t, shopLive))
	if d := cmp.Diff([]string{
		"~ shop/production/postgres/db ~databasePassword",
		"~ shop/production/application/api ~replicas -env.B +env.C",
	}, summary(p)); d != "" {
		t.Fatalf("test plan (-want +got):\n%s", d)
	}
	p.OnlyEnv("shop/production/application/api", "api.env")
	if d := cmp.Diff([]string{"~ shop/production/application/api -env.B +env.C"}, summary(p)); d != "" {
		t.Errorf("narrowed plan (-want +got):\n%s", d)
	}
	if w := p.Changes[0].Warnings; len(w) != 1 || !strings.Contains(w[0], "B, which exists live but not in api.env, will be removed; add it to api.env") {
		t.Errorf("warnings %q", w)
	}
	if p.EnvOnly != "shop/production/application/api" || !slices.Equal(p.Targets, []string{"shop/production/application/api"}) || len(p.Deploys) != 0 || len(p.Unmanaged) != 0 {
		t.Errorf("EnvOnly %q, Targets %q, Deploys %v, Unmanaged %v", p.EnvOnly, p.Targets, p.Deploys, p.Unmanaged)
	}

	// A change without env fields is dropped whole.
	p = Compute(load(t, spec, nil), liveJSON(t, shopLive))
	p.OnlyEnv("shop/production/postgres/db", "db.env")
	if !p.Empty() {
		t.Errorf("plan of an unchanged env: %q", summary(p))
	}
}

// LiveID and LiveEnv find the live resource of an address, declared or
// unmanaged, and its env text.
func TestLiveEnv(t *testing.T) {
	live := liveJSON(t, strings.Replace(shopLive, `"name": "shop", "description": "Online shop", "env": ""`, `"name": "shop", "description": "Online shop", "env": "P=1"`, 1))
	p := Compute(load(t, `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api: {}
          later: {source: {docker: {image: nginx}}}
`, nil), live)
	for _, tc := range []struct{ addr, id, kind, env string }{
		{"shop", "P1", "project", "P=1"},
		{"shop/production", "E1", "environment", ""},
		{"shop/production/application/api", "A1", "application", "B=two\nA=1"},
		{"shop/production/postgres/db", "D1", "postgres", ""}, // unmanaged
	} {
		id := p.LiveID(tc.addr)
		if id != tc.id {
			t.Errorf("%s: LiveID %q, want %q", tc.addr, id, tc.id)
			continue
		}
		kind, env, ok := LiveEnv(live, id)
		got := ""
		if env != nil {
			got = *env
		}
		if !ok || kind != tc.kind || got != tc.env {
			t.Errorf("%s: LiveEnv %s %q %v, want %s %q", tc.addr, kind, got, ok, tc.kind, tc.env)
		}
	}
	if id := p.LiveID("shop/production/application/later"); id != "" {
		t.Errorf("a service not created yet has the id %q", id)
	}
	if _, _, ok := LiveEnv(live, "X1"); ok {
		t.Errorf("LiveEnv found an id that is not there")
	}
}
