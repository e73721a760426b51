package dokploytest

// mounts.create, one, update, remove, listByServiceId (API.md §2.8, QUIRKS
// M1-M8, captures 044-054, 118-120, 305). The router is "mounts".

var (
	mountTypes        = []string{"bind", "volume", "file"}
	mountServiceTypes = []string{"application", "postgres", "mysql", "mariadb", "mongo", "redis", "compose", "libsql"}
)

// mountParents are the services a mount can belong to, in the order of the
// relations of mounts.one (capture 047), with their serviceType.
var mountParents = []struct {
	serviceType string
	table       *tableDef
}{
	{"application", applicationTable}, {"compose", composeTable}, {"libsql", libsqlTable},
	{"mariadb", mariadbTable}, {"mongo", mongoTable}, {"mysql", mysqlTable},
	{"postgres", postgresTable}, {"redis", redisTable},
}

// mountParent is the table of a serviceType, or nil.
func mountParent(serviceType string) *tableDef {
	for _, p := range mountParents {
		if p.serviceType == serviceType {
			return p.table
		}
	}
	return nil
}

func mountsProcedures() []*procedure {
	return []*procedure{
		mutation("mounts.create", schema{
			enum("type", mountTypes...).req(),
			text("hostPath").null(),
			text("volumeName").null(),
			text("content").null(),
			text("mountPath").min1().req(),
			text("filePath").null(),
			enum("serviceType", mountServiceTypes...),
			text("serviceId").min1().req(),
		}, mountCreate),
		query("mounts.one", schema{text("mountId").min1().req()}, func(s *Server, in map[string]any) (any, error) {
			m, err := s.mount(in, "access")
			if err != nil {
				return nil, err
			}
			return s.mountObject(m), nil
		}),
		mutation("mounts.update", schema{
			text("mountId").min1().req(),
			enum("type", mountTypes...),
			text("hostPath").null(),
			text("volumeName").null(),
			text("filePath").null(),
			text("content").null(),
			enum("serviceType", mountServiceTypes...),
			text("mountPath").min1(),
			text("applicationId").null(),
			text("composeId").null(),
			text("libsqlId").null(),
			text("mariadbId").null(),
			text("mongoId").null(),
			text("mysqlId").null(),
			text("postgresId").null(),
			text("redisId").null(),
		}, mountUpdate),
		mutation("mounts.remove", schema{text("mountId").req()}, func(s *Server, in map[string]any) (any, error) {
			m, err := s.mount(in, "delete")
			if err != nil {
				return nil, err
			}
			s.deleteWhere(mountTable, "mountId", m["mountId"])
			return mountTable.object(m), nil
		}),
		query("mounts.listByServiceId", schema{
			text("serviceType").min1().req(),
			text("serviceId").min1().req(),
		}, func(s *Server, in map[string]any) (any, error) {
			t := mountParent(str(in["serviceType"]))
			if t == nil {
				return nil, errInternal("Unknown service type: %s", str(in["serviceType"]))
			}
			return objects(mountTable, s.where(mountTable, t.id, in["serviceId"])), nil
		}),
	}
}

// mount finds the mount of in["mountId"]. A mount that belongs to no
// service (see mountCreate) has no organization, so the router refuses it
// with 401 "You are not authorized to <verb> this mount".
func (s *Server) mount(in map[string]any, verb string) (row, error) {
	m := s.find(mountTable, str(in["mountId"]))
	if m == nil {
		return nil, errNotFound("Mount not found")
	}
	for _, p := range mountParents {
		if id, ok := m[p.table.id].(string); ok && s.find(p.table, id) != nil {
			return m, nil
		}
	}
	return nil, &apiError{code: "UNAUTHORIZED", message: "You are not authorized to " + verb + " this mount"}
}

// mountObject is the mount with its services reduced to {serverId,
// appName, environment{project{organizationId}}}, or null (findMountById).
func (s *Server) mountObject(m row) object {
	o := mountTable.object(m)
	for _, p := range mountParents {
		var rel any
		if id, ok := m[p.table.id].(string); ok {
			if r := s.find(p.table, id); r != nil {
				org := any(nil)
				if env := s.find(environmentTable, str(r["environmentId"])); env != nil {
					if proj := s.find(projectTable, str(env["projectId"])); proj != nil {
						org = proj["organizationId"]
					}
				}
				rel = object{
					{"serverId", r["serverId"]}, {"appName", r["appName"]},
					{"environment", object{{"project", object{{"organizationId", org}}}}},
				}
			}
		}
		o = append(o, kv{p.serviceType, rel})
	}
	return o
}

// mountCreate answers the new row. The service column matching serviceType
// gets serviceId; serviceType itself is optional with the column default
// "application", but without it no service column is set and the mount
// belongs to nothing (services/mount.ts spreads the id only for a given
// serviceType; QUIRKS M1: always send it). The type-specific keys are not
// enforced (M2). A serviceId that names nothing fails the insert.
func mountCreate(s *Server, in map[string]any) (any, error) {
	m := mountTable.newRow()
	set(mountTable, m, in)
	m["mountId"] = s.newID()
	values := map[string]any{}
	for k, v := range in {
		values[k] = v
	}
	if t := mountParent(str(in["serviceType"])); t != nil {
		m[t.id] = in["serviceId"]
		values[t.id] = in["serviceId"]
	}
	if s.danglingRef(values) != "" {
		return nil, errBadRequest("Error %s", failedInsert(mountTable, m, func(c string) bool {
			_, given := values[c]
			return given || c == "mountId"
		}))
	}
	s.insert(mountTable, m)
	return mountTable.object(m), nil
}

// mountUpdate keeps omitted keys, clears explicit nulls, and answers the
// mount as it was BEFORE the update, with its services (capture 051:
// updateMount reads it back outside the transaction that changes it).
// Changing serviceType or a service column does not touch the others
// (QUIRKS M4).
func mountUpdate(s *Server, in map[string]any) (any, error) {
	m, err := s.mount(in, "update")
	if err != nil {
		return nil, err
	}
	before := s.mountObject(m)
	if s.danglingRef(in) != "" {
		return nil, errInternal("%s", failedUpdate(mountTable, m["mountId"], in))
	}
	set(mountTable, m, in)
	s.touch(mountTable, m)
	return before, nil
}
