package dokploy

// hostWork are the procedures that make Dokploy run commands on the
// panel's host (or over SSH on a remote server) and answer only when they
// have ended. In Dokploy v0.30.2 (apps/dokploy/server/api/routers):
//   - application.delete: removeDeployments, removeDirectoryCode,
//     removeTraefikConfig and removeService (`docker service rm`), one
//     after the other (application.ts:257-277);
//   - compose.delete: removeCompose (`docker compose down` or
//     `docker stack rm`) and the directories (compose.ts:259-261);
//   - application/compose/<db>.stop and .start: `docker service scale
//     APP=0|1` (packages/server/src/utils/docker/utils.ts:111-125,
//     423-438), which waits for the service to converge, or stopCompose /
//     startCompose (application.ts:298,320, compose.ts:517,533,
//     postgres.ts:157,181, the same in mysql, mariadb, mongo, redis and
//     libsql);
//   - <db>.remove: removeService (postgres.ts:326, libsql.ts:330, ...);
//   - <db>.deploy: the deploy itself, synchronous (deployPostgres at
//     postgres.ts:241: pulls the image, creates the service).
//
// Each spawns a docker CLI process or an SSH session for seconds:
// hundreds at once may exhaust a small panel's memory. The
// client keeps at most Options.MaxHostCalls of them in flight. None holds
// a pool connection meanwhile (no transaction around the commands), so
// they are not PoolHolding. application.deploy and compose.deploy are not
// here: they only queue the deploy (Dokploy's queue runs them in turn).
var hostWork = func() map[string]bool {
	m := map[string]bool{"application.delete": true, "compose.delete": true}
	for _, k := range []string{"application", "compose", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql"} {
		m[k+".stop"], m[k+".start"] = true, true
	}
	for _, k := range []string{"postgres", "mysql", "mariadb", "mongo", "redis", "libsql"} {
		m[k+".remove"], m[k+".deploy"] = true, true
	}
	return m
}()

// HostWork reports whether proc makes Dokploy run commands on its host
// before it answers (see hostWork).
func HostWork(proc string) bool { return hostWork[proc] }
