package spec

import (
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// servicesSpec uses every field of applications (every source kind, build,
// domains, ports, mounts, redirects, security, buildArgs, buildSecrets),
// compose services (inline, from a file, from git and a provider) and
// database mounts, with references relative and absolute.
const servicesSpec = `apiVersion: dokploy-sync/v1
projects:
  infra:
    environments:
      production:
        redis:
          cache: {dockerImage: "redis:7", databasePassword: "${REDIS_PASSWORD}", externalPort: 6380}
  shop:
    environments:
      production:
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: ${DB_PASSWORD}
            mounts:
              - {type: bind, mountPath: /backups, hostPath: /srv/backups}
        mysql:
          legacy:
            dockerImage: mysql:8
            databaseName: legacy
            databaseUser: legacy
            databasePassword: ${DB_PASSWORD}
            databaseRootPassword: ${DB_PASSWORD}
        applications:
          api:
            source:
              git:
                url: https://github.com/acme/api.git
                branch: release/1.4
                buildPath: /services/api
                sshKeyId: key-1
                submodules: true
                watchPaths: [services/api/**, "${WATCH}"]
            build:
              type: dockerfile
              dockerfile: Dockerfile.prod
              dockerContextPath: .
              dockerBuildStage: runtime
            buildArgs:
              NODE_VERSION: 22
              DB_HOST: ${ref:postgres/db.appName}
            buildSecrets:
              NPM_TOKEN: ${NPM_TOKEN}
              DB_PASSWORD: ${ref:postgres/db.databasePassword}
            command: wait-for ${ref:postgres/db.appName}:5432 -- node server.js
            env:
              DATABASE_URL: postgresql://${ref:postgres/db.databaseUser}:${DB_PASSWORD}@${ref:postgres/db.appName}:5432/${ref:postgres/db.databaseName}
              CACHE: redis://:${ref:infra/production/redis/cache.databasePassword}@${ref:infra/production/redis/cache.appName}:${ref:infra/production/redis/cache.externalPort}
              LEGACY_ROOT: ${ref:mysql/legacy.databaseRootPassword}
              LEGACY_IMAGE: ${ref:mysql/legacy.dockerImage}
              WORKER: http://${ref:compose/worker.appName}:8080
            domains:
              - host: api.shop.example.com
                path: /v1
                port: 8080
                https: true
                certificateType: letsencrypt
                stripPath: true
                internalPath: /
              - {host: api-internal.shop.example.com, https: true, certificateType: custom, customCertResolver: internal-ca}
            ports:
              - {publishedPort: 9090, targetPort: 9090}
              - {publishedPort: 9090, targetPort: 9091, protocol: udp, publishMode: host}
            mounts:
              - {type: volume, mountPath: /app/uploads, volumeName: shop-uploads}
              - {type: bind, mountPath: /app/logs, hostPath: /var/log/shop}
              - {type: file, mountPath: /app/config/features.json, filePath: features.json, contentFile: config/features.json}
              - type: file
                mountPath: /app/config/inline.conf
                content: |
                  level = ${LEVEL}
            redirects:
              - {regex: "^https://www\\.shop\\.example\\.com/(.*)", replacement: "https://shop.example.com/$${1}", permanent: true}
            security:
              - {username: admin, password: "${ADMIN_PASSWORD}"}
              - {username: ops, password: "${OPS_PASSWORD}"}
          gh:
            source:
              github: {providerId: gh-1, owner: acme, repository: gh, branch: main, buildPath: /, submodules: false, watchPaths: null, triggerType: tag}
            build: {type: nixpacks}
            domains: null
            ports: []
          gl:
            source:
              gitlab: {providerId: gl-1, owner: acme, repository: gl, branch: main, projectId: 42, pathNamespace: acme/gl}
            build: {type: static, publishDirectory: dist, isStaticSpa: true}
          bb:
            source:
              bitbucket: {providerId: bb-1, owner: acme, repository: bb, branch: main, repositorySlug: bb}
            build: {type: heroku_buildpacks, herokuVersion: "24"}
          gt:
            source:
              gitea: {providerId: gt-1, owner: acme, repository: gt, branch: "feature/x#1"}
            build: {type: railpack, railpackVersion: 0.15.4}
          pk:
            source: {docker: {image: "ghcr.io/acme/pk:1"}}
            mounts: ~
        compose:
          monitoring:
            composeType: stack
            composeFile: compose/monitoring.yml
            env:
              GF_PASSWORD: ${GRAFANA_PASSWORD}
            domains:
              - {host: grafana.shop.example.com, serviceName: grafana, port: 3000, https: true, certificateType: letsencrypt}
            mounts:
              - {type: file, mountPath: /etc/grafana/extra.ini, contentFile: config/extra.ini}
            randomize: false
            isolatedDeployment: true
          inline:
            composeFile: |
              services:
                web:
                  image: nginx:${NGINX_TAG}
                  environment:
                    TOKEN: $${TOKEN}
          worker:
            source:
              git: {url: "git@github.com:acme/worker.git", branch: main, watchPaths: [worker/**]}
            composePath: ./deploy/compose.yml
            command: ${ref:application/api.appName}
            env:
              API: http://${ref:application/api.appName}:3000
              CACHE_HOST: ${ref:infra/production/redis/cache.appName}
          provided:
            source:
              gitea: {providerId: gt-1, owner: acme, repository: provided, branch: main}
`

func loadServicesSpec(t *testing.T, vars map[string]string) (*File, Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"dokploy.yaml":           servicesSpec,
		"config/features.json":   "{\"checkout\": ${NOT_INTERPOLATED}}\n",
		"config/extra.ini":       "[server]\r\nroot = $${x}\r\n",
		"compose/monitoring.yml": "services:\n  grafana:\n    image: grafana/grafana:11\n    environment:\n      GF_SECURITY_ADMIN_PASSWORD: ${GF_PASSWORD}\n",
	})
	return Load(filepath.Join(dir, "dokploy.yaml"), Options{Vars: vars, LookupEnv: func(string) (string, bool) { return "", false }})
}

