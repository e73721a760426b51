package dokploy

import (
	"context"
	"sync"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// poolHolding are the procedures that hold one of Dokploy's Postgres pool
// connections for long or, worse, while they need a second one. The pool is
// postgres.js's default of 10 connections (packages/server/src/db/index.ts:20
// `postgres(dbUrl)`; postgres@3.4.4 src/index.js:449 `max: 10`), shared by
// every user of the panel, and tRPC runs a batch's items concurrently. In
// Dokploy v0.30.2 (packages/server/src/services, apps/dokploy/server/api/routers):
//   - domain.create: createDomain opens db.transaction (domain.ts:18) and,
//     inside it, reads findApplicationById (domain.ts:36) through the global
//     db (application.ts:95), not through tx: a second connection
//     (listed by kinds.Domain);
//   - redirects.create: createRedirect, db.transaction at redirect.ts:31,
//     then findApplicationById at :47 (listed by kinds.Redirect);
//   - security.create: createSecurity, db.transaction at security.ts:30,
//     then findApplicationById at :31 (kinds.Security);
//   - security.update: updateSecurityById, db.transaction at security.ts:94,
//     then findSecurityById at :95 and findApplicationById at :97
//     (kinds.Security);
//   - the procedures the other kinds' descriptions list
//     (kinds.Kind.PoolHolding), with their evidence there;
//   - mounts.update: updateMount, db.transaction at mount.ts:179, then
//     findMountById at :196 (db.query at :122) (kinds.Mount);
//   - postgres, mysql, mariadb, mongo and redis.changePassword: the router
//     keeps a transaction open across a `docker exec` into the database's
//     container (routers/postgres.ts:450, mysql.ts:443, mariadb.ts:425,
//     mongo.ts:444, redis.ts:431): one connection held for seconds;
//   - registry.create, which runs `docker login` inside its insert's
//     transaction (listed by kinds.Registry, with the evidence).
//
// Ten of the first five in flight leave all ten connections idle in
// transaction, each waiting for an eleventh: the whole panel hangs for every
// user until the backends are killed (QUIRKS P1, captures 390-391). The
// client keeps at most Options.MaxPoolCalls of these in flight.
var poolHolding = map[string]bool{
	"postgres.changePassword": true,
	"mysql.changePassword":    true,
	"mariadb.changePassword":  true,
	"mongo.changePassword":    true,
	"redis.changePassword":    true,
}

// PoolHolding reports whether proc holds a Dokploy pool connection while it
// needs another, or for seconds (see poolHolding).
func PoolHolding(proc string) bool { return poolHolding[proc] || kindsPool()[proc] }

// kindsPool are the pool-holding procedures of the described kinds.
var kindsPool = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, k := range kinds.All() {
		for _, p := range k.PoolHolding {
			m[p] = true
		}
	}
	return m
})

// semaphore is a weighted semaphore, first come first served: a large
// acquire waiting at the head is not overtaken by smaller ones.
type semaphore struct {
	mu      sync.Mutex
	size    int
	cur     int
	waiters []*waiter
}

type waiter struct {
	n     int
	ready chan struct{}
}

func newSemaphore(size int) *semaphore { return &semaphore{size: size} }

// acquire takes n (at most size) units, waiting until they are free or ctx
// ends (then it takes none and returns ctx's error).
func (s *semaphore) acquire(ctx context.Context, n int) error {
	if n == 0 {
		return nil
	}
	s.mu.Lock()
	if len(s.waiters) == 0 && s.cur+n <= s.size {
		s.cur += n
		s.mu.Unlock()
		return nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			s.cur -= n
			s.wake()
		default:
			for i, x := range s.waiters {
				if x == w {
					s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
					break
				}
			}
			s.wake() // it may have blocked smaller waiters behind it
		}
		return ctx.Err()
	}
}

// release gives back n units.
func (s *semaphore) release(n int) {
	if n == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur -= n
	s.wake()
}

// wake grants the waiters at the head that fit; callers hold s.mu.
func (s *semaphore) wake() {
	for len(s.waiters) > 0 && s.cur+s.waiters[0].n <= s.size {
		w := s.waiters[0]
		s.waiters = s.waiters[1:]
		s.cur += w.n
		close(w.ready)
	}
}
