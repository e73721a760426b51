package dokploytest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// jobsFixture is an environment with an application, a compose, a
// postgres, a libsql and two destinations.
type jobsFixture struct {
	c                                  *client
	env, app, compose, pg, libsql      string
	dest, otherDest                    string
	pgBackup, composeBackup, libBackup string
}

func newJobsFixture(t *testing.T) *jobsFixture {
	c := newClient(t, Options{})
	f := &jobsFixture{c: c}
	_, f.env, _ = c.setup()
	f.app = c.callMap("application.create", map[string]any{"name": "web", "environmentId": f.env})["applicationId"].(string)
	f.compose = c.callMap("compose.create", map[string]any{"name": "stack", "environmentId": f.env})["composeId"].(string)
	f.pg = c.callMap("postgres.create", map[string]any{
		"name": "db", "databaseName": "app", "databaseUser": "app", "databasePassword": "secret", "environmentId": f.env,
	})["postgresId"].(string)
	c.call("libsql.create", map[string]any{
		"name": "lite", "appName": "lite", "environmentId": f.env, "description": nil, "databaseUser": "u",
		"databasePassword": "p", "sqldNode": "primary", "sqldPrimaryUrl": nil, "serverId": nil,
	})
	f.libsql = at(c.callMap("environment.one", map[string]any{"environmentId": f.env}), "libsql", 0, "libsqlId").(string)
	f.dest = f.destination("main")
	f.otherDest = f.destination("other")
	f.pgBackup = f.backup(map[string]any{"databaseType": "postgres", "postgresId": f.pg}, postgresKind.table)
	f.composeBackup = f.backup(map[string]any{
		"databaseType": "postgres", "backupType": "compose", "composeId": f.compose, "serviceName": "db",
		"metadata": map[string]any{"postgres": map[string]any{"databaseUser": "app"}},
	}, composeTable)
	f.libBackup = f.backup(map[string]any{"databaseType": "libsql", "libsqlId": f.libsql, "destinationId": f.otherDest}, libsqlTable)
	return f
}

func (f *jobsFixture) destination(name string) string {
	return f.c.callMap("destination.create", map[string]any{
		"name": name, "provider": "AWS", "accessKey": "AK-" + name, "secretAccessKey": "SK-" + name,
		"bucket": "b", "region": "r", "endpoint": "https://s3.example.com",
	})["destinationId"].(string)
}

// backup creates a backup (create answers nothing) and finds its id in
// the owner's .one.
func (f *jobsFixture) backup(in map[string]any, owner *tableDef) string {
	f.c.t.Helper()
	body := map[string]any{"schedule": "0 3 * * *", "prefix": "p", "destinationId": f.dest, "database": "app"}
	for k, v := range in {
		body[k] = v
	}
	if got := f.c.call("backup.create", body); got != nil {
		f.c.t.Fatalf("backup.create answered %v, want nothing", got)
	}
	id := body[owner.id]
	one := f.c.callMap(owner.name+".one", map[string]any{owner.id: id})
	backups, _ := one["backups"].([]any)
	if len(backups) == 0 {
		f.c.t.Fatalf("%s.one lists no backup", owner.name)
	}
	return at(backups, len(backups)-1, "backupId").(string)
}

func (f *jobsFixture) volumeBackup(owner *tableDef, id string) string {
	return f.c.callMap("volumeBackups.create", map[string]any{
		"name": "vb", "volumeName": "data", "prefix": "v", "cronExpression": "0 4 * * *",
		"destinationId": f.dest, "serviceType": owner.name, owner.id: id,
	})["volumeBackupId"].(string)
}

func (f *jobsFixture) schedule(owner *tableDef, id string) string {
	return f.c.callMap("schedule.create", map[string]any{
		"name": "job", "cronExpression": "0 5 * * *", "command": "true", "scheduleType": owner.name, owner.id: id,
	})["scheduleId"].(string)
}

// exists reports whether proc finds the row (200) rather than 404.
func (f *jobsFixture) exists(proc, key, id string) bool {
	f.c.t.Helper()
	_, err := f.c.s.Call(proc, map[string]any{key: id})
	if err == nil {
		return true
	}
	if ce, ok := err.(*CallError); !ok || ce.Status != 404 {
		f.c.t.Fatalf("%s %s: %v", proc, id, err)
	}
	return false
}

