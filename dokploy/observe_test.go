package dokploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

func call(t *testing.T, s *dokploytest.Server, proc string, in map[string]any) map[string]any {
	t.Helper()
	raw, err := s.Call(proc, in)
	if err != nil {
		t.Fatalf("%s: %v", proc, err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", proc, err)
	}
	return out
}

// seed makes a project with n applications and n postgres databases and
// returns its default environment id.
func seed(t *testing.T, s *dokploytest.Server, name string, n int) string {
	t.Helper()
	out := call(t, s, "project.create", map[string]any{"name": name})
	env := out["environment"].(map[string]any)["environmentId"].(string)
	for i := 0; i < n; i++ {
		call(t, s, "application.create", map[string]any{"name": fmt.Sprintf("app%d", i), "environmentId": env})
		call(t, s, "postgres.create", map[string]any{"name": fmt.Sprintf("db%d", i), "environmentId": env,
			"databaseName": "d", "databaseUser": "u", "databasePassword": "p", "dockerImage": "postgres:16"})
	}
	return env
}

func TestObserveReadsDeclaredProjectsInTwoRoundTrips(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seed(t, s, "shop", 10)
	otherEnv := seed(t, s, "other", 3)
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	live, err := c.Observe(context.Background(), []string{"shop", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d HTTP requests, want 2 (project.all, then one batch)", len(reqs))
	}
	if got := reqs[0].Procs; strings.Join(got, ",") != "settings.getDokployVersion,user.get,project.all,tag.all" {
		t.Errorf("first request carries %q", got)
	}
	// Nothing of the undeclared project is read: neither its id nor the
	// ids of its environment's services appear in any request.
	var otherIDs []string
	var projects []map[string]any
	raw, _ := s.Call("project.all", nil)
	json.Unmarshal(raw, &projects)
	for _, p := range projects {
		if p["name"] == "other" {
			otherIDs = append(otherIDs, p["projectId"].(string))
		}
	}
	envRaw, _ := s.Call("environment.one", map[string]any{"environmentId": otherEnv})
	var otherRow struct {
		Applications []struct{ ApplicationID string } `json:"applications"`
	}
	json.Unmarshal(envRaw, &otherRow)
	for _, a := range otherRow.Applications {
		otherIDs = append(otherIDs, a.ApplicationID)
	}
	if len(otherIDs) < 2 {
		t.Fatalf("ids of the undeclared project not found: %v", otherIDs)
	}
	for _, r := range reqs {
		q, _ := url.QueryUnescape(r.RawQuery)
		for _, id := range otherIDs {
			if strings.Contains(q, id) {
				t.Errorf("a request reads the undeclared project (id %s): %v", id, r.Procs)
			}
		}
	}
	if n := len(reqs[1].Procs); n != 21 {
		t.Errorf("second request carries %d calls, want 21 (project.one and 20 services)", n)
	}
	if len(live.Projects["missing"]) != 0 || len(live.Projects["shop"]) != 1 {
		t.Fatalf("projects: %v", live.Projects)
	}
	env := live.Projects["shop"][0].Environments[0]
	if len(env.Applications) != 10 || len(env.Databases) != 10 {
		t.Fatalf("environment has %d apps and %d databases, want 10 and 10", len(env.Applications), len(env.Databases))
	}
	db := env.Databases[0]
	if db.Kind != "postgres" || db.ID == "" || db.DockerImage == nil || *db.DockerImage != "postgres:16" || !strings.HasPrefix(db.AppName, "postgres-") {
		t.Errorf("database not read in full: %+v", db)
	}
	if a := env.Applications[0]; a.ApplicationID == "" || a.AppName == "" || a.Replicas == nil {
		t.Errorf("application not read in full: %+v", a)
	}
}

func TestObserveSameOverREST(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seed(t, s, "shop", 2)
	trpc, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	rest, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", API: dokploy.APIREST})
	a, err := trpc.Observe(context.Background(), []string{"shop"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := rest.Observe(context.Background(), []string{"shop"})
	if err != nil {
		t.Fatal(err)
	}
	ea, eb := a.Projects["shop"][0].Environments[0], b.Projects["shop"][0].Environments[0]
	if len(ea.Applications) != len(eb.Applications) || len(ea.Databases) != len(eb.Databases) || *ea.Databases[0].DatabasePassword != *eb.Databases[0].DatabasePassword {
		t.Errorf("tRPC and REST read different states")
	}
	if rest.Requests() != 4+1+4 { // version, user, projects, tags; project.one; 4 services
		t.Errorf("REST made %d requests, want one per call (9)", rest.Requests())
	}
}

func TestObserveRefusesOldServers(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Version: "v0.25.3"})
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	_, err := c.Observe(context.Background(), []string{"shop"})
	if err == nil || err.Error() != "the Dokploy server is v0.25.3; dokploy-sync needs v0.26.1 or newer (environments and isDefault); upgrade Dokploy" {
		t.Errorf("err = %v", err)
	}
}

func TestObserveChunksLargeReads(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seed(t, s, "big", 150)
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	live, err := c.Observe(context.Background(), []string{"big"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(live.Projects["big"][0].Environments[0].Applications); n != 150 {
		t.Errorf("%d applications read, want 150", n)
	}
	for _, r := range s.Requests() {
		if len(r.Path)+1+len(r.RawQuery) > dokploy.DefaultURLBudget {
			t.Errorf("request line of %d bytes is over the budget", len(r.Path)+1+len(r.RawQuery))
		}
	}
	if n := len(s.Requests()); n < 3 || n > 8 {
		t.Errorf("%d requests for 301 reads, want a handful of chunks", n)
	}
}

// Kinds that read one procedure share its call: the four git provider
// kinds read gitProvider.getAll once, in the first round trip, and each
// keeps the providers of its type with their ids.
func TestObserveSharesOneReadBetweenKinds(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	_, gh, err := s.AddGitProvider(dokploytest.GitProvider{Type: "github", Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	_, gl, _ := s.AddGitProvider(dokploytest.GitProvider{Type: "gitlab", Name: "acme"})
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	live, err := c.Observe(context.Background(), nil, "githubProvider", "gitlabProvider", "bitbucketProvider", "giteaProvider", "server")
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if got := strings.Join(reqs[0].Procs, ","); got != "settings.getDokployVersion,user.get,project.all,tag.all,gitProvider.getAll,server.all" {
		t.Errorf("first request carries %s", got)
	}
	for kind, want := range map[string]string{"githubProvider": gh, "gitlabProvider": gl} {
		rows := live.Items[kind]
		if len(rows) != 1 || rows[0]["name"] != "acme" || rows[0].ID(kind[:len(kind)-len("Provider")]+"Id") != want {
			t.Errorf("%s: %v, want acme with id %s", kind, rows, want)
		}
	}
	for _, kind := range []string{"bitbucketProvider", "giteaProvider", "server"} {
		if rows, ok := live.Items[kind]; !ok || len(rows) != 0 {
			t.Errorf("%s: %v (read: %v), want none read", kind, rows, ok)
		}
	}
}
