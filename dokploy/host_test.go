package dokploy_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// Many Do at once, each with stops (Docker commands on the panel's host)
// and other mutations: never more than MaxHostCalls stops in flight,
// whatever MaxMutations allows.
func TestHostCallsBoundedAcrossConcurrentDo(t *testing.T) {
	for _, api := range []string{dokploy.APITRPC, dokploy.APIREST} {
		t.Run(api, func(t *testing.T) {
			s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Latency: 10 * time.Millisecond})
			env := seed(t, s, "shop", 0)
			var apps []any
			for i := range 40 {
				apps = append(apps, call(t, s, "application.create", map[string]any{"name": fmt.Sprint("a", i), "environmentId": env})["applicationId"])
			}
			tr := &inflight{next: http.DefaultTransport, counts: dokploy.HostWork}
			const maxHost = 6
			c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: api, Parallelism: 32, MaxHostCalls: maxHost,
				HTTPClient: &http.Client{Transport: tr}})
			if err != nil {
				t.Fatal(err)
			}
			concurrentDo(t, c, 4, func(g int) []*dokploy.Call {
				var calls []*dokploy.Call
				for _, id := range apps[g*10 : g*10+10] {
					calls = append(calls, dokploy.NewCall("application.stop", map[string]any{"applicationId": id}, nil))
				}
				for i := range 10 {
					calls = append(calls, dokploy.NewCall("project.create", map[string]any{"name": fmt.Sprintf("p%d-%d", g, i)}, nil))
				}
				return calls
			})
			if p := tr.peak.Load(); p > maxHost || p < 2 {
				t.Errorf("%d stops in flight at most, want 2..%d", p, maxHost)
			}
		})
	}
}

// One Do of 40 stops and 100 creates: the host stream's 3 waves of 16 set
// the round trips; the creates travel beside them in one.
func TestHostWavesAreTheRoundTrips(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	env := seed(t, s, "shop", 0)
	var calls []*dokploy.Call
	for i := range 40 {
		id := call(t, s, "application.create", map[string]any{"name": fmt.Sprint("a", i), "environmentId": env})["applicationId"]
		calls = append(calls, dokploy.NewCall("application.stop", map[string]any{"applicationId": id}, nil))
	}
	for i := range 100 {
		calls = append(calls, dokploy.NewCall("project.create", map[string]any{"name": fmt.Sprint("p", i)}, nil))
	}
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", MaxHostCalls: 16})
	if err := c.Do(context.Background(), calls...); err != nil {
		t.Fatal(err)
	}
	for _, call := range calls {
		if call.Err != nil {
			t.Fatalf("%s: %v", call.Proc, call.Err)
		}
	}
	if c.RoundTrips() != 3 {
		t.Errorf("%d round trips, want 3", c.RoundTrips())
	}
}

// Every procedure the client may send that makes Dokploy run commands on
// its host before it answers is in the table; reads never are.
func TestHostWorkTable(t *testing.T) {
	for _, p := range []string{"application.delete", "compose.delete", "postgres.remove", "libsql.remove",
		"application.stop", "application.start", "compose.stop", "compose.start", "redis.stop", "mongo.start",
		"postgres.deploy", "mysql.deploy", "mariadb.deploy", "mongo.deploy", "redis.deploy", "libsql.deploy"} {
		if !dokploy.HostWork(p) {
			t.Errorf("%s: not host work", p)
		}
	}
	for _, p := range []string{"application.create", "application.update", "application.saveEnvironment",
		"application.deploy", "compose.deploy", "project.create", "application.one", "domain.create"} {
		if dokploy.HostWork(p) {
			t.Errorf("%s: host work", p)
		}
	}
}
