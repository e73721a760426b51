package dokploytest

import (
	"net/http"
	"strings"
)

// DefaultPoolSize is the size of Dokploy's Postgres pool: postgres.js's
// default max of 10 connections (packages/server/src/db/index.ts:20
// `postgres(dbUrl)`; postgres@3.4.4 src/index.js:449 `max: 10`).
const DefaultPoolSize = 10

// poolHolding are the procedures that, on Dokploy v0.30.2, hold a pool
// connection in a transaction while they need another one (QUIRKS P1,
// captures 390-391):
//   - domain.create: createDomain opens db.transaction
//     (services/domain.ts:18) and reads findApplicationById (:36) through
//     the global db, not tx;
//   - redirects.create: createRedirect, redirect.ts:31, then :47;
//   - security.create: createSecurity, security.ts:30, then :31;
//   - security.update: updateSecurityById, security.ts:94, then :95
//     findSecurityById and :97 findApplicationById;
//   - mounts.update: updateMount, mount.ts:179, then :196 findMountById;
//   - <db>.changePassword: routers/postgres.ts:450 (mysql.ts:443,
//     mariadb.ts:425, mongo.ts:444, redis.ts:431) hold a transaction open
//     across a `docker exec` in the database's container: not a deadlock
//     by itself, but a connection held for seconds, so it counts;
//   - registry.create: createRegistry opens db.transaction
//     (services/registry.ts:44), inserts through tx (:45) and runs
//     `docker login` inside it (:76): a connection held for the login;
//     with a serverId the login goes through execAsyncRemote (:74), which
//     reads findServerById (utils/process/execAsync.ts:148,
//     services/server.ts:40) through the global db: a second one.
//
// Checked and not pool-holding: sshKey.create (its transaction,
// services/ssh-key.ts:14, uses only tx), every notification.create* and
// update* (services/notification.ts:51 to :1197, tx only),
// application.create with a serverId (application.ts:69, tx only), and
// the server, certificates, git provider, start, stop and update
// procedures, which open no transaction.
//
// The client keeps its own table (dokploy.PoolHolding); a test checks that
// they agree.
var poolHolding = map[string]bool{
	"domain.create":           true,
	"redirects.create":        true,
	"security.create":         true,
	"security.update":         true,
	"mounts.update":           true,
	"postgres.changePassword": true,
	"mysql.changePassword":    true,
	"mariadb.changePassword":  true,
	"mongo.changePassword":    true,
	"redis.changePassword":    true,
	"registry.create":         true,
}

// PoolHolding reports whether the fake models proc as holding a pool
// connection in a transaction while it needs a second one.
func PoolHolding(proc string) bool { return poolHolding[proc] }

// poolFault is the Request.Fault of a request that hung on the wedged pool.
const poolFault = "pool deadlock"

// poolEnter registers the pool-holding calls of a request as it arrives:
// each takes its transaction's connection. It returns how many it took
// (give them back with poolLeave). When the calls in flight reach the pool
// size, the server is wedged.
func (s *Server) poolEnter(r *http.Request) int {
	n := 0
	if r.Method == http.MethodPost {
		for _, p := range requestProcs(r) {
			if proc := s.routes[strings.ToLower(p)]; proc != nil && poolHolding[proc.name] {
				n++
			}
		}
	}
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	s.poolBusy += n
	s.poolPeak = max(s.poolPeak, s.poolBusy)
	if n > 0 && s.poolBusy >= s.opts.PoolSize {
		s.wedged = true
	}
	return n
}

func (s *Server) poolLeave(n int) {
	if n == 0 {
		return
	}
	s.poolMu.Lock()
	s.poolBusy -= n
	s.poolMu.Unlock()
}

// poolWait hangs a request of a wedged server until the client gives up
// (false), the server closes (false) or Unwedge is called (true). It
// returns at once, with ok, when the server is not wedged.
func (s *Server) poolWait(r *http.Request) (hung, unwedged bool) {
	s.poolMu.Lock()
	wedged, ch := s.wedged, s.unwedge
	s.poolMu.Unlock()
	if !wedged {
		return false, false
	}
	select {
	case <-r.Context().Done():
		return true, false
	case <-s.quit:
		return true, false
	case <-ch:
		return true, true
	}
}

// Wedged reports whether the pool is deadlocked: every request that needs
// the database hangs until Unwedge.
func (s *Server) Wedged() bool {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	return s.wedged
}

// PoolPeak is the most pool-holding calls that were in flight at once.
func (s *Server) PoolPeak() int {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	return s.poolPeak
}

// Unwedge ends the deadlock as terminating the stuck Postgres backends does
// on a real server: the requests hanging get 500 "terminating connection
// due to administrator command" without being run, and later requests are
// served again.
func (s *Server) Unwedge() {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	if s.wedged {
		s.wedged = false
		close(s.unwedge)
		s.unwedge = make(chan struct{})
	}
}
