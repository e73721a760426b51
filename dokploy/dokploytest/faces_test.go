package dokploytest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Transport behaviour of the two faces: authentication, methods, content
// type, URL length, batches.

func TestRESTAuth(t *testing.T) {
	c := newClient(t, Options{})
	for _, key := range []string{"", "wrong"} {
		c.key = key
		for _, path := range []string{"/api/project.all", "/api/no.such", "/api/project.create"} {
			status, body := c.do("GET", path, nil, nil)
			if status != 401 || string(body) != `{"message":"Unauthorized"}` {
				t.Errorf("key %q %s: %d %s, want 401 {\"message\":\"Unauthorized\"}", key, path, status, body)
			}
		}
	}
	c.key = testKey
	status, body := c.get("project.all", nil)
	wantStatus(t, status, body, 200)
	if string(body) != "[]" {
		t.Errorf("project.all of a new fake: %s", body)
	}

	// No APIKey option: any non-empty key is accepted.
	open := &client{t: t, s: NewTestServer(t, Options{}), key: "anything"}
	if status, body := open.get("settings.getDokployVersion", nil); status != 200 || string(body) != `"v0.30.2"` {
		t.Errorf("any key: %d %s", status, body)
	}
	open.key = ""
	if status, _ := open.get("settings.getDokployVersion", nil); status != 401 {
		t.Errorf("no key: %d, want 401", status)
	}
}

func TestTRPCAuth(t *testing.T) {
	c := newClient(t, Options{})
	c.key = "wrong"
	status, body := c.trpcGet([]string{"project.all"}, nil, false)
	want := `{"error":{"json":{"message":"UNAUTHORIZED","code":-32001,"data":{"code":"UNAUTHORIZED","httpStatus":401,"path":"project.all","zodError":null}}}}`
	if status != 401 || string(body) != want {
		t.Errorf("bad key: %d %s", status, body)
	}
	status, body = c.trpcGet([]string{"project.one", "application.one"},
		[]any{map[string]any{"projectId": "x"}, map[string]any{"applicationId": "y"}}, true)
	wantStatus(t, status, body, 401)
	items := decode(t, body).([]any)
	if len(items) != 2 {
		t.Fatalf("items: %s", body)
	}
	for i, p := range []string{"project.one", "application.one"} {
		if at(items[i], "error", "json", "data", "code") != "UNAUTHORIZED" || at(items[i], "error", "json", "data", "path") != p {
			t.Errorf("item %d: %v", i, items[i])
		}
	}
}

func TestRESTWrongMethodIs404(t *testing.T) {
	c := newClient(t, Options{})
	want := `{"message":"Not found","code":"NOT_FOUND","data":{"code":"NOT_FOUND","httpStatus":404,"zodError":null}}`
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/project.create"},
		{"POST", "/api/project.all"},
		{"GET", "/api/project.nope"},
	} {
		status, body := c.do(tc.method, tc.path, []byte("{}"), jsonHeader)
		if status != 404 || string(body) != want {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, status, body)
		}
	}
	// Paths match case-insensitively, like trpc-openapi.
	if status, body := c.get("Project.All", nil); status != 200 {
		t.Errorf("case-insensitive path: %d %s", status, body)
	}
}

func TestRESTContentType(t *testing.T) {
	c := newClient(t, Options{})
	status, body := c.do("POST", "/api/project.create", []byte(`{"name":"x"}`), nil)
	wantStatus(t, status, body, 415)
	m := decodeMap(t, body)
	if m["message"] != "Missing content-type header" || m["code"] != "UNSUPPORTED_MEDIA_TYPE" {
		t.Errorf("415 body: %s", body)
	}
	status, body = c.do("POST", "/api/project.create", []byte(`name=x`), map[string]string{"Content-Type": "text/plain"})
	wantStatus(t, status, body, 415)
	if !strings.Contains(string(body), `Unsupported content-type \"text/plain\"`) {
		t.Errorf("415 body: %s", body)
	}
	if c.s.MutationCount() != 0 {
		t.Errorf("refused requests counted as mutations: %d", c.s.MutationCount())
	}
	// Charset parameters are fine; an empty body is {}.
	status, body = c.do("POST", "/api/project.create", nil, map[string]string{"Content-Type": "application/json; charset=utf-8"})
	wantStatus(t, status, body, 400)
	if at(decode(t, body), "data", "zodError", "fieldErrors", "name", 0) != "Invalid input: expected string, received undefined" {
		t.Errorf("empty body: %s", body)
	}
	status, body = c.do("POST", "/api/project.create", []byte(`{"name":`), jsonHeader)
	if status != 400 || string(body) != "Invalid JSON" {
		t.Errorf("broken JSON: %d %s", status, body)
	}
}

