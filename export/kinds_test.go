package export

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// seedJobs gives the fake a destination, two registries, and schedules
// and volume backups on an application and a compose service, with
// values at and off their defaults (enabled and keepLatestCount null,
// prefix "", imagePrefix null, shellType sh, enabled false).
func seedJobs(t *testing.T, s *dokploytest.Server) {
	t.Helper()
	p := call(t, s, "project.create", map[string]any{"name": "shop"})
	env := p["environment"].(map[string]any)["environmentId"]
	dest := call(t, s, "destination.create", map[string]any{"name": "s3-main", "provider": "AWS", "accessKey": "AKIAJOBSKEY",
		"secretAccessKey": "jobs-s3-secret", "bucket": "b", "region": "eu-west-1", "endpoint": "https://s3.example.com"})
	call(t, s, "registry.create", map[string]any{"registryName": "ghcr", "username": "deploy", "password": "ghcr-token-secret",
		"registryUrl": "ghcr.io", "registryType": "cloud", "imagePrefix": "acme"})
	call(t, s, "registry.create", map[string]any{"registryName": "hub", "username": "me", "password": "hub-token-secret",
		"registryUrl": "", "registryType": "cloud", "imagePrefix": nil})
	app := call(t, s, "application.create", map[string]any{"name": "api", "environmentId": env})
	call(t, s, "application.saveDockerProvider", map[string]any{"applicationId": app["applicationId"], "dockerImage": "nginx:1.27",
		"username": nil, "password": nil, "registryUrl": nil})
	cm := call(t, s, "compose.create", map[string]any{"name": "mon", "environmentId": env, "composeType": "docker-compose", "sourceType": "raw",
		"composeFile": "services:\n  grafana:\n    image: grafana/grafana\n"})
	call(t, s, "schedule.create", map[string]any{"name": "cleanup", "cronExpression": "0 3 * * *", "command": "bin/cleanup",
		"applicationId": app["applicationId"]})
	call(t, s, "schedule.create", map[string]any{"name": "report", "cronExpression": "0 6 * * 1", "command": "bin/report --all",
		"shellType": "sh", "enabled": false, "timezone": "Europe/Berlin", "description": "weekly", "applicationId": app["applicationId"]})
	call(t, s, "schedule.create", map[string]any{"name": "nightly", "cronExpression": "30 2 * * *", "command": "true",
		"scheduleType": "compose", "serviceName": "grafana", "composeId": cm["composeId"]})
	call(t, s, "volumeBackups.create", map[string]any{"name": "uploads", "volumeName": "shop-uploads", "prefix": "",
		"cronExpression": "0 4 * * *", "destinationId": dest["destinationId"], "applicationId": app["applicationId"]})
	call(t, s, "volumeBackups.create", map[string]any{"name": "grafana", "volumeName": "mon_grafana", "prefix": "mon",
		"cronExpression": "0 2 * * *", "destinationId": dest["destinationId"], "serviceType": "compose", "composeId": cm["composeId"],
		"serviceName": "grafana", "turnOff": true, "keepLatestCount": 5, "enabled": true})
}

var jobsSecrets = []string{"AKIAJOBSKEY", "jobs-s3-secret", "ghcr-token-secret", "hub-token-secret"}

