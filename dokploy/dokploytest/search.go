package dokploytest

import (
	"strings"
	"unicode/utf8"
)

// project.search, environment.search, application.search, compose.search
// and <db>.search for postgres, mysql, mariadb, mongo and redis (libsql has
// none): routers/project.ts, environment.ts, application.ts, compose.ts,
// postgres.ts, mysql.ts, mariadb.ts, mongo.ts, redis.ts of v0.30.2. No
// capture exists; the inputs are checked against openapi.json
// (TestSchemasMatchOpenAPI) and the answers follow the routers' source:
//
//   - every text filter is trimmed and, when not empty, matched with
//     ILIKE '%term%' (case-insensitive; % and _ in the term are wildcards,
//     \ escapes), a null column never matching; q matches any of the
//     router's text columns;
//   - projectId and environmentId (when not empty) are exact filters, a
//     service's projectId being its environment's;
//   - the answer is {items, total}: items newest first (createdAt
//     descending), limit (1-100, default 20) from offset (default 0), with
//     the router's few columns; total counts every match;
//   - services (application, compose, databases) are limited to the
//     member's accessedServices whatever its role, as in the routers: a
//     service the member did not create (or was not given) is never found,
//     even by an owner. Projects and environments are limited to
//     accessedProjects and accessedEnvironments for roles other than owner
//     and admin. Dokploy's addNewService (services/permission.ts) writes
//     the member's list back as read, so services created concurrently can
//     drop each other's ids and then never be found (QUIRKS LS2); the fake
//     loses them when they are created in one tRPC batch (access.go).

// searchDef describes one .search procedure.
type searchDef struct {
	router string
	table  *tableDef
	// filters are the text filters after q and name, in input order; q
	// matches name and every one of them.
	filters []string
	// project: a projectId filter; service: projectId and environmentId
	// filters (a service of an environment).
	project, service bool
	// access is the member's list the rows must be in; allRoles applies it
	// to owners and admins too.
	access   string
	allRoles bool
	cols     []string // the columns of an item, in order
}

var searchDefs = []*searchDef{
	{router: "project", table: projectTable, filters: []string{"description"}, access: "accessedProjects",
		cols: []string{"projectId", "name", "description", "createdAt", "organizationId", "env"}},
	{router: "environment", table: environmentTable, filters: []string{"description"}, project: true, access: "accessedEnvironments",
		cols: []string{"environmentId", "name", "description", "createdAt", "env", "projectId", "isDefault"}},
	{router: "application", table: applicationTable, filters: []string{"appName", "description", "repository", "owner", "dockerImage"},
		service: true, access: "accessedServices", allRoles: true,
		cols: []string{"applicationId", "name", "appName", "description", "environmentId", "applicationStatus", "sourceType", "createdAt"}},
	{router: "compose", table: composeTable, filters: []string{"appName", "description"},
		service: true, access: "accessedServices", allRoles: true,
		cols: []string{"composeId", "name", "appName", "description", "environmentId", "composeStatus", "sourceType", "createdAt"}},
}

func init() {
	for _, k := range dbKinds {
		if k == libsqlKind {
			continue
		}
		searchDefs = append(searchDefs, &searchDef{router: k.name, table: k.table, filters: []string{"appName", "description"},
			service: true, access: "accessedServices", allRoles: true,
			cols: []string{k.id(), "name", "appName", "description", "environmentId", "applicationStatus", "createdAt"}})
	}
}

func searchProcedures() []*procedure {
	var ps []*procedure
	for _, d := range searchDefs {
		ps = append(ps, query(d.router+".search", d.input(), d.run))
	}
	return ps
}

// input is the zod object of the router: all keys optional.
func (d *searchDef) input() schema {
	sc := schema{text("q"), text("name")}
	for _, f := range d.filters {
		sc = append(sc, text(f))
	}
	if d.project || d.service {
		sc = append(sc, text("projectId"))
	}
	if d.service {
		sc = append(sc, text("environmentId"))
	}
	return append(sc, num("limit").between(1, 100).dflt(20.0), num("offset").atLeast(0).dflt(0.0))
}

func (d *searchDef) run(s *Server, in map[string]any) (any, error) {
	var allowed map[string]bool
	if role := str(s.st.Member["role"]); d.allRoles || (role != "owner" && role != "admin") {
		allowed = map[string]bool{}
		list, _ := s.st.Member[d.access].([]any)
		for _, id := range list {
			allowed[str(id)] = true
		}
	}
	term := func(key string) string { t, _ := in[key].(string); return jsTrim(t) }
	textKeys := append([]string{"name"}, d.filters...)

	var matches []row
	for _, r := range newestFirst(s.rows(d.table)) {
		if allowed != nil && !allowed[str(r[d.table.id])] {
			continue
		}
		projectID := r["projectId"]
		if d.service {
			e := s.find(environmentTable, str(r["environmentId"]))
			if e == nil { // the inner join drops it
				continue
			}
			projectID = e["projectId"]
			if id := str(in["environmentId"]); id != "" && r["environmentId"] != id {
				continue
			}
		}
		if id := str(in["projectId"]); id != "" && (d.project || d.service) && projectID != id {
			continue
		}
		if q := term("q"); q != "" {
			found := false
			for _, c := range textKeys {
				found = found || ilike(r[c], q)
			}
			if !found {
				continue
			}
		}
		ok := true
		for _, c := range textKeys {
			if t := term(c); t != "" && !ilike(r[c], t) {
				ok = false
			}
		}
		if ok {
			matches = append(matches, r)
		}
	}

	items := []any{}
	offset, limit := int(num64(in["offset"])), int(num64(in["limit"]))
	for i := offset; i < len(matches) && i < offset+limit; i++ {
		items = append(items, pick(matches[i], d.cols...))
	}
	return object{{"items", items}, {"total", len(matches)}}, nil
}

func num64(v any) float64 { f, _ := v.(float64); return f }

// ilike is PostgreSQL's v ILIKE '%term%': false for a null (or non-text)
// column.
func ilike(v any, term string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	return likeMatch(strings.ToLower(s), "%"+strings.ToLower(term)+"%")
}

// likeMatch matches s against a LIKE pattern: % is any run of characters,
// _ one character, \ makes the next character literal.
func likeMatch(s, pat string) bool {
	for len(pat) > 0 {
		c, n := utf8.DecodeRuneInString(pat)
		switch c {
		case '%':
			rest := pat[n:]
			for i := 0; ; {
				if likeMatch(s[i:], rest) {
					return true
				}
				if i >= len(s) {
					return false
				}
				_, w := utf8.DecodeRuneInString(s[i:])
				i += w
			}
		case '_':
			if s == "" {
				return false
			}
			_, w := utf8.DecodeRuneInString(s)
			s, pat = s[w:], pat[n:]
			continue
		case '\\':
			if len(pat) > n {
				pat = pat[n:]
				c, n = utf8.DecodeRuneInString(pat)
			}
		}
		sc, w := utf8.DecodeRuneInString(s)
		if s == "" || sc != c {
			return false
		}
		s, pat = s[w:], pat[n:]
	}
	return s == ""
}
