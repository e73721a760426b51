package apply_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// foldServices are declared in two environments: production, which the
// apply creates, and staging, where each exists bare and gets its fields
// through the procedures of an update.
const foldServices = `
        applications:
          api:
            source: {docker: {image: "ghcr.io/acme/api:1.4", username: robot, password: "${PW}", registryUrl: ghcr.io}}
            build: {type: dockerfile, dockerfile: Dockerfile.prod}
            env: {LOG: info, PORT: "8080"}
            buildArgs: {NODE_VERSION: "22"}
            createEnvFile: false
            replicas: 2
            resources: {memoryLimit: 512Mi, cpuLimit: 0.5}
          web:
            source: {git: {url: "https://github.com/acme/web.git", branch: main}}
            env: {A: "1"}
          plain:
            source: {docker: {image: "nginx:1.27"}}
        compose:
          mon:
            composeFile: |
              services:
                grafana: {image: grafana/grafana}
            env: {GF_LOG: debug}
        postgres:
          db: {dockerImage: "postgres:16", databaseName: shop, databaseUser: shop, databasePassword: pw-12345, externalPort: 15432, env: {PGTZ: UTC}}
        mongo:
          docs: {dockerImage: "mongo:7", databaseUser: u, databasePassword: pw-23456, env: {MONGO_X: "1"}}
`

const foldSpec = `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:` + foldServices + `
        libsql:
          edge: {dockerImage: "ghcr.io/tursodatabase/libsql-server:v0.24.31", databaseUser: u, databasePassword: pw-5678, enableNamespaces: true, env: {A: "1"}}
      staging:` + foldServices

