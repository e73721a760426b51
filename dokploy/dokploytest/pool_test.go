package dokploytest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// postBatch sends a tRPC batch of n domain.create for appID and returns the
// status, or 0 when no answer came within wait.
func postBatch(t *testing.T, s *Server, n int, appID string, wait time.Duration) int {
	t.Helper()
	procs := make([]string, n)
	var in []string
	for i := range procs {
		procs[i] = "domain.create"
		in = append(in, fmt.Sprintf(`"%d":{"json":{"host":"d%d.example.com","applicationId":%q,"port":80,"https":false,"certificateType":"none","domainType":"application"}}`, i, i, appID))
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+"/api/trpc/"+strings.Join(procs, ",")+"?batch=1", strings.NewReader("{"+strings.Join(in, ",")+"}"))
	req.Header.Set("x-api-key", testKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func getStatus(t *testing.T, s *Server, path string, wait time.Duration) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+path, nil)
	req.Header.Set("x-api-key", testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Captures 390-391 and QUIRKS P1: a batch of 5 domain.create answers; ten
// pool-holding calls in flight wedge the whole server (every request but
// /api/health hangs) until the stuck backends are terminated.
func TestPoolDeadlock(t *testing.T) {
	c := newClient(t, Options{})
	s := c.s
	appID := seedApp(t, c)
	if st := postBatch(t, s, 5, appID, 5*time.Second); st != 200 || s.Wedged() {
		t.Fatalf("batch of 5: status %d, wedged %v; want 200 and not wedged", st, s.Wedged())
	}
	if st := postBatch(t, s, 10, appID, 300*time.Millisecond); st != 0 {
		t.Fatalf("batch of 10 answered %d, want no answer", st)
	}
	if !s.Wedged() {
		t.Fatal("not wedged after 10 pool-holding calls in flight")
	}
	if st := getStatus(t, s, "/api/project.all", 200*time.Millisecond); st != 0 {
		t.Errorf("project.all answered %d on a wedged server, want no answer", st)
	}
	if st := getStatus(t, s, "/api/health", time.Second); st != 200 {
		t.Errorf("/api/health: %d, want 200 (it needs no database)", st)
	}
	reqs := s.Requests()
	if f := reqs[len(reqs)-2].Fault; f != "pool deadlock" {
		t.Errorf("fault of the hung request = %q, want pool deadlock", f)
	}
	// A request hanging when the backends are terminated gets a 500.
	done := make(chan int)
	go func() { done <- getStatus(t, s, "/api/project.all", 5*time.Second) }()
	time.Sleep(100 * time.Millisecond) // let it arrive and hang
	s.Unwedge()
	if st := <-done; st != 500 {
		t.Errorf("hung request after Unwedge: %d, want 500", st)
	}
	if s.Wedged() || getStatus(t, s, "/api/project.all", time.Second) != 200 {
		t.Error("still wedged after Unwedge")
	}
	if p := s.PoolPeak(); p != 10 {
		t.Errorf("PoolPeak = %d, want 10", p)
	}
}

// seedApp creates a project with an application and returns its id.
func seedApp(t *testing.T, c *client) string {
	t.Helper()
	raw, err := c.s.Call("project.create", map[string]any{"name": "p"})
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Environment struct {
			EnvironmentID string `json:"environmentId"`
		} `json:"environment"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	raw, err = c.s.Call("application.create", map[string]any{"name": "a", "environmentId": p.Environment.EnvironmentID})
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		ApplicationID string `json:"applicationId"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a.ApplicationID
}
