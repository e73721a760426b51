package dokploytest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

const (
	testPrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
	testPublicKey  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMQS test@example.invalid"
)

// addSSHKey creates an SSH key and returns its id, found by name in
// sshKey.all since create answers nothing.
func (c *client) addSSHKey(name string) string {
	c.t.Helper()
	if v := c.call("sshKey.create", map[string]any{"name": name, "privateKey": testPrivateKey,
		"publicKey": testPublicKey, "organizationId": "x"}); v != nil {
		c.t.Fatalf("sshKey.create answered %v", v)
	}
	for _, k := range c.call("sshKey.all", nil).([]any) {
		if at(k, "name") == name {
			return at(k, "sshKeyId").(string)
		}
	}
	c.t.Fatalf("sshKey %s not listed", name)
	return ""
}

func (c *client) addServer(name string, sshKeyID any) string {
	c.t.Helper()
	return c.callMap("server.create", map[string]any{"name": name, "description": nil, "ipAddress": "10.0.0.1",
		"port": 22, "username": "root", "sshKeyId": sshKeyID, "serverType": "deploy"})["serverId"].(string)
}

// Removing an SSH key clears it from the applications, compose stacks and
// servers that use it (ON DELETE SET NULL) and leaves the others alone.
func TestSSHKeyRemoveClearsReferences(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	used, kept := c.addSSHKey("used"), c.addSSHKey("kept")
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})["applicationId"]
	other := c.callMap("application.create", map[string]any{"name": "b", "environmentId": prod})["applicationId"]
	for id, key := range map[any]string{app: used, other: kept} {
		c.call("application.saveGitProvider", map[string]any{"applicationId": id, "customGitUrl": "git@h:r.git",
			"customGitBranch": "main", "customGitBuildPath": "/", "watchPaths": nil, "customGitSSHKeyId": key})
	}
	compose := c.callMap("compose.create", map[string]any{"name": "c", "environmentId": prod})["composeId"]
	c.call("compose.update", map[string]any{"composeId": compose, "customGitSSHKeyId": used})
	srv := c.addServer("s", used)

	if removed := c.callMap("sshKey.remove", map[string]any{"sshKeyId": used}); removed["privateKey"] != testPrivateKey {
		t.Errorf("remove answered %v", removed)
	}
	if v := c.callMap("application.one", map[string]any{"applicationId": app})["customGitSSHKeyId"]; v != nil {
		t.Errorf("application still names the key: %v", v)
	}
	if v := c.callMap("application.one", map[string]any{"applicationId": other})["customGitSSHKeyId"]; v != kept {
		t.Errorf("the other application's key: %v", v)
	}
	if v := c.callMap("compose.one", map[string]any{"composeId": compose})["customGitSSHKeyId"]; v != nil {
		t.Errorf("compose still names the key: %v", v)
	}
	if s := c.callMap("server.one", map[string]any{"serverId": srv}); s["sshKeyId"] != nil || s["sshKey"] != nil {
		t.Errorf("server still names the key: %v %v", s["sshKeyId"], s["sshKey"])
	}
	status, body := c.post("sshKey.remove", map[string]any{"sshKeyId": used})
	if status != 404 || restMessage(t, body) != "SSH Key not found" {
		t.Errorf("remove again: %d %s", status, body)
	}
	// The id now dangles: saving it fails like a foreign key violation.
	status, body = c.post("application.saveGitProvider", map[string]any{"applicationId": other, "customGitUrl": "u",
		"customGitBranch": "main", "customGitBuildPath": "/", "watchPaths": nil, "customGitSSHKeyId": used})
	if status != 500 || !strings.Contains(str(restMessage(t, body)), "Failed query: update \"application\"") {
		t.Errorf("saveGitProvider with a removed key: %d %s", status, body)
	}
}

