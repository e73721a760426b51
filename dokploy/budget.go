package dokploy

import (
	"fmt"
	"sync/atomic"
)

// BudgetError is the error of calls that were not sent because the client
// reached Options.MaxRequests (--max-requests).
type BudgetError struct {
	Max int
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("request budget of %d HTTP requests reached; raise --max-requests", e.Max)
}

// budget bounds the HTTP requests of a client. A round trip reserves all its
// requests before sending the first, so that it is sent whole or not at all;
// a request that ends up not sent (cancelled) gives its unit back.
type budget struct {
	max  int64        // 0: no limit
	used atomic.Int64 // reserved or sent
	err  *BudgetError
}

func newBudget(max int) *budget {
	return &budget{max: int64(max), err: &BudgetError{Max: max}}
}

// reserve takes n units, or none when fewer than n are left.
func (b *budget) reserve(n int) bool {
	if b.max <= 0 {
		return true
	}
	for {
		used := b.used.Load()
		if used+int64(n) > b.max {
			return false
		}
		if b.used.CompareAndSwap(used, used+int64(n)) {
			return true
		}
	}
}

// force takes n units even past the limit (the release of the leases,
// which must never be refused), so that releasing them later balances.
func (b *budget) force(n int) {
	if b.max > 0 {
		b.used.Add(int64(n))
	}
}

// release gives back n units reserved but not used.
func (b *budget) release(n int) {
	if b.max > 0 {
		b.used.Add(-int64(n))
	}
}

// reserve takes n units of the budget for calls; when there are not enough
// it sets every call's Err to the *BudgetError and reports false.
func (c *Client) reserve(n int, calls []*Call) bool {
	if c.budget.reserve(n) {
		return true
	}
	c.logf("not sending %d requests (%d calls): the request budget of %d is reached", n, len(calls), c.budget.max)
	for _, call := range calls {
		call.Err = c.budget.err
	}
	return false
}
