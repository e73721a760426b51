package dokploytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// infraCapture reports whether a capture file is one TestInfraCaptures
// replays: 475-569, SSH keys, servers, certificates, notifications, the
// settings of an application and a postgres, git providers and tags.
func infraCapture(name string) bool {
	n, err := strconv.Atoi(strings.SplitN(name, "-", 2)[0])
	return err == nil && n >= 475 && n <= 569
}

// TestInfraCaptures replays captures 475-569 in order on a fresh fake
// brought into the state the real run had reached: project cap-ext with
// application cap-app (its five domains of capture 390), postgres cap-pg,
// mysql, mariadb and mongo databases. The run did not record those
// creates, so they are done here with the names the captures show, and
// the real ids are learnt by matching the fake's answers with captured
// answers of the same objects (487, 539, 566).
func TestInfraCaptures(t *testing.T) {
	dir := sharedDokployDir(t)
	caps := loadCapturesOf(t, dir, infraCapture)
	if len(caps) != 95 {
		t.Fatalf("%d captures 475-569, want 95", len(caps))
	}
	s := NewTestServer(t, Options{APIKey: "capture-key", Seed: 7, DeployError: dockerDown})
	r := &replayer{t: t, s: s, ids: map[string]string{}, names: map[string]string{},
		// postgres.one lists the backup that captures 415-436 made with
		// the backup and destination routers, which this fake has not.
		ignore: map[string][]string{
			"539-postgres.one-after-resources-update.json": {"backups"},
			"541-postgres.one-after-null-update.json":      {"backups"},
		}}

	app := captured(t, dir, "487-application.one-after-saveGitProvider-sshkey.json")
	pg := captured(t, dir, "539-postgres.one-after-resources-update.json")
	project := captured(t, dir, "566-project.one-with-tag.json")
	env := project["environments"].([]any)[0].(map[string]any)

	call := func(proc string, in map[string]any) map[string]any {
		t.Helper()
		out, err := s.Call(proc, in)
		if err != nil {
			t.Fatalf("%s: %v", proc, err)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s: %v", proc, err)
		}
		return m
	}
	envID := call("project.create", map[string]any{"name": project["name"], "description": project["description"]})["environment"].(map[string]any)["environmentId"]
	appID := call("application.create", map[string]any{"name": app["name"], "appName": app["name"], "environmentId": envID})["applicationId"]
	// The batch of capture 390 inserted its domains in this order.
	for _, d := range app["domains"].([]any) {
		d := d.(map[string]any)
		call("domain.create", map[string]any{"host": d["host"], "path": d["path"], "port": d["port"], "https": d["https"],
			"certificateType": d["certificateType"], "domainType": "application", "applicationId": appID})
	}
	pgID := call("postgres.create", map[string]any{"name": pg["name"], "appName": pg["name"], "databaseName": pg["databaseName"],
		"databaseUser": pg["databaseUser"], "databasePassword": pg["databasePassword"], "dockerImage": pg["dockerImage"],
		"environmentId": envID})["postgresId"]
	for _, kind := range []string{"mysql", "mariadb", "mongo"} {
		db := env[kind].([]any)[0].(map[string]any)
		call(kind+".create", map[string]any{"name": db["name"], "appName": db["name"], "databaseName": "capdb",
			"databaseUser": "capuser", "databasePassword": "CapPass123", "environmentId": envID})
	}
	r.learn(app, call("application.one", map[string]any{"applicationId": appID}))
	r.learn(pg, call("postgres.one", map[string]any{"postgresId": pgID}))
	r.learn(project, call("project.one", map[string]any{"projectId": r.ids[str(env["projectId"])]}))

	r.replay(caps)
}

// captured returns the answer of a capture file as a JSON object.
func captured(t *testing.T, dir, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "captures", file))
	if err != nil {
		t.Fatal(err)
	}
	var c capture
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(c.ResponseBody, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}