// An export of destinations, registries, schedules and volume backups
// loads, plans to no changes against the state it came from, keeps the
// secrets in secrets.env, and applied to an empty server makes the same
// items.
func TestExportJobsRoundTrip(t *testing.T) {
	s := fakeServer(t)
	seedJobs(t, s)
	ctx := context.Background()
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: apiKey})
	live, err := c.Observe(ctx, []string{"shop"}, InstanceKinds()...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(live, Options{})
	if err != nil {
		t.Fatalf("Build: %v (warnings %q)", err, res.Warnings)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dokploy.yaml")
	if err := Write(res, path, false, false); err != nil {
		t.Fatal(err)
	}
	check, err := Verify(res, path, live, false)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() {
		t.Fatalf("the export does not round-trip: %v %v\n%s", check.Diagnostics, check.Changes, res.YAML)
	}
	y := string(res.YAML)
	for _, v := range jobsSecrets {
		if strings.Contains(y, v) {
			t.Errorf("the spec contains the secret %q", v)
		}
	}
	secrets, _ := os.ReadFile(filepath.Join(dir, SecretsFile))
	for _, v := range jobsSecrets {
		if !strings.Contains(string(secrets), v) {
			t.Errorf("secrets.env lacks %q", v)
		}
	}
	// Values at their default are left out; the others are written.
	for _, want := range []string{"shellType: sh", "enabled: false", "timezone: Europe/Berlin", "serviceName: grafana", "turnOff: true",
		"destination: s3-main", "imagePrefix: acme", "registryUrl: ghcr.io"} {
		if !strings.Contains(y, want) {
			t.Errorf("the spec lacks %q:\n%s", want, y)
		}
	}
	for _, unwanted := range []string{"shellType: bash", "turnOff: false", "prefix: \"\"", "imagePrefix: null", "registryType"} {
		if strings.Contains(y, unwanted) {
			t.Errorf("the spec has %q:\n%s", unwanted, y)
		}
	}

	// Applied to an empty server, the export makes the same items.
	vars, err := spec.ReadVarFile(filepath.Join(dir, SecretsFile))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := spec.Load(path, spec.Options{Vars: vars, LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	empty := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: apiKey, Seed: 9})
	c2, _ := dokploy.New(dokploy.Options{BaseURL: empty.URL(), APIKey: apiKey})
	live2, err := c2.Observe(ctx, spec.SortedKeys(f.Projects), planner.ReadKinds(f)...)
	if err != nil {
		t.Fatal(err)
	}
	if r := apply.Apply(ctx, c2, planner.Compute(f, live2), apply.Options{}); r.Err() != nil {
		t.Fatal(r.Err())
	}
	after, err := c2.Observe(ctx, []string{"shop"}, InstanceKinds()...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := jobsState(t, after), jobsState(t, live); got != want {
		t.Errorf("the server the export was applied to differs:\n got %s\nwant %s", got, want)
	}
}

// jobsState is the fields of the items of a live state that do not
// depend on the server (no ids, appNames or dates), as sorted JSON
// lines; ids of destinations are replaced by names.
func jobsState(t *testing.T, live *dokploy.Live) string {
	t.Helper()
	destNames := map[string]string{}
	for _, r := range live.Items["destination"] {
		destNames[r.ID("destinationId")] = r["name"].(string)
	}
	keep := func(r dokploy.Row, keys ...string) string {
		m := map[string]any{}
		for _, k := range keys {
			m[k] = r[k]
		}
		if id, ok := m["destinationId"].(string); ok {
			m["destinationId"] = destNames[id]
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	var lines []string
	for _, r := range live.Items["registry"] {
		lines = append(lines, "registry "+keep(r, "registryName", "username", "password", "registryUrl", "imagePrefix", "registryType"))
	}
	env := live.Projects["shop"][0].Environments[0]
	items := map[string]dokploy.Items{}
	for _, a := range env.Applications {
		items["application "+a.Name] = a.Items
	}
	for _, cm := range env.Compose {
		items["compose "+cm.Name] = cm.Items
	}
	for svc, it := range items {
		for _, r := range it["schedule"] {
			lines = append(lines, svc+" schedule "+keep(r, "name", "cronExpression", "command", "shellType", "timezone", "enabled",
				"description", "serviceName", "scheduleType"))
		}
		for _, r := range it["volumeBackup"] {
			lines = append(lines, svc+" volumeBackup "+keep(r, "name", "volumeName", "prefix", "cronExpression", "destinationId",
				"keepLatestCount", "enabled", "turnOff", "serviceName", "serviceType"))
		}
	}
	sort.Strings(lines)
	if len(lines) != 7 {
		t.Errorf("%d items, want 7 (2 registries, 3 schedules, 2 volume backups):\n%s", len(lines), strings.Join(lines, "\n"))
	}
	return strings.Join(lines, "\n")
}
