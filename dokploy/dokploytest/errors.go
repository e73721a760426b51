package dokploytest

import (
	"fmt"
	"strconv"
	"strings"
)

// tRPC error codes: HTTP status and JSON-RPC number (trpc v11
// rpc/codes.ts, getHTTPStatusCode).
var errorCodes = map[string]struct {
	status int
	rpc    int
}{
	"PARSE_ERROR":            {400, -32700},
	"BAD_REQUEST":            {400, -32600},
	"INTERNAL_SERVER_ERROR":  {500, -32603},
	"UNAUTHORIZED":           {401, -32001},
	"FORBIDDEN":              {403, -32003},
	"NOT_FOUND":              {404, -32004},
	"METHOD_NOT_SUPPORTED":   {405, -32005},
	"TIMEOUT":                {408, -32008},
	"CONFLICT":               {409, -32009},
	"PRECONDITION_FAILED":    {412, -32012},
	"PAYLOAD_TOO_LARGE":      {413, -32013},
	"UNSUPPORTED_MEDIA_TYPE": {415, -32015},
	"TOO_MANY_REQUESTS":      {429, -32029},
}

// apiError is a TRPCError thrown by a procedure or by input validation.
type apiError struct {
	code    string  // tRPC code string, e.g. NOT_FOUND
	message string  // message; for validation errors see issues
	issues  []issue // zod issues when input validation failed
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func (e *apiError) status() int {
	if c, ok := errorCodes[e.code]; ok {
		return c.status
	}
	return 500
}

func (e *apiError) rpcCode() int {
	if c, ok := errorCodes[e.code]; ok {
		return c.rpc
	}
	return -32603
}

func errBadRequest(format string, a ...any) *apiError {
	return &apiError{code: "BAD_REQUEST", message: fmt.Sprintf(format, a...)}
}

func errNotFound(format string, a ...any) *apiError {
	return &apiError{code: "NOT_FOUND", message: fmt.Sprintf(format, a...)}
}

func errConflict(format string, a ...any) *apiError {
	return &apiError{code: "CONFLICT", message: fmt.Sprintf(format, a...)}
}

func errInternal(format string, a ...any) *apiError {
	return &apiError{code: "INTERNAL_SERVER_ERROR", message: fmt.Sprintf(format, a...)}
}

// errValidation is the error of failed zod input parsing.
func errValidation(issues []issue) *apiError {
	return &apiError{code: "BAD_REQUEST", message: "Input validation failed", issues: issues}
}

// zodError is data.zodError: ZodError.flatten() or null.
func (e *apiError) zodError() any {
	if e.issues == nil {
		return nil
	}
	form := []any{}
	fields := object{}
	for _, is := range e.issues {
		if len(is.path) == 0 {
			form = append(form, is.message)
			continue
		}
		key := fmt.Sprint(is.path[0])
		found := false
		for i := range fields {
			if fields[i].k == key {
				fields[i].v = append(fields[i].v.([]any), is.message)
				found = true
			}
		}
		if !found {
			fields = append(fields, kv{key, []any{is.message}})
		}
	}
	return object{{"formErrors", form}, {"fieldErrors", fields}}
}

func (e *apiError) data(path string) object {
	d := object{{"code", e.code}, {"httpStatus", e.status()}}
	if path != "" {
		d = append(d, kv{"path", path})
	}
	return append(d, kv{"zodError", e.zodError()})
}

// restBody is the REST face's error body (trpc-openapi core.ts): the
// top-level message and string code, data from Dokploy's errorFormatter, and
// the zod issues for validation errors.
func (e *apiError) restBody(path string) object {
	o := object{{"message", e.message}, {"code", e.code}, {"data", e.data(path)}}
	if e.issues != nil {
		o = append(o, kv{"issues", issueList(e.issues)})
	}
	return o
}

// trpcBody is one item of the tRPC face's error answer. A validation error's
// message there is the issue list as JSON.stringify(issues, null, 2).
func (e *apiError) trpcBody(path string) object {
	msg := e.message
	if e.issues != nil {
		b, err := marshalIndent(issueList(e.issues))
		if err == nil {
			msg = string(b)
		}
	}
	return object{{"error", object{{"json", object{
		{"message", msg}, {"code", e.rpcCode()}, {"data", e.data(path)},
	}}}}}
}

// CallError is the error of Server.Call: the server's answer to a failed
// procedure call.
type CallError struct {
	Status  int    // HTTP status the REST face would answer
	Code    string // tRPC code string: NOT_FOUND, BAD_REQUEST, ...
	Message string // the message ("Input validation failed" plus details for zod errors)
}

func (e *CallError) Error() string {
	return "dokploytest: " + strconv.Itoa(e.Status) + " " + e.Code + ": " + e.Message
}

func (e *apiError) callError() *CallError {
	msg := e.message
	if e.issues != nil {
		for _, is := range e.issues {
			msg += fmt.Sprintf("; %v: %s", is.path, is.message)
		}
	}
	return &CallError{Status: e.status(), Code: e.code, Message: msg}
}

// --- database errors ---
//
// When PostgreSQL refuses a statement (a unique or foreign key violation),
// drizzle throws an error whose message is the statement and its bound
// parameters; Dokploy passes it on as the API error message (capture 064,
// QUIRKS X16, X17), secrets included.

// failedInsert is drizzle's message for a refused insert of r into t.
// Every column of t is listed; those not in given take the SQL default.
func failedInsert(t *tableDef, r row, given func(col string) bool) string {
	var cols, vals []string
	var params []any
	for _, c := range t.cols {
		cols = append(cols, strconv.Quote(c.name))
		if given(c.name) {
			params = append(params, r[c.name])
			vals = append(vals, "$"+strconv.Itoa(len(params)))
		} else {
			vals = append(vals, "default")
		}
	}
	sql := fmt.Sprintf("insert into %q (%s) values (%s) returning %s",
		t.name, strings.Join(cols, ", "), strings.Join(vals, ", "), strings.Join(cols, ", "))
	return failedQuery(sql, params)
}

// failedUpdate is drizzle's message for a refused update of row id of t
// with the given values; the SET list is in column order.
func failedUpdate(t *tableDef, id any, values map[string]any) string {
	var sets, cols []string
	var params []any
	for _, c := range t.cols {
		cols = append(cols, strconv.Quote(c.name))
		if v, ok := values[c.name]; ok {
			params = append(params, v)
			sets = append(sets, fmt.Sprintf("%q = $%d", c.name, len(params)))
		}
	}
	params = append(params, id)
	sql := fmt.Sprintf("update %q set %s where %q.%q = $%d returning %s",
		t.name, strings.Join(sets, ", "), t.name, t.id, len(params), strings.Join(cols, ", "))
	return failedQuery(sql, params)
}

// failedQuery is "Failed query: <sql>\nparams: <params>", the parameters
// joined like JavaScript's Array.join (null as "", JSON columns as JSON).
func failedQuery(sql string, params []any) string {
	parts := make([]string, len(params))
	for i, p := range params {
		switch p := p.(type) {
		case nil:
		case string:
			parts[i] = p
		case float64:
			parts[i] = strconv.FormatFloat(p, 'f', -1, 64)
		case bool:
			parts[i] = strconv.FormatBool(p)
		default:
			b, _ := marshal(p)
			parts[i] = string(b)
		}
	}
	return "Failed query: " + sql + "\nparams: " + strings.Join(parts, ",")
}
