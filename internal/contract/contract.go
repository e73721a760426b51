// Package contract checks, in tests, that every HTTP request the client sends
// to a (fake) Dokploy server matches the OpenAPI document of a real v0.30.2
// server (../shared/dokploy/openapi.json).
//
// Both faces of the Dokploy API are understood (see shared/dokploy/API.md §1):
//
//   - REST: GET /api/<router>.<proc>?flat=params for queries, POST
//     /api/<router>.<proc> with a JSON body for mutations. Checked as is.
//   - tRPC: /api/trpc/<proc>[,<proc>...][?batch=1] with the superjson envelope
//     {"json": <input>}. Every call is translated to its REST form first (a GET
//     with the input's top-level keys as query params for queries, a POST with
//     the input as JSON body for mutations) and that form is checked.
//
// Validation is done by github.com/pb33f/libopenapi-validator; this package
// adds the tRPC translation, its own path/method check with readable messages,
// a Content-Type and x-api-key header check (Middleware only) and a JSON type
// check of tRPC query inputs (the tRPC face does not coerce "50" to 50 the way
// the REST adapter does).
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// EnvShared names the environment variable that overrides the shared directory.
const EnvShared = "DOKPLOY_SYNC_SHARED"

const skipMessage = "../shared/dokploy/openapi.json not found: contract checks need the shared Dokploy API files (set DOKPLOY_SYNC_SHARED)"

// SharedDir finds the shared directory: $DOKPLOY_SYNC_SHARED if set, else
// <module root>/../shared (module root = nearest parent dir of the working
// directory containing go.mod). ok=false when <dir>/dokploy/openapi.json does
// not exist.
func SharedDir() (dir string, ok bool) {
	if env := os.Getenv(EnvShared); env != "" {
		dir = env
	} else {
		root, found := moduleRoot()
		if !found {
			return "", false
		}
		dir = filepath.Join(filepath.Dir(root), "shared")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	st, err := os.Stat(filepath.Join(dir, "dokploy", "openapi.json"))
	if err != nil || st.IsDir() {
		return dir, false
	}
	return dir, true
}

// moduleRoot returns the nearest parent of the working directory holding go.mod.
func moduleRoot() (string, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// Validator checks requests against one parsed openapi.json. It is safe for
// concurrent use.
type Validator struct {
	lib validator.Validator
	// ops maps a document path ("/project.all") to its operations by
	// upper-case HTTP method.
	ops map[string]map[string]*v3.Operation
	// folded maps strings.ToLower(path) to the document's spelling.
	folded map[string]string
	// queryParams maps a GET path to its query parameters' allowed JSON types.
	queryParams map[string]map[string]jsonTypes
}

type loaded struct {
	once sync.Once
	v    *Validator
	err  error
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*loaded{}
)

// Load parses openapi.json once per process (per file) and returns a
// validator. When the shared dir is absent it skips the test.
func Load(t testing.TB) *Validator {
	t.Helper()
	dir, ok := SharedDir()
	if !ok {
		t.Skip(skipMessage)
		return nil
	}
	v, err := loadFile(filepath.Join(dir, "dokploy", "openapi.json"))
	if err != nil {
		t.Fatalf("contract: %v", err)
		return nil
	}
	return v
}

func loadFile(path string) (*Validator, error) {
	cacheMu.Lock()
	l := cache[path]
	if l == nil {
		l = &loaded{}
		cache[path] = l
	}
	cacheMu.Unlock()
	l.once.Do(func() { l.v, l.err = parse(path) })
	return l.v, l.err
}

func parse(path string) (*Validator, error) {
	spec, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build model of %s: %w", path, err)
	}
	if model == nil || model.Model.Paths == nil || model.Model.Paths.PathItems == nil {
		return nil, fmt.Errorf("%s: no paths", path)
	}
	v := &Validator{
		// Security is checked here, per HTTP request, from the real headers
		// (Check has none), so the library's own check is off.
		lib:         validator.NewValidatorFromV3Model(&model.Model, config.WithoutSecurityValidation()),
		ops:         map[string]map[string]*v3.Operation{},
		folded:      map[string]string{},
		queryParams: map[string]map[string]jsonTypes{},
	}
	for pair := model.Model.Paths.PathItems.First(); pair != nil; pair = pair.Next() {
		p, item := pair.Key(), pair.Value()
		if item == nil {
			continue
		}
		methods := map[string]*v3.Operation{}
		for op := item.GetOperations().First(); op != nil; op = op.Next() {
			methods[strings.ToUpper(op.Key())] = op.Value()
		}
		v.ops[p] = methods
		v.folded[strings.ToLower(p)] = p
		if get := methods[http.MethodGet]; get != nil {
			params := map[string]jsonTypes{}
			for _, prm := range append(append([]*v3.Parameter(nil), item.Parameters...), get.Parameters...) {
				if prm != nil && prm.In == "query" {
					params[prm.Name] = schemaTypes(prm.Schema, 0)
				}
			}
			v.queryParams[p] = params
		}
	}
	return v, nil
}

// Check validates one HTTP request as sent on the wire (REST or tRPC, single
// or batch). tRPC calls are translated to their REST form first. It returns
// one error per violation, each starting with the procedure it concerns.
// Headers are not known here: a POST body is taken as application/json and
// the API key is not checked (Middleware checks both).
func (v *Validator) Check(method, path, rawQuery string, body []byte) []error {
	return v.check(method, path, rawQuery, nil, body)
}

// Middleware wraps an http.Handler: every request under /api/ is checked
// (the body is re-buffered for next) and each violation is reported with
// t.Errorf. Other paths pass unchecked.
func Middleware(t testing.TB, v *Validator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				t.Errorf("contract: %s %s: reading body: %v", r.Method, r.URL.Path, err)
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		for _, err := range v.check(r.Method, r.URL.Path, r.URL.RawQuery, r.Header, body) {
			t.Errorf("contract: %s %s: %v", r.Method, r.URL.Path, err)
		}
		next.ServeHTTP(w, r)
	})
}

