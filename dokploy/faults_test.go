package dokploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// sleeps records the waits between retries instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.d)
}

// faulty starts a fake and a client of it that does not wait between
// retries.
func faulty(t *testing.T, fo dokploytest.Options, opts dokploy.Options) (*dokploytest.Server, *dokploy.Client, *sleeps) {
	t.Helper()
	fo.APIKey = "k"
	s := dokploytest.NewTestServer(t, fo)
	sl := &sleeps{}
	opts.BaseURL, opts.APIKey = s.URL(), "k"
	if opts.Sleep == nil {
		opts.Sleep = sl.sleep
	}
	c, err := dokploy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, sl
}

func faults(s *dokploytest.Server) string {
	var out []string
	for _, r := range s.Requests() {
		f := r.Fault
		if f == "" {
			f = fmt.Sprint(r.Status)
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

// waitRequests waits for the fake to log n requests (a request held until
// the client gives up is logged when the fake notices) and returns the log.
func waitRequests(s *dokploytest.Server, n int) []dokploytest.Request {
	for range 1000 {
		if len(s.Requests()) >= n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return s.Requests()
}

func projectNames(t *testing.T, s *dokploytest.Server) string {
	t.Helper()
	var names []string
	for _, p := range callList(t, s, "project.all") {
		names = append(names, p["name"].(string))
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func callList(t *testing.T, s *dokploytest.Server, proc string) []map[string]any {
	t.Helper()
	raw, err := s.Call(proc, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadsAreRetriedWithBackoff(t *testing.T) {
	for _, f := range []dokploytest.Fault{
		{Kind: dokploytest.FaultStatus, Status: 429},
		{Kind: dokploytest.FaultStatus, Status: 500},
		{Kind: dokploytest.FaultStatus, Status: 502},
		{Kind: dokploytest.FaultStatus, Status: 503},
		{Kind: dokploytest.FaultStatus, Status: 504},
		{Kind: dokploytest.FaultReset},
	} {
		t.Run(fmt.Sprint(f.Kind, f.Status), func(t *testing.T) {
			f.Times = 2
			s, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{f}}, dokploy.Options{})
			seed(t, s, "shop", 1)
			live, err := c.Observe(context.Background(), []string{"shop"})
			if err != nil {
				t.Fatal(err)
			}
			if len(live.Projects["shop"]) != 1 {
				t.Errorf("projects: %v", live.Projects)
			}
			if n := sl.count(); n != 2 {
				t.Errorf("%d retries, want 2: %s", n, faults(s))
			}
			for i, d := range sl.d {
				if limit := 200 * time.Millisecond << min(i, 4); d < 0 || d > limit {
					t.Errorf("wait %d = %s, want full jitter in [0, %s]", i, d, limit)
				}
			}
			if c.Requests() != int64(2+sl.count()) || c.RoundTrips() != 2 {
				t.Errorf("%d requests in %d round trips, want %d in 2", c.Requests(), c.RoundTrips(), 2+sl.count())
			}
		})
	}
}

// A read that timed out is not sent again: a server that does not answer
// within the timeout would keep the user waiting for minutes.
func TestReadTimeoutsAreNotRetried(t *testing.T) {
	s, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultTimeout, Times: 1}}},
		dokploy.Options{Timeout: 200 * time.Millisecond})
	err := c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil))
	if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("err = %v, want the timeout", err)
	}
	if n := sl.count(); n != 0 || c.Requests() != 1 {
		t.Errorf("%d retries and %d requests, want 0 and 1: %s", n, c.Requests(), faults(s))
	}
}

func TestReadRetriesAreBounded(t *testing.T) {
	s, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultStatus, Status: 503}}},
		dokploy.Options{Retry: dokploy.Retry{Attempts: 3, Base: time.Second, Cap: 1500 * time.Millisecond}})
	err := c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil))
	if err == nil || err.Error() != "project.all: HTTP 503: unexpected HTTP 503 answer that is not a Dokploy API answer (is the URL the Dokploy panel?)" {
		t.Errorf("err = %v", err)
	}
	if got := faults(s); got != "status 503 status 503 status 503" {
		t.Errorf("requests: %s, want 3 attempts", got)
	}
	if len(sl.d) != 2 || sl.d[0] > time.Second || sl.d[1] > 1500*time.Millisecond {
		t.Errorf("waits %v, want 2 under base then cap", sl.d)
	}
}

