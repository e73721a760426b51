package dokploytest

// port.create, one, update, delete (API.md §2.7, QUIRKS C1-C8, captures
// 040-043, 117). Ports belong to applications only.

var (
	publishModes  = []string{"ingress", "host"}
	portProtocols = []string{"tcp", "udp"}
)

func portProcedures() []*procedure {
	portID := schema{text("portId").min1().req()}
	return []*procedure{
		// publishMode and protocol have zod defaults: omitting them writes
		// "ingress" and "tcp", on update too.
		mutation("port.create", schema{
			num("publishedPort").req(),
			enum("publishMode", publishModes...).dflt("ingress"),
			num("targetPort").req(),
			enum("protocol", portProtocols...).dflt("tcp"),
			text("applicationId").min1().req(),
		}, portCreate),
		query("port.one", portID, portOne),
		mutation("port.update", schema{
			text("portId").min1().req(),
			num("publishedPort").req(),
			enum("publishMode", publishModes...).dflt("ingress"),
			num("targetPort").req(),
			enum("protocol", portProtocols...).dflt("tcp"),
		}, portUpdate),
		mutation("port.delete", portID, portDelete),
	}
}

// port finds the port of in["portId"].
func (s *Server) port(in map[string]any) (row, error) {
	p := s.find(portTable, str(in["portId"]))
	if p == nil {
		return nil, errNotFound("Port not found")
	}
	return p, nil
}

// portCreate answers the new row; every failure (an unknown application
// included) is 400 "Error input: Inserting port".
func portCreate(s *Server, in map[string]any) (any, error) {
	if s.find(applicationTable, str(in["applicationId"])) == nil {
		return nil, errBadRequest("Error input: Inserting port")
	}
	p := portTable.newRow()
	set(portTable, p, in)
	p["portId"] = s.newID()
	s.insert(portTable, p)
	return portTable.object(p), nil
}

// portOne answers the row with application {applicationId}. Its errors are
// re-wrapped as 400: a missing port is 400 "Port not found" (QUIRKS X14).
func portOne(s *Server, in map[string]any) (any, error) {
	p, err := s.port(in)
	if err != nil {
		return nil, errBadRequest("%s", err.(*apiError).message)
	}
	return append(portTable.object(p), kv{"application", pick(p, "applicationId")}), nil
}

// portUpdate answers the updated row.
func portUpdate(s *Server, in map[string]any) (any, error) {
	p, err := s.port(in)
	if err != nil {
		return nil, err
	}
	set(portTable, p, in)
	s.touch(portTable, p)
	return portTable.object(p), nil
}

// portDelete answers the deleted row.
func portDelete(s *Server, in map[string]any) (any, error) {
	p, err := s.port(in)
	if err != nil {
		return nil, err
	}
	s.deleteWhere(portTable, "portId", p["portId"])
	return portTable.object(p), nil
}