// A server with a service of any kind cannot be removed; once they are
// gone it can, and its certificates go with it.
func TestServerRemoveWithServices(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	srv := c.addServer("s", nil)
	creates := []struct {
		proc, remove, id string
		in               map[string]any
	}{
		{"application.create", "application.delete", "applicationId", map[string]any{"name": "a"}},
		{"compose.create", "compose.delete", "composeId", map[string]any{"name": "c"}},
		{"redis.create", "redis.remove", "redisId", map[string]any{"name": "r", "databasePassword": "p"}},
		{"libsql.create", "", "libsqlId", map[string]any{"name": "l", "appName": "l", "description": nil, "databaseUser": "u",
			"databasePassword": "p", "sqldNode": "primary", "sqldPrimaryUrl": nil}},
	}
	for _, cr := range creates {
		in := cr.in
		in["environmentId"], in["serverId"] = prod, srv
		res := c.call(cr.proc, in)
		status, body := c.post("server.remove", map[string]any{"serverId": srv})
		if status != 400 || restMessage(t, body) != "Server has active services, please delete them first" {
			t.Fatalf("remove with a %s: %d %s", cr.proc, status, body)
		}
		var id any
		if cr.remove == "" { // libsql.create answers true
			id = at(c.call("environment.one", map[string]any{"environmentId": prod}), "libsql", 0, "libsqlId")
			cr.remove = "libsql.remove"
		} else {
			id = at(res, cr.id)
		}
		in = map[string]any{cr.id: id}
		if cr.proc == "compose.create" {
			in["deleteVolumes"] = false
		}
		c.call(cr.remove, in)
	}
	cert := c.callMap("certificates.create", map[string]any{"name": "x", "certificateData": "c", "privateKey": "k",
		"organizationId": "x", "serverId": srv})
	other := c.callMap("certificates.create", map[string]any{"name": "y", "certificateData": "c", "privateKey": "k", "organizationId": "x"})
	removed := c.callMap("server.remove", map[string]any{"serverId": srv})
	if removed["serverId"] != srv || removed["deployments"] == nil {
		t.Errorf("remove answered %v", removed)
	}
	if status, body := c.get("certificates.one", map[string]string{"certificateId": cert["certificateId"].(string)}); status != 404 {
		t.Errorf("the server's certificate: %d %s", status, body)
	}
	if status, body := c.get("certificates.one", map[string]string{"certificateId": other["certificateId"].(string)}); status != 200 {
		t.Errorf("another certificate: %d %s", status, body)
	}
	if status, body := c.get("server.one", map[string]string{"serverId": srv}); status != 404 || restMessage(t, body) != "Server not found" {
		t.Errorf("one after remove: %d %s", status, body)
	}
}

// server.all's totalSum is the count of Dokploy's seven LEFT JOINs: with
// three applications and a compose it is 3×1 rows × 2 kinds = 6, not 4;
// libsql is not counted.
func TestServerTotalSum(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	srv := c.addServer("s", nil)
	empty := c.addServer("e", nil)
	for _, n := range []string{"a", "b", "c"} {
		c.call("application.create", map[string]any{"name": n, "environmentId": prod, "serverId": srv})
	}
	c.call("compose.create", map[string]any{"name": "c", "environmentId": prod, "serverId": srv})
	c.call("libsql.create", map[string]any{"name": "l", "appName": "l", "description": nil, "databaseUser": "u",
		"databasePassword": "p", "sqldNode": "primary", "sqldPrimaryUrl": nil, "environmentId": prod, "serverId": srv})
	sums := map[any]any{}
	for _, s := range c.call("server.all", nil).([]any) {
		sums[at(s, "serverId")] = at(s, "totalSum")
	}
	if sums[srv] != 6.0 || sums[empty] != 0.0 {
		t.Errorf("totalSum %v", sums)
	}
}

