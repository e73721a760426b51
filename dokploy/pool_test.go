package dokploy_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// The client's tables of procedures are the fake's (both cite the Dokploy
// source they come from): the pool-holding ones, and the creates that
// append to the member's access lists.
func TestProcedureTablesMatchTheFake(t *testing.T) {
	s := dokploytest.New(dokploytest.Options{})
	for _, tc := range []struct {
		what         string
		client, fake func(string) bool
		want         int
	}{
		{"pool-holding", dokploy.PoolHolding, dokploytest.PoolHolding, 11},
		{"appends access", dokploy.AppendsAccess, dokploytest.AppendsAccess, 10},
	} {
		n := 0
		for _, p := range s.Procedures() {
			if tc.client(p) != tc.fake(p) {
				t.Errorf("%s: client says %s %v, the fake %v", p, tc.what, tc.client(p), tc.fake(p))
			}
			if tc.client(p) {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%d procedures %s, want %d", n, tc.what, tc.want)
		}
	}
}

// inflight counts the calls in flight through a transport: those of
// procedures counts names, mutations when it is nil.
type inflight struct {
	next      http.RoundTripper
	counts    func(proc string) bool
	cur, peak atomic.Int64
}

func (f *inflight) RoundTrip(r *http.Request) (*http.Response, error) {
	counts := f.counts
	if counts == nil {
		counts = func(p string) bool { return !dokploy.IsQuery(p) }
	}
	n := int64(0) // a tRPC path names every call of its batch, a REST path its one
	for _, p := range strings.Split(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], ",") {
		if counts(p) {
			n++
		}
	}
	cur := f.cur.Add(n)
	for {
		p := f.peak.Load()
		if cur <= p || f.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	defer f.cur.Add(-n)
	return f.next.RoundTrip(r)
}

// Many Do at once, each with pool-holding calls and other mutations: the
// fake never sees more than MaxPoolCalls pool-holding calls in flight, nor
// the transport more than MaxMutations mutations.
func TestPoolCallsBoundedAcrossConcurrentDo(t *testing.T) {
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
		t.Run(api, func(t *testing.T) {
			s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Latency: 20 * time.Millisecond})
			env := seed(t, s, "shop", 0)
			app := call(t, s, "application.create", map[string]any{"name": "a", "environmentId": env})["applicationId"]
			tr := &inflight{next: http.DefaultTransport}
			const maxMutations = 12 // less than the 128 the Do calls send together
			c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: api, Parallelism: 32, MaxMutations: maxMutations,
				HTTPClient: &http.Client{Transport: tr}})
			if err != nil {
				t.Fatal(err)
			}
			concurrentDo(t, c, 8, func(g int) []*dokploy.Call {
				var calls []*dokploy.Call
				for i := range 6 {
					calls = append(calls, dokploy.NewCall("domain.create", map[string]any{"host": fmt.Sprintf("g%d-%d.example.com", g, i),
						"applicationId": app, "port": 80, "https": false, "certificateType": "none", "domainType": "application"}, nil))
				}
				for i := range 10 {
					calls = append(calls, dokploy.NewCall("project.create", map[string]any{"name": fmt.Sprintf("p%d-%d", g, i)}, nil))
				}
				return append(calls, dokploy.NewCall("project.all", nil, nil))
			})
			if p := s.PoolPeak(); p > dokploy.DefaultMaxPoolCalls || p == 0 {
				t.Errorf("%d pool-holding calls in flight at most, want 1..%d", p, dokploy.DefaultMaxPoolCalls)
			}
			if p := tr.peak.Load(); p > maxMutations || p <= dokploy.DefaultMaxPoolCalls {
				t.Errorf("%d mutations in flight at most, want %d..%d", p, dokploy.DefaultMaxPoolCalls+1, maxMutations)
			}
			if s.Wedged() {
				t.Error("the fake is wedged")
			}
		})
	}
}

// One Do of 20 pool-holding calls, 30 other mutations and a read: the
// pool stream's 5 waves of 4 set the round trips; the other mutations (2
// waves of 12) and the read travel beside them.
func TestPoolWavesAreTheRoundTrips(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	env := seed(t, s, "shop", 0)
	app := call(t, s, "application.create", map[string]any{"name": "a", "environmentId": env})["applicationId"]
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", MaxMutations: 16})
	var calls []*dokploy.Call
	for i := range 20 {
		calls = append(calls, dokploy.NewCall("domain.create", map[string]any{"host": fmt.Sprintf("d%d.example.com", i),
			"applicationId": app, "port": 80, "https": false, "certificateType": "none", "domainType": "application"}, nil))
	}
	for i := range 30 {
		calls = append(calls, dokploy.NewCall("project.create", map[string]any{"name": fmt.Sprint("p", i)}, nil))
	}
	calls = append(calls, dokploy.NewCall("project.all", nil, nil))
	if err := c.Do(context.Background(), calls...); err != nil {
		t.Fatal(err)
	}
	if c.RoundTrips() != 5 || c.Requests() != 5+3+1 {
		t.Errorf("%d requests in %d round trips, want 9 in 5", c.Requests(), c.RoundTrips())
	}
	for _, r := range s.Requests() {
		pool := 0
		for _, p := range r.Procs {
			if dokploy.PoolHolding(p) {
				pool++
			}
		}
		if pool > 0 && pool != len(r.Procs) || pool > 4 {
			t.Errorf("a request carries %v", r.Procs)
		}
	}
}

// A pool-holding call whose answer is lost keeps its pool slot for one
// Timeout: the server may still hold its connection.
func TestLostPoolAnswerKeepsItsSlotForATimeout(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k",
		Faults: []dokploytest.Fault{{Kind: dokploytest.FaultLoseAnswer, Procs: []string{"domain.create"}, Times: 1}}})
	env := seed(t, s, "shop", 0)
	app := call(t, s, "application.create", map[string]any{"name": "a", "environmentId": env})["applicationId"]
	const timeout = 400 * time.Millisecond
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", Timeout: timeout})
	domains := func(n int) []*dokploy.Call {
		var calls []*dokploy.Call
		for i := range n {
			calls = append(calls, dokploy.NewCall("domain.create", map[string]any{"host": fmt.Sprintf("d%d.example.com", i),
				"applicationId": app, "port": 80, "https": false, "certificateType": "none", "domainType": "application"}, nil))
		}
		return calls
	}
	if err := c.Do(context.Background(), domains(1)...); !dokploy.IsUncertain(err) {
		t.Fatalf("err = %v, want uncertain", err)
	}
	start := time.Now()
	if err := c.Do(context.Background(), domains(4)...); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < timeout/2 {
		t.Errorf("4 pool-holding calls sent after %s, want them to wait for the lost call's slot (%s)", d, timeout)
	}
}

// concurrentDo runs n Do of c at once, the g-th with calls(g), and fails
// the test on any error.
func concurrentDo(t *testing.T, c *dokploy.Client, n int, calls func(g int) []*dokploy.Call) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for g := range n {
		wg.Go(func() { errs <- c.Do(context.Background(), calls(g)...) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
