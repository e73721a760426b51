package dokploytest

// security.create, one, update, delete: HTTP basic auth users of an
// application (API.md §2.10, QUIRKS C1-C7, captures 056, 061-064, 122).

func securityProcedures() []*procedure {
	securityID := schema{text("securityId").min1().req()}
	return []*procedure{
		mutation("security.create", schema{
			text("applicationId").req(),
			text("username").min1().req(),
			text("password").min1().req(),
		}, securityCreate),
		query("security.one", securityID, func(s *Server, in map[string]any) (any, error) {
			r, err := s.security(in)
			if err != nil {
				return nil, err
			}
			return securityTable.object(r), nil
		}),
		mutation("security.update", schema{
			text("securityId").min1().req(),
			text("username").min1().req(),
			text("password").min1().req(),
		}, securityUpdate),
		mutation("security.delete", securityID, func(s *Server, in map[string]any) (any, error) {
			r, err := s.security(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(securityTable, "securityId", r["securityId"])
			return securityTable.object(r), nil
		}),
	}
}

// security finds the security row of in["securityId"].
func (s *Server) security(in map[string]any) (row, error) {
	r := s.find(securityTable, str(in["securityId"]))
	if r == nil {
		return nil, errNotFound("Security not found")
	}
	return r, nil
}

// usernameTaken reports whether another security row of the application
// has the username: the table is UNIQUE (username, applicationId).
func (s *Server) usernameTaken(applicationID, username any, self row) bool {
	for _, r := range s.where(securityTable, "applicationId", applicationID) {
		if r["username"] == username && (self == nil || r["securityId"] != self["securityId"]) {
			return true
		}
	}
	return false
}

// securityCreate answers true. A username the application already has
// violates the unique constraint: 400 with drizzle's message, which quotes
// the insert and its parameters, the password included (capture 064).
func securityCreate(s *Server, in map[string]any) (any, error) {
	if _, err := s.application(in); err != nil {
		return nil, err
	}
	r := securityTable.newRow()
	set(securityTable, r, in)
	r["securityId"] = s.newID()
	r["createdAt"] = s.timestamp()
	if s.usernameTaken(in["applicationId"], in["username"], nil) {
		return nil, errBadRequest("%s", failedInsert(securityTable, r, func(string) bool { return true }))
	}
	s.insert(securityTable, r)
	return true, nil
}

// securityUpdate answers undefined: an empty REST body (capture 062). A
// username taken by another row of the application fails like create.
func securityUpdate(s *Server, in map[string]any) (any, error) {
	r, err := s.security(in)
	if err != nil {
		return nil, err
	}
	if s.usernameTaken(r["applicationId"], in["username"], r) {
		return nil, errBadRequest("%s", failedUpdate(securityTable, r["securityId"], in))
	}
	set(securityTable, r, in)
	s.touch(securityTable, r)
	return undefined, nil
}
