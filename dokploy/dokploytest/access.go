package dokploytest

import "strings"

// The member's access lists (accessedProjects, accessedEnvironments,
// accessedServices), as Dokploy v0.30.2 keeps and checks them
// (packages/server/src/services/permission.ts, apps/dokploy/server/api/
// routers).
//
// Granting. Every create of a project, environment or service adds the new
// id to the creator's lists, whatever its role: project.create calls
// addNewProject and addNewEnvironment (routers/project.ts:89,91),
// environment.create addNewEnvironment (environment.ts:59),
// application.create, compose.create and the database creates
// addNewService (application.ts:121, compose.ts:124, postgres.ts:98,
// mysql.ts:97, mariadb.ts:97, mongo.ts:96, redis.ts:94, libsql.ts:86).
// Each is a read-modify-write without lock or transaction
// (permission.ts:358,375,398): findMemberByUserId reads the member row,
// then `db.update(member).set({accessedServices: [...memberRecord.
// accessedServices, serviceId]})` writes the list back whole. tRPC runs
// the items of a batch concurrently, and each create awaits several
// queries (findEnvironmentById, findProjectById, checkServiceAccess, the
// insert) before its addNewService, so the creates of one batch read the
// member row at about the same time and the last write wins: every other
// new id is lost. The fake models that worst case, deterministically: the
// items of a tRPC batch all read the member's lists as they were when the
// batch began (Server.accessBase), and their writes land in item order,
// so the batch's last create of each list is the one kept. A request of
// one call (REST, or tRPC without a batch) reads the lists when it runs,
// so concurrent REST creates lose nothing in the fake (the fake cannot
// tell which of them the real server would have overlapped). Deleting a
// resource does not remove its id (capture 002 lists stale ids).
//
// Checking. Owners and admins pass every check below; any other role (the
// member role, a custom role) needs the id in its list, else 401
// UNAUTHORIZED:
//   - application.create, compose.create and the database creates: the
//     environment's project in accessedProjects, "You don't have access
//     to this project" (checkServiceAccess(ctx, projectId, "create"),
//     permission.ts:263-281; application.ts:89, compose.ts:91,
//     postgres.ts:65, mysql.ts:64, mariadb.ts:64, mongo.ts:63, redis.ts:61,
//     libsql.ts:53);
//   - environment.create: its projectId in accessedProjects, the same
//     message (checkEnvironmentCreationPermission, permission.ts:318-335;
//     environment.ts:41);
//   - every other procedure of those routers whose input holds the
//     service's id (<router>Id): one, update, saveEnvironment, the
//     save*Provider, deploy, start, stop, delete/remove, changePassword,
//     saveExternalPort, ...: the id in accessedServices, "You don't have
//     access to this service" (checkServiceAccess and
//     checkServicePermissionAndAccess, permission.ts:244-291;
//     application.ts:144,649,703, compose.ts:141,195, postgres.ts:131,149,
//     ...). The .search procedures filter instead (search.go).
//
// Not modelled: the role's permissions (checkPermission: a member's
// canCreateServices and the like, or a custom role's statements), which
// the fake grants every key; the children's procedures (domain.create,
// port.create, mounts.create, ... check their service's access too); and
// project.all and project.one, which for such a role list only the
// projects, environments and services of the lists (routers/project.ts:
// 112-209, 222-335) and which the fake answers as for an owner.

// appendsAccess are the procedures whose handlers grant access
// (grantAccess), with the evidence above.
var appendsAccess = map[string]bool{
	"project.create":     true,
	"environment.create": true,
	"application.create": true,
	"compose.create":     true,
}

func init() {
	for _, k := range dbKinds {
		appendsAccess[k.name+".create"] = true
	}
}

// AppendsAccess reports whether proc adds the id it creates to the
// caller's access lists by read-modify-write (see access.go).
func AppendsAccess(proc string) bool { return appendsAccess[proc] }

// serviceRouters are the routers of services: their procedures that take
// the service's id check the caller's access to it.
var serviceRouters = func() map[string]bool {
	m := map[string]bool{"application": true, "compose": true}
	for _, k := range dbKinds {
		m[k.name] = true
	}
	return m
}()

// accessLists are the member's lists that creates append to.
var accessLists = []string{"accessedProjects", "accessedEnvironments", "accessedServices"}

// SetRole sets the role of the member every key of the fake belongs to:
// "owner" (the default), "admin", "member" or a custom role's name.
func (s *Server) SetRole(role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Member["role"] = role
}

// Accessed returns a copy of one of the member's access lists
// (accessedProjects, accessedEnvironments or accessedServices).
func (s *Server) Accessed(list string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	l, _ := s.st.Member[list].([]any)
	for _, id := range l {
		out = append(out, str(id))
	}
	return out
}

// accessSnapshot is the member's lists as a batch's creates read them
// before any of them writes; callers hold s.mu.
func (s *Server) accessSnapshot() row {
	base := row{}
	for _, l := range accessLists {
		old, _ := s.st.Member[l].([]any)
		base[l] = append([]any{}, old...)
	}
	return base
}

// grantAccess adds id to one of the member's access lists, as Dokploy's
// addNewProject, addNewEnvironment and addNewService do for the creator:
// to the list as read before the current batch, when one runs.
func (s *Server) grantAccess(list, id string) {
	old, _ := s.st.Member[list].([]any)
	if s.accessBase != nil {
		old, _ = s.accessBase[list].([]any)
	}
	s.st.Member[list] = append(append([]any{}, old...), id)
}

// checkAccess is the access check of proc for a role other than owner and
// admin (see above); callers hold s.mu.
func (s *Server) checkAccess(proc string, in map[string]any) *apiError {
	if role := str(s.st.Member["role"]); role == "owner" || role == "admin" {
		return nil
	}
	router, name, _ := strings.Cut(proc, ".")
	switch {
	case proc == "environment.create":
		return s.needAccess("accessedProjects", str(in["projectId"]), "project")
	case !serviceRouters[router] || name == "search":
		return nil
	case name == "create":
		e := s.find(environmentTable, str(in["environmentId"]))
		if e == nil {
			return nil // findEnvironmentById fails first: the handler's 404
		}
		return s.needAccess("accessedProjects", str(e["projectId"]), "project")
	}
	if id, ok := in[router+"Id"].(string); ok {
		return s.needAccess("accessedServices", id, "service")
	}
	return nil
}

// needAccess fails unless id is in the member's list.
func (s *Server) needAccess(list, id, what string) *apiError {
	l, _ := s.st.Member[list].([]any)
	for _, x := range l {
		if str(x) == id {
			return nil
		}
	}
	return &apiError{code: "UNAUTHORIZED", message: "You don't have access to this " + what}
}
