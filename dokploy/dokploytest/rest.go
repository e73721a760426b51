package dokploytest

import (
	"fmt"
	"net/http"
	"strings"
)

// restBodyLimit is Next.js's default API body limit.
const restBodyLimit = 1 << 20

// serveREST answers /api/<router>.<procedure> like Dokploy's
// pages/api/[...trpc].ts with @dokploy/trpc-openapi. The order of the checks
// is the server's: Next.js parses the body first (413, "Invalid JSON"),
// then Dokploy checks the key (401), then trpc-openapi matches the route
// (404), the content type (415) and the input (400).
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request, body []byte, rec *Request, inj *injection) {
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	rec.Procs = []string{name}

	jsonBody := strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json")
	if len(body) > restBodyLimit {
		writeText(w, http.StatusRequestEntityTooLarge, "Body exceeded 1mb limit")
		return
	}
	var parsed any = map[string]any{} // Next.js reads an empty JSON body as {}
	// From v0.30.3 a JSON body sent with a charset (or any parameter) in
	// its Content-Type is dropped: the input is {} and required keys fail.
	dropped := strings.Contains(r.Header.Get("Content-Type"), ";") && versionAtLeast(s.opts.Version, 0, 30, 3)
	if jsonBody && !dropped && len(strings.TrimSpace(string(body))) > 0 {
		v, err := decodeJSON(body)
		if err != nil {
			writeText(w, http.StatusBadRequest, "Invalid JSON")
			return
		}
		parsed = v
	}

	// Dokploy's pre-check: any key problem is a bare 401.
	if !s.authorized(r) || (inj != nil && inj.kind == FaultUnauthorized) {
		writeJSON(w, http.StatusUnauthorized, []byte(`{"message":"Unauthorized"}`))
		return
	}

	p := s.routes[strings.ToLower(name)]
	wantMethod := http.MethodGet
	if p != nil && p.mutation {
		wantMethod = http.MethodPost
	}
	if p == nil || r.Method != wantMethod {
		// trpc-openapi: no route for this method and path (no data.path).
		notFound := &apiError{code: "NOT_FOUND", message: "Not found"}
		writeJSON(w, http.StatusNotFound, mustMarshal(notFound.restBody("")))
		return
	}
	rec.Procs = []string{p.name}
	if inj != nil && inj.kind == FaultFailItems {
		rec.Fault = "failed items []"
		if inj.fail(0, p.name) {
			rec.Fault = "failed items [0]"
			e := inj.failedItem()
			writeJSON(w, e.status(), mustMarshal(e.restBody(p.name)))
			return
		}
	}

	input := parsed
	if p.mutation {
		if !jsonBody {
			msg := "Missing content-type header"
			if ct := r.Header.Get("Content-Type"); ct != "" {
				msg = `Unsupported content-type "` + ct + `"`
			}
			e := &apiError{code: "UNSUPPORTED_MEDIA_TYPE", message: msg}
			writeJSON(w, e.status(), mustMarshal(e.restBody(p.name)))
			return
		}
		s.countMutation(p.name)
	} else {
		q := map[string]any{}
		for k, vs := range r.URL.Query() {
			if len(vs) > 0 {
				q[k] = vs[0]
			}
		}
		input = q
	}

	res, aerr := s.run(p, input, true, true)
	switch {
	case aerr != nil:
		writeJSON(w, aerr.status(), mustMarshal(aerr.restBody(p.name)))
	case res.undefined:
		writeJSON(w, http.StatusOK, nil) // JSON.stringify(undefined): no body
	default:
		writeJSON(w, http.StatusOK, res.json)
	}
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	w.Write([]byte(text)) //nolint:errcheck // the client went away
}

// versionAtLeast reports whether a version "vX.Y.Z" is at least
// major.minor.patch; an unreadable version is the newest.
func versionAtLeast(v string, major, minor, patch int) bool {
	var x, y, z int
	if _, err := fmt.Sscanf(strings.TrimPrefix(v, "v"), "%d.%d.%d", &x, &y, &z); err != nil {
		return true
	}
	if x != major {
		return x > major
	}
	if y != minor {
		return y > minor
	}
	return z >= patch
}
