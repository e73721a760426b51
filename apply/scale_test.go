package apply_test

import (
	"context"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// TestApply2000AppsRoundTrips: an apply of 2,000 applications, each with an
// image and an env, to an empty server takes at most 15 latency periods
// with the default bounds (the target of the README's Performance section;
// BenchmarkApply2000Apps times it 50 ms away). The creates and writes hold
// no pool connection while waiting for another, so only
// --max-mutations cuts them into waves.
func TestApply2000AppsRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 applications: not in -short")
	}
	f := appsSpec(t, 2000, false)
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k", API: dokploy.APITRPC})
	if err != nil {
		t.Fatal(err)
	}
	p := benchPlan(t, c, f)
	if n, _, _ := p.Counts(); n != 1+1+2000 {
		t.Fatalf("plan adds %d resources, want %d", n, 1+1+2000)
	}
	t0 := c.RoundTrips()
	if err := apply.Apply(context.Background(), c, p, apply.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.RoundTrips() - t0; got > 15 {
		t.Errorf("apply took %d round trips, want at most 15", got)
	}
	if again := benchPlan(t, c, f); len(again.Changes) > 0 {
		t.Fatalf("%d changes left after apply", len(again.Changes))
	}
}
