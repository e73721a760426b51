package dokploytest

// redirects.create, one, update, delete (API.md §2.9, QUIRKS C1-C6,
// captures 055, 058-060, 121). The router is "redirects"; redirects belong
// to applications and are listed by application.one only.

func redirectsProcedures() []*procedure {
	redirectID := schema{text("redirectId").min1().req()}
	return []*procedure{
		mutation("redirects.create", schema{
			text("regex").min1().req(),
			text("replacement").min1().req(),
			boolean("permanent").req(),
			text("applicationId").req(),
		}, redirectCreate),
		query("redirects.one", redirectID, func(s *Server, in map[string]any) (any, error) {
			r, err := s.redirect(in)
			if err != nil {
				return nil, err
			}
			return redirectTable.object(r), nil
		}),
		mutation("redirects.update", schema{
			text("redirectId").min1().req(),
			text("regex").min1().req(),
			text("replacement").min1().req(),
			boolean("permanent").req(),
		}, func(s *Server, in map[string]any) (any, error) {
			r, err := s.redirect(in)
			if err != nil {
				return nil, err
			}
			set(redirectTable, r, in)
			s.touch(redirectTable, r)
			return redirectTable.object(r), nil
		}),
		mutation("redirects.delete", redirectID, func(s *Server, in map[string]any) (any, error) {
			r, err := s.redirect(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(redirectTable, "redirectId", r["redirectId"])
			return redirectTable.object(r), nil
		}),
	}
}

// redirect finds the redirect of in["redirectId"].
func (s *Server) redirect(in map[string]any) (row, error) {
	r := s.find(redirectTable, str(in["redirectId"]))
	if r == nil {
		return nil, errNotFound("Redirect not found")
	}
	return r, nil
}

// redirectCreate answers true, not the row: the id is found through
// application.one.redirects. uniqueConfigKey is a serial of its own.
func redirectCreate(s *Server, in map[string]any) (any, error) {
	if _, err := s.application(in); err != nil {
		return nil, err
	}
	r := redirectTable.newRow()
	set(redirectTable, r, in)
	r["redirectId"] = s.newID()
	r["uniqueConfigKey"] = s.nextSerial("redirect.uniqueConfigKey")
	r["createdAt"] = s.timestamp()
	s.insert(redirectTable, r)
	return true, nil
}
