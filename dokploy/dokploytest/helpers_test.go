package dokploytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const testKey = "test-key"

// client talks to a fake started with NewTestServer.
type client struct {
	t   *testing.T
	s   *Server
	key string
}

func newClient(t *testing.T, opts Options) *client {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	return &client{t: t, s: NewTestServer(t, opts), key: opts.APIKey}
}

// do sends a request and returns the status and body.
func (c *client) do(method, path string, body []byte, header map[string]string) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.s.URL()+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.key != "" {
		req.Header.Set("x-api-key", c.key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// get calls a query on the REST face.
func (c *client) get(proc string, query map[string]string) (int, []byte) {
	c.t.Helper()
	q := url.Values{}
	for k, v := range query {
		q.Set(k, v)
	}
	path := "/api/" + proc
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.do("GET", path, nil, nil)
}

// post calls a mutation on the REST face.
func (c *client) post(proc string, body any) (int, []byte) {
	c.t.Helper()
	return c.do("POST", "/api/"+proc, mustJSON(c.t, body), jsonHeader)
}

// trpcGet calls queries on the tRPC face (a batch when len(procs) > 1 or batch).
func (c *client) trpcGet(procs []string, inputs []any, batch bool) (int, []byte) {
	c.t.Helper()
	path := "/api/trpc/" + strings.Join(procs, ",")
	q := url.Values{}
	if batch || len(procs) > 1 {
		q.Set("batch", "1")
		in := map[string]any{}
		for i, v := range inputs {
			in[itoa(i)] = map[string]any{"json": v}
		}
		q.Set("input", string(mustJSON(c.t, in)))
	} else if len(inputs) > 0 {
		q.Set("input", string(mustJSON(c.t, map[string]any{"json": inputs[0]})))
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.do("GET", path, nil, nil)
}

// trpcPost calls mutations on the tRPC face.
func (c *client) trpcPost(procs []string, inputs []any, batch bool) (int, []byte) {
	c.t.Helper()
	path := "/api/trpc/" + strings.Join(procs, ",")
	var body any
	if batch || len(procs) > 1 {
		path += "?batch=1"
		in := map[string]any{}
		for i, v := range inputs {
			in[itoa(i)] = map[string]any{"json": v}
		}
		body = in
	} else {
		body = map[string]any{"json": inputs[0]}
	}
	return c.do("POST", path, mustJSON(c.t, body), jsonHeader)
}

// call runs a procedure in-process and decodes its result.
func (c *client) call(proc string, in any) any {
	c.t.Helper()
	raw, err := c.s.Call(proc, in)
	if err != nil {
		c.t.Fatalf("%s: %v", proc, err)
	}
	if raw == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		c.t.Fatal(err)
	}
	return v
}

// callMap is call for object results.
func (c *client) callMap(proc string, in any) map[string]any {
	c.t.Helper()
	v, _ := c.call(proc, in).(map[string]any)
	return v
}

// setup creates a project with its production environment and a staging
// environment; it returns the project id and the two environment ids.
func (c *client) setup() (projectID, prodID, stagingID string) {
	c.t.Helper()
	res := c.callMap("project.create", map[string]any{"name": "shop"})
	projectID = res["project"].(map[string]any)["projectId"].(string)
	prodID = res["environment"].(map[string]any)["environmentId"].(string)
	stg := c.callMap("environment.create", map[string]any{"name": "staging", "projectId": projectID})
	return projectID, prodID, stg["environmentId"].(string)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return v
}

func decodeMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	m, ok := decode(t, b).(map[string]any)
	if !ok {
		t.Fatalf("not an object: %s", b)
	}
	return m
}

// at walks a decoded JSON value: keys for objects, ints for arrays.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func itoa(i int) string { return strconv.Itoa(i) }

func wantStatus(t *testing.T, got int, body []byte, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("status %d, want %d; body %s", got, want, body)
	}
}

// Every test of the package checks each indexed lookup against a scan;
// benchmarks turn it off (SetCheckIndexes).
func init() { checkIndexes = true }

// SetCheckIndexes sets checkIndexes for the tests of package
// dokploytest_test.
func SetCheckIndexes(on bool) { checkIndexes = on }
