package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeFiles creates files (path -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const goodSpec = `# yaml-language-server: $schema=./schema/dokploy-sync.schema.json
apiVersion: dokploy-sync/v1
x-pg: &pg
  dockerImage: postgres:16
  databaseUser: shop
projects:
  shop:
    description: Online shop
    env:
      LOG_LEVEL: info
    environments:
      production:
        env: { PUBLIC_URL: https://shop.example.com }
        postgres:
          shop-db:
            <<: *pg
            databaseName: shop
            databasePassword: ${SHOP_DB_PASSWORD}
            externalPort: 5432
        redis:
          cache: { dockerImage: redis:7, databasePassword: "${REDIS_PASSWORD}" }
        libsql:
          edge:
            appName: edge
            dockerImage: ghcr.io/tursodatabase/libsql-server:v0.24.32
            databaseUser: edge
            databasePassword: ${SHOP_DB_PASSWORD}
            sqldNode: replica
            sqldPrimaryUrl: http://primary:8080
        applications:
          api:
            appName: shop-api
            source: { docker: { image: "ghcr.io/acme/shop-api:${TAG}", username: bot, password: "${REGISTRY_TOKEN}" } }
            envFile: [env/common.env, env/api.production.env]
            env:
              DATABASE_URL: postgresql://shop:${SHOP_DB_PASSWORD}@db:5432/shop
              PORT: 8080
              DEBUG: false
              SHARED: ${{project.LOG_LEVEL}}
              LITERAL: $${NOT_A_VAR}
            replicas: 2
            command: null
            description: ~
            resources: { memoryLimit: 512Mi, memoryReservation: 256M, cpuLimit: 0.5, cpuReservation: "250m" }
          worker:
            source: { docker: { image: ghcr.io/acme/worker:1 } }
            env: {}
          cron:
            source: { docker: { image: ghcr.io/acme/cron:1 } }
      staging:
  blog: {}
`

func TestLoadGoodSpec(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"dokploy.yaml":                goodSpec,
		"env/common.env":              "# common\nLOG_FORMAT=json\nPORT=3000\nTIMEOUT='30s'\n",
		"env/api.production.env":      "TIMEOUT=60s\nexport FEATURE_X=\"on\"\n",
		"other/unrelated/ignored.env": "X=1\n",
	})
	opts := Options{
		Vars: map[string]string{"TAG": "1.4.2", "SHOP_DB_PASSWORD": "pg-Secret_1"},
		LookupEnv: func(k string) (string, bool) {
			v, ok := map[string]string{"REDIS_PASSWORD": "r3dis", "TAG": "from-env", "REGISTRY_TOKEN": "tok"}[k]
			return v, ok
		},
	}
	f, ds := Load(filepath.Join(dir, "dokploy.yaml"), opts)
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics:\n%s", ds)
	}
	if f.Path != filepath.Join(dir, "dokploy.yaml") || f.Dir != dir {
		t.Errorf("Path, Dir = %q, %q", f.Path, f.Dir)
	}
	if got := f.UnsetVars(); len(got) != 0 {
		t.Errorf("UnsetVars = %v", got)
	}
	shop := f.Projects["shop"]
	if shop == nil || shop.Description == nil || *shop.Description != "Online shop" {
		t.Fatalf("project shop: %+v", shop)
	}
	if !reflect.DeepEqual(shop.EnvVars, map[string]string{"LOG_LEVEL": "info"}) {
		t.Errorf("shop EnvVars = %v", shop.EnvVars)
	}
	if shop.Pos.Line != 7 || shop.Pos.Col != 3 {
		t.Errorf("shop Pos = %+v", shop.Pos)
	}
	if f.Projects["blog"].EnvVars != nil || f.Projects["blog"].Environments != nil {
		t.Errorf("blog should be empty: %+v", f.Projects["blog"])
	}
	if st := shop.Environments["staging"]; st == nil || st.EnvVars != nil || len(st.Keys) != 0 {
		t.Errorf("staging = %+v", st)
	}

	prod := shop.Environments["production"]
	api := prod.Applications["api"]
	if api.Source.Docker.Image != "ghcr.io/acme/shop-api:1.4.2" {
		t.Errorf("image = %q (Vars must win over the process env)", api.Source.Docker.Image)
	}
	if *api.Source.Docker.Password != "tok" || *api.Source.Docker.Username != "bot" {
		t.Errorf("docker = %+v", api.Source.Docker)
	}
	wantEnv := map[string]string{
		"LOG_FORMAT":   "json",
		"PORT":         "8080", // inline wins over files
		"TIMEOUT":      "60s",  // a later file wins
		"FEATURE_X":    "on",
		"DATABASE_URL": "postgresql://shop:pg-Secret_1@db:5432/shop",
		"DEBUG":        "false",
		"SHARED":       "${{project.LOG_LEVEL}}",
		"LITERAL":      "${NOT_A_VAR}",
	}
	if !reflect.DeepEqual(api.EnvVars, wantEnv) {
		t.Errorf("api EnvVars =\n%v\nwant\n%v", api.EnvVars, wantEnv)
	}
	if api.Replicas == nil || *api.Replicas != 2 || *api.AppName != "shop-api" {
		t.Errorf("api = %+v", api)
	}
	if api.Command != nil || !api.Has("command") || api.Description != nil || !api.Has("description") {
		t.Errorf("null command/description must be nil and present: %v %v", api.Command, api.Description)
	}
	if api.Has("envFilex") || !api.Has("envFile") {
		t.Errorf("Has is wrong")
	}
	r := api.Resources
	if *r.MemoryLimit != 512<<20 || *r.MemoryReservation != 256e6 || *r.CPULimit != 5e8 || *r.CPUReservation != 25e7 {
		t.Errorf("resources = %v %v %v %v", *r.MemoryLimit, *r.MemoryReservation, *r.CPULimit, *r.CPUReservation)
	}
	if r.Pos.Line != 44 || r.Keys["cpuLimit"].Line != 44 {
		t.Errorf("resources meta = %+v", r.Meta)
	}
	if d := api.Source.Docker; d.Pos.Line != 33 || d.Pos.Col != 23 || d.Keys["image"].Col != 40 {
		t.Errorf("docker meta = %+v", d.Meta)
	}
	if api.Pos.Line != 31 || api.Keys["replicas"].Line != 41 || api.Keys["command"].Line != 42 {
		t.Errorf("api meta = %+v", api.Meta)
	}
	if len(api.Unknown) != 0 {
		t.Errorf("api Unknown = %v", api.Unknown)
	}
	if w := prod.Applications["worker"].EnvVars; w == nil || len(w) != 0 {
		t.Errorf("env: {} must give an empty, non-nil EnvVars; got %#v", w)
	}
	if c := prod.Applications["cron"].EnvVars; c != nil {
		t.Errorf("no env and no envFile must give nil EnvVars; got %#v", c)
	}

	dbs := prod.Databases()
	var kinds []string
	for _, db := range dbs {
		kinds = append(kinds, db.Kind+"/"+db.Name)
	}
	if strings.Join(kinds, " ") != "postgres/shop-db redis/cache libsql/edge" {
		t.Errorf("Databases() = %v", kinds)
	}
	pg := prod.Postgres["shop-db"]
	if pg.DockerImage != "postgres:16" || pg.DatabaseUser != "shop" || pg.DatabasePassword != "pg-Secret_1" || *pg.ExternalPort != 5432 {
		t.Errorf("postgres = %+v", pg)
	}
	// The merged keys are in Meta.Keys, at the anchor's position.
	if pg.Pos.Line != 15 || pg.Keys["dockerImage"].Line != 4 || pg.Keys["databaseName"].Line != 17 {
		t.Errorf("postgres meta = %+v", pg.Meta)
	}
	if pg.EnvVars != nil {
		t.Errorf("postgres EnvVars = %v", pg.EnvVars)
	}
	if prod.Redis["cache"].DatabasePassword != "r3dis" {
		t.Errorf("redis password from the process env = %q", prod.Redis["cache"].DatabasePassword)
	}
	if l := prod.LibSQL["edge"]; *l.SqldNode != "replica" || *l.SqldPrimaryURL != "http://primary:8080" {
		t.Errorf("libsql = %+v", l)
	}
}

