package dokploytest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Procedure semantics on the in-memory state.

func TestRequiredButNullable(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})
	id := app["applicationId"]

	for _, face := range []string{"rest", "trpc"} {
		var status int
		var body []byte
		in := map[string]any{"applicationId": id, "env": "X=1"}
		if face == "rest" {
			status, body = c.post("application.saveEnvironment", in)
		} else {
			status, body = c.trpcPost([]string{"application.saveEnvironment"}, []any{in}, false)
			body = mustJSON(t, at(decode(t, body), "error", "json"))
		}
		wantStatus(t, status, body, 400)
		fields := at(decode(t, body), "data", "zodError", "fieldErrors").(map[string]any)
		for _, k := range []string{"buildArgs", "buildSecrets", "createEnvFile"} {
			if at(fields, k, 0) != "Invalid input: expected nonoptional, received undefined" {
				t.Errorf("%s: %s: %v", face, k, fields[k])
			}
		}
		if len(fields) != 3 {
			t.Errorf("%s: fieldErrors %v", face, fields)
		}
	}
	// With explicit nulls it works and clears.
	c.call("application.saveEnvironment", map[string]any{"applicationId": id, "env": "A=1", "buildArgs": "B=2", "buildSecrets": "S=3", "createEnvFile": false})
	status, body := c.post("application.saveEnvironment", map[string]any{"applicationId": id, "env": "A=2", "buildArgs": nil, "buildSecrets": nil, "createEnvFile": true})
	if status != 200 || string(body) != "true" {
		t.Fatalf("saveEnvironment: %d %s", status, body)
	}
	got := c.callMap("application.one", map[string]any{"applicationId": id})
	if got["env"] != "A=2" || got["buildArgs"] != nil || got["buildSecrets"] != nil || got["createEnvFile"] != true {
		t.Errorf("after saveEnvironment: env %v buildArgs %v buildSecrets %v createEnvFile %v", got["env"], got["buildArgs"], got["buildSecrets"], got["createEnvFile"])
	}

	status, body = c.post("application.saveDockerProvider", map[string]any{"applicationId": id, "dockerImage": "nginx:1"})
	wantStatus(t, status, body, 400)
	fields := at(decode(t, body), "data", "zodError", "fieldErrors").(map[string]any)
	if len(fields) != 3 || fields["username"] == nil || fields["password"] == nil || fields["registryUrl"] == nil {
		t.Errorf("saveDockerProvider fieldErrors: %v", fields)
	}
	c.call("application.saveDockerProvider", map[string]any{"applicationId": id, "dockerImage": "nginx:1", "username": nil, "password": nil, "registryUrl": nil})
	got = c.callMap("application.one", map[string]any{"applicationId": id})
	if got["sourceType"] != "docker" || got["dockerImage"] != "nginx:1" {
		t.Errorf("after saveDockerProvider: %v %v", got["sourceType"], got["dockerImage"])
	}

	// saveBuildType writes every key; saveGitProvider switches to git.
	c.call("application.saveBuildType", map[string]any{"applicationId": id, "buildType": "dockerfile", "dockerfile": "Dockerfile.prod",
		"dockerContextPath": ".", "dockerBuildStage": nil, "herokuVersion": nil, "railpackVersion": nil})
	c.call("application.saveGitProvider", map[string]any{"applicationId": id, "customGitUrl": "https://git.example/x.git",
		"customGitBranch": "main", "customGitBuildPath": "/", "watchPaths": []string{"src/**"}})
	got = c.callMap("application.one", map[string]any{"applicationId": id})
	if got["buildType"] != "dockerfile" || got["railpackVersion"] != nil || got["herokuVersion"] != nil ||
		got["sourceType"] != "git" || got["dockerImage"] != "nginx:1" || at(got, "watchPaths", 0) != "src/**" {
		t.Errorf("after saveBuildType/saveGitProvider: %v", got)
	}
}

func TestValidationRules(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()

	status, body := c.post("project.create", map[string]any{"name": ""})
	wantStatus(t, status, body, 400)
	issue := at(decode(t, body), "issues", 0).(map[string]any)
	if issue["code"] != "too_small" || issue["message"] != "Too small: expected string to have >=1 characters" {
		t.Errorf("min length: %s", body)
	}
	status, body = c.post("postgres.create", map[string]any{"name": "db", "environmentId": prod,
		"databaseName": "d", "databaseUser": "u", "databasePassword": "bad pw!"})
	wantStatus(t, status, body, 400)
	want := `Password contains invalid characters. Please avoid: $ ! ' " \ / and space characters for database compatibility`
	if at(decode(t, body), "data", "zodError", "fieldErrors", "databasePassword", 0) != want {
		t.Errorf("password: %s", body)
	}
	status, body = c.post("application.saveBuildType", map[string]any{"applicationId": "x", "buildType": "maven",
		"dockerfile": nil, "dockerContextPath": nil, "dockerBuildStage": nil, "herokuVersion": nil, "railpackVersion": nil})
	wantStatus(t, status, body, 400)
	if !strings.HasPrefix(at(decode(t, body), "issues", 0, "message").(string), `Invalid option: expected one of "dockerfile"|`) {
		t.Errorf("enum: %s", body)
	}
	status, body = c.post("application.create", map[string]any{"name": "a", "appName": "bad name", "environmentId": prod})
	wantStatus(t, status, body, 400)

	// Unknown keys are stripped: environment.create has no env.
	env := c.callMap("environment.create", map[string]any{"name": "dev", "projectId": at(c.call("project.all", nil), 0, "projectId"), "env": "A=1", "bogus": 1})
	if env["env"] != "" || env["bogus"] != nil {
		t.Errorf("stripped keys came through: %v", env)
	}
	// A string where a string is expected, a number elsewhere: no coercion of strings.
	status, body = c.post("project.create", map[string]any{"name": 5})
	wantStatus(t, status, body, 400)
	if at(decode(t, body), "issues", 0, "message") != "Invalid input: expected string, received number" {
		t.Errorf("type: %s", body)
	}
}

func TestRESTCoercion(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})
	id := app["applicationId"]

	// REST coerces numbers and booleans, also in POST bodies.
	status, body := c.post("application.update", map[string]any{"applicationId": id, "replicas": "3", "detachDokployNetwork": nil, "autoDeploy": "false"})
	wantStatus(t, status, body, 200)
	got := c.callMap("application.one", map[string]any{"applicationId": id})
	if got["replicas"] != 3.0 || got["detachDokployNetwork"] != false || got["autoDeploy"] != true {
		t.Errorf("coerced: replicas %v detach %v autoDeploy %v", got["replicas"], got["detachDokployNetwork"], got["autoDeploy"])
	}
	status, body = c.post("application.update", map[string]any{"applicationId": id, "replicas": "x"})
	wantStatus(t, status, body, 400)
	if at(decode(t, body), "issues", 0, "message") != "Invalid input: expected number, received NaN" {
		t.Errorf("NaN: %s", body)
	}
	// The tRPC face does not coerce.
	status, body = c.trpcPost([]string{"application.update"}, []any{map[string]any{"applicationId": id, "replicas": "3"}}, false)
	wantStatus(t, status, body, 400)
	// Query strings: ?tail=2 is a number.
	c.call("application.deploy", map[string]any{"applicationId": id})
	dep := at(c.call("deployment.all", map[string]any{"applicationId": id}), 0, "deploymentId").(string)
	status, body = c.get("deployment.readLogs", map[string]string{"deploymentId": dep, "tail": "1"})
	wantStatus(t, status, body, 200)
	if string(body) != `"Docker Deployed: ✅\n"` {
		t.Errorf("readLogs tail 1: %s", body)
	}
	status, body = c.get("deployment.readLogs", map[string]string{"deploymentId": dep, "tail": "0"})
	wantStatus(t, status, body, 400)
}

