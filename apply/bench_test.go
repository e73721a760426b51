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
// domains (302 resources to create). Apply creates level by level, one
// batched step per level (project, environment, applications), then writes
// every field and creates every domain in one more step. A step's waves
// (dokploy/schedule.go) set the round trips: the 100 application creates go
// in one wave, and the 200 domain creates, which hold a connection of
// Dokploy's pool, in waves of 4 (50), the field writes beside them: 53.
// Each op starts from a fresh server; only Apply is timed.
//
//	go test -run XXX -bench Apply100Apps -benchtime 3x ./apply/
func BenchmarkApply100Apps(b *testing.B) {
	benchApply(b, apply100Spec(b), 1+1+100*3, 1+1+1+50)
}

// BenchmarkApply2000Apps applies, to an empty server 50 ms away, 2,000
// applications with an image and an env each (no pool-holding children):
// after the project and the environment, the 2,000 creates and then the
// 2,000 field writes (one application.update each, the image and the env
// folded in it) go in waves of --max-mutations (dokploy.DefaultMaxMutations,
// 1024): 2 + 2 + 2 = 6 round trips (TestApply2000AppsRoundTrips holds it to
// the target of 15).
//
//	go test -run XXX -bench Apply2000 -benchtime 1x ./apply/
func BenchmarkApply2000Apps(b *testing.B) {
	waves := int64(2000+dokploy.DefaultMaxMutations-1) / dokploy.DefaultMaxMutations
	benchApply(b, appsSpec(b, 2000, false), 1+1+2000, 2+waves+waves)
}

// BenchmarkApplyPool100Apps applies 100 applications, each with two
// domains, a redirect and basic auth: 400 pool-holding creates, 100 waves
// of 4, whatever the rest.
//
//	go test -run XXX -bench Pool -benchtime 2x ./apply/
func BenchmarkApplyPool100Apps(b *testing.B) {
	benchApply(b, childrenSpec(b, 100, 2), 1+100*5, 1+1+100) // the default environment exists
}

// benchApply applies f (adding add resources) to a fresh fake 50 ms away
// per op, on each transport (and REST one request at a time:
// rest-sequential), and reports requests, round trips and changes
// per op. On tRPC the round trips must stay at most maxRoundTrips: batching
// must not degrade to a round trip per resource.
func benchApply(b *testing.B, f *spec.File, add int, maxRoundTrips int64) {
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST, "rest-sequential"} {
		b.Run(api, func(b *testing.B) {
			transport, parallelism := api, 0
			if api == "rest-sequential" { // one request at a time
				transport, parallelism = dokploy.APIREST, 1
			}
			var requests, roundTrips, changes int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				fake := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k", Seed: int64(i + 1)})
				c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k", API: transport, Parallelism: parallelism})
				if err != nil {
					b.Fatal(err)
				}
				p := benchPlan(b, c, f)
				if n, _, _ := p.Counts(); n != add {
					b.Fatalf("plan adds %d resources, want %d", n, add)
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
				if fake.Wedged() {
					b.Fatal("the fake's pool is wedged")
				}
				fake.SetLatency(0)
				if again := benchPlan(b, c, f); len(again.Changes) > 0 { // deploys are owed: apply.Apply makes none
					b.Fatalf("%d changes left after apply", len(again.Changes))
				}
				fake.Close()
				b.StartTimer()
			}
			if api == dokploy.APITRPC && roundTrips > maxRoundTrips*int64(b.N) {
				b.Errorf("apply took %.1f round trips per op, want at most %d", float64(roundTrips)/float64(b.N), maxRoundTrips)
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(roundTrips)/float64(b.N), "round-trips/op")
			b.ReportMetric(float64(changes)/float64(b.N), "changes/op")
		})
	}
}

func benchPlan(b testing.TB, c *dokploy.Client, f *spec.File) *planner.Plan {
	b.Helper()
	live, err := c.Observe(context.Background(), spec.SortedKeys(f.Projects))
	if err != nil {
		b.Fatal(err)
	}
	return planner.Compute(f, live)
}

func apply100Spec(b *testing.B) *spec.File { return appsSpec(b, 100, true) }

// appsSpec is a project with a new environment of n applications, each with
// an image and an env, and (domains) two domains each.
func appsSpec(b testing.TB, n int, domains bool) *spec.File {
	b.Helper()
	var y strings.Builder
	y.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  bench:\n    environments:\n      staging:\n        applications:\n")
	for i := range n {
		fmt.Fprintf(&y, `          app%04d:
            source: {docker: {image: "ghcr.io/acme/app:1.%d.0"}}
            env: {PORT: "8080", LOG_LEVEL: info, NAME: app%04d}
`, i, i, i)
		if domains {
			fmt.Fprintf(&y, `            domains:
              - {host: app%04d.example.com, port: 8080, https: true, certificateType: letsencrypt}
              - {host: app%04d.example.com, path: /api, port: 8081}
`, i, i)
		}
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(y.String()), b.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return f
}