func TestTRPCWrongMethodIs405(t *testing.T) {
	c := newClient(t, Options{})
	status, body := c.do("POST", "/api/trpc/project.one", []byte(`{"json":{"projectId":"x"}}`), jsonHeader)
	wantStatus(t, status, body, 405)
	if at(decode(t, body), "error", "json", "message") != `Unsupported POST-request to query procedure at path "project.one"` {
		t.Errorf("POST on query: %s", body)
	}
	status, body = c.trpcGet([]string{"project.create"}, []any{map[string]any{"name": "x"}}, false)
	wantStatus(t, status, body, 405)
	if at(decode(t, body), "error", "json", "code") != -32005.0 {
		t.Errorf("GET on mutation: %s", body)
	}
	status, body = c.trpcGet([]string{"no.such"}, nil, false)
	wantStatus(t, status, body, 404)
	if c.s.MutationCount() != 0 {
		t.Errorf("mutation count %d", c.s.MutationCount())
	}
}

func TestTRPCInputNeedsJSONWrapper(t *testing.T) {
	c := newClient(t, Options{})
	status, body := c.do("GET", `/api/trpc/project.one?input={"projectId":"x"}`, nil, nil)
	wantStatus(t, status, body, 400)
	e := at(decode(t, body), "error", "json")
	if at(e, "data", "zodError", "formErrors", 0) != "Invalid input: expected object, received undefined" {
		t.Errorf("zodError: %s", body)
	}
	wantMsg := "[\n  {\n    \"expected\": \"object\",\n    \"code\": \"invalid_type\",\n    \"path\": [],\n    \"message\": \"Invalid input: expected object, received undefined\"\n  }\n]"
	if at(e, "message") != wantMsg {
		t.Errorf("message %q", at(e, "message"))
	}
}

func TestURLTooLong(t *testing.T) {
	c := newClient(t, Options{MaxURLLength: 200})
	long := strings.Repeat("a", 300)
	status, body := c.get("project.one", map[string]string{"projectId": long})
	if status != 431 || len(body) != 0 {
		t.Errorf("long GET: %d %q", status, body)
	}
	reqs := c.s.Requests()
	if reqs[len(reqs)-1].Status != 431 {
		t.Errorf("request log status %d", reqs[len(reqs)-1].Status)
	}
	// The default limit is 16384: 150 project.one calls (about 14.5 KB) pass.
	c = newClient(t, Options{})
	procs := make([]string, 150)
	inputs := make([]any, 150)
	for i := range procs {
		procs[i] = "project.one"
		inputs[i] = map[string]any{"projectId": "abcdefghijklmnopqrstu"}
	}
	status, body = c.trpcGet(procs, inputs, true)
	if status != 404 {
		t.Errorf("150-call batch: %d %.200s", status, body)
	}
	status, _ = c.trpcGet(append(procs, procs[:60]...), append(inputs, inputs[:60]...), true)
	if status != 431 {
		t.Errorf("210-call batch: %d, want 431", status)
	}
}

