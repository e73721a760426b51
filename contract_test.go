package main

// The contract checker: in tests, every HTTP request the client sends to the
// fake Dokploy server is checked against the OpenAPI document of a real
// v0.30.2 server (../shared/dokploy/openapi.json).
//
// It lives in test files of the root package, its only user (TestScript's
// checked handler), so that neither it nor its JSON Schema library is ever
// compiled by a plain build (`go build`, `go install ./...`), while
// `go test ./...` and `go vet ./...` still cover it and its own tests
// (contract_check_test.go). A package in a directory that ./... skips
// (testdata or _name) would keep it apart too, but then ./... would neither
// run its tests nor vet it.
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
// openapi.json is read with encoding/json and indexed by path and method;
// each query parameter's schema and each application/json request body
// schema is compiled on first use by santhosh-tekuri/jsonschema (draft
// 2020-12, as OpenAPI 3.1 demands), with ECMAScript regular expressions
// (dlclark/regexp2): the server is JavaScript, and one of the document's
// patterns uses a lookahead, which Go's regexp lacks. On top of schema
// validation come the tRPC translation, a path/method check with readable
// messages, a Content-Type and x-api-key header check (contractMiddleware
// only) and a JSON type check of tRPC query inputs (the tRPC face does not
// coerce "50" to 50 the way the REST adapter does).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// contractEnvShared names the environment variable that overrides the
// shared directory.
const contractEnvShared = "DOKPLOY_SYNC_SHARED"

const contractSkipMessage = "../shared/dokploy/openapi.json not found: contract checks need the shared Dokploy API files (set DOKPLOY_SYNC_SHARED)"

