package dokploy

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// The calls of one Do are scheduled as streams that run side by side:
//
//   - the reads: one wave, in as few tRPC batches as the URL budget allows,
//     MaxReadBatches of them in flight at once (REST: a request each,
//     Parallelism at once);
//   - the pool-holding mutations (PoolHolding): waves of at most
//     MaxPoolCalls calls, one after the other;
//   - the mutations that run commands on Dokploy's host (HostWork):
//     waves of at most MaxHostCalls calls, one after the other;
//   - when the key's role is neither owner nor admin (Client.SetRole), the
//     creates that add to the member's access lists (AppendsAccess):
//     waves of one call, one after the other, so that each reads the
//     member row the one before wrote (access.go);
//   - the other mutations: waves of at most MaxMutations calls, less what
//     the other mutation streams of the same Do take, one after the other.
//
// A wave is a set of requests sent at once: a tRPC wave travels in one
// batch (more when the URL budget cuts it), a REST wave in a request per
// call. Before its requests are sent, a wave acquires its weight on the
// client-wide semaphores (its pool-holding calls on the pool semaphore, its
// host work on the host semaphore, its serial creates on the access
// semaphore of one, its mutations on the mutation semaphore), so that the
// bounds hold across every Do in flight; it gives the weight back when its
// answers are in.
//
// RoundTrips counts, per Do, the latency periods of its longest stream:
// per wave that sent a request, its requests divided by how many may be
// in flight at once (Client.RoundTrips). With many pool-holding calls,
// about their number divided by MaxPoolCalls, whatever the other calls;
// with serial creates, at least their number.
//
// A pool-holding call whose answer is lost (sent, no answer: an
// *UncertainError) may still be holding its connection on the server, the
// more so after a timeout. Its pool slot is therefore given back only one
// Options.LostAnswerHold (default Options.Timeout, the time the server was
// allowed for it) later; the other
// slots of the wave are given back at once. The same holds for a serial
// create (access.go) whose answer is lost: it may still be reading and
// writing the member's access lists, so the next create waits. The slot is
// not kept for good: a few lost answers must not stop the client.

// stream is which of a Do's streams a wave belongs to.
type stream int

const (
	readStream   stream = iota
	poolStream          // PoolHolding mutations
	serialStream        // AppendsAccess creates of a key that must send them one at a time
	hostStream          // HostWork mutations
	mutStream           // the other mutations
)

// wave is calls sent at once.
type wave struct {
	rest    bool      // sent on REST: one request per call
	batches [][]*Call // the requests (tRPC batches, or one call each)
	stream  stream
	calls   int // its weight on the stream's semaphore and, but reads, the mutation one
}

// sem is the client-wide semaphore the waves of s take besides the
// mutation one; nil for reads and the other mutations.
func (c *Client) sem(s stream) *semaphore {
	switch s {
	case poolStream:
		return c.poolSem
	case serialStream:
		return c.accessSem
	case hostStream:
		return c.hostSem
	}
	return nil
}

// waves cuts the calls of stream s into waves of at most size calls (all
// of them when size is 0).
func (c *Client) waves(s stream, calls []*Call, size int) []*wave {
	rest := c.rest.Load()
	var out []*wave
	for len(calls) > 0 {
		n := len(calls)
		if size > 0 {
			n = min(n, size)
		}
		part := calls[:n]
		calls = calls[n:]
		w := &wave{rest: rest, stream: s, calls: n}
		if rest {
			for _, call := range part {
				w.batches = append(w.batches, []*Call{call})
			}
		} else {
			w.batches = c.chunk(part)
		}
		out = append(out, w)
	}
	return out
}

// schedule sends calls (encoded, ctx alive) in streams of waves. It returns
// the calls that tRPC refused as a whole (*errRefused), not run: when the
// client may fall back to REST, the first refusal stops the tRPC waves not
// yet sent, and their calls are returned too.
func (c *Client) schedule(ctx context.Context, calls []*Call) (refused []*Call) {
	var reads, pool, host, serial, muts []*Call
	serialize := c.serial.Load()
	for _, call := range calls {
		switch {
		case IsQuery(call.Proc):
			reads = append(reads, call)
		case PoolHolding(call.Proc):
			pool = append(pool, call)
		case serialize && AppendsAccess(call.Proc):
			serial = append(serial, call)
		case HostWork(call.Proc):
			host = append(host, call)
		default:
			muts = append(muts, call)
		}
	}
	poolWave := min(len(pool), c.opts.MaxPoolCalls)
	serialWave := min(len(serial), 1)
	hostWave := min(len(host), c.opts.MaxHostCalls, max(1, c.opts.MaxMutations-poolWave-serialWave))
	streams := [][]*wave{
		c.waves(readStream, reads, 0),
		c.waves(poolStream, pool, poolWave),
		c.waves(serialStream, serial, 1),
		c.waves(hostStream, host, hostWave),
		c.waves(mutStream, muts, max(1, c.opts.MaxMutations-poolWave-serialWave-hostWave)),
	}
	n := 0
	for _, s := range streams {
		for _, w := range s {
			n += len(w.batches)
		}
	}
	// The whole Do is sent or none of it. The release of the leases is
	// never refused: a lease left behind would block the next apply.
	if ctx.Value(noAbortKey{}) != nil {
		c.budget.force(n)
	} else if !c.reserve(n, calls) {
		return nil
	}
	var stop atomic.Bool // a tRPC refusal: REST takes the rest
	var longest atomic.Int64
	parallel(len(streams), func(i int) {
		sent := int64(c.stream(ctx, streams[i], &stop))
		for {
			cur := longest.Load()
			if sent <= cur || longest.CompareAndSwap(cur, sent) {
				break
			}
		}
	})
	c.roundTrips.Add(longest.Load())
	for _, call := range calls {
		var r *errRefused
		if errors.As(call.Err, &r) {
			refused = append(refused, call)
		}
	}
	return refused
}

