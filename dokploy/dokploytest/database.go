package dokploytest

import (
	"regexp"
	"strconv"
)

// The six database kinds (API.md §2.5, §3.7). They share one procedure set:
// create one update remove saveEnvironment deploy reload start stop,
// saveExternalPort (libsql: saveExternalPorts) and changePassword (not libsql).

// dbKind describes one database kind.
type dbKind struct {
	name      string // router name and appName prefix: "postgres"
	table     *tableDef
	notFound  string // message of the 404 of findXById
	updateErr string // message of update on a missing row
	mountPath func(dockerImage string) string
	backups   bool // .one and .remove carry backups[] (not redis)
	create    schema
	update    schema
	// changePassword is the input of changePassword; nil for libsql.
	changePassword schema
	rootPassword   bool // mysql, mariadb: a random root password when none is given
}

func (k *dbKind) id() string { return k.table.id }

var dbKinds = []*dbKind{postgresKind, mysqlKind, mariadbKind, mongoKind, redisKind, libsqlKind}

// postgresMountPath is the data directory of the official image: PGDATA
// moved to /var/lib/postgresql/<major>/docker in postgres 18.
func postgresMountPath(image string) string {
	if m := postgresMajor.FindStringSubmatch(image); m != nil {
		if major, err := strconv.Atoi(m[1]); err == nil && major >= 18 {
			return "/var/lib/postgresql/" + m[1] + "/docker"
		}
	}
	return "/var/lib/postgresql/data"
}

var postgresMajor = regexp.MustCompile(`postgres:(\d+)`)

func fixedPath(p string) func(string) string { return func(string) string { return p } }

// Fields shared by the database schemas.
func dbName() field     { return text("name").min1() }
func dbUser() field     { return text("databaseUser").min1() }
func dbDatabase() field { return text("databaseName").min1() }
func dbPassword() field { return passwordField("databasePassword") }

func resources(names ...string) []field { return nullTexts(names...) }

