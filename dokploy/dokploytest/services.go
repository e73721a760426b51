package dokploytest

import "strings"

// Services are the rows that live in an environment: applications, compose
// stacks and the six database kinds. This file holds what they share: the
// environment listings, appName generation and cascading deletes.

// serviceTable is a service kind as the environment listings name it.
type serviceTable struct {
	key    string // key in environment objects: "applications", "compose", "postgres", ...
	table  *tableDef
	status string // status column: applicationStatus or composeStatus
}

var (
	svcApplications = serviceTable{"applications", applicationTable, "applicationStatus"}
	svcCompose      = serviceTable{"compose", composeTable, "composeStatus"}
	svcPostgres     = serviceTable{"postgres", postgresTable, "applicationStatus"}
	svcMysql        = serviceTable{"mysql", mysqlTable, "applicationStatus"}
	svcMariadb      = serviceTable{"mariadb", mariadbTable, "applicationStatus"}
	svcMongo        = serviceTable{"mongo", mongoTable, "applicationStatus"}
	svcRedis        = serviceTable{"redis", redisTable, "applicationStatus"}
	svcLibsql       = serviceTable{"libsql", libsqlTable, "applicationStatus"}
)

// The order of the service lists differs between answers (captures 003,
// 005, 011, 012).
var (
	servicesDBOrder = []serviceTable{ // project.all, environment.one, environment.byProjectId
		svcApplications, svcMariadb, svcMongo, svcMysql, svcPostgres, svcRedis, svcCompose, svcLibsql,
	}
	servicesAlphaOrder = []serviceTable{ // project.one
		svcApplications, svcCompose, svcLibsql, svcMariadb, svcMongo, svcMysql, svcPostgres, svcRedis,
	}
)

// serviceView is how one answer shows a service of a listing.
type serviceView int

const (
	viewAll         serviceView = iota // project.all: ids only for databases
	viewProject                        // project.one (Dokploy's serviceColumns)
	viewByProjectID                    // environment.byProjectId: viewProject, compose with icon
	viewEnvironment                    // environment.one: no appName
)

func (st serviceTable) item(r row, view serviceView, server row) object {
	id := st.table.id
	isApp := st.table == applicationTable
	isCompose := st.table == composeTable
	switch view {
	case viewAll:
		if isApp || isCompose {
			return pick(r, id, "name", st.status)
		}
		return pick(r, id)
	case viewProject, viewByProjectID:
		o := pick(r, "name", "description", "appName", "createdAt", "serverId")
		switch {
		case isApp:
			o = append(o, pick(r, "applicationStatus", id, "icon")...)
		case isCompose:
			o = append(o, pick(r, id, "composeStatus")...)
			if view == viewByProjectID {
				o = append(o, kv{"icon", r["icon"]})
			}
		default:
			o = append(o, pick(r, "applicationStatus", id)...)
		}
		var srv any
		if server != nil {
			srv = pick(server, "name")
		}
		return append(o, kv{"server", srv})
	default: // viewEnvironment
		var o object
		switch {
		case isApp:
			o = pick(r, "name", id, "createdAt", "applicationStatus", "description", "serverId", "icon")
		case isCompose:
			o = pick(r, id, "name", "createdAt", "composeStatus", "description", "serverId", "icon")
		case st.table == postgresTable:
			o = pick(r, id, "name", "description", "createdAt", "applicationStatus", "serverId")
		default:
			o = pick(r, id, "name", "createdAt", "applicationStatus", "description", "serverId")
		}
		var srv any
		if server != nil {
			srv = pick(server, "name", "serverId")
		}
		return append(o, kv{"server", srv})
	}
}

// serviceLists returns the service lists of environment env, in order.
func (s *Server) serviceLists(envID string, order []serviceTable, view serviceView) object {
	o := make(object, 0, len(order))
	for _, st := range order {
		items := []any{}
		for _, r := range s.where(st.table, "environmentId", envID) {
			items = append(items, st.item(r, view, s.find(serverTable, str(r["serverId"]))))
		}
		o = append(o, kv{st.key, items})
	}
	return o
}