var servicesVars = map[string]string{
	"REDIS_PASSWORD": "r3dis", "DB_PASSWORD": "pg-Secret_1", "WATCH": "shared/**", "NPM_TOKEN": "npm-tok",
	"LEVEL": "debug", "ADMIN_PASSWORD": "adm1n", "OPS_PASSWORD": "0ps", "GRAFANA_PASSWORD": "gr4f", "NGINX_TAG": "1.27",
}

func TestLoadServices(t *testing.T) {
	f, ds := loadServicesSpec(t, servicesVars)
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics:\n%s", ds)
	}
	prod := f.Projects["shop"].Environments["production"]
	api := prod.Applications["api"]

	g := api.Source.Git
	if g.URL != "https://github.com/acme/api.git" || g.Branch != "release/1.4" || *g.BuildPath != "/services/api" ||
		*g.SSHKeyID != "key-1" || !*g.Submodules || !reflect.DeepEqual(g.WatchPaths, []string{"services/api/**", "shared/**"}) {
		t.Errorf("git = %+v", g)
	}
	if g.Pos.Line != 29 || g.Keys["watchPaths"].Line != 35 {
		t.Errorf("git meta = %+v", g.Meta)
	}
	if b := api.Build; b.Type != "dockerfile" || *b.Dockerfile != "Dockerfile.prod" || *b.DockerContextPath != "." || *b.DockerBuildStage != "runtime" || b.Keys["type"].Line != 37 {
		t.Errorf("build = %+v", b)
	}
	if !reflect.DeepEqual(api.BuildArgs, map[string]string{"NODE_VERSION": "22", "DB_HOST": "${ref:postgres/db.appName}"}) {
		t.Errorf("buildArgs = %v", api.BuildArgs)
	}
	if !reflect.DeepEqual(api.BuildSecrets, map[string]string{"NPM_TOKEN": "npm-tok", "DB_PASSWORD": "${ref:postgres/db.databasePassword}"}) {
		t.Errorf("buildSecrets = %v", api.BuildSecrets)
	}
	if want := "postgresql://${ref:postgres/db.databaseUser}:pg-Secret_1@${ref:postgres/db.appName}:5432/${ref:postgres/db.databaseName}"; api.EnvVars["DATABASE_URL"] != want {
		t.Errorf("DATABASE_URL = %q", api.EnvVars["DATABASE_URL"])
	}

	doms := api.Objects["domain"]
	if len(doms) != 2 {
		t.Fatalf("domains = %v", doms)
	}
	d := doms[0]
	if d.Str("host") != "api.shop.example.com" || d.Str("path") != "/v1" || d.Values["port"] != 8080 || d.Values["https"] != true || d.Str("certificateType") != "letsencrypt" ||
		d.Values["stripPath"] != true || d.Str("internalPath") != "/" || d.Set("serviceName") {
		t.Errorf("domain 0 = %+v", d)
	}
	// An item's Meta: Pos is the item, Keys its own keys.
	if d.Pos.Line != 55 || d.Pos.Col != 17 || d.Keys["port"].Line != 57 || len(d.Keys) != 7 {
		t.Errorf("domain 0 meta = %+v", d.Meta)
	}
	// The identity: host and path, the path left out when it is "/".
	if d.Name != "api.shop.example.com/v1" || doms[1].Name != "api-internal.shop.example.com" {
		t.Errorf("domain identities = %q, %q", d.Name, doms[1].Name)
	}
	if d := doms[1]; d.Str("customCertResolver") != "internal-ca" || d.Pos.Line != 62 {
		t.Errorf("domain 1 = %+v", d)
	}
	ports := api.Objects["port"]
	if p := ports[1]; p.Values["publishedPort"] != 9090 || p.Values["targetPort"] != 9091 || p.Str("protocol") != "udp" || p.Str("publishMode") != "host" || ports[0].Set("protocol") {
		t.Errorf("ports = %+v %+v", ports[0], p)
	}
	if ports[0].Name != "9090/tcp" || ports[1].Name != "9090/udp" {
		t.Errorf("port identities = %q, %q", ports[0].Name, ports[1].Name)
	}
	m := api.Objects["mount"]
	if len(m) != 4 || m[0].Str("volumeName") != "shop-uploads" || m[1].Str("hostPath") != "/var/log/shop" || m[0].Set("content") || m[0].Name != "/app/uploads" {
		t.Fatalf("mounts = %+v", m)
	}
	// contentFile is read as it is: no interpolation, into content.
	if m[2].Str("content") != "{\"checkout\": ${NOT_INTERPOLATED}}\n" || m[2].Str("filePath") != "features.json" || m[2].Has("content") {
		t.Errorf("file mount from contentFile = %q", m[2].Str("content"))
	}
	if m[3].Str("content") != "level = debug\n" || !m[3].Has("content") {
		t.Errorf("file mount with content = %q", m[3].Str("content"))
	}
	if r := api.Objects["redirect"][0]; r.Str("regex") != `^https://www\.shop\.example\.com/(.*)` || r.Str("replacement") != "https://shop.example.com/${1}" || r.Values["permanent"] != true {
		t.Errorf("redirect = %+v", r)
	}
	if s := api.Objects["security"]; len(s) != 2 || s[0].Str("username") != "admin" || s[0].Str("password") != "adm1n" || s[1].Pos.Line != 78 || s[0].Name != "admin" {
		t.Errorf("security = %+v", s)
	}

	gh := prod.Applications["gh"]
	if s := gh.Source.GitHub; s.ProviderID != "gh-1" || s.Owner != "acme" || s.Repository != "gh" || *s.TriggerType != "tag" ||
		*s.BuildPath != "/" || *s.Submodules || s.WatchPaths == nil || len(s.WatchPaths) != 0 || !s.Has("watchPaths") || !s.Has("triggerType") {
		t.Errorf("github = %+v", s)
	}
	// A list set to null or [] is empty and present: it clears the live one.
	ghDomains, domainsSet := gh.Objects["domain"]
	ghPorts, portsSet := gh.Objects["port"]
	_, mountsSet := gh.Objects["mount"]
	if !domainsSet || len(ghDomains) != 0 || !gh.Has("domains") || !portsSet || len(ghPorts) != 0 || mountsSet || gh.Has("mounts") {
		t.Errorf("gh lists = %#v", gh.Objects)
	}
	if pk := prod.Applications["pk"]; pk.Objects["mount"] == nil || !pk.Has("mounts") {
		t.Errorf("mounts: ~ must be an empty list")
	}
	if s := prod.Applications["gl"].Source.GitLab; *s.ProjectID != 42 || *s.PathNamespace != "acme/gl" || s.Branch != "main" {
		t.Errorf("gitlab = %+v", s)
	}
	if b := prod.Applications["gl"].Build; b.Type != "static" || *b.PublishDirectory != "dist" || !*b.IsStaticSpa {
		t.Errorf("static build = %+v", b)
	}
	if s := prod.Applications["bb"].Source.Bitbucket; *s.RepositorySlug != "bb" || s.ProviderID != "bb-1" {
		t.Errorf("bitbucket = %+v", s)
	}
	if s := prod.Applications["gt"].Source.Gitea; s.Branch != "feature/x#1" || s.Repository != "gt" {
		t.Errorf("gitea = %+v", s)
	}
	if b := prod.Applications["gt"].Build; *b.RailpackVersion != "0.15.4" {
		t.Errorf("railpack build = %+v", b)
	}

	if dm := prod.Postgres["db"].Objects["mount"]; len(dm) != 1 || dm[0].Str("hostPath") != "/srv/backups" || dm[0].Pos.Line != 18 {
		t.Errorf("database mounts = %+v", dm)
	}

	mon := prod.Compose["monitoring"]
	if mon.Pos.Line != 101 || *mon.ComposeType != "stack" || *mon.ComposeFile != "compose/monitoring.yml" || mon.Source != nil ||
		!*mon.IsolatedDeployment || *mon.Randomize {
		t.Errorf("compose monitoring = %+v", mon)
	}
	// A compose file is read as it is: its ${GF_PASSWORD} is compose's own.
	if !strings.Contains(deref(mon.ComposeContent), "GF_SECURITY_ADMIN_PASSWORD: ${GF_PASSWORD}\n") {
		t.Errorf("ComposeContent = %q", deref(mon.ComposeContent))
	}
	if !reflect.DeepEqual(mon.EnvVars, map[string]string{"GF_PASSWORD": "gr4f"}) {
		t.Errorf("compose EnvVars = %v", mon.EnvVars)
	}
	if d := mon.Objects["domain"][0]; d.Str("serviceName") != "grafana" || d.Values["port"] != 3000 {
		t.Errorf("compose domain = %+v", d)
	}
	if fm := mon.Objects["mount"][0]; fm.Str("content") != "[server]\r\nroot = $${x}\r\n" {
		t.Errorf("compose file mount = %q", fm.Str("content"))
	}
	// An inline compose file is a dokploy.yaml value: interpolated.
	if in := prod.Compose["inline"]; *in.ComposeContent != "services:\n  web:\n    image: nginx:1.27\n    environment:\n      TOKEN: ${TOKEN}\n" || in.ComposeContent == in.ComposeFile {
		t.Errorf("inline compose = %q", deref(in.ComposeContent))
	}
	w := prod.Compose["worker"]
	if w.Source.Git.URL != "git@github.com:acme/worker.git" || *w.ComposePath != "./deploy/compose.yml" || *w.Command != "${ref:application/api.appName}" || w.ComposeContent != nil {
		t.Errorf("compose worker = %+v", w)
	}
	if p := prod.Compose["provided"].Source.Gitea; p.Repository != "provided" {
		t.Errorf("compose gitea = %+v", p)
	}
}