var (
	postgresKind = &dbKind{
		name: "postgres", table: postgresTable, notFound: "Postgres not found", updateErr: "Error updating Postgres",
		mountPath: postgresMountPath, backups: true,
		create: schema{
			dbName().req(), appNameField(), dbDatabase().req(), dbUser().req(), dbPassword().req(),
			text("dockerImage").dflt("postgres:18"), text("environmentId").req(),
			text("description").null(), text("serverId").null(),
		},
		update: concat(
			[]field{text("postgresId").min1().req(), dbName(), appNameField(), dbDatabase(), dbUser(), dbPassword(),
				text("description").null(), text("dockerImage"), text("command").null(), strArr("args").null(),
				text("env").null(), text("memoryReservation").null(), num("externalPort").null()},
			resources("memoryLimit", "cpuReservation", "cpuLimit"),
			[]field{enum("applicationStatus", serviceStatuses...)},
			swarmFields(true),
			[]field{num("replicas"), text("createdAt"), text("environmentId"), strArr("networkIds").null(), boolean("detachDokployNetwork")},
		),
		changePassword: schema{text("postgresId").min1().req(), passwordField("password").min1().req()},
	}
	mysqlKind = &dbKind{
		name: "mysql", table: mysqlTable, notFound: "MySql not found", updateErr: "Update: Error updating MySQL",
		mountPath: fixedPath("/var/lib/mysql"), backups: true, rootPassword: true,
		create: schema{
			dbName().req(), appNameField(), text("dockerImage").dflt("mysql:8"), text("environmentId").req(),
			text("description").null(), dbDatabase().req(), dbUser().req(), dbPassword().req(),
			passwordField("databaseRootPassword"), text("serverId").null(),
		},
		update: mysqlUpdate("mysqlId"),
		changePassword: schema{
			text("mysqlId").min1().req(), passwordField("password").min1().req(), enum("type", "user", "root").dflt("user"),
		},
	}
	mariadbKind = &dbKind{
		name: "mariadb", table: mariadbTable, notFound: "Mariadb not found", updateErr: "Error updating Mariadb",
		mountPath: fixedPath("/var/lib/mysql"), backups: true, rootPassword: true,
		create: schema{
			dbName().req(), appNameField(), text("dockerImage").dflt("mariadb:6"), passwordField("databaseRootPassword"),
			text("environmentId").req(), text("description").null(), dbDatabase().req(), dbUser().req(),
			dbPassword().req(), text("serverId").null(),
		},
		update: mysqlUpdate("mariadbId"),
		changePassword: schema{
			text("mariadbId").min1().req(), passwordField("password").min1().req(), enum("type", "user", "root").dflt("user"),
		},
	}
	mongoKind = &dbKind{
		name: "mongo", table: mongoTable, notFound: "Mongo not found", updateErr: "Update: Error updating Mongo",
		mountPath: fixedPath("/data/db"), backups: true,
		create: schema{
			dbName().req(), appNameField(), text("dockerImage").dflt("mongo:15"), text("environmentId").req(),
			text("description").null(), dbUser().req(), dbPassword().req(), text("serverId").null(),
			boolean("replicaSets").null().dflt(false),
		},
		update: concat(
			[]field{text("mongoId").min1().req(), dbName(), appNameField(), text("description").null(), dbUser(), dbPassword(),
				text("dockerImage"), text("command").null(), strArr("args").null(), text("env").null()},
			resources("memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit"),
			[]field{num("externalPort").null(), enum("applicationStatus", serviceStatuses...)},
			swarmFields(true),
			[]field{num("replicas"), text("createdAt"), text("environmentId"), boolean("replicaSets"),
				strArr("networkIds").null(), boolean("detachDokployNetwork")},
		),
		changePassword: schema{text("mongoId").min1().req(), passwordField("password").min1().req()},
	}
	redisKind = &dbKind{
		name: "redis", table: redisTable, notFound: "Redis not found", updateErr: "Error updating Redis",
		mountPath: fixedPath("/data"),
		create: schema{
			dbName().req(), appNameField(), text("databasePassword").req(), text("dockerImage").dflt("redis:8"),
			text("environmentId").req(), text("description").null(), text("serverId").null(),
		},
		update: concat(
			[]field{text("redisId").min1().req(), dbName(), appNameField(), text("description").null(),
				text("databasePassword"), text("dockerImage"), text("command").null(), strArr("args").null(), text("env").null()},
			resources("memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit"),
			[]field{num("externalPort").null(), text("createdAt"), enum("applicationStatus", serviceStatuses...)},
			swarmFields(true),
			[]field{num("replicas"), text("environmentId"), strArr("networkIds").null(), boolean("detachDokployNetwork")},
		),
		changePassword: schema{text("redisId").min1().req(), passwordField("password").min1().req()},
	}
	libsqlKind = &dbKind{
		name: "libsql", table: libsqlTable, notFound: "Libsql not found", updateErr: "Error updating Libsql",
		mountPath: fixedPath("/var/lib/sqld"), backups: true,
		// libsql.create is .required(): every key must be present, nullable
		// ones included; the zod defaults of dockerImage and enableNamespaces
		// still apply.
		create: schema{
			dbName().req(), text("appName").min1().req(), text("dockerImage").dflt(libsqlImage),
			text("environmentId").req(), text("description").null().nonopt(), dbUser().req(), dbPassword().req(),
			enum("sqldNode", "primary", "replica").nonopt(), text("sqldPrimaryUrl").null().nonopt(),
			boolean("enableNamespaces").dflt(false), text("serverId").null().nonopt(),
		},
		// The zod defaults of dockerImage and enableNamespaces fire on
		// update too: omitting them resets them (QUIRKS L5r).
		update: concat(
			[]field{text("libsqlId").min1().req(), dbName(), text("appName").min1(), text("description").null(), dbUser(),
				dbPassword(), enum("sqldNode", "primary", "replica"), text("sqldPrimaryUrl").null(),
				boolean("enableNamespaces").dflt(false), text("dockerImage").dflt(libsqlImage),
				text("command").null(), text("env").null()},
			resources("memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit"),
			[]field{num("externalPort").null(), num("externalGRPCPort").null(), num("externalAdminPort").null(),
				enum("applicationStatus", serviceStatuses...)},
			swarmFields(false),
			[]field{num("replicas"), strArr("networkIds").null(), boolean("detachDokployNetwork"), text("createdAt"), text("environmentId")},
		),
	}
)

