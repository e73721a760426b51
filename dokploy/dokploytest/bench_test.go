package dokploytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// benchEnvironments is how many environments the benchmark project's
// services are spread over.
const benchEnvironments = 10

// seedBig makes project "big" with n applications spread over
// benchEnvironments environments, each with one domain, and returns the ids
// of the applications.
func seedBig(tb testing.TB, s *dokploytest.Server, n int) []string {
	tb.Helper()
	dokploytest.SetCheckIndexes(false) // measure the indexes, not their check
	tb.Cleanup(func() { dokploytest.SetCheckIndexes(true) })
	must := func(proc string, in map[string]any) map[string]any {
		raw, err := s.Call(proc, in)
		if err != nil {
			tb.Fatalf("%s: %v", proc, err)
		}
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			tb.Fatalf("%s: %v", proc, err)
		}
		return out
	}
	p := must("project.create", map[string]any{"name": "big"})
	projectID := p["project"].(map[string]any)["projectId"]
	envs := []any{p["environment"].(map[string]any)["environmentId"]}
	for i := 1; i < benchEnvironments; i++ {
		envs = append(envs, must("environment.create", map[string]any{"name": fmt.Sprint("env", i), "projectId": projectID})["environmentId"])
	}
	ids := make([]string, 0, n)
	for i := range n {
		a := must("application.create", map[string]any{"name": fmt.Sprint("app", i), "environmentId": envs[i%len(envs)]})
		id := a["applicationId"].(string)
		must("domain.create", map[string]any{"host": fmt.Sprintf("app%d.example.com", i), "applicationId": id, "domainType": "application"})
		ids = append(ids, id)
	}
	return ids
}

// BenchmarkFakePlanReads is the fake's own cost of the reads a plan of n
// services makes (project.all, then application.one of every service),
// in process: no HTTP, no client. cpu-ms/op is the process's CPU time
// (garbage collection included) per plan, less sensitive than ns/op to
// other work on the machine.
//
//	go test -run XXX -bench FakePlanReads -benchtime 3x ./dokploy/dokploytest/
func BenchmarkFakePlanReads(b *testing.B) {
	for _, n := range []int{2000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := dokploytest.New(dokploytest.Options{APIKey: "k"})
			ids := seedBig(b, s, n)
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				if cpu == 0 {
					cpu = cpuTime()
				}
				if _, err := s.Call("project.all", nil); err != nil {
					b.Fatal(err)
				}
				for _, id := range ids {
					if _, err := s.Call("application.one", map[string]any{"applicationId": id}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkFakeObserve is dokploy.Client.Observe of a project of n
// services against the fake over HTTP, one request at a time (Parallelism
// 1), so that the time the fake spends answering (fake-ms/op, the sum of
// its handlers' durations) is its CPU per plan read. cpu-ms/op is the
// process's CPU time per read: the client's and the fake's.
//
//	go test -run XXX -bench FakeObserve -benchtime 3x ./dokploy/dokploytest/
func BenchmarkFakeObserve(b *testing.B) {
	for _, n := range []int{2000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var served atomic.Int64 // nanoseconds in the fake's handlers
			s := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k", OnRequest: func(r dokploytest.Request) {
				served.Add(int64(r.Duration))
			}})
			seedBig(b, s, n)
			c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", Parallelism: 1, Timeout: 10 * time.Minute})
			if err != nil {
				b.Fatal(err)
			}
			served.Store(0)
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				if cpu == 0 {
					cpu = cpuTime()
				}
				live, err := c.Observe(context.Background(), []string{"big"})
				if err != nil {
					b.Fatal(err)
				}
				got := 0
				for _, env := range live.Projects["big"][0].Environments {
					got += len(env.Applications)
				}
				if got != n {
					b.Fatalf("read %d applications, want %d", got, n)
				}
			}
			b.ReportMetric(float64(served.Load())/1e6/float64(b.N), "fake-ms/op")
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
