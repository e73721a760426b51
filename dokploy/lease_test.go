package dokploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

func leaseClient(t *testing.T, s *dokploytest.Server) *dokploy.Client {
	t.Helper()
	c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Many applies taking over one stale lease at once: exactly one gets it
// (the fake's constant latency keeps them in step, so this does not force
// the interleaving where a remove by name would delete the winner's fresh
// tag; removing by id rules that out, see acquire).
func TestAcquireStaleTakeoverIsRaceSafe(t *testing.T) {
	for round := range 10 {
		s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: int64(round + 1), Latency: 5 * time.Millisecond})
		old, _ := json.Marshal(dokploy.LeaseHolder{Host: "gone", PID: 1, Started: time.Now().Add(-2 * time.Hour), Expires: time.Now().Add(-time.Hour)})
		if _, err := s.Call("tag.create", map[string]any{"name": dokploy.LeaseName("shop"), "color": string(old)}); err != nil {
			t.Fatal(err)
		}
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = leaseClient(t, s).Acquire(context.Background(), []string{"shop"}, dokploy.LeaseOptions{Host: "h", PID: i, TTL: time.Hour})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			var held *dokploy.HeldError
			switch {
			case err == nil:
				won++
			case !errors.As(err, &held):
				t.Errorf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d applies took the lease, want 1 (%v)", round, won, errs)
		}
	}
}

// A create whose answer was lost, but which was made: the tag carries this
// holder's metadata, so it is this apply's lease, not another's.
func TestAcquireLostAnswerIsOurs(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k",
		Faults: []dokploytest.Fault{{Kind: dokploytest.FaultLoseAnswer, Procs: []string{"tag.create"}, Times: 1}}})
	c := leaseClient(t, s)
	leases, err := c.Acquire(context.Background(), []string{"shop"}, dokploy.LeaseOptions{Host: "h", PID: 7, TTL: time.Hour})
	if err != nil || len(leases) != 1 {
		t.Fatalf("leases %v, %v", leases, err)
	}
	if err := c.Release(context.Background(), leases); err != nil {
		t.Fatal(err)
	}
	if tag, _, err := c.FindLease(context.Background(), "shop"); tag != nil || err != nil {
		t.Errorf("after release: %v, %v", tag, err)
	}
}