// check is Check with the request headers; header == nil means unknown.
func (v *Validator) check(method, path, rawQuery string, header http.Header, body []byte) []error {
	method = strings.ToUpper(method)
	var errs []error
	if header != nil {
		errs = append(errs, checkHeaders(method, path, header)...)
	}
	switch {
	case path == "/api/health":
		// Next.js liveness route outside the router (API.md §1.3).
		if method != http.MethodGet {
			errs = append(errs, fmt.Errorf("health: %s not allowed, use GET", method))
		}
	case strings.HasPrefix(path, "/api/trpc/"):
		errs = append(errs, v.checkTRPC(method, strings.TrimPrefix(path, "/api/trpc/"), rawQuery, header, body)...)
	case strings.HasPrefix(path, "/api/"):
		proc := strings.TrimPrefix(path, "/api/")
		errs = append(errs, v.checkREST(proc, proc, method, rawQuery, header, body)...)
	default:
		errs = append(errs, fmt.Errorf("%s: not a Dokploy API path (want /api/<router>.<proc> or /api/trpc/<proc>)", path))
	}
	return errs
}

// checkHeaders checks what the server demands of every request: the API key
// (every REST call answers 401 without it; all our procedures are protected)
// and a JSON content type on POST (REST answers 415, API.md §1.1).
func checkHeaders(method, path string, header http.Header) []error {
	var errs []error
	if header.Get("x-api-key") == "" {
		errs = append(errs, errors.New("no x-api-key header (the server answers 401)"))
	}
	if method == http.MethodPost && !isJSONContentType(header.Get("Content-Type")) {
		errs = append(errs, fmt.Errorf("POST without Content-Type: application/json (got %q; the server answers 415)", header.Get("Content-Type")))
	}
	return errs
}

func isJSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

func kind(method string) string {
	switch method {
	case http.MethodGet:
		return "query"
	case http.MethodPost:
		return "mutation"
	}
	return method
}