// TestApplyFoldsTheWritesOfACreatedService: a service the apply creates
// gets every field in one <kind>.update after its create (not a
// save*Provider, saveBuildType or saveEnvironment beside it), and reads
// back as the same service updated through those procedures does.
func TestApplyFoldsTheWritesOfACreatedService(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: 11})
	proj := call(t, fake, "project.create", map[string]any{"name": "shop"})
	pid := proj["project"].(map[string]any)["projectId"].(string)
	stage := call(t, fake, "environment.create", map[string]any{"name": "staging", "projectId": pid})["environmentId"].(string)
	twins := map[string]string{ // staging address → id
		"application/api":   call(t, fake, "application.create", map[string]any{"name": "api", "environmentId": stage, "appName": "shop-api"})["applicationId"].(string),
		"application/web":   call(t, fake, "application.create", map[string]any{"name": "web", "environmentId": stage, "appName": "shop-web"})["applicationId"].(string),
		"application/plain": call(t, fake, "application.create", map[string]any{"name": "plain", "environmentId": stage, "appName": "shop-plain"})["applicationId"].(string),
		"compose/mon":       call(t, fake, "compose.create", map[string]any{"name": "mon", "environmentId": stage, "appName": "shop-mon"})["composeId"].(string),
		"postgres/db": call(t, fake, "postgres.create", map[string]any{"name": "db", "environmentId": stage, "appName": "shop-db",
			"dockerImage": "postgres:16", "databaseName": "shop", "databaseUser": "shop", "databasePassword": "pw-12345"})["postgresId"].(string),
		"mongo/docs": call(t, fake, "mongo.create", map[string]any{"name": "docs", "environmentId": stage, "appName": "shop-docs",
			"dockerImage": "mongo:7", "databaseUser": "u", "databasePassword": "pw-23456"})["mongoId"].(string),
	}

	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(foldSpec), t.TempDir(), spec.Options{Vars: map[string]string{"PW": "registry-pw-1"}, LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rec := &recording{d: c}
	res := apply.Apply(context.Background(), rec, plan(t, c, f), apply.Options{})
	if res.Err() != nil {
		t.Fatal(res.Err())
	}
	if p := plan(t, c, f); len(p.Changes) > 0 {
		t.Errorf("%d changes after apply, want none", len(p.Changes))
	}
	// sent lists the mutations that name id, but for the create.
	sent := func(id string) (procs []string, ins []map[string]any) {
		for _, r := range rec.calls {
			for k, v := range r.in {
				if strings.HasSuffix(k, "Id") && v == id {
					procs, ins = append(procs, r.proc), append(ins, r.in)
					break
				}
			}
		}
		return procs, ins
	}
	for addr, twin := range twins {
		kind, _, _ := strings.Cut(addr, "/")
		id := res.IDs["shop/production/"+addr]
		if id == "" {
			t.Fatalf("%s was not created", addr)
		}
		procs, _ := sent(id)
		if want := []string{kind + ".update"}; !slices.Equal(procs, want) {
			t.Errorf("created %s: sent %v after its create, want %v", addr, procs, want)
		}
		created, updated := serviceRow(t, fake, kind, id), serviceRow(t, fake, kind, twin)
		if !reflect.DeepEqual(created, updated) {
			for k := range updated {
				if !reflect.DeepEqual(created[k], updated[k]) {
					t.Errorf("%s: %s is %v when created, %v when updated", addr, k, created[k], updated[k])
				}
			}
		}
	}
	// The updated application keeps its own procedures: the env through
	// saveEnvironment (which needs only the envVars permission), the
	// image through saveDockerProvider.
	if procs, _ := sent(twins["application/api"]); !slices.Contains(procs, "application.saveEnvironment") || !slices.Contains(procs, "application.saveDockerProvider") {
		t.Errorf("updated application/api: sent %v, want saveEnvironment and saveDockerProvider among them", procs)
	}
	// What the folded update of api carries: the source, the build, the
	// managed env texts, createEnvFile (the spec sets it), the rest; not a
	// status, nor buildSecrets, which the spec leaves alone.
	_, ins := sent(res.IDs["shop/production/application/api"])
	if len(ins) == 1 {
		want := "applicationId,buildArgs,buildType,cpuLimit,createEnvFile,dockerBuildStage,dockerContextPath,dockerImage,dockerfile,env," +
			"herokuVersion,memoryLimit,password,railpackVersion,registryUrl,replicas,sourceType,username"
		if got := keys(ins[0]); got != want {
			t.Errorf("the update of the created api has keys\n %s, want\n %s", got, want)
		}
	}
	// web's carries no createEnvFile and no build texts: the spec sets none.
	if _, ins := sent(res.IDs["shop/production/application/web"]); len(ins) == 1 {
		if got, want := keys(ins[0]), "applicationId,customGitBranch,customGitBuildPath,customGitSSHKeyId,customGitUrl,env,sourceType,watchPaths"; got != want {
			t.Errorf("the update of the created web has keys\n %s, want\n %s", got, want)
		}
	}
	// mongo and libsql: their updates carry what a partial update would reset.
	if _, ins := sent(res.IDs["shop/production/mongo/docs"]); len(ins) == 1 && (ins[0]["replicaSets"] != false || ins[0]["dockerImage"] != "mongo:7") {
		t.Errorf("mongo.update %v: want dockerImage and replicaSets false", ins[0])
	}
	procs, ins := sent(res.IDs["shop/production/libsql/edge"])
	if !slices.Equal(procs, []string{"libsql.update"}) {
		t.Errorf("created libsql/edge: sent %v after its create, want one libsql.update", procs)
	} else if ins[0]["env"] != "A=1" || ins[0]["dockerImage"] != "ghcr.io/tursodatabase/libsql-server:v0.24.31" || ins[0]["enableNamespaces"] != true {
		t.Errorf("libsql.update %v: want env, the spec's dockerImage and enableNamespaces", ins[0])
	}
}

// serviceRow is the <kind>.one of id without what tells two services
// apart (ids, appName, environment, timestamps, tokens, and the mounts:
// a database's data volume is named after its appName).
func serviceRow(t *testing.T, fake *dokploytest.Server, kind, id string) map[string]any {
	t.Helper()
	raw, err := fake.Call(kind+".one", map[string]any{dokploy.IDKey(kind): id})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{dokploy.IDKey(kind), "appName", "environmentId", "environment", "createdAt", "refreshToken", "mounts"} {
		delete(m, k)
	}
	return m
}
