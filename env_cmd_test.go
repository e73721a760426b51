package main

import (
	"context"
	"io"
	"strings"
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