// Deleting a service deletes its backups, volume backups and schedules,
// and only its own (ON DELETE CASCADE).
func TestServiceDeleteCascadesToJobs(t *testing.T) {
	f := newJobsFixture(t)
	c := f.c
	appVB, pgVB := f.volumeBackup(applicationTable, f.app), f.volumeBackup(postgresTable, f.pg)
	appSched, composeSched := f.schedule(applicationTable, f.app), f.schedule(composeTable, f.compose)

	c.call("application.delete", map[string]any{"applicationId": f.app})
	if f.exists("volumeBackups.one", "volumeBackupId", appVB) || f.exists("schedule.one", "scheduleId", appSched) {
		t.Error("the application's volume backup or schedule survived its delete")
	}
	if !f.exists("volumeBackups.one", "volumeBackupId", pgVB) || !f.exists("schedule.one", "scheduleId", composeSched) ||
		!f.exists("backup.one", "backupId", f.pgBackup) {
		t.Error("another service's job went with the application")
	}

	c.call("postgres.remove", map[string]any{"postgresId": f.pg})
	if f.exists("backup.one", "backupId", f.pgBackup) || f.exists("volumeBackups.one", "volumeBackupId", pgVB) {
		t.Error("the postgres backup or volume backup survived its remove")
	}
	c.call("compose.delete", map[string]any{"composeId": f.compose, "deleteVolumes": false})
	if f.exists("backup.one", "backupId", f.composeBackup) || f.exists("schedule.one", "scheduleId", composeSched) {
		t.Error("the compose backup or schedule survived its delete")
	}
	if !f.exists("backup.one", "backupId", f.libBackup) {
		t.Error("the libsql backup went with the others")
	}
	// The project's removal takes the last one with the libsql.
	pid := at(c.callMap("environment.one", map[string]any{"environmentId": f.env}), "projectId").(string)
	c.call("project.remove", map[string]any{"projectId": pid})
	if f.exists("backup.one", "backupId", f.libBackup) {
		t.Error("the libsql backup survived the project's removal")
	}
	if n := len(c.s.rows(backupTable)) + len(c.s.rows(volumeBackupTable)) + len(c.s.rows(scheduleTable)); n != 0 {
		t.Errorf("%d job rows left", n)
	}
}

// Removing a destination removes the backups and volume backups that use
// it, not those of another destination.
func TestDestinationRemoveCascades(t *testing.T) {
	f := newJobsFixture(t)
	vb := f.volumeBackup(applicationTable, f.app)
	removed := f.c.callMap("destination.remove", map[string]any{"destinationId": f.dest})
	if removed["secretAccessKey"] != "SK-main" {
		t.Errorf("remove answered %v, want the row with its keys", removed)
	}
	for _, id := range []string{f.pgBackup, f.composeBackup} {
		if f.exists("backup.one", "backupId", id) {
			t.Errorf("backup %s survived its destination", id)
		}
	}
	if f.exists("volumeBackups.one", "volumeBackupId", vb) {
		t.Error("the volume backup survived its destination")
	}
	if !f.exists("backup.one", "backupId", f.libBackup) {
		t.Error("the other destination's backup went too")
	}
	if f.exists("destination.one", "destinationId", f.dest) {
		t.Error("the destination is still there")
	}
}

// compose and libsql backups: listed by their owner's .one (destination
// without keys), and backup.one carries the owner's row.
func TestComposeAndLibsqlBackups(t *testing.T) {
	f := newJobsFixture(t)
	c := f.c
	cb := at(c.callMap("compose.one", map[string]any{"composeId": f.compose}), "backups", 0).(map[string]any)
	if cb["backupType"] != "compose" || cb["serviceName"] != "db" || at(cb, "metadata", "postgres", "databaseUser") != "app" {
		t.Errorf("compose.one backup: %v", cb)
	}
	if _, leaked := cb["destination"].(map[string]any)["secretAccessKey"]; leaked {
		t.Error("compose.one's backup destination carries its secret key")
	}
	one := c.callMap("backup.one", map[string]any{"backupId": f.libBackup})
	if at(one, "libsql", "libsqlId") != f.libsql || one["postgres"] != nil || one["compose"] != nil {
		t.Errorf("backup.one of the libsql backup: libsql %v, postgres %v, compose %v", one["libsql"], one["postgres"], one["compose"])
	}
	if at(one, "destination", "destinationId") != f.otherDest || at(one, "destination", "accessKey") != nil {
		t.Errorf("backup.one destination: %v", one["destination"])
	}
	if at(c.callMap("backup.one", map[string]any{"backupId": f.composeBackup}), "compose", "composeId") != f.compose {
		t.Error("backup.one of the compose backup has no compose")
	}
}

