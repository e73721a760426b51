package dokploytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// raw sends one request and returns its status and body, or the transport
// error, without failing the test.
func raw(ctx context.Context, s *Server, method, path, body string) (int, string, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequestWithContext(ctx, method, s.URL()+path, r)
	req.Header.Set("x-api-key", testKey)
	req.Header.Set("Content-Type", "application/json")
	// A fresh connection each time: net/http replays an idempotent request
	// that fails on a reused connection, which would hide the fault.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func projectNames(t *testing.T, s *Server) []string {
	t.Helper()
	out, err := s.Call("project.all", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ps []struct{ Name string }
	json.Unmarshal(out, &ps)
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

func faultsOf(s *Server) []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Fault)
	}
	return out
}

func TestFaultStatusForTheNextRequests(t *testing.T) {
	s := NewTestServer(t, Options{APIKey: testKey})
	s.SetFaults(Fault{Kind: FaultStatus, Status: 502, Times: 2}, Fault{Kind: FaultStatus, Status: 429, Method: "POST"})
	for i, want := range []int{502, 502, 200} {
		status, body, err := raw(context.Background(), s, "GET", "/api/project.all", "")
		if err != nil || status != want {
			t.Fatalf("request %d: %d %q %v, want %d", i, status, body, err, want)
		}
	}
	status, body, _ := raw(context.Background(), s, "POST", "/api/project.create", `{"name":"x"}`)
	if status != 429 || body != "Too Many Requests" {
		t.Errorf("POST: %d %q, want 429", status, body)
	}
	if len(projectNames(t, s)) != 0 || s.MutationCount() != 0 {
		t.Errorf("a refused mutation was run")
	}
	if got := strings.Join(faultsOf(s), "|"); got != "status 502|status 502||status 429" {
		t.Errorf("request log faults = %q", got)
	}
}

func TestFaultRateIsSeeded(t *testing.T) {
	pattern := func(seed int64) string {
		s := NewTestServer(t, Options{APIKey: testKey, Seed: seed, Faults: []Fault{{Kind: FaultStatus, Status: 500, Rate: 0.5}}})
		var b strings.Builder
		for range 32 {
			status, _, _ := raw(context.Background(), s, "GET", "/api/project.all", "")
			fmt.Fprint(&b, status/100)
		}
		return b.String()
	}
	a, b := pattern(3), pattern(3)
	if a != b || !strings.Contains(a, "5") || !strings.Contains(a, "2") {
		t.Errorf("seed 3 gave %s then %s, want the same mix of 2xx and 5xx", a, b)
	}
	if pattern(4) == a {
		t.Errorf("seeds 3 and 4 gave the same faults")
	}
}

func TestFaultResetAndLostAnswer(t *testing.T) {
	s := NewTestServer(t, Options{APIKey: testKey})
	s.SetFaults(Fault{Kind: FaultReset, Procs: []string{"project.create"}, Times: 1},
		Fault{Kind: FaultLoseAnswer, Procs: []string{"project.create"}, Times: 1})
	if _, _, err := raw(context.Background(), s, "POST", "/api/project.create", `{"name":"reset"}`); err == nil {
		t.Fatal("reset: got an answer")
	}
	if _, _, err := raw(context.Background(), s, "POST", "/api/trpc/project.create", `{"json":{"name":"lost"}}`); err == nil {
		t.Fatal("lost answer: got an answer")
	}
	if got := strings.Join(projectNames(t, s), ","); got != "lost" {
		t.Errorf("projects = %q: the reset request must not run, the lost answer's must", got)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Fault != "reset" || reqs[0].Status != 0 || reqs[1].Fault != "answer lost" || reqs[1].Status != 200 {
		t.Errorf("request log: %+v", reqs)
	}
}

func TestFaultTimeoutHoldsUntilTheClientGivesUp(t *testing.T) {
	s := NewTestServer(t, Options{APIKey: testKey, Faults: []Fault{{Kind: FaultTimeout, Times: 1}}})
	ctx, cancel := context.WithCancel(context.Background())
	wrote := make(chan struct{})
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(wrote) }})
	done := make(chan error, 1)
	go func() {
		_, _, err := raw(ctx, s, "GET", "/api/project.all", "")
		done <- err
	}()
	<-wrote // cancelled before it was sent, the server would never see it
	select {
	case err := <-done:
		t.Fatalf("answered before the client gave up: %v", err)
	case <-time.After(5 * time.Millisecond):
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("no error after cancelling")
	}
	for deadline := time.Now().Add(10 * time.Second); len(s.Requests()) == 0; { // the handler notices the closed connection
		if time.Now().After(deadline) {
			t.Fatal("the server never logged the request")
		}
		time.Sleep(time.Millisecond)
	}
	if r := s.Requests()[0]; r.Fault != "timeout" || r.Status != 0 {
		t.Errorf("request log: %+v", r)
	}
	if status, _, err := raw(context.Background(), s, "GET", "/api/project.all", ""); err != nil || status != 200 {
		t.Errorf("after the timeout: %d %v", status, err)
	}
}