func TestUnsetVariables(t *testing.T) {
	src := `
apiVersion: dokploy-sync/v1
projects:
  shop:
    description: "${WHO} shop"
    environments:
      production:
        mysql:
          db:
            dockerImage: mysql:8
            databaseName: shop
            databaseUser: shop
            databasePassword: "${DB_PASS}"
            databaseRootPassword: "${ROOT_PASS}"
        applications:
          api:
            source: {docker: {image: nginx, password: "${REGISTRY_TOKEN}"}}
            env:
              DATABASE_URL: mysql://shop:${DB_PASS}@db/shop
              OK: fine
            envFile: ["${ENV_DIR}/api.env"]
`
	f, ds := loadString(t, src)
	want := []string{
		`warning: dokploy.yaml:4:18: shop: description: ${WHO} is not set; fields that use it are shown as unknown`,
		`warning: dokploy.yaml:12:31: shop/production/mysql/db: databasePassword: ${DB_PASS} is not set; fields that use it are shown as unknown`,
		`warning: dokploy.yaml:13:35: shop/production/mysql/db: databaseRootPassword: ${ROOT_PASS} is not set; fields that use it are shown as unknown`,
		`warning: dokploy.yaml:16:55: shop/production/application/api: source.docker.password: ${REGISTRY_TOKEN} is not set; fields that use it are shown as unknown`,
		`warning: dokploy.yaml:20:23: shop/production/application/api: envFile: ${ENV_DIR} is not set; fields that use it are shown as unknown`,
	}
	if got := diagStrings(ds); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ds.HasErrors() {
		t.Errorf("unset variables must only warn")
	}
	if got := f.UnsetVars(); !reflect.DeepEqual(got, []string{"DB_PASS", "ENV_DIR", "REGISTRY_TOKEN", "ROOT_PASS", "WHO"}) {
		t.Errorf("UnsetVars = %v", got)
	}
	shop := f.Projects["shop"]
	if *shop.Description != "${WHO} shop" || !reflect.DeepEqual(shop.Unknown, map[string]string{"description": "WHO"}) {
		t.Errorf("project: %q %v", *shop.Description, shop.Unknown)
	}
	db := shop.Environments["production"].MySQL["db"]
	if db.DatabasePassword != "${DB_PASS}" || !reflect.DeepEqual(db.Unknown, map[string]string{"databasePassword": "DB_PASS", "databaseRootPassword": "ROOT_PASS"}) {
		t.Errorf("mysql: %v", db.Unknown)
	}
	api := shop.Environments["production"].Applications["api"]
	wantUnknown := map[string]string{"source.docker.password": "REGISTRY_TOKEN", "env.DATABASE_URL": "DB_PASS", "envFile": "ENV_DIR"}
	if !reflect.DeepEqual(api.Unknown, wantUnknown) {
		t.Errorf("api Unknown = %v", api.Unknown)
	}
	// The env file whose path is unknown is not read; the inline env is there.
	if !reflect.DeepEqual(api.EnvVars, map[string]string{"DATABASE_URL": "mysql://shop:${DB_PASS}@db/shop", "OK": "fine"}) {
		t.Errorf("api EnvVars = %v", api.EnvVars)
	}
	if f.UnsetVars()[0] = "changed"; f.UnsetVars()[0] != "DB_PASS" {
		t.Errorf("UnsetVars must return a copy")
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	spec := "apiVersion: dokploy-sync/v1\r\nprojects:\r\n  shop:\r\n    envFile: app.env\r\n    description: |\r\n      line one\r\n      line two\r\n"
	writeFiles(t, dir, map[string]string{"dokploy.yaml": "\xef\xbb\xbf" + spec, "app.env": "A=1\r\n"})

	t.Run("file with CRLF and BOM", func(t *testing.T) {
		f, ds := Load(filepath.Join(dir, "dokploy.yaml"), Options{})
		if len(ds) != 0 {
			t.Fatalf("diagnostics: %s", ds)
		}
		if d := *f.Projects["shop"].Description; d != "line one\nline two\n" {
			t.Errorf("description = %q", d)
		}
		if e := f.Projects["shop"].EnvVars; e["A"] != "1" {
			t.Errorf("EnvVars = %v", e)
		}
	})
	t.Run("stdin", func(t *testing.T) {
		t.Chdir(dir)
		f, ds := Load("-", Options{Stdin: strings.NewReader(spec + "    bogus: 1\r\n")})
		want := `<stdin>:8:5: shop: unknown field "bogus"; expected one of: description, env, envFile, environments, protect, deleteVolumes`
		if got := ds.String(); got != "error: "+want+"\n" {
			t.Errorf("got %q, want %q", got, want)
		}
		if f == nil || f.Path != StdinName || f.Projects["shop"].EnvVars["A"] != "1" {
			t.Errorf("stdin file = %+v", f)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		f, ds := Load(filepath.Join(dir, "nope.yaml"), Options{})
		want := "error: " + filepath.Join(dir, "nope.yaml") + ": cannot read the spec: no such file or directory\n"
		if f != nil || ds.String() != want {
			t.Errorf("got %v %q", f, ds.String())
		}
	})
	t.Run("relative envFile in messages", func(t *testing.T) {
		t.Chdir(dir)
		writeFiles(t, dir, map[string]string{"sub/dokploy.yaml": "apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    envFile: env/none.env\n"})
		_, ds := Load("sub/dokploy.yaml", Options{})
		want := `error: sub/dokploy.yaml:4:14: shop: envFile "env/none.env": file sub/env/none.env not found (envFile paths are relative to the directory of the spec file)` + "\n"
		if ds.String() != want {
			t.Errorf("got %q\nwant %q", ds.String(), want)
		}
	})
}

func TestProcessEnvIsTheDefault(t *testing.T) {
	t.Setenv("DOKPLOY_SYNC_TEST_DESC", "from the process")
	f, ds := LoadBytes("dokploy.yaml", []byte("apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    description: ${DOKPLOY_SYNC_TEST_DESC}\n"), ".", Options{})
	if len(ds) != 0 || *f.Projects["shop"].Description != "from the process" {
		t.Errorf("%v %q", ds, *f.Projects["shop"].Description)
	}
}

// TestSecretsStayOut checks that no diagnostic prints a password, whatever
// is wrong with it, nor the content of a broken env file.
func TestSecretsStayOut(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.env": "GOOD=1\nBAD-KEY=TopSecret1\nNEXT=TopSecret2\n",
		"b.env": "GOOD=1\nTOKEN=\"TopSecret3\nNEXT=TopSecret4\n",
	})
	src := `
apiVersion: dokploy-sync/v1
projects:
  shop:
    envFile: [a.env, b.env]
    environments:
      production:
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: "TopSecret5 with spaces"
        mysql:
          my:
            dockerImage: mysql:8
            databaseName: shop
            databaseUser: shop
            databasePassword: "${PW}"
            databaseRootPassword: "TopSecret6/"
`
	_, ds := LoadBytes("dokploy.yaml", []byte(yamlSrc(src)), dir, Options{
		Vars:      map[string]string{"PW": "TopSecret7 ?"},
		LookupEnv: func(string) (string, bool) { return "", false },
	})
	if len(ds.Errors()) != 5 {
		t.Errorf("want 5 errors, got:\n%s", ds)
	}
	if strings.Contains(ds.String(), "TopSecret") {
		t.Errorf("a secret leaked:\n%s", ds)
	}
}

