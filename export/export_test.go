package export

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/golden and testdata/include-secrets")

const apiKey = "export-test-key"

// fakeServer is a fake Dokploy with stable ids, appNames and timestamps.
func fakeServer(t *testing.T) *dokploytest.Server {
	t.Helper()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return dokploytest.NewTestServer(t, dokploytest.Options{APIKey: apiKey, Seed: 7, Now: func() time.Time { return now }})
}

// call runs a procedure on the fake and returns its answer as a map (nil
// for answers that are not objects).
func call(t *testing.T, s *dokploytest.Server, proc string, in map[string]any) map[string]any {
	t.Helper()
	raw, err := s.Call(proc, in)
	if err != nil {
		t.Fatalf("%s: %v", proc, err)
	}
	var out map[string]any
	json.Unmarshal(raw, &out)
	return out
}

// Secrets of the varied server: none may appear in the spec.
var (
	secretValues = []string{
		"ShopDbPass123", "LegacyUserPw99", "LegacyRootPw77", "MariaUserPw55", "DocsMongoPw33", "CacheRedisPw11", "EdgeLibsqlPw22",
		"StagingDbPw44", "RegistryPw-secret-1", "AdminBasicPw-2", "npm_TOKEN_secret_3",
	}
	envValues = []string{
		"line one\nline \"two\" # not a comment\n'three'", "s3cr3t-api-key-value", "a$HOME-b", "#hash-first", "  padded  ",
		"https://hooks.example.com/T0/B0/secret-webhook", "value-with-backtick-`x`-and-'q'", "stagingsecret-value",
	}
)