func TestFaultUnauthorizedAfterK(t *testing.T) {
	s := NewTestServer(t, Options{APIKey: testKey, Faults: []Fault{{Kind: FaultUnauthorized, After: 2}}})
	var got []string
	for _, path := range []string{"/api/project.all", "/api/trpc/project.all", "/api/project.all", "/api/trpc/project.all"} {
		status, body, _ := raw(context.Background(), s, "GET", path, "")
		got = append(got, fmt.Sprint(status))
		if status == 401 && !strings.Contains(body, "nauthorized") && !strings.Contains(body, "UNAUTHORIZED") {
			t.Errorf("401 body %q", body)
		}
	}
	if strings.Join(got, " ") != "200 200 401 401" {
		t.Errorf("statuses %v, want 401 after 2 requests", got)
	}
}

func TestFaultFailItemsOfABatch(t *testing.T) {
	s := NewTestServer(t, Options{APIKey: testKey})
	s.SetFaults(Fault{Kind: FaultFailItems, Items: []int{1, 3}})
	var in []string
	for i := range 5 {
		in = append(in, fmt.Sprintf(`"%d":{"json":{"name":"p%d"}}`, i, i))
	}
	status, body, err := raw(context.Background(), s, "POST", "/api/trpc/"+strings.Repeat("project.create,", 4)+"project.create?batch=1", "{"+strings.Join(in, ",")+"}")
	if err != nil || status != 207 {
		t.Fatalf("%d %v", status, err)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(body), &items); err != nil || len(items) != 5 {
		t.Fatalf("answer %s", body)
	}
	for i, it := range items {
		if _, failed := it["error"]; failed != (i == 1 || i == 3) {
			t.Errorf("item %d: %v", i, it)
		}
	}
	if !strings.Contains(body, `"message":"injected failure","code":-32603`) {
		t.Errorf("error item: %s", body)
	}
	if got := strings.Join(projectNames(t, s), ","); got != "p0,p2,p4" {
		t.Errorf("projects %q: the failed items must not be applied", got)
	}
	if s.Requests()[0].Fault != "failed items [1 3]" || s.MutationCount() != 3 {
		t.Errorf("log %q, %d mutations", s.Requests()[0].Fault, s.MutationCount())
	}

	// By procedure, on REST.
	s.SetFaults(Fault{Kind: FaultFailItems, Procs: []string{"project.remove"}, Status: 409})
	status, body, _ = raw(context.Background(), s, "POST", "/api/project.remove", `{"projectId":"x"}`)
	if status != 409 || !strings.Contains(body, `"message":"injected failure","code":"CONFLICT"`) {
		t.Errorf("REST: %d %s", status, body)
	}
}

func TestSetFaultsAndLatencyWhileServing(t *testing.T) {
	s := NewTestServer(t, Options{APIKey: testKey})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 10 {
				raw(context.Background(), s, "GET", "/api/project.all", "")
			}
		})
		wg.Go(func() {
			s.SetFaults(Fault{Kind: FaultStatus, Rate: 0.3})
			s.SetLatency(time.Duration(i) * time.Microsecond)
			s.SetFaults()
		})
	}
	wg.Wait()
	if n := len(s.Requests()); n != 80 {
		t.Errorf("%d requests logged", n)
	}
}
