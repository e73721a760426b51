package dokploytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The contract checks compare the fake with ../shared/dokploy: the captures
// of a real v0.30.2 server and its OpenAPI document. They are not part of
// the repository; without them the checks skip.

const sharedSkip = "../shared/dokploy not found: contract checks need the shared Dokploy captures"

// sharedDokployDir returns <module root>/../shared/dokploy, or
// $DOKPLOY_SYNC_SHARED/dokploy, or skips the test.
func sharedDokployDir(t *testing.T) string {
	t.Helper()
	shared := os.Getenv("DOKPLOY_SYNC_SHARED")
	if shared == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				t.Skip(sharedSkip)
			}
			dir = parent
		}
		shared = filepath.Join(dir, "..", "shared")
	}
	d := filepath.Join(shared, "dokploy")
	if _, err := os.Stat(filepath.Join(d, "captures")); err != nil {
		t.Skip(sharedSkip)
	}
	return d
}

// capture is one recorded request and answer of the real server.
type capture struct {
	file         string
	Method       string          `json:"method"`
	Path         string          `json:"path"`
	Query        map[string]any  `json:"query"`
	RequestBody  json.RawMessage `json:"requestBody"`
	Status       int             `json:"status"`
	ResponseBody json.RawMessage `json:"responseBody"`
}

// procs returns the procedures the capture calls.
func (c *capture) procs() []string {
	if p, ok := strings.CutPrefix(c.Path, "/api/trpc/"); ok {
		return strings.Split(p, ",")
	}
	return []string{strings.TrimPrefix(c.Path, "/api/")}
}

// comparedCapture reports whether a capture file is part of the replay:
// 001-138 (REST scenario), 200-210 (tRPC face) and 300-321 (compose,
// deploy titles, logs).
func comparedCapture(name string) bool {
	n, err := strconv.Atoi(strings.SplitN(name, "-", 2)[0])
	if err != nil {
		return false
	}
	return (n >= 1 && n <= 138) || (n >= 200 && n <= 210) || (n >= 300 && n <= 321)
}

// tagCapture reports whether a capture file is one of the tag router's
// that TestTagCaptures replays on a fresh fake: 557-562, 568, 569 (563-567
// tag the project of captures 390+: TestInfraCaptures replays them).
func tagCapture(name string) bool {
	n, err := strconv.Atoi(strings.SplitN(name, "-", 2)[0])
	return err == nil && (n >= 557 && n <= 562 || n == 568 || n == 569)
}

func loadCaptures(t *testing.T, dir string) []*capture {
	return loadCapturesOf(t, dir, comparedCapture)
}

func loadCapturesOf(t *testing.T, dir string, compared func(string) bool) []*capture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "captures", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []*capture
	for _, f := range files {
		if !compared(filepath.Base(f)) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := &capture{file: filepath.Base(f)}
		if err := json.Unmarshal(data, c); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Skip(sharedSkip)
	}
	return out
}

// dockerDown is the deploy error of the server the captures come from.
const dockerDown = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"

// deployErrors are the deploy errors of particular captures, when the
// server failed differently: its docker CLI had no compose plugin, so
// `docker compose -p ...` failed before reaching the daemon (capture 309).
var deployErrors = map[string]string{
	"307-compose.deploy.json": "unknown shorthand flag: 'p' in -p\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\nRun 'docker --help' for more information\n",
}

// TestCaptures replays every capture, in file order, against one fake
// brought into the same state, and compares status and JSON shape: the same
// keys recursively and the same JSON types. Values are compared too, except
// volatile ones (ids, timestamps, appNames, generated secrets). Real ids in
// requests are mapped to the fake's ids, learnt from the answers. Texts that
// quote ids or appNames (deployment logs, error messages) are compared with
// the real ones replaced by the fake's; ids no answer gave and timestamps
// inside texts are not compared.
func TestCaptures(t *testing.T) {
	dir := sharedDokployDir(t)
	caps := loadCaptures(t, dir)

	const key = "capture-key"
	s := NewTestServer(t, Options{APIKey: key, Seed: 7, DeployError: dockerDown})
	r := &replayer{t: t, s: s, ids: map[string]string{}, names: map[string]string{}}

	// The real server already had project p1 (captures 003, 081, 138).
	if _, err := s.Call("project.create", map[string]any{"name": "p1", "description": "updated", "env": "PROJ=1"}); err != nil {
		t.Fatal(err)
	}

	r.replay(caps)
}

// TestTagCaptures replays the tag router's captures on a fresh fake: the
// create's row, the duplicate name's 400 quoting the failed INSERT, all,
// one, a partial update, remove and one after it (404).
func TestTagCaptures(t *testing.T) {
	dir := sharedDokployDir(t)
	caps := loadCapturesOf(t, dir, tagCapture)
	if len(caps) != 8 {
		t.Fatalf("%d tag captures, want 8", len(caps))
	}
	s := NewTestServer(t, Options{APIKey: "capture-key", Seed: 7})
	r := &replayer{t: t, s: s, ids: map[string]string{}, names: map[string]string{}}
	r.replay(caps)
}

