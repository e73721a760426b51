package spec

import (
	"slices"
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"staging", "staging", 0},
		{"stagign", "staging", 1}, // a swap is one edit
		{"prodution", "production", 1},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
		{"héllo", "hello", 1},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	for _, c := range []struct {
		key   string
		cands []string
		want  []string
	}{
		{"replica", []string{"replicas", "resources"}, []string{"replicas"}},
		{"REPLICAS", []string{"replicas"}, []string{"replicas"}},
		{"stagign", []string{"production", "staging"}, []string{"staging"}},
		{"api2", []string{"api1", "api3", "web"}, []string{"api1", "api3"}},
		{"xyz", []string{"replicas"}, nil},
		{"ab", []string{"xy"}, nil}, // distance 2 is not less than the length
		{"a", []string{"b"}, nil},
	} {
		if got := Closest(c.key, c.cands); !slices.Equal(got, c.want) {
			t.Errorf("Closest(%q, %q) = %q, want %q", c.key, c.cands, got, c.want)
		}
	}
	if got := Suggest("replica", []string{"resources", "replicas"}); got != "replicas" {
		t.Errorf("Suggest = %q, want replicas", got)
	}
	if got := Suggest("zzz", []string{"replicas"}); got != "" {
		t.Errorf("Suggest = %q, want none", got)
	}
}

func TestSuggestAddresses(t *testing.T) {
	known := WithParents([]string{
		"shop/production/application/api",
		"shop/production/application/web",
		"shop/production/postgres/db",
		"shop/staging/application/api",
		"blog/production/compose/site",
	})
	if !slices.Contains(known, "shop") || !slices.Contains(known, "shop/staging") || slices.Contains(known, "shop/production/application") {
		t.Fatalf("WithParents = %q: want the projects and environments, not project/env/kind", known)
	}
	for _, c := range []struct {
		addr string
		want []string
	}{
		{"shop/prodution/application/api", []string{"shop/production/application/api"}},
		{"shop/production/app/api", []string{"shop/production/application/api"}},
		{"shop/production/applications/api", []string{"shop/production/application/api"}},
		{"shop/production/postgress/db", []string{"shop/production/postgres/db"}},
		{"shop/stagign", []string{"shop/staging"}},
		{"shpo", []string{"shop"}},
		{"api", []string{"shop/production/application/api", "shop/staging/application/api"}},
		{"site", []string{"blog/production/compose/site"}},
		{"shop/production/application/zzz", nil},
		{"nothing/like/this", nil},
	} {
		if got := SuggestAddresses(c.addr, known); !slices.Equal(got, c.want) {
			t.Errorf("SuggestAddresses(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
}

func TestAddressHint(t *testing.T) {
	known := WithParents([]string{"shop/production/application/api", "shop/staging/redis/cache"})
	got := AddressHint("shop/production/app/api", known)
	want := " (did you mean shop/production/application/api?); addresses look like shop, shop/production or shop/production/application/api"
	if got != want {
		t.Errorf("AddressHint =\n%q, want\n%q", got, want)
	}
	if got := AddressHint("x", nil); got != "" {
		t.Errorf("AddressHint with nothing known = %q, want \"\"", got)
	}
	if got := orList([]string{"a", "b", "c"}); got != "a, b or c" {
		t.Errorf("orList = %q", got)
	}
}

func TestUnsetVariableNearASetOne(t *testing.T) {
	doc := `apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          db: {dockerImage: "postgres:16", databaseName: shop, databaseUser: shop, databasePassword: "${DB_PASWORD}"}
        applications:
          api:
            source: {docker: {image: "nginx:1"}}
            env: {URL: "${DATABSE_URL}", OTHER: "${NOTHING_LIKE_IT}"}
`
	env := map[string]string{"DATABASE_URL": "postgres://secret-value@db"}
	opts := Options{
		Vars:      map[string]string{"DB_PASSWORD": "var-file-secret"},
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Environ: func() []string {
			return []string{"DATABASE_URL=postgres://secret-value@db", "lower=1", "NOT_SET_ANY_MORE=1"}
		},
	}
	_, ds := LoadBytes("dokploy.yaml", []byte(doc), t.TempDir(), opts)
	got := ds.String()
	for _, want := range []string{
		"dokploy.yaml:7:102: shop/production/postgres/db: databasePassword: ${DB_PASWORD} is not set (did you mean ${DB_PASSWORD}?); fields that use it are shown as unknown",
		"env.URL: ${DATABSE_URL} is not set (did you mean ${DATABASE_URL}?)",
		"env.OTHER: ${NOTHING_LIKE_IT} is not set; fields",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"secret-value", "var-file-secret", "NOT_SET_ANY_MORE"} {
		if strings.Contains(got, secret) {
			t.Errorf("diagnostics contain %q:\n%s", secret, got)
		}
	}
}
