package dokploy

// appendsAccess are the procedures that add the id they create to the
// caller's access lists (its member row's accessedProjects,
// accessedEnvironments, accessedServices) by read-modify-write. In Dokploy
// v0.30.2 (packages/server/src/services/permission.ts,
// apps/dokploy/server/api/routers):
//   - project.create: addNewProject and addNewEnvironment for its default
//     environment (routers/project.ts:89,91);
//   - environment.create: addNewEnvironment (environment.ts:59);
//   - application.create, compose.create, postgres, mysql, mariadb, mongo,
//     redis and libsql.create: addNewService (application.ts:121,
//     compose.ts:124, postgres.ts:98, mysql.ts:97, mariadb.ts:97,
//     mongo.ts:96, redis.ts:94, libsql.ts:86).
//
// Each reads the member row (findMemberByUserId) and writes the list back
// whole, `[...memberRecord.accessedServices, serviceId]`, with no lock and
// no transaction (permission.ts:358,375,398). tRPC runs a batch's items
// concurrently, and each create awaits several queries before it, so N
// creates sent together read the same list and the last write wins: all
// but one new id are lost. Owners and admins do not notice
// (checkServiceAccess and the other checks skip the lists for them,
// permission.ts:244-291); any other role (member, or a custom role) then
// cannot read, update or deploy what it created ("You don't have access
// to this service"), nor create services in a project it lost ("... to
// this project"), until an owner gives it access. The other procedures
// that call them, compose.deployTemplate (compose.ts:650),
// project.duplicate (project.ts:1225) and ai.deploy (ai.ts:391), are not
// called by dokploy-sync.
//
// For such a role (Client.SetRole) the client sends these calls one at a
// time, over every request it has out (schedule.go).
var appendsAccess = map[string]bool{
	"project.create":     true,
	"environment.create": true,
	"application.create": true,
	"compose.create":     true,
	"postgres.create":    true,
	"mysql.create":       true,
	"mariadb.create":     true,
	"mongo.create":       true,
	"redis.create":       true,
	"libsql.create":      true,
}

// AppendsAccess reports whether proc adds what it creates to the caller's
// access lists by read-modify-write (see appendsAccess).
func AppendsAccess(proc string) bool { return appendsAccess[proc] }

// SerialCreates reports whether a key of role must send its AppendsAccess
// calls one at a time: any role but owner and admin, whose access the
// lists do not limit. An unknown role ("": user.get answered no member)
// keeps the batching: Dokploy's creates then fail on the missing member
// row (findMemberByUserId) whatever their number.
func SerialCreates(role string) bool {
	return role != "" && role != "owner" && role != "admin"
}

// SetRole tells the client the role of its key in the organization
// (user.get's member.role; Observe calls it). For a role SerialCreates
// names, the calls AppendsAccess names go one at a time.
func (c *Client) SetRole(role string) { c.serial.Store(SerialCreates(role)) }
