package dokploytest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// tickingClock returns a clock one second later at every reading, so that
// rows have distinct createdAt.
func tickingClock() func() time.Time {
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// names lists the name of each item of a search answer.
func names(t *testing.T, res map[string]any) string {
	t.Helper()
	items, ok := res["items"].([]any)
	if !ok {
		t.Fatalf("answer without items: %v", res)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["name"].(string))
	}
	return strings.Join(out, ",")
}

func keysOf(v any) []string {
	m := v.(map[string]any)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestProjectAndEnvironmentSearch(t *testing.T) {
	c := newClient(t, Options{Now: tickingClock()})
	shopID, _, stagingID := c.setup()
	c.call("project.create", map[string]any{"name": "blog", "description": "Personal Blog"})
	c.call("project.create", map[string]any{"name": "docs_site", "description": nil})

	for _, tt := range []struct {
		in        map[string]any
		want      string
		wantTotal float64
	}{
		{map[string]any{}, "docs_site,blog,shop", 3},
		{map[string]any{"q": "  BLOG "}, "blog", 1},
		{map[string]any{"q": "personal"}, "blog", 1},           // q matches the description
		{map[string]any{"description": "personal"}, "blog", 1}, // a null description never matches
		{map[string]any{"name": "o"}, "docs_site,blog,shop", 3},
		{map[string]any{"name": "s_s"}, "docs_site", 1}, // _ is LIKE's one character
		{map[string]any{"name": `s\_s`}, "docs_site", 1},
		{map[string]any{"name": `p\_`}, "", 0},
		{map[string]any{"q": "   "}, "docs_site,blog,shop", 3}, // blank filters are ignored
		{map[string]any{"limit": 1, "offset": 1}, "blog", 3},
		{map[string]any{"offset": 5}, "", 3},
	} {
		res := c.callMap("project.search", tt.in)
		if got := names(t, res); got != tt.want || res["total"] != tt.wantTotal {
			t.Errorf("project.search %v: %q total %v, want %q total %v", tt.in, got, res["total"], tt.want, tt.wantTotal)
		}
	}
	item := at(c.call("project.search", map[string]any{"q": "shop"}), "items", 0)
	wantKeys := []string{"createdAt", "description", "env", "name", "organizationId", "projectId"}
	if got := keysOf(item); !sameSet(got, wantKeys) {
		t.Errorf("project.search item keys %v, want %v", got, wantKeys)
	}

	res := c.callMap("environment.search", map[string]any{"projectId": shopID})
	if got := names(t, res); got != "staging,production" || res["total"] != 2.0 {
		t.Errorf("environment.search of shop: %q total %v", got, res["total"])
	}
	res = c.callMap("environment.search", map[string]any{"q": "stag"})
	if got := names(t, res); got != "staging" {
		t.Errorf("environment.search q=stag: %q", got)
	}
	item = at(res, "items", 0)
	wantKeys = []string{"createdAt", "description", "env", "environmentId", "isDefault", "name", "projectId"}
	if got := keysOf(item); !sameSet(got, wantKeys) || at(item, "environmentId") != stagingID {
		t.Errorf("environment.search item %v, want keys %v", item, wantKeys)
	}
	if res := c.callMap("environment.search", map[string]any{}); res["total"] != 4.0 {
		t.Errorf("environment.search of every project: total %v, want 4 (one production each and staging)", res["total"])
	}

	// A member that is neither owner nor admin finds only what it was given.
	c.s.mu.Lock()
	c.s.st.Member["role"] = "member"
	c.s.st.Member["accessedProjects"] = []any{shopID}
	c.s.mu.Unlock()
	if got := names(t, c.callMap("project.search", map[string]any{})); got != "shop" {
		t.Errorf("project.search by a member given shop: %q", got)
	}
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func TestServiceSearch(t *testing.T) {
	c := newClient(t, Options{Now: tickingClock()})
	shopID, prodID, stagingID := c.setup()
	other := c.callMap("project.create", map[string]any{"name": "blog"})
	otherEnv := at(other, "environment", "environmentId")

	api := c.callMap("application.create", map[string]any{"name": "api", "environmentId": prodID})
	c.call("application.update", map[string]any{"applicationId": api["applicationId"], "dockerImage": "ghcr.io/acme/shop-api:1"})
	c.call("application.create", map[string]any{"name": "worker", "environmentId": stagingID, "description": "queue worker"})
	c.call("application.create", map[string]any{"name": "web", "appName": "web", "environmentId": otherEnv})
	c.call("compose.create", map[string]any{"name": "monitoring", "environmentId": prodID})
	c.call("postgres.create", map[string]any{"name": "shop-db", "databaseName": "shop", "databaseUser": "shop",
		"databasePassword": "secret123", "environmentId": prodID})

	for _, tt := range []struct {
		proc string
		in   map[string]any
		want string
	}{
		{"application.search", map[string]any{}, "web,worker,api"},
		{"application.search", map[string]any{"projectId": shopID}, "worker,api"},
		{"application.search", map[string]any{"environmentId": stagingID}, "worker"},
		{"application.search", map[string]any{"q": "ACME"}, "api"}, // q matches dockerImage
		{"application.search", map[string]any{"dockerImage": "shop-api"}, "api"},
		{"application.search", map[string]any{"description": "queue"}, "worker"},
		{"application.search", map[string]any{"appName": "web-"}, "web"},
		{"application.search", map[string]any{"q": "worker", "projectId": otherEnv}, ""},
		{"compose.search", map[string]any{"q": "monitor"}, "monitoring"},
		{"compose.search", map[string]any{"environmentId": stagingID}, ""},
		{"postgres.search", map[string]any{"projectId": shopID}, "shop-db"},
		{"postgres.search", map[string]any{"appName": "postgres-"}, "shop-db"},
		{"mysql.search", map[string]any{}, ""},
	} {
		if got := names(t, c.callMap(tt.proc, tt.in)); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.proc, tt.in, got, tt.want)
		}
	}

	wantKeys := map[string][]string{
		"application.search": {"applicationId", "name", "appName", "description", "environmentId", "applicationStatus", "sourceType", "createdAt"},
		"compose.search":     {"composeId", "name", "appName", "description", "environmentId", "composeStatus", "sourceType", "createdAt"},
		"postgres.search":    {"postgresId", "name", "appName", "description", "environmentId", "applicationStatus", "createdAt"},
	}
	for proc, want := range wantKeys {
		item := at(c.call(proc, map[string]any{"environmentId": prodID}), "items", 0)
		if got := keysOf(item); !sameSet(got, want) {
			t.Errorf("%s item keys %v, want %v", proc, got, want)
		}
	}
	// The answer's keys are in the router's order.
	raw, err := c.s.Call("compose.search", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), `{"items":[{"composeId":`) || !strings.HasSuffix(string(raw), `],"total":1}`) {
		t.Errorf("compose.search answer %s", raw)
	}

	// Services are limited to the member's accessedServices, even for an
	// owner (the routers check no role).
	c.s.mu.Lock()
	c.s.st.Member["accessedServices"] = []any{api["applicationId"]}
	c.s.mu.Unlock()
	if got := names(t, c.callMap("application.search", map[string]any{})); got != "api" {
		t.Errorf("application.search with only api accessed: %q", got)
	}
	if res := c.callMap("postgres.search", map[string]any{}); res["total"] != 0.0 {
		t.Errorf("postgres.search without access: %v", res)
	}
}

