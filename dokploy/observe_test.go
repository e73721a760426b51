package dokploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

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
	// project.one, the .one of the 20 services, and the schedules and
	// volume backups of each of the 10 applications (schedule.list,
	// volumeBackups.list): all in the same round trip.
	if n := len(reqs[1].Procs); n != 41 {
		t.Errorf("second request carries %d calls, want 41 (project.one, 20 services, 2 lists of each application)", n)
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
	// version, user, projects, tags; project.one; 4 services; the 2 lists
	// (schedules, volume backups) of each of the 2 applications
	if rest.Requests() != 4+1+4+2*2 {
		t.Errorf("REST made %d requests, want one per call (13)", rest.Requests())
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
	// 601 reads in the second round trip: project.one, 300 services, and
	// the schedules and volume backups of the 150 applications.
	if n := len(s.Requests()); n < 3 || n > 12 {
		t.Errorf("%d requests for 601 reads, want a handful of chunks", n)
	}
}

// The schedules and volume backups of applications and compose services
// are read per service (schedule.list, volumeBackups.list), in the round
// trip of the services' .one: a plan of services that have them still
// reads the server in two round trips, and each service gets its own.
func TestObserveReadsSchedulesAndVolumeBackupsInTheSameRoundTrip(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	env := seed(t, s, "shop", 3) // app0..app2, db0..db2
	dest := call(t, s, "destination.create", map[string]any{"name": "s3", "provider": "AWS", "accessKey": "a", "secretAccessKey": "b",
		"bucket": "x", "region": "eu-west-1", "endpoint": "https://s3.example.com"})
	cm := call(t, s, "compose.create", map[string]any{"name": "mon", "environmentId": env, "composeType": "docker-compose"})
	var apps []string
	raw, _ := s.Call("environment.one", map[string]any{"environmentId": env})
	var e struct {
		Applications []struct {
			ApplicationID string `json:"applicationId"`
			Name          string `json:"name"`
		} `json:"applications"`
	}
	json.Unmarshal(raw, &e)
	for _, a := range e.Applications {
		apps = append(apps, a.ApplicationID)
	}
	if len(apps) != 3 {
		t.Fatalf("%d applications seeded", len(apps))
	}
	schedule := func(name, typ, key, id string) {
		call(t, s, "schedule.create", map[string]any{"name": name, "cronExpression": "0 * * * *", "command": "true", "scheduleType": typ, key: id})
	}
	volumeBackup := func(name, typ, key, id string) {
		call(t, s, "volumeBackups.create", map[string]any{"name": name, "volumeName": "data", "prefix": "p", "cronExpression": "0 3 * * *",
			"destinationId": dest["destinationId"], "serviceType": typ, key: id})
	}
	schedule("a0-one", "application", "applicationId", apps[0])
	schedule("a0-two", "application", "applicationId", apps[0])
	schedule("c-one", "compose", "composeId", cm["composeId"].(string))
	volumeBackup("a1-vol", "application", "applicationId", apps[1])
	volumeBackup("c-vol", "compose", "composeId", cm["composeId"].(string))

	s.ResetRequests()
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k"})
	live, err := c.Observe(context.Background(), []string{"shop"})
	if err != nil {
		t.Fatal(err)
	}
	if n, rt := len(s.Requests()), c.RoundTrips(); n != 2 || rt != 2 {
		t.Fatalf("%d HTTP requests in %d round trips, want 2 in 2", n, rt)
	}
	// Every list call is in the second request, one per service that
	// has the kind, with the service's id and kind.
	lists := map[string]int{}
	for _, p := range s.Requests()[1].Procs {
		lists[p]++
	}
	if lists["schedule.list"] != 4 || lists["volumeBackups.list"] != 4 {
		t.Errorf("second request: %d schedule.list and %d volumeBackups.list, want 4 of each (3 applications, 1 compose)",
			lists["schedule.list"], lists["volumeBackups.list"])
	}
	q, _ := url.QueryUnescape(s.Requests()[1].RawQuery)
	for _, want := range []string{`"id":"` + cm["composeId"].(string) + `","scheduleType":"compose"`, `"id":"` + apps[2] + `","volumeBackupType":"application"`} {
		if !strings.Contains(q, want) {
			t.Errorf("the second request lacks the input %s", want)
		}
	}

	names := func(rows []dokploy.Row) string {
		var out []string
		for _, r := range rows {
			out = append(out, r["name"].(string))
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	envLive := live.Projects["shop"][0].Environments[0]
	byID := map[string]*dokploy.Application{}
	for _, a := range envLive.Applications {
		byID[a.ApplicationID] = a
	}
	for _, tc := range []struct {
		what  string
		items dokploy.Items
		sched string
		vols  string
	}{
		{"app0", byID[apps[0]].Items, "a0-one,a0-two", ""},
		{"app1", byID[apps[1]].Items, "", "a1-vol"},
		{"app2", byID[apps[2]].Items, "", ""},
		{"compose", envLive.Compose[0].Items, "c-one", "c-vol"},
	} {
		for kind, want := range map[string]string{"schedule": tc.sched, "volumeBackup": tc.vols} {
			rows, ok := tc.items[kind]
			if !ok {
				t.Errorf("%s: no %ss read", tc.what, kind)
			}
			if got := names(rows); got != want {
				t.Errorf("%s: %ss %q, want %q", tc.what, kind, got, want)
			}
		}
	}
	for _, d := range envLive.Databases {
		if _, ok := d.Items["schedule"]; ok {
			t.Errorf("%s/%s: schedules read for a database", d.Kind, d.Name)
		}
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

// TestLargeReadsInTwoRoundTrips: plan's read of 2,000 and 5,000 services,
// more batches than Parallelism, sends the batches of each round trip
// together (MaxReadBatches): two round trips, and more requests in flight
// at once than Parallelism allows, never more than MaxReadBatches.
func TestLargeReadsInTwoRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 services")
	}
	for _, n := range []int{2000, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
			seedServices(t, s, "shop", n)
			s.SetLatency(20 * time.Millisecond)
			f := &inFlight{}
			c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", HTTPClient: &http.Client{Transport: f}})
			if err != nil {
				t.Fatal(err)
			}
			live, err := c.Observe(context.Background(), []string{"shop"})
			if err != nil {
				t.Fatal(err)
			}
			if env := live.Projects["shop"][0].Environments[0]; len(env.Applications)+len(env.Databases) != n {
				t.Errorf("read %d services, want %d", len(env.Applications)+len(env.Databases), n)
			}
			if rt := c.RoundTrips(); rt != 2 {
				t.Errorf("%d round trips, want 2", rt)
			}
			if c.Requests() <= 8 {
				t.Fatalf("%d requests: not more than Parallelism, the test tests nothing", c.Requests())
			}
			if m := f.max.Load(); m <= 8 || m > dokploy.DefaultMaxReadBatches {
				t.Errorf("%d requests in flight at once, want more than 8 (Parallelism) and at most %d", m, dokploy.DefaultMaxReadBatches)
			}
		})
	}
}

// TestMaxReadBatchesBoundsReads: with fewer read batches allowed in flight
// than a round trip has, the bound holds and the round trips count the
// turns.
func TestMaxReadBatchesBoundsReads(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seedServices(t, s, "shop", 300)
	s.SetLatency(time.Millisecond)
	f := &inFlight{}
	c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: "k", MaxReadBatches: 2, HTTPClient: &http.Client{Transport: f}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Observe(context.Background(), []string{"shop"}); err != nil {
		t.Fatal(err)
	}
	if m := f.max.Load(); m > 2 {
		t.Errorf("%d read batches in flight at once, want at most 2", m)
	}
	// 1 request, then 601 reads in some 9 batches: 1 + ceil(9/2) periods.
	second := c.Requests() - 1
	if want := 1 + (second+1)/2; c.RoundTrips() != want {
		t.Errorf("%d round trips for 1 + %d requests, want %d", c.RoundTrips(), second, want)
	}
}