func TestValidateHandBuilt(t *testing.T) {
	neg, big := -1, 70000
	f := &File{
		APIVersion: APIVersion,
		Projects: map[string]*Project{"shop": {Environments: map[string]*Environment{"production": {
			Applications: map[string]*Application{"api": {Replicas: &neg}},
			Redis:        map[string]*Redis{"r": {DatabaseCommon: DatabaseCommon{ExternalPort: &big}}},
		}}}},
	}
	want := "error: shop/production/application/api: replicas: must be >= 0, got -1\n" +
		"error: shop/production/redis/r: externalPort: must be a port between 1 and 65535, got 70000\n"
	if got := Validate(f).String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := Validate(&File{}).String(); got != `error: apiVersion: must be "dokploy-sync/v1", got ""`+"\n" {
		t.Errorf("empty File: %q", got)
	}
}

func TestDiagnosticString(t *testing.T) {
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos: Position{"dokploy.yaml", 12, 7}, Address: "shop/production/application/api", Message: "replicas: must be >= 0, got -1"},
			"dokploy.yaml:12:7: shop/production/application/api: replicas: must be >= 0, got -1"},
		{Diagnostic{Pos: Position{File: "dokploy.yaml"}, Message: "empty file"}, "dokploy.yaml: empty file"},
		{Diagnostic{Address: "shop", Message: "m"}, "shop: m"},
		{Diagnostic{Message: "m"}, "m"},
		{Diagnostic{Severity: Warning, Pos: Position{"f", 1, 2}, Address: "shop", Message: "m"}, "f:1:2: shop: m"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	ds := Diagnostics{{Severity: Warning, Message: "w"}, {Message: "e"}}
	if !ds.HasErrors() || len(ds.Errors()) != 1 || len(ds.Warnings()) != 1 || ds.Warnings()[0].Message != "w" {
		t.Errorf("filters are wrong: %v", ds)
	}
	if ds.Warnings().HasErrors() {
		t.Errorf("warnings have no errors")
	}
	if Error.String() != "error" || Warning.String() != "warning" {
		t.Errorf("Severity.String")
	}
	if got := ds.String(); got != "warning: w\nerror: e\n" {
		t.Errorf("Diagnostics.String() = %q", got)
	}
}
