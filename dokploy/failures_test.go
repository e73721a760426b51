package dokploy_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// Failed read items of a batch (207 with some items 500/503/429) are sent
// again, alone, with the same backoff and attempt bound as a whole read.
func TestFailedReadItemsAreRetried(t *testing.T) {
	for _, status := range []int{429, 500} { // the fake's item statuses: tRPC codes

		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{
				{Kind: dokploytest.FaultFailItems, Status: status, Method: "GET", Items: []int{0, 2}, Times: 2}}}, dokploy.Options{})
			seed(t, s, "a", 0)
			seed(t, s, "b", 0)
			var ids []string
			for _, p := range callList(t, s, "project.all") {
				ids = append(ids, p["projectId"].(string))
			}
			calls := []*dokploy.Call{
				dokploy.NewCall("project.one", map[string]any{"projectId": ids[0]}, nil),
				dokploy.NewCall("project.one", map[string]any{"projectId": ids[1]}, nil),
				dokploy.NewCall("project.all", nil, nil),
			}
			if err := c.Do(context.Background(), calls...); err != nil {
				t.Fatal(err)
			}
			reqs := s.Requests()
			if len(reqs) != 3 || len(reqs[1].Procs) != 2 || len(reqs[2].Procs) != 1 || sl.count() != 2 {
				t.Errorf("%d requests (%s), %d waits; want the batch, its 2 failed items, then the one failed again", len(reqs), faults(s), sl.count())
			}
		})
	}
	// The attempt bound holds: an item failing every time keeps its error.
	s, c, sl := faulty(t, dokploytest.Options{Faults: []dokploytest.Fault{
		{Kind: dokploytest.FaultFailItems, Status: 500, Method: "GET", Procs: []string{"project.all"}}}}, dokploy.Options{})
	seed(t, s, "a", 0)
	calls := []*dokploy.Call{dokploy.NewCall("project.all", nil, nil), dokploy.NewCall("user.get", nil, nil)}
	err := c.Do(context.Background(), calls...)
	if err == nil || calls[1].Err != nil || !strings.Contains(err.Error(), "project.all: HTTP 500") || sl.count() != 3 {
		t.Errorf("err = %v, %d waits; want project.all's 500 after 3 retries", err, sl.count())
	}
	// Mutations are never sent again.
	s.SetFaults(dokploytest.Fault{Kind: dokploytest.FaultFailItems, Status: 500, Items: []int{0}})
	s.ResetRequests()
	muts := []*dokploy.Call{dokploy.NewCall("project.create", map[string]any{"name": "x"}, nil), dokploy.NewCall("project.create", map[string]any{"name": "y"}, nil)}
	c.Do(context.Background(), muts...) //nolint:errcheck
	if n := len(s.Requests()); n != 1 || muts[0].Err == nil {
		t.Errorf("%d requests for a batch of mutations with a failed item, want 1", n)
	}
}

// A transport failure of a batch is each call's error naming that call
// alone, and the method and path appear once.
func TestFailuresNameTheirCallOnly(t *testing.T) {
	refuse := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}}
	var log strings.Builder
	c, _ := dokploy.New(dokploy.Options{BaseURL: "http://127.0.0.1:9", APIKey: "k", API: dokploy.APITRPC, Log: &log,
		HTTPClient: &http.Client{Transport: refuse}, Sleep: func(context.Context, time.Duration) error { return nil }})
	var calls []*dokploy.Call
	for i := range 12 {
		calls = append(calls, dokploy.NewCall("project.create", map[string]any{"name": fmt.Sprint(i)}, nil))
	}
	calls = append(calls, dokploy.NewCall("application.create", map[string]any{"name": "a"}, nil),
		dokploy.NewCall("project.one", map[string]any{"projectId": "p"}, nil), dokploy.NewCall("project.all", nil, nil))
	c.Do(context.Background(), calls...) //nolint:errcheck
	const refused = "cannot reach DOKPLOY_URL=http://127.0.0.1:9: connection refused: is Dokploy up and the URL right?"
	for _, call := range calls {
		want := call.Proc + ": " + map[bool]string{true: "GET", false: "POST"}[dokploy.IsQuery(call.Proc)] + " /api/trpc/" + call.Proc + ": " + refused
		if call.Err == nil || call.Err.Error() != want {
			t.Errorf("%s: %v\nwant %s", call.Proc, call.Err, want)
		}
	}
	// The log (-v) says how many calls a request carried, not their names,
	// and a retry names its request once.
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		if strings.Count(line, "/api/trpc") != 1 || strings.Contains(line, ",") {
			t.Errorf("log line %q", line)
		}
	}
	if !strings.Contains(log.String(), "dokploy: POST /api/trpc (13 calls): "+refused) ||
		!strings.Contains(log.String(), "dokploy: GET /api/trpc (2 calls): "+refused+"; retry 1 of 3") {
		t.Errorf("log:\n%s", log.String())
	}
}

// DNS and TLS verification failures are not retried and say what to check.
func TestHostFailuresAreNotRetried(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsSrv.Close()
	host := strings.TrimPrefix(tlsSrv.URL, "https://")
	for _, tc := range []struct{ url, want string }{
		{"http://dokploy.invalid", "cannot resolve dokploy.invalid (no such host): check DOKPLOY_URL and DNS"},
		{tlsSrv.URL, "cannot verify the TLS certificate of 127.0.0.1: certificate signed by unknown authority; check DOKPLOY_URL, or the server's certificate"},
	} {
		sl := &sleeps{}
		c, _ := dokploy.New(dokploy.Options{BaseURL: tc.url, APIKey: "k", Sleep: sl.sleep, AllowHTTP: true})
		calls := []*dokploy.Call{dokploy.NewCall("project.all", nil, nil), dokploy.NewCall("project.create", map[string]any{"name": "x"}, nil)}
		err := c.Do(context.Background(), calls...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || sl.count() != 0 || dokploy.IsUncertain(calls[1].Err) {
			t.Errorf("%s: err = %v, %d retries, mutation %v\nwant %q, no retry, not uncertain", tc.url, err, sl.count(), calls[1].Err, tc.want)
		}
		if c.Requests() != 2 {
			t.Errorf("%s: %d requests, want 2", tc.url, c.Requests())
		}
	}
	// A certificate for another name.
	c, _ := dokploy.New(dokploy.Options{BaseURL: "https://localhost:" + host[strings.LastIndex(host, ":")+1:], APIKey: "k",
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig}}})
	err := c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil))
	if err == nil || !strings.Contains(err.Error(), "cannot verify the TLS certificate of localhost: certificate is valid for") {
		t.Errorf("hostname mismatch: %v", err)
	}
}

// Dokploy v0.30.3 and later drop a REST JSON body whose Content-Type has a
// charset: the client sends the bare application/json.
func TestRESTBodiesReachNewerServers(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Version: "v0.30.8"})
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: dokploy.APIREST})
	var out struct {
		Project struct {
			Name string `json:"name"`
		} `json:"project"`
	}
	if err := c.Do(context.Background(), dokploy.NewCall("project.create", map[string]any{"name": "shop"}, &out)); err != nil || out.Project.Name != "shop" {
		t.Fatalf("project.create on REST at v0.30.8: %v (%+v)", err, out)
	}
}
