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
				benchObserve(b, n, dokploy.Options{API: transport, Parallelism: parallelism})
			})
		}
	}
}

// benchObserve times plan's read of a project of n services on a fake 50
// ms away, through a client with opts (its URL and key set here), and
// reports the requests, the round trips and the time as a multiple of the
// floor of two round trips.
func benchObserve(b *testing.B, n int, opts dokploy.Options) {
	s := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k"})
	seedServices(b, s, "shop", n)
	s.SetLatency(benchLatency)
	opts.BaseURL, opts.APIKey = s.URL(), "k"
	c, err := dokploy.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
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
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(2*benchLatency), "x-floor")
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

// seedItems gives every service of seedServices two items of a described
// kind: a postgres two backups to one destination, an application two
// schedules.
func seedItems(tb testing.TB, s *dokploytest.Server, project string) {
	tb.Helper()
	raw, err := s.Call("destination.create", map[string]any{"name": "s3", "provider": "AWS", "accessKey": "a", "secretAccessKey": "b",
		"bucket": "b", "region": "r", "endpoint": "https://s3.example.com"})
	if err != nil {
		tb.Fatal(err)
	}
	var dest map[string]any
	jsonUnmarshalTB(tb, raw, &dest)
	raw, err = s.Call("project.all", nil)
	if err != nil {
		tb.Fatal(err)
	}
	var all []struct {
		Name         string
		Environments []struct {
			Postgres     []struct{ PostgresID string }
			Applications []struct{ ApplicationID string }
		}
	}
	jsonUnmarshalTB(tb, raw, &all)
	for _, p := range all {
		if p.Name != project {
			continue
		}
		for _, a := range p.Environments[0].Applications {
			for _, name := range []string{"nightly", "hourly"} {
				if _, err := s.Call("schedule.create", map[string]any{"name": name, "cronExpression": "0 3 * * *", "command": "true",
					"applicationId": a.ApplicationID}); err != nil {
					tb.Fatal(err)
				}
			}
		}
		for _, db := range p.Environments[0].Postgres {
			for _, prefix := range []string{"daily", "weekly"} {
				if _, err := s.Call("backup.create", map[string]any{"schedule": "0 3 * * *", "prefix": prefix, "destinationId": dest["destinationId"],
					"database": "d", "databaseType": "postgres", "postgresId": db.PostgresID}); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
}

// TestObserveItemsInTwoRoundTrips: the items of described kinds come with
// the services' .one answers (backups) or in the same round trip
// (schedule.list per application), and the instance resources with the
// first round trip, so a plan of 500 services with two backups or two
// schedules each still takes two dependent round trips.
func TestObserveItemsInTwoRoundTrips(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seedServices(t, s, "shop", 500)
	seedItems(t, s, "shop")
	c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.Observe(context.Background(), []string{"shop"}, "destination")
	if err != nil {
		t.Fatal(err)
	}
	backups, schedules := 0, 0
	env := live.Projects["shop"][0].Environments[0]
	for _, d := range env.Databases {
		backups += len(d.Items["backup"])
	}
	for _, a := range env.Applications {
		schedules += len(a.Items["schedule"])
	}
	if backups != 500 || schedules != 500 || len(live.Items["destination"]) != 1 {
		t.Errorf("read %d backups, %d schedules and %d destinations, want 500, 500 and 1", backups, schedules, len(live.Items["destination"]))
	}
	if n := c.RoundTrips(); n != 2 {
		t.Errorf("%d round trips, want 2", n)
	}
}

// BenchmarkObserveItems is BenchmarkObserve's tRPC read of n services with
// two backups per database (one destination) and two schedules per
// application.
//
//	go test -run XXX -bench ObserveItems -benchtime 3x ./dokploy/
func BenchmarkObserveItems(b *testing.B) {
	for _, n := range []int{20, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k"})
			seedServices(b, s, "shop", n)
			seedItems(b, s, "shop")
			s.SetLatency(benchLatency)
			c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := c.Observe(context.Background(), []string{"shop"}, "destination"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.Requests())/float64(b.N), "requests/op")
			b.ReportMetric(float64(c.RoundTrips())/float64(b.N), "round-trips/op")
		})
	}
}