// contractSharedDir finds the shared directory: $DOKPLOY_SYNC_SHARED if set,
// else <module root>/../shared (module root = nearest parent dir of the
// working directory containing go.mod). ok=false when
// <dir>/dokploy/openapi.json does not exist.
func contractSharedDir() (dir string, ok bool) {
	if env := os.Getenv(contractEnvShared); env != "" {
		dir = env
	} else {
		root, found := contractModuleRoot()
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

// contractModuleRoot returns the nearest parent of the working directory
// holding go.mod.
func contractModuleRoot() (string, bool) {
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

// contractValidator checks requests against one parsed openapi.json. It is
// safe for concurrent use.
type contractValidator struct {
	// ops maps a document path ("/project.all") to its operations by
	// upper-case HTTP method.
	ops map[string]map[string]*contractOp
	// folded maps strings.ToLower(path) to the document's spelling.
	folded map[string]string

	mu       sync.Mutex // guards compiler
	compiler *jsonschema.Compiler
}

// contractOp is one operation of the document.
type contractOp struct {
	params       []*contractParam // query parameters
	body         *contractSchema  // application/json request body, or nil
	bodyRequired bool
}

type contractParam struct {
	name     string
	required bool
	schema   *contractSchema
	types    contractTypes // the JSON types the schema accepts
}

// contractSchema is one schema of the document, compiled on first use.
type contractSchema struct {
	url  string
	raw  json.RawMessage
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

type contractLoaded struct {
	once sync.Once
	v    *contractValidator
	err  error
}

var (
	contractCacheMu sync.Mutex
	contractCache   = map[string]*contractLoaded{}
)

// loadContract parses openapi.json once per process (per file) and returns a
// validator. When the shared dir is absent it skips the test.
func loadContract(t testing.TB) *contractValidator {
	t.Helper()
	dir, ok := contractSharedDir()
	if !ok {
		t.Skip(contractSkipMessage)
		return nil
	}
	v, err := loadContractFile(filepath.Join(dir, "dokploy", "openapi.json"))
	if err != nil {
		t.Fatalf("contract: %v", err)
		return nil
	}
	return v
}

func loadContractFile(path string) (*contractValidator, error) {
	contractCacheMu.Lock()
	l := contractCache[path]
	if l == nil {
		l = &contractLoaded{}
		contractCache[path] = l
	}
	contractCacheMu.Unlock()
	l.once.Do(func() { l.v, l.err = parseContract(path) })
	return l.v, l.err
}

// The parts of openapi.json the checker reads.
type (
	openAPIDoc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	openAPIOperation struct {
		Parameters  []openAPIParameter `json:"parameters"`
		RequestBody *struct {
			Required bool `json:"required"`
			Content  map[string]struct {
				Schema json.RawMessage `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	}
	openAPIParameter struct {
		Name     string          `json:"name"`
		In       string          `json:"in"`
		Required bool            `json:"required"`
		Schema   json.RawMessage `json:"schema"`
	}
)

var contractMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

func parseContract(path string) (*contractValidator, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc openAPIDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if len(doc.Paths) == 0 {
		return nil, fmt.Errorf("%s: no paths", path)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(ecmaScriptRegexp)
	v := &contractValidator{
		ops:      map[string]map[string]*contractOp{},
		folded:   map[string]string{},
		compiler: c,
	}
	for p, item := range doc.Paths {
		methods := map[string]*contractOp{}
		for m, raw := range item {
			if !contractMethods[m] {
				continue // parameters, summary, ...
			}
			var o openAPIOperation
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, fmt.Errorf("%s: %s %s: %w", path, m, p, err)
			}
			base := "https://dokploy.invalid/openapi.json/" + m + p
			op := &contractOp{}
			for _, prm := range o.Parameters {
				if prm.In != "query" {
					continue
				}
				op.params = append(op.params, &contractParam{
					name:     prm.Name,
					required: prm.Required,
					schema:   &contractSchema{url: base + "/query/" + url.PathEscape(prm.Name), raw: prm.Schema},
					types:    schemaTypes(prm.Schema, 0),
				})
			}
			if rb := o.RequestBody; rb != nil {
				if ct, ok := rb.Content["application/json"]; ok {
					op.body = &contractSchema{url: base + "/body", raw: ct.Schema}
					op.bodyRequired = rb.Required
				}
			}
			methods[strings.ToUpper(m)] = op
		}
		v.ops[p] = methods
		v.folded[strings.ToLower(p)] = p
	}
	return v, nil
}

// ecmaScriptRegexp compiles a schema pattern as JavaScript (the server's
// zod) reads it.
func ecmaScriptRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = 5 * time.Second
	return (*ecmaRegexp)(re), nil
}

type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

// compiled returns the compiled schema, compiling it on first use.
func (v *contractValidator) compiled(s *contractSchema) (*jsonschema.Schema, error) {
	s.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.raw))
		if err != nil {
			s.err = err
			return
		}
		v.mu.Lock()
		defer v.mu.Unlock()
		if err := v.compiler.AddResource(s.url, doc); err != nil {
			s.err = err
			return
		}
		s.sch, s.err = v.compiler.Compile(s.url)
	})
	return s.sch, s.err
}

// Check validates one HTTP request as sent on the wire (REST or tRPC, single
// or batch). tRPC calls are translated to their REST form first. It returns
// one error per violation, each starting with the procedure it concerns.
// Headers are not known here: a POST body is taken as application/json and
// the API key is not checked (contractMiddleware checks both).
func (v *contractValidator) Check(method, path, rawQuery string, body []byte) []error {
	return v.check(method, path, rawQuery, nil, body)
}

// contractMiddleware wraps an http.Handler: every request under /api/ is
// checked (the body is re-buffered for next) and each violation is reported
// with t.Errorf. Other paths pass unchecked.
func contractMiddleware(t testing.TB, v *contractValidator, next http.Handler) http.Handler {
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
func (v *contractValidator) check(method, path, rawQuery string, header http.Header, body []byte) []error {
	method = strings.ToUpper(method)
	var errs []error
	if header != nil {
		errs = append(errs, contractHeaders(method, header)...)
	}
	switch {
	case path == "/api/health":
		// Next.js liveness route outside the router (API.md §1.3).
		if method != http.MethodGet {
			errs = append(errs, fmt.Errorf("health: %s not allowed, use GET", method))
		}
	case strings.HasPrefix(path, "/api/trpc/"):
		errs = append(errs, v.checkTRPC(method, strings.TrimPrefix(path, "/api/trpc/"), rawQuery, body)...)
	case strings.HasPrefix(path, "/api/"):
		proc := strings.TrimPrefix(path, "/api/")
		errs = append(errs, v.checkREST(proc, proc, method, rawQuery, body)...)
	default:
		errs = append(errs, fmt.Errorf("%s: not a Dokploy API path (want /api/<router>.<proc> or /api/trpc/<proc>)", path))
	}
	return errs
}

// contractHeaders checks what the server demands of every request: the API
// key (every REST call answers 401 without it; all our procedures are
// protected) and a JSON content type on POST (REST answers 415, API.md
// §1.1).
func contractHeaders(method string, header http.Header) []error {
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

func procedureKind(method string) string {
	switch method {
	case http.MethodGet:
		return "query"
	case http.MethodPost:
		return "mutation"
	}
	return method
}

// operation finds the operation of a REST-form call, or explains why there
// is none.
func (v *contractValidator) operation(label, proc, method string) (*contractOp, error) {
	docPath := "/" + proc
	methods, ok := v.ops[docPath]
	if !ok {
		if canon, found := v.folded[strings.ToLower(docPath)]; found {
			return nil, fmt.Errorf("%s: procedure not in openapi.json; did you mean %s? (the server matches case-insensitively, but use the documented spelling)", label, strings.TrimPrefix(canon, "/"))
		}
		return nil, fmt.Errorf("%s: procedure /api/%s is not in openapi.json", label, proc)
	}
	op := methods[method]
	if op == nil {
		var want []string
		for m := range methods {
			want = append(want, m)
		}
		sort.Strings(want)
		hint := ""
		if len(want) == 1 {
			hint = fmt.Sprintf(": %s is a %s, send %s", label, procedureKind(want[0]), want[0])
		}
		return nil, fmt.Errorf("%s: method %s not allowed (document has %s)%s", label, method, strings.Join(want, ", "), hint)
	}
	return op, nil
}

// checkREST validates one REST-form call: label names it in errors. A POST
// body is validated as JSON whatever its Content-Type (a wrong one is
// reported once, by contractHeaders).
func (v *contractValidator) checkREST(label, proc, method, rawQuery string, body []byte) []error {
	op, err := v.operation(label, proc, method)
	if err != nil {
		return []error{err}
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return []error{fmt.Errorf("%s: bad query string: %v", label, err)}
	}
	var errs []error
	for _, p := range op.params {
		errs = append(errs, v.checkParam(label, p, q)...)
	}
	if op.body != nil && method != http.MethodGet {
		errs = append(errs, v.checkBody(label, op, body)...)
	}
	return errs
}

// checkParam validates one query parameter the way the REST adapter reads
// it: the text is coerced to the schema's type first.
func (v *contractValidator) checkParam(label string, p *contractParam, q url.Values) []error {
	vals, present := q[p.name]
	if !present {
		if p.required {
			return []error{fmt.Errorf("%s: query: missing required parameter %s", label, p.name)}
		}
		return nil
	}
	var inst any
	if p.types.has("array") {
		list := make([]any, 0, len(vals))
		for _, s := range vals {
			list = append(list, s)
		}
		inst = list
	} else {
		s := ""
		if len(vals) > 0 {
			s = vals[0]
		}
		var err error
		if inst, err = coerceQueryValue(s, p.types); err != nil {
			return []error{fmt.Errorf("%s: query: %s: %v", label, p.name, err)}
		}
	}
	sch, err := v.compiled(p.schema)
	if err != nil {
		return []error{fmt.Errorf("%s: query: %s: openapi.json schema does not compile: %v", label, p.name, err)}
	}
	var errs []error
	for _, f := range schemaFailures(sch.Validate(inst)) {
		errs = append(errs, fmt.Errorf("%s: query: %s: %s", label, p.name, f.reason))
	}
	return errs
}

// coerceQueryValue turns query text into the JSON value the schema's types
// call for (a string when the schema takes strings or anything).
func coerceQueryValue(s string, types contractTypes) (any, error) {
	if len(types) == 0 || types.has("string") {
		return s, nil
	}
	for _, t := range types {
		switch t {
		case "integer":
			if _, err := strconv.ParseInt(s, 10, 64); err == nil {
				return json.Number(s), nil
			}
		case "number":
			if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && !strings.ContainsAny(s, "xXpP_") {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
			}
		case "boolean":
			if s == "true" || s == "false" {
				return s == "true", nil
			}
		}
	}
	return nil, fmt.Errorf("Value '%s' is not a valid %s", s, types)
}

// checkBody validates a request body against the operation's schema.
func (v *contractValidator) checkBody(label string, op *contractOp, body []byte) []error {
	if len(bytes.TrimSpace(body)) == 0 {
		if op.bodyRequired {
			return []error{fmt.Errorf("%s: body: POST request body is empty", label)}
		}
		return nil
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return []error{fmt.Errorf("%s: body: not JSON: %v", label, err)}
	}
	sch, err := v.compiled(op.body)
	if err != nil {
		return []error{fmt.Errorf("%s: body: openapi.json schema does not compile: %v", label, err)}
	}
	var errs []error
	for _, f := range schemaFailures(sch.Validate(inst)) {
		if f.field == "" {
			errs = append(errs, fmt.Errorf("%s: body: %s", label, f.reason))
		} else {
			errs = append(errs, fmt.Errorf("%s: body: %s: %s", label, f.field, f.reason))
		}
	}
	return errs
}

type schemaFailure struct{ field, reason string }

var schemaPrinter = message.NewPrinter(language.English)

// schemaFailures turns a validation error into one failure per instance
// location, sorted by location (the library's order follows Go maps): the
// leaves of the error tree at one location (an anyOf gives one per branch)
// are merged, dropping the "want null" branch of nullable fields when a
// more telling reason exists.
func schemaFailures(err error) []schemaFailure {
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		return []schemaFailure{{reason: err.Error()}}
	}
	var order []string
	reasons := map[string][]string{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		field := fieldPath(e.InstanceLocation)
		if _, seen := reasons[field]; !seen {
			order = append(order, field)
		}
		reasons[field] = append(reasons[field], e.ErrorKind.LocalizedString(schemaPrinter))
	}
	walk(ve)
	out := make([]schemaFailure, 0, len(order))
	for _, field := range order {
		rs := reasons[field]
		var kept []string
		for _, r := range rs {
			if !strings.HasSuffix(r, "want null") && !containsString(kept, r) {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			kept = rs[:1]
		}
		out = append(out, schemaFailure{field: field, reason: strings.Join(kept, "; or ")})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].field < out[j].field })
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fieldPath writes an instance location as a JSONPath without its "$.":
// port, mounts[0].type, labels['a b'].
func fieldPath(loc []string) string {
	var b strings.Builder
	for _, seg := range loc {
		switch {
		case isIndex(seg):
			fmt.Fprintf(&b, "[%s]", seg)
		case isIdentifier(seg):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg)
		default:
			fmt.Fprintf(&b, "['%s']", strings.ReplaceAll(seg, "'", `\'`))
		}
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && r != '$' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// checkTRPC translates a tRPC request (single or batch) to REST calls.
func (v *contractValidator) checkTRPC(method, procPath, rawQuery string, body []byte) []error {
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
		errs = append(errs, v.checkTRPCCall(label, proc, method, items[i])...)
	}
	return errs
}

func describeJSONError(raw []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	return "got " + strconv.Quote(string(truncateJSON(raw, 60)))
}

func truncateJSON(b []byte, n int) []byte {
	if len(b) > n {
		return append(append([]byte(nil), b[:n]...), "..."...)
	}
	return b
}

// checkTRPCCall unwraps one superjson item and checks its REST form.
func (v *contractValidator) checkTRPCCall(label, proc, method string, item json.RawMessage) []error {
	input, defined, err := unwrapSuperJSON(item)
	if err != nil {
		return []error{fmt.Errorf("%s: %v", label, err)}
	}
	// The path and method are checked before the input so that a wrong
	// method is reported once, not with a flood of parameter errors.
	op, err := v.operation(label, proc, method)
	if err != nil {
		return []error{err}
	}
	if method == http.MethodPost {
		var body []byte
		if defined {
			body = input
		}
		return v.checkREST(label, proc, method, "", body)
	}
	// Query: the input object's top-level keys become query params.
	var errs []error
	vals := url.Values{}
	if defined && !isJSONNull(input) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(input, &obj); err != nil || obj == nil {
			return []error{fmt.Errorf("%s: query input must be a JSON object to map onto query params, got %s", label, truncateJSON(input, 60))}
		}
		params := map[string]contractTypes{}
		for _, p := range op.params {
			params[p.name] = p.types
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			val := obj[k]
			if want, known := params[k]; known {
				if got := jsonTypeOf(val); !want.allows(got) {
					errs = append(errs, fmt.Errorf("%s: query: %s: tRPC input is %s, schema wants %s (the tRPC face does not reliably coerce)", label, k, got, want))
				}
			}
			addQueryValue(vals, k, val)
		}
	}
	return append(errs, v.checkREST(label, proc, method, vals.Encode(), nil)...)
}

// unwrapSuperJSON reads one superjson item {"json": <input>, "meta"?: {...}}.
// defined is false when the input is undefined (absent item, {} or meta
// "undefined").
func unwrapSuperJSON(item json.RawMessage) (input json.RawMessage, defined bool, err error) {
	if len(bytes.TrimSpace(item)) == 0 {
		return nil, false, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(item, &env); err != nil || env == nil {
		return nil, false, fmt.Errorf("input lacks the superjson {\"json\":...} envelope: got %s", truncateJSON(item, 60))
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

// contractTypes is the set of JSON types a schema accepts (empty = any).
type contractTypes []string

func (j contractTypes) allows(t string) bool {
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

func (j contractTypes) has(t string) bool { return containsString(j, t) }

func (j contractTypes) String() string { return strings.Join(j, " or ") }

// schemaTypes reads the JSON types a raw schema accepts: its type, those of
// its anyOf/oneOf branches, and null when nullable (OpenAPI 3.0).
func schemaTypes(raw json.RawMessage, depth int) contractTypes {
	if len(raw) == 0 || depth > 8 {
		return nil
	}
	var s struct {
		Type     json.RawMessage   `json:"type"`
		AnyOf    []json.RawMessage `json:"anyOf"`
		OneOf    []json.RawMessage `json:"oneOf"`
		Nullable bool              `json:"nullable"`
		Enum     []json.RawMessage `json:"enum"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	var types []string
	if len(s.Type) > 0 {
		var one string
		if json.Unmarshal(s.Type, &one) == nil {
			types = []string{one}
		} else {
			_ = json.Unmarshal(s.Type, &types)
		}
	}
	out := append(contractTypes(nil), types...)
	for _, group := range [][]json.RawMessage{s.AnyOf, s.OneOf} {
		for _, sub := range group {
			st := schemaTypes(sub, depth+1)
			if len(st) == 0 {
				return nil // some branch accepts anything
			}
			out = append(out, st...)
		}
	}
	if s.Nullable {
		out = append(out, "null")
	}
	if len(out) == 0 || (len(s.Enum) > 0 && len(types) == 0) {
		return nil
	}
	var uniq contractTypes
	for _, t := range out {
		if !uniq.has(t) {
			uniq = append(uniq, t)
		}
	}
	return uniq
}

func jsonTypeOf(raw json.RawMessage) string {
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