func TestMutationsAreNeverRetried(t *testing.T) {
	for _, tc := range []struct {
		fault   dokploytest.Fault
		applied bool
	}{
		{dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 500}, false},
		{dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 502}, false},
		{dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 503}, false},
		{dokploytest.Fault{Kind: dokploytest.FaultReset}, false},
		{dokploytest.Fault{Kind: dokploytest.FaultTimeout}, false},
		{dokploytest.Fault{Kind: dokploytest.FaultLoseAnswer}, true},
	} {
		for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
			t.Run(fmt.Sprint(tc.fault.Kind, tc.fault.Status, api), func(t *testing.T) {
				tc.fault.Times = 1
				opts := dokploy.Options{API: api}
				if tc.fault.Kind == dokploytest.FaultTimeout {
					opts.Timeout = 100 * time.Millisecond
				}
				s, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{tc.fault}}, opts)
				call := dokploy.NewCall("project.create", map[string]string{"name": "shop"}, nil)
				err := c.Do(context.Background(), call)
				var u *dokploy.UncertainError
				if !errors.As(err, &u) || call.Err != err || u.Proc != "project.create" {
					t.Fatalf("err = %#v, want an *UncertainError", err)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, "the outcome of project.create is unknown (") ||
					!strings.HasSuffix(msg, "): the request may or may not have been applied; dokploy-sync re-reads the live state before changing anything else") {
					t.Errorf("message: %s", msg)
				}
				if sl.count() != 0 || len(waitRequests(s, 1)) != 1 {
					t.Errorf("%d retries, %d requests: a mutation was sent again", sl.count(), len(s.Requests()))
				}
				if got := projectNames(t, s); (got == "shop") != tc.applied {
					t.Errorf("projects %q, applied should be %v", got, tc.applied)
				}
			})
		}
	}
}

func TestMutationRefusalsAreNotUncertain(t *testing.T) {
	// 429 is a refusal: nothing ran.
	_, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultStatus, Status: 429}}}, dokploy.Options{})
	err := c.Do(context.Background(), dokploy.NewCall("project.create", map[string]string{"name": "x"}, nil))
	if dokploy.IsUncertain(err) || err == nil || !strings.Contains(err.Error(), "HTTP 429") {
		t.Errorf("429: %v", err)
	}
	// No connection: nothing was sent.
	refuse := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}}
	c2, _ := dokploy.New(dokploy.Options{BaseURL: "http://127.0.0.1:9", APIKey: "k", API: dokploy.APIREST, HTTPClient: &http.Client{Transport: refuse}})
	err = c2.Do(context.Background(), dokploy.NewCall("project.create", map[string]string{"name": "x"}, nil))
	if err == nil || dokploy.IsUncertain(err) || err.Error() != "project.create: POST /api/project.create: cannot reach DOKPLOY_URL=http://127.0.0.1:9: connection refused: is Dokploy up and the URL right?" {
		t.Errorf("refused connection: %v", err)
	}
}