const libsqlImage = "ghcr.io/tursodatabase/libsql-server:v0.24.32"

// mysqlUpdate is the update schema of mysql and mariadb.
func mysqlUpdate(id string) schema {
	return concat(
		[]field{text(id).min1().req(), dbName(), appNameField(), text("description").null(), dbDatabase(), dbUser(),
			dbPassword(), passwordField("databaseRootPassword"), text("dockerImage"), text("command").null(),
			strArr("args").null(), text("env").null()},
		resources("memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit"),
		[]field{num("externalPort").null(), enum("applicationStatus", serviceStatuses...)},
		swarmFields(true),
		[]field{num("replicas"), text("createdAt"), text("environmentId"), strArr("networkIds").null(), boolean("detachDokployNetwork")},
	)
}

func databaseProcedures(k *dbKind) []*procedure {
	idOnly := schema{text(k.id()).min1().req()}
	ps := []*procedure{
		mutation(k.name+".create", k.create, k.doCreate),
		query(k.name+".one", idOnly, func(s *Server, in map[string]any) (any, error) {
			r, err := k.find(s, in)
			if err != nil {
				return nil, err
			}
			return k.object(s, r), nil
		}),
		mutation(k.name+".update", k.update, k.doUpdate),
		mutation(k.name+".remove", idOnly, k.doRemove),
		mutation(k.name+".saveEnvironment", schema{text(k.id()).nonopt(), text("env").null().nonopt()}, k.doSaveEnvironment),
		mutation(k.name+".deploy", schema{text(k.id()).nonopt()}, k.doDeploy),
		mutation(k.name+".reload", schema{text(k.id()).nonopt(), k.reloadAppName().req()}, k.doReload),
		mutation(k.name+".start", idOnly, k.scale(true)),
		mutation(k.name+".stop", idOnly, k.scale(false)),
	}
	if k == libsqlKind {
		ps = append(ps, mutation("libsql.saveExternalPorts", schema{
			text("libsqlId").req(), num("externalPort").null(), num("externalGRPCPort").null(), num("externalAdminPort").null(),
		}, k.doSaveExternalPorts))
	} else {
		ps = append(ps, mutation(k.name+".saveExternalPort", schema{
			text(k.id()).nonopt(), num("externalPort").null().nonopt(),
		}, k.doSaveExternalPort))
	}
	if k.changePassword != nil {
		ps = append(ps, mutation(k.name+".changePassword", k.changePassword, k.doChangePassword))
	}
	return ps
}

func (k *dbKind) reloadAppName() field {
	if k == libsqlKind {
		return text("appName").min1()
	}
	return appNameField()
}

func (k *dbKind) find(s *Server, in map[string]any) (row, error) {
	r := s.find(k.table, str(in[k.id()]))
	if r == nil {
		return nil, errNotFound("%s", k.notFound)
	}
	return r, nil
}

// object is the database with its relations (findXById): environment with
// project, mounts, server and (not redis) backups.
func (k *dbKind) object(s *Server, r row) object {
	o := k.table.object(r)
	o = append(o,
		kv{"environment", s.environmentWithProject(str(r["environmentId"]))},
		kv{"mounts", objects(mountTable, s.where(mountTable, k.id(), r[k.id()]))},
		kv{"server", s.serverRow(r["serverId"])},
	)
	if k.backups {
		o = append(o, kv{"backups", s.backupsOf(k.table, r[k.id()])})
	}
	return o
}