func TestEnvironmentRules(t *testing.T) {
	c := newClient(t, Options{})
	projectID, prod, staging := c.setup()

	status, body := c.post("environment.create", map[string]any{"name": "production", "projectId": projectID})
	wantStatus(t, status, body, 400)
	if decodeMap(t, body)["message"] != "You cannot create a environment with the name 'production'" {
		t.Errorf("reserved name: %s", body)
	}
	// "Production" is another name.
	c.call("environment.create", map[string]any{"name": "Production", "projectId": projectID})

	status, body = c.post("environment.update", map[string]any{"environmentId": prod, "name": "production"})
	wantStatus(t, status, body, 400)
	if decodeMap(t, body)["message"] != "Error updating the environment: You cannot rename the default environment" {
		t.Errorf("rename default: %s", body)
	}
	upd := c.callMap("environment.update", map[string]any{"environmentId": prod, "description": "live", "env": "A=1"})
	if upd["name"] != "production" || upd["description"] != "live" || upd["env"] != "A=1" || upd["isDefault"] != true {
		t.Errorf("update default: %v", upd)
	}
	upd = c.callMap("environment.update", map[string]any{"environmentId": staging, "description": "stg"})
	if upd["name"] != "staging" || upd["env"] != "" {
		t.Errorf("partial update: %v", upd)
	}
	if status, _ := c.post("environment.update", map[string]any{"environmentId": "nope", "env": ""}); status != 400 {
		t.Errorf("update of a missing environment: %d", status)
	}

	status, body = c.post("environment.remove", map[string]any{"environmentId": prod})
	wantStatus(t, status, body, 400)
	if decodeMap(t, body)["message"] != "You cannot delete the default environment" {
		t.Errorf("remove default: %s", body)
	}
	c.call("redis.create", map[string]any{"name": "cache", "environmentId": staging, "databasePassword": "pw"})
	status, body = c.post("environment.remove", map[string]any{"environmentId": staging})
	wantStatus(t, status, body, 400)
	if decodeMap(t, body)["message"] != "Cannot delete environment: it has active services. Delete all services first." {
		t.Errorf("remove non-empty: %s", body)
	}
	redisID := at(c.call("environment.one", map[string]any{"environmentId": staging}), "redis", 0, "redisId")
	c.call("redis.remove", map[string]any{"redisId": redisID})
	removed := c.callMap("environment.remove", map[string]any{"environmentId": staging})
	if removed["environmentId"] != staging {
		t.Errorf("removed %v", removed)
	}
	if status, _ := c.get("environment.one", map[string]string{"environmentId": staging}); status != 404 {
		t.Errorf("environment.one after remove: %d", status)
	}
	envs := c.call("environment.byProjectId", map[string]any{"projectId": projectID}).([]any)
	if len(envs) != 2 || at(envs, 0, "name") != "production" {
		t.Errorf("byProjectId: %v", envs)
	}
	if got := c.call("environment.byProjectId", map[string]any{"projectId": "nope"}).([]any); len(got) != 0 {
		t.Errorf("byProjectId of unknown project: %v", got)
	}
}