// checkREST validates one REST-form call: label names it in errors.
func (v *Validator) checkREST(label, proc, method, rawQuery string, header http.Header, body []byte) []error {
	docPath := "/" + proc
	methods, ok := v.ops[docPath]
	if !ok {
		if canon, found := v.folded[strings.ToLower(docPath)]; found {
			return []error{fmt.Errorf("%s: procedure not in openapi.json; did you mean %s? (the server matches case-insensitively, but use the documented spelling)", label, strings.TrimPrefix(canon, "/"))}
		}
		return []error{fmt.Errorf("%s: procedure /api/%s is not in openapi.json", label, proc)}
	}
	if methods[method] == nil {
		var want []string
		for m := range methods {
			want = append(want, m)
		}
		sort.Strings(want)
		hint := ""
		if len(want) == 1 {
			hint = fmt.Sprintf(": %s is a %s, send %s", label, kind(want[0]), want[0])
		}
		return []error{fmt.Errorf("%s: method %s not allowed (document has %s)%s", label, method, strings.Join(want, ", "), hint)}
	}

	u := "http://dokploy.invalid/api/" + proc
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	var rd io.Reader = http.NoBody
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return []error{fmt.Errorf("%s: cannot build request: %v", label, err)}
	}
	if header != nil {
		req.Header = header.Clone()
		req.Header.Del("Content-Length")
	}
	// A missing or wrong Content-Type is reported once by checkHeaders; here
	// the body is validated as the JSON it must be.
	if method == http.MethodPost && !isJSONContentType(req.Header.Get("Content-Type")) {
		req.Header.Set("Content-Type", "application/json")
	}
	_, verrs := v.lib.ValidateHttpRequestSync(req)
	return convert(label, verrs)
}

// convert turns library errors into one error per violation, prefixed with label.
func convert(label string, verrs []*verrors.ValidationError) []error {
	var errs []error
	for _, e := range verrs {
		if e == nil || e.ValidationType == helpers.SecurityValidation {
			continue
		}
		switch e.ValidationType {
		case helpers.ParameterValidation:
			where := "query"
			if e.ValidationSubType != "" && e.ValidationSubType != helpers.ParameterValidationQuery && e.ValidationSubType != helpers.ValidationMissing {
				where = e.ValidationSubType
			}
			switch {
			case e.ValidationSubType == helpers.ValidationMissing || strings.HasSuffix(e.Message, " is missing"):
				errs = append(errs, fmt.Errorf("%s: %s: missing required parameter %s", label, where, e.ParameterName))
			case len(e.SchemaValidationErrors) == 0:
				errs = append(errs, fmt.Errorf("%s: %s: %s: %s", label, where, e.ParameterName, e.Reason))
			default:
				for _, g := range groupFailures(e.SchemaValidationErrors) {
					errs = append(errs, fmt.Errorf("%s: %s: %s: %s", label, where, e.ParameterName, g.reason))
				}
			}
		case helpers.RequestBodyValidation:
			if len(e.SchemaValidationErrors) == 0 {
				errs = append(errs, fmt.Errorf("%s: body: %s", label, e.Message))
				continue
			}
			for _, g := range groupFailures(e.SchemaValidationErrors) {
				if g.field == "" {
					errs = append(errs, fmt.Errorf("%s: body: %s", label, g.reason))
				} else {
					errs = append(errs, fmt.Errorf("%s: body: %s: %s", label, g.field, g.reason))
				}
			}
		default:
			errs = append(errs, fmt.Errorf("%s: %s: %s", label, e.ValidationType, e.Message))
		}
	}
	return errs
}

type failure struct{ field, reason string }

