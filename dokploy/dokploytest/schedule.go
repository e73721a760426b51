package dokploytest

import "slices"

// schedule.create, one, list, update, delete (routers/schedule.ts;
// captures 450-462). A schedule runs a command on a cron expression in an
// application's or compose's container (scheduleType application,
// compose), on a server (server) or on Dokploy's host (dokploy-server);
// running it is not modelled. The fake has no servers: a serverId names
// nothing.

var scheduleTable = &tableDef{name: "schedule", id: "scheduleId", cols: []column{
	{"scheduleId", nil},
	{"name", nil},
	{"description", nil},
	{"cronExpression", nil},
	{"appName", nil},
	{"serviceName", nil},
	{"shellType", "bash"},
	{"scheduleType", "application"},
	{"command", nil},
	{"script", nil},
	{"applicationId", nil},
	{"composeId", nil},
	{"serverId", nil},
	{"organizationId", nil},
	{"enabled", true},
	{"timezone", nil},
	{"createdAt", nil},
}}

var scheduleTypes = []string{"application", "compose", "server", "dokploy-server"}

// scheduleFields are the keys of create and, after scheduleId, of update
// (createScheduleSchema). Not partial: name, cronExpression and command
// must be sent on update too; the others are kept when omitted (454-456).
func scheduleFields() []field {
	return []field{
		text("name").req(), text("description").null(), text("cronExpression").req(), text("appName"),
		text("serviceName").null(), enum("shellType", "bash", "sh"), enum("scheduleType", scheduleTypes...),
		text("command").req(), text("script").null(), text("applicationId").null(), text("composeId").null(),
		text("serverId").null(), text("organizationId").null(), boolean("enabled"), text("timezone").null(),
		text("createdAt"),
	}
}

func scheduleProcedures() []*procedure {
	byID := schema{text("scheduleId").req()}
	return []*procedure{
		mutation("schedule.create", append(schema{text("scheduleId")}, scheduleFields()...), scheduleCreate),
		query("schedule.one", byID, func(s *Server, in map[string]any) (any, error) {
			sc, err := s.schedule(in)
			if err != nil {
				return nil, err
			}
			return s.scheduleObject(sc), nil
		}),
		query("schedule.list", schema{text("id").req(), enum("scheduleType", scheduleTypes...).req()}, scheduleList),
		mutation("schedule.update", append(schema{text("scheduleId").min1().req()}, scheduleFields()...), scheduleUpdate),
		mutation("schedule.delete", byID, func(s *Server, in map[string]any) (any, error) {
			sc, err := s.schedule(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(scheduleTable, "scheduleId", sc["scheduleId"])
			s.cascade(scheduleTable, str(sc["scheduleId"]))
			return true, nil
		}),
	}
}

func (s *Server) schedule(in map[string]any) (row, error) {
	sc := s.find(scheduleTable, str(in["scheduleId"]))
	if sc == nil {
		return nil, errNotFound("Schedule not found")
	}
	return sc, nil
}

// hostScheduleServer is assertHostScheduleAccess's check of a server
// schedule's server, which the fake never has.
func hostScheduleServer(scheduleType, serverID any) error {
	if scheduleType == "server" && str(serverID) != "" {
		return errNotFound("Server not found")
	}
	return nil
}

// scheduleDangling reports whether values name a row that does not exist:
// a service, any server, another organization.
func (s *Server) scheduleDangling(values map[string]any) bool {
	org, hasOrg := values["organizationId"]
	return s.danglingRef(values) != "" || values["serverId"] != nil ||
		hasOrg && org != nil && org != s.st.OrganizationID
}

// scheduleCreate answers the row; the scheduleId sent is ignored. A
// dokploy-server schedule belongs to the key's organization. Database
// errors are not caught: a dangling id is a 500.
func scheduleCreate(s *Server, in map[string]any) (any, error) {
	if err := hostScheduleServer(in["scheduleType"], in["serverId"]); err != nil {
		return nil, err
	}
	sc := scheduleTable.newRow()
	set(scheduleTable, sc, in, "scheduleId")
	sc["scheduleId"] = s.newID()
	if _, ok := in["appName"]; !ok {
		sc["appName"] = s.buildAppName("schedule", nil)
	}
	if _, ok := in["createdAt"]; !ok {
		sc["createdAt"] = s.timestamp()
	}
	if in["scheduleType"] == "dokploy-server" {
		sc["organizationId"] = s.st.OrganizationID
	}
	if s.scheduleDangling(sc) {
		return nil, errInternal("%s", failedInsert(scheduleTable, sc, givenOr(in, "scheduleId", "appName", "createdAt")))
	}
	s.insert(scheduleTable, sc)
	return scheduleTable.object(sc), nil
}

// scheduleUpdate writes the given keys and answers the row.
func scheduleUpdate(s *Server, in map[string]any) (any, error) {
	sc, err := s.schedule(in)
	if err != nil {
		return nil, err
	}
	if t, ok := in["scheduleType"]; ok && t != sc["scheduleType"] {
		server, ok := in["serverId"]
		if !ok || server == nil {
			server = sc["serverId"]
		}
		if err := hostScheduleServer(t, server); err != nil {
			return nil, err
		}
	}
	values := map[string]any{}
	for k, v := range in {
		if k != "scheduleId" {
			values[k] = v
		}
	}
	if s.scheduleDangling(values) {
		return nil, errInternal("%s", failedUpdate(scheduleTable, sc["scheduleId"], values))
	}
	set(scheduleTable, sc, values)
	return scheduleTable.object(sc), nil
}

// scheduleObject is schedule.one's answer (findScheduleById): the row, its
// application as {applicationId, appName, serverId} and its compose as its
// row, each with environment and project, and server.
func (s *Server) scheduleObject(sc row) object {
	return append(scheduleTable.object(sc),
		kv{"application", s.related(applicationTable, sc, func(r row) object {
			return s.withEnvironment(pick(r, "applicationId", "appName", "serverId"), r)
		})},
		kv{"compose", s.related(composeTable, sc, func(r row) object { return s.withEnvironment(composeTable.object(r), r) })},
		kv{"server", nil},
	)
}

// scheduleList lists the schedules of an application, a compose, a server
// or the organization (dokploy-server), oldest first, with their service
// as {<type>Id, appName, name, serverId} and their deployments, newest
// first.
func scheduleList(s *Server, in map[string]any) (any, error) {
	col := map[string]string{
		"application": "applicationId", "compose": "composeId", "server": "serverId", "dokploy-server": "organizationId",
	}[str(in["scheduleType"])]
	id := in["id"]
	switch in["scheduleType"] {
	case "server":
		return nil, errNotFound("Server not found")
	case "dokploy-server":
		id = s.st.OrganizationID
	}
	rows := newestFirst(s.where(scheduleTable, col, id))
	slices.Reverse(rows) // oldest first; equal times in insertion order
	out := make([]any, 0, len(rows))
	for _, sc := range rows {
		out = append(out, append(scheduleTable.object(sc),
			kv{"application", s.related(applicationTable, sc, func(r row) object {
				return pick(r, "applicationId", "appName", "name", "serverId")
			})},
			kv{"server", nil},
			kv{"compose", s.related(composeTable, sc, func(r row) object { return pick(r, "composeId", "appName", "name", "serverId") })},
			kv{"deployments", objects(deploymentTable, newestFirst(s.where(deploymentTable, "scheduleId", sc["scheduleId"])))},
		))
	}
	return out, nil
}