func TestPartialBatchFailure(t *testing.T) {
	s, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultFailItems, Items: []int{1, 3}}}}, dokploy.Options{})
	var calls []*dokploy.Call
	for i := range 5 {
		calls = append(calls, dokploy.NewCall("project.create", map[string]string{"name": fmt.Sprint("p", i)}, nil))
	}
	err := c.Do(context.Background(), calls...)
	if err == nil || err.Error() != "2 of 5 calls failed (2 project.create); first: project.create: HTTP 500: injected failure" {
		t.Errorf("err = %v", err)
	}
	for i, call := range calls {
		if (call.Err != nil) != (i == 1 || i == 3) {
			t.Errorf("call %d: %v", i, call.Err)
		}
	}
	var first *dokploy.Error
	if !errors.As(err, &first) || first.Status != 500 {
		t.Errorf("Do's error does not wrap the first failure: %#v", err)
	}
	if got := projectNames(t, s); got != "p0,p2,p4" {
		t.Errorf("projects %q: the failed items must not be applied", got)
	}

	// Reads: several procedures, named with their counts.
	env := seed(t, s, "shop", 3)
	s.SetFaults(dokploytest.Fault{Kind: dokploytest.FaultFailItems, Status: 404, Procs: []string{"postgres.one", "project.one"}})
	var reads []*dokploy.Call
	out := callList(t, s, "project.all")
	for _, p := range out {
		reads = append(reads, dokploy.NewCall("project.one", map[string]any{"projectId": p["projectId"]}, nil))
	}
	reads = append(reads, callEnv(t, s, env)...)
	err = c.Do(context.Background(), reads...)
	want := fmt.Sprintf("%d of %d calls failed (%d project.one, 3 postgres.one); first: project.one: not found: injected failure", len(out)+3, len(reads), len(out))
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// callEnv returns the .one calls of the services of an environment.
func callEnv(t *testing.T, s *dokploytest.Server, envID string) []*dokploy.Call {
	t.Helper()
	raw, err := s.Call("environment.one", map[string]any{"environmentId": envID})
	if err != nil {
		t.Fatal(err)
	}
	var env dokploy.Environment
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	var calls []*dokploy.Call
	for _, a := range env.Applications {
		calls = append(calls, dokploy.NewCall("application.one", map[string]string{"applicationId": a.ApplicationID}, nil))
	}
	for _, d := range env.Databases {
		calls = append(calls, dokploy.NewCall(d.Kind+".one", map[string]string{dokploy.IDKey(d.Kind): d.ID}, nil))
	}
	return calls
}

func TestFailedRequestIsAttributedToEachCall(t *testing.T) {
	for _, f := range []dokploytest.Fault{{Kind: dokploytest.FaultStatus, Status: 502}, {Kind: dokploytest.FaultReset}} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			_, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{f}}, dokploy.Options{Retry: dokploy.Retry{Attempts: 1}})
			calls := []*dokploy.Call{
				dokploy.NewCall("settings.getDokployVersion", nil, nil),
				dokploy.NewCall("user.get", nil, nil),
				dokploy.NewCall("project.all", nil, nil),
			}
			err := c.Do(context.Background(), calls...)
			if err == nil || !strings.HasPrefix(err.Error(), "3 of 3 calls failed (1 settings.getDokployVersion, 1 user.get, 1 project.all); first: settings.getDokployVersion: ") {
				t.Errorf("err = %v", err)
			}
			for _, call := range calls {
				if call.Err == nil || !strings.HasPrefix(call.Err.Error(), call.Proc+": ") {
					t.Errorf("%s: err = %v, want the request's failure under its name", call.Proc, call.Err)
				}
			}
		})
	}
}

func TestUnauthorizedAfterKRequests(t *testing.T) {
	_, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultUnauthorized, After: 1}}}, dokploy.Options{})
	if err := c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil)); err != nil {
		t.Fatal(err)
	}
	err := c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil), dokploy.NewCall("user.get", nil, nil))
	if !dokploy.IsUnauthorized(err) || !strings.Contains(err.Error(), dokploy.UnauthorizedHint) {
		t.Errorf("err = %v", err)
	}
	if sl.count() != 0 {
		t.Errorf("a 401 was retried")
	}
}