// groupFailures merges the failures of one instance location (an anyOf gives
// one failure per branch) into one violation, dropping the "want null" branch
// of nullable fields when a more telling reason exists.
func groupFailures(fs []*verrors.SchemaValidationFailure) []failure {
	var order []string
	reasons := map[string][]string{}
	for _, f := range fs {
		if f == nil {
			continue
		}
		field := strings.TrimPrefix(strings.TrimPrefix(f.FieldPath, "$"), ".")
		if _, seen := reasons[field]; !seen {
			order = append(order, field)
		}
		reasons[field] = append(reasons[field], f.Reason)
	}
	out := make([]failure, 0, len(order))
	for _, field := range order {
		rs := reasons[field]
		var kept []string
		for _, r := range rs {
			if !strings.HasSuffix(r, "want null") {
				kept = appendUnique(kept, r)
			}
		}
		if len(kept) == 0 {
			kept = rs[:1]
		}
		out = append(out, failure{field: field, reason: strings.Join(kept, "; or ")})
	}
	return out
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// checkTRPC translates a tRPC request (single or batch) to REST calls.
func (v *Validator) checkTRPC(method, procPath, rawQuery string, header http.Header, body []byte) []error {
	if method != http.MethodGet && method != http.MethodPost {
		return []error{fmt.Errorf("%s: tRPC takes GET (queries) or POST (mutations), not %s", procPath, method)}
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return []error{fmt.Errorf("%s: bad query string: %v", procPath, err)}
	}
	procs := strings.Split(procPath, ",")
	batch := q.Get("batch") == "1"
	if !batch && len(procs) > 1 {
		return []error{fmt.Errorf("%s: several procedures without batch=1 (the server takes the whole list as one unknown procedure)", procPath)}
	}
	var raw []byte
	hasInput := false
	if method == http.MethodGet {
		if _, ok := q["input"]; ok {
			raw, hasInput = []byte(q.Get("input")), true
		}
	} else if len(bytes.TrimSpace(body)) > 0 {
		raw, hasInput = body, true
	}

	items := make([]json.RawMessage, len(procs))
	var errs []error
	if hasInput {
		if !batch {
			items[0] = raw
		} else {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil || m == nil {
				return []error{fmt.Errorf("%s: batch input must be a JSON object {\"0\":{\"json\":...},...}: %s", procPath, describeJSONError(raw, err))}
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				i, err := strconv.Atoi(k)
				if err != nil || i < 0 || i >= len(procs) || strconv.Itoa(i) != k {
					errs = append(errs, fmt.Errorf("%s: batch input has item %q but the path names %d procedure(s)", procPath, k, len(procs)))
					continue
				}
				items[i] = m[k]
			}
		}
	}
	for i, proc := range procs {
		label := proc
		if batch {
			label = fmt.Sprintf("%s (batch item %d)", proc, i)
		}
		if proc == "" {
			errs = append(errs, fmt.Errorf("%s: empty procedure name", label))
			continue
		}
		errs = append(errs, v.checkTRPCCall(label, proc, method, header, items[i])...)
	}
	return errs
}

func describeJSONError(raw []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	return "got " + strconv.Quote(string(truncate(raw, 60)))
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return append(append([]byte(nil), b[:n]...), "..."...)
	}
	return b
}

// checkTRPCCall unwraps one superjson item and checks its REST form.
func (v *Validator) checkTRPCCall(label, proc, method string, header http.Header, item json.RawMessage) []error {
	input, defined, err := unwrap(item)
	if err != nil {
		return []error{fmt.Errorf("%s: %v", label, err)}
	}
	// The path and method are checked before the input so that a wrong
	// method is reported once, not with a flood of parameter errors.
	if methods, ok := v.ops["/"+proc]; !ok || methods[method] == nil {
		return v.checkREST(label, proc, method, "", header, nil)
	}
	var h http.Header
	if header != nil {
		h = header.Clone()
	}
	if method == http.MethodPost {
		var body []byte
		if defined {
			body = input
		}
		return v.checkREST(label, proc, method, "", h, body)
	}
	// Query: the input object's top-level keys become query params.
	var errs []error
	vals := url.Values{}
	if defined && !isJSONNull(input) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(input, &obj); err != nil || obj == nil {
			return []error{fmt.Errorf("%s: query input must be a JSON object to map onto query params, got %s", label, truncate(input, 60))}
		}
		params := v.queryParams["/"+proc]
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			val := obj[k]
			if want, known := params[k]; known {
				if got := typeOf(val); !want.allows(got) {
					errs = append(errs, fmt.Errorf("%s: query: %s: tRPC input is %s, schema wants %s (the tRPC face does not reliably coerce)", label, k, got, want))
				}
			}
			addQueryValue(vals, k, val)
		}
	}
	if h != nil {
		h.Del("Content-Type")
	}
	return append(errs, v.checkREST(label, proc, method, vals.Encode(), h, nil)...)
}

