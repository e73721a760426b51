package export

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joho/godotenv"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

func ptr[T any](v T) *T { return &v }

// rows are live items as the API answers them (a JSON list).
func rows(t *testing.T, list string) []dokploy.Row {
	t.Helper()
	var out []dokploy.Row
	if err := json.Unmarshal([]byte(list), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// database is a live database of kind as its <kind>.one answers it.
func database(t *testing.T, kind, answer string) *dokploy.Database {
	t.Helper()
	d := &dokploy.Database{Kind: kind}
	if err := json.Unmarshal([]byte(answer), d); err != nil {
		t.Fatal(err)
	}
	return d
}

// liveOf is a live state of one project "p" whose default environment
// holds the given services.
func liveOf(apps []*dokploy.Application, dbs []*dokploy.Database, composes []*dokploy.Compose) *dokploy.Live {
	return &dokploy.Live{Version: "v0.30.2", Projects: map[string][]*dokploy.Project{"p": {{
		ProjectID: "p1", Name: "p",
		Environments: []*dokploy.Environment{{EnvironmentID: "e1", Name: "production", IsDefault: true,
			Description: ptr(defaultEnvironmentDescription), Applications: apps, Databases: dbs, Compose: composes}},
	}}}}
}

// roundTrip exports live to a temporary directory and checks that the spec
// loads without diagnostics and plans to no changes against live.
func roundTrip(t *testing.T, live *dokploy.Live, opts Options) *Result {
	t.Helper()
	res, err := Build(live, opts)
	if err != nil {
		t.Fatalf("Build: %v %q", err, res.Warnings)
	}
	path := filepath.Join(t.TempDir(), "dokploy.yaml")
	if err := Write(res, path, false, opts.IncludeSecrets); err != nil {
		t.Fatal(err)
	}
	c, err := Verify(res, path, live, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Diagnostics) > 0 || len(c.Changes) > 0 {
		t.Fatalf("does not round-trip:\n%s%s\n%s", c.Diagnostics, strings.Join(c.Changes, "\n"), res.YAML)
	}
	return res
}

// freshApplication is an application as application.create leaves it
// (capture 016).
func freshApplication(name string) *dokploy.Application {
	return &dokploy.Application{
		ApplicationID: "id-" + name, Name: name, AppName: name + "-abc123", SourceType: "github",
		Replicas: ptr(1), BuildType: ptr("nixpacks"), Dockerfile: ptr("Dockerfile"), RailpackVersion: ptr("0.15.4"),
		HerokuVersion: ptr("24"), BuildPath: ptr("/"), GithubColumns: dokploy.GithubColumns{TriggerType: ptr("push")}, GitlabBuildPath: ptr("/"),
		GiteaBuildPath: ptr("/"), BitbucketBuildPath: ptr("/"), GitSource: dokploy.GitSource{EnableSubmodules: ptr(false)},
	}
}

func TestDefaultsAreLeftOut(t *testing.T) {
	a := freshApplication("api")
	a.Items = dokploy.Items{
		"domain": rows(t, `[{"domainId": "d1", "host": "api.example.com", "path": "/", "port": 3000, "https": false,
			"certificateType": "none", "stripPath": false, "internalPath": "/"}]`),
		"port":     rows(t, `[{"portId": "o1", "publishedPort": 8080, "targetPort": 80, "protocol": "tcp", "publishMode": "ingress"}]`),
		"redirect": {{"redirectId": "r1", "regex": "^/a$", "replacement": "/b", "permanent": true}},
	}
	c := &dokploy.Compose{ComposeID: "c1", Name: "stack", AppName: "stack-abc123", SourceType: "raw", ComposeType: "docker-compose",
		ComposeFile: ptr("services:\n  web:\n    image: nginx\n"), ComposePath: ptr("./docker-compose.yml"), Command: ptr(""),
		Randomize: ptr(false), IsolatedDeployment: ptr(false), GithubColumns: dokploy.GithubColumns{TriggerType: ptr("push")}}
	// Its data volume is Dokploy's: never exported.
	db := database(t, "libsql", `{"libsqlId": "l1", "name": "edge", "appName": "edge-abc123", "dockerImage": "libsql:1",
		"databaseUser": "u", "databasePassword": "Password123", "sqldNode": "primary", "enableNamespaces": false,
		"mounts": [{"mountId": "m1", "type": "volume", "volumeName": "edge-abc123-data", "mountPath": "/var/lib/sqld"}]}`)
	res := roundTrip(t, liveOf([]*dokploy.Application{a}, []*dokploy.Database{db}, []*dokploy.Compose{c}), Options{})
	want := `projects:
  p:
    environments:
      production:
        applications:
          api:
            domains:
              - host: api.example.com
            ports:
              - publishedPort: 8080
                targetPort: 80
            redirects:
              - regex: ^/a$
                replacement: /b
                permanent: true
        libsql:
          edge:
            dockerImage: libsql:1
            databaseUser: u
            databasePassword: ${P_PRODUCTION_LIBSQL_EDGE_PASSWORD}
        compose:
          stack:
            composeFile: |
              services:
                web:
                  image: nginx
`
	if !strings.HasSuffix(string(res.YAML), want) {
		t.Errorf("got\n%s\nwant it to end with\n%s", res.YAML, want)
	}
}

// TestChildrenInOrder: the children of a service are listed by identity,
// ports by number; a mount writes the fields of its type only; a compose
// service's domain without a service name is left out, with a warning;
// database mounts come where the spec lists them (after externalPort).
func TestChildrenInOrder(t *testing.T) {
	a := freshApplication("api")
	a.SourceType, a.DockerImage = "docker", ptr("nginx:1.27")
	a.Items = dokploy.Items{
		"port": rows(t, `[{"portId": "o1", "publishedPort": 10000, "targetPort": 80, "protocol": "tcp"},
			{"portId": "o2", "publishedPort": 9000, "targetPort": 90, "protocol": "udp"},
			{"portId": "o3", "publishedPort": 9000, "targetPort": 91, "protocol": "tcp"}]`),
		"mount": rows(t, `[{"mountId": "m1", "type": "bind", "mountPath": "/srv", "hostPath": "/srv/x", "volumeName": "stale", "content": ""}]`),
	}
	c := &dokploy.Compose{ComposeID: "c1", Name: "mon", AppName: "mon-x", SourceType: "raw", ComposeFile: ptr("services:\n  web:\n    image: nginx\n"),
		Randomize: ptr(true), Items: dokploy.Items{"domain": rows(t, `[{"domainId": "d1", "host": "a.example.com", "serviceName": ""},
			{"domainId": "d2", "host": "b.example.com", "serviceName": "web"}]`)}}
	db := database(t, "redis", `{"redisId": "r1", "name": "cache", "appName": "cache-x", "dockerImage": "redis:7", "databasePassword": "Password123",
		"externalPort": 6380, "mounts": [{"mountId": "m9", "type": "bind", "mountPath": "/bk", "hostPath": "/srv/bk"}]}`)
	res := roundTrip(t, liveOf([]*dokploy.Application{a}, []*dokploy.Database{db}, []*dokploy.Compose{c}), Options{})
	y := string(res.YAML)
	for _, want := range []string{
		"            ports:\n              - publishedPort: 9000\n                targetPort: 91\n              - publishedPort: 9000\n                targetPort: 90\n                protocol: udp\n              - publishedPort: 10000\n",
		"            mounts:\n              - type: bind\n                mountPath: /srv\n                hostPath: /srv/x\n        redis:",
		"            externalPort: 6380\n            mounts:\n              - type: bind\n                mountPath: /bk\n                hostPath: /srv/bk\n            databasePassword: ${",
		"            domains:\n              - host: b.example.com\n                serviceName: web\n            randomize: true\n",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("no\n%s\nin\n%s", want, y)
		}
	}
	if w := "p/production/compose/mon: the domain a.example.com has no service name, which dokploy.yaml requires for a compose service's domain; it is not exported"; !containsPrefix(res.Warnings, w) {
		t.Errorf("no warning %q in %q", w, res.Warnings)
	}
}

// TestProviderSources maps every git provider's columns (the fake has no
// providers, so they are built by hand) and plans them back to no changes.
func TestProviderSources(t *testing.T) {
	gh := freshApplication("gh")
	gh.GithubID, gh.Owner, gh.Repository, gh.Branch = ptr("ghp-1"), ptr("acme"), ptr("api"), ptr("main")
	gh.BuildPath, gh.TriggerType, gh.WatchPaths = ptr("/services/api"), ptr("tag"), []string{"services/api/**"}
	gl := freshApplication("gl")
	gl.SourceType = "gitlab"
	gl.GitlabID, gl.GitlabOwner, gl.GitlabRepository, gl.GitlabBranch = ptr("glp-1"), ptr("acme"), ptr("api"), ptr("develop")
	gl.GitlabProjectID, gl.GitlabPathNamespace, gl.EnableSubmodules = ptr(42), ptr("acme/api"), ptr(true)
	bb := freshApplication("bb")
	bb.SourceType = "bitbucket"
	bb.BitbucketID, bb.BitbucketOwner, bb.BitbucketRepository, bb.BitbucketBranch = ptr("bbp-1"), ptr("acme"), ptr("api"), ptr("main")
	bb.BitbucketRepositorySlug, bb.BitbucketBuildPath = ptr("acme-api"), ptr("/app")
	gt := freshApplication("gt")
	gt.SourceType = "gitea"
	gt.GiteaID, gt.GiteaOwner, gt.GiteaRepository, gt.GiteaBranch = ptr("gtp-1"), ptr("acme"), ptr("api"), ptr("main")
	gt.BuildType, gt.RailpackVersion = ptr("railpack"), ptr("0.16.0")
	half := freshApplication("half")
	half.Repository = ptr("api") // a github source without provider, owner, branch
	drop := freshApplication("drop")
	drop.SourceType = "drop"
	drop.BuildType, drop.PublishDirectory, drop.IsStaticSpa = ptr("static"), ptr("dist"), ptr(true)
	cgl := &dokploy.Compose{ComposeID: "c1", Name: "cgl", AppName: "cgl-abc123", SourceType: "gitlab", ComposeType: "stack",
		GitlabColumns: dokploy.GitlabColumns{GitlabID: ptr("glp-1"), GitlabOwner: ptr("acme"), GitlabRepository: ptr("infra"),
			GitlabBranch: ptr("main"), GitlabProjectID: ptr(7)}, ComposePath: ptr("./stack.yml")}
	cnone := &dokploy.Compose{ComposeID: "c2", Name: "cnone", AppName: "cnone-abc123", SourceType: "github", ComposeFile: ptr("")}
	res := roundTrip(t, liveOf([]*dokploy.Application{gh, gl, bb, gt, half, drop}, nil, []*dokploy.Compose{cgl, cnone}), Options{})
	y := string(res.YAML)
	for _, want := range []string{
		"          gh:\n            source:\n              github:\n                providerId: ghp-1\n                owner: acme\n                repository: api\n                branch: main\n                buildPath: /services/api\n                watchPaths:\n                  - services/api/**\n                triggerType: tag\n",
		"              gitlab:\n                providerId: glp-1\n                owner: acme\n                repository: api\n                branch: develop\n                submodules: true\n                projectId: 42\n                pathNamespace: acme/api\n",
		"              bitbucket:\n                providerId: bbp-1\n                owner: acme\n                repository: api\n                branch: main\n                buildPath: /app\n                repositorySlug: acme-api\n",
		"              gitea:\n                providerId: gtp-1\n                owner: acme\n                repository: api\n                branch: main\n            build:\n              type: railpack\n              railpackVersion: 0.16.0\n",
		"          drop:\n            build:\n              type: static\n              publishDirectory: dist\n              isStaticSpa: true\n",
		"          half: {}\n",
		"          cgl:\n            composeType: stack\n            source:\n              gitlab:\n                providerId: glp-1\n                owner: acme\n                repository: infra\n                branch: main\n                projectId: 7\n            composePath: ./stack.yml\n",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("the spec lacks\n%s\ngot\n%s", want, y)
		}
	}
	for _, w := range []string{
		"p/production/application/drop: the source is an uploaded archive (drop)",
		"p/production/application/half: the github source lacks providerId, owner, branch",
		"p/production/compose/cnone: it has no compose file and no source set up",
	} {
		if !containsPrefix(res.Warnings, w) {
			t.Errorf("no warning %q in %q", w, res.Warnings)
		}
	}
	if strings.Contains(y, "cnone") {
		t.Errorf("a compose service without file or source was exported")
	}
}