// A service's server is its relation in .one (the whole row), {name} in
// project.one and {name, serverId} in environment.one; a serverId naming
// no server is refused.
func TestServiceOnServer(t *testing.T) {
	c := newClient(t, Options{})
	projectID, prod, _ := c.setup()
	srv := c.addServer("remote", nil)
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod, "serverId": srv})
	pg := c.callMap("postgres.create", map[string]any{"name": "p", "environmentId": prod, "serverId": srv,
		"databaseName": "d", "databaseUser": "u", "databasePassword": "pw"})
	if at(c.call("application.one", map[string]any{"applicationId": app["applicationId"]}), "server", "metricsConfig", "server", "port") != 4500.0 {
		t.Error("application.one server")
	}
	if at(c.call("postgres.one", map[string]any{"postgresId": pg["postgresId"]}), "server", "name") != "remote" {
		t.Error("postgres.one server")
	}
	if got := fmt.Sprint(at(c.call("project.one", map[string]any{"projectId": projectID}), "environments", 0, "applications", 0, "server")); got != "map[name:remote]" {
		t.Errorf("project.one server %s", got)
	}
	if got := at(c.call("environment.one", map[string]any{"environmentId": prod}), "postgres", 0, "server", "serverId"); got != srv {
		t.Errorf("environment.one server %v", got)
	}
	status, body := c.post("compose.create", map[string]any{"name": "x", "environmentId": prod, "serverId": "nope"})
	if status != 401 || restMessage(t, body) != "You are not authorized to access this server" {
		t.Errorf("unknown server: %d %s", status, body)
	}
}

// server.update is not partial, writes enableDockerCleanup true when it is
// omitted, and fails in the database on an SSH key that does not exist;
// server.create refuses one with a 400.
func TestServerUpdate(t *testing.T) {
	c := newClient(t, Options{})
	srv := c.callMap("server.create", map[string]any{"name": "s", "description": "d", "ipAddress": "10.0.0.1",
		"port": 22, "username": "root", "sshKeyId": nil, "serverType": "build", "enableDockerCleanup": false})
	if srv["enableDockerCleanup"] != false || srv["serverType"] != "build" || srv["command"] != "" {
		t.Errorf("create answered %v", srv)
	}
	// metricsConfig is jsonb: PostgreSQL orders its keys by length, then
	// bytes (capture 489).
	_, raw := c.get("server.one", map[string]string{"serverId": srv["serverId"].(string)})
	if !bytes.Contains(raw, []byte(`"metricsConfig":{"server":{"port":4500,"type":"Remote","token":"","cronJob":"","thresholds":{"cpu":0,"memory":0},"refreshRate":60,"urlCallback":"","retentionDays":2},"containers":{"services":{"exclude":[],"include":[]},"refreshRate":60}}`)) {
		t.Errorf("metricsConfig order: %s", raw)
	}
	full := map[string]any{"serverId": srv["serverId"], "name": "s2", "description": nil, "ipAddress": "10.0.0.2",
		"port": 2222, "username": "deploy", "sshKeyId": nil, "serverType": "deploy"}
	got := c.callMap("server.update", full)
	if got["enableDockerCleanup"] != true || got["port"] != 2222.0 || got["username"] != "deploy" {
		t.Errorf("update answered %v", got)
	}
	full["sshKeyId"] = "missing"
	status, body := c.post("server.update", full)
	if status != 500 || !strings.HasPrefix(str(restMessage(t, body)), `Failed query: update "server" set`) {
		t.Errorf("update with a missing key: %d %s", status, body)
	}
	status, body = c.post("server.create", map[string]any{"name": "t", "description": nil, "ipAddress": "h",
		"port": 22, "username": "root", "sshKeyId": "missing", "serverType": "deploy"})
	if status != 400 || restMessage(t, body) != "Error creating the server" {
		t.Errorf("create with a missing key: %d %s", status, body)
	}
}

