package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testOnlyPackages are the packages only tests may compile, by import path
// prefix: JSON Schema and OpenAPI validation, test helpers and what the
// contract checker (contract_test.go) and the schema's tests use.
var testOnlyPackages = []string{
	"github.com/pb33f/",
	"github.com/santhosh-tekuri/jsonschema",
	"github.com/dlclark/regexp2",
	"github.com/google/go-cmp",
	"github.com/rogpeppe/go-internal/testscript",
	"github.com/dokploy-sync/dokploy-sync/schema/schematest",
	"github.com/dokploy-sync/dokploy-sync/internal/contract",
}

// TestPlainBuildHasNoTestOnlyPackages runs `go list -deps` on the packages
// of the module (non-test builds, as `go install ./...` compiles them): none
// of them may need a test-only package, and the binary itself needs neither
// the testing package nor the fake Dokploy server.
func TestPlainBuildHasNoTestOnlyPackages(t *testing.T) {
	gocmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(gocmd); err != nil {
		t.Skipf("no go command at %s: %v", gocmd, err)
	}
	list := func(patterns ...string) []string {
		t.Helper()
		out, err := exec.Command(gocmd, append([]string{"list", "-deps"}, patterns...)...).Output()
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				t.Fatalf("go list -deps %s: %v\n%s", strings.Join(patterns, " "), err, ee.Stderr)
			}
			t.Fatalf("go list -deps %s: %v", strings.Join(patterns, " "), err)
		}
		return strings.Fields(string(out))
	}
	forbidden := func(pkg string, extra ...string) bool {
		for _, p := range append(append([]string(nil), testOnlyPackages...), extra...) {
			if pkg == p || strings.HasPrefix(pkg, p) {
				return true
			}
		}
		return false
	}
	all := list("./...")
	if len(all) < 50 {
		t.Fatalf("go list -deps ./... listed only %d packages: %q", len(all), all)
	}
	for _, pkg := range all {
		if forbidden(pkg) {
			t.Errorf("go install ./... compiles the test-only package %s", pkg)
		}
	}
	for _, pkg := range list(".") {
		if forbidden(pkg, "github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest") || pkg == "testing" {
			t.Errorf("the binary depends on %s", pkg)
		}
	}
}
