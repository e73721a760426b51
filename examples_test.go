package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// TestExamples validates every example (a directory: its dokploy*.yaml
// files are one spec), applies it to an empty fake Dokploy and checks that
// a second plan has no changes.
func TestExamples(t *testing.T) {
	specs, _ := filepath.Glob("examples/*/dokploy.yaml")
	if len(specs) < 2 {
		t.Fatalf("found %d examples", len(specs))
	}
	for _, path := range specs {
		path := filepath.Dir(path)
		t.Run(filepath.Base(path), func(t *testing.T) {
			fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
			for _, name := range exampleServers[filepath.Base(path)] {
				if err := fake.EnsureServer(name); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("DOKPLOY_URL", fake.URL())
			t.Setenv("DOKPLOY_API_KEY", "k")
			varFile := filepath.Join(path, "demo.env")
			cli := func(args ...string) (int, string) {
				var out, errOut bytes.Buffer
				code := run(args, strings.NewReader(""), &out, &errOut)
				return code, out.String() + errOut.String()
			}
			if code, out := cli("validate", path); code != 0 || !strings.Contains(out, "No errors") {
				t.Fatalf("validate: exit %d\n%s", code, out)
			}
			if code, out := cli("apply", "--auto-approve", "-f", path, "--var-file", varFile); code != 0 || !strings.Contains(out, "Apply complete!") {
				t.Fatalf("apply: exit %d\n%s", code, out)
			}
			if code, out := cli("plan", "--detailed-exitcode", "-f", path, "--var-file", varFile); code != 0 {
				t.Fatalf("plan after apply: exit %d\n%s", code, out)
			}
		})
	}
}

// exampleServers are the remote servers an example names: made in
// Dokploy's UI, never by a spec (fakedokploy -server NAME makes them).
var exampleServers = map[string][]string{"production": {"vps-1"}}