func TestCertificateErrors(t *testing.T) {
	c := newClient(t, Options{})
	cert := c.callMap("certificates.create", map[string]any{"name": "x", "certificateData": "c", "privateKey": "k",
		"organizationId": "x", "certificatePath": "fixed"})
	if cert["certificatePath"] != "fixed" || cert["autoRenew"] != nil || cert["serverId"] != nil {
		t.Errorf("create answered %v", cert)
	}
	status, body := c.post("certificates.create", map[string]any{"name": "y", "certificateData": "c", "privateKey": "k",
		"organizationId": "x", "certificatePath": "fixed"})
	if status != 500 || !strings.HasPrefix(str(restMessage(t, body)), `Failed query: insert into "certificate"`) {
		t.Errorf("duplicate path: %d %s", status, body)
	}
	status, body = c.post("certificates.update", map[string]any{"certificateId": cert["certificateId"]})
	if status != 500 || restMessage(t, body) != "No values to set" {
		t.Errorf("empty update: %d %s", status, body)
	}
	if status, body := c.post("certificates.remove", map[string]any{"certificateId": "missing"}); status != 404 {
		t.Errorf("remove missing: %d %s", status, body)
	}
}

// Every notification type is created with its child row, listed with it,
// and updated partially; a type's update without any of its own keys is
// refused and changes nothing.
func TestNotificationTypes(t *testing.T) {
	c := newClient(t, Options{})
	flags := func(m map[string]any) map[string]any {
		for _, f := range []string{"appDeploy", "appBuildError", "databaseBackup", "dokployBackup", "volumeBackup",
			"dokployRestart", "dockerCleanup", "serverThreshold"} {
			m[f] = f == "appDeploy"
		}
		return m
	}
	creates := map[string]map[string]any{
		"Telegram":   {"botToken": "t", "chatId": "1", "messageThreadId": ""},
		"Resend":     {"apiKey": "k", "fromAddress": "a@b", "toAddresses": []any{"c@d"}},
		"Gotify":     {"serverUrl": "http://g", "appToken": "t", "priority": 5, "decoration": true},
		"Ntfy":       {"serverUrl": "http://n", "topic": "t", "accessToken": "secret", "priority": 3},
		"Mattermost": {"webhookUrl": "http://m/hook"},
		"Custom":     {"endpoint": "http://c", "headers": map[string]any{"X-A": "1"}},
		"Lark":       {"webhookUrl": "http://l"},
		"Pushover":   {"userKey": "u", "apiToken": "t"},
		"Teams":      {"webhookUrl": "http://t"},
	}
	for typ, in := range creates {
		in["name"] = typ
		if typ == "Gotify" || typ == "Ntfy" { // their schemas have no serverThreshold
			flags(in)
			delete(in, "serverThreshold")
		} else if typ != "Custom" && typ != "Pushover" {
			flags(in)
		}
		if v := c.call("notification.create"+typ, in); v != nil {
			t.Errorf("create%s answered %v", typ, v)
		}
	}
	byName := map[string]map[string]any{}
	for _, n := range c.call("notification.all", nil).([]any) {
		byName[at(n, "name").(string)] = n.(map[string]any)
	}
	if len(byName) != len(creates) {
		t.Fatalf("%d notifications listed", len(byName))
	}
	for typ := range creates {
		key := strings.ToLower(typ)
		n := byName[typ]
		if n["notificationType"] != key || n[key] == nil || at(n, key, key+"Id") != n[key+"Id"] {
			t.Errorf("%s: %v", typ, n)
		}
	}
	if at(byName["Pushover"], "pushover", "priority") != 0.0 || at(byName["Custom"], "appDeploy") != false {
		t.Errorf("defaults: pushover %v, custom %v", byName["Pushover"]["pushover"], byName["Custom"])
	}

	ntfy := byName["Ntfy"]
	// ntfy's service writes accessToken ?? null: an update without it clears it.
	c.call("notification.updateNtfy", map[string]any{"notificationId": ntfy["notificationId"], "ntfyId": ntfy["ntfyId"], "topic": "t2"})
	one := c.callMap("notification.one", map[string]any{"notificationId": ntfy["notificationId"]})
	if at(one, "ntfy", "topic") != "t2" || at(one, "ntfy", "accessToken") != nil || at(one, "ntfy", "priority") != 3.0 {
		t.Errorf("after updateNtfy: %v", one["ntfy"])
	}
	lark := byName["Lark"]
	status, body := c.post("notification.updateLark", map[string]any{"notificationId": lark["notificationId"],
		"larkId": lark["larkId"], "name": "renamed", "appDeploy": false})
	if status != 500 || restMessage(t, body) != "No values to set" {
		t.Errorf("updateLark without webhookUrl: %d %s", status, body)
	}
	if n := c.callMap("notification.one", map[string]any{"notificationId": lark["notificationId"]}); n["name"] != "Lark" || n["appDeploy"] != true {
		t.Errorf("a failed update was kept: %v", n)
	}

	status, body = c.post("notification.createPushover", map[string]any{"name": "p", "userKey": "u", "apiToken": "t", "priority": 2})
	if status != 400 || !bytes.Contains(body, []byte("Retry and expire are required for emergency priority (2)")) {
		t.Errorf("pushover priority 2: %d %s", status, body)
	}
	status, body = c.post("notification.createMattermost", flags(map[string]any{"name": "m", "webhookUrl": "not a url"}))
	if status != 400 || !bytes.Contains(body, []byte("Invalid URL")) {
		t.Errorf("mattermost url: %d %s", status, body)
	}
	status, body = c.post("notification.createEmail", flags(map[string]any{"name": "e", "smtpServer": "s", "smtpPort": 25,
		"username": "u", "password": "p", "fromAddress": "f", "toAddresses": []any{}}))
	if status != 400 || !bytes.Contains(body, []byte("Too small: expected array to have >=1 items")) {
		t.Errorf("email without addresses: %d %s", status, body)
	}
	// remove's router turns the 404 of a missing notification into a 400.
	c.call("notification.remove", map[string]any{"notificationId": lark["notificationId"]})
	status, body = c.post("notification.remove", map[string]any{"notificationId": lark["notificationId"]})
	if status != 400 || restMessage(t, body) != "Notification not found" {
		t.Errorf("remove again: %d %s", status, body)
	}
}