func TestAppNames(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	suffixed := regexp.MustCompile(`^my-app-[a-z0-9]{6}$`)
	a1 := c.callMap("application.create", map[string]any{"name": "a", "appName": "My-App", "environmentId": prod})
	a2 := c.callMap("application.create", map[string]any{"name": "a", "appName": "My-App", "environmentId": prod})
	if !suffixed.MatchString(a1["appName"].(string)) || !suffixed.MatchString(a2["appName"].(string)) || a1["appName"] == a2["appName"] {
		t.Errorf("appNames %v %v", a1["appName"], a2["appName"])
	}
	generated := regexp.MustCompile(`^app-[a-z0-9-]+-[a-z1-9]{6}$`)
	a3 := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})
	if !generated.MatchString(a3["appName"].(string)) {
		t.Errorf("generated appName %v", a3["appName"])
	}
	pg := c.callMap("postgres.create", map[string]any{"name": "db", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"})
	if !strings.HasPrefix(pg["appName"].(string), "postgres-") {
		t.Errorf("postgres appName %v", pg["appName"])
	}
	// appName is immutable: update ignores it.
	c.call("application.update", map[string]any{"applicationId": a1["applicationId"], "appName": "other", "name": "b"})
	got := c.callMap("application.one", map[string]any{"applicationId": a1["applicationId"]})
	if got["appName"] != a1["appName"] || got["name"] != "b" {
		t.Errorf("after update: %v %v", got["appName"], got["name"])
	}
	// cleanAppName.
	if got := cleanAppName("  My Shop API "); got != "my-shop-api" {
		t.Errorf("cleanAppName: %q", got)
	}
}

func TestPartialUpdates(t *testing.T) {
	c := newClient(t, Options{})
	projectID, prod, _ := c.setup()

	p := c.callMap("project.update", map[string]any{"projectId": projectID, "description": "d", "env": "A=1"})
	p = c.callMap("project.update", map[string]any{"projectId": projectID, "name": "shop2"})
	if p["name"] != "shop2" || p["description"] != "d" || p["env"] != "A=1" || p["environments"] != nil {
		t.Errorf("project.update: %v", p)
	}

	app := c.callMap("application.create", map[string]any{"name": "a", "description": "x", "environmentId": prod})
	id := app["applicationId"]
	c.call("application.update", map[string]any{"applicationId": id, "memoryLimit": "268435456", "replicas": 2})
	c.call("application.update", map[string]any{"applicationId": id, "description": nil})
	got := c.callMap("application.one", map[string]any{"applicationId": id})
	if got["memoryLimit"] != "268435456" || got["replicas"] != 2.0 || got["description"] != nil || got["buildType"] != "nixpacks" {
		t.Errorf("application.update: %v %v %v", got["memoryLimit"], got["replicas"], got["description"])
	}
	if status, body := c.post("application.update", map[string]any{"applicationId": id}); status != 500 || decodeMap(t, body)["message"] != "No values to set" {
		t.Errorf("empty update: %d %s", status, body)
	}
	if status, body := c.post("application.update", map[string]any{"applicationId": "nope", "name": "x"}); status != 400 || decodeMap(t, body)["message"] != "Error updating application" {
		t.Errorf("update of a missing application: %d %s", status, body)
	}

	pg := c.callMap("postgres.create", map[string]any{"name": "db", "environmentId": prod, "databaseName": "d",
		"databaseUser": "u", "databasePassword": "p", "dockerImage": "postgres:16"})
	c.call("postgres.update", map[string]any{"postgresId": pg["postgresId"], "description": "v2"})
	got = c.callMap("postgres.one", map[string]any{"postgresId": pg["postgresId"]})
	if got["description"] != "v2" || got["dockerImage"] != "postgres:16" || got["databasePassword"] != "p" {
		t.Errorf("postgres.update: %v", got)
	}
}

func TestLibsqlUpdateResetsDefaults(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	res := c.call("libsql.create", map[string]any{"name": "lite", "appName": "lite", "environmentId": prod, "description": nil,
		"databaseUser": "u", "databasePassword": "p", "sqldNode": "primary", "sqldPrimaryUrl": nil, "serverId": nil,
		"dockerImage": "ghcr.io/tursodatabase/libsql-server:v0.24.31", "enableNamespaces": true})
	if res != true {
		t.Fatalf("libsql.create answered %v, want true", res)
	}
	id := at(c.call("environment.one", map[string]any{"environmentId": prod}), "libsql", 0, "libsqlId")
	c.call("libsql.update", map[string]any{"libsqlId": id, "description": "x"})
	got := c.callMap("libsql.one", map[string]any{"libsqlId": id})
	if got["dockerImage"] != libsqlImage || got["enableNamespaces"] != false || got["description"] != "x" {
		t.Errorf("after update: %v %v %v", got["dockerImage"], got["enableNamespaces"], got["description"])
	}
	// libsql.create needs the nullable keys too.
	status, body := c.post("libsql.create", map[string]any{"name": "l", "appName": "l", "environmentId": prod,
		"databaseUser": "u", "databasePassword": "p", "sqldNode": "primary"})
	wantStatus(t, status, body, 400)
	fields := at(decode(t, body), "data", "zodError", "fieldErrors").(map[string]any)
	for _, k := range []string{"description", "sqldPrimaryUrl", "serverId"} {
		if fields[k] == nil {
			t.Errorf("no error for missing %s: %v", k, fields)
		}
	}
	status, body = c.post("libsql.create", map[string]any{"name": "l", "appName": "l", "environmentId": prod, "description": nil,
		"databaseUser": "u", "databasePassword": "p", "sqldNode": "primary", "sqldPrimaryUrl": "http://x", "serverId": nil})
	wantStatus(t, status, body, 400)
}

func TestDatabaseCreate(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	base := map[string]any{"environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		proc  string
		in    map[string]any
		mount string
	}{
		{"postgres", with(map[string]any{"name": "pg16", "dockerImage": "postgres:16"}), "/var/lib/postgresql/data"},
		{"postgres", with(map[string]any{"name": "pg18"}), "/var/lib/postgresql/18/docker"},
		{"mysql", with(map[string]any{"name": "my", "dockerImage": "mysql:8"}), "/var/lib/mysql"},
		{"mariadb", with(map[string]any{"name": "ma", "dockerImage": "mariadb:11"}), "/var/lib/mysql"},
		{"mongo", map[string]any{"name": "mo", "environmentId": prod, "databaseUser": "u", "databasePassword": "p", "dockerImage": "mongo:7"}, "/data/db"},
		{"redis", map[string]any{"name": "re", "environmentId": prod, "databasePassword": "p"}, "/data"},
	}
	for _, tc := range cases {
		row := c.callMap(tc.proc+".create", tc.in)
		id := row[tc.proc+"Id"]
		one := c.callMap(tc.proc+".one", map[string]any{tc.proc + "Id": id})
		mounts := one["mounts"].([]any)
		if len(mounts) != 1 || at(mounts, 0, "mountPath") != tc.mount || at(mounts, 0, "volumeName") != row["appName"].(string)+"-data" ||
			at(mounts, 0, "serviceType") != tc.proc || at(mounts, 0, tc.proc+"Id") != id {
			t.Errorf("%s %v: mounts %v", tc.proc, tc.in["name"], mounts)
		}
		_, hasBackups := one["backups"]
		if hasBackups == (tc.proc == "redis") {
			t.Errorf("%s: backups present %v", tc.proc, hasBackups)
		}
		if one["server"] != nil || at(one, "environment", "project", "name") != "shop" {
			t.Errorf("%s: relations %v %v", tc.proc, one["server"], one["environment"])
		}
	}
	ma := c.callMap("mariadb.create", with(map[string]any{"name": "ma2"}))
	if !regexp.MustCompile(`^[a-z0-9]{16}$`).MatchString(ma["databaseRootPassword"].(string)) || ma["dockerImage"] != "mariadb:6" {
		t.Errorf("mariadb defaults: %v %v", ma["databaseRootPassword"], ma["dockerImage"])
	}
	// project.all shows database ids only.
	env := at(c.call("project.all", nil), 0, "environments", 0).(map[string]any)
	if pg := at(env, "postgres", 0).(map[string]any); len(pg) != 1 || pg["postgresId"] == nil {
		t.Errorf("project.all postgres item %v", pg)
	}
	if status, body := c.post("postgres.create", with(map[string]any{"name": "x", "environmentId": "nope"})); status != 404 ||
		decodeMap(t, body)["message"] != "Environment not found" {
		t.Errorf("unknown environment: %d %s", status, body)
	}
}

func TestDatabaseLifecycle(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	pg := c.callMap("postgres.create", map[string]any{"name": "db", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"})
	id := map[string]any{"postgresId": pg["postgresId"]}

	status, body := c.post("postgres.changePassword", map[string]any{"postgresId": pg["postgresId"], "password": "new"})
	wantStatus(t, status, body, 400)
	if !strings.HasPrefix(decodeMap(t, body)["message"].(string), "No running container found for ") {
		t.Errorf("changePassword before deploy: %s", body)
	}
	before := c.callMap("postgres.deploy", id)
	if before["applicationStatus"] != "idle" || c.callMap("postgres.one", id)["applicationStatus"] != "done" {
		t.Errorf("deploy: before %v", before["applicationStatus"])
	}
	if c.call("postgres.changePassword", map[string]any{"postgresId": pg["postgresId"], "password": "new"}) != true ||
		c.callMap("postgres.one", id)["databasePassword"] != "new" {
		t.Error("changePassword after deploy")
	}
	c.call("postgres.saveExternalPort", map[string]any{"postgresId": pg["postgresId"], "externalPort": 15432})
	other := c.callMap("mysql.create", map[string]any{"name": "my", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"})
	status, body = c.post("mysql.saveExternalPort", map[string]any{"mysqlId": other["mysqlId"], "externalPort": 15432})
	wantStatus(t, status, body, 409)
	c.call("postgres.stop", id)
	if c.callMap("postgres.one", id)["applicationStatus"] != "idle" {
		t.Error("stop")
	}
	if c.call("postgres.saveEnvironment", map[string]any{"postgresId": pg["postgresId"], "env": "A=1"}) != true {
		t.Error("saveEnvironment")
	}
	removed := c.callMap("postgres.remove", id)
	if removed["env"] != "A=1" || removed["externalPort"] != 15432.0 {
		t.Errorf("remove answered %v", removed)
	}
	if status, body := c.get("postgres.one", map[string]string{"postgresId": pg["postgresId"].(string)}); status != 404 ||
		decodeMap(t, body)["message"] != "Postgres not found" {
		t.Errorf("after remove: %d %s", status, body)
	}

	// A server without Docker: deploys fail with 500 and status error.
	c = newClient(t, Options{DeployError: "Cannot connect to the Docker daemon"})
	_, prod, _ = c.setup()
	pg = c.callMap("postgres.create", map[string]any{"name": "db", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"})
	status, body = c.post("postgres.deploy", map[string]any{"postgresId": pg["postgresId"]})
	wantStatus(t, status, body, 500)
	if decodeMap(t, body)["message"] != "Error on deploy postgresError: Cannot connect to the Docker daemon" {
		t.Errorf("deploy error: %s", body)
	}
	if c.callMap("postgres.one", map[string]any{"postgresId": pg["postgresId"]})["applicationStatus"] != "error" {
		t.Error("status after failed deploy")
	}
}

func TestApplicationDeploy(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})
	id := app["applicationId"]
	c.call("application.saveDockerProvider", map[string]any{"applicationId": id, "dockerImage": "nginx:1.27", "username": nil, "password": nil, "registryUrl": nil})

	c.call("application.deploy", map[string]any{"applicationId": id, "title": "dokploy-sync apply", "description": "change 1"})
	deps := c.call("deployment.all", map[string]any{"applicationId": id}).([]any)
	if len(deps) != 1 || at(deps, 0, "status") != "done" || at(deps, 0, "title") != "dokploy-sync apply" || at(deps, 0, "description") != "change 1" {
		t.Fatalf("deployments %v", deps)
	}
	if c.callMap("application.one", map[string]any{"applicationId": id})["applicationStatus"] != "done" {
		t.Error("application status after deploy")
	}
	logs := c.call("deployment.readLogs", map[string]any{"deploymentId": at(deps, 0, "deploymentId")})
	if logs != "Initializing deployment\nPulling nginx:1.27\nDocker Deployed: ✅\n" {
		t.Errorf("logs %q", logs)
	}
	for range 12 {
		c.call("application.redeploy", map[string]any{"applicationId": id})
	}
	deps = c.call("deployment.all", map[string]any{"applicationId": id}).([]any)
	if len(deps) != keptDeployments || at(deps, 0, "title") != "Rebuild deployment" {
		t.Errorf("%d deployments kept, newest %v", len(deps), at(deps, 0, "title"))
	}
	byType := c.call("deployment.allByType", map[string]any{"id": id, "type": "application"}).([]any)
	if len(byType) != keptDeployments || at(byType, 0, "rollback") != nil {
		t.Errorf("allByType %d", len(byType))
	}
	if status, _ := c.get("deployment.all", map[string]string{"applicationId": "nope"}); status != 404 {
		t.Errorf("deployment.all of unknown application: %d", status)
	}
}

func TestSlowAndFailingDeploys(t *testing.T) {
	c := newClient(t, Options{DeployDuration: 2 * time.Millisecond, DeployError: "pull access denied"})
	_, prod, _ := c.setup()
	id := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})["applicationId"]
	c.call("application.deploy", map[string]any{"applicationId": id})
	dep := at(c.call("deployment.all", map[string]any{"applicationId": id}), 0).(map[string]any)
	if dep["status"] != "running" || dep["finishedAt"] != nil ||
		c.callMap("application.one", map[string]any{"applicationId": id})["applicationStatus"] != "running" {
		t.Fatalf("just after deploy: %v", dep)
	}
	deadline := time.Now().Add(2 * time.Second)
	for at(c.call("deployment.all", map[string]any{"applicationId": id}), 0, "status") == "running" {
		if time.Now().After(deadline) {
			t.Fatal("deployment never finished")
		}
		time.Sleep(time.Millisecond)
	}
	dep = at(c.call("deployment.all", map[string]any{"applicationId": id}), 0).(map[string]any)
	if dep["status"] != "error" || dep["finishedAt"] == nil ||
		c.callMap("application.one", map[string]any{"applicationId": id})["applicationStatus"] != "error" {
		t.Errorf("after the deploy: %v", dep)
	}
	logs := c.call("deployment.readLogs", map[string]any{"deploymentId": dep["deploymentId"]}).(string)
	if !strings.Contains(logs, "pull access denied\n") || !strings.HasSuffix(logs, "Error occurred ❌, check the logs for details.\n") {
		t.Errorf("logs %q", logs)
	}
}

func TestProjectRemoveCascades(t *testing.T) {
	c := newClient(t, Options{})
	projectID, prod, staging := c.setup()
	keep := c.callMap("project.create", map[string]any{"name": "other"})
	app := c.callMap("application.create", map[string]any{"name": "web", "environmentId": staging})
	c.call("application.deploy", map[string]any{"applicationId": app["applicationId"]})
	c.call("libsql.create", map[string]any{"name": "l", "appName": "l", "environmentId": staging, "description": nil,
		"databaseUser": "u", "databasePassword": "p", "sqldNode": "primary", "sqldPrimaryUrl": nil, "serverId": nil})
	c.call("postgres.create", map[string]any{"name": "db", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"})
	c.call("domain.create", map[string]any{"host": "web.example.com", "applicationId": app["applicationId"], "domainType": "application"})
	c.call("port.create", map[string]any{"applicationId": app["applicationId"], "publishedPort": 8080, "targetPort": 80})
	c.call("redirects.create", map[string]any{"applicationId": app["applicationId"], "regex": "a", "replacement": "b", "permanent": true})
	c.call("security.create", map[string]any{"applicationId": app["applicationId"], "username": "u", "password": "p"})
	cmp := c.callMap("compose.create", map[string]any{"name": "mon", "environmentId": staging, "sourceType": "raw", "composeFile": "services:\n  web: {}\n"})
	c.call("mounts.create", map[string]any{"type": "volume", "mountPath": "/d", "serviceType": "compose", "serviceId": cmp["composeId"]})
	c.call("domain.create", map[string]any{"host": "mon.example.com", "domainType": "compose", "composeId": cmp["composeId"], "serviceName": "web"})
	c.call("compose.deploy", map[string]any{"composeId": cmp["composeId"]})

	removed := c.callMap("project.remove", map[string]any{"projectId": projectID})
	if removed["name"] != "shop" || removed["environments"] != nil {
		t.Errorf("project.remove answered %v", removed)
	}
	var buf bytes.Buffer
	if err := c.s.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	st := newState()
	if err := decodeInto(buf.Bytes(), st); err != nil {
		t.Fatal(err)
	}
	for name, rows := range st.Tables {
		want := 0
		switch name {
		case "project", "environment":
			want = 1 // the other project and its production environment
		}
		if len(rows) != want {
			t.Errorf("table %s: %d rows left", name, len(rows))
		}
	}
	if len(st.Logs) != 0 || len(st.Files) != 0 {
		t.Errorf("%d deployment logs and %d compose files left", len(st.Logs), len(st.Files))
	}
	all := c.call("project.all", nil).([]any)
	if len(all) != 1 || at(all, 0, "projectId") != at(keep, "project", "projectId") {
		t.Errorf("project.all %v", all)
	}
}

func TestProjectViews(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newClient(t, Options{Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }})
	projectID, _, staging := c.setup()
	c.call("project.create", map[string]any{"name": "newer"})
	c.call("application.create", map[string]any{"name": "web", "environmentId": staging})

	all := c.call("project.all", nil).([]any)
	if at(all, 0, "name") != "newer" || at(all, 1, "name") != "shop" {
		t.Errorf("project.all order: %v, %v", at(all, 0, "name"), at(all, 1, "name"))
	}
	one := c.callMap("project.one", map[string]any{"projectId": projectID})
	item := at(one, "environments", 1, "applications", 0).(map[string]any)
	if item["appName"] == nil || item["server"] != nil || len(item) != 9 {
		t.Errorf("project.one application item %v", item)
	}
	env := c.callMap("environment.one", map[string]any{"environmentId": staging})
	if _, ok := env["createdAt"]; ok {
		t.Error("environment.one has createdAt")
	}
	if _, ok := at(env, "applications", 0).(map[string]any)["appName"]; ok {
		t.Error("environment.one items have appName")
	}
	if at(env, "project", "projectId") != projectID {
		t.Errorf("environment.one project %v", env["project"])
	}
	if got := at(c.call("user.get", nil), "user", "apiKeys", 0, "name"); got == nil {
		t.Error("user.get has no api key")
	}
	if got := at(c.call("user.get", nil), "accessedProjects").([]any); len(got) != 2 {
		t.Errorf("accessedProjects %v", got)
	}
}

// restMessage is the message of a REST error body.
func restMessage(t *testing.T, body []byte) any { return decodeMap(t, body)["message"] }

func TestGitProviderSaves(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	id := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})["applicationId"]
	one := func() map[string]any { return c.callMap("application.one", map[string]any{"applicationId": id}) }

	// Required but nullable: every provider key must be sent.
	status, body := c.post("application.saveGithubProvider", map[string]any{"applicationId": id, "branch": "main"})
	wantStatus(t, status, body, 400)
	fields := at(decode(t, body), "data", "zodError", "fieldErrors").(map[string]any)
	for _, k := range []string{"repository", "owner", "buildPath", "githubId"} {
		if at(fields, k, 0) != "Invalid input: expected nonoptional, received undefined" {
			t.Errorf("saveGithubProvider %s: %v", k, fields[k])
		}
	}
	if len(fields) != 4 {
		t.Errorf("saveGithubProvider fieldErrors %v", fields)
	}
	github := map[string]any{"applicationId": id, "repository": "shop", "owner": "acme", "buildPath": "/",
		"githubId": nil, "branch": "main", "triggerType": "tag", "enableSubmodules": true, "watchPaths": []string{"src/**"}}
	c.call("application.deploy", map[string]any{"applicationId": id})
	if c.call("application.saveGithubProvider", github) != true {
		t.Fatal("saveGithubProvider did not answer true")
	}
	got := one()
	if got["sourceType"] != "github" || got["applicationStatus"] != "idle" || got["triggerType"] != "tag" ||
		got["repository"] != "shop" || got["enableSubmodules"] != true || at(got, "watchPaths", 0) != "src/**" {
		t.Errorf("after saveGithubProvider: %v", got)
	}
	// Omitted: triggerType takes its zod default, the optional keys are kept (QUIRKS A8).
	delete(github, "triggerType")
	delete(github, "enableSubmodules")
	delete(github, "watchPaths")
	c.call("application.saveGithubProvider", github)
	if got := one(); got["triggerType"] != "push" || got["enableSubmodules"] != true || at(got, "watchPaths", 0) != "src/**" {
		t.Errorf("omitted keys: triggerType %v enableSubmodules %v watchPaths %v", got["triggerType"], got["enableSubmodules"], got["watchPaths"])
	}
	// The fake has no git providers: an id is a dangling foreign key (QUIRKS X16).
	github["githubId"] = "gh-1"
	status, body = c.post("application.saveGithubProvider", github)
	wantStatus(t, status, body, 500)
	if msg := restMessage(t, body).(string); !strings.HasPrefix(msg, `Failed query: update "application" set "sourceType" = $1, "repository" = $2, "owner" = $3, "branch" = $4, "buildPath" = $5, "triggerType" = $6, "applicationStatus" = $7, "githubId" = $8 where "application"."applicationId" = $9 returning "applicationId", "name",`) ||
		!strings.HasSuffix(msg, "\nparams: github,shop,acme,main,/,push,idle,gh-1,"+id.(string)) {
		t.Errorf("dangling githubId: %s", msg)
	}
	// application.update runs the same UPDATE: the same failure.
	status, body = c.post("application.update", map[string]any{"applicationId": id, "sourceType": "github", "githubId": "gh-1"})
	wantStatus(t, status, body, 500)
	if msg := restMessage(t, body).(string); !strings.HasPrefix(msg, `Failed query: update "application" set "sourceType" = $1,`) ||
		!strings.Contains(msg, `"githubId" = $2 where`) || !strings.HasSuffix(msg, "\nparams: github,gh-1,"+id.(string)) {
		t.Errorf("dangling githubId on application.update: %s", msg)
	}
	status, body = c.post("application.saveGithubProvider", map[string]any{"applicationId": id, "repository": nil, "owner": nil,
		"buildPath": nil, "githubId": nil, "branch": "bad branch"})
	wantStatus(t, status, body, 400)

	c.call("application.saveGitlabProvider", map[string]any{"applicationId": id, "gitlabBuildPath": "/", "gitlabOwner": "acme",
		"gitlabRepository": "shop", "gitlabId": nil, "gitlabProjectId": 42, "gitlabPathNamespace": "acme/shop", "gitlabBranch": "dev"})
	if got := one(); got["sourceType"] != "gitlab" || got["gitlabProjectId"] != 42.0 || got["gitlabBranch"] != "dev" || got["repository"] != "shop" {
		t.Errorf("after saveGitlabProvider: %v", got)
	}
	c.call("application.saveBitbucketProvider", map[string]any{"applicationId": id, "bitbucketBuildPath": "/", "bitbucketOwner": "acme",
		"bitbucketRepository": "shop", "bitbucketRepositorySlug": "shop", "bitbucketId": nil, "bitbucketBranch": "main"})
	if got := one(); got["sourceType"] != "bitbucket" || got["bitbucketRepositorySlug"] != "shop" {
		t.Errorf("after saveBitbucketProvider: %v", got)
	}
	c.call("application.saveGiteaProvider", map[string]any{"applicationId": id, "giteaBuildPath": "/app", "giteaOwner": "acme",
		"giteaRepository": "shop", "giteaId": nil, "giteaBranch": "main"})
	if got := one(); got["sourceType"] != "gitea" || got["giteaBuildPath"] != "/app" {
		t.Errorf("after saveGiteaProvider: %v", got)
	}

	if c.call("application.disconnectGitProvider", map[string]any{"applicationId": id}) != true {
		t.Fatal("disconnectGitProvider did not answer true")
	}
	got = one()
	if got["sourceType"] != "github" || got["repository"] != nil || got["gitlabProjectId"] != nil || got["giteaRepository"] != nil ||
		got["buildPath"] != "/" || got["gitlabBuildPath"] != nil || got["watchPaths"] != nil || got["enableSubmodules"] != false ||
		got["triggerType"] != "push" || got["bitbucketRepositorySlug"] != "shop" {
		t.Errorf("after disconnectGitProvider: %v", got)
	}
	if status, _ := c.post("application.disconnectGitProvider", map[string]any{"applicationId": "nope"}); status != 404 {
		t.Errorf("disconnect of a missing application: %d", status)
	}
}

func TestDomains(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})
	appID := app["applicationId"]

	d1 := c.callMap("domain.create", map[string]any{"host": "shop.example.com", "applicationId": appID, "domainType": "application"})
	want := map[string]any{"path": "/", "port": 3000.0, "https": false, "certificateType": "none", "domainType": "application",
		"internalPath": "/", "stripPath": false, "forwardAuthEnabled": false, "enabled": true, "customEntrypoint": nil,
		"customCertResolver": nil, "serviceName": nil, "composeId": nil}
	for k, v := range want {
		if d1[k] != v {
			t.Errorf("domain.create %s = %v, want %v", k, d1[k], v)
		}
	}
	if m, ok := d1["middlewares"].([]any); !ok || len(m) != 0 {
		t.Errorf("middlewares %v", d1["middlewares"])
	}
	d2 := c.callMap("domain.create", map[string]any{"host": "www.shop.example.com", "applicationId": appID, "domainType": "application", "port": 80})
	if d2["uniqueConfigKey"] != d1["uniqueConfigKey"].(float64)+1 {
		t.Errorf("uniqueConfigKey %v then %v", d1["uniqueConfigKey"], d2["uniqueConfigKey"])
	}

	// Validation of host and port.
	for _, tc := range []struct {
		in  map[string]any
		msg string
	}{
		{map[string]any{"host": ""}, "Add a hostname"},
		{map[string]any{"host": " shop.example.com"}, "Domain name cannot have leading or trailing spaces"},
		{map[string]any{"host": "my_app.example.com"}, invalidHostnameMessage},
		{map[string]any{"host": "localhost"}, invalidHostnameMessage},
		{map[string]any{"host": "a.example.com", "port": 0}, "Port must be at least 1"},
		{map[string]any{"host": "a.example.com", "port": 70000}, "Port must be 65535 or below"},
	} {
		status, body := c.post("domain.create", tc.in)
		if status != 400 || at(decode(t, body), "issues", 0, "message") != tc.msg {
			t.Errorf("domain.create %v: %d %s, want 400 %q", tc.in, status, body, tc.msg)
		}
	}
	// Explicit nulls: stored, or false for the NOT NULL booleans on REST (DM2).
	status, body := c.post("domain.create", map[string]any{"host": "n.example.com", "applicationId": appID, "path": nil,
		"port": nil, "domainType": nil, "https": nil, "stripPath": nil})
	wantStatus(t, status, body, 200)
	got := decodeMap(t, body)
	if got["path"] != nil || got["port"] != nil || got["domainType"] != nil || got["https"] != false || got["stripPath"] != false {
		t.Errorf("nulls: %v", got)
	}
	if status, _ := c.post("domain.create", map[string]any{"host": "n.example.com", "certificateType": nil}); status != 400 {
		t.Errorf("certificateType null: %d", status)
	}
	if status, _ := c.trpcPost([]string{"domain.create"}, []any{map[string]any{"host": "n.example.com", "https": nil}}, false); status != 400 {
		t.Errorf("tRPC https null: %d", status)
	}
	// The owner is checked when domainType names it, else the insert fails.
	status, body = c.post("domain.create", map[string]any{"host": "x.example.com", "applicationId": "nope", "domainType": "application"})
	if status != 400 || restMessage(t, body) != "Application not found" {
		t.Errorf("unknown application: %d %s", status, body)
	}
	status, body = c.post("domain.create", map[string]any{"host": "x.example.com", "applicationId": "nope"})
	if status != 400 || !strings.HasPrefix(restMessage(t, body).(string), `Failed query: insert into "domain" ("domainId", "host", "https", "port"`) {
		t.Errorf("dangling applicationId: %d %s", status, body)
	}

	// update needs domainId and host, keeps the rest, and answers the row.
	status, body = c.post("domain.update", map[string]any{"domainId": d1["domainId"], "port": 8080})
	wantStatus(t, status, body, 400)
	upd := c.callMap("domain.update", map[string]any{"domainId": d1["domainId"], "host": "shop2.example.com", "https": true, "certificateType": "letsencrypt"})
	if upd["host"] != "shop2.example.com" || upd["port"] != 3000.0 || upd["https"] != true || upd["application"] != nil {
		t.Errorf("domain.update: %v", upd)
	}
	status, body = c.post("domain.update", map[string]any{"domainId": d1["domainId"], "host": "shop2.example.com", "enabled": nil})
	if status != 200 || decodeMap(t, body)["enabled"] != false {
		t.Errorf("enabled null: %d %s", status, body)
	}
	if status, body := c.post("domain.update", map[string]any{"domainId": "nope", "host": "a.example.com"}); status != 404 || restMessage(t, body) != "Domain not found" {
		t.Errorf("update of a missing domain: %d %s", status, body)
	}

	one := c.callMap("domain.one", map[string]any{"domainId": d1["domainId"]})
	if at(one, "application", "appName") != app["appName"] || len(one["application"].(map[string]any)) != 3 {
		t.Errorf("domain.one application %v", one["application"])
	}
	list := c.call("domain.byApplicationId", map[string]any{"applicationId": appID}).([]any)
	if len(list) != 3 || at(list, 0, "application", "name") != "web" {
		t.Errorf("byApplicationId: %v", list)
	}
	if status, _ := c.get("domain.byApplicationId", map[string]string{"applicationId": "nope"}); status != 404 {
		t.Errorf("byApplicationId of a missing application: %d", status)
	}
	if len(at(c.call("application.one", map[string]any{"applicationId": appID}), "domains").([]any)) != 3 {
		t.Error("application.one does not list the domains")
	}

	compose := c.callMap("compose.create", map[string]any{"name": "mon", "environmentId": prod, "sourceType": "raw", "composeFile": "services:\n  web: {}\n"})
	cd := c.callMap("domain.create", map[string]any{"host": "mon.example.com", "domainType": "compose", "composeId": compose["composeId"], "serviceName": "web"})
	if cd["applicationId"] != nil || cd["serviceName"] != "web" || cd["domainType"] != "compose" {
		t.Errorf("compose domain %v", cd)
	}
	byCompose := c.call("domain.byComposeId", map[string]any{"composeId": compose["composeId"]}).([]any)
	if len(byCompose) != 1 || at(byCompose, 0, "compose", "appName") != compose["appName"] || at(byCompose, 0, "application") != nil {
		t.Errorf("byComposeId %v", byCompose)
	}
	if at(c.call("domain.one", map[string]any{"domainId": cd["domainId"]}), "application") != nil {
		t.Error("domain.one of a compose domain has an application")
	}
	status, body = c.post("domain.create", map[string]any{"host": "x.example.com", "domainType": "compose", "composeId": "nope"})
	if status != 400 || restMessage(t, body) != "Compose not found" {
		t.Errorf("unknown compose: %d %s", status, body)
	}

	del := c.callMap("domain.delete", map[string]any{"domainId": d2["domainId"]})
	if del["host"] != "www.shop.example.com" || del["application"] != nil {
		t.Errorf("domain.delete answered %v", del)
	}
	if status, body := c.get("domain.one", map[string]string{"domainId": d2["domainId"].(string)}); status != 404 || restMessage(t, body) != "Domain not found" {
		t.Errorf("domain.one after delete: %d %s", status, body)
	}
}