// A backup naming a destination or database that does not exist fails
// its insert: 400 with the failed query, nothing stored.
func TestBackupDanglingIDs(t *testing.T) {
	f := newJobsFixture(t)
	before := len(f.c.s.rows(backupTable))
	for _, in := range []map[string]any{
		{"destinationId": "nope", "postgresId": f.pg},
		{"destinationId": f.dest, "postgresId": "nope"},
	} {
		body := map[string]any{"schedule": "x", "prefix": "p", "database": "d", "databaseType": "postgres"}
		for k, v := range in {
			body[k] = v
		}
		st, resp := f.c.post("backup.create", body)
		if st != 400 || !strings.Contains(string(resp), `Failed query: insert into \"backup\"`) {
			t.Errorf("create with %v: %d %s", in, st, resp)
		}
		st, resp = f.c.post("backup.update", map[string]any{
			"backupId": f.pgBackup, "schedule": "x", "enabled": true, "prefix": "p", "database": "d",
			"keepLatestCount": nil, "serviceName": nil, "metadata": nil, "databaseType": "postgres",
			"destinationId": in["destinationId"],
		})
		if in["destinationId"] == "nope" && (st != 400 || !strings.Contains(string(resp), `Failed query: update \"backup\"`)) {
			t.Errorf("update to a missing destination: %d %s", st, resp)
		}
	}
	if n := len(f.c.s.rows(backupTable)); n != before {
		t.Errorf("%d backups after the failed creates, want %d", n, before)
	}
	if st, resp := f.c.post("backup.update", map[string]any{
		"backupId": "nope", "schedule": "x", "enabled": true, "prefix": "p", "destinationId": f.dest, "database": "d",
		"keepLatestCount": nil, "serviceName": nil, "metadata": nil, "databaseType": "postgres",
	}); st != 400 || !strings.Contains(string(resp), `"Backup not found"`) {
		t.Errorf("update of a missing backup: %d %s", st, resp)
	}
}

