package apply_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// settingsRecording passes calls on and keeps their procedures and inputs.
type settingsRecording struct {
	d     apply.Doer
	mu    sync.Mutex
	calls []*dokploy.Call
}

func (r *settingsRecording) Do(ctx context.Context, calls ...*dokploy.Call) error {
	r.mu.Lock()
	r.calls = append(r.calls, calls...)
	r.mu.Unlock()
	return r.d.Do(ctx, calls...)
}

// inputs are the inputs of the recorded calls of proc, as JSON values.
func (r *settingsRecording) inputs(t *testing.T, proc string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, c := range r.calls {
		if c.Proc != proc {
			continue
		}
		b, err := json.Marshal(c.Input)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		out = append(out, m)
	}
	return out
}

// TestSaveEnvironmentSendsTheSpecsCreateEnvFile: saveEnvironment needs
// createEnvFile; the spec's value goes with it (an application.update in
// the same batch may run before or after it on the server), the live one
// only when the spec leaves it out. A created application gets its env and
// createEnvFile in its one application.update.
func TestSaveEnvironmentSendsTheSpecsCreateEnvFile(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: 3})
	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	run := func(doc string) *settingsRecording {
		t.Helper()
		f, diags := spec.LoadBytes("dokploy.yaml", []byte(doc), t.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		rec := &settingsRecording{d: c}
		if res := apply.Apply(context.Background(), rec, plan(t, c, f), apply.Options{}); res.Err() != nil {
			t.Fatal(res.Err())
		}
		return rec
	}
	const base = `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {docker: {image: "nginx:1.27"}}
`
	for _, step := range []struct {
		name, extra, proc string
		want              bool
	}{
		{"created with createEnvFile false", "            env: {MODE: one}\n            createEnvFile: false\n", "application.update", false},
		{"env changed, createEnvFile turned true", "            env: {MODE: two}\n            createEnvFile: true\n", "application.saveEnvironment", true},
		{"env changed, createEnvFile turned false", "            env: {MODE: three}\n            createEnvFile: false\n", "application.saveEnvironment", false},
		{"env changed, createEnvFile left out: the live one", "            env: {MODE: four}\n", "application.saveEnvironment", false},
	} {
		rec := run(base + step.extra)
		ins := rec.inputs(t, step.proc)
		if len(ins) != 1 {
			t.Fatalf("%s: %d %s calls, want 1", step.name, len(ins), step.proc)
		}
		if got, ok := ins[0]["createEnvFile"].(bool); !ok || got != step.want || ins[0]["env"] == nil {
			t.Errorf("%s: %s sent createEnvFile %v and env %v, want %v and the env", step.name, step.proc, ins[0]["createEnvFile"], ins[0]["env"], step.want)
		}
	}
}