// seedVaried builds a server state with every resource kind, every source
// kind the fake has, and awkward values.
func seedVaried(t *testing.T, s *dokploytest.Server) {
	t.Helper()
	p := call(t, s, "project.create", map[string]any{"name": "shop", "description": "Online shop",
		"env": "LOG_LEVEL=info\nSENTRY_DSN=https://abc@sentry.example.com/1"})
	pid := p["project"].(map[string]any)["projectId"].(string)
	prod := p["environment"].(map[string]any)["environmentId"].(string)
	call(t, s, "environment.update", map[string]any{"environmentId": prod, "env": "REGION=eu-west\nFEATURE_FLAGS='a,b # c'"})

	// Databases of the six kinds.
	pg := call(t, s, "postgres.create", map[string]any{"name": "shop-db", "appName": "shop-db", "environmentId": prod,
		"databaseName": "shop", "databaseUser": "shop", "databasePassword": "ShopDbPass123", "dockerImage": "postgres:16",
		"description": "Main database"})
	call(t, s, "postgres.saveEnvironment", map[string]any{"postgresId": pg["postgresId"], "env": "PGTZ=UTC\nPOSTGRES_INITDB_ARGS=--data-checksums"})
	call(t, s, "postgres.saveExternalPort", map[string]any{"postgresId": pg["postgresId"], "externalPort": 15432})
	call(t, s, "mounts.create", map[string]any{"type": "bind", "hostPath": "/srv/backups", "mountPath": "/backups",
		"serviceType": "postgres", "serviceId": pg["postgresId"]})
	call(t, s, "mysql.create", map[string]any{"name": "legacy", "appName": "shop-legacy", "environmentId": prod, "databaseName": "legacy",
		"databaseUser": "legacy", "databasePassword": "LegacyUserPw99", "databaseRootPassword": "LegacyRootPw77", "dockerImage": "mysql:8"})
	call(t, s, "mariadb.create", map[string]any{"name": "maria", "appName": "shop-maria", "environmentId": prod, "databaseName": "m",
		"databaseUser": "m", "databasePassword": "MariaUserPw55", "dockerImage": "mariadb:11"})
	call(t, s, "mongo.create", map[string]any{"name": "docs", "appName": "shop-docs", "environmentId": prod, "databaseUser": "docs",
		"databasePassword": "DocsMongoPw33", "dockerImage": "mongo:7", "replicaSets": true})
	redis := call(t, s, "redis.create", map[string]any{"name": "cache", "appName": "shop-cache", "environmentId": prod,
		"databasePassword": "CacheRedisPw11", "dockerImage": "redis:7"})
	call(t, s, "libsql.create", map[string]any{"name": "edge", "appName": "shop-edge", "environmentId": prod, "description": nil,
		"databaseUser": "edge", "databasePassword": "EdgeLibsqlPw22", "sqldNode": "primary", "sqldPrimaryUrl": nil,
		"enableNamespaces": true, "serverId": nil, "dockerImage": "ghcr.io/tursodatabase/libsql-server:v0.24.32"})

	// api: a docker image from a private registry, with everything.
	api := call(t, s, "application.create", map[string]any{"name": "api", "appName": "shop-api", "environmentId": prod, "description": "Shop API"})
	apiID := api["applicationId"]
	call(t, s, "application.saveDockerProvider", map[string]any{"applicationId": apiID, "dockerImage": "ghcr.io/acme/shop-api:1.4.2",
		"username": "deploy", "password": "RegistryPw-secret-1", "registryUrl": "ghcr.io"})
	call(t, s, "application.update", map[string]any{"applicationId": apiID, "replicas": 2, "memoryLimit": "536870912",
		"cpuLimit": "500000000", "memoryReservation": "268435456", "command": "node server.js --port 8080"})
	env, err := dokploy.FormatEnv(map[string]string{
		"DATABASE_URL": fmt.Sprintf("postgresql://shop:ShopDbPass123@%s:5432/shop?sslmode=disable", pg["appName"]),
		"REDIS_URL":    fmt.Sprintf("redis://:CacheRedisPw11@%s:6379", redis["appName"]),
		"DB_HOST":      pg["appName"].(string),
		"MULTILINE":    envValues[0],
		"API_KEY":      envValues[1],
		"DOLLAR":       envValues[2],
		"HASH":         envValues[3],
		"PADDED":       envValues[4],
		"WEBHOOK":      envValues[5],
		"QUOTES":       envValues[6],
		"LOG_LEVEL":    "${{project.LOG_LEVEL}}",
		"weird-key":    "dash-key-value",
		"EMPTY":        "",
	})
	if err != nil {
		t.Fatal(err)
	}
	call(t, s, "application.saveEnvironment", map[string]any{"applicationId": apiID, "env": env, "buildArgs": nil, "buildSecrets": nil, "createEnvFile": true})
	call(t, s, "domain.create", map[string]any{"host": "api.shop.example.com", "port": 8080, "https": true, "certificateType": "letsencrypt",
		"applicationId": apiID, "domainType": "application"})
	call(t, s, "domain.create", map[string]any{"host": "shop.example.com", "path": "/api", "port": 3000, "https": false, "certificateType": "none",
		"applicationId": apiID, "domainType": "application", "stripPath": true, "internalPath": "/v1"})
	call(t, s, "port.create", map[string]any{"publishedPort": 9000, "targetPort": 9000, "applicationId": apiID})
	call(t, s, "port.create", map[string]any{"publishedPort": 5353, "targetPort": 53, "protocol": "udp", "publishMode": "host", "applicationId": apiID})
	call(t, s, "mounts.create", map[string]any{"type": "volume", "volumeName": "shop-uploads", "mountPath": "/app/uploads",
		"serviceType": "application", "serviceId": apiID})
	call(t, s, "mounts.create", map[string]any{"type": "file", "filePath": "features.json", "mountPath": "/app/config/features.json",
		"content": "{\n  \"reviews\": false,\n  \"greeting\": \"hello ${USER}\"\n}\n", "serviceType": "application", "serviceId": apiID})
	call(t, s, "mounts.create", map[string]any{"type": "file", "filePath": "motd", "mountPath": "/etc/motd",
		"content": "trailing spaces   \nsecond line\n", "serviceType": "application", "serviceId": apiID})
	call(t, s, "redirects.create", map[string]any{"regex": "^https://shop.example.com/old/(.*)", "replacement": "https://shop.example.com/new/${1}",
		"permanent": true, "applicationId": apiID})
	call(t, s, "redirects.create", map[string]any{"regex": "^/$", "replacement": "/home", "permanent": false, "applicationId": apiID})
	call(t, s, "security.create", map[string]any{"username": "admin", "password": "AdminBasicPw-2", "applicationId": apiID})

	// web: built from git with a Dockerfile, build args and secrets.
	web := call(t, s, "application.create", map[string]any{"name": "web", "appName": "shop-web", "environmentId": prod})
	webID := web["applicationId"]
	call(t, s, "application.saveGitProvider", map[string]any{"applicationId": webID, "customGitUrl": "https://github.com/acme/shop-web.git",
		"customGitBranch": "main", "customGitBuildPath": "/frontend", "watchPaths": []any{"frontend/**", "Dockerfile"}, "enableSubmodules": true})
	call(t, s, "application.saveBuildType", map[string]any{"applicationId": webID, "buildType": "dockerfile", "dockerfile": "Dockerfile.prod",
		"dockerContextPath": "frontend", "dockerBuildStage": nil, "herokuVersion": nil, "railpackVersion": nil})
	call(t, s, "application.saveEnvironment", map[string]any{"applicationId": webID,
		"env":          fmt.Sprintf("API_URL=http://%s:8080\nPUBLIC_NAME=Shop", api["appName"]),
		"buildArgs":    fmt.Sprintf("NODE_VERSION=22\nAPI_HOST=%s", api["appName"]),
		"buildSecrets": "NPM_TOKEN=npm_TOKEN_secret_3", "createEnvFile": false})

	// worker: as Dokploy creates it, plus one env value with a password
	// that is no database's: it stays in the env file.
	worker := call(t, s, "application.create", map[string]any{"name": "worker", "appName": "shop-worker", "environmentId": prod})
	call(t, s, "application.saveEnvironment", map[string]any{"applicationId": worker["applicationId"],
		"env":       fmt.Sprintf("EXTERNAL=postgresql://other:NotKnown1@%s:5432/x", pg["appName"]),
		"buildArgs": nil, "buildSecrets": nil, "createEnvFile": true})

	// Compose: a raw file with compose's own variables, and one from git.
	mon := call(t, s, "compose.create", map[string]any{"name": "monitoring", "appName": "shop-monitoring", "environmentId": prod,
		"composeType": "docker-compose", "sourceType": "raw", "description": "Prometheus and Grafana",
		"composeFile": "services:\n  grafana:\n    image: grafana/grafana:11.2.0\n    environment:\n      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_PASSWORD}\n      GF_PATHS_HOME: $${HOME}\n"})
	call(t, s, "compose.saveEnvironment", map[string]any{"composeId": mon["composeId"],
		"env": fmt.Sprintf("GRAFANA_PASSWORD=grafana-pw-9\nDB=postgres://shop:ShopDbPass123@%s/shop", pg["appName"])})
	call(t, s, "domain.create", map[string]any{"host": "grafana.shop.example.com", "port": 3000, "https": true, "certificateType": "letsencrypt",
		"composeId": mon["composeId"], "serviceName": "grafana", "domainType": "compose"})
	call(t, s, "mounts.create", map[string]any{"type": "file", "filePath": "prometheus.yml", "mountPath": "/etc/prometheus/prometheus.yml",
		"content": "scrape_configs: []\n", "serviceType": "compose", "serviceId": mon["composeId"]})
	stack := call(t, s, "compose.create", map[string]any{"name": "stack", "appName": "shop-stack", "environmentId": prod, "composeType": "stack"})
	call(t, s, "compose.update", map[string]any{"composeId": stack["composeId"], "sourceType": "git",
		"customGitUrl": "git@github.com:acme/stack.git", "customGitBranch": "release", "composePath": "./deploy/compose.yml",
		"command": "stack deploy -c deploy/compose.yml shop", "randomize": true})

	// staging: another environment, with a reference across environments.
	stg := call(t, s, "environment.create", map[string]any{"name": "staging", "projectId": pid, "description": "Staging"})
	stgID := stg["environmentId"]
	call(t, s, "environment.update", map[string]any{"environmentId": stgID, "env": "REGION=eu-central"})
	stgDB := call(t, s, "postgres.create", map[string]any{"name": "shop-db", "appName": "shop-db-stg", "environmentId": stgID,
		"databaseName": "shop", "databaseUser": "shop", "databasePassword": "StagingDbPw44", "dockerImage": "postgres:16"})
	sapi := call(t, s, "application.create", map[string]any{"name": "api", "appName": "shop-api-stg", "environmentId": stgID})
	call(t, s, "application.saveDockerProvider", map[string]any{"applicationId": sapi["applicationId"], "dockerImage": "ghcr.io/acme/shop-api:1.5.0-rc1",
		"username": nil, "password": nil, "registryUrl": nil})
	call(t, s, "application.saveEnvironment", map[string]any{"applicationId": sapi["applicationId"],
		"env": fmt.Sprintf("DATABASE_URL=postgresql://shop:StagingDbPw44@%s:5432/shop\nPROD_DB_HOST=%s\nSECRET=%s",
			stgDB["appName"], pg["appName"], envValues[7]),
		"buildArgs": nil, "buildSecrets": nil, "createEnvFile": true})
	for range 2 {
		call(t, s, "application.create", map[string]any{"name": "twin", "environmentId": stgID})
	}

	// Names that YAML must quote, and a project name used twice.
	on := call(t, s, "project.create", map[string]any{"name": "on"})
	onEnv := on["environment"].(map[string]any)["environmentId"]
	yes := call(t, s, "application.create", map[string]any{"name": "yes", "appName": "yes-app", "environmentId": onEnv})
	call(t, s, "application.saveDockerProvider", map[string]any{"applicationId": yes["applicationId"], "dockerImage": "nginx:1.27",
		"username": nil, "password": nil, "registryUrl": nil})
	call(t, s, "application.create", map[string]any{"name": "1.0", "appName": "one-dot-zero", "environmentId": onEnv})
	call(t, s, "redis.create", map[string]any{"name": "a: b #c", "appName": "odd-redis", "environmentId": onEnv,
		"databasePassword": "OddRedisPw66", "dockerImage": "redis:7"})
	call(t, s, "project.create", map[string]any{"name": "dup"})
	call(t, s, "project.create", map[string]any{"name": "dup"})
}