// TestServicesUnsetVariables: list items keep their own Unknown, keyed by
// the item's field; a list of strings is unknown as a whole; files whose
// path is unknown are not read.
func TestServicesUnsetVariables(t *testing.T) {
	f, ds := loadServicesSpec(t, map[string]string{"DB_PASSWORD": "pg-Secret_1"})
	if ds.HasErrors() {
		t.Fatalf("unset variables must only warn:\n%s", ds)
	}
	prod := f.Projects["shop"].Environments["production"]
	api := prod.Applications["api"]
	if got := api.Unknown; !reflect.DeepEqual(got, map[string]string{"source.git.watchPaths": "WATCH", "buildSecrets.NPM_TOKEN": "NPM_TOKEN"}) {
		t.Errorf("api Unknown = %v", got)
	}
	if got := api.Objects["mount"][3].Unknown; !reflect.DeepEqual(got, map[string]string{"content": "LEVEL"}) {
		t.Errorf("mount Unknown = %v", got)
	}
	if got := api.Objects["security"][1].Unknown; !reflect.DeepEqual(got, map[string]string{"password": "OPS_PASSWORD"}) {
		t.Errorf("security Unknown = %v", got)
	}
	if in := prod.Compose["inline"]; !strings.Contains(*in.ComposeContent, "nginx:${NGINX_TAG}") || in.Unknown["composeFile"] != "NGINX_TAG" {
		t.Errorf("inline compose with an unset variable = %q %v", *in.ComposeContent, in.Unknown)
	}

	src := "apiVersion: dokploy-sync/v1\nprojects:\n  p:\n    environments:\n      e:\n        compose:\n" +
		"          c: {composeFile: \"${DIR}/compose.yml\", mounts: [{type: file, mountPath: /x, contentFile: \"${DIR}/x\"}]}\n"
	f, ds = LoadBytes("dokploy.yaml", []byte(src), t.TempDir(), noVarsOptions())
	if ds.HasErrors() {
		t.Fatalf("diagnostics:\n%s", ds)
	}
	c := f.Projects["p"].Environments["e"].Compose["c"]
	if *c.ComposeContent != "${DIR}/compose.yml" || c.Unknown["composeFile"] != "DIR" {
		t.Errorf("compose file with an unknown path: %q %v", deref(c.ComposeContent), c.Unknown)
	}
	if mt := c.Objects["mount"][0]; mt.Set("content") || !reflect.DeepEqual(mt.Unknown, map[string]string{"contentFile": "DIR", "content": "DIR"}) {
		t.Errorf("file mount with an unknown path: %v %v", mt.Values, mt.Unknown)
	}
}