// destination.testConnection succeeds (an empty answer) unless
// Options.RcloneError is set; the error quotes the rclone command.
func TestDestinationTestConnection(t *testing.T) {
	in := map[string]any{
		"name": "d", "provider": nil, "accessKey": "AK", "secretAccessKey": "it's secret", "bucket": "b",
		"region": "r", "endpoint": "https://s3.example.com", "additionalFlags": []string{"--s3-no-head"},
	}
	c := newClient(t, Options{})
	if st, body := c.post("destination.testConnection", in); st != 200 || len(body) != 0 {
		t.Errorf("test: %d %q, want 200 and no body", st, body)
	}
	c = newClient(t, Options{RcloneError: "boom\n"})
	st, body := c.post("destination.testConnection", in)
	msg, _ := decodeMap(t, body)["message"].(string)
	want := `Command execution failed: Command failed: rclone ls --s3-access-key-id=AK --s3-secret-access-key="it's secret" ` +
		`--s3-region=r --s3-endpoint=https\://s3.example.com --s3-no-check-bucket --s3-force-path-style --retries 1 ` +
		`--low-level-retries 1 --timeout 10s --contimeout 5s --s3-no-head \:s3\:b` + "\nboom\n"
	if st != 400 || msg != want {
		t.Errorf("failing test: %d\n got %q\nwant %q", st, msg, want)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                "''",
		"plain-word_1.2":  "plain-word_1.2",
		"a b":             "'a b'",
		`back\slash`:      `'back\slash'`,
		"it's":            `"it's"`,
		"it's here":       `"it's here"`,
		`say "$x" it's`:   `"say \"\$x\" it's"`,
		"http://h:9/p?q":  `http\://h\:9/p\?q`,
		"C:$HOME":         `C:\$HOME`,
		"x@y(z)":          `x\@y\(z\)`,
		":s3:bucket/path": `\:s3\:bucket/path`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// A failed docker login: create stores nothing, update keeps its change;
// the password never shows in the message. Without the option both
// succeed; applications show the registry they name without its password,
// and lose it when it is removed.
func TestRegistryLogin(t *testing.T) {
	in := map[string]any{
		"registryName": "r", "username": "  bob ", "password": "s3cr3t", "registryUrl": "reg.example.com:5000",
		"registryType": "cloud", "imagePrefix": nil,
	}
	c := newClient(t, Options{DockerLoginError: "denied for s3cr3t\n"})
	st, body := c.post("registry.create", in)
	msg, _ := decodeMap(t, body)["message"].(string)
	want := "Command execution failed: Command failed: printf %s '***' | docker login 'reg.example.com:5000' -u 'bob' --password-stdin\ndenied for ***\n"
	if st != 400 || msg != want {
		t.Errorf("create: %d\n got %q\nwant %q", st, msg, want)
	}
	if _, all := c.get("registry.all", nil); string(all) != "[]" {
		t.Errorf("registry.all after the failed create: %s", all)
	}

	c = newClient(t, Options{})
	remote := map[string]any{"serverId": "srv"}
	for k, v := range in {
		remote[k] = v
	}
	if st, body := c.post("registry.create", remote); st != 400 || !strings.Contains(string(body), `"Server not found"`) {
		t.Errorf("create with a serverId: %d %s", st, body)
	}
	reg := decodeMap(t, must200(t, c, "registry.create", in))
	if reg["password"] != "s3cr3t" || reg["username"] != "bob" {
		t.Errorf("create answered %v, want the row with the password and the trimmed username", reg)
	}
	id := reg["registryId"].(string)
	c.s.setCommandErrors("", "denied\n")
	if st, body := c.post("registry.update", map[string]any{"registryId": id, "imagePrefix": "team"}); st != 400 {
		t.Errorf("update with a failing login: %d %s", st, body)
	}
	_, body = c.get("registry.one", map[string]string{"registryId": id})
	one := decodeMap(t, body)
	if _, has := one["password"]; has || one["imagePrefix"] != "team" {
		t.Errorf("registry.one after the failed update: %s", body)
	}
	c.s.setCommandErrors("", "")
	if st, body := c.post("registry.update", map[string]any{"registryId": id, "registryName": "r2"}); st != 200 || string(body) != "true" {
		t.Errorf("update: %d %s", st, body)
	}
	if st, body := c.post("registry.update", map[string]any{"registryId": id}); st != 400 || !strings.Contains(string(body), "No values to set") {
		t.Errorf("empty update: %d %s", st, body)
	}

	_, env, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": env})["applicationId"]
	c.call("application.update", map[string]any{"applicationId": app, "registryId": id})
	shown := c.callMap("application.one", map[string]any{"applicationId": app})
	if at(shown, "registry", "registryName") != "r2" || at(shown, "registry", "password") != nil {
		t.Errorf("application.one registry: %v", shown["registry"])
	}
	removed := c.callMap("registry.remove", map[string]any{"registryId": id})
	if removed["password"] != "s3cr3t" {
		t.Errorf("remove answered %v, want the row with its password", removed)
	}
	shown = c.callMap("application.one", map[string]any{"applicationId": app})
	if shown["registryId"] != nil || shown["registry"] != nil {
		t.Errorf("after remove: registryId %v, registry %v", shown["registryId"], shown["registry"])
	}
}

func must200(t *testing.T, c *client, proc string, in any) []byte {
	t.Helper()
	st, body := c.post(proc, in)
	wantStatus(t, st, body, 200)
	return body
}

// Schedules: dokploy-server ones belong to the organization and are
// listed by it; a server schedule needs a server, which the fake never
// has; update keeps what it is not sent.
func TestScheduleTypes(t *testing.T) {
	f := newJobsFixture(t)
	c := f.c
	host := c.callMap("schedule.create", map[string]any{
		"name": "host", "cronExpression": "* * * * *", "command": "df", "scheduleType": "dokploy-server",
	})
	if host["organizationId"] == nil {
		t.Error("a dokploy-server schedule has no organization")
	}
	_, body := c.get("schedule.list", map[string]string{"id": "anything", "scheduleType": "dokploy-server"})
	var list []map[string]any
	json.Unmarshal(body, &list)
	if len(list) != 1 || list[0]["scheduleId"] != host["scheduleId"] {
		t.Errorf("dokploy-server list: %s", body)
	}
	if st, body := c.post("schedule.create", map[string]any{
		"name": "s", "cronExpression": "x", "command": "x", "scheduleType": "server", "serverId": "srv",
	}); st != 404 {
		t.Errorf("server schedule: %d %s", st, body)
	}
	if st, body := c.post("schedule.create", map[string]any{
		"name": "s", "cronExpression": "x", "command": "x", "applicationId": "nope",
	}); st != 500 || !strings.Contains(string(body), `Failed query: insert into \"schedule\"`) {
		t.Errorf("schedule of a missing application: %d %s", st, body)
	}

	id := f.schedule(applicationTable, f.app)
	c.call("schedule.update", map[string]any{"scheduleId": id, "name": "n", "cronExpression": "c", "command": "x", "enabled": false, "shellType": "sh"})
	c.call("schedule.update", map[string]any{"scheduleId": id, "name": "n2", "cronExpression": "c", "command": "y"})
	got := c.callMap("schedule.one", map[string]any{"scheduleId": id})
	if got["enabled"] != false || got["shellType"] != "sh" || got["name"] != "n2" || got["command"] != "y" {
		t.Errorf("after two updates: %v", got)
	}
	if at(got, "application", "environment", "environmentId") != f.env {
		t.Errorf("schedule.one application: %v", got["application"])
	}
}

// volumeBackups.list names a service of the given type only; a postgres
// volume backup's one carries the postgres row with its environment.
func TestVolumeBackupsOfADatabase(t *testing.T) {
	f := newJobsFixture(t)
	vb := f.volumeBackup(postgresTable, f.pg)
	f.volumeBackup(applicationTable, f.app)
	_, body := f.c.get("volumeBackups.list", map[string]string{"id": f.pg, "volumeBackupType": "postgres"})
	var list []map[string]any
	json.Unmarshal(body, &list)
	if len(list) != 1 || list[0]["volumeBackupId"] != vb || at(list[0], "postgres", "postgresId") != f.pg ||
		at(list[0], "postgres", "databasePassword") != nil || list[0]["application"] != nil {
		t.Errorf("postgres list: %s", body)
	}
	one := f.c.callMap("volumeBackups.one", map[string]any{"volumeBackupId": vb})
	if at(one, "postgres", "databasePassword") != "secret" || at(one, "postgres", "environment", "environmentId") != f.env {
		t.Errorf("volumeBackups.one postgres: %v", one["postgres"])
	}
	st, resp := f.c.post("volumeBackups.create", map[string]any{
		"name": "vb", "volumeName": "data", "prefix": "v", "cronExpression": "x", "destinationId": "nope", "applicationId": f.app,
	})
	if st != 500 || !strings.Contains(string(resp), `Failed query: insert into \"volume_backup\"`) {
		t.Errorf("volume backup to a missing destination: %d %s", st, resp)
	}
}

// The job tables are part of the state: SaveState and LoadState keep them.
func TestJobsSurviveSaveAndLoad(t *testing.T) {
	f := newJobsFixture(t)
	vb, sc := f.volumeBackup(applicationTable, f.app), f.schedule(applicationTable, f.app)
	var buf bytes.Buffer
	if err := f.c.s.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	if err := s.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	for proc, in := range map[string]map[string]any{
		"destination.one":   {"destinationId": f.dest},
		"backup.one":        {"backupId": f.pgBackup},
		"volumeBackups.one": {"volumeBackupId": vb},
		"schedule.one":      {"scheduleId": sc},
	} {
		if _, err := s.Call(proc, in); err != nil {
			t.Errorf("%s after LoadState: %v", proc, err)
		}
	}
}