// replay sends each capture's request to the fake, in order, and compares
// the answers.
func (r *replayer) replay(caps []*capture) {
	t, s := r.t, r.s
	const key = "capture-key"
	compared := 0
	for _, c := range caps {
		var missing []string
		for _, p := range c.procs() {
			if s.lookup(p) == nil {
				missing = append(missing, p)
			}
		}
		// Every capture is replayed: none is skipped.
		if len(missing) > 0 {
			t.Errorf("%s: not replayed, not implemented: %s", c.file, strings.Join(missing, ", "))
			continue
		}
		req, unmapped := r.request(c)
		if unmapped != "" {
			t.Errorf("%s: not replayed, it refers to %s, which no earlier answer gave", c.file, unmapped)
			continue
		}
		apiKey := key
		if c.Status == http.StatusUnauthorized {
			apiKey = "wrong-key"
		}
		req.Header.Set("x-api-key", apiKey)
		if r.before != nil {
			r.before(c)
		}
		if msg, ok := deployErrors[c.file]; ok {
			s.setDeployError(msg)
		}
		resp, err := http.DefaultClient.Do(req)
		s.setDeployError(dockerDown)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		compared++

		if resp.StatusCode != c.Status {
			t.Errorf("%s: status %d, capture %d (body %.300s)", c.file, resp.StatusCode, c.Status, body)
		}
		var want, got any
		if err := json.Unmarshal(c.ResponseBody, &want); err != nil {
			t.Fatalf("%s: capture body: %v", c.file, err)
		}
		got = ""
		if len(body) > 0 {
			if err := json.Unmarshal(body, &got); err != nil {
				t.Errorf("%s: answer is not JSON: %v: %.300s", c.file, err, body)
				continue
			}
		}
		cmp := r.rewrite(want)
		for _, k := range r.ignore[c.file] {
			if w, ok := cmp.(map[string]any); ok {
				delete(w, k)
			}
			if g, ok := got.(map[string]any); ok {
				delete(g, k)
			}
		}
		for _, m := range compareJSON("$", "", cmp, got) {
			t.Errorf("%s: %s", c.file, m)
		}
		r.learn(want, got)
	}
	t.Logf("compared %d captures", compared)
	if compared != len(caps) {
		t.Errorf("%d of %d captures compared", compared, len(caps))
	}
}

// setDeployError changes Options.DeployError between two requests.
func (s *Server) setDeployError(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.DeployError = msg
}

// replayer turns captured requests into requests to the fake.
type replayer struct {
	t     *testing.T
	s     *Server
	ids   map[string]string // real id -> fake id
	names map[string]string // real appName -> fake appName
	// ignore lists, by capture file, top-level keys of the answer left
	// out of the comparison, with the reason where it is set.
	ignore map[string][]string
	// before, when set, runs before each capture's request is sent: the
	// state or options the real run changed without a recorded call.
	before func(c *capture)
}

// rewrite replaces, inside the strings of a captured answer, the real ids
// and appNames by the fake's, so that texts quoting them (deployment logs,
// error messages) can be compared. Both appNames have the same length, so
// the log's box keeps its layout.
func (r *replayer) rewrite(v any) any {
	switch v := v.(type) {
	case string:
		for real, fake := range r.names {
			v = strings.ReplaceAll(v, real, fake)
		}
		for real, fake := range r.ids {
			v = strings.ReplaceAll(v, real, fake)
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = r.rewrite(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = r.rewrite(e)
		}
		return out
	}
	return v
}

var nanoidRe = regexp.MustCompile(`^[A-Za-z0-9_-]{21}$`)

func isIDKey(k string) bool { return k == "id" || strings.HasSuffix(k, "Id") }

// mapIDs replaces known real ids by the fake's. It returns the first id
// that looks like a nanoid under an id key but is unknown.
func (r *replayer) mapIDs(v any, key string) (any, string) {
	switch v := v.(type) {
	case string:
		if f, ok := r.ids[v]; ok {
			return f, ""
		}
		if isIDKey(key) && nanoidRe.MatchString(v) {
			return v, key + "=" + v
		}
		return v, ""
	case []any:
		out := make([]any, len(v))
		unmapped := ""
		for i, e := range v {
			var u string
			out[i], u = r.mapIDs(e, key)
			if unmapped == "" {
				unmapped = u
			}
		}
		return out, unmapped
	case map[string]any:
		out := map[string]any{}
		unmapped := ""
		for k, e := range v {
			var u string
			out[k], u = r.mapIDs(e, k)
			if unmapped == "" {
				unmapped = u
			}
		}
		return out, unmapped
	}
	return v, ""
}

func (r *replayer) request(c *capture) (*http.Request, string) {
	q := url.Values{}
	unmapped := ""
	note := func(u string) {
		if unmapped == "" {
			unmapped = u
		}
	}
	for k, v := range c.Query {
		vals, ok := v.([]any) // Next.js style: every value an array
		if !ok {
			vals = []any{v}
		}
		for _, e := range vals {
			if k == "input" { // tRPC input: JSON to map
				var in any
				if err := json.Unmarshal([]byte(fmt.Sprint(e)), &in); err != nil {
					r.t.Fatalf("%s: input: %v", c.file, err)
				}
				mapped, u := r.mapIDs(in, "")
				note(u)
				b, _ := json.Marshal(mapped)
				q.Add(k, string(b))
				continue
			}
			mapped, u := r.mapIDs(e, k)
			note(u)
			q.Add(k, fmt.Sprint(mapped))
		}
	}
	target := r.s.URL() + c.Path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var body io.Reader
	if c.Method == http.MethodPost && string(c.RequestBody) != "null" {
		var in any
		if err := json.Unmarshal(c.RequestBody, &in); err != nil {
			r.t.Fatalf("%s: body: %v", c.file, err)
		}
		mapped, u := r.mapIDs(in, "")
		note(u)
		b, _ := json.Marshal(mapped)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(c.Method, target, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if c.Method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, unmapped
}

// learn walks the capture's answer and the fake's side by side and maps
// every new real id to the fake's id at the same place.
func (r *replayer) learn(want, got any) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return
		}
		for k, wv := range w {
			if ws, ok := wv.(string); ok && (isIDKey(k) || k == "appName") {
				known := r.ids
				if k == "appName" {
					known = r.names
				}
				if gs, ok := g[k].(string); ok {
					if _, ok := known[ws]; !ok {
						known[ws] = gs
					}
				}
				continue
			}
			r.learn(wv, g[k])
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return
		}
		for i := 0; i < len(w) && i < len(g); i++ {
			r.learn(w[i], g[i])
		}
	}
}