// unwrap reads one superjson item {"json": <input>, "meta"?: {...}}. defined
// is false when the input is undefined (absent item, {} or meta "undefined").
func unwrap(item json.RawMessage) (input json.RawMessage, defined bool, err error) {
	if len(bytes.TrimSpace(item)) == 0 {
		return nil, false, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(item, &env); err != nil || env == nil {
		return nil, false, fmt.Errorf("input lacks the superjson {\"json\":...} envelope: got %s", truncate(item, 60))
	}
	var extra []string
	for k := range env {
		if k != "json" && k != "meta" {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, false, fmt.Errorf("input lacks the superjson {\"json\":...} envelope: top-level keys %v (the server reads the input as undefined)", extra)
	}
	in, ok := env["json"]
	if !ok {
		return nil, false, nil
	}
	if meta, ok := env["meta"]; ok && isJSONNull(in) {
		var m struct {
			Values json.RawMessage `json:"values"`
		}
		if json.Unmarshal(meta, &m) == nil {
			var s []string
			if json.Unmarshal(m.Values, &s) == nil && len(s) == 1 && s[0] == "undefined" {
				return nil, false, nil
			}
		}
	}
	return in, true, nil
}

func isJSONNull(b json.RawMessage) bool {
	return string(bytes.TrimSpace(b)) == "null"
}

// addQueryValue adds one input value in the form the REST adapter reads:
// scalars as their text, null skipped, arrays as repeated params, objects as
// JSON text (no documented query param is an object).
func addQueryValue(vals url.Values, k string, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	switch raw[0] {
	case 'n':
		return
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			vals.Add(k, s)
		}
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) == nil {
			for _, e := range arr {
				addQueryValue(vals, k, e)
			}
		}
	default: // numbers and booleans keep their JSON text; objects as JSON
		vals.Add(k, string(raw))
	}
}

// jsonTypes is the set of JSON types a schema accepts (empty = any).
type jsonTypes []string

func (j jsonTypes) allows(t string) bool {
	if len(j) == 0 {
		return true
	}
	for _, x := range j {
		if x == t || (x == "number" && t == "integer") || (x == "integer" && t == "number") {
			return true
		}
	}
	return false
}

func (j jsonTypes) String() string { return strings.Join(j, " or ") }

func schemaTypes(sp *base.SchemaProxy, depth int) jsonTypes {
	if sp == nil || depth > 8 {
		return nil
	}
	s := sp.Schema()
	if s == nil {
		return nil
	}
	var out jsonTypes
	out = append(out, s.Type...)
	for _, group := range [][]*base.SchemaProxy{s.AnyOf, s.OneOf} {
		for _, sub := range group {
			st := schemaTypes(sub, depth+1)
			if len(st) == 0 {
				return nil // some branch accepts anything
			}
			out = append(out, st...)
		}
	}
	if s.Nullable != nil && *s.Nullable {
		out = append(out, "null")
	}
	if len(out) == 0 {
		return nil
	}
	if len(s.Enum) > 0 && len(s.Type) == 0 {
		return nil
	}
	seen := map[string]bool{}
	uniq := out[:0]
	for _, t := range out {
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	return uniq
}

func typeOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '[':
		return "array"
	case '{':
		return "object"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "number"
	}
	return "integer"
}