func TestPorts(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	appID := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})["applicationId"]

	p := c.callMap("port.create", map[string]any{"applicationId": appID, "publishedPort": 8080, "targetPort": 80})
	if p["publishMode"] != "ingress" || p["protocol"] != "tcp" || p["publishedPort"] != 8080.0 || len(p) != 6 {
		t.Errorf("port.create %v", p)
	}
	status, body := c.post("port.create", map[string]any{"applicationId": "nope", "publishedPort": 1, "targetPort": 1})
	if status != 400 || restMessage(t, body) != "Error input: Inserting port" {
		t.Errorf("unknown application: %d %s", status, body)
	}
	one := c.callMap("port.one", map[string]any{"portId": p["portId"]})
	if at(one, "application", "applicationId") != appID || len(one["application"].(map[string]any)) != 1 {
		t.Errorf("port.one %v", one)
	}
	// Every key is required, and the defaulted ones are reset when omitted.
	status, body = c.post("port.update", map[string]any{"portId": p["portId"]})
	wantStatus(t, status, body, 400)
	c.call("port.update", map[string]any{"portId": p["portId"], "publishedPort": 8081, "targetPort": 81, "publishMode": "host", "protocol": "udp"})
	upd := c.callMap("port.update", map[string]any{"portId": p["portId"], "publishedPort": 8082, "targetPort": 82})
	if upd["publishMode"] != "ingress" || upd["protocol"] != "tcp" || upd["publishedPort"] != 8082.0 {
		t.Errorf("port.update %v", upd)
	}
	if ports := at(c.call("application.one", map[string]any{"applicationId": appID}), "ports").([]any); len(ports) != 1 {
		t.Errorf("application.one ports %v", ports)
	}
	if del := c.callMap("port.delete", map[string]any{"portId": p["portId"]}); del["targetPort"] != 82.0 {
		t.Errorf("port.delete %v", del)
	}
	// A missing port: 400 on port.one (QUIRKS X14), 404 elsewhere.
	if status, body := c.get("port.one", map[string]string{"portId": p["portId"].(string)}); status != 400 || restMessage(t, body) != "Port not found" {
		t.Errorf("port.one after delete: %d %s", status, body)
	}
	if status, _ := c.post("port.delete", map[string]any{"portId": p["portId"]}); status != 404 {
		t.Errorf("port.delete twice: %d", status)
	}
}