// volatileKeys hold values that legitimately differ between the real
// server and the fake.
var volatileKeys = map[string]bool{
	"createdAt": true, "startedAt": true, "finishedAt": true, "expiresAt": true,
	"appName": true, "volumeName": true, "logPath": true, "refreshToken": true,
	"certificatePath":      true, // generated like an appName without one
	"databaseRootPassword": true, // generated when not given
	"email":                true, "firstName": true, "lastName": true, "uniqueConfigKey": true,
}

// lenientArrays may be shorter in the fake: the member's access lists and
// API keys, which on the real server also hold ids from before the
// captures.
var lenientArrays = map[string]bool{
	"accessedProjects": true, "accessedEnvironments": true, "accessedServices": true, "apiKeys": true,
}

var (
	nanoidInText    = regexp.MustCompile(`(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{21}([^A-Za-z0-9_-]|$)`)
	timestampInText = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`)
)

// volatileText blanks the ids and timestamps a text quotes (the
// parameters of a failed query: capture 064), which differ between the
// real server and the fake like the values under id keys do.
func volatileText(s string) string {
	s = timestampInText.ReplaceAllString(s, "<time>")
	for {
		t := nanoidInText.ReplaceAllString(s, "$1<id>$2")
		if t == s {
			return s
		}
		s = t
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// compareJSON lists the differences of got from want: keys, types, array
// lengths and non-volatile values.
// key is the object key the value is under (array items inherit it).
func compareJSON(path, key string, want, got any) []string {
	if wk, gk := jsonKind(want), jsonKind(got); wk != gk {
		return []string{fmt.Sprintf("%s: %s in capture, %s in fake (%.80v)", path, wk, gk, got)}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s: key %q missing in fake", path, k))
				continue
			}
			out = append(out, compareJSON(path+"."+k, k, w[k], g[k])...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s: extra key %q in fake", path, k))
			}
		}
	case []any:
		g := got.([]any)
		if len(w) != len(g) && !(lenientArrays[key] && len(g) < len(w)) {
			out = append(out, fmt.Sprintf("%s: %d items in capture, %d in fake", path, len(w), len(g)))
		}
		for i := 0; i < len(w) && i < len(g); i++ {
			out = append(out, compareJSON(fmt.Sprintf("%s[%d]", path, i), key, w[i], g[i])...)
		}
	default:
		if isIDKey(key) || volatileKeys[key] || strings.HasPrefix(key, "accessed") || strings.Contains(path, ".apiKeys[") {
			return nil
		}
		if want != got && !volatileStrings(want, got) {
			out = append(out, fmt.Sprintf("%s: %s", path, firstDifference(fmt.Sprint(want), fmt.Sprint(got))))
		}
	}
	return out
}

// volatileStrings reports whether two strings differ only in the ids and
// timestamps they quote.
func volatileStrings(want, got any) bool {
	ws, ok1 := want.(string)
	gs, ok2 := got.(string)
	return ok1 && ok2 && volatileText(ws) == volatileText(gs)
}

// firstDifference shows two differing values around where they first
// differ.
func firstDifference(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-40)
	return fmt.Sprintf("%.120q in capture, %.120q in fake (from byte %d)", want[from:], got[from:], from)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