// TestValidateHandBuiltServices: Validate works on a File built in Go (no
// positions, no decoder notes).
func TestValidateHandBuiltServices(t *testing.T) {
	zero, custom, user := 0, "custom", "a:b"
	f := &File{
		APIVersion: APIVersion,
		Projects: map[string]*Project{"shop": {Environments: map[string]*Environment{"production": {
			Applications: map[string]*Application{"api": {
				Source: &Source{Git: &GitSource{URL: "example.com/x", Branch: "main"}},
				Objects: Objects{
					"domain": {{Kind: kinds.Domain, Values: map[string]any{"host": "api.example.com", "certificateType": custom}},
						{Kind: kinds.Domain, Values: map[string]any{"host": "api.example.com"}}},
					"port":     {{Kind: kinds.Port, Values: map[string]any{"publishedPort": 80, "targetPort": 80}}},
					"mount":    {{Kind: kinds.Mount, Values: map[string]any{"type": "volume", "mountPath": "/data"}}},
					"redirect": {{Kind: kinds.Redirect, Values: map[string]any{"regex": "(", "replacement": "/"}}},
					"security": {{Kind: kinds.Security, Values: map[string]any{"username": user, "password": "x"}}},
				},
				Env: map[string]string{"DB": "${ref:postgres/db.appName}", "BAD": "${ref:db.appName}"},
			}},
			Compose: map[string]*Compose{"c": {Objects: Objects{"domain": {{Kind: kinds.Domain, Values: map[string]any{"host": "c.example.com", "port": zero}}}}}},
		}}}},
	}
	// Without positions, diagnostics stay in the order they are found.
	want := `error: shop/production/application/api: source.git.url: must be a git URL like https://github.com/acme/api.git or git@github.com:acme/api.git (https://, http://, ssh:// or user@host:path), got "example.com/x"
error: shop/production/application/api: domains[0].customCertResolver: required when certificateType is custom; set the name of the Traefik certificate resolver
error: shop/production/application/api: domains[1]: duplicate domain: host api.example.com with path / is already declared by domains[0]; each host and path may appear once
error: shop/production/application/api: mounts[0].volumeName: required for a volume mount: the name of the Docker volume
error: shop/production/application/api: redirects[0].regex: does not compile: missing closing ): ` + "`(`" + ` (Traefik, which runs the redirect, uses Go's regular expression syntax)
error: shop/production/application/api: security[0].username: must not contain ":", which separates the user from the password in basic auth
error: shop/production/compose/c: set composeFile or source: composeFile for a compose file next to the spec (or written inline), source for one in a repository
error: shop/production/compose/c: domains[0].port: must be a port between 1 and 65535 (the container port Traefik sends requests to), got 0
error: shop/production/compose/c: domains[0].serviceName: required for a compose service's domain: the name of the service in the compose file that receives the requests
error: shop/production/application/api: env.BAD: reference ${ref:db.appName}: must be ${ref:KIND/NAME.FIELD} or ${ref:PROJECT/ENV/KIND/NAME.FIELD}
error: shop/production/application/api: env.DB: ${ref:postgres/db.appName}: no postgres "db" in shop/production; no postgres is declared there
`
	if got := Validate(f).String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@host/x":       "https://user:***@host/x",
		"https://user:pw@host":         "https://user:***@host",
		"https://user@host/x":          "https://user@host/x",
		"https://host/a@b:c":           "https://host/a@b:c",
		"git@github.com:acme/x.git":    "git@github.com:acme/x.git",
		"ssh://git:p@w@host:22/x":      "ssh://git:***@host:22/x",
		"https://tok:x-oauth@host/p/q": "https://tok:***@host/p/q",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