func TestDuplicatesAreSkipped(t *testing.T) {
	a1, a2 := freshApplication("api"), freshApplication("api")
	a2.ApplicationID = "id-api-2"
	ok := freshApplication("ok")
	ok.Items = dokploy.Items{"domain": rows(t, `[{"domainId": "d1", "host": "a.example.com"}, {"domainId": "d2", "host": "a.example.com", "path": "/"},
		{"domainId": "d3", "host": "b.example.com"}]`)}
	c1 := &dokploy.Compose{ComposeID: "c1", Name: "mon", SourceType: "raw", ComposeFile: ptr("a: 1\nb: 2\n")}
	c2 := &dokploy.Compose{ComposeID: "c2", Name: "mon", SourceType: "raw", ComposeFile: ptr("a: 1\nb: 2\n")}
	live := liveOf([]*dokploy.Application{a1, a2, ok}, nil, []*dokploy.Compose{c1, c2})
	p := live.Projects["p"][0]
	p.Environments = append(p.Environments,
		&dokploy.Environment{EnvironmentID: "e2", Name: "qa"}, &dokploy.Environment{EnvironmentID: "e3", Name: "qa"},
		&dokploy.Environment{EnvironmentID: "e4", Name: "production"})
	live.Projects["twice"] = []*dokploy.Project{{ProjectID: "t1", Name: "twice"}, {ProjectID: "t2", Name: "twice"}}
	res := roundTrip(t, live, Options{})
	for _, w := range []string{
		`p/production/application/api: 2 live applications are named "api" (ids id-api, id-api-2); export cannot choose and skips them`,
		`p/production/compose/mon: 2 live compose services are named "mon" (ids c1, c2)`,
		`p/qa: 2 live environments are named "qa" (ids e2, e3)`,
		`p/production: an environment that is not the default one is named production (id e4)`,
		`p/production/application/ok: 2 live domains are a.example.com (ids d1, d2)`,
		`twice: 2 live projects are named "twice" (ids t1, t2)`,
	} {
		if !containsPrefix(res.Warnings, w) {
			t.Errorf("no warning %q in\n%s", w, strings.Join(res.Warnings, "\n"))
		}
	}
	y := string(res.YAML)
	if strings.Contains(y, " api:") || strings.Contains(y, "mon:") || strings.Contains(y, "qa:") || strings.Contains(y, "twice") ||
		strings.Contains(y, "a.example.com") || !strings.Contains(y, "b.example.com") {
		t.Errorf("duplicates exported or the rest not:\n%s", y)
	}
}