// Seeded git providers appear in the lists the client resolves names with,
// their ids can be saved on applications, and application.one shows the
// provider without its secrets while compose.one shows it whole.
func TestGitProviders(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	ids := map[string]string{}
	for _, typ := range []string{"github", "gitlab", "bitbucket", "gitea"} {
		_, id, err := c.s.AddGitProvider(GitProvider{Type: typ, Name: "my-" + typ})
		if err != nil {
			t.Fatal(err)
		}
		ids[typ] = id
	}
	gpID, unconfigured, _ := c.s.AddGitProvider(GitProvider{Type: "github", Name: "half", URL: "https://ghe.example", Unconfigured: true})
	if _, _, err := c.s.AddGitProvider(GitProvider{Type: "svn"}); err == nil {
		t.Error("an unknown type was accepted")
	}

	gh := c.call("github.githubProviders", nil).([]any)
	if len(gh) != 1 || at(gh, 0, "githubId") != ids["github"] || at(gh, 0, "gitProvider", "name") != "my-github" {
		t.Errorf("githubProviders %v", gh)
	}
	for proc, typ := range map[string]string{"gitlab.gitlabProviders": "gitlab", "bitbucket.bitbucketProviders": "bitbucket", "gitea.giteaProviders": "gitea"} {
		l := c.call(proc, nil).([]any)
		if len(l) != 1 || at(l, 0, typ+"Id") != ids[typ] || at(l, 0, "gitProvider", "providerType") != typ {
			t.Errorf("%s: %v", proc, l)
		}
	}
	all := c.call("gitProvider.getAll", nil).([]any)
	if len(all) != 5 || at(all, 0, "gitProviderId") != gpID || at(all, 0, "github", "isConfigured") != false ||
		at(all, 0, "github", "githubUrl") != "https://ghe.example" || at(all, 0, "isOwner") != true || at(all, 1, "gitea", "isConfigured") != true {
		t.Errorf("getAll %v", all)
	}
	if _, has := at(all, 1, "gitea").(map[string]any)["clientSecret"]; has {
		t.Error("getAll shows a secret")
	}

	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})["applicationId"]
	c.call("application.saveGithubProvider", map[string]any{"applicationId": app, "repository": "r", "owner": "o",
		"buildPath": "/", "githubId": unconfigured, "branch": "main"})
	one := c.callMap("application.one", map[string]any{"applicationId": app})
	github, _ := one["github"].(map[string]any)
	if github["githubId"] != unconfigured || github["githubUrl"] != "https://ghe.example" {
		t.Errorf("application.one github %v", one["github"])
	}
	if _, has := github["githubPrivateKey"]; has {
		t.Error("application.one shows the github private key")
	}
	compose := c.callMap("compose.create", map[string]any{"name": "c", "environmentId": prod})["composeId"]
	c.call("compose.update", map[string]any{"composeId": compose, "gitlabId": ids["gitlab"]})
	if at(c.call("compose.one", map[string]any{"composeId": compose}), "gitlab", "accessToken") == nil {
		t.Error("compose.one gitlab without its token")
	}
}

