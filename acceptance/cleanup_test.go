package acceptance

import (
	"encoding/json"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// TestCleanupRemovesEverything runs the cleanup of the acceptance test
// against the fake, so that it is known to work before it meets a real
// server: every kind of service and an extra environment go, then the
// project.
func TestCleanupRemovesEverything(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	call := func(proc string, in map[string]any) map[string]any {
		raw, err := fake.Call(proc, in)
		if err != nil {
			t.Fatalf("%s: %v", proc, err)
		}
		var out map[string]any
		jsonUnmarshal(t, raw, &out)
		return out
	}
	p := call("project.create", map[string]any{"name": "dsacc-x-shop"})
	env := p["environment"].(map[string]any)["environmentId"].(string)
	pid := p["project"].(map[string]any)["projectId"].(string)
	staging := call("environment.create", map[string]any{"name": "staging", "projectId": pid})["environmentId"].(string)
	call("application.create", map[string]any{"name": "api", "environmentId": env})
	call("compose.create", map[string]any{"name": "mon", "environmentId": staging, "composeFile": "services: {}\n", "sourceType": "raw"})
	call("redis.create", map[string]any{"name": "cache", "environmentId": staging, "databasePassword": "x", "dockerImage": "redis:7"})

	client, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	removeProjects(t, client, []string{"dsacc-x-shop"})
	raw, _ := fake.Call("project.all", nil)
	var all []map[string]any
	jsonUnmarshal(t, raw, &all)
	if len(all) != 0 {
		t.Errorf("projects left after cleanup: %v", all)
	}
}

func jsonUnmarshal(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}
