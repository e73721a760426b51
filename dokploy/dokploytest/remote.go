package dokploytest

// server.create, all, one, update, remove, count, withSSHKey, buildServers
// (routers/server.ts, services/server.ts; captures 488-504): the remote
// servers services can be created on. The fake never connects to them:
// setup, validation and monitoring are not implemented, and a service on a
// remote server deploys, starts and stops like a local one (with
// Options.DeployError too).

var serverTable = &tableDef{name: "server", id: "serverId", cols: []column{
	{"serverId", nil},
	{"name", nil},
	{"description", nil},
	{"ipAddress", nil},
	{"port", nil},
	{"username", "root"},
	{"appName", nil},
	{"enableDockerCleanup", false},
	{"buildsConcurrency", float64(1)},
	{"createdAt", nil},
	{"organizationId", nil},
	{"serverStatus", "active"},
	{"serverType", "deploy"},
	{"command", ""},
	{"sshKeyId", nil},
	{"metricsConfig", map[string]any{
		"server": map[string]any{
			"type": "Remote", "refreshRate": float64(60), "port": float64(4500), "token": "", "urlCallback": "",
			"cronJob": "", "retentionDays": float64(2), "thresholds": map[string]any{"cpu": float64(0), "memory": float64(0)},
		},
		"containers": map[string]any{
			"refreshRate": float64(60),
			"services":    map[string]any{"include": []any{}, "exclude": []any{}},
		},
	}},
}, jsonb: []string{"metricsConfig"}}

// serverServices are the tables whose rows run on a server; server.all
// counts all but libsql in totalSum, server.remove refuses while any has
// one.
var serverServices = []*tableDef{
	applicationTable, composeTable, redisTable, mariadbTable, mongoTable, mysqlTable, postgresTable, libsqlTable,
}

// serverSchema is apiCreateServer (update adds serverId and command). The
// keys are wrapped by .required(), so port is not coerced on REST
// (capture 498); enableDockerCleanup is added after, with a default true.
func serverSchema(update bool) schema {
	sc := schema{text("name").min1().req(), text("description").null().nonopt()}
	if update {
		sc = append(sc, text("serverId").min1().req())
	}
	sc = append(sc,
		text("ipAddress").req(),
		num("port").req().noCoerce(),
		text("username").nonopt(),
		text("sshKeyId").null().nonopt(),
		enum("serverType", "deploy", "build").nonopt(),
		boolean("enableDockerCleanup").dflt(true),
	)
	if update {
		sc = append(sc, text("command"))
	}
	return sc
}

func serverProcedures() []*procedure {
	id := schema{text("serverId").min1().req()}
	return []*procedure{
		mutation("server.create", serverSchema(false), serverCreate),
		query("server.all", nil, serverAll),
		query("server.one", id, func(s *Server, in map[string]any) (any, error) {
			r, err := s.server(in)
			if err != nil {
				return nil, err
			}
			return s.serverObject(r), nil
		}),
		mutation("server.update", serverSchema(true), serverUpdate),
		mutation("server.remove", id, serverRemove),
		query("server.count", nil, func(s *Server, _ map[string]any) (any, error) {
			return float64(len(s.rows(serverTable))), nil
		}),
		query("server.withSSHKey", nil, serversOfType("deploy")),
		query("server.buildServers", nil, serversOfType("build")),
	}
}

func (s *Server) server(in map[string]any) (row, error) {
	r := s.find(serverTable, str(in["serverId"]))
	if r == nil {
		return nil, errNotFound("Server not found")
	}
	return r, nil
}

// serverObject is findServerById after redactServerSshKey: the row, its
// deployments and its SSH key with privateKey "".
func (s *Server) serverObject(r row) object {
	var key any
	if k := s.find(sshKeyTable, str(r["sshKeyId"])); k != nil {
		o := sshKeyTable.object(k)
		for i := range o {
			if o[i].k == "privateKey" {
				o[i].v = ""
			}
		}
		key = o
	}
	return append(serverTable.object(r),
		kv{"deployments", objects(deploymentTable, s.where(deploymentTable, "serverId", r["serverId"]))},
		kv{"sshKey", key})
}

// serverRow is the server relation of a service: the whole row, or null.
func (s *Server) serverRow(serverID any) any {
	if r := s.find(serverTable, str(serverID)); r != nil {
		return serverTable.object(r)
	}
	return nil
}

