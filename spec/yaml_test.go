package spec

import (
	"fmt"
	"strings"
	"testing"
)

// TestMergeKeys: explicit keys win over merged ones, earlier merges over
// later ones; aliases can stand for whole resources; x- keys are ignored.
func TestMergeKeys(t *testing.T) {
	src := `
apiVersion: dokploy-sync/v1
x-base: &base
  dockerImage: redis:7
  databasePassword: "${DB_PASSWORD}"
  description: from base
x-other: &other
  description: from other
  externalPort: 6380
projects:
  shop:
    environments:
      production:
        redis:
          a: {<<: [*base, *other], description: explicit}
          b: {<<: [*other, *base]}
          c: *base
`
	f, ds := loadString(t, src)
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %s", ds)
	}
	r := f.Projects["shop"].Environments["production"].Redis
	if *r["a"].Description != "explicit" || *r["a"].ExternalPort != 6380 || r["a"].DockerImage != "redis:7" {
		t.Errorf("a = %+v", r["a"])
	}
	if *r["b"].Description != "from other" {
		t.Errorf("b = %q", *r["b"].Description)
	}
	if r["c"].DatabasePassword != "s3cret" || r["c"] == r["a"] {
		t.Errorf("c = %+v", r["c"])
	}
	if p := r["c"].Pos; p.Line != 16 || p.Col != 11 {
		t.Errorf("c Pos = %+v", p)
	}
}

// TestAliasBomb: aliases of aliases cannot make loading explode.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: dokploy-sync/v1\nx-a0: &a0 {description: x}\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "x-a%d: &a%d {<<: [*a%d, *a%d]}\n", i, i, i-1, i-1)
	}
	b.WriteString("projects:\n  p: {<<: *a39}\n")
	_, ds := loadString(t, b.String())
	if !strings.Contains(ds.String(), "the document is too large once its aliases are expanded") {
		t.Errorf("diagnostics: %s", ds)
	}
}