func TestMounts(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})
	appID := app["applicationId"]

	vol := c.callMap("mounts.create", map[string]any{"type": "volume", "volumeName": "data", "mountPath": "/data", "serviceType": "application", "serviceId": appID})
	bind := c.callMap("mounts.create", map[string]any{"type": "bind", "hostPath": "/srv", "mountPath": "/srv", "serviceType": "application", "serviceId": appID})
	file := c.callMap("mounts.create", map[string]any{"type": "file", "filePath": "app.conf", "content": "a=1\n", "mountPath": "/etc/app.conf", "serviceType": "application", "serviceId": appID})
	if vol["applicationId"] != appID || vol["serviceType"] != "application" || vol["hostPath"] != nil || file["content"] != "a=1\n" || len(vol) != 16 {
		t.Errorf("mounts.create %v", vol)
	}
	// The type-specific keys are not enforced (QUIRKS M2).
	c.call("mounts.create", map[string]any{"type": "bind", "mountPath": "/x", "serviceType": "application", "serviceId": appID})

	one := c.callMap("mounts.one", map[string]any{"mountId": vol["mountId"]})
	if at(one, "application", "appName") != app["appName"] || at(one, "application", "environment", "project", "organizationId") == nil ||
		one["postgres"] != nil || len(one) != 24 {
		t.Errorf("mounts.one %v", one)
	}
	// update answers the mount as it was before (capture 051).
	before := c.callMap("mounts.update", map[string]any{"mountId": vol["mountId"], "mountPath": "/data2"})
	if before["mountPath"] != "/data" || before["application"] == nil {
		t.Errorf("mounts.update answered %v", before)
	}
	if got := c.callMap("mounts.one", map[string]any{"mountId": vol["mountId"]}); got["mountPath"] != "/data2" || got["volumeName"] != "data" {
		t.Errorf("after update %v", got)
	}
	// Unordered reads list updated rows last.
	mounts := at(c.call("application.one", map[string]any{"applicationId": appID}), "mounts").([]any)
	if len(mounts) != 4 || at(mounts, 3, "mountId") != vol["mountId"] || at(mounts, 0, "mountId") != bind["mountId"] {
		t.Errorf("application.one mounts order: %v", mounts)
	}
	list := c.call("mounts.listByServiceId", map[string]any{"serviceType": "application", "serviceId": appID}).([]any)
	if len(list) != 4 || at(list, 0, "application") != nil {
		t.Errorf("listByServiceId %v", list)
	}
	if status, body := c.get("mounts.listByServiceId", map[string]string{"serviceType": "nope", "serviceId": "x"}); status != 500 || restMessage(t, body) != "Unknown service type: nope" {
		t.Errorf("unknown serviceType: %d %s", status, body)
	}

	// Databases get their data volume; compose and databases take mounts too.
	pg := c.callMap("postgres.create", map[string]any{"name": "db", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "p"})
	c.call("mounts.create", map[string]any{"type": "volume", "volumeName": "extra", "mountPath": "/extra", "serviceType": "postgres", "serviceId": pg["postgresId"]})
	pgMounts := c.call("mounts.listByServiceId", map[string]any{"serviceType": "postgres", "serviceId": pg["postgresId"]}).([]any)
	if len(pgMounts) != 2 || at(pgMounts, 0, "volumeName") != pg["appName"].(string)+"-data" || at(pgMounts, 1, "postgresId") != pg["postgresId"] || at(pgMounts, 1, "applicationId") != nil {
		t.Errorf("postgres mounts %v", pgMounts)
	}
	// An unknown service fails the insert.
	status, body := c.post("mounts.create", map[string]any{"type": "volume", "mountPath": "/d", "serviceType": "compose", "serviceId": "nope"})
	if status != 400 || !strings.HasPrefix(restMessage(t, body).(string), `Error Failed query: insert into "mount"`) {
		t.Errorf("unknown service: %d %s", status, body)
	}
	// Without serviceType the mount gets the column default "application"
	// but no service: it belongs to nothing (QUIRKS M1).
	orphan := c.callMap("mounts.create", map[string]any{"type": "volume", "mountPath": "/o", "serviceId": appID})
	if orphan["serviceType"] != "application" || orphan["applicationId"] != nil {
		t.Errorf("mount without serviceType %v", orphan)
	}
	if status, body := c.get("mounts.one", map[string]string{"mountId": orphan["mountId"].(string)}); status != 401 || restMessage(t, body) != "You are not authorized to access this mount" {
		t.Errorf("orphan mounts.one: %d %s", status, body)
	}

	if del := c.callMap("mounts.remove", map[string]any{"mountId": file["mountId"]}); del["filePath"] != "app.conf" || del["application"] != nil {
		t.Errorf("mounts.remove %v", del)
	}
	if status, body := c.get("mounts.one", map[string]string{"mountId": file["mountId"].(string)}); status != 404 || restMessage(t, body) != "Mount not found" {
		t.Errorf("mounts.one after remove: %d %s", status, body)
	}
}

