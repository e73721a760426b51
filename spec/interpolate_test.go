package spec

import (
	"reflect"
	"testing"
	"unsafe"
)

func TestInterpolate(t *testing.T) {
	vars := map[string]string{"A": "alpha", "B_2": "beta", "EMPTY": "", "TRICKY": "${A}"}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	for _, tc := range []struct {
		in, want string
		unset    []string
		errs     int
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha"},
		{in: "x-${A}-${B_2}-y", want: "x-alpha-beta-y"},
		{in: "${EMPTY}", want: ""},
		{in: "${TRICKY}", want: "${A}"}, // replaced text is not scanned again
		{in: "$${A}", want: "${A}"},
		{in: "$${{project.X}}", want: "${{project.X}}"},
		{in: "${{project.X}}", want: "${{project.X}}"},
		{in: "${{ environment.DB_URL }}/x", want: "${{ environment.DB_URL }}/x"},
		{in: "${{vault.hashi.secret/data/x#key}}", want: "${{vault.hashi.secret/data/x#key}}"},
		{in: "a ${{X}} b ${A}", want: "a ${{X}} b alpha"},
		{in: "$A $ $$ $5 ${A}$", want: "$A $ $$ $5 alpha$"},
		{in: "pa$$word", want: "pa$$word"},
		{in: "${MISSING}", want: "${MISSING}", unset: []string{"MISSING"}},
		{in: "${A}:${MISSING}:$${x}", want: "${A}:${MISSING}:$${x}", unset: []string{"MISSING"}}, // raw text kept
		{in: "${M1}${M2}${M1}", want: "${M1}${M2}${M1}", unset: []string{"M1", "M2", "M1"}},
		{in: "${ref:postgres/db.appName}", want: "${ref:postgres/db.appName}"}, // kept for the planner
		{in: "${A}@${ref:postgres/db.appName}:${MISSING}", want: "${A}@${ref:postgres/db.appName}:${MISSING}", unset: []string{"MISSING"}},
		{in: "${A}@${ref:postgres/db.appName}", want: "alpha@${ref:postgres/db.appName}"},
		{in: "$${ref:postgres/db.appName}", want: "$${ref:postgres/db.appName}", errs: 1}, // no literal ${ref:
		{in: "${ref:x", want: "${ref:x", errs: 1},
		{in: "${", want: "${", errs: 1},
		{in: "abc ${A", want: "abc ${A", errs: 1},
		{in: "${{project.X}", want: "${{project.X}", errs: 1},
		{in: "${1A}", want: "${1A}", errs: 1},
		{in: "${A-B}", want: "${A-B}", errs: 1},
		{in: "${A:-default}", want: "${A:-default}", errs: 1},
		{in: "${}", want: "${}", errs: 1},
	} {
		got := interpolate(tc.in, lookup)
		if got.value != tc.want || !reflect.DeepEqual(got.unset, tc.unset) || len(got.errs) != tc.errs {
			t.Errorf("interpolate(%q) = %q unset=%v errs=%q; want %q unset=%v errs=%d",
				tc.in, got.value, got.unset, got.errs, tc.want, tc.unset, tc.errs)
		}
	}
}

// TestInterpolationScope: keys are never interpolated; numbers and booleans
// are kept as written.
func TestInterpolationScope(t *testing.T) {
	src := `
apiVersion: dokploy-sync/v1
projects:
  shop:
    env:
      ${DB_PASSWORD}_NOT_A_KEY: x
      PORT: 08080
      RATIO: 1.50
      ON: yes
      OFF: false
      HEX: 0x1F
      QUOTED: "${DB_PASSWORD}"
      SINGLE: '${DB_PASSWORD}'
      BLOCK: |
        user=${TAG}
        literal=$${TAG}
`
	f, ds := loadString(t, src)
	if got := diagStrings(ds); len(got) != 1 || got[0] != `dokploy.yaml:5:7: shop: env: invalid variable name "${DB_PASSWORD}_NOT_A_KEY": use letters, digits, "_", "." and "-", not starting with a digit` {
		t.Errorf("diagnostics: %q", got)
	}
	want := map[string]string{
		"PORT": "08080", "RATIO": "1.50", "ON": "yes", "OFF": "false", "HEX": "0x1F",
		"QUOTED": "s3cret", "SINGLE": "s3cret", "BLOCK": "user=1.4.2\nliteral=${TAG}\n",
	}
	if got := f.Projects["shop"].EnvVars; !reflect.DeepEqual(got, want) {
		t.Errorf("EnvVars =\n%v\nwant\n%v", got, want)
	}
}

// A value in which nothing is replaced (Dokploy's references, resource
// references, lone $s) is the input itself, not a copy.
func TestInterpolateKeepsTheInput(t *testing.T) {
	lookup := func(string) (string, bool) { return "x", true }
	for _, in := range []string{"${{project.X}}", "postgresql://${ref:postgres/db.appName}:5432/${{environment.DB}}", "$A $ $$ pa$$word", "${1A}"} {
		var got interpolation
		if n := testing.AllocsPerRun(10, func() { got = interpolate(in, lookup) }); n != 0 && len(got.errs) == 0 {
			t.Errorf("interpolate(%q) allocates %v times", in, n)
		}
		if got.value != in || unsafe.StringData(got.value) != unsafe.StringData(in) {
			t.Errorf("interpolate(%q) = %q, a copy", in, got.value)
		}
	}
}