// exported is an export of a fake server written to a directory.
type exported struct {
	dir, spec string
	res       *Result
	live      *dokploy.Live
	check     *Check
}

func runExport(t *testing.T, s *dokploytest.Server, opts Options) *exported {
	t.Helper()
	ctx := context.Background()
	c, err := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	names := opts.Projects
	if len(names) == 0 {
		if names, err = ProjectNames(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	live, err := c.Observe(ctx, names, InstanceKinds()...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(live, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dokploy.yaml")
	if err := Write(res, path, false, opts.IncludeSecrets); err != nil {
		t.Fatal(err)
	}
	check, err := Verify(res, path, live, false)
	if err != nil {
		t.Fatal(err)
	}
	return &exported{dir: dir, spec: path, res: res, live: live, check: check}
}

func TestExportRoundTrip(t *testing.T) {
	s := fakeServer(t)
	seedVaried(t, s)
	e := runExport(t, s, Options{})

	// spec.Load with --var-file secrets.env: no errors, no warnings.
	vars, err := spec.ReadVarFile(filepath.Join(e.dir, SecretsFile))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := spec.Load(e.spec, spec.Options{Vars: vars, LookupEnv: func(string) (string, bool) { return "", false }})
	if len(diags) > 0 {
		t.Fatalf("the exported spec has diagnostics:\n%s\n%s", diags, e.res.YAML)
	}
	p := planner.Compute(f, e.live)
	if len(p.Changes) > 0 || len(p.Errors) > 0 { // owed deploys are no difference of the spec
		var b bytes.Buffer
		planner.Render(&b, p, planner.RenderOptions{ShowValues: true})
		t.Fatalf("the plan of the exported spec is not empty:\n%s\n%s", b.String(), e.res.YAML)
	}
	if !e.check.OK() {
		t.Errorf("Verify: %v %v", e.check.Diagnostics, e.check.Changes)
	}

	// What was skipped, and why.
	wantWarnings := []string{
		`dup: 2 live projects are named "dup"`,
		`shop/staging/application/twin: 2 live applications are named "twin"`,
	}
	for _, w := range wantWarnings {
		if !containsPrefix(e.res.Warnings, w) {
			t.Errorf("no warning starting with %q in %q", w, e.res.Warnings)
		}
	}
	if len(e.res.Warnings) != len(wantWarnings) {
		t.Errorf("warnings: %q", e.res.Warnings)
	}
	if strings.Contains(string(e.res.YAML), "dup:") || strings.Contains(string(e.res.YAML), "twin") {
		t.Errorf("skipped names are in the spec:\n%s", e.res.YAML)
	}
	want := Counts{Projects: 2, Environments: 3, Applications: 6, Databases: 8, Compose: 2, EnvFiles: 9, Secrets: 15} // NODE_VERSION, a build arg, among them
	if e.res.Counts != want {
		t.Errorf("counts %+v, want %+v", e.res.Counts, want)
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func TestExportKeepsSecretsOut(t *testing.T) {
	s := fakeServer(t)
	seedVaried(t, s)
	e := runExport(t, s, Options{})
	y := string(e.res.YAML)
	for _, v := range append(append([]string{}, secretValues...), envValues...) {
		if strings.Contains(y, v) {
			t.Errorf("the spec contains the secret %q", v)
		}
	}
	for _, v := range []string{"grafana-pw-9", "NotKnown1", "OddRedisPw66", "sentry.example.com", "eu-west"} {
		if strings.Contains(y, v) {
			t.Errorf("the spec contains the env value %q", v)
		}
	}
	err := filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".env") && st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, st.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(e.dir, SecretsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secrets.env: %v, mode %v", err, st.Mode().Perm())
	}
	// Every secret is in secrets.env.
	vars, _ := spec.ReadVarFile(filepath.Join(e.dir, SecretsFile))
	values := map[string]bool{}
	for _, v := range vars {
		values[v] = true
	}
	for _, v := range secretValues {
		if !values[v] {
			t.Errorf("secrets.env lacks %q", v)
		}
	}
}

func TestExportIncludeSecrets(t *testing.T) {
	s := fakeServer(t)
	seedVaried(t, s)
	e := runExport(t, s, Options{IncludeSecrets: true})
	for _, f := range e.res.Files {
		if strings.HasSuffix(f.Path, ".env") {
			t.Errorf("--include-secrets wrote %s", f.Path)
		}
	}
	st, err := os.Stat(e.spec)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("dokploy.yaml: %v, mode %v, want 0600", err, st.Mode().Perm())
	}
	if !strings.Contains(string(e.res.YAML), "ShopDbPass123") {
		t.Errorf("--include-secrets: the password is not in the spec")
	}
	// The spec is kept as testdata/include-secrets/dokploy.yaml, which the
	// schema package's tests validate against the JSON Schema (as they do
	// testdata/golden/dokploy.yaml).
	golden := filepath.Join("testdata", "include-secrets", "dokploy.yaml")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, e.res.YAML, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(golden); err != nil || !bytes.Equal(want, e.res.YAML) {
		t.Errorf("the spec differs from %s (go test ./export -update): %v\n%s", golden, err, e.res.YAML)
	}
	f, diags := spec.Load(e.spec, spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatalf("%s\n%s", diags, e.res.YAML)
	}
	if p := planner.Compute(f, e.live); len(p.Changes) > 0 {
		var b bytes.Buffer
		planner.Render(&b, p, planner.RenderOptions{ShowValues: true})
		t.Fatalf("plan not empty:\n%s", b.String())
	}
}

func TestExportOneProject(t *testing.T) {
	s := fakeServer(t)
	seedVaried(t, s)
	e := runExport(t, s, Options{Projects: []string{"on", "missing"}})
	if !e.check.OK() {
		t.Fatalf("%v %v\n%s", e.check.Diagnostics, e.check.Changes, e.res.YAML)
	}
	if e.res.Counts.Projects != 1 || strings.Contains(string(e.res.YAML), "shop") {
		t.Errorf("exported more than project on:\n%s", e.res.YAML)
	}
	if !containsPrefix(e.res.Warnings, `no project named "missing"`) {
		t.Errorf("warnings %q", e.res.Warnings)
	}
}

func TestExportNothing(t *testing.T) {
	s := fakeServer(t)
	c, _ := dokploy.New(dokploy.Options{BaseURL: s.URL(), APIKey: apiKey})
	live, err := c.Observe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(live, Options{})
	if err != ErrNothing || len(res.Warnings) != 1 {
		t.Errorf("Build of an empty server: %v, %q", err, res.Warnings)
	}
}

func TestExportRefusesToOverwrite(t *testing.T) {
	s := fakeServer(t)
	seedVaried(t, s)
	e := runExport(t, s, Options{})
	before, _ := os.ReadFile(e.spec)
	os.WriteFile(e.spec, []byte("mine"), 0o644)
	if err := Write(e.res, e.spec, false, false); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Write over an existing spec: %v", err)
	}
	if b, _ := os.ReadFile(e.spec); string(b) != "mine" {
		t.Errorf("the existing spec was changed")
	}
	os.Chmod(filepath.Join(e.dir, SecretsFile), 0o644)
	if err := Write(e.res, e.spec, true, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(e.spec); !bytes.Equal(b, before) {
		t.Errorf("--force did not write the spec")
	}
	if st, _ := os.Stat(filepath.Join(e.dir, SecretsFile)); st.Mode().Perm() != 0o600 {
		t.Errorf("secrets.env rewritten with mode %v", st.Mode().Perm())
	}
}

// TestExportGolden compares the files of an export with
// testdata/golden (go test ./export -update rewrites them).
func TestExportGolden(t *testing.T) {
	s := fakeServer(t)
	seedVaried(t, s)
	e := runExport(t, s, Options{})
	golden := filepath.Join("testdata", "golden")
	got := readTree(t, e.dir)
	if *update {
		os.RemoveAll(golden)
		for name, data := range got {
			p := filepath.Join(golden, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, golden)
	for _, name := range sortedKeys(got) {
		if w, ok := want[name]; !ok {
			t.Errorf("%s: written, not in testdata/golden (go test ./export -update)", name)
		} else if !bytes.Equal(w, got[name]) {
			t.Errorf("%s differs from testdata/golden (go test ./export -update):\n%s", name, got[name])
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: in testdata/golden, not written", name)
		}
	}
	// The same state exports to the same bytes.
	again := readTree(t, runExport(t, s, Options{}).dir)
	for name, data := range got {
		if !bytes.Equal(again[name], data) {
			t.Errorf("%s: a second export differs", name)
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
