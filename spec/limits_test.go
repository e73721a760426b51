package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTooDeepIsRefusedBeforeParsing(t *testing.T) {
	flow := "apiVersion: dokploy-sync/v1\nprojects: " + strings.Repeat("[", 50000) + strings.Repeat("]", 50000) + "\n"
	var block strings.Builder
	block.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n")
	for i := 0; i < 70; i++ {
		block.WriteString(strings.Repeat("  ", i+1) + "k:\n")
	}
	seq := "apiVersion: dokploy-sync/v1\nprojects:\n  " + strings.Repeat("- ", 80) + "x\n"
	// in flow, a:"b is a plain scalar, not the start of a quoted one
	sneaky := "apiVersion: dokploy-sync/v1\nx: [a:\"b, " + strings.Repeat("[", 1000) + strings.Repeat("]", 1001) + "\n"
	for name, tc := range map[string]struct{ src, pos string }{
		"flow":     {flow, "dokploy.yaml:2:74"},
		"block":    {block.String(), "dokploy.yaml:66:129"},
		"sequence": {seq, "dokploy.yaml:3:3"},
		"quote":    {sneaky, "dokploy.yaml:2:73"},
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := LoadBytes("dokploy.yaml", []byte(tc.src), t.TempDir(), Options{})
			errs := diags.Errors()
			if len(errs) != 1 || !strings.Contains(errs[0].String(), "deeper than 64 levels") || !strings.HasPrefix(errs[0].String(), tc.pos) {
				t.Fatalf("diagnostics = %v, want one depth error at %s", diags, tc.pos)
			}
		})
	}
}

// Real specs, with flow mappings, quotes, comments and block scalars that
// hold brackets, pass the scan.
func TestDepthScanPassesRealSpecs(t *testing.T) {
	src := `apiVersion: dokploy-sync/v1 # a comment with [[[[ brackets
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: { docker: { image: "nginx:[1.27" } }
            command: 'it''s {not a flow'
            env: {A: "[", B: '{'}
            mounts:
              - type: file
                mountPath: /etc/x
                content: |
` + strings.Repeat("                  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n", 3)
	if l, c := tooDeep([]byte(src), MaxDepth); l != 0 {
		t.Fatalf("tooDeep = %d:%d, want none", l, c)
	}
	examples, _ := filepath.Glob("../examples/*/dokploy.yaml")
	if len(examples) == 0 {
		t.Fatal("no examples found")
	}
	for _, path := range examples {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if l, c := tooDeep(b, MaxDepth); l != 0 {
			t.Errorf("%s: tooDeep = %d:%d", path, l, c)
		}
		// and a much lower bound still passes: real specs are shallow
		if l, _ := tooDeep(b, 16); l != 0 {
			t.Errorf("%s: deeper than 16 levels at line %d", path, l)
		}
	}
}

func TestTooLargeIsRefusedUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dokploy.yaml")
	if err := os.WriteFile(path, []byte("apiVersion: dokploy-sync/v1\n"+strings.Repeat("# padding\n", 2000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(path, Options{MaxSize: 4096})
	if errs := diags.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Message, "the spec is larger than the limit of 4 KiB; raise it with --max-spec-size") {
		t.Fatalf("diagnostics = %v", diags)
	}
}