// doCreate inserts the database and its data volume mount. It answers the
// row (libsql: true).
func (k *dbKind) doCreate(s *Server, in map[string]any) (any, error) {
	if s.find(environmentTable, str(in["environmentId"])) == nil {
		return nil, errNotFound("Environment not found")
	}
	if err := s.checkServer(in); err != nil {
		return nil, err
	}
	if k == libsqlKind {
		replica := in["sqldNode"] == "replica"
		url, hasURL := in["sqldPrimaryUrl"].(string)
		switch {
		case replica && (!hasURL || url == ""):
			return nil, errValidation([]issue{{head: object{{"code", "custom"}}, path: []any{"sqldPrimaryUrl"},
				message: "sqldPrimaryUrl is required when sqldNode is 'replica'"}})
		case !replica && hasURL:
			return nil, errValidation([]issue{{head: object{{"code", "custom"}}, path: []any{"sqldPrimaryUrl"},
				message: "sqldPrimaryUrl should not be provided when sqldNode is not 'replica'"}})
		}
	}
	appName := s.buildAppName(k.name, in["appName"])
	if s.appNameTaken(appName) {
		return nil, errConflict("Service with this 'AppName' already exists")
	}
	r := k.table.newRow()
	set(k.table, r, in, "appName")
	r[k.id()] = s.newID()
	r["appName"] = appName
	r["createdAt"] = s.timestamp()
	r["serverId"] = serverID(in)
	if str(r["databasePassword"]) == "" {
		r["databasePassword"] = s.generatePassword(16)
	}
	if v, ok := in["replicaSets"]; ok && v == nil {
		r["replicaSets"] = false // NOT NULL column
	}
	if k.rootPassword && str(r["databaseRootPassword"]) == "" {
		r["databaseRootPassword"] = s.generatePassword(16)
	}
	s.insert(k.table, r)

	m := mountTable.newRow()
	m["mountId"] = s.newID()
	m["type"] = "volume"
	m["volumeName"] = appName + "-data"
	m["serviceType"] = k.name
	m["mountPath"] = k.mountPath(str(r["dockerImage"]))
	m[k.id()] = r[k.id()]
	s.insert(mountTable, m)

	s.grantAccess("accessedServices", str(r[k.id()]))
	if k == libsqlKind {
		return true, nil
	}
	return k.table.object(r), nil
}

// doUpdate keeps omitted keys (except the zod-defaulted ones of libsql),
// clears explicit nulls, ignores appName, and answers true.
func (k *dbKind) doUpdate(s *Server, in map[string]any) (any, error) {
	if len(in) <= 1+boolToInt(in["appName"] != nil) {
		return nil, errInternal("No values to set")
	}
	r := s.find(k.table, str(in[k.id()]))
	if r == nil {
		return nil, errBadRequest("%s", k.updateErr)
	}
	if err := s.checkMove(in); err != nil {
		return nil, err
	}
	set(k.table, r, in, k.id(), "appName")
	return true, nil
}

// doRemove answers the database as it was and deletes it with its mounts
// (the data volume itself is kept).
func (k *dbKind) doRemove(s *Server, in map[string]any) (any, error) {
	r, err := k.find(s, in)
	if err != nil {
		return nil, err
	}
	before := k.object(s, r)
	s.deleteService(k.table, str(r[k.id()]))
	return before, nil
}

func (k *dbKind) doSaveEnvironment(s *Server, in map[string]any) (any, error) {
	r := s.find(k.table, str(in[k.id()]))
	if r == nil {
		return nil, errBadRequest("Error adding environment variables")
	}
	r["env"] = in["env"]
	return true, nil
}

// deploy runs the synchronous database deploy: status done, or error and a
// 500 with Options.DeployError.
func (k *dbKind) deploy(s *Server, r row) error {
	if msg := s.opts.DeployError; msg != "" {
		r["applicationStatus"] = "error"
		return errInternal("Error on deploy %sError: %s", k.name, msg)
	}
	r["applicationStatus"] = "done"
	r[containerKey] = true
	return nil
}

// containerKey marks (in the row, never in an answer) a database whose
// Docker service exists: deployed and not stopped. Status updates do not
// change it, as they do not touch Docker.
const containerKey = "_container"

// hasContainer: rows of states saved before containerKey existed count as
// running by their status.
func hasContainer(r row) bool {
	if c, ok := r[containerKey].(bool); ok {
		return c
	}
	st := r["applicationStatus"]
	return st == "done" || st == "running"
}

// doDeploy answers the database as read before the deploy.
func (k *dbKind) doDeploy(s *Server, in map[string]any) (any, error) {
	r, err := k.find(s, in)
	if err != nil {
		return nil, err
	}
	before := k.object(s, r)
	if err := k.deploy(s, r); err != nil {
		return nil, err
	}
	return before, nil
}