func TestTRPCBatches(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()

	// Mutations: independent and in order; one invalid item fails alone.
	status, body := c.trpcPost(
		[]string{"application.create", "application.create", "postgres.create"},
		[]any{
			map[string]any{"name": "a1", "appName": "a1", "environmentId": prod},
			map[string]any{"name": "a2", "environmentId": prod},
			map[string]any{"name": "db", "environmentId": prod, "databaseName": "x", "databaseUser": "x", "databasePassword": "bad pw!"},
		}, true)
	wantStatus(t, status, body, 207)
	items := decode(t, body).([]any)
	if at(items[0], "result", "data", "json", "name") != "a1" || at(items[1], "result", "data", "json", "name") != "a2" {
		t.Errorf("items: %s", body)
	}
	if at(items[2], "error", "json", "data", "httpStatus") != 400.0 {
		t.Errorf("item 3: %v", items[2])
	}
	if !strings.Contains(at(items[2], "error", "json", "message").(string), `"pattern": "/^[a-zA-Z0-9@#%^&*()_+\\-=[\\]{}|;:,.<>?~`+"`"+`]*$/"`) {
		t.Errorf("zod message: %v", at(items[2], "error", "json", "message"))
	}
	if c.s.MutationCount() != 3 {
		t.Errorf("mutations %d, want 3", c.s.MutationCount())
	}
	a1 := at(items[0], "result", "data", "json", "applicationId").(string)

	// All items succeed: 200. Undefined answers carry superjson meta.
	status, body = c.trpcPost([]string{"application.deploy"}, []any{map[string]any{"applicationId": a1}}, true)
	wantStatus(t, status, body, 200)
	if string(body) != `[{"result":{"data":{"json":null,"meta":{"values":["undefined"],"v":1}}}}]` {
		t.Errorf("undefined: %s", body)
	}
	// Queries, mixed: 207; all failing alike: their status.
	status, body = c.trpcGet([]string{"application.one", "application.one"},
		[]any{map[string]any{"applicationId": a1}, map[string]any{"applicationId": "nope"}}, true)
	wantStatus(t, status, body, 207)
	status, body = c.trpcGet([]string{"application.one", "project.one"},
		[]any{map[string]any{"applicationId": "nope"}, map[string]any{"projectId": "nope"}}, true)
	wantStatus(t, status, body, 404)
	if at(decode(t, body), 1, "error", "json", "message") != "Project not found" {
		t.Errorf("404 items: %s", body)
	}
	// A single call is not wrapped in an array.
	status, body = c.trpcGet([]string{"settings.getDokployVersion"}, nil, false)
	if status != 200 || string(body) != `{"result":{"data":{"json":"v0.30.2"}}}` {
		t.Errorf("single: %d %s", status, body)
	}

	reqs := c.s.Requests()
	last := reqs[len(reqs)-1]
	if !last.TRPC || len(last.Procs) != 1 || last.Procs[0] != "settings.getDokployVersion" || last.Status != 200 {
		t.Errorf("request log: %+v", last)
	}
	if r := reqs[0]; r.Method != "POST" || len(r.Procs) != 3 || r.Status != 207 || !strings.Contains(string(r.Body), "bad pw!") {
		t.Errorf("request log of the batch: %+v", r)
	}
}

func TestRequestLogAndCounters(t *testing.T) {
	c := newClient(t, Options{})
	c.call("project.create", map[string]any{"name": "seeded"}) // not recorded, not counted
	if len(c.s.Requests()) != 0 || c.s.MutationCount() != 0 {
		t.Fatalf("Call was recorded: %d requests, %d mutations", len(c.s.Requests()), c.s.MutationCount())
	}
	c.get("project.all", nil)
	c.post("project.create", map[string]any{"name": "x"})
	c.post("project.create", map[string]any{}) // invalid, still a mutation call
	reqs := c.s.Requests()
	if len(reqs) != 3 || reqs[0].Procs[0] != "project.all" || reqs[0].TRPC || reqs[1].Status != 200 || reqs[2].Status != 400 {
		t.Errorf("requests: %+v", reqs)
	}
	if c.s.MutationCount() != 2 {
		t.Errorf("mutations %d, want 2", c.s.MutationCount())
	}
	c.s.ResetRequests()
	if len(c.s.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestLatency(t *testing.T) {
	c := newClient(t, Options{Latency: 3 * time.Millisecond})
	start := time.Now()
	c.get("project.all", nil)
	if d := time.Since(start); d < 3*time.Millisecond {
		t.Errorf("answered in %v, want >= 3ms", d)
	}
}

func TestRESTVoidIsEmptyBody(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})
	status, body := c.post("application.deploy", map[string]any{"applicationId": app["applicationId"]})
	if status != 200 || len(body) != 0 {
		t.Errorf("deploy: %d %q, want 200 and an empty body", status, body)
	}
	if raw, err := c.s.Call("application.redeploy", map[string]any{"applicationId": app["applicationId"]}); err != nil || raw != nil {
		t.Errorf("Call of a void procedure: %s %v", raw, err)
	}
}

func TestCallError(t *testing.T) {
	s := New(Options{})
	_, err := s.Call("project.one", map[string]any{"projectId": "nope"})
	ce, ok := err.(*CallError)
	if !ok || ce.Status != 404 || ce.Code != "NOT_FOUND" || ce.Message != "Project not found" {
		t.Errorf("error %#v", err)
	}
	_, err = s.Call("project.create", map[string]any{})
	if ce, ok := err.(*CallError); !ok || ce.Status != 400 || !strings.Contains(ce.Message, "name") {
		t.Errorf("validation error %#v", err)
	}
	_, err = s.Call("nope.nope", nil)
	if ce, ok := err.(*CallError); !ok || ce.Status != 404 {
		t.Errorf("unknown procedure %#v", err)
	}
	raw, err := s.Call("settings.getDokployVersion", nil)
	if err != nil || string(raw) != `"v0.30.2"` {
		t.Errorf("version %s %v", raw, err)
	}
}

