package apply_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// benchLatency is the delay the fake adds to every HTTP request: a panel
// across the internet.
const benchLatency = 50 * time.Millisecond

// BenchmarkApply100Apps applies, to an empty server 50 ms away, a project
// with a new environment holding 100 applications, each with an env and two
// domains (302 resources to create). Apply creates level by level, one batched round
// trip per level (project, environment, applications), then writes every
// field and creates every domain in one more round trip: 4 round trips
// whatever the number of applications (the writes' batch travels in two
// concurrent HTTP requests to keep its request line under the URL budget).
// Each op starts from a fresh server; only Apply is timed.
//
//	go test -run XXX -bench Apply100Apps -benchtime 3x ./apply/
func BenchmarkApply100Apps(b *testing.B) {
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
		b.Run(api, func(b *testing.B) {
			f := apply100Spec(b)
			var requests, roundTrips, changes int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				fake := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k", Seed: int64(i + 1)})
				c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k", API: api})
				if err != nil {
					b.Fatal(err)
				}
				p := benchPlan(b, c, f)
				if add, _, _ := p.Counts(); add != 1+1+100*3 {
					b.Fatalf("plan adds %d resources, want 302", add)
				}
				changes += int64(len(p.Changes))
				fake.SetLatency(benchLatency)
				r0, t0 := c.Requests(), c.RoundTrips()
				b.StartTimer()
				res := apply.Apply(context.Background(), c, p, apply.Options{})
				b.StopTimer()
				requests += c.Requests() - r0
				roundTrips += c.RoundTrips() - t0
				if err := res.Err(); err != nil {
					b.Fatal(err)
				}
				fake.SetLatency(0)
				if again := benchPlan(b, c, f); !again.Empty() {
					b.Fatalf("%d changes left after apply", len(again.Changes))
				}
				fake.Close()
				b.StartTimer()
			}
			// A count, not a time: batching must not degrade to a round trip
			// per resource.
			if api == dokploy.APITRPC && roundTrips > 6*int64(b.N) {
				b.Errorf("apply took %.1f round trips per op, want at most 6 (one per dependency level and one of writes)", float64(roundTrips)/float64(b.N))
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(roundTrips)/float64(b.N), "round-trips/op")
			b.ReportMetric(float64(changes)/float64(b.N), "changes/op")
		})
	}
}

func benchPlan(b *testing.B, c *dokploy.Client, f *spec.File) *planner.Plan {
	b.Helper()
	live, err := c.Observe(context.Background(), spec.SortedKeys(f.Projects))
	if err != nil {
		b.Fatal(err)
	}
	return planner.Compute(f, live)
}

func apply100Spec(b *testing.B) *spec.File {
	b.Helper()
	var y strings.Builder
	y.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  bench:\n    environments:\n      staging:\n        applications:\n")
	for i := range 100 {
		fmt.Fprintf(&y, `          app%03d:
            source: {docker: {image: "ghcr.io/acme/app:1.%d.0"}}
            env: {PORT: "8080", LOG_LEVEL: info, NAME: app%03d}
            domains:
              - {host: app%03d.example.com, port: 8080, https: true, certificateType: letsencrypt}
              - {host: app%03d.example.com, path: /api, port: 8081}
`, i, i, i, i, i)
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(y.String()), b.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return f
}