func TestRedirectsAndSecurity(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	appID := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})["applicationId"]

	status, body := c.post("redirects.create", map[string]any{"applicationId": appID, "regex": "^/old/(.*)", "replacement": "/new/${1}", "permanent": true})
	if status != 200 || string(body) != "true" {
		t.Fatalf("redirects.create: %d %s", status, body)
	}
	status, body = c.post("redirects.create", map[string]any{"applicationId": appID, "regex": "", "replacement": "/x", "permanent": true})
	wantStatus(t, status, body, 400)
	if status, body := c.post("redirects.create", map[string]any{"applicationId": "nope", "regex": "a", "replacement": "b", "permanent": false}); status != 404 || restMessage(t, body) != "Application not found" {
		t.Errorf("redirect of a missing application: %d %s", status, body)
	}
	if c.call("security.create", map[string]any{"applicationId": appID, "username": "admin", "password": "s3cret"}) != true {
		t.Fatal("security.create did not answer true")
	}
	app := c.callMap("application.one", map[string]any{"applicationId": appID})
	redirectID := at(app, "redirects", 0, "redirectId")
	securityID := at(app, "security", 0, "securityId")
	if at(app, "redirects", 0, "permanent") != true || at(app, "security", 0, "password") != "s3cret" {
		t.Errorf("application.one children: %v %v", app["redirects"], app["security"])
	}

	// A duplicate username: 400 quoting the insert, password included (capture 064).
	status, body = c.post("security.create", map[string]any{"applicationId": appID, "username": "admin", "password": "other-pw"})
	wantStatus(t, status, body, 400)
	msg := restMessage(t, body).(string)
	if !strings.HasPrefix(msg, `Failed query: insert into "security" ("securityId", "username", "password", "createdAt", "applicationId") values ($1, $2, $3, $4, $5) returning`) ||
		!strings.Contains(msg, ",admin,other-pw,") {
		t.Errorf("duplicate username: %s", msg)
	}
	// Another application may use it.
	other := c.callMap("application.create", map[string]any{"name": "api", "environmentId": prod})["applicationId"]
	c.call("security.create", map[string]any{"applicationId": other, "username": "admin", "password": "x"})

	upd := c.callMap("redirects.update", map[string]any{"redirectId": redirectID, "regex": "^/a", "replacement": "/b", "permanent": false})
	if upd["regex"] != "^/a" || upd["permanent"] != false || upd["uniqueConfigKey"] == nil {
		t.Errorf("redirects.update %v", upd)
	}
	if status, _ := c.post("redirects.update", map[string]any{"redirectId": redirectID, "regex": "^/a"}); status != 400 {
		t.Errorf("partial redirects.update: %d", status)
	}
	status, body = c.post("security.update", map[string]any{"securityId": securityID, "username": "root", "password": "pw2"})
	if status != 200 || len(body) != 0 {
		t.Errorf("security.update: %d %q, want an empty body", status, body)
	}
	if got := c.callMap("security.one", map[string]any{"securityId": securityID}); got["username"] != "root" || got["password"] != "pw2" {
		t.Errorf("security.one %v", got)
	}
	c.call("security.create", map[string]any{"applicationId": appID, "username": "admin", "password": "x"})
	status, body = c.post("security.update", map[string]any{"securityId": securityID, "username": "admin", "password": "pw3"})
	if status != 400 || !strings.HasPrefix(restMessage(t, body).(string), `Failed query: update "security" set "securityId" = $1, "username" = $2, "password" = $3 where "security"."securityId" = $4`) {
		t.Errorf("update to a taken username: %d %s", status, body)
	}

	if del := c.callMap("redirects.delete", map[string]any{"redirectId": redirectID}); del["regex"] != "^/a" {
		t.Errorf("redirects.delete %v", del)
	}
	if del := c.callMap("security.delete", map[string]any{"securityId": securityID}); del["username"] != "root" {
		t.Errorf("security.delete %v", del)
	}
	for proc, key := range map[string]string{"redirects.one": "redirectId", "security.one": "securityId"} {
		id := map[string]any{"redirectId": redirectID, "securityId": securityID}[key].(string)
		status, body := c.get(proc, map[string]string{key: id})
		want := map[string]string{"redirects.one": "Redirect not found", "security.one": "Security not found"}[proc]
		if status != 404 || restMessage(t, body) != want {
			t.Errorf("%s after delete: %d %s", proc, status, body)
		}
	}
}