func (k *dbKind) doReload(s *Server, in map[string]any) (any, error) {
	r, err := k.find(s, in)
	if err != nil {
		return nil, err
	}
	if msg := s.opts.DeployError; msg != "" {
		return nil, errInternal("%s", msg)
	}
	r["applicationStatus"] = "done"
	return true, nil
}

// scale is start and stop, like application's (Server.scale); they
// answer the database as read before.
func (k *dbKind) scale(start bool) func(*Server, map[string]any) (any, error) {
	return func(s *Server, in map[string]any) (any, error) {
		r, err := k.find(s, in)
		if err != nil {
			return nil, err
		}
		v, err := s.scale(r, k.object(s, r), start)
		if err == nil && s.opts.DeployError == "" {
			r[containerKey] = start
		}
		return v, err
	}
}

// portUser returns the appName of a service other than self that publishes
// port on the host, or "".
func (s *Server) portUser(port float64, self row) string {
	for _, k := range dbKinds {
		for _, r := range s.rows(k.table) {
			if sameRow(r, self) {
				continue
			}
			for _, c := range []string{"externalPort", "externalGRPCPort", "externalAdminPort"} {
				if p, ok := r[c].(float64); ok && p == port {
					return str(r["appName"])
				}
			}
		}
	}
	for _, p := range s.rows(portTable) {
		if pp, ok := p["publishedPort"].(float64); ok && pp == port {
			if a := s.find(applicationTable, str(p["applicationId"])); a != nil {
				return str(a["appName"])
			}
		}
	}
	return ""
}

func sameRow(a, b row) bool {
	return a["appName"] != nil && a["appName"] == b["appName"]
}

// doSaveExternalPort stores the port and redeploys at once; it answers the
// database as read before.
func (k *dbKind) doSaveExternalPort(s *Server, in map[string]any) (any, error) {
	r, err := k.find(s, in)
	if err != nil {
		return nil, err
	}
	if port, ok := in["externalPort"].(float64); ok && port != 0 {
		if user := s.portUser(port, r); user != "" {
			return nil, errConflict("Port %v is already in use by %s", port, user)
		}
	}
	before := k.object(s, r)
	r["externalPort"] = in["externalPort"]
	if err := k.deploy(s, r); err != nil {
		return nil, err
	}
	return before, nil
}

// doSaveExternalPorts is libsql's variant: omitted ports are kept.
func (k *dbKind) doSaveExternalPorts(s *Server, in map[string]any) (any, error) {
	r, err := k.find(s, in)
	if err != nil {
		return nil, err
	}
	if r["sqldNode"] == "replica" {
		return nil, errBadRequest("External ports cannot be set on a replica node")
	}
	ports := []string{"externalPort", "externalGRPCPort", "externalAdminPort"}
	allNull := true
	for _, c := range ports {
		if v, ok := in[c]; !ok || v != nil {
			allNull = false
		}
	}
	if allNull {
		return nil, errBadRequest("Either externalPort, externalGRPCPort or externalAdminPort must be provided.")
	}
	for _, c := range ports {
		if port, ok := in[c].(float64); ok && port != 0 {
			if user := s.portUser(port, r); user != "" {
				return nil, errConflict("Port %v is already in use by %s", port, user)
			}
		}
	}
	before := k.object(s, r)
	for _, c := range ports {
		if v, ok := in[c]; ok {
			r[c] = v
		}
	}
	if err := k.deploy(s, r); err != nil {
		return nil, err
	}
	return before, nil
}

// doChangePassword changes the password in the running database; it needs
// a deployed, running service.
func (k *dbKind) doChangePassword(s *Server, in map[string]any) (any, error) {
	r, err := k.find(s, in)
	if err != nil {
		return nil, err
	}
	if !hasContainer(r) {
		return nil, errBadRequest("No running container found for %s", str(r["appName"]))
	}
	col := "databasePassword"
	if in["type"] == "root" {
		col = "databaseRootPassword"
	}
	r[col] = in["password"]
	return true, nil
}
