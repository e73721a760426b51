// Package acceptance applies the examples to a real Dokploy server under a
// unique name prefix, re-plans to zero changes, and removes everything it
// made. It runs only when asked:
//
//	DOKPLOY_ACCEPTANCE=1 DOKPLOY_URL=https://... DOKPLOY_API_KEY=... go test ./acceptance/ -v
//
// Use an API key of a disposable organization: the test creates projects
// named dsacc-<random>-<example project> and deletes them at the end.
package acceptance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

func TestExamplesConvergeOnARealServer(t *testing.T) {
	if os.Getenv("DOKPLOY_ACCEPTANCE") != "1" || os.Getenv("DOKPLOY_URL") == "" || os.Getenv("DOKPLOY_API_KEY") == "" {
		t.Skip("acceptance tests need DOKPLOY_ACCEPTANCE=1, DOKPLOY_URL and DOKPLOY_API_KEY (a real Dokploy server)")
	}
	client, err := dokploy.New(dokploy.Options{BaseURL: os.Getenv("DOKPLOY_URL"), APIKey: os.Getenv("DOKPLOY_API_KEY")})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	rand.Read(buf)
	prefix := "dsacc-" + hex.EncodeToString(buf) + "-"
	dirs, _ := filepath.Glob("../examples/*/dokploy.yaml")
	for _, path := range dirs {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			vars, err := spec.ReadVarFile(filepath.Join(filepath.Dir(path), "demo.env"))
			if err != nil {
				t.Fatal(err)
			}
			f, diags := spec.Load(path, spec.Options{Vars: vars})
			if diags.HasErrors() {
				t.Fatalf("%s:\n%s", path, diags)
			}
			renamed := map[string]*spec.Project{}
			for name, p := range f.Projects {
				renamed[prefix+name] = p
			}
			f.Projects = renamed
			t.Cleanup(func() { removeProjects(t, client, spec.SortedKeys(f.Projects)) })

			plan := observePlan(ctx, t, client, f)
			if plan.Empty() {
				t.Fatal("first plan is empty")
			}
			if err := apply.Apply(ctx, client, plan, apply.Options{}).Err(); err != nil {
				t.Fatal(err)
			}
			if again := observePlan(ctx, t, client, f); !again.Empty() {
				var s []string
				for _, c := range again.Changes {
					s = append(s, string(c.Action)+" "+c.Address)
				}
				t.Fatalf("expected 0 changes after apply, got %q", s)
			}
		})
	}
}

func observePlan(ctx context.Context, t *testing.T, c *dokploy.Client, f *spec.File) *planner.Plan {
	t.Helper()
	live, err := c.Observe(ctx, spec.SortedKeys(f.Projects), planner.ReadKinds(f)...)
	if err != nil {
		t.Fatal(err)
	}
	p := planner.Compute(f, live)
	if len(p.Errors) > 0 {
		t.Fatalf("plan errors: %q", p.Errors)
	}
	return p
}

// removeProjects deletes the named projects: services first, then the
// extra environments, then the project (project.remove alone would orphan
// running services).
func removeProjects(t *testing.T, c *dokploy.Client, names []string) {
	ctx := context.Background()
	live, err := c.Observe(ctx, names)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	for _, ps := range live.Projects {
		for _, p := range ps {
			var calls []*dokploy.Call
			for _, e := range p.Environments {
				for _, a := range e.Applications {
					calls = append(calls, dokploy.NewCall("application.delete", map[string]string{"applicationId": a.ApplicationID}, nil))
				}
				for _, cm := range e.Compose {
					calls = append(calls, dokploy.NewCall("compose.delete", map[string]any{"composeId": cm.ComposeID, "deleteVolumes": true}, nil))
				}
				for _, d := range e.Databases {
					calls = append(calls, dokploy.NewCall(d.Kind+".remove", map[string]string{dokploy.IDKey(d.Kind): d.ID}, nil))
				}
			}
			if err := c.Do(ctx, calls...); err != nil {
				t.Errorf("cleanup of %s: %v", p.Name, err)
			}
			calls = nil
			for _, e := range p.Environments {
				if !e.IsDefault {
					calls = append(calls, dokploy.NewCall("environment.remove", map[string]string{"environmentId": e.EnvironmentID}, nil))
				}
			}
			if err := c.Do(ctx, calls...); err != nil {
				t.Errorf("cleanup of %s: %v", p.Name, err)
			}
			if err := c.Do(ctx, dokploy.NewCall("project.remove", map[string]string{"projectId": p.ProjectID}, nil)); err != nil {
				t.Errorf("cleanup of %s: %v", p.Name, err)
			}
		}
	}
}
