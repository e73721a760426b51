package spec

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// bigEnvSpec is a spec with two large env maps, values that use an unset
// variable and a Dokploy reference, and errors inside the large map (a key
// Dokploy does not accept), around ordinary content.
func bigEnvSpec(n int) string {
	var b strings.Builder
	b.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    environments:\n      production:\n        env:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "          SHARED_%d: \"v %d\"\n", i, i)
	}
	b.WriteString("        applications:\n          api:\n            source: { docker: { image: nginx:1.27 } }\n            replicas: 2\n            env:\n")
	for i := 0; i < n; i++ {
		switch i {
		case n / 2:
			fmt.Fprintf(&b, "              1BAD-%d: x\n", i)
		case n/2 + 7:
			fmt.Fprintf(&b, "              K_%d: ${UNSET_VAR}\n", i)
		case n/2 + 9:
			fmt.Fprintf(&b, "              K_%d: ${{project.X}}\n", i)
		default:
			fmt.Fprintf(&b, "              K_%d: value-%d\n", i, i)
		}
	}
	b.WriteString("            replicaz: 3\n")
	return b.String()
}

// A large mapping parsed in chunks gives what a whole parse gives: the same
// spec, the same diagnostics at the same positions.
func TestChunkedParseIsAWholeParse(t *testing.T) {
	src := []byte(bigEnvSpec(3*bigMapMin/2 + 17))
	dir := t.TempDir()
	load := func(chunk bool) (*File, Diagnostics) {
		defer func(old bool) { chunked = old }(chunked)
		chunked = chunk
		return LoadBytes("dokploy.yaml", src, dir, Options{LookupEnv: func(string) (string, bool) { return "", false }})
	}
	wf, wd := load(false)
	gf, gd := load(true)
	if len(wd) == 0 {
		t.Fatal("the spec was meant to have diagnostics")
	}
	if diff := cmp.Diff(wd.String(), gd.String()); diff != "" {
		t.Errorf("diagnostics (-whole +chunked):\n%s", diff)
	}
	if diff := cmp.Diff(wf, gf, cmpopts.IgnoreUnexported(File{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("spec (-whole +chunked):\n%.3000s", diff)
	}
	if lines := findBigMaps(bytes.Split(src, []byte("\n"))); len(lines) != 2 {
		t.Errorf("found %d large mappings, want 2 (the test would compare nothing)", len(lines))
	}
}

// A key given twice in a large mapping is reported as by a whole parse.
func TestChunkedParseDuplicateKeys(t *testing.T) {
	src := strings.Replace(bigEnvSpec(bigMapMin+10), "K_5: value-5", "K_1500: again", 1)
	_, diags := LoadBytes("dokploy.yaml", []byte(src), t.TempDir(), Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if !strings.Contains(diags.String(), `mapping key "K_1500" already defined`) {
		t.Fatalf("diagnostics:\n%.2000s", diags)
	}
}

// The line tests of findBigMaps (simpleIndent, isParentKey, simpleKey)
// say what the submatches of simpleEntry and parentKey say.
func TestBigMapLineTestsAreTheRegexps(t *testing.T) {
	lines := []string{
		"", " ", ":", " :", "  K: v", "  K:v", "  K: ", "  K:  v", "K: v", "\tK: v", "  K: v # c", "  K: v\t", "  K: v\r",
		"  K: \"quoted\"", "  K: \"a\\\"b\"", "  K: 'single'", "  K: 'a'b'", "  K: {a: b}", "  K: [a]", "  K: &x v", "  K: *x",
		"  K: !!str v", "  K: |", "  K: >", "  K: @v", "  K: `v`", "  K: ,v", "  K: %v", "  K: #c", "  K.a-b_9: v: w",
		"  K K: v", "  ünï: v", "   deep: value with spaces", "env:", "  env:", "  env: ", "  env:\r", "  env:  \r ", "env: # c",
		"  - item:", "  #c:", "  'q':", "a b:", " : ", "\r", "          SHARED_1: \"v 1\"", "  K: ${UNSET_VAR}", "  K: ${{project.X}}",
	}
	for _, l := range lines {
		line := []byte(l)
		m := simpleEntry.FindSubmatch(line)
		indent, ok := simpleIndent(line)
		if ok != (m != nil) || ok && indent != len(m[1]) {
			t.Errorf("simpleIndent(%q) = %d, %v; the regexp says %q", l, indent, ok, m)
		}
		if m != nil && string(simpleKey(line)) != string(m[2]) {
			t.Errorf("simpleKey(%q) = %q, want %q", l, simpleKey(line), m[2])
		}
		p := parentKey.FindSubmatch(bytes.TrimRight(line, " \r"))
		for indent := 0; indent < 12; indent++ {
			if got, want := isParentKey(line, indent), p != nil && len(p[1]) < indent; got != want {
				t.Errorf("isParentKey(%q, %d) = %v, want %v", l, indent, got, want)
			}
		}
	}
}
