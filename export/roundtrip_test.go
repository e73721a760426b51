package export

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// seedElsewhere makes on a server what Dokploy's UI sets up and the spec
// only names: a remote server and a GitHub provider. It returns their ids.
func seedElsewhere(t *testing.T, s *dokploytest.Server) (serverID, githubID string) {
	t.Helper()
	srv := call(t, s, "server.create", map[string]any{"name": "edge-1", "description": nil, "ipAddress": "10.0.0.5", "port": 22,
		"username": "root", "sshKeyId": nil, "serverType": "deploy"})
	_, gh, err := s.AddGitProvider(dokploytest.GitProvider{Type: "github", Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	return srv["serverId"].(string), gh
}

const roundTripKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUroundtrip\n-----END OPENSSH PRIVATE KEY-----\n"

// seedKinds adds to a varied server the described kinds the golden leaves
// out: a destination and backups that use it; an SSH key, a certificate,
// two notifications; a project "edge" whose application runs on a remote
// server from a GitHub provider and whose compose service clones with the
// SSH key; swarm settings of an application and a database; a
// database's resources, command and args; an application's preview
// deployments and switches, and a compose service's.
func seedKinds(t *testing.T, s *dokploytest.Server) {
	t.Helper()
	seedSettings(t, s)
	serverID, githubID := seedElsewhere(t, s)
	call(t, s, "sshKey.create", map[string]any{"name": "deploy", "description": "CI", "privateKey": roundTripKey,
		"publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 ci@example.com", "organizationId": ""})
	var keys []map[string]any
	raw, _ := s.Call("sshKey.all", nil)
	json.Unmarshal(raw, &keys)
	call(t, s, "certificates.create", map[string]any{"name": "wildcard", "certificateData": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		"privateKey": "cert-key-round-trip", "autoRenew": false, "organizationId": ""})
	flags := func(name string) map[string]any {
		m := map[string]any{"name": name}
		for _, e := range kinds.NotificationEvents {
			m[e.Name] = e.Name == "appDeploy"
		}
		return m
	}
	slack := flags("deploys")
	slack["webhookUrl"], slack["channel"] = "https://hooks.slack.example/round-trip-secret", "#deploys"
	call(t, s, "notification.createSlack", slack)
	email := flags("ops")
	for k, v := range map[string]any{"smtpServer": "smtp.example.com", "smtpPort": 587, "username": "u", "password": "smtp-round-trip",
		"fromAddress": "a@example.com", "toAddresses": []any{"b@example.com"}} {
		email[k] = v
	}
	call(t, s, "notification.createEmail", email)
	edge := call(t, s, "project.create", map[string]any{"name": "edge"})["environment"].(map[string]any)["environmentId"]
	site := call(t, s, "application.create", map[string]any{"name": "site", "appName": "edge-site", "environmentId": edge, "serverId": serverID})
	call(t, s, "application.saveGithubProvider", map[string]any{"applicationId": site["applicationId"], "githubId": githubID,
		"owner": "acme", "repository": "site", "branch": "main", "buildPath": "/"})
	stack := call(t, s, "compose.create", map[string]any{"name": "stack", "appName": "edge-stack", "environmentId": edge})
	call(t, s, "compose.update", map[string]any{"composeId": stack["composeId"], "sourceType": "git",
		"customGitUrl": "git@github.com:acme/stack.git", "customGitBranch": "main", "customGitSSHKeyId": keys[0]["sshKeyId"]})

	dest := call(t, s, "destination.create", map[string]any{"name": "s3-main", "provider": "AWS", "accessKey": "AKIA-round-trip",
		"secretAccessKey": "s3-secret-round-trip", "bucket": "backups", "region": "eu-west-1", "endpoint": "https://s3.example.com",
		"additionalFlags": []any{"--s3-no-check-bucket"}})
	pgs := findAll(t, s, "postgres", "shop-db")
	for i, pg := range pgs {
		call(t, s, "backup.create", map[string]any{"schedule": "0 3 * * *", "prefix": "daily", "destinationId": dest["destinationId"],
			"database": "shop", "databaseType": "postgres", "postgresId": pg, "enabled": i == 0, "keepLatestCount": 7})
	}
}

// previewSecret is a value of the preview env seedSettings gives web.
const previewSecret = "preview-secret-7"

// seedSettings sets the settings of services (singleton kinds) in
// Dokploy's form: nanoseconds, PascalCase keys, bytes and nano-CPUs as
// decimal strings, dotenv text.
func seedSettings(t *testing.T, s *dokploytest.Server) {
	t.Helper()
	swarm := map[string]any{
		"healthCheckSwarm":   map[string]any{"Test": []any{"CMD", "curl", "-f", "http://localhost/health"}, "Interval": 30e9, "Timeout": 10e9, "StartPeriod": 5e9, "Retries": 3},
		"restartPolicySwarm": map[string]any{"Condition": "on-failure", "Delay": 5e9, "MaxAttempts": 3, "Window": 120e9},
		"placementSwarm": map[string]any{"Constraints": []any{"node.role==worker"}, "MaxReplicas": 2,
			"Preferences": []any{map[string]any{"Spread": map[string]any{"SpreadDescriptor": "node.labels.zone"}}},
			"Platforms":   []any{map[string]any{"Architecture": "amd64", "OS": "linux"}}},
		"updateConfigSwarm":    map[string]any{"Parallelism": 1, "Delay": 10e9, "FailureAction": "rollback", "Monitor": 5e9, "MaxFailureRatio": 0.25, "Order": "start-first"},
		"rollbackConfigSwarm":  map[string]any{"Parallelism": 1, "Delay": 0, "FailureAction": "pause", "Monitor": 0, "MaxFailureRatio": 0, "Order": "stop-first"},
		"modeSwarm":            map[string]any{"Replicated": map[string]any{"Replicas": 2}},
		"labelsSwarm":          map[string]any{"com.example.team": "shop", "com.example.tier": "web"},
		"networkSwarm":         []any{map[string]any{"Target": "shop-net", "Aliases": []any{"api-alias"}, "DriverOpts": map[string]any{"opt": "v"}}},
		"stopGracePeriodSwarm": 90e9,
	}
	for _, id := range findAll(t, s, "application", "api") {
		in := map[string]any{"applicationId": id, "autoDeploy": false, "cleanCache": true, "rollbackActive": true}
		for k, v := range swarm {
			in[k] = v
		}
		call(t, s, "application.update", in)
	}
	for _, id := range findAll(t, s, "application", "web") {
		call(t, s, "application.update", map[string]any{"applicationId": id, "isPreviewDeploymentsActive": true,
			"previewWildcard": "*.preview.example.com", "previewPort": 8080, "previewHttps": true, "previewPath": "/app",
			"previewCertificateType": "custom", "previewCustomCertResolver": "myresolver", "previewLimit": 5,
			"previewEnv": "PREVIEW_TOKEN=" + previewSecret + "\nMODE=preview", "previewBuildArgs": "NODE_ENV=production",
			"previewLabels": []any{"preview"}, "previewRequireCollaboratorPermissions": false})
	}
	for _, id := range findAll(t, s, "postgres", "shop-db") {
		call(t, s, "postgres.update", map[string]any{"postgresId": id, "memoryLimit": "1073741824", "memoryReservation": "268435456",
			"cpuLimit": "1500000000", "command": "postgres", "args": []any{"-c", "max_connections=200"},
			"modeSwarm": map[string]any{"Global": map[string]any{}}, "labelsSwarm": map[string]any{"tier": "db"}, "stopGracePeriodSwarm": 30e9})
	}
	for _, id := range findAll(t, s, "libsql", "edge") {
		call(t, s, "libsql.update", map[string]any{"libsqlId": id, "cpuReservation": "250000000", "command": "sqld --no-welcome"})
	}
	for _, id := range findAll(t, s, "compose", "monitoring") {
		call(t, s, "compose.update", map[string]any{"composeId": id, "autoDeploy": false, "createEnvFile": false})
	}
}

// findAll returns the ids of the services of kind named name, in every
// project (each must be found: a seed that finds nothing seeds nothing).
func findAll(t *testing.T, s *dokploytest.Server, kind, name string) []string {
	t.Helper()
	raw, err := s.Call("project.all", nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []map[string]any
	json.Unmarshal(raw, &all)
	list := kind // the environment's key of the kind's services
	if kind == "application" {
		list = "applications"
	}
	var ids []string
	for _, p := range all {
		for _, e := range p["environments"].([]any) {
			for _, x := range e.(map[string]any)[list].([]any) {
				m := x.(map[string]any)
				id := m[dokploy.IDKey(kind)].(string)
				if _, ok := m["name"]; !ok { // project.all lists a database by its id only
					m = call(t, s, kind+".one", map[string]any{dokploy.IDKey(kind): id})
				}
				if m["name"] == name {
					ids = append(ids, id)
				}
			}
		}
	}
	if len(ids) == 0 {
		t.Fatalf("no %s is named %q", kind, name)
	}
	return ids
}

// TestExportAppliesToAnEmptyServer is the round trip field by field: export
// a server, apply the export to an empty server, and the two live states
// are the same, but for what the server generates (ids, appName suffixes,
// timestamps, statuses, deployments).
func TestExportAppliesToAnEmptyServer(t *testing.T) {
	a := fakeServer(t)
	seedVaried(t, a)
	seedKinds(t, a)
	e := runExport(t, a, Options{})
	if data, err := os.ReadFile(e.spec); err != nil {
		t.Fatal(err)
	} else {
		for _, secret := range []string{"roundtrip", "cert-key-round-trip", "round-trip-secret", "smtp-round-trip"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("the exported spec holds the secret %q", secret)
			}
		}
	}
	vars, err := spec.ReadVarFile(filepath.Join(e.dir, SecretsFile))
	if err != nil {
		t.Fatal(err)
	}
	// Preview env values go to secrets.env, as build args do.
	if strings.Contains(string(e.res.YAML), previewSecret) {
		t.Errorf("the spec holds a value of preview.env")
	}
	if vars["SHOP_PRODUCTION_APPLICATION_WEB_PREVIEW_ENV_PREVIEW_TOKEN"] != previewSecret {
		t.Errorf("secrets.env lacks the preview env value under SHOP_PRODUCTION_APPLICATION_WEB_PREVIEW_ENV_PREVIEW_TOKEN")
	}
	f, diags := spec.Load(e.spec, spec.Options{Vars: vars, LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatalf("%s", diags)
	}

	b := fakeServer(t)
	serverB, githubB := seedElsewhere(t, b)
	ctx := context.Background()
	cb, err := dokploy.New(dokploy.Options{BaseURL: b.URL(), APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	names := spec.SortedKeys(f.Projects)
	live, err := cb.Observe(ctx, names, planner.ReadKinds(f)...)
	if err != nil {
		t.Fatal(err)
	}
	if res := apply.Apply(ctx, cb, planner.Compute(f, live), apply.Options{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	got, err := cb.Observe(ctx, names, InstanceKinds()...)
	if err != nil {
		t.Fatal(err)
	}
	want := e.live
	declared := declaredAddrs(f)
	before, after := comparable(t, want, names, declared), comparable(t, got, names, declared)
	for _, x := range asymmetries {
		for _, side := range []map[string]any{before, after} {
			if svc, ok := side[x.addr].(map[string]any); ok {
				delete(svc, x.field)
			}
		}
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the server the export was applied to differs from the one it came from (-exported +applied):\n%s", diff)
	}
	// The ids that names stood for are the ones of the second server
	// (comparable leaves ids out).
	site := got.Projects["edge"][0].Environments[0].Applications[0]
	if srv := site.Items[kinds.ServiceServer.Name][0].ID("serverId"); deref(site.GithubID) != githubB || srv != serverB {
		t.Errorf("edge/site: githubId %q, serverId %q; want %q, %q", deref(site.GithubID), srv, githubB, serverB)
	}
	if key, keys := deref(got.Projects["edge"][0].Environments[0].Compose[0].CustomGitSSHKeyID), got.Items["sshKey"]; len(keys) != 1 || key != keys[0].ID("sshKeyId") {
		t.Errorf("edge/stack: customGitSSHKeyId %q, SSH keys %v", key, keys)
	}
}

// asymmetries are the known differences, each with why it is left.
var asymmetries = []struct{ addr, field, why string }{
	// Build settings of another build type (web builds with a Dockerfile)
	// mean nothing to the build; a new application gets Dokploy's defaults.
	{"shop/production/application/web", "herokuVersion", "a setting of another build type"},
	{"shop/production/application/web", "railpackVersion", "a setting of another build type"},
	// An env value with a password that is no exported database's keeps
	// the host it names: export cannot know it stands for a service.
	{"shop/production/application/worker", "env", "a URL with a foreign password keeps the old host"},
}

// comparable is a live state as plain values by address, without what
// the server generates.
func comparable(t *testing.T, l *dokploy.Live, projects []string, declared map[string]bool) map[string]any {
	t.Helper()
	out := map[string]any{}
	defer func() {
		for addr := range out {
			if !declared[addr] {
				delete(out, addr) // what export skipped (two services of one name) was not applied
			}
		}
		// appNames are generated: each side's stand for the service's address.
		var pairs []string
		for _, svc := range planner.LiveServices(l) {
			if an := appNameOf(svc.Service); an != "" {
				pairs = append(pairs, an, "<"+svc.Address+">")
			}
		}
		r := strings.NewReplacer(pairs...)
		for addr, v := range out {
			out[addr] = replaceStrings(v, r)
		}
	}()
	names := map[string]map[string]string{} // kind -> id -> name, for Ref fields
	for kind, rows := range l.Items {
		k := kinds.ByName(kind)
		names[kind] = map[string]string{}
		for _, r := range rows {
			names[kind][r.ID(k.IDKey)], _ = r[k.NameField].(string)
		}
	}
	items := func(addr string, items dokploy.Items) {
		for kind, rows := range items {
			k := kinds.ByName(kind)
			for _, r := range rows {
				row := map[string]any{}
				for _, f := range k.Fields {
					v := r[f.APIName()]
					if f.Ref != "" {
						v = names[f.Ref][str(v)]
					}
					if !f.Local {
						row[f.Name] = v
					}
				}
				key := planner.InstanceAddr(kind, str(r[k.NameField]))
				switch {
				case k.Singleton:
					key = addr + "/" + kind + "[]" // as declaredAddrs names it
					for _, f := range k.Fields {
						if f.Flat { // its fields are the service's own keys
							sub := map[string]any{}
							for _, sf := range f.Fields {
								sub[sf.Name] = r[sf.APIName()]
							}
							row[f.Name] = sub
						}
					}
				case !k.Instance():
					key = addr + "/" + kind + "[" + str(r[k.Field(k.Identity[0]).APIName()]) + "]"
				}
				out[key] = scrub(row) // nested objects hold ids too (a notification's slackId)
			}
		}
	}
	items("", l.Items)
	for _, pn := range projects {
		for _, p := range l.Projects[pn] {
			out[pn] = plain(t, p, "environments")
			for _, en := range p.Environments {
				name := en.Name
				if en.IsDefault {
					name = spec.DefaultEnvironment
				}
				ea := pn + "/" + name
				out[ea] = plain(t, en, "applications", "compose", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql")
				for _, a := range en.Applications {
					out[ea+"/application/"+a.Name] = plain(t, a)
					items(ea+"/application/"+a.Name, a.Items)
				}
				for _, c := range en.Compose {
					out[ea+"/compose/"+c.Name] = plain(t, c)
					items(ea+"/compose/"+c.Name, c.Items)
				}
				for _, d := range en.Databases {
					out[ea+"/"+d.Kind+"/"+d.Name] = plain(t, d)
					items(ea+"/"+d.Kind+"/"+d.Name, d.Items)
				}
			}
		}
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

// generated are the keys whose values the server makes.
var generated = map[string]bool{"appName": true, "applicationStatus": true, "composeStatus": true, "deployments": true, "isDefault": true}

// plain is v as JSON values, without ids and generated keys, lists of
// children sorted.
func plain(t *testing.T, v any, drop ...string) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	for _, k := range drop {
		delete(m, k)
	}
	return scrub(m).(map[string]any)
}

func scrub(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			if generated[k] || strings.HasSuffix(k, "Id") {
				delete(x, k)
				continue
			}
			x[k] = scrub(x[k])
		}
		return x
	case []any:
		for i := range x {
			x[i] = scrub(x[i])
		}
		sort.Slice(x, func(i, j int) bool {
			a, _ := json.Marshal(x[i])
			b, _ := json.Marshal(x[j])
			return string(a) < string(b)
		})
		return x
	}
	return v
}

// declaredAddrs are the addresses of everything the spec declares.
func declaredAddrs(f *spec.File) map[string]bool {
	out := map[string]bool{}
	for pn, p := range f.Projects {
		out[pn] = true
		for en, e := range p.Environments {
			ea := pn + "/" + en
			out[ea] = true
			for n := range e.Applications {
				out[ea+"/application/"+n] = true
			}
			for n := range e.Compose {
				out[ea+"/compose/"+n] = true
			}
			for _, d := range e.Databases() {
				out[ea+"/"+d.Kind+"/"+d.Name] = true
			}
		}
	}
	f.WalkObjects(func(parent string, o *spec.Object) {
		if o.Kind.Instance() {
			out[planner.InstanceAddr(o.Kind.Name, o.Name)] = true
		} else {
			out[parent+"/"+o.Kind.Name+"["+o.Name+"]"] = true
		}
	})
	return out
}

func appNameOf(svc any) string {
	switch s := svc.(type) {
	case *dokploy.Application:
		return s.AppName
	case *dokploy.Compose:
		return s.AppName
	case *dokploy.Database:
		return s.AppName
	}
	return ""
}

// replaceStrings applies r to every string in v; env texts (dotenv) become
// maps, since their order and quoting are Dokploy's business.
func replaceStrings(v any, r *strings.Replacer) any {
	switch x := v.(type) {
	case string:
		return r.Replace(x)
	case map[string]any:
		for k, y := range x {
			if s, ok := y.(string); ok && envText[k] {
				x[k] = dokploy.ParseEnv(&s)
				y = x[k]
				m := map[string]any{}
				for ek, ev := range y.(map[string]string) {
					m[ek] = r.Replace(ev)
				}
				x[k] = m
				continue
			}
			x[k] = replaceStrings(y, r)
		}
	case []any:
		for i := range x {
			x[i] = replaceStrings(x[i], r)
		}
	}
	return v
}

var envText = map[string]bool{"env": true, "buildArgs": true, "buildSecrets": true, "previewEnv": true, "previewBuildArgs": true}
