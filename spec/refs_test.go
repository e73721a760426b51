package spec

import (
	"reflect"
	"strings"
	"testing"
)

func TestFindRefs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Ref
		err  string // the start of the error, or ""
	}{
		{in: "plain"},
		{in: "${VAR} ${{project.X}} $${ref"},
		{in: "${ref:postgres/db.appName}", want: []Ref{{Raw: "${ref:postgres/db.appName}", Kind: "postgres", Name: "db", Field: "appName"}}},
		{in: "x ${ref:shop/staging/mysql/my-db.databasePassword} y ${ref:application/api.appName}", want: []Ref{
			{Raw: "${ref:shop/staging/mysql/my-db.databasePassword}", Project: "shop", Environment: "staging", Kind: "mysql", Name: "my-db", Field: "databasePassword"},
			{Raw: "${ref:application/api.appName}", Kind: "application", Name: "api", Field: "appName"},
		}},
		// Names may contain dots: the field is after the last one.
		{in: "${ref:compose/mon.v2.appName}", want: []Ref{{Raw: "${ref:compose/mon.v2.appName}", Kind: "compose", Name: "mon.v2", Field: "appName"}}},
		{in: "${ref:shop.eu/prod/redis/cache.databasePassword}", want: []Ref{{Raw: "${ref:shop.eu/prod/redis/cache.databasePassword}", Project: "shop.eu", Environment: "prod", Kind: "redis", Name: "cache", Field: "databasePassword"}}},
		{in: "${ref:shop.eu/prod/redis/cache}", err: "reference ${ref:shop.eu/prod/redis/cache}: must end in .FIELD"},
		{in: "${ref:postgres/db}", err: "reference ${ref:postgres/db}: must end in .FIELD"},
		{in: "${ref:postgres/db.}", err: "reference ${ref:postgres/db.}: must end in .FIELD"},
		{in: "${ref:db.appName}", err: "reference ${ref:db.appName}: must be ${ref:KIND/NAME.FIELD} or ${ref:PROJECT/ENV/KIND/NAME.FIELD}"},
		{in: "${ref:a/b/postgres/db/x.appName}", err: "reference ${ref:a/b/postgres/db/x.appName}: must be"},
		{in: "${ref:shop//postgres/db.appName}", err: "reference ${ref:shop//postgres/db.appName}: has an empty part"},
		{in: "${ref:pg/db.appName}", err: `reference ${ref:pg/db.appName}: unknown kind "pg"`},
		{in: "${ref:postgres/db.host}", err: `reference ${ref:postgres/db.host}: unknown field "host"`},
		{in: "${ref:postgres/db.appName} ${ref:bad}", want: []Ref{{Raw: "${ref:postgres/db.appName}", Kind: "postgres", Name: "db", Field: "appName"}}, err: "reference ${ref:bad}"},
		{in: "${ref:postgres/db.appName", want: nil}, // unterminated: not a reference
	} {
		got, err := FindRefs(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindRefs(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("FindRefs(%q): unexpected error %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("FindRefs(%q): error %v, want one starting with %q", tc.in, err, tc.err)
		}
	}
}

func TestRefTarget(t *testing.T) {
	rel, _ := FindRefs("${ref:postgres/db.appName}")
	abs, _ := FindRefs("${ref:infra/production/redis/cache.appName}")
	if got := rel[0].Target("shop", "staging"); got != "shop/staging/postgres/db" {
		t.Errorf("relative Target = %q", got)
	}
	if got := abs[0].Target("shop", "staging"); got != "infra/production/redis/cache" {
		t.Errorf("absolute Target = %q", got)
	}
}

func TestReplaceRefs(t *testing.T) {
	values := map[string]string{
		"shop/production/postgres/db.appName":      "shop-db-x7k2p9",
		"shop/production/postgres/db.databaseName": "shop",
		"infra/production/redis/cache.appName":     "cache-a1b2c3",
	}
	value := func(r Ref) (string, bool) {
		v, ok := values[r.Target("shop", "production")+"."+r.Field]
		return v, ok
	}
	for _, tc := range []struct {
		in, want string
		unknown  []string
	}{
		{in: "no refs ${VAR} ${{project.X}}", want: "no refs ${VAR} ${{project.X}}"},
		{in: "postgresql://u@${ref:postgres/db.appName}:5432/${ref:postgres/db.databaseName}", want: "postgresql://u@shop-db-x7k2p9:5432/shop"},
		{in: "${ref:infra/production/redis/cache.appName}:6379", want: "cache-a1b2c3:6379"},
		// Unknown references are kept and listed, in order.
		{in: "${ref:application/api.appName} ${ref:postgres/db.appName} ${ref:compose/c.appName}",
			want: "${ref:application/api.appName} shop-db-x7k2p9 ${ref:compose/c.appName}", unknown: []string{"${ref:application/api.appName}", "${ref:compose/c.appName}"}},
		// Malformed references are left as they are (and never passed to value).
		{in: "${ref:bad} ${ref:postgres/db.appName}", want: "${ref:bad} shop-db-x7k2p9"},
		// The replacement is not scanned again.
		{in: "${ref:postgres/db.appName}", want: "shop-db-x7k2p9"},
	} {
		got, unknown := ReplaceRefs(tc.in, value)
		var raws []string
		for _, r := range unknown {
			raws = append(raws, r.Raw)
		}
		if got != tc.want || !reflect.DeepEqual(raws, tc.unknown) {
			t.Errorf("ReplaceRefs(%q) = %q, %v; want %q, %v", tc.in, got, raws, tc.want, tc.unknown)
		}
	}
	// A value that looks like a reference is not replaced again.
	got, _ := ReplaceRefs("${ref:postgres/db.appName}", func(Ref) (string, bool) { return "${ref:postgres/db.databaseName}", true })
	if got != "${ref:postgres/db.databaseName}" {
		t.Errorf("replacement was scanned again: %q", got)
	}
}

func TestHasRef(t *testing.T) {
	if !HasRef("a ${ref:x") || HasRef("${REF}") || HasRef("${{ref:x}}") {
		t.Error("HasRef")
	}
}
