package dokploytest

// certificates.create, one, all, update, remove (routers/certificate.ts,
// services/certificate.ts; captures 508-517). create needs an
// organizationId in the body (the server stores the caller's) and answers
// the row with the private key in clear; all adds the server relation. A
// certificate of a server goes with it (ON DELETE CASCADE). The fake
// writes no certificate files.

var certificateTable = &tableDef{name: "certificate", id: "certificateId", cols: []column{
	{"certificateId", nil},
	{"name", nil},
	{"certificateData", nil},
	{"privateKey", nil},
	{"certificatePath", nil},
	{"autoRenew", nil},
	{"organizationId", nil},
	{"serverId", nil},
}}

func certificateProcedures() []*procedure {
	id := schema{text("certificateId").min1().req()}
	return []*procedure{
		mutation("certificates.create", schema{
			text("certificateId"),
			text("name").min1().req(),
			text("certificateData").min1().req(),
			text("privateKey").min1().req(),
			text("certificatePath"),
			boolean("autoRenew").null(),
			text("organizationId").req(),
			text("serverId").null(),
		}, certificateCreate),
		query("certificates.one", id, func(s *Server, in map[string]any) (any, error) {
			c, err := s.certificate(in)
			if err != nil {
				return nil, err
			}
			return certificateTable.object(c), nil
		}),
		query("certificates.all", nil, func(s *Server, _ map[string]any) (any, error) {
			out := []any{}
			for _, c := range s.rows(certificateTable) {
				out = append(out, append(certificateTable.object(c), kv{"server", s.serverRow(c["serverId"])}))
			}
			return out, nil
		}),
		mutation("certificates.update", schema{
			text("certificateId").min1().req(),
			text("name").min1(),
			text("certificateData").min1(),
			text("privateKey").min1(),
		}, certificateUpdate),
		mutation("certificates.remove", id, func(s *Server, in map[string]any) (any, error) {
			c, err := s.certificate(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(certificateTable, "certificateId", c["certificateId"])
			return true, nil
		}),
	}
}

func (s *Server) certificate(in map[string]any) (row, error) {
	c := s.find(certificateTable, str(in["certificateId"]))
	if c == nil {
		return nil, errNotFound("Certificate not found")
	}
	return c, nil
}

// certificateCreate inserts the row; certificateId and certificatePath
// may be given. A taken id or path or a server that does not exist fails
// the INSERT, and the router passes drizzle's error on (500).
func certificateCreate(s *Server, in map[string]any) (any, error) {
	c := certificateTable.newRow()
	set(certificateTable, c, in)
	if _, ok := in["certificateId"]; !ok {
		c["certificateId"] = s.newID()
	}
	if _, ok := in["certificatePath"]; !ok {
		c["certificatePath"] = s.buildAppName("certificate", nil)
	}
	c["organizationId"] = s.st.OrganizationID
	taken := s.find(certificateTable, str(c["certificateId"])) != nil ||
		len(s.where(certificateTable, "certificatePath", c["certificatePath"])) > 0
	if srv := c["serverId"]; taken || srv != nil && s.find(serverTable, str(srv)) == nil {
		return nil, errInternal("%s", failedInsert(certificateTable, c, func(col string) bool {
			_, given := in[col]
			return given || col == "certificateId" || col == "certificatePath" || col == "organizationId"
		}))
	}
	s.insert(certificateTable, c)
	return certificateTable.object(c), nil
}

// certificateUpdate writes the keys given and answers the row; with none
// drizzle fails with "No values to set".
func certificateUpdate(s *Server, in map[string]any) (any, error) {
	c, err := s.certificate(in)
	if err != nil {
		return nil, err
	}
	if len(in) == 1 {
		return nil, errInternal("No values to set")
	}
	set(certificateTable, c, in, "certificateId")
	s.touch(certificateTable, c)
	return certificateTable.object(c), nil
}