// serverCreate answers the row. An SSH key id that names nothing fails
// the INSERT, which the router reports as one 400.
func serverCreate(s *Server, in map[string]any) (any, error) {
	if id := in["sshKeyId"]; id != nil && s.find(sshKeyTable, str(id)) == nil {
		return nil, errBadRequest("Error creating the server")
	}
	r := serverTable.newRow()
	set(serverTable, r, in)
	r["serverId"] = s.newID()
	r["appName"] = s.buildAppName("server", nil)
	r["createdAt"] = s.timestamp()
	r["organizationId"] = s.st.OrganizationID
	s.insert(serverTable, r)
	return serverTable.object(r), nil
}

// serverAll lists the servers, newest first, each with totalSum: the
// count(...) of seven LEFT JOINs grouped by server, so with services of
// several kinds it is the product of the kinds' counts times the number
// of kinds (two applications and one compose: 2×1 rows × 2 = 4), as in
// Dokploy.
func serverAll(s *Server, _ map[string]any) (any, error) {
	out := []any{}
	for _, r := range newestFirst(s.rows(serverTable)) {
		rows, kinds := 1, 0
		for _, t := range serverServices[:7] {
			if n := len(s.where(t, "serverId", r["serverId"])); n > 0 {
				rows *= n
				kinds++
			}
		}
		out = append(out, append(serverTable.object(r), kv{"totalSum", float64(rows * kinds)}))
	}
	return out, nil
}

// serverUpdate is not partial: the schema requires every key but command,
// and an omitted enableDockerCleanup is written true (its zod default,
// capture 494). It answers the row. An SSH key id that names nothing fails
// in the database, and the router passes drizzle's error on.
func serverUpdate(s *Server, in map[string]any) (any, error) {
	r, err := s.server(in)
	if err != nil {
		return nil, err
	}
	if id := in["sshKeyId"]; id != nil && s.find(sshKeyTable, str(id)) == nil {
		values := map[string]any{}
		for k, v := range in {
			values[k] = v
		}
		return nil, errInternal("%s", failedUpdate(serverTable, r["serverId"], values))
	}
	set(serverTable, r, in)
	return serverTable.object(r), nil
}

// serverRemove refuses while a service runs on the server; else it
// deletes the server with its deployments and certificates, clears the
// applications' build server, and answers server.one as it was.
func serverRemove(s *Server, in map[string]any) (any, error) {
	r, err := s.server(in)
	if err != nil {
		return nil, err
	}
	id := r["serverId"]
	for _, t := range serverServices {
		if len(s.where(t, "serverId", id)) > 0 {
			return nil, errBadRequest("Server has active services, please delete them first")
		}
	}
	before := s.serverObject(r)
	for _, col := range []string{"serverId", "buildServerId"} {
		for _, d := range s.deleteWhere(deploymentTable, col, id) {
			delete(s.st.Logs, str(d["deploymentId"]))
		}
	}
	s.deleteWhere(certificateTable, "serverId", id)
	s.setNull(applicationTable, "buildServerId", id)
	s.deleteWhere(serverTable, "serverId", id)
	return before, nil
}

// serversOfType lists the servers of one type that have an SSH key,
// newest first (withSSHKey: deploy servers; buildServers).
func serversOfType(typ string) func(*Server, map[string]any) (any, error) {
	return func(s *Server, _ map[string]any) (any, error) {
		out := []any{}
		for _, r := range newestFirst(s.rows(serverTable)) {
			if r["sshKeyId"] != nil && r["serverType"] == typ {
				out = append(out, serverTable.object(r))
			}
		}
		return out, nil
	}
}

// checkServer refuses a serverId that names no server of the
// organization, as getAccessibleServerIds does for the owner's key.
func (s *Server) checkServer(in map[string]any) error {
	if id, ok := in["serverId"].(string); ok && id != "" && s.find(serverTable, id) == nil {
		return &apiError{code: "UNAUTHORIZED", message: "You are not authorized to access this server"}
	}
	return nil
}

// serverID is the serverId a create stores: an empty one is none.
func serverID(in map[string]any) any {
	if id, _ := in["serverId"].(string); id != "" {
		return id
	}
	return nil
}
