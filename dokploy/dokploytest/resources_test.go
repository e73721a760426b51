package dokploytest

import (
	"bytes"
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
	if len(st.Logs) != 0 {
		t.Errorf("%d deployment logs left", len(st.Logs))
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
