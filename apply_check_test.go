package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// leaseSpec declares two projects, so that an apply takes two leases.
const leaseSpec = `apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: pw-lease-1234
        applications:
          api:
            source: {docker: {image: "nginx:1.27"}}
            replicas: 2
  blog:
    environments:
      production:
        applications:
          web:
            source: {docker: {image: "nginx:1.27"}}
`

// cliRun runs the CLI in-process against the fake with the spec in dir.
type cliRun struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, ctx context.Context, fake *dokploytest.Server, dir string, args ...string) cliRun {
	t.Helper()
	full := append(slices.Clone(args), "--url", fake.URL(), "--api-key", testAPIKey)
	if dir != "" {
		full = append(full, "-f", filepath.Join(dir, "dokploy.yaml"))
	}
	var out, errOut bytes.Buffer
	code := runContext(ctx, full, strings.NewReader(""), &out, &errOut)
	return cliRun{code, out.String(), errOut.String()}
}

func writeSpec(t *testing.T, spec string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dokploy.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestApplyCheckFailsOnDuplicates: when the live state read again after
// apply has two projects of one name (another apply or a UI user created
// it meanwhile), apply fails, names both ids and says how to fix it; it
// never prints "Apply complete!".
func TestApplyCheckFailsOnDuplicates(t *testing.T) {
	var fake *dokploytest.Server
	var once sync.Once
	fake = dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, OnRequest: func(r dokploytest.Request) {
		if r.Status == 200 && slices.Contains(r.Procs, "project.create") {
			once.Do(func() {
				if _, err := fake.Call("project.create", map[string]any{"name": "shop"}); err != nil {
					t.Error(err)
				}
			})
		}
	}})
	dir := writeSpec(t, leaseSpec)
	r := runCLI(t, context.Background(), fake, dir, "apply", "--auto-approve", "--no-deploy")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "Apply complete!") || strings.Contains(r.stdout+r.stderr, "No changes") {
		t.Errorf("apply reports success with duplicates:\n%s\n%s", r.stdout, r.stderr)
	}
	ids := regexp.MustCompile(`2 live projects are named "shop" \(ids [A-Za-z0-9_-]{21}, [A-Za-z0-9_-]{21}\)`)
	if !ids.MatchString(r.stderr) {
		t.Errorf("the error does not name both ids:\n%s", r.stderr)
	}
	for _, want := range []string{"delete the extra one in the Dokploy UI", "rename", "dokploy-sync plan"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
