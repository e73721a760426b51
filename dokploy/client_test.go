package dokploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// recorder is a tiny server that answers tRPC or REST requests through a
// function and records the request lines it saw.
type recorder struct {
	mu    sync.Mutex
	lines []string
	serve func(w http.ResponseWriter, r *http.Request, body []byte)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.lines = append(rec.lines, r.Method+" "+r.URL.RequestURI())
	rec.mu.Unlock()
	if r.Header.Get("x-api-key") != "k" {
		w.WriteHeader(401)
		io.WriteString(w, `{"message":"Unauthorized"}`)
		return
	}
	rec.serve(w, r, body)
}

func newClient(t *testing.T, h http.Handler, opts Options) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	opts.BaseURL, opts.APIKey = srv.URL, "k"
	if opts.APIKey == "" {
		opts.APIKey = "k"
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// echoTRPC answers every call of a batch with its own input, except
// procedures named fail.*, which get a NOT_FOUND error.
func echoTRPC(w http.ResponseWriter, r *http.Request, body []byte) {
	procs := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/trpc/"), ",")
	raw := body
	if r.Method == http.MethodGet {
		raw = []byte(r.URL.Query().Get("input"))
	}
	batch := r.URL.Query().Get("batch") == "1"
	var inputs map[string]json.RawMessage
	if batch {
		json.Unmarshal(raw, &inputs)
	} else {
		inputs = map[string]json.RawMessage{"0": raw}
	}
	var items []string
	status := 200
	for i, p := range procs {
		if strings.HasPrefix(p, "fail.") {
			items = append(items, fmt.Sprintf(`{"error":{"json":{"message":"Thing not found","code":-32004,"data":{"code":"NOT_FOUND","httpStatus":404,"path":%q,"zodError":null}}}}`, p))
			status = 207
			continue
		}
		var in struct {
			JSON json.RawMessage `json:"json"`
		}
		json.Unmarshal(inputs[fmt.Sprint(i)], &in)
		if in.JSON == nil {
			in.JSON = json.RawMessage("null")
		}
		items = append(items, `{"result":{"data":{"json":`+string(in.JSON)+`}}}`)
	}
	w.WriteHeader(status)
	if batch {
		io.WriteString(w, "["+strings.Join(items, ",")+"]")
	} else {
		io.WriteString(w, items[0])
	}
}

func TestDoBatchesAndPerCallErrors(t *testing.T) {
	rec := &recorder{serve: echoTRPC}
	c := newClient(t, rec, Options{})
	var a, b map[string]string
	calls := []*Call{
		NewCall("project.one", map[string]string{"projectId": "P1"}, &a),
		NewCall("fail.one", map[string]string{"x": "1"}, nil),
		NewCall("application.one", map[string]string{"applicationId": "A1"}, &b),
	}
	err := c.Do(context.Background(), calls...)
	if !IsNotFound(err) {
		t.Fatalf("Do error = %v, want the NOT_FOUND of the failing call", err)
	}
	if calls[0].Err != nil || calls[2].Err != nil || a["projectId"] != "P1" || b["applicationId"] != "A1" {
		t.Errorf("good calls: errs %v %v, outs %v %v", calls[0].Err, calls[2].Err, a, b)
	}
	if got := calls[1].Err.Error(); got != "fail.one: not found: Thing not found" {
		t.Errorf("error text = %q", got)
	}
	if len(rec.lines) != 1 || !strings.HasPrefix(rec.lines[0], "GET /api/trpc/project.one,fail.one,application.one?batch=1&input=") {
		t.Errorf("requests = %q, want one GET batch", rec.lines)
	}
}

func TestDoChunksGETBatchesUnderTheURLBudget(t *testing.T) {
	rec := &recorder{serve: echoTRPC}
	c := newClient(t, rec, Options{URLBudget: 1000})
	var calls []*Call
	for i := 0; i < 60; i++ {
		calls = append(calls, NewCall("application.one", map[string]string{"applicationId": fmt.Sprintf("app-%03d-xxxxxxxxxxxxx", i)}, new(map[string]string)))
	}
	if err := c.Do(context.Background(), calls...); err != nil {
		t.Fatal(err)
	}
	if len(rec.lines) < 2 {
		t.Fatalf("%d requests, want the batch split", len(rec.lines))
	}
	seen := 0
	for _, l := range rec.lines {
		if len(l)-len("GET ") > 1000 {
			t.Errorf("request line of %d bytes is over the budget of 1000", len(l)-4)
		}
		seen += strings.Count(strings.SplitN(l, "?", 2)[0], "application.one")
	}
	if seen != 60 {
		t.Errorf("%d calls sent, want 60", seen)
	}
	for i, call := range calls {
		if got := (*call.Out.(*map[string]string))["applicationId"]; got != fmt.Sprintf("app-%03d-xxxxxxxxxxxxx", i) {
			t.Fatalf("call %d got answer %q: answers are matched to the wrong calls", i, got)
		}
	}
}

func TestMutationsArePOSTBatches(t *testing.T) {
	rec := &recorder{serve: echoTRPC}
	c := newClient(t, rec, Options{})
	err := c.Do(context.Background(),
		NewCall("project.create", map[string]string{"name": "a"}, nil),
		NewCall("project.create", map[string]string{"name": "b"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.lines) != 1 || rec.lines[0] != "POST /api/trpc/project.create,project.create?batch=1" {
		t.Errorf("requests = %q", rec.lines)
	}
}

func TestFallsBackToRESTWhenTRPCIsRefused(t *testing.T) {
	rec := &recorder{}
	rec.serve = func(w http.ResponseWriter, r *http.Request, body []byte) {
		if strings.HasPrefix(r.URL.Path, "/api/trpc/") {
			w.WriteHeader(404)
			io.WriteString(w, "<html>not here</html>")
			return
		}
		switch r.URL.Path {
		case "/api/project.one":
			fmt.Fprintf(w, `{"projectId":%q}`, r.URL.Query().Get("projectId"))
		case "/api/application.deploy":
			if r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(415)
				return
			}
			w.WriteHeader(200) // empty body: Dokploy's "undefined"
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Not found","code":"NOT_FOUND"}`)
		}
	}
	c := newClient(t, rec, Options{})
	var p map[string]string
	if err := c.Do(context.Background(), NewCall("project.one", map[string]string{"projectId": "P 1"}, &p)); err != nil {
		t.Fatal(err)
	}
	if p["projectId"] != "P 1" || c.Transport() != APIREST {
		t.Errorf("got %v over %s", p, c.Transport())
	}
	if err := c.Do(context.Background(), NewCall("application.deploy", map[string]string{"applicationId": "A"}, &p)); err != nil {
		t.Errorf("empty 2xx body: %v", err)
	}
	want := []string{"GET /api/trpc/project.one?input=" + url.QueryEscape(`{"json":{"projectId":"P 1"}}`), "GET /api/project.one?projectId=P+1", "POST /api/application.deploy"}
	if strings.Join(rec.lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(rec.lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestErrors(t *testing.T) {
	rec := &recorder{}
	rec.serve = func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/api/project.create":
			w.WriteHeader(400)
			io.WriteString(w, `{"message":"Input validation failed","code":"BAD_REQUEST","data":{"code":"BAD_REQUEST","httpStatus":400,"zodError":{"formErrors":[],"fieldErrors":{"name":["Invalid input: expected string, received undefined"]}}}}`)
		case "/api/trpc/project.all":
			w.WriteHeader(431)
		}
	}
	c := newClient(t, rec, Options{API: APIREST})
	err := c.Do(context.Background(), NewCall("project.create", map[string]string{}, nil))
	if !IsBadRequest(err) || err.Error() != "project.create: bad request: invalid input: name: Invalid input: expected string, received undefined" {
		t.Errorf("400: %v", err)
	}
	c2 := newClient(t, rec, Options{API: APITRPC})
	err = c2.Do(context.Background(), NewCall("project.all", nil, nil))
	if err == nil || !strings.Contains(err.Error(), "HTTP 431") {
		t.Errorf("431: %v", err)
	}
	bad, _ := New(Options{BaseURL: rec2URL(t, rec), APIKey: "wrong", API: APIREST})
	err = bad.Do(context.Background(), NewCall("project.all", nil, nil))
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "invalid, expired, disabled or rate-limited") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("401: %v", err)
	}
}

func rec2URL(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCheckVersion(t *testing.T) {
	for v, ok := range map[string]bool{"v0.30.2": true, "v0.26.1": true, "v0.26.0": false, "v0.19.0": false, "v1.0.0": true, "canary": true, "v0.27.0-beta": true} {
		if err := CheckVersion(v); (err == nil) != ok {
			t.Errorf("CheckVersion(%q) = %v", v, err)
		}
	}
	if err := CheckVersion("v0.25.4"); err == nil || !strings.Contains(err.Error(), "needs v0.26.1 or newer") {
		t.Errorf("message: %v", err)
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, o := range []Options{{APIKey: "k"}, {BaseURL: "ftp://x", APIKey: "k"}, {BaseURL: "http://x"}, {BaseURL: "http://x", APIKey: "k", API: "soap"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestFallbackResendsOnlyTheRefusedRequests(t *testing.T) {
	rec := &recorder{}
	rec.serve = func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/trpc/"):
			w.WriteHeader(403) // a proxy refusing tRPC mutations
			io.WriteString(w, "<html>forbidden</html>")
		case strings.HasPrefix(r.URL.Path, "/api/trpc/"):
			echoTRPC(w, r, body)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}
	c := newClient(t, rec, Options{})
	var q map[string]string
	err := c.Do(context.Background(), NewCall("project.one", map[string]string{"projectId": "P"}, &q), NewCall("project.create", map[string]string{"name": "a"}, nil))
	if err != nil || q["projectId"] != "P" {
		t.Fatalf("err %v, answer %v", err, q)
	}
	sort.Strings(rec.lines)
	want := []string{"GET /api/trpc/project.one?input=" + url.QueryEscape(`{"json":{"projectId":"P"}}`), "POST /api/project.create", "POST /api/trpc/project.create"}
	if strings.Join(rec.lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(rec.lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestFailedQueryIsShortAndHidesTheStatement(t *testing.T) {
	for msg, want := range map[string]string{
		`Failed query: insert into "security" ("securityId", "username", "password") values ($1, $2, $3) params: x,admin,hunter2`: "a basic-auth user with this username already exists",
		`Failed query: update "application" set "giteaId" = $1 ... params: nope,...`:                                              "is not one of this server's",
		`Failed query: update "x" set "y" = $1 params: s3cret`:                                                                    "breaks one of its constraints",
	} {
		got := (&Error{Proc: "p", Status: 500, Message: msg}).Error()
		if !strings.Contains(got, want) || strings.Contains(got, "params") || strings.Contains(got, "hunter2") {
			t.Errorf("%q -> %q", msg, got)
		}
	}
}

func TestHideURLPassword(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@panel.example.com/x":  "https://user:xxxxx@panel.example.com/x",
		"https://TOKEN@github.com/acme/x.git":  "https://xxxxx@github.com/acme/x.git",
		"https://panel.example.com/a@b":        "https://panel.example.com/a@b",
		"ftp://a:b:c@h":                        "ftp://a:xxxxx@h",
		"not a url":                            "not a url",
		"https://u:p%zz@bad-escape.example/ok": "https://u:xxxxx@bad-escape.example/ok",
	} {
		if got := HideURLPassword(in); got != want {
			t.Errorf("HideURLPassword(%q) = %q, want %q", in, got, want)
		}
	}
}
