package dokploytest

import "sort"

// Adding a procedure: give its table a tableDef in tables.go (relations and
// cascades read every table: services.go, application.go), write or extend
// the router's file with a <router>Procedures() list of
// query(...)/mutation(...) with the input schema (TestSchemasMatchOpenAPI
// checks it against openapi.json) and add it to allProcedures;
// TestCaptures then compares its captures.

// procedure is one tRPC procedure of the fake.
type procedure struct {
	name     string // "project.one"
	mutation bool   // POST on both faces; queries are GET
	input    schema // nil: the procedure takes no input
	// handle runs with s.mu held and the parsed input. It returns the value
	// to answer (marshalled as JSON; undefined for none) or an *apiError.
	handle func(s *Server, in map[string]any) (any, error)
}

// undefinedT is the type of undefined, the return value of procedures that
// return nothing (an empty REST body).
type undefinedT struct{}

var undefined = undefinedT{}

// result is a procedure's answer.
type result struct {
	json      []byte
	undefined bool
}

func query(name string, in schema, h func(*Server, map[string]any) (any, error)) *procedure {
	return &procedure{name: name, input: in, handle: h}
}

func mutation(name string, in schema, h func(*Server, map[string]any) (any, error)) *procedure {
	return &procedure{name: name, mutation: true, input: in, handle: h}
}

// allProcedures lists every procedure the fake implements for a server of
// the given version: before v0.29.0 there is no tag router.
func allProcedures(version string) []*procedure {
	var ps []*procedure
	ps = append(ps, settingsProcedures()...)
	ps = append(ps, projectProcedures()...)
	ps = append(ps, environmentProcedures()...)
	ps = append(ps, applicationProcedures()...)
	ps = append(ps, composeProcedures()...)
	for _, k := range dbKinds {
		ps = append(ps, databaseProcedures(k)...)
	}
	ps = append(ps, domainProcedures()...)
	ps = append(ps, portProcedures()...)
	ps = append(ps, mountsProcedures()...)
	ps = append(ps, redirectsProcedures()...)
	ps = append(ps, securityProcedures()...)
	ps = append(ps, deploymentProcedures()...)
	ps = append(ps, sshKeyProcedures()...)
	ps = append(ps, serverProcedures()...)
	ps = append(ps, certificateProcedures()...)
	ps = append(ps, notificationProcedures()...)
	ps = append(ps, gitProviderProcedures()...)
	ps = append(ps, destinationProcedures()...)
	ps = append(ps, backupProcedures()...)
	ps = append(ps, volumeBackupsProcedures()...)
	ps = append(ps, scheduleProcedures()...)
	ps = append(ps, registryProcedures()...)
	ps = append(ps, searchProcedures()...)
	if !versionBefore(version, tagsSince) {
		ps = append(ps, tagProcedures()...)
	}
	return ps
}

// Procedures returns the names of the procedures the fake implements, sorted.
func (s *Server) Procedures() []string {
	names := make([]string, 0, len(s.procs))
	for _, p := range s.procs {
		names = append(names, p.name)
	}
	sort.Strings(names)
	return names
}

// IsMutation reports whether proc is a mutation of the fake (false for
// queries and unknown procedures).
func (s *Server) IsMutation(proc string) bool {
	p := s.lookup(proc)
	return p != nil && p.mutation
}

// lookup finds a procedure by its exact name.
func (s *Server) lookup(name string) *procedure { return s.procs[name] }

// run validates the input (present=false: undefined), checks the
// member's access (access.go) and runs p.
func (s *Server) run(p *procedure, input any, present, coerce bool) (result, *apiError) {
	return s.runIn(p, input, present, coerce, nil)
}

// runIn is run as an item of a tRPC batch whose calls read the member's
// access lists as base (access.go; nil: as they are).
func (s *Server) runIn(p *procedure, input any, present, coerce bool, base row) (result, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessBase = base
	defer func() { s.accessBase = nil }()
	s.reading = !p.mutation // queries write no rows: the column indexes hold
	defer func() { s.reading = false }()
	if p.mutation {
		s.beginWrite()
		defer s.endWrite()
	}
	var in map[string]any
	if p.input != nil {
		var issues []issue
		in, issues = p.input.parse(input, present, coerce)
		if issues != nil {
			return result{}, errValidation(issues)
		}
	}
	if aerr := s.checkAccess(p.name, in); aerr != nil {
		return result{}, aerr
	}
	v, err := p.handle(s, in)
	if err != nil {
		if aerr, ok := err.(*apiError); ok {
			return result{}, aerr
		}
		return result{}, errInternal("%s", err.Error())
	}
	if _, ok := v.(undefinedT); ok {
		return result{undefined: true}, nil
	}
	if s.redacts(p.name) {
		v = redact(v)
	}
	b, merr := marshal(v)
	if merr != nil {
		return result{}, errInternal("%s", merr.Error())
	}
	return result{json: b}, nil
}

// set copies the parsed input keys that are columns of t into r, except
// the keys in skip. It returns how many columns were written.
func set(t *tableDef, r row, in map[string]any, skip ...string) int {
	n := 0
	for k, v := range in {
		if contains(skip, k) || !t.has(k) {
			continue
		}
		r[k] = v
		n++
	}
	return n
}