func TestMaxRequests(t *testing.T) {
	t.Run("observe", func(t *testing.T) {
		s, c, _ := faulty(t, dokploytest.Options{}, dokploy.Options{MaxRequests: 1})
		seed(t, s, "shop", 2)
		_, err := c.Observe(context.Background(), []string{"shop"})
		var be *dokploy.BudgetError
		if !errors.As(err, &be) || err.Error() != "request budget of 1 HTTP requests reached; raise --max-requests" {
			t.Errorf("err = %v", err)
		}
		if len(s.Requests()) != 1 || c.Requests() != 1 {
			t.Errorf("%d requests sent (%d counted), want 1", len(s.Requests()), c.Requests())
		}
	})
	t.Run("a round trip is sent whole or not at all", func(t *testing.T) {
		for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
			s, c, _ := faulty(t, dokploytest.Options{}, dokploy.Options{API: api, MaxRequests: 3, URLBudget: 1000})
			var calls []*dokploy.Call
			for i := range 250 { // 4 POST batches of names under 1000 bytes, or 250 REST requests
				calls = append(calls, dokploy.NewCall("project.create", map[string]string{"name": fmt.Sprint("p", i)}, nil))
			}
			c.Do(context.Background(), calls...)
			for _, call := range calls {
				var be *dokploy.BudgetError
				if !errors.As(call.Err, &be) {
					t.Fatalf("%s: %s: %v, want a budget error", api, call.Proc, call.Err)
				}
			}
			if len(s.Requests()) != 0 || s.MutationCount() != 0 || c.Requests() != 0 {
				t.Errorf("%s: %d requests sent", api, len(s.Requests()))
			}
			// What fits still goes.
			if err := c.Do(context.Background(), calls[:3]...); err != nil {
				t.Errorf("%s: %v", api, err)
			}
		}
	})
	t.Run("retries count", func(t *testing.T) {
		s, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultStatus, Status: 503}}}, dokploy.Options{MaxRequests: 2})
		err := c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil))
		if err == nil || !strings.Contains(err.Error(), "HTTP 503") || len(s.Requests()) != 2 {
			t.Errorf("err %v after %d requests, want the 503 after 2", err, len(s.Requests()))
		}
	})
}

// startSignal is an http.RoundTripper that reports when a request starts.
type startSignal struct {
	started chan struct{}
	once    sync.Once
}

func (s *startSignal) RoundTrip(r *http.Request) (*http.Response, error) {
	s.once.Do(func() { close(s.started) })
	return http.DefaultTransport.RoundTrip(r)
}

func TestCancellation(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		s, c, _ := faulty(t, dokploytest.Options{}, dokploy.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		calls := []*dokploy.Call{dokploy.NewCall("project.all", nil, nil), dokploy.NewCall("project.create", map[string]string{"name": "x"}, nil)}
		if err := c.Do(ctx, calls...); err != context.Canceled {
			t.Errorf("err = %v", err)
		}
		for _, call := range calls {
			if call.Err != context.Canceled {
				t.Errorf("%s: %v", call.Proc, call.Err)
			}
		}
		if len(s.Requests()) != 0 {
			t.Errorf("%d requests sent", len(s.Requests()))
		}
	})
	t.Run("in flight", func(t *testing.T) {
		for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
			sig := &startSignal{started: make(chan struct{})}
			s, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultTimeout}}},
				dokploy.Options{API: api, Parallelism: 1, HTTPClient: &http.Client{Transport: sig}})
			var calls []*dokploy.Call
			for i := range 4 {
				calls = append(calls, dokploy.NewCall("project.one", map[string]string{"projectId": fmt.Sprint(i)}, nil))
			}
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-sig.started; cancel() }()
			c.Do(ctx, calls...)
			for _, call := range calls {
				if call.Err != context.Canceled {
					t.Errorf("%s: %s: %v, want context.Canceled", api, call.Proc, call.Err)
				}
			}
			if c.Requests() != 1 {
				t.Errorf("%s: %d requests sent, want 1 (no new one after the cancel)", api, c.Requests())
			}
			if n := len(s.Requests()); n > 1 {
				t.Errorf("%s: the fake got %d requests", api, n)
			}
		}
	})
	t.Run("mutation in flight", func(t *testing.T) {
		sig := &startSignal{started: make(chan struct{})}
		_, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultTimeout}}}, dokploy.Options{HTTPClient: &http.Client{Transport: sig}})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-sig.started; cancel() }()
		err := c.Do(ctx, dokploy.NewCall("project.create", map[string]string{"name": "x"}, nil))
		if !dokploy.IsUncertain(err) || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want an uncertain outcome of a cancelled request", err)
		}
	})
	t.Run("during a retry wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		s, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultStatus, Status: 503}}},
			dokploy.Options{Sleep: func(ctx context.Context, d time.Duration) error {
				cancel()
				return ctx.Err()
			}})
		if err := c.Do(ctx, dokploy.NewCall("project.all", nil, nil)); err != context.Canceled || len(s.Requests()) != 1 {
			t.Errorf("err = %v after %d requests", err, len(s.Requests()))
		}
	})
}

