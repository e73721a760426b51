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
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// childrenSpec declares n applications, each with the given number of
// domains, a redirect and a basic-auth user: 2+domains pool-holding
// creates per application.
func childrenSpec(tb testing.TB, n, domains int) *spec.File {
	tb.Helper()
	var y strings.Builder
	y.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  pool:\n    environments:\n      production:\n        applications:\n")
	for i := range n {
		fmt.Fprintf(&y, "          app%03d:\n            source: {docker: {image: \"nginx:1.27\"}}\n            domains:\n", i)
		for d := range domains {
			fmt.Fprintf(&y, "              - {host: app%03d-%d.example.com, port: 80}\n", i, d)
		}
		fmt.Fprintf(&y, `            redirects:
              - {regex: "^http://app%03d.example.com/old$", replacement: "http://app%03d.example.com/new", permanent: true}
            security:
              - {username: admin, password: pw-%03d}
`, i, i, i)
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(y.String()), tb.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	return f
}

// QUIRKS P1: 50 applications, each with a domain, a redirect and basic
// auth, are 150 pool-holding creates. With the client's bound the apply
// converges and the fake (which models Dokploy's 10-connection pool) is
// never wedged; without it (bound raised to 50) the fake wedges and the
// apply fails (the short timeout makes the hang fail fast).
func TestApplyNeverWedgesThePool(t *testing.T) {
	f := childrenSpec(t, 50, 1)
	for _, tc := range []struct {
		name       string
		opts       dokploy.Options
		wantWedged bool
	}{
		{"default bound", dokploy.Options{}, false},
		{"no bound", dokploy.Options{MaxPoolCalls: 50, MaxMutations: 500}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: 3})
			opts := tc.opts
			opts.BaseURL, opts.APIKey, opts.Timeout = fake.URL(), "k", 3*time.Second
			c, err := dokploy.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			p := plan(t, c, f)
			res := apply.Apply(context.Background(), c, p, apply.Options{})
			if fake.Wedged() != tc.wantWedged {
				t.Fatalf("wedged = %v, want %v (peak %d pool-holding calls in flight)", fake.Wedged(), tc.wantWedged, fake.PoolPeak())
			}
			if tc.wantWedged {
				if res.Err() == nil {
					t.Fatal("apply succeeded on a wedged server")
				}
				return
			}
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			// (the deploys apply.Apply does not make are owed, not changes)
			if again := plan(t, c, f); len(again.Changes) > 0 {
				t.Errorf("%d changes left after apply", len(again.Changes))
			}
			if p := fake.PoolPeak(); p > dokploy.DefaultMaxPoolCalls {
				t.Errorf("%d pool-holding calls in flight, want at most %d", p, dokploy.DefaultMaxPoolCalls)
			}
		})
	}
}