func TestCompose(t *testing.T) {
	c := newClient(t, Options{})
	projectID, prod, _ := c.setup()
	file := "services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: busybox\nvolumes:\n  data: {}\n"

	bare := c.callMap("compose.create", map[string]any{"name": "bare", "environmentId": prod})
	for k, v := range map[string]any{"sourceType": "github", "composeType": "docker-compose", "composeFile": "",
		"composePath": "./docker-compose.yml", "command": "", "suffix": "", "randomize": false, "isolatedDeployment": false,
		"createEnvFile": true, "composeStatus": "idle", "env": nil, "description": nil, "triggerType": "push", "autoDeploy": true} {
		if bare[k] != v {
			t.Errorf("compose.create %s = %v, want %v", k, bare[k], v)
		}
	}
	if !regexp.MustCompile(`^compose-[a-z0-9-]+-[a-z1-9]{6}$`).MatchString(bare["appName"].(string)) || bare["refreshToken"] == nil {
		t.Errorf("appName %v refreshToken %v", bare["appName"], bare["refreshToken"])
	}
	cmp := c.callMap("compose.create", map[string]any{"name": "mon", "appName": "mon", "environmentId": prod,
		"sourceType": "raw", "composeFile": file, "composeType": "docker-compose"})
	id := cmp["composeId"]
	if status, _ := c.post("compose.create", map[string]any{"name": "x", "environmentId": "nope"}); status != 404 {
		t.Errorf("compose.create in a missing environment: %d", status)
	}

	one := c.callMap("compose.one", map[string]any{"composeId": id})
	for _, k := range []string{"environment", "deployments", "mounts", "domains", "github", "gitlab", "bitbucket", "gitea", "server", "backups", "hasGitProviderAccess", "unauthorizedProvider"} {
		if _, ok := one[k]; !ok {
			t.Errorf("compose.one has no %s", k)
		}
	}
	if at(one, "environment", "project", "projectId") != projectID || one["hasGitProviderAccess"] != true {
		t.Errorf("compose.one %v", one)
	}
	items := at(c.call("environment.one", map[string]any{"environmentId": prod}), "compose").([]any)
	if len(items) != 2 || at(items, 1, "name") != "mon" {
		t.Errorf("environment.one compose %v", items)
	}

	// update: partial, the row without relations; null handling (QUIRKS CO5).
	upd := c.callMap("compose.update", map[string]any{"composeId": id, "description": "monitoring", "appName": "ignored"})
	if upd["description"] != "monitoring" || upd["composeFile"] != file || upd["appName"] != cmp["appName"] || upd["environment"] != nil {
		t.Errorf("compose.update %v", upd)
	}
	for _, in := range []map[string]any{{"command": nil}, {"suffix": nil}, {"composeFile": nil}, {"name": nil}, {"name": ""},
		{"composePath": nil}, {"composePath": ""}, {"sourceType": nil}, {"composeType": nil}} {
		in["composeId"] = id
		if status, body := c.post("compose.update", in); status != 400 {
			t.Errorf("compose.update %v: %d %s", in, status, body)
		}
	}
	status, body := c.post("compose.update", map[string]any{"composeId": id, "randomize": nil, "isolatedDeployment": nil,
		"enableSubmodules": nil, "autoDeploy": nil, "repository": nil, "command": ""})
	wantStatus(t, status, body, 200)
	if got := decodeMap(t, body); got["randomize"] != false || got["isolatedDeployment"] != false || got["autoDeploy"] != nil {
		t.Errorf("nulls: %v", got)
	}
	if status, body := c.post("compose.update", map[string]any{"composeId": id, "githubId": "gh"}); status != 500 ||
		!strings.HasPrefix(restMessage(t, body).(string), `Failed query: update "compose" set "composeId" = $1, "githubId" = $2`) {
		t.Errorf("dangling githubId: %d %s", status, body)
	}
	if status, body := c.post("compose.update", map[string]any{"composeId": "nope", "name": "x"}); status != 404 || restMessage(t, body) != "Compose not found" {
		t.Errorf("update of a missing compose: %d %s", status, body)
	}

	// saveEnvironment: env required and nullable; createEnvFile kept when omitted.
	status, body = c.post("compose.saveEnvironment", map[string]any{"composeId": id})
	wantStatus(t, status, body, 400)
	c.call("compose.saveEnvironment", map[string]any{"composeId": id, "env": "A=1", "createEnvFile": false})
	c.call("compose.saveEnvironment", map[string]any{"composeId": id, "env": "A=2"})
	if got := c.callMap("compose.one", map[string]any{"composeId": id}); got["env"] != "A=2" || got["createEnvFile"] != false {
		t.Errorf("after saveEnvironment: %v %v", got["env"], got["createEnvFile"])
	}

	// loadServices: the cache is empty until a deploy wrote the file.
	status, body = c.get("compose.loadServices", map[string]string{"composeId": id.(string), "type": "cache"})
	if status != 404 || restMessage(t, body) != "Services not found" {
		t.Errorf("loadServices before deploy: %d %s", status, body)
	}
	c.call("mounts.create", map[string]any{"type": "volume", "volumeName": "mon-data", "mountPath": "/data", "serviceType": "compose", "serviceId": id})
	c.call("domain.create", map[string]any{"host": "mon.example.com", "domainType": "compose", "composeId": id, "serviceName": "web"})
	deps := c.call("deployment.allByCompose", map[string]any{"composeId": id}).([]any)
	if len(deps) != 0 {
		t.Errorf("deployments before deploy: %v", deps)
	}
	res := c.callMap("compose.deploy", map[string]any{"composeId": id})
	if res["success"] != true || res["message"] != "Deployment queued" || res["composeId"] != id || len(res) != 3 {
		t.Errorf("compose.deploy answered %v", res)
	}
	names := c.call("compose.loadServices", map[string]any{"composeId": id})
	if fmt.Sprint(names) != "[web worker]" {
		t.Errorf("loadServices after deploy: %v", names)
	}
	deps = c.call("deployment.allByCompose", map[string]any{"composeId": id}).([]any)
	if len(deps) != 1 || at(deps, 0, "status") != "done" || at(deps, 0, "title") != "Manual deployment" || at(deps, 0, "composeId") != id || at(deps, 0, "applicationId") != nil {
		t.Fatalf("allByCompose %v", deps)
	}
	logs := c.call("deployment.readLogs", map[string]any{"deploymentId": at(deps, 0, "deploymentId")}).(string)
	appName := cmp["appName"].(string)
	for _, want := range []string{"Initializing deployment\nFile 'docker-compose.yml' created: ✅\n╔", "║ App Name: " + appName + " ",
		"║ Detected: 1 mounts 📂", "║ Command: docker compose -p " + appName + " -f docker-compose.yml up -d --build    ║\n║ --remove-orphans ",
		"╝\nDocker Compose Deployed: ✅\n"} {
		if !strings.Contains(logs, want) {
			t.Errorf("compose log has no %q:\n%s", want, logs)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n")[2:13] {
		if w := displayWidth(line); w != 80 {
			t.Errorf("box line of width %d: %q", w, line)
		}
	}
	if got := c.callMap("compose.one", map[string]any{"composeId": id}); got["composeStatus"] != "done" || len(got["deployments"].([]any)) != 1 {
		t.Errorf("compose.one after deploy: %v", got["composeStatus"])
	}
	// A changed file is seen by fetch, and by cache only after a redeploy.
	c.call("compose.update", map[string]any{"composeId": id, "composeFile": "services:\n  '2': {}\n  api: {}\n  '1': {}\n", "randomize": true, "suffix": "x1"})
	if names := c.call("compose.loadServices", map[string]any{"composeId": id, "type": "cache"}); fmt.Sprint(names) != "[web-x1 worker-x1]" {
		t.Errorf("cache after update: %v", names)
	}
	if names := c.call("compose.loadServices", map[string]any{"composeId": id, "type": "fetch"}); fmt.Sprint(names) != "[1-x1 2-x1 api-x1]" {
		t.Errorf("fetch after update: %v", names)
	}
	res = c.callMap("compose.redeploy", map[string]any{"composeId": id, "title": "sync"})
	if res["message"] != "Redeployment queued" || at(c.call("deployment.allByCompose", map[string]any{"composeId": id}), 0, "title") != "sync" {
		t.Errorf("redeploy %v", res)
	}

	if c.call("compose.stop", map[string]any{"composeId": id}) != true || c.callMap("compose.one", map[string]any{"composeId": id})["composeStatus"] != "idle" {
		t.Error("compose.stop")
	}
	if c.call("compose.start", map[string]any{"composeId": id}) != true || c.callMap("compose.one", map[string]any{"composeId": id})["composeStatus"] != "done" {
		t.Error("compose.start")
	}

	// delete answers the compose as it was and removes its children.
	del := c.callMap("compose.delete", map[string]any{"composeId": id, "deleteVolumes": false})
	if len(del["domains"].([]any)) != 1 || len(del["mounts"].([]any)) != 1 || len(del["deployments"].([]any)) != 2 {
		t.Errorf("compose.delete answered %v", del)
	}
	if _, ok := del["hasGitProviderAccess"]; ok {
		t.Error("compose.delete has hasGitProviderAccess")
	}
	for _, tab := range []*tableDef{domainTable, mountTable, deploymentTable} {
		if n := len(c.s.where(tab, "composeId", id)); n != 0 {
			t.Errorf("%d %s rows left", n, tab.name)
		}
	}
	if _, ok := c.s.st.Files[id.(string)]; ok {
		t.Error("the compose file is left")
	}
	if status, _ := c.get("compose.one", map[string]string{"composeId": id.(string)}); status != 404 {
		t.Errorf("compose.one after delete: %d", status)
	}
}

func TestComposeDeployFailures(t *testing.T) {
	c := newClient(t, Options{DeployError: "Cannot connect to the Docker daemon"})
	_, prod, _ := c.setup()
	id := c.callMap("compose.create", map[string]any{"name": "mon", "environmentId": prod, "sourceType": "raw", "composeFile": "services:\n  web: {}\n"})["composeId"]
	c.call("compose.deploy", map[string]any{"composeId": id})
	dep := at(c.call("deployment.allByCompose", map[string]any{"composeId": id}), 0).(map[string]any)
	logs := c.call("deployment.readLogs", map[string]any{"deploymentId": dep["deploymentId"]}).(string)
	if dep["status"] != "error" || !strings.HasSuffix(logs, "╝\nCannot connect to the Docker daemon\nError: ❌ Docker command failed\n\nError occurred ❌, check the logs for details.\n") {
		t.Errorf("failed deploy %v: %q", dep["status"], logs)
	}
	if c.callMap("compose.one", map[string]any{"composeId": id})["composeStatus"] != "error" {
		t.Error("composeStatus after a failed deploy")
	}
	// The file was written all the same.
	if names := c.call("compose.loadServices", map[string]any{"composeId": id}); fmt.Sprint(names) != "[web]" {
		t.Errorf("loadServices after a failed deploy: %v", names)
	}
	appName := c.callMap("compose.one", map[string]any{"composeId": id})["appName"]
	want := fmt.Sprintf(`Command execution failed: Command failed: env -i PATH="$PATH" docker compose -p %s -f docker-compose.yml up -d`+"\nCannot connect to the Docker daemon", appName)
	if status, body := c.post("compose.start", map[string]any{"composeId": id}); status != 500 || restMessage(t, body) != want {
		t.Errorf("compose.start: %d %s", status, body)
	}
	if st := c.callMap("compose.one", map[string]any{"composeId": id})["composeStatus"]; st != "idle" {
		t.Errorf("composeStatus after a failed start: %v", st)
	}

	// A command override replaces `docker compose up` (QUIRKS CO10).
	ok := newClient(t, Options{})
	_, prod, _ = ok.setup()
	id = ok.callMap("compose.create", map[string]any{"name": "x", "environmentId": prod, "sourceType": "raw", "composeFile": "services: {}\n"})["composeId"]
	ok.call("compose.update", map[string]any{"composeId": id, "command": `echo "hi"`})
	ok.call("compose.deploy", map[string]any{"composeId": id})
	dep = at(ok.call("deployment.allByCompose", map[string]any{"composeId": id}), 0).(map[string]any)
	logs = ok.call("deployment.readLogs", map[string]any{"deploymentId": dep["deploymentId"]}).(string)
	if dep["status"] != "error" || !strings.Contains(logs, "║ Command: docker echo hi ") || !strings.Contains(logs, "docker: 'echo' is not a docker command.\n") {
		t.Errorf("command override: %v %q", dep["status"], logs)
	}
	if names := ok.call("compose.loadServices", map[string]any{"composeId": id}).([]any); len(names) != 0 {
		t.Errorf("services: {} gives %v", names)
	}
}

func TestServiceDeletesCascade(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	appID := c.callMap("application.create", map[string]any{"name": "web", "environmentId": prod})["applicationId"]
	c.call("domain.create", map[string]any{"host": "a.example.com", "applicationId": appID, "domainType": "application"})
	c.call("port.create", map[string]any{"applicationId": appID, "publishedPort": 1, "targetPort": 2})
	c.call("mounts.create", map[string]any{"type": "volume", "mountPath": "/d", "serviceType": "application", "serviceId": appID})
	c.call("redirects.create", map[string]any{"applicationId": appID, "regex": "a", "replacement": "b", "permanent": true})
	c.call("security.create", map[string]any{"applicationId": appID, "username": "u", "password": "p"})
	c.call("application.deploy", map[string]any{"applicationId": appID})

	del := c.callMap("application.delete", map[string]any{"applicationId": appID})
	for _, k := range []string{"domains", "ports", "mounts", "redirects", "security", "deployments"} {
		if n := len(del[k].([]any)); n != 1 {
			t.Errorf("application.delete answered %d %s", n, k)
		}
	}
	for _, tab := range []*tableDef{domainTable, portTable, mountTable, redirectTable, securityTable, deploymentTable} {
		if n := len(c.s.rows(tab)); n != 0 {
			t.Errorf("%d %s rows left", n, tab.name)
		}
	}
}