// Without a Docker failure, start sets done and stop idle; both answer the
// service as it was before.
func TestStartStop(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := map[string]any{"applicationId": c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})["applicationId"]}
	if before := c.callMap("application.start", app); before["applicationStatus"] != "idle" ||
		c.callMap("application.one", app)["applicationStatus"] != "done" {
		t.Errorf("application.start answered %v", before["applicationStatus"])
	}
	if before := c.callMap("application.stop", app); before["applicationStatus"] != "done" ||
		c.callMap("application.one", app)["applicationStatus"] != "idle" {
		t.Errorf("application.stop answered %v", before["applicationStatus"])
	}
	redis := map[string]any{"redisId": c.callMap("redis.create", map[string]any{"name": "r", "environmentId": prod, "databasePassword": "p"})["redisId"]}
	if before := c.callMap("redis.start", redis); before["applicationStatus"] != "idle" || c.callMap("redis.one", redis)["applicationStatus"] != "done" {
		t.Errorf("redis.start answered %v", before["applicationStatus"])
	}

	down := newClient(t, Options{DeployError: "boom"})
	_, prod, _ = down.setup()
	pg := down.callMap("postgres.create", map[string]any{"name": "p", "environmentId": prod, "databaseName": "d", "databaseUser": "u", "databasePassword": "pw"})
	id := map[string]any{"postgresId": pg["postgresId"]}
	status, body := down.post("postgres.start", id)
	want := fmt.Sprintf("Command execution failed: Command failed: docker service scale %s=1 \n%s: boom", pg["appName"], pg["appName"])
	if status != 500 || restMessage(t, body) != want {
		t.Errorf("postgres.start without Docker: %d %s", status, body)
	}
	if status, body := down.post("postgres.stop", id); status != 200 || down.callMap("postgres.one", id)["applicationStatus"] != "idle" {
		t.Errorf("postgres.stop without Docker: %d %s", status, body)
	}
	stack := down.callMap("compose.create", map[string]any{"name": "s", "environmentId": prod, "composeType": "stack"})
	cid := map[string]any{"composeId": stack["composeId"]}
	if down.call("compose.start", cid) != true { // a stack's start runs no command
		t.Error("stack start")
	}
	status, body = down.post("compose.stop", cid)
	if status != 500 || restMessage(t, body) != "Command execution failed: Command failed: docker stack rm "+stack["appName"].(string)+"\nboom" ||
		down.callMap("compose.one", cid)["composeStatus"] != "error" {
		t.Errorf("stack stop without Docker: %d %s", status, body)
	}
}

