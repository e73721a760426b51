package dokploy_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// creates are n application and postgres creates in env, with one update
// of an existing application among them.
func creates(env, app string, n int) []*dokploy.Call {
	var calls []*dokploy.Call
	for i := range n {
		if i%2 == 0 {
			calls = append(calls, dokploy.NewCall("application.create", map[string]any{"name": fmt.Sprint("a", i), "environmentId": env}, nil))
		} else {
			calls = append(calls, dokploy.NewCall("postgres.create", map[string]any{"name": fmt.Sprint("d", i), "environmentId": env,
				"databaseName": "d", "databaseUser": "u", "databasePassword": "p", "dockerImage": "postgres:16"}, nil))
		}
	}
	return append(calls, dokploy.NewCall("application.update", map[string]any{"applicationId": app, "description": "x"}, nil))
}

// A key whose role is neither owner nor admin sends its creates one at a
// time, on either face: each reads the member row the one before wrote, so
// the member keeps access to every service it created. An owner's and an
// admin's travel together, as before.
func TestCreatesOfAMemberGoOneAtATime(t *testing.T) {
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
		for _, role := range []string{"member", "deployer", "owner", "admin"} {
			t.Run(api+"/"+role, func(t *testing.T) {
				s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
				env := seed(t, s, "shop", 0)
				app := call(t, s, "application.create", map[string]any{"name": "app", "environmentId": env})["applicationId"].(string)
				s.SetRole(role)
				c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: api})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Observe(context.Background(), []string{"shop"}); err != nil {
					t.Fatal(err)
				}
				before := len(s.Accessed("accessedServices"))
				s.ResetRequests()
				rounds := c.RoundTrips()
				const n = 6
				if err := c.Do(context.Background(), creates(env, app, n)...); err != nil {
					t.Fatal(err)
				}
				serial := role == "member" || role == "deployer"
				posts := 0
				for _, r := range s.Requests() {
					if r.Method == http.MethodPost {
						posts++
						if serial && slices.ContainsFunc(r.Procs, dokploy.AppendsAccess) && len(r.Procs) != 1 {
							t.Errorf("a request carries %v: a create of a %s goes alone", r.Procs, role)
						}
					}
				}
				got := len(s.Accessed("accessedServices")) - before
				wantPosts, wantRounds, wantGot := int64(1), int64(1), 1 // one batch: the last create's id only
				switch {
				case serial:
					wantPosts, wantRounds, wantGot = n+1, n, n // the update goes beside the creates
				case api == dokploy.APIREST:
					wantPosts, wantGot = n+1, n // REST's requests: the fake loses nothing
				}
				if int64(posts) != wantPosts {
					t.Errorf("%d POST requests, want %d", posts, wantPosts)
				}
				if d := c.RoundTrips() - rounds; d != wantRounds {
					t.Errorf("the Do took %d round trips, want %d", d, wantRounds)
				}
				if got != wantGot {
					t.Errorf("accessedServices gained %d ids of %d creates, want %d", got, n, wantGot)
				}
			})
		}
	}
}

// The bound of one create at a time holds across every Do of the client.
func TestMemberCreatesOneAtATimeAcrossConcurrentDo(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Latency: 10 * time.Millisecond})
	env := seed(t, s, "shop", 0)
	app := call(t, s, "application.create", map[string]any{"name": "app", "environmentId": env})["applicationId"].(string)
	s.SetRole("member")
	tr := &inflight{next: http.DefaultTransport}
	c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: dokploy.APITRPC, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetRole("member")
	before := len(s.Accessed("accessedServices"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			calls := creates(env, app, 3)
			if err := c.Do(context.Background(), calls[:3]...); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := tr.peak.Load(); p != 1 {
		t.Errorf("%d creates in flight at once, want 1", p)
	}
	if got := len(s.Accessed("accessedServices")) - before; got != 12 {
		t.Errorf("accessedServices gained %d ids of 12 creates", got)
	}
}

// A member key refused by a router's own access check hears that the key
// was accepted and what to grant, not that the key is bad.
func TestNoAccessIsNotABadKey(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	env := seed(t, s, "shop", 0)
	// An owner's two creates in one batch: the member row keeps one id.
	owner, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: dokploy.APITRPC})
	var made []*dokploy.Call
	for _, name := range []string{"a", "b"} {
		made = append(made, dokploy.NewCall("application.create", map[string]any{"name": name, "environmentId": env}, &map[string]any{}))
	}
	if err := owner.Do(context.Background(), made...); err != nil {
		t.Fatal(err)
	}
	app := (*made[0].Out.(*map[string]any))["applicationId"]
	if slices.Contains(s.Accessed("accessedServices"), fmt.Sprint(app)) {
		t.Fatalf("the first create's id %v is still in the member's list", app)
	}
	s.SetRole("member")
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
		c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: api})
		one := dokploy.NewCall("application.one", map[string]any{"applicationId": app}, nil)
		c.Do(context.Background(), one) //nolint:errcheck // the call's Err is read
		err := one.Err
		if !dokploy.IsUnauthorized(err) {
			t.Fatalf("%s: %v, want a 401", api, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "You don't have access to this service") || !strings.Contains(msg, dokploy.NoAccessHint) || strings.Contains(msg, dokploy.UnauthorizedHint) {
			t.Errorf("%s: %s", api, msg)
		}
	}
}

// A member key's create whose answer is lost may still be running on the
// server, reading and writing the member's lists: the next create waits
// one Timeout for its slot, as a lost pool-holding call's slot does.
func TestLostSerialCreateKeepsItsSlotForATimeout(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k",
		Faults: []dokploytest.Fault{{Kind: dokploytest.FaultLoseAnswer, Procs: []string{"project.create"}, Times: 1}}})
	s.SetRole("member")
	const timeout = 400 * time.Millisecond
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", Timeout: timeout})
	c.SetRole("member")
	project := func(name string) *dokploy.Call {
		return dokploy.NewCall("project.create", map[string]any{"name": name}, nil)
	}
	if err := c.Do(context.Background(), project("a")); !dokploy.IsUncertain(err) {
		t.Fatalf("err = %v, want uncertain", err)
	}
	start := time.Now()
	if err := c.Do(context.Background(), project("b")); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < timeout/2 {
		t.Errorf("the next create sent after %s, want it to wait for the lost create's slot (%s)", d, timeout)
	}
}