// BenchmarkObserveLatency is plan's read of a project of n services at
// benchLatency per request, against its floor: two dependent round trips,
// 2·benchLatency. It reports the round trips the client counted and the
// wall time as a multiple of the floor (x-floor): on tRPC with the default
// options and with the read batches held to Parallelism's 8 in flight
// (read-batches-8: the client before MaxReadBatches), on REST (8 in
// flight) and on REST one call at a time (rest-sequential: a tool that
// makes one request per resource and waits for it). The REST runs take
// minutes (rest-sequential/5000 about nine): run them once.
//
//	go test -run XXX -bench 'ObserveLatency/trpc' -benchtime 3x ./dokploy/
//	go test -run XXX -bench 'ObserveLatency' -benchtime 1x -timeout 30m ./dokploy/
func BenchmarkObserveLatency(b *testing.B) {
	for _, n := range []int{2000, 5000} {
		for _, v := range []struct {
			name string
			opts dokploy.Options
		}{
			{"trpc", dokploy.Options{API: dokploy.APITRPC}},
			{"trpc/read-batches-8", dokploy.Options{API: dokploy.APITRPC, MaxReadBatches: 8}},
			{"rest", dokploy.Options{API: dokploy.APIREST}},
			{"rest-sequential", dokploy.Options{API: dokploy.APIREST, Parallelism: 1}},
		} {
			b.Run(fmt.Sprintf("%s/%d", v.name, n), func(b *testing.B) {
				benchObserve(b, n, v.opts)
			})
		}
	}
}

// BenchmarkDecodeTRPC decodes the answer of one batch of plan's read: 70
// .one answers of the fake, half applications and half postgres, about what
// fits the default URL budget; once is decodeTRPC, twice the decoder that
// parsed the envelope and then each answer again.
//
//	go test -run XXX -bench DecodeTRPC ./dokploy/
func BenchmarkDecodeTRPC(b *testing.B) {
	s := dokploytest.NewTestServer(b, dokploytest.Options{APIKey: "k"})
	seedServices(b, s, "shop", 70)
	raw, err := s.Call("project.all", nil)
	if err != nil {
		b.Fatal(err)
	}
	var all []struct {
		Environments []struct {
			Applications []struct{ ApplicationID string }
			Postgres     []struct{ PostgresID string }
		}
	}
	jsonUnmarshalTB(b, raw, &all)
	type one struct {
		proc string
		in   map[string]any
	}
	var ones []one
	for _, a := range all[0].Environments[0].Applications {
		ones = append(ones, one{"application.one", map[string]any{"applicationId": a.ApplicationID}})
	}
	for _, p := range all[0].Environments[0].Postgres {
		ones = append(ones, one{"postgres.one", map[string]any{"postgresId": p.PostgresID}})
	}
	body := []byte{'['}
	for i, o := range ones {
		res, err := s.Call(o.proc, o.in)
		if err != nil {
			b.Fatal(err)
		}
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, `{"result":{"data":{"json":`...)
		body = append(body, res...)
		body = append(body, `}}}`...)
	}
	body = append(body, ']')
	for _, d := range []struct {
		name   string
		decode func(int, []byte, []*dokploy.Call) error
	}{{"once", dokploy.DecodeTRPC}, {"twice", dokploy.DecodeTRPCTwice}} {
		b.Run(d.name, func(b *testing.B) {
			calls := make([]*dokploy.Call, len(ones))
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				for i, o := range ones {
					var out any = &dokploy.Application{}
					if o.proc == "postgres.one" {
						out = &dokploy.Database{Kind: "postgres"}
					}
					calls[i] = dokploy.NewCall(o.proc, o.in, out)
				}
				if err := d.decode(207, body, calls); err != nil {
					b.Fatal(err)
				}
				for _, c := range calls {
					if c.Err != nil {
						b.Fatal(c.Err)
					}
				}
			}
			if calls[0].Out.(*dokploy.Application).ApplicationID == "" {
				b.Fatal("nothing decoded")
			}
		})
	}
}