// On the tRPC face nothing is coerced: a swarm number given as a string is
// refused there, while REST takes it (capture 537). Several unknown keys
// are listed in one issue.
func TestSwarmSettingsFaces(t *testing.T) {
	c := newClient(t, Options{})
	_, prod, _ := c.setup()
	app := c.callMap("application.create", map[string]any{"name": "a", "environmentId": prod})["applicationId"]
	in := map[string]any{"applicationId": app, "modeSwarm": map[string]any{"Replicated": map[string]any{"Replicas": "2"}}}
	if status, body := c.post("application.update", in); status != 200 {
		t.Fatalf("REST: %d %s", status, body)
	}
	if got := at(c.call("application.one", map[string]any{"applicationId": app}), "modeSwarm", "Replicated", "Replicas"); got != 2.0 {
		t.Errorf("REST stored Replicas %v", got)
	}
	status, body := c.trpcPost([]string{"application.update"}, []any{in}, false)
	if status != 400 || !bytes.Contains(body, []byte(`expected number, received string`)) {
		t.Errorf("tRPC: %d %s", status, body)
	}
	status, body = c.post("application.update", map[string]any{"applicationId": app,
		"restartPolicySwarm": map[string]any{"B": 1, "A": 2, "Delay": 1},
		"placementSwarm":     map[string]any{"Preferences": []any{map[string]any{"Spread": map[string]any{"SpreadDescriptor": "x", "Extra": 1}}}}})
	if status != 400 || !bytes.Contains(body, []byte(`Unrecognized keys: \"A\", \"B\"`)) || bytes.Contains(body, []byte("Extra")) {
		t.Errorf("unknown keys: %d %s", status, body)
	}
}

// Tag assignments follow their tag and project: removing either removes
// them from the listings.
func TestProjectTags(t *testing.T) {
	c := newClient(t, Options{})
	projectID, _, _ := c.setup()
	tag := c.callMap("tag.create", map[string]any{"name": "t"})["tagId"]
	pt := c.callMap("tag.assignToProject", map[string]any{"projectId": projectID, "tagId": tag})
	if pt["projectId"] != projectID || pt["tagId"] != tag {
		t.Errorf("assign answered %v", pt)
	}
	if at(c.call("project.all", nil), 0, "projectTags", 0, "tag", "name") != "t" {
		t.Error("project.all projectTags")
	}
	status, body := c.post("tag.assignToProject", map[string]any{"projectId": "missing", "tagId": tag})
	if status != 404 || restMessage(t, body) != "Project not found or you don't have permission to modify it" {
		t.Errorf("unknown project: %d %s", status, body)
	}
	c.call("tag.remove", map[string]any{"tagId": tag})
	if n := len(at(c.call("project.one", map[string]any{"projectId": projectID}), "projectTags").([]any)); n != 0 {
		t.Errorf("%d projectTags after tag.remove", n)
	}
}

// The new tables are part of the state snapshot.
func TestInfraStateRoundTrip(t *testing.T) {
	c := newClient(t, Options{})
	key := c.addSSHKey("k")
	srv := c.addServer("s", key)
	c.s.AddGitProvider(GitProvider{Type: "gitea", Name: "g"}) //nolint:errcheck // a known type
	var snap bytes.Buffer
	if err := c.s.SaveState(&snap); err != nil {
		t.Fatal(err)
	}
	other := newClient(t, Options{})
	if err := other.s.LoadState(&snap); err != nil {
		t.Fatal(err)
	}
	if at(other.call("server.one", map[string]any{"serverId": srv}), "sshKey", "sshKeyId") != key ||
		len(other.call("gitea.giteaProviders", nil).([]any)) != 1 {
		t.Error("the snapshot lost servers, keys or providers")
	}
}
