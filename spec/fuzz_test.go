package spec

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to LoadBytes: nothing may panic, and the
// result must keep Load's promises. The seeds (every broken spec of
// testdata/broken and of the inline table) run in a plain `go test`.
// envFile paths are relative to testdata/broken, so the seeds' env files
// are read.
func FuzzLoad(f *testing.F) {
	for _, tc := range brokenSpecs {
		f.Add([]byte(yamlSrc(tc.src)))
	}
	specs, _ := filepath.Glob("testdata/broken/*.yaml")
	for _, path := range specs {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(goodSpec))
	f.Add([]byte(servicesSpec))
	// Deep nesting (refused before parsing) and a flat env map of many keys.
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n"))
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects:\n" + strings.Repeat(" - [{", 40) + "\n"))
	f.Add(flatEnvSpec(2000))
	// Lists, items and references in odd shapes.
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects:\n  p:\n    environments:\n      e:\n        applications:\n          a:\n            domains: &d [{host: a.example.com}, *d, [x], ~, {<<: *d}]\n            ports: [{publishedPort: 1, targetPort: 1}, 2]\n            mounts: {type: file}\n            source: {git: {url: x, branch: y, watchPaths: [a, [b], {c: d}, ~]}}\n"))
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects:\n  p:\n    environments:\n      e:\n        compose:\n          c: {composeFile: \"a\\nb\", source: {docker: {image: x}, git: {url: y}}, domains: [{host: \"${ref:compose/c.appName}\"}]}\n        applications:\n          a: {command: \"${ref:compose/c.appName}${ref:p/e/compose/c.appName}${ref:a/b.c}$${ref:x}${ref:\", env: {A: \"${ref:application/a.appName}\"}}\n"))
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects:\n  p:\n    environments:\n      e:\n        postgres:\n          d: {dockerImage: x, databaseName: d, databaseUser: u, databasePassword: \"${ref:postgres/d.databasePassword}\", mounts: [{type: file, mountPath: /x, contentFile: env/ok.env, content: y}, {type: file, mountPath: /y, contentFile: /dev/zero}]}\n"))
	f.Add([]byte("apiVersion: dokploy-sync/v1\nprojects:\n  a: &a {environments: {e: {applications: {x: {env: {A: \"${DB_PASSWORD}\"}}}}}}\n  b: *a\n  c: {<<: *a}\n"))
	f.Add([]byte("a: &a [x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nprojects: {p: {envFile: *c}}\n"))
	f.Add([]byte("apiVersion: dokploy-sync/v1\r\nprojects: {p: {envFile: [/dev/zero, /dev/stdin, .]}}\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := LoadBytes("dokploy.yaml", src, "testdata/broken", testOptions())
		if !ds.HasErrors() && file == nil {
			t.Fatalf("no errors but no File; diagnostics:\n%s", ds)
		}
		if !sort.SliceIsSorted(ds, func(i, j int) bool {
			a, b := ds[i].Pos, ds[j].Pos
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		}) {
			t.Fatalf("diagnostics are not sorted:\n%s", ds)
		}
		for _, d := range ds {
			// A diagnostic is about the spec, or (a variable that comes
			// out empty) about a line of an env file it reads.
			inEnvFile := strings.HasSuffix(d.Pos.File, ".env") && d.Severity == Warning && d.Pos.Line > 0
			if d.Message == "" || d.Pos.File != "dokploy.yaml" && !inEnvFile {
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

// envFileErrRE is every message readEnvFile may give after "FILE:" or
// "FILE:LINE:". godotenv's own messages quote the file (secrets included);
// dotenvError must replace them all, so a new godotenv message fails here.
var envFileErrRE = regexp.MustCompile(`^ (unexpected character "(?:[^"\\]|\\.)*" in variable name \(each line must be KEY=VALUE\)|unterminated quoted value|zero length string)$`)

// FuzzEnvFile feeds arbitrary env files to readEnvFile and ReadVarFile (the
// godotenv reader behind envFile and --var-file): nothing may panic, and an
// error names the file and a line that exists, and never quotes the file.
// The seeds run in a plain `go test`.
func FuzzEnvFile(f *testing.F) {
	files, _ := filepath.Glob("testdata/broken/env/*.env")
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"", "\n", "#", "=", ":", "A", "A=", "export", "export A=1", "export\tA=1", "A: b\r\nB=c\r\n",
		"A='x'\nB=\"y\\n${A}\"\nC=$A/${A}\\$A", "A=\"x", "A='x", "A=\"x\\\"", "A=\"\nB=1\n",
		"BAD-KEY=secret", "K EY=1", " A = b # c # d", "A=${{project.X}}", "\x00=\x00", "\xff\xfe=1",
		"A=\"multi\nline\"\nB=2", "export export=1", "1ST=x\n2ND=y",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "fuzz.env")
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(path, src, 0o600); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") + 1
		check := func(what, msg, prefix string) {
			rest, ok := strings.CutPrefix(msg, prefix+":")
			if !ok {
				t.Fatalf("%s: error %q does not start with %q", what, msg, prefix+":")
			}
			if n, after, ok := strings.Cut(rest, ":"); ok {
				if line, err := strconv.Atoi(n); err == nil {
					if line < 1 || line > lines {
						t.Fatalf("%s: error %q names line %d of a %d-line file", what, msg, line, lines)
					}
					rest = after
				}
			}
			if !envFileErrRE.MatchString(rest) {
				t.Fatalf("%s: unexpected error message %q (it may quote the file)", what, msg)
			}
		}
		if _, _, _, err := readEnvFile(fileRoot{dir: dir}, "fuzz.env"); err != nil {
			check("readEnvFile", err.Error(), path)
		}
		if _, err := ReadVarFile(path); err != nil {
			check("ReadVarFile", err.Error(), "var file "+path)
		}
	})
}