func TestRenamedDefaultEnvironment(t *testing.T) {
	live := liveOf([]*dokploy.Application{freshApplication("api")}, nil, nil)
	e := live.Projects["p"][0].Environments[0]
	e.Name, e.Env = "prod", "A=1"
	res := roundTrip(t, live, Options{})
	if !strings.Contains(string(res.YAML), "    environments:\n      production:\n") {
		t.Errorf("the default environment is not production:\n%s", res.YAML)
	}
	if !containsPrefix(res.Warnings, `p/production: the default environment is named "prod" in Dokploy`) {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestCrossReferences(t *testing.T) {
	ix := newRefIndex()
	api := target{"shop", "production", "application", "api"}
	db := target{"shop", "production", "postgres", "db"}
	other := target{"shop", "staging", "postgres", "db"}
	ix.add("shop-db-abc123", db)
	ix.add("stg-db-xyz789", other)
	ix.add("shop-db-abc123-replica", target{"shop", "production", "postgres", "replica"})
	ix.add("twin-app-aaa111", target{"shop", "production", "application", "a"})
	ix.add("twin-app-aaa111", target{"shop", "production", "application", "b"})
	ix.add("short1", target{"shop", "production", "redis", "s"})
	ix.add("slash-app-bbb222", target{"shop", "production", "application", "a/b"})
	ix.password("DbPassword99", "SHOP_PRODUCTION_POSTGRES_DB_PASSWORD")
	ix.sort()
	for _, tc := range []struct {
		value, want string
		ok          bool
	}{
		{"shop-db-abc123", "${ref:postgres/db.appName}", true},
		{"postgresql://u:DbPassword99@shop-db-abc123:5432/d", "postgresql://u:${SHOP_PRODUCTION_POSTGRES_DB_PASSWORD}@${ref:postgres/db.appName}:5432/d", true},
		{"host=shop-db-abc123 password=DbPassword99", "host=${ref:postgres/db.appName} password=${SHOP_PRODUCTION_POSTGRES_DB_PASSWORD}", true},
		{"stg-db-xyz789:5432", "${ref:shop/staging/postgres/db.appName}:5432", true},
		{"shop-db-abc123-replica", "${ref:postgres/replica.appName}", true}, // the longer name, not its prefix
		{"http://shop-db-abc123:1/${HOME}", "http://${ref:postgres/db.appName}:1/$${HOME}", true},
		{"postgresql://u:unknown@shop-db-abc123:5432/d", "", false}, // a password that is no database's
		{"xshop-db-abc123", "", false}, // part of a longer name
		{"shop-db-abc1234", "", false},
		{"shop-db-abc123.internal", "", false},
		{"twin-app-aaa111", "", false}, // two services have this appName
		{"short1", "", false},          // too short to match safely
		{"slash-app-bbb222", "", false},
		{"$shop-db-abc123", "", false}, // "$${ref:" would be a literal "${ref:"
		{"no reference here", "", false},
	} {
		got, ok := ix.rewriteEnv(api, tc.value)
		if got != tc.want || ok != tc.ok {
			t.Errorf("rewriteEnv(%q) = %q, %v; want %q, %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := ix.rewriteEnv(db, "shop-db-abc123"); ok {
		t.Errorf("a service references itself")
	}
	if got, ok := ix.rewriteInline(api, "psql -h shop-db-abc123 -W DbPassword99"); !ok || got != "psql -h ${ref:postgres/db.appName} -W ${SHOP_PRODUCTION_POSTGRES_DB_PASSWORD}" {
		t.Errorf("rewriteInline: %q %v", got, ok)
	}
}

func TestVarNamesAreUnique(t *testing.T) {
	v := varNames{}
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"shop", "production", "postgres", "shop-db", "PASSWORD"}, "SHOP_PRODUCTION_POSTGRES_SHOP_DB_PASSWORD"},
		{[]string{"shop", "production", "postgres", "shop_db", "PASSWORD"}, "SHOP_PRODUCTION_POSTGRES_SHOP_DB_PASSWORD_2"},
		{[]string{"shop", "production", "postgres", "Shop DB", "PASSWORD"}, "SHOP_PRODUCTION_POSTGRES_SHOP_DB_PASSWORD_3"},
		{[]string{"1st", "production", "redis", "cache", "PASSWORD"}, "_1ST_PRODUCTION_REDIS_CACHE_PASSWORD"},
		{[]string{"café", "prod", "application", "a", "ENV", "my-key"}, "CAF_PROD_APPLICATION_A_ENV_MY_KEY"},
		{[]string{"—"}, "SECRET"},
		{[]string{"!!"}, "SECRET_2"},
	} {
		if got := v.name(tc.parts...); got != tc.want {
			t.Errorf("name(%q) = %s, want %s", tc.parts, got, tc.want)
		}
	}
}

func TestFileNamesAreUnique(t *testing.T) {
	f := fileNames{}
	for _, tc := range []struct{ dir, base, ext, want string }{
		{"env", "shop", "", "env/shop"},
		{"env/shop", "project", ".env", "env/shop/project.env"},
		{"env/shop", "project.env", "", "env/shop/project.env-2"},
		{"env/shop", "../etc", "", "env/shop/_etc"},
		{"env/shop", "A B", ".env", "env/shop/A_B.env"},
		{"env/shop", "a_b", ".env", "env/shop/a_b-2.env"},
		{"env", "", "", "env/_"},
	} {
		if got := f.name(tc.dir, tc.base, tc.ext); got != tc.want {
			t.Errorf("name(%q, %q, %q) = %s, want %s", tc.dir, tc.base, tc.ext, got, tc.want)
		}
	}
}

// TestEscapeReadsBack checks escape against spec's own interpolation.
func TestEscapeReadsBack(t *testing.T) {
	for _, s := range []string{
		"plain", "${HOME}", "$${HOME}", "$$${HOME}", "${{project.X}}", "$${{project.X}}", "a${{b}}c${d}", "${{unterminated",
		"${", "$", "$$", "{}", "x$", "${ 1}", "${{a}}${{b}}", "$${{", "${{}}", "echo $HOME ${1}",
	} {
		src := "apiVersion: dokploy-sync/v1\nprojects:\n  p:\n    description: " + strconvQuote(escape(s)) + "\n"
		f, diags := spec.LoadBytes("t.yaml", []byte(src), t.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
		if diags.HasErrors() || len(f.UnsetVars()) > 0 {
			t.Errorf("%q: escaped %q: %s", s, escape(s), diags)
			continue
		}
		if got := *f.Projects["p"].Description; got != s {
			t.Errorf("%q: escaped %q reads back as %q", s, escape(s), got)
		}
	}
}

func strconvQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// TestEnvLines checks the dotenv lines against godotenv (what spec.Load
// uses) and Dokploy's parser.
func TestEnvLines(t *testing.T) {
	for _, tc := range []struct {
		value      string
		dokployToo bool
	}{
		{"plain", true}, {"", true}, {"with space", true}, {"  padded  ", true}, {"#first", true}, {"a #b", true},
		{"a$HOME", true}, {"${HOME}", true}, {"${{project.X}}", true}, {`back\slash`, true}, {`\$x`, true},
		{"multi\nline", true}, {"multi\nline with 'single'", true}, {"it's", true}, {`say "hi"`, true},
		{"both 'a' and \"b\" and `c`\nand a line", false}, {"cr\rhere", true}, {"crlf\r\nhere", true},
		{"'quoted'", true}, {`"dq"`, true}, {"`bt`", true}, {"ends with\\", true}, {"tab\there", true},
		{"unicode é ✓", true}, {"= equals =", true}, {"a: b", true},
	} {
		line, dokployToo, ok := envLine("KEY", tc.value)
		if !ok {
			t.Errorf("%q: no line", tc.value)
			continue
		}
		if m, err := godotenv.Unmarshal(line); err != nil || m["KEY"] != tc.value {
			t.Errorf("%q: line %q reads back through godotenv as %q (%v)", tc.value, line, m["KEY"], err)
		}
		if dokployToo != tc.dokployToo {
			t.Errorf("%q: line %q: Dokploy reads it back too: %v, want %v", tc.value, line, dokployToo, tc.dokployToo)
		}
		if dokployToo {
			if m := dokploy.ParseEnv(&line); m["KEY"] != tc.value {
				t.Errorf("%q: line %q reads back through Dokploy as %q", tc.value, line, m["KEY"])
			}
		}
	}
	if _, _, ok := envLine("my-key", "x"); ok {
		t.Errorf("a key with - in an env file")
	}
	if _, _, ok := envLine("KEY", "multi\nline\\"); ok {
		t.Errorf("a multi-line value ending in a backslash has a line")
	}
}

// TestEnvThatCannotBeWritten: env stays unmanaged, with a warning, when a
// key or a value cannot be written.
func TestEnvThatCannotBeWritten(t *testing.T) {
	bad := freshApplication("bad")
	bad.Env = ptr("GOOD=1\n1BAD=2")
	worse := freshApplication("worse")
	worse.Env = ptr(`A="x\ny\"` + "\n")
	live := liveOf([]*dokploy.Application{bad, worse}, nil, nil)
	if m := dokploy.ParseEnv(worse.Env); !strings.HasSuffix(m["A"], `\`) || !strings.Contains(m["A"], "\n") {
		t.Fatalf("test value: %q", m["A"])
	}
	res := roundTrip(t, live, Options{})
	if strings.Contains(string(res.YAML), "env:") || strings.Contains(string(res.YAML), "envFile:") {
		t.Errorf("env exported:\n%s", res.YAML)
	}
	for _, w := range []string{
		`p/production/application/bad: env has the key "1BAD"`,
		`p/production/application/worse: the env value of A cannot be written`,
	} {
		if !containsPrefix(res.Warnings, w) {
			t.Errorf("no warning %q in %q", w, res.Warnings)
		}
	}
}

// TestSpecialValuesRoundTrip writes awkward values in every kind of field.
func TestSpecialValuesRoundTrip(t *testing.T) {
	a := freshApplication("api")
	a.SourceType, a.DockerImage = "docker", ptr("nginx:1.27")
	a.Description = ptr("costs $5, ${not a var} and ${{project.X}}\nsecond line")
	a.Command = ptr("sh -c 'echo ${HOME} # $$'")
	a.Env = ptr("Y=$${x}\nZ=${x}")
	a.BuildArgs = ptr("ARG=${HOME}")
	a.Items = dokploy.Items{"mount": rows(t, `[
		{"mountId": "m1", "type": "file", "mountPath": "/a", "filePath": "a", "content": "${ref:x.y}\n"},
		{"mountId": "m2", "type": "file", "mountPath": "/b", "filePath": "b", "content": "one line, no newline"},
		{"mountId": "m3", "type": "file", "mountPath": "/c", "filePath": "c", "content": ""}]`)}
	c := &dokploy.Compose{ComposeID: "c1", Name: "one-line", SourceType: "raw", ComposeFile: ptr("services: {web: {image: nginx}}")}
	c2 := &dokploy.Compose{ComposeID: "c2", Name: "spaces", SourceType: "raw", ComposeFile: ptr("services:   \n  web: {image: nginx}\n")}
	b := freshApplication("b")
	b.Env = ptr("X=${ref:application/api.appName}")
	b.BuildArgs = ptr("X=${ref:application/api.appName}")
	res := roundTrip(t, liveOf([]*dokploy.Application{a, b}, nil, []*dokploy.Compose{c, c2}), Options{})
	for _, w := range []string{
		`p/production/application/b: the env value of X contains "${ref:"`,
		`p/production/application/b: the buildArgs value of X contains "${ref:"`,
	} {
		if !containsPrefix(res.Warnings, w) {
			t.Errorf("no warning %q in %q", w, res.Warnings)
		}
	}
	for _, f := range []string{"files/p/production/application-api/a", "compose/p/production/one-line.yml", "compose/p/production/spaces.yml"} {
		found := false
		for _, x := range res.Files {
			found = found || x.Path == f
		}
		if !found {
			t.Errorf("%s not written; files %v", f, res.Files)
		}
	}
}

func TestURLPasswords(t *testing.T) {
	a := freshApplication("api")
	a.SourceType, a.CustomGitURL, a.CustomGitBranch = "git", ptr("https://oauth2:glpat-Secret123@gitlab.example.com/acme/api.git"), ptr("main")
	db := &dokploy.Database{Kind: "libsql", ID: "l1", Name: "replica", AppName: "replica-abc123", DockerImage: ptr("libsql:1"),
		DatabaseUser: ptr("u"), DatabasePassword: ptr("Password123"), SqldNode: ptr("replica"), SqldPrimaryURL: ptr("http://u:PrimaryPw1@primary.example.com:8080")}
	res := roundTrip(t, liveOf([]*dokploy.Application{a}, []*dokploy.Database{db}, nil), Options{})
	y := string(res.YAML)
	for _, want := range []string{
		"url: https://oauth2:${P_PRODUCTION_APPLICATION_API_GIT_URL_PASSWORD}@gitlab.example.com/acme/api.git",
		"sqldNode: replica\n            sqldPrimaryUrl: http://u:${P_PRODUCTION_LIBSQL_REPLICA_PRIMARY_URL_PASSWORD}@primary.example.com:8080",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("no %q in\n%s", want, y)
		}
	}
	if res.Vars["P_PRODUCTION_APPLICATION_API_GIT_URL_PASSWORD"] != "glpat-Secret123" || strings.Contains(y, "Secret123") || strings.Contains(y, "PrimaryPw1") {
		t.Errorf("vars %v\n%s", res.Vars, y)
	}
}

// A token as the URL's user (https://TOKEN@github.com/...) is a secret
// too: it goes to secrets.env, never into the spec.
func TestURLTokens(t *testing.T) {
	a := freshApplication("api")
	a.SourceType, a.CustomGitURL, a.CustomGitBranch = "git", ptr("https://ghp_Token123456@github.com/acme/api.git"), ptr("main")
	res := roundTrip(t, liveOf([]*dokploy.Application{a}, nil, nil), Options{})
	y := string(res.YAML)
	if !strings.Contains(y, "url: https://${P_PRODUCTION_APPLICATION_API_GIT_URL_PASSWORD}@github.com/acme/api.git") ||
		strings.Contains(y, "ghp_Token123456") || res.Vars["P_PRODUCTION_APPLICATION_API_GIT_URL_PASSWORD"] != "ghp_Token123456" {
		t.Errorf("vars %v\n%s", res.Vars, y)
	}
}

// Secrets a server hides behind its placeholder are never exported: an env
// is left unmanaged, a password becomes a ${VAR} to fill in by hand.
func TestRedactedSecretsAreNotExported(t *testing.T) {
	a := freshApplication("api")
	a.SourceType, a.DockerImage, a.Password, a.Username = "docker", ptr("ghcr.io/acme/api:1"), ptr("__DOKPLOY_REDACTED_SECRET__"), ptr("robot")
	a.Env = ptr("__DOKPLOY_REDACTED_SECRET__")
	res, err := Build(liveOf([]*dokploy.Application{a}, nil, nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	if strings.Contains(y, "REDACTED") || !strings.Contains(y, "password: ${P_PRODUCTION_APPLICATION_API_REGISTRY_PASSWORD}") {
		t.Errorf("spec:\n%s", y)
	}
	for _, f := range res.Files {
		if strings.Contains(string(f.Data), "REDACTED") {
			t.Errorf("%s holds the placeholder:\n%s", f.Path, f.Data)
		}
	}
	for _, w := range []string{"the server hides env", "set P_PRODUCTION_APPLICATION_API_REGISTRY_PASSWORD in secrets.env by hand"} {
		if !strings.Contains(strings.Join(res.Warnings, "\n"), w) {
			t.Errorf("no warning %q in %q", w, res.Warnings)
		}
	}
}

// TestSettingsInTheFilesUnits: settings are written in the file's units
// (30s for 30000000000 ns, 512Mi for 536870912 bytes, 0.5 for 500000000
// nano-CPUs) and camelCase keys, and plan back to no changes; a size that
// is not a byte count is left out with a warning.
func TestSettingsInTheFilesUnits(t *testing.T) {
	a := freshApplication("api")
	a.Items = dokploy.Items{"swarm": {{
		"healthCheckSwarm":     map[string]any{"Test": []any{"CMD", "true"}, "Interval": 30e9, "Retries": 3.0},
		"updateConfigSwarm":    map[string]any{"Parallelism": 1.0, "Order": "start-first", "MaxFailureRatio": 0.25, "Delay": 0.0},
		"modeSwarm":            map[string]any{"Global": map[string]any{}},
		"stopGracePeriodSwarm": 90e9,
	}}}
	db := &dokploy.Database{Kind: "redis", ID: "r1", Name: "cache", AppName: "cache-abc123", DockerImage: ptr("redis:7"),
		DatabasePassword: ptr("Password123"),
		Items: dokploy.Items{"databaseSettings": {{"memoryLimit": "536870912", "cpuLimit": "500000000", "memoryReservation": "lots",
			"args": []any{"--appendonly", "yes"}}}}}
	res := roundTrip(t, liveOf([]*dokploy.Application{a}, []*dokploy.Database{db}, nil), Options{})
	for _, want := range []string{
		"            swarm:\n              healthCheck:\n                test:\n                  - CMD\n                  - \"true\"\n                interval: 30s\n                retries: 3\n",
		"              updateConfig:\n                parallelism: 1\n                delay: 0s\n                maxFailureRatio: 0.25\n                order: start-first\n",
		"              mode:\n                global: {}\n              stopGracePeriod: 1m30s\n",
		"            resources:\n              memoryLimit: 512Mi\n              cpuLimit: 0.5\n            args:\n              - --appendonly\n              - \"yes\"\n",
	} {
		if !strings.Contains(string(res.YAML), want) {
			t.Errorf("the spec lacks\n%s\ngot\n%s", want, res.YAML)
		}
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), `resources.memoryReservation is "lots" in Dokploy, not a positive whole number of bytes`) {
		t.Errorf("no warning for a size that is not a byte count: %q", res.Warnings)
	}
}
