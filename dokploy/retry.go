package dokploy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Retry bounds the retries of reads. A query request that fails with a
// network error, 429, 500, 502, 503 or 504 is sent again after a wait drawn
// uniformly from [0, min(Cap, Base·2^(n-1))] before the n-th retry ("full
// jitter"), or the server's Retry-After when longer, up to Cap. The waits of
// one request therefore add up to at most (Attempts-1)·Cap. Mutations are
// never retried: their failures without an answer are *UncertainError.
type Retry struct {
	Attempts int           // tries of one request, the first included; default 4, 1 disables retries
	Base     time.Duration // default 200ms
	Cap      time.Duration // default 3s
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 4
	}
	if r.Base <= 0 {
		r.Base = 200 * time.Millisecond
	}
	if r.Cap <= 0 {
		r.Cap = 3 * time.Second
	}
	return r
}

// retryable reports whether a read that got this answer, or this network
// error (the caller's context still alive), may succeed when sent again.
//
// A request that timed out is not sent again: a server that did not answer
// within the client's timeout (a minute by default) is unlikely to answer
// the same read in time, and four attempts would keep the user waiting for
// minutes without a word.
func retryable(status int, err error) bool {
	if err != nil {
		var he *HostError
		var re *RedirectError
		if errors.As(err, &he) || errors.As(err, &re) {
			return false
		}
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the wait before retry number n (1 for the first retry).
func (r Retry) backoff(n int, retryAfter time.Duration) time.Duration {
	limit := r.Cap
	if n < 32 && r.Base<<(n-1) < limit {
		limit = r.Base << (n - 1)
	}
	d := time.Duration(rand.Int64N(int64(limit) + 1))
	if retryAfter > d {
		d = min(retryAfter, r.Cap)
	}
	return d
}

// wait waits before retry number attempt of a read that got ans or err. It
// reports false when the request budget has no request left for the retry,
// or when ctx ended during the wait (then with ctx's error).
func (c *Client) wait(ctx context.Context, rq *request, attempt int, ans answer, err error) (bool, error) {
	why := err
	if why == nil {
		why = fmt.Errorf("HTTP %d", ans.status)
	}
	if !c.budget.reserve(1) {
		c.logf("%s %s (%d calls): %v; not retrying: the request budget of %d is reached", rq.method, rq.path, len(rq.calls), why, c.budget.max)
		return false, nil
	}
	d := c.retry.backoff(attempt, ans.retryAfter)
	c.logf("%s %s (%d calls): %v; retry %d of %d in %s", rq.method, rq.path, len(rq.calls), why, attempt, c.retry.Attempts-1, d.Round(time.Millisecond))
	if c.opts.Log == nil && c.opts.Notice != nil {
		c.logMu.Lock()
		fmt.Fprintf(c.opts.Notice, "dokploy: %s %s: %v; retrying (%d of %d)\n", rq.method, rq.path, why, attempt, c.retry.Attempts-1)
		c.logMu.Unlock()
	}
	if err := c.sleep(ctx, d); err != nil {
		c.budget.release(1)
		return false, err
	}
	return true, nil
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// Sleep waits d, or less when ctx ends first (then it returns ctx.Err()).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
