package spec

import (
	"sort"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to LoadBytes: nothing may panic, and the
// result must keep Load's promises. The seeds (every table spec) run in a
// plain `go test`.
func FuzzLoad(f *testing.F) {
	for _, tc := range brokenSpecs {
		f.Add([]byte(yamlSrc(tc.src)))
	}
	f.Add([]byte(goodSpec))
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects:\n  a: &a {environments: {e: {applications: {x: {env: {A: \"${DB_PASSWORD}\"}}}}}}\n  b: *a\n  c: {<<: *a}\n"))
	f.Add([]byte("a: &a [x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nprojects: {p: {envFile: *c}}\n"))
	f.Add([]byte("apiVersion: dokploy-sync/v1\r\nprojects: {p: {envFile: [/dev/zero, /dev/stdin, .]}}\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		file, ds := LoadBytes("dokploy.yaml", src, dir, testOptions())
		if !ds.HasErrors() && file == nil {
			t.Fatalf("no errors but no File; diagnostics:\n%s", ds)
		}
		if !sort.SliceIsSorted(ds, func(i, j int) bool {
			a, b := ds[i].Pos, ds[j].Pos
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		}) {
			t.Fatalf("diagnostics are not sorted:\n%s", ds)
		}
		for _, d := range ds {
			if d.Message == "" || d.Pos.File != "dokploy.yaml" {
				t.Fatalf("bad diagnostic %#v", d)
			}
		}
		if file != nil {
			_ = file.UnsetVars()
			_ = Validate(file)
			for _, p := range file.Projects {
				for _, e := range p.Environments {
					if e != nil {
						_ = e.Databases()
					}
				}
			}
		}
	})
}
