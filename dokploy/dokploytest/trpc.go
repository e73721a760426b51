package dokploytest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// serveTRPC answers /api/trpc/<procedure>[,<procedure>...] like tRPC v11's
// fetch/next adapter with Dokploy's superjson transformer.
func (s *Server) serveTRPC(w http.ResponseWriter, r *http.Request, body []byte, rec *Request, inj *injection) {
	pathPart := strings.TrimPrefix(r.URL.Path, "/api/trpc/")
	batch := r.URL.Query().Get("batch") == "1"
	paths := []string{pathPart}
	if batch {
		paths = strings.Split(pathPart, ",")
	}
	rec.Procs = paths

	// Inputs: ?input= for GET, the body for POST; one value, or an object
	// keyed "0", "1", ... for a batch. Each is superjson {"json": value}.
	var raw []byte
	switch r.Method {
	case http.MethodGet:
		if v := r.URL.Query().Get("input"); v != "" {
			raw = []byte(v)
		}
	case http.MethodPost:
		ct := r.Header.Get("Content-Type")
		if !strings.HasPrefix(strings.ToLower(ct), "application/json") {
			msg := "Missing content-type header"
			if ct != "" {
				msg = `Unsupported content-type "` + ct + `"`
			}
			s.writeTRPCError(w, batch, paths, &apiError{code: "UNSUPPORTED_MEDIA_TYPE", message: msg})
			return
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			raw = body
		}
	default:
		s.writeTRPCError(w, batch, paths, &apiError{code: "METHOD_NOT_SUPPORTED", message: "Unsupported " + r.Method + "-request"})
		return
	}
	var parsed any
	if raw != nil {
		v, err := decodeJSON(raw)
		if err != nil {
			s.writeTRPCError(w, batch, paths, &apiError{code: "PARSE_ERROR", message: "Unable to parse request input: " + err.Error()})
			return
		}
		parsed = v
	}
	inputOf := func(i int) (any, bool) {
		v := parsed
		if batch {
			m, ok := parsed.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[strconv.Itoa(i)]; !ok {
				return nil, false
			}
		}
		// superjson.deserialize: only {"json": x} carries a value.
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		x, ok := m["json"]
		return x, ok
	}

	authorized := s.authorized(r) && (inj == nil || inj.kind != FaultUnauthorized)
	items := make([]any, len(paths))
	statuses := make([]int, len(paths))
	var failed []int
	// the member's access lists as every create of the batch reads them
	// (access.go); a batch of queries creates nothing
	var base row
	if batch && r.Method == http.MethodPost {
		s.mu.Lock()
		base = s.accessSnapshot()
		s.mu.Unlock()
	}
	for i, name := range paths {
		if inj != nil && inj.kind == FaultFailItems && inj.fail(i, name) {
			e := inj.failedItem()
			items[i], statuses[i] = e.trpcBody(name), e.status()
			failed = append(failed, i)
			continue
		}
		in, present := inputOf(i)
		items[i], statuses[i] = s.trpcItem(r.Method, name, authorized, in, present, base)
	}
	if inj != nil && inj.kind == FaultFailItems {
		rec.Fault = fmt.Sprintf("failed items %v", failed)
	}

	status := statuses[0]
	for _, st := range statuses[1:] {
		if st != status {
			status = http.StatusMultiStatus
		}
	}
	if !batch {
		writeJSON(w, status, itemJSON(items[0]))
		return
	}
	// Joined by hand: marshalling the whole array would compact every
	// (already compact) result again, level by level.
	encoded := make([][]byte, len(items))
	size := len(items) + 1 // brackets and commas
	for i, it := range items {
		encoded[i] = itemJSON(it)
		size += len(encoded[i])
	}
	b := make([]byte, 0, size)
	b = append(b, '[')
	for i, e := range encoded {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	b = append(b, ']')
	writeJSON(w, status, b)
}

// itemJSON encodes one answer item; a result is already encoded.
func itemJSON(it any) []byte {
	if r, ok := it.(rawJSON); ok {
		return r
	}
	return mustMarshal(it)
}

// trpcItem answers one call of a request: its body and HTTP status.
func (s *Server) trpcItem(method, name string, authorized bool, in any, present bool, base row) (any, int) {
	p := s.lookup(name)
	if p == nil {
		e := &apiError{code: "NOT_FOUND", message: `No procedure found on path "` + name + `"`}
		return e.trpcBody(name), e.status()
	}
	typ := "query"
	if p.mutation {
		typ = "mutation"
	}
	if (method == http.MethodGet) == p.mutation {
		e := &apiError{code: "METHOD_NOT_SUPPORTED",
			message: "Unsupported " + method + "-request to " + typ + ` procedure at path "` + name + `"`}
		return e.trpcBody(name), e.status()
	}
	if !authorized { // protectedProcedure, before input parsing
		e := &apiError{code: "UNAUTHORIZED", message: "UNAUTHORIZED"}
		return e.trpcBody(name), e.status()
	}
	if p.mutation {
		s.countMutation(name)
	}
	res, aerr := s.runIn(p, in, present, false, base)
	if aerr != nil {
		return aerr.trpcBody(name), aerr.status()
	}
	if res.undefined {
		return object{{"result", object{{"data", object{
			{"json", nil}, {"meta", object{{"values", []any{"undefined"}}, {"v", 1}}},
		}}}}}, http.StatusOK
	}
	const head, tail = `{"result":{"data":{"json":`, `}}}`
	b := make([]byte, 0, len(head)+len(res.json)+len(tail))
	return rawJSON(append(append(append(b, head...), res.json...), tail...)), http.StatusOK
}

// writeTRPCError answers every item of a request with the same error.
func (s *Server) writeTRPCError(w http.ResponseWriter, batch bool, paths []string, e *apiError) {
	if !batch {
		writeJSON(w, e.status(), mustMarshal(e.trpcBody(paths[0])))
		return
	}
	items := make([]any, len(paths))
	for i, p := range paths {
		items[i] = e.trpcBody(p)
	}
	writeJSON(w, e.status(), mustMarshal(items))
}

// rawJSON is already-encoded JSON.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }
