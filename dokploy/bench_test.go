package dokploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// benchLatency is the delay the fake adds to every request: a panel across
// the internet.
const benchLatency = 50 * time.Millisecond

// BenchmarkObserve reads a project of n services (half applications, half
// postgres databases) over each transport, at benchLatency per request,
// with the default URL budget and parallelism (8); rest-sequential is REST
// one call at a time, the way a tool that makes one request per resource
// and waits for it works.
//
//	go test -run XXX -bench Observe -benchtime 3x ./dokploy/
func BenchmarkObserve(b *testing.B) {
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST, "rest-sequential"} {
		for _, n := range []int{20, 300, 500} {
			b.Run(fmt.Sprintf("%s/%d", api, n), func(b *testing.B) {
				transport, parallelism := api, 0
				if api == "rest-sequential" {
					transport, parallelism = dokploy.APIREST, 1
				}
				s := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k"})
				seedServices(b, s, "shop", n)
				s.SetLatency(benchLatency)
				c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: transport, Parallelism: parallelism})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					live, err := c.Observe(context.Background(), []string{"shop"})
					if err != nil {
						b.Fatal(err)
					}
					if env := live.Projects["shop"][0].Environments[0]; len(env.Applications)+len(env.Databases) != n {
						b.Fatalf("read %d services, want %d", len(env.Applications)+len(env.Databases), n)
					}
				}
				b.ReportMetric(float64(c.Requests())/float64(b.N), "requests/op")
				b.ReportMetric(float64(c.RoundTrips())/float64(b.N), "round-trips/op")
			})
		}
	}
}

// seedServices makes a project with n services, in process.
func seedServices(tb testing.TB, s *dokploytest.Server, name string, n int) {
	tb.Helper()
	must := func(proc string, in map[string]any) map[string]any {
		raw, err := s.Call(proc, in)
		if err != nil {
			tb.Fatalf("%s: %v", proc, err)
		}
		var out map[string]any
		jsonUnmarshalTB(tb, raw, &out)
		return out
	}
	env := must("project.create", map[string]any{"name": name})["environment"].(map[string]any)["environmentId"]
	for i := range n {
		if i%2 == 0 {
			must("application.create", map[string]any{"name": fmt.Sprint("app", i), "environmentId": env})
		} else {
			must("postgres.create", map[string]any{"name": fmt.Sprint("db", i), "environmentId": env,
				"databaseName": "d", "databaseUser": "u", "databasePassword": "p", "dockerImage": "postgres:16"})
		}
	}
}

func jsonUnmarshalTB(tb testing.TB, raw []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		tb.Fatal(err)
	}
}