// hasServices reports whether environment envID holds any service.
func (s *Server) hasServices(envID string) bool {
	for _, st := range servicesDBOrder {
		if len(s.where(st.table, "environmentId", envID)) > 0 {
			return true
		}
	}
	return false
}

// environmentWithProject is the environment row with its project, the
// "environment" relation of service answers.
func (s *Server) environmentWithProject(envID string) any {
	env := s.find(environmentTable, envID)
	if env == nil {
		return nil
	}
	o := environmentTable.object(env)
	return append(o, kv{"project", s.projectObject(str(env["projectId"]))})
}

func (s *Server) projectObject(projectID string) any {
	p := s.find(projectTable, projectID)
	if p == nil {
		return nil
	}
	return projectTable.object(p)
}

// --- appName (Dokploy schema/utils.ts buildAppName) ---

var (
	hackerVerbs      = []string{"back-up", "bypass", "hack", "override", "compress", "copy", "navigate", "index", "connect", "generate", "quantify", "calculate", "synthesize", "input", "transmit", "program", "reboot", "parse"}
	hackerAdjectives = []string{"auxiliary", "primary", "back-end", "digital", "open-source", "virtual", "cross-platform", "redundant", "online", "haptic", "multi-byte", "bluetooth", "wireless", "1080p", "neural", "optical", "solid-state", "mobile"}
	hackerNouns      = []string{"driver", "protocol", "bandwidth", "panel", "microchip", "program", "port", "card", "array", "interface", "system", "sensor", "firewall", "hard-drive", "pixel", "alarm", "feed", "monitor", "application", "transmitter", "bus", "circuit", "capacitor", "matrix"}
)

// cleanAppName is Dokploy's cleanAppName.
func cleanAppName(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "-"))
}

// buildAppName gives base plus a random 6-character suffix, or a generated
// name "<type>-<verb>-<adjective>-<noun>-<6>" without a base.
func (s *Server) buildAppName(typ string, base any) string {
	if b, ok := base.(string); ok && b != "" {
		return cleanAppName(b) + "-" + s.generatePassword(6)
	}
	pickWord := func(words []string) string { return words[s.rng.IntN(len(words))] }
	return typ + "-" + pickWord(hackerVerbs) + "-" + pickWord(hackerAdjectives) + "-" +
		pickWord(hackerNouns) + "-" + s.randString(6, "abcdefghijklmnopqrstuvwxyz123456789")
}

// appNameTaken is validUniqueServerAppName: appNames are unique across
// applications and databases (not compose).
func (s *Server) appNameTaken(appName string) bool {
	for _, t := range []*tableDef{applicationTable, postgresTable, mysqlTable, mariadbTable, mongoTable, redisTable, libsqlTable} {
		if s.taken(t, "appName", appName) {
			return true
		}
	}
	return false
}

// --- cascading deletes (the database's ON DELETE CASCADE) ---

// dependents are the tables whose rows go with the row they name in a
// column called like its id (ON DELETE CASCADE, db/schema): the children
// of a service, its backups, volume backups and schedules, and the
// deployments of all of them.
var dependents = []*tableDef{
	mountTable, domainTable, portTable, redirectTable, securityTable,
	backupTable, volumeBackupTable, scheduleTable, deploymentTable,
}

// cascade deletes the rows that depend on row id of t, and theirs.
func (s *Server) cascade(t *tableDef, id string) {
	for _, c := range dependents {
		if c == t || !c.has(t.id) {
			continue
		}
		for _, r := range s.deleteWhere(c, t.id, id) {
			if c == deploymentTable {
				delete(s.st.Logs, str(r["deploymentId"]))
			}
			s.cascade(c, str(r[c.id]))
		}
	}
}

// deleteService removes a service row and everything that hangs off it.
func (s *Server) deleteService(t *tableDef, id string) {
	s.deleteWhere(t, t.id, id)
	s.cascade(t, id)
	delete(s.st.Files, id)
}

// deleteEnvironment removes an environment with all its services.
func (s *Server) deleteEnvironment(envID string) {
	for _, st := range servicesDBOrder {
		for _, r := range s.where(st.table, "environmentId", envID) {
			s.deleteService(st.table, str(r[st.table.id]))
		}
	}
	s.deleteWhere(environmentTable, "environmentId", envID)
}
