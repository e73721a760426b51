package dokploytest

// volumeBackups.create, one, list, update, delete
// (routers/volume-backups.ts; captures 437-449). A volume backup copies a
// Docker volume of a service (applicationId ... composeId) to a
// destination on a cron schedule; running it is not modelled.

var volumeBackupTable = &tableDef{name: "volume_backup", id: "volumeBackupId", cols: []column{
	{"volumeBackupId", nil},
	{"name", nil},
	{"volumeName", nil},
	{"prefix", nil},
	{"serviceType", "application"},
	{"appName", nil},
	{"serviceName", nil},
	{"turnOff", false},
	{"cronExpression", nil},
	{"keepLatestCount", nil},
	{"enabled", nil},
	{"applicationId", nil},
	{"postgresId", nil},
	{"mariadbId", nil},
	{"mongoId", nil},
	{"mysqlId", nil},
	{"redisId", nil},
	{"libsqlId", nil},
	{"composeId", nil},
	{"createdAt", nil},
	{"destinationId", nil},
}}

// volumeBackupServices are the services a volume backup can belong to, in
// the order of the relations of its answers.
var volumeBackupServices = []*tableDef{
	applicationTable, postgresTable, mysqlTable, mariadbTable, mongoTable, redisTable, composeTable, libsqlTable,
}

var volumeBackupTypes = []string{"application", "postgres", "mysql", "mariadb", "mongo", "redis", "compose", "libsql"}

// volumeBackupFields are the keys of create (createVolumeBackupSchema);
// update adds volumeBackupId. Not partial: the five required keys must be
// sent on update too; the others are kept when omitted (captures 441-443).
func volumeBackupFields() schema {
	return concat(
		[]field{
			text("name").req(),
			text("volumeName").req().regex(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`,
				"Volume name must start with a letter or number and contain only letters, numbers, dots, underscores and hyphens"),
			text("prefix").req(), enum("serviceType", volumeBackupTypes...), text("appName"), text("serviceName").null(),
			boolean("turnOff"), text("cronExpression").req(), num("keepLatestCount").null(), boolean("enabled").null(),
		},
		nullTexts("applicationId", "postgresId", "mariadbId", "mongoId", "mysqlId", "redisId", "libsqlId", "composeId"),
		[]field{text("createdAt"), text("destinationId").req()},
	)
}

func volumeBackupsProcedures() []*procedure {
	byID := schema{text("volumeBackupId").min1().req()}
	return []*procedure{
		mutation("volumeBackups.create", volumeBackupFields(), volumeBackupCreate),
		query("volumeBackups.one", byID, func(s *Server, in map[string]any) (any, error) {
			v, err := s.volumeBackup(in)
			if err != nil {
				return nil, err
			}
			return s.volumeBackupObject(v), nil
		}),
		query("volumeBackups.list", schema{
			text("id").min1().req(), enum("volumeBackupType", volumeBackupTypes...).req(),
		}, volumeBackupList),
		mutation("volumeBackups.update", append(volumeBackupFields(), text("volumeBackupId").min1().req()), volumeBackupUpdate),
		mutation("volumeBackups.delete", byID, func(s *Server, in map[string]any) (any, error) {
			v, err := s.volumeBackup(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(volumeBackupTable, "volumeBackupId", v["volumeBackupId"])
			s.cascade(volumeBackupTable, str(v["volumeBackupId"]))
			return undefined, nil
		}),
	}
}

func (s *Server) volumeBackup(in map[string]any) (row, error) {
	v := s.find(volumeBackupTable, str(in["volumeBackupId"]))
	if v == nil {
		return nil, errNotFound("Volume backup not found")
	}
	return v, nil
}

// volumeBackupCreate answers the row. The router does not catch database
// errors: an id that names nothing fails the insert with a 500.
func volumeBackupCreate(s *Server, in map[string]any) (any, error) {
	v := volumeBackupTable.newRow()
	set(volumeBackupTable, v, in)
	v["volumeBackupId"] = s.newID()
	if _, ok := in["appName"]; !ok {
		v["appName"] = s.buildAppName("volumeBackup", nil)
	}
	if _, ok := in["createdAt"]; !ok {
		v["createdAt"] = s.timestamp()
	}
	if s.danglingRef(in) != "" {
		return nil, errInternal("%s", failedInsert(volumeBackupTable, v, givenOr(in, "volumeBackupId", "appName", "createdAt")))
	}
	s.insert(volumeBackupTable, v)
	return volumeBackupTable.object(v), nil
}

func volumeBackupUpdate(s *Server, in map[string]any) (any, error) {
	v, err := s.volumeBackup(in)
	if err != nil {
		return nil, err
	}
	if s.danglingRef(in) != "" {
		return nil, errInternal("%s", failedUpdate(volumeBackupTable, v["volumeBackupId"], in))
	}
	set(volumeBackupTable, v, in, "volumeBackupId")
	return volumeBackupTable.object(v), nil
}

// volumeBackupObject is volumeBackups.one's answer: the row; its
// application as {applicationId, appName, serverId} with its environment
// and project, another service as its row with them; the destination
// without its keys.
func (s *Server) volumeBackupObject(v row) object {
	o := volumeBackupTable.object(v)
	for _, t := range volumeBackupServices {
		view := func(r row) object { return s.withEnvironment(t.object(r), r) }
		if t == applicationTable {
			view = func(r row) object { return s.withEnvironment(pick(r, "applicationId", "appName", "serverId"), r) }
		}
		o = append(o, kv{t.name, s.related(t, v, view)})
	}
	return append(o, kv{"destination", s.destinationPublic(v["destinationId"])})
}

// volumeBackupList lists a service's volume backups, newest first, each
// with its service as {<type>Id, appName, serverId}.
func volumeBackupList(s *Server, in map[string]any) (any, error) {
	rows := newestFirst(s.where(volumeBackupTable, str(in["volumeBackupType"])+"Id", in["id"]))
	out := make([]any, 0, len(rows))
	for _, v := range rows {
		o := volumeBackupTable.object(v)
		for _, t := range volumeBackupServices {
			o = append(o, kv{t.name, s.related(t, v, func(r row) object { return pick(r, t.id, "appName", "serverId") })})
		}
		out = append(out, o)
	}
	return out, nil
}

// withEnvironment appends the "environment" relation (with its project)
// of service row r to o.
func (s *Server) withEnvironment(o object, r row) object {
	return append(o, kv{"environment", s.environmentWithProject(str(r["environmentId"]))})
}
