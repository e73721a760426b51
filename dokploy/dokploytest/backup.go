package dokploytest

// backup.create, one, update, remove (routers/backup.ts; captures
// 415-436). A backup belongs to a database (postgres, mysql, mariadb,
// mongo, libsql: databaseType and <db>Id) or, with backupType "compose",
// to a compose stack, and uploads to a destination. create and update
// answer nothing (no id: find it in <db>.one's backups); the owner's .one
// lists its backups with their destination (keys left out) and
// deployments. Running backups is not modelled.

var backupTable = &tableDef{name: "backup", id: "backupId", cols: []column{
	{"backupId", nil},
	{"appName", nil},
	{"schedule", nil},
	{"enabled", nil},
	{"database", nil},
	{"prefix", nil},
	{"serviceName", nil},
	{"destinationId", nil},
	{"keepLatestCount", nil},
	{"includeEncryptionKey", true},
	{"backupType", "database"},
	{"databaseType", nil},
	{"composeId", nil},
	{"postgresId", nil},
	{"mariadbId", nil},
	{"mysqlId", nil},
	{"mongoId", nil},
	{"libsqlId", nil},
	{"userId", nil},
	{"metadata", nil},
}}

var backupDatabaseTypes = []string{"postgres", "mariadb", "mysql", "mongo", "web-server", "libsql"}

func backupProcedures() []*procedure {
	return []*procedure{
		mutation("backup.create", schema{
			text("schedule").req(), boolean("enabled").null(), text("prefix").min1().req(), text("destinationId").req(),
			num("keepLatestCount").null(), text("database").min1().req(),
			text("mariadbId").null(), text("mysqlId").null(), text("postgresId").null(), text("mongoId").null(),
			text("libsqlId").null(), enum("databaseType", backupDatabaseTypes...).req(), text("userId").null(),
			enum("backupType", "database", "compose"), text("composeId").null(), text("serviceName").null(),
			boolean("includeEncryptionKey"), anyValue("metadata").null(),
		}, backupCreate),
		query("backup.one", schema{text("backupId").min1().req()}, func(s *Server, in map[string]any) (any, error) {
			b := s.find(backupTable, str(in["backupId"]))
			if b == nil {
				return nil, errNotFound("Backup not found")
			}
			return s.backupObject(b), nil
		}),
		// Not partial: every key but includeEncryptionKey must be sent,
		// serviceName and metadata even as null (captures 420, 425).
		mutation("backup.update", schema{
			text("schedule").req(), boolean("enabled").null().nonopt(), text("prefix").min1().req(), text("backupId").req(),
			text("destinationId").req(), text("database").min1().req(), num("keepLatestCount").null().nonopt(),
			text("serviceName").null().nonopt(), anyValue("metadata").null().nonopt(),
			enum("databaseType", backupDatabaseTypes...).req(), boolean("includeEncryptionKey"),
		}, backupUpdate),
		mutation("backup.remove", schema{text("backupId").req()}, func(s *Server, in map[string]any) (any, error) {
			b, err := s.backupOrBadRequest(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(backupTable, "backupId", b["backupId"])
			s.cascade(backupTable, str(b["backupId"]))
			return backupTable.object(b), nil
		}),
	}
}

// backupOrBadRequest finds the backup of in["backupId"]. update and remove
// turn every error into a 400, the 404 of a missing backup included
// (capture 435).
func (s *Server) backupOrBadRequest(in map[string]any) (row, error) {
	b := s.find(backupTable, str(in["backupId"]))
	if b == nil {
		return nil, errBadRequest("Backup not found")
	}
	return b, nil
}

// backupCreate inserts the row with the given keys (enabled stays null
// when omitted, capture 418). An id that names nothing fails the insert:
// the router answers 400 with the database's message.
func backupCreate(s *Server, in map[string]any) (any, error) {
	b := backupTable.newRow()
	set(backupTable, b, in)
	b["backupId"] = s.newID()
	b["appName"] = s.buildAppName("backup", nil)
	if s.danglingRef(in) != "" {
		return nil, errBadRequest("%s", failedInsert(backupTable, b, givenOr(in, "backupId", "appName")))
	}
	s.insert(backupTable, b)
	return undefined, nil
}

// backupUpdate writes the given keys (an omitted includeEncryptionKey is
// kept) and answers nothing.
func backupUpdate(s *Server, in map[string]any) (any, error) {
	b, err := s.backupOrBadRequest(in)
	if err != nil {
		return nil, err
	}
	if s.danglingRef(in) != "" {
		return nil, errBadRequest("%s", failedUpdate(backupTable, b["backupId"], in))
	}
	set(backupTable, b, in, "backupId")
	s.touch(backupTable, b)
	return undefined, nil
}

// backupObject is backup.one's answer (findBackupById): the row, the
// owning database or compose as a bare row, the others null, and the
// destination without its keys.
func (s *Server) backupObject(b row) object {
	o := backupTable.object(b)
	for _, t := range []*tableDef{postgresTable, mysqlTable, mariadbTable, mongoTable, libsqlTable} {
		o = append(o, kv{t.name, s.related(t, b, t.object)})
	}
	return append(o,
		kv{"destination", s.destinationPublic(b["destinationId"])},
		kv{"compose", s.related(composeTable, b, composeTable.object)},
	)
}

// backupsOf lists the backups of a database or compose, as their .one
// answers them: each with its destination (keys left out) and its
// deployments.
func (s *Server) backupsOf(owner *tableDef, id any) []any {
	out := []any{}
	for _, b := range s.where(backupTable, owner.id, id) {
		o := backupTable.object(b)
		out = append(out, append(o,
			kv{"destination", s.destinationPublic(b["destinationId"])},
			kv{"deployments", objects(deploymentTable, s.where(deploymentTable, "backupId", b["backupId"]))},
		))
	}
	return out
}

// related renders the row of t that r names in its column t.id with
// view, or nil when r names none.
func (s *Server) related(t *tableDef, r row, view func(row) object) any {
	id, _ := r[t.id].(string)
	if id == "" {
		return nil
	}
	p := s.find(t, id)
	if p == nil {
		return nil
	}
	return view(p)
}

// givenOr is the given() of failedInsert: the keys of in, and the extra
// columns the server always sets.
func givenOr(in map[string]any, extra ...string) func(string) bool {
	return func(c string) bool {
		_, ok := in[c]
		return ok || contains(extra, c)
	}
}
