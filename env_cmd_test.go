package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// On a terminal env pull shows the keys only, and says how to get the
// values; --show-values prints them there too.
func TestEnvPullHidesValuesOnATerminal(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	out, err := fake.Call("project.create", map[string]any{"name": "shop", "env": "TOKEN=tok-term-98765\nLEVEL=info"})
	if err != nil || !strings.Contains(string(out), "projectId") {
		t.Fatalf("seed: %v %s", err, out)
	}
	dir := writeSpec(t, "apiVersion: dokploy-sync/v1\nprojects:\n  shop: {}\n")
	defer func(f func(io.Writer) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(io.Writer) bool { return true }

	r := runCLI(t, context.Background(), fake, dir, "env", "pull", "shop")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "tok-term-98765") || strings.Contains(r.stdout+r.stderr, "info") {
		t.Errorf("a value on the terminal:\n%s\n%s", r.stdout, r.stderr)
	}
	if r.stdout != "LEVEL=(sensitive)\nTOKEN=(sensitive)\n" {
		t.Errorf("stdout %q, want the keys with values hidden", r.stdout)
	}
	if !strings.Contains(r.stderr, "add --show-values to print them, or write them to a file with -o FILE") {
		t.Errorf("stderr does not say how to get the values: %q", r.stderr)
	}

	r = runCLI(t, context.Background(), fake, dir, "env", "pull", "shop", "--show-values")
	if r.code != 0 || !strings.Contains(r.stdout, "TOKEN=tok-term-98765\n") {
		t.Errorf("--show-values: exit %d, stdout %q", r.code, r.stdout)
	}
}

// env push writes the env and nothing else of the service, even when the
// spec differs in other fields: one saveEnvironment, apply's idle marker
// (an application.update of applicationStatus) and deploy, and the tags of
// its lease and deploy marker.
func TestEnvPushWritesOnlyTheEnv(t *testing.T) {
	var mu sync.Mutex
	var procs []string
	var bodies []byte
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, OnRequest: func(r dokploytest.Request) {
		if r.Method == "POST" {
			mu.Lock()
			procs = append(procs, r.Procs...)
			bodies = append(bodies, r.Body...)
			mu.Unlock()
		}
	}})
	spec := "apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    environments:\n      production:\n        applications:\n          api:\n            source: {docker: {image: \"nginx:1.27\"}}\n            env: {A: \"1\"}\n"
	dir := writeSpec(t, spec)
	if r := runCLI(t, context.Background(), fake, dir, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The spec now wants another image; push must not send it.
	if err := os.WriteFile(filepath.Join(dir, "dokploy.yaml"), []byte(strings.Replace(spec, "1.27", "1.28", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "new.env")
	if err := os.WriteFile(envFile, []byte("A=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	procs, bodies = nil, nil
	mu.Unlock()
	r := runCLI(t, context.Background(), fake, dir, "env", "push", "shop/production/application/api", envFile, "--auto-approve")
	if r.code != 0 {
		t.Fatalf("push: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	var writes []string
	for _, p := range procs {
		if !strings.HasPrefix(p, "tag.") {
			writes = append(writes, p)
		}
	}
	if want := []string{"application.saveEnvironment", "application.update", "application.deploy"}; !slices.Equal(writes, want) {
		t.Errorf("mutations %q, want %q", writes, want)
	}
	if strings.Contains(string(bodies), "nginx:1.28") || strings.Contains(string(bodies), "dockerImage") {
		t.Errorf("push sent the image: %s", bodies)
	}
	if !strings.Contains(string(bodies), `"applicationStatus":"idle"`) {
		t.Errorf("no idle marker in %s", bodies)
	}
}
