package spec

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/broken/*.golden from the current diagnostics")

// noVarsOptions sets no variable at all, so every ${VAR} is unset and the
// goldens do not depend on the environment of the test.
func noVarsOptions() Options {
	return Options{LookupEnv: func(string) (string, bool) { return "", false }}
}

var goldenNameRE = regexp.MustCompile(`^\d\d-[a-z0-9-]+$`)

// TestBrokenGolden is the main table of broken specs: each
// testdata/broken/NN-name.yaml is loaded and its diagnostics
// (Diagnostics.String(), with file:line:col) must equal NN-name.golden.
// `go test ./spec -update` rewrites the goldens; review the diff.
// env files the specs use are in testdata/broken/env/.
func TestBrokenGolden(t *testing.T) {
	specs, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) < 40 {
		t.Fatalf("only %d broken specs in testdata/broken; keep at least 40", len(specs))
	}
	var passwords []string // every literal password the specs contain
	for _, path := range specs {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		golden := strings.TrimSuffix(path, ".yaml") + ".golden"
		t.Run(name, func(t *testing.T) {
			if !goldenNameRE.MatchString(name) {
				t.Errorf("name the file NN-short-name.yaml")
			}
			f, ds := Load(path, noVarsOptions())
			got := ds.String()
			if len(ds) == 0 {
				t.Errorf("no diagnostics: every spec in testdata/broken must have a problem")
			}
			for _, pw := range passwordsIn(t, path, f) {
				passwords = append(passwords, pw)
				if strings.Contains(got, pw) {
					t.Errorf("the diagnostics contain the password %q of the spec", pw)
				}
			}
			checkGolden(t, golden, got)
		})
	}
	// The password check must have something to check.
	for _, pw := range []string{"correct horse battery", "root/slash$42", "hunter2-literal", "1234567", "correct-horse-literal", "npm-literal-token"} {
		if !slices.Contains(passwords, pw) {
			t.Errorf("passwordsIn did not find the password %q of the specs", pw)
		}
	}
	// A golden without its spec is a case that silently stopped running.
	goldens, _ := filepath.Glob("testdata/broken/*.golden")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".yaml"); err != nil {
			t.Errorf("%s has no .yaml", g)
		}
	}
}

// passwordRE finds the password fields of a spec's text, quoted or not, in
// block or flow style.
var passwordRE = regexp.MustCompile(`(?m)(?:databasePassword|databaseRootPassword|password)\s*:[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s,}#]+)`)

// passwordsIn returns the password values of a spec: as written in the
// file (what a broken decode may not have kept) and as loaded. Values that
// use ${VAR} are references, not secrets, and very short values would match
// by accident; both are left out.
// checkGolden compares got with the file golden (go test ./spec -update
// rewrites it).
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./spec -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("differs from %s (-want +got):\n%s", golden, diff)
	}
}

func passwordsIn(t *testing.T, path string, f *File) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	add := func(s string) {
		if len(s) >= 4 && !strings.Contains(s, "${") {
			out = append(out, s)
		}
	}
	for _, m := range passwordRE.FindAllStringSubmatch(string(src), -1) {
		add(strings.Trim(m[1], `"'`))
	}
	if f == nil {
		return out
	}
	f.WalkObjects(func(_ string, o *Object) {
		for _, s := range o.SecretValues() {
			add(s)
		}
	})
	for _, p := range f.Projects {
		if p == nil {
			continue
		}
		for _, e := range p.Environments {
			if e == nil {
				continue
			}
			for _, a := range e.Applications {
				if a == nil {
					continue
				}
				if a.Source != nil && a.Source.Docker != nil && a.Source.Docker.Password != nil {
					add(*a.Source.Docker.Password)
				}
				for _, v := range a.BuildSecrets {
					add(v)
				}
			}
			for _, db := range e.Databases() {
				for _, pw := range []*string{db.DatabasePassword, db.DatabaseRootPassword} {
					if pw != nil {
						add(*pw)
					}
				}
			}
		}
	}
	return out
}