func TestSearchProcedures(t *testing.T) {
	s := New(Options{})
	for _, k := range dbKinds {
		got := s.lookup(k.name+".search") != nil
		if want := k != libsqlKind; got != want {
			t.Errorf("%s.search implemented %v, want %v (libsql has no search)", k.name, got, want)
		}
	}
	for _, p := range []string{"project.search", "environment.search", "application.search", "compose.search"} {
		if s.lookup(p) == nil || s.IsMutation(p) {
			t.Errorf("%s: not a query of the fake", p)
		}
	}
}

func TestSearchFaces(t *testing.T) {
	c := newClient(t, Options{})
	c.setup()
	// REST coerces the query parameters.
	status, body := c.get("project.search", map[string]string{"q": "sho", "limit": "5", "offset": "0"})
	wantStatus(t, status, body, 200)
	if res := decodeMap(t, body); res["total"] != 1.0 || names(t, res) != "shop" {
		t.Errorf("REST project.search: %s", body)
	}
	for _, bad := range []map[string]string{{"limit": "0"}, {"limit": "101"}, {"offset": "-1"}, {"limit": "many"}} {
		status, body := c.get("environment.search", bad)
		wantStatus(t, status, body, 400)
		var key string
		for k := range bad {
			key = k
		}
		if fe := at(decode(t, body), "data", "zodError", "fieldErrors", key); fe == nil {
			t.Errorf("environment.search %v: no field error for %s: %s", bad, key, body)
		}
	}
	// tRPC takes the input as typed: a string limit is refused.
	status, body = c.trpcGet([]string{"application.search"}, []any{map[string]any{"limit": 2}}, false)
	wantStatus(t, status, body, 200)
	if got := fmt.Sprint(at(decode(t, body), "result", "data", "json", "total")); got != "0" {
		t.Errorf("tRPC application.search total %s: %s", got, body)
	}
	status, body = c.trpcGet([]string{"application.search"}, []any{map[string]any{"limit": "2"}}, false)
	wantStatus(t, status, body, 400)
	// No input at all is not an object, although every key is optional.
	status, body = c.trpcGet([]string{"compose.search"}, nil, false)
	wantStatus(t, status, body, 400)
}