// stream sends waves one after the other and returns the latency periods
// they took (rounds).
func (c *Client) stream(ctx context.Context, waves []*wave, stop *atomic.Bool) int {
	sent := 0
	for i, w := range waves {
		err := ctx.Err()
		if err == nil && stop.Load() && !w.rest {
			err = &errRefused{}
		}
		if err == nil {
			err = c.acquire(ctx, w)
		}
		if err != nil {
			c.abandon(waves[i:], func(*Call) error { return err })
			return sent
		}
		sent += c.rounds(w)
		parallel(len(w.batches), func(j int) {
			if w.rest {
				c.sendREST(ctx, w.batches[j][0])
			} else {
				c.sendTRPC(ctx, w.batches[j])
			}
		})
		c.releaseWave(w)
		if _, refused := callErr[*errRefused](w); refused && !w.rest && c.opts.API != APITRPC {
			stop.Store(true)
		}
		if e, ok := callErr[*timeoutError](w); ok && i+1 < len(waves) {
			// An overloaded or wedged server: do not add to its load.
			c.logf("a request got no answer in time; not sending the %d waves after it", len(waves)-i-1)
			c.abandon(waves[i+1:], func(call *Call) error {
				return fmt.Errorf("%s: not sent: an earlier request of the same step got no answer (%v)", call.Proc, e)
			})
			return sent
		}
	}
	return sent
}

// rounds is the latency periods a wave's requests take: all at once, or in
// turns when more than may be in flight at once.
func (c *Client) rounds(w *wave) int {
	if len(w.batches) == 0 {
		return 0
	}
	bound := cap(c.slotsFor(!w.rest, w.batches[0][0].Proc))
	return (len(w.batches) + bound - 1) / bound
}

// abandon gives back the budget of waves not sent and sets their calls' Err.
func (c *Client) abandon(waves []*wave, why func(*Call) error) {
	for _, w := range waves {
		c.budget.release(len(w.batches))
		for _, b := range w.batches {
			for _, call := range b {
				call.Err = why(call)
			}
		}
	}
}

// acquire takes a wave's weight on the client-wide semaphores: its
// stream's own, and the mutation one but for reads.
func (c *Client) acquire(ctx context.Context, w *wave) error {
	if w.stream == readStream {
		return nil
	}
	own := c.sem(w.stream)
	if own != nil {
		if err := own.acquire(ctx, w.calls); err != nil {
			return err
		}
	}
	if err := c.mutSem.acquire(ctx, w.calls); err != nil {
		if own != nil {
			own.release(w.calls)
		}
		return err
	}
	return nil
}

// lostHold says why the slots of a stream's calls whose answer was lost
// stay taken (see hold); the streams not named give them back at once.
var lostHold = map[stream]string{
	poolStream:   "pool-holding calls without an answer: their pool slots stay taken for %s (the server may still hold the connections)",
	serialStream: "creates of the key's role without an answer: the next create waits %s (the server may still be adding to the member's access lists)",
}

// releaseWave gives a sent wave's weight back; the pool slot of a
// pool-holding call whose answer was lost, and the access slot of a
// serial create whose answer was lost, only one Timeout later.
func (c *Client) releaseWave(w *wave) {
	if w.stream == readStream {
		return
	}
	c.mutSem.release(w.calls)
	own := c.sem(w.stream)
	if own == nil {
		return
	}
	lost := 0
	if why, holds := lostHold[w.stream]; holds {
		for _, b := range w.batches {
			for _, call := range b {
				if IsUncertain(call.Err) {
					lost++
				}
			}
		}
		c.hold(own, w.calls, lost, why)
		return
	}
	own.release(w.calls)
}

// hold gives back weight on sem but lost of it, which it gives back one
// LostAnswerHold later: calls whose answer was lost may still be running
// on the server. why says so, with %s for the time.
func (c *Client) hold(sem *semaphore, weight, lost int, why string) {
	sem.release(weight - lost)
	if lost > 0 {
		c.logf("%d "+why, lost, c.opts.LostAnswerHold)
		time.AfterFunc(c.opts.LostAnswerHold, func() { sem.release(lost) })
	}
}

// callErr returns the first error of a call of w that is a *T.
func callErr[T error](w *wave) (T, bool) {
	for _, b := range w.batches {
		for _, call := range b {
			var e T
			if errors.As(call.Err, &e) {
				return e, true
			}
		}
	}
	var zero T
	return zero, false
}