func TestTooLongRequestLinesAreSplit(t *testing.T) {
	s, c, _ := faulty(t, dokploytest.Options{MaxURLLength: 3000}, dokploy.Options{})
	env := seed(t, s, "shop", 30)
	calls := callEnv(t, s, env)
	if err := c.Do(context.Background(), calls...); err != nil {
		t.Fatal(err)
	}
	n431 := 0
	for _, r := range s.Requests() {
		if r.Status == 431 {
			n431++
		}
	}
	if n431 == 0 {
		t.Fatalf("no 431: %s", faults(s))
	}
	// The client learned: the next round trip fits.
	s.ResetRequests()
	if err := c.Do(context.Background(), calls...); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Requests() {
		if r.Status != 200 {
			t.Errorf("request answered %d after the client learned the limit", r.Status)
		}
	}
	// A call too long on its own.
	err := c.Do(context.Background(), dokploy.NewCall("application.one", map[string]string{"applicationId": strings.Repeat("x", 4000)}, nil))
	if err == nil || !strings.Contains(err.Error(), "application.one: the server refuses the request line of") || !strings.Contains(err.Error(), "(HTTP 431); its input is too large to be read") {
		t.Errorf("err = %v", err)
	}
}

// inFlight is an http.RoundTripper that records the most requests in
// flight at once.
type inFlight struct {
	now, max atomic.Int64
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	n := f.now.Add(1)
	defer f.now.Add(-1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			break
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestParallelismBoundsRequestsInFlight(t *testing.T) {
	f := &inFlight{}
	s, c, _ := faulty(t, dokploytest.Options{Latency: time.Millisecond}, dokploy.Options{API: dokploy.APIREST, Parallelism: 3, HTTPClient: &http.Client{Transport: f}})
	env := seed(t, s, "shop", 10)
	if err := c.Do(context.Background(), callEnv(t, s, env)...); err != nil {
		t.Fatal(err)
	}
	if m := f.max.Load(); m > 3 {
		t.Errorf("%d requests in flight, want at most 3", m)
	}
}

func TestObserveRequestCounts(t *testing.T) {
	// A read is about 120 bytes of the 8 KB request line: some 64 fit a
	// request. Half the services are applications, which read their
	// schedules and volume backups too (3 reads each): 20 services are 41
	// reads after the first request, 300 are 601.
	reads := func(services int) int { return 1 + services/2*3 + services/2 }
	for _, tc := range []struct{ services, maxRequests int }{{20, 1 + reads(20)/64 + 1}, {300, 1 + reads(300)/64 + 1}} {
		s, c, _ := faulty(t, dokploytest.Options{}, dokploy.Options{})
		seed(t, s, "shop", tc.services/2)
		if _, err := c.Observe(context.Background(), []string{"shop"}); err != nil {
			t.Fatal(err)
		}
		if n := c.Requests(); n > int64(tc.maxRequests) || c.RoundTrips() != 2 {
			t.Errorf("%d services: %d requests in %d round trips, want at most %d in 2", tc.services, n, c.RoundTrips(), tc.maxRequests)
		}
	}
}

func TestRetriesAreNoticedWithoutVerbose(t *testing.T) {
	var notice strings.Builder
	s, c, _ := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{{Kind: dokploytest.FaultStatus, Status: 503, Times: 1}}},
		dokploy.Options{Notice: &notice})
	seed(t, s, "shop", 1)
	if _, err := c.Observe(context.Background(), []string{"shop"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice.String(), "HTTP 503; retrying (1 of 3)") {
		t.Errorf("notice = %q", notice.String())
	}
}