func TestHealth(t *testing.T) {
	c := newClient(t, Options{})
	c.key = ""
	if status, body := c.do("GET", "/api/health", nil, nil); status != http.StatusOK || string(body) != `{"ok":true}` {
		t.Errorf("health: %d %s", status, body)
	}
}

func TestRESTBodyLimit(t *testing.T) {
	c := newClient(t, Options{})
	big := []byte(`{"name":"` + strings.Repeat("x", 1<<20) + `"}`)
	c.key = "" // Next.js refuses the body before Dokploy looks at the key
	status, body := c.do("POST", "/api/project.create", big, jsonHeader)
	if status != 413 || string(body) != "Body exceeded 1mb limit" {
		t.Errorf("big body: %d %.100s", status, body)
	}
	// The tRPC face takes it.
	c.key = testKey
	status, body = c.do("POST", "/api/trpc/project.create", []byte(`{"json":`+string(big)+`}`), jsonHeader)
	wantStatus(t, status, body, 200)
}

func TestFacesOfChildProcedures(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	appID := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})["applicationId"]
	c.call("security.create", map[string]any{"applicationId": appID, "username": "u", "password": "p"})
	secID := at(c.call("application.one", map[string]any{"applicationId": appID}), "security", 0, "securityId")

	// security.update returns undefined: an empty REST body, a tRPC null
	// marked undefined.
	status, body := c.post("security.update", map[string]any{"securityId": secID, "username": "u2", "password": "p2"})
	if status != 200 || len(body) != 0 {
		t.Errorf("REST security.update: %d %q", status, body)
	}
	status, body = c.trpcPost([]string{"security.update"}, []any{map[string]any{"securityId": secID, "username": "u3", "password": "p3"}}, false)
	if status != 200 || string(body) != `{"result":{"data":{"json":null,"meta":{"values":["undefined"],"v":1}}}}` {
		t.Errorf("tRPC security.update: %d %s", status, body)
	}

	// compose.delete needs deleteVolumes; REST's Boolean(undefined) makes
	// it false (QUIRKS CO12), tRPC refuses its absence.
	ids := []any{}
	for range 2 {
		ids = append(ids, c.callMap("compose.create", map[string]any{"name": "x", "environmentId": prod})["composeId"])
	}
	status, body = c.trpcPost([]string{"compose.delete"}, []any{map[string]any{"composeId": ids[0]}}, false)
	wantStatus(t, status, body, 400)
	if !strings.Contains(string(body), "expected boolean, received undefined") {
		t.Errorf("tRPC compose.delete without deleteVolumes: %s", body)
	}
	status, body = c.post("compose.delete", map[string]any{"composeId": ids[0]})
	wantStatus(t, status, body, 200)

	// A batch mixing the new routers, queries on GET.
	status, body = c.trpcGet([]string{"compose.one", "port.one", "domain.byComposeId"},
		[]any{map[string]any{"composeId": ids[1]}, map[string]any{"portId": "nope"}, map[string]any{"composeId": ids[1]}}, true)
	wantStatus(t, status, body, 207)
	items := decode(t, body).([]any)
	if at(items, 0, "result", "data", "json", "name") != "x" || at(items, 1, "error", "json", "data", "httpStatus") != 400.0 ||
		len(at(items, 2, "result", "data", "json").([]any)) != 0 {
		t.Errorf("batch: %s", body)
	}
	// Queries are GET: loadServices takes its type from the query string.
	if status, _ := c.do("POST", "/api/compose.loadServices", []byte(`{"composeId":"x"}`), jsonHeader); status != 404 {
		t.Errorf("POST on a query: %d", status)
	}
}

// From v0.30.3 the REST face drops a JSON body sent with a charset.
func TestRESTDropsCharsetBodiesFromV0303(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    int
	}{{"v0.30.2", 200}, {"v0.30.3", 400}, {"v0.30.8", 400}, {"v0.31.0", 400}} {
		c := newClient(t, Options{Version: tc.version})
		st, body := c.do("POST", "/api/project.create", []byte(`{"name":"x"}`), map[string]string{"Content-Type": "application/json; charset=utf-8"})
		if st != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.version, st, body, tc.want)
		}
		if st, body := c.post("project.create", map[string]any{"name": "y"}); st != 200 {
			t.Errorf("%s: bare application/json: %d %s", tc.version, st, body)
		}
	}
}
