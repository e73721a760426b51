package kinds

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A notification's create goes to its channel's procedure with the
// channel's keys flat among the flags, the keys the file leaves out at
// their defaults (create<Type> requires them); the other channels' keys
// are gone.
func TestNotificationWriteCreate(t *testing.T) {
	in := map[string]any{
		"name": "deploys", "appDeploy": true, "serverThreshold": false,
		"slack":   map[string]any{"webhookUrl": "https://hooks.example/x"},
		"discord": nil,
	}
	proc := Notification.Hooks.Write(in, nil)
	if proc != "notification.createSlack" {
		t.Errorf("proc = %q, want notification.createSlack", proc)
	}
	want := map[string]any{"name": "deploys", "appDeploy": true, "serverThreshold": false,
		"webhookUrl": "https://hooks.example/x", "channel": ""}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}
}

// An update gets the id of the live channel row (slackId) and goes to
// update<Type>; gotify and ntfy take no serverThreshold.
func TestNotificationWriteUpdate(t *testing.T) {
	in := map[string]any{"notificationId": "n1", "dockerCleanup": true,
		"slack": map[string]any{"webhookUrl": "u", "channel": "#a"}}
	live := map[string]any{"notificationType": "slack", "slackId": "s1", "discordId": nil}
	if proc := Notification.Hooks.Write(in, live); proc != "notification.updateSlack" {
		t.Errorf("proc = %q", proc)
	}
	want := map[string]any{"notificationId": "n1", "dockerCleanup": true, "webhookUrl": "u", "channel": "#a", "slackId": "s1"}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}

	in = map[string]any{"notificationId": "n2", "serverThreshold": false,
		"gotify": map[string]any{"serverUrl": "https://g", "appToken": "t"}}
	if proc := Notification.Hooks.Write(in, map[string]any{"gotifyId": "g1"}); proc != "notification.updateGotify" {
		t.Errorf("proc = %q", proc)
	}
	want = map[string]any{"notificationId": "n2", "serverUrl": "https://g", "appToken": "t", "priority": float64(5),
		"decoration": false, "gotifyId": "g1"}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("gotify input (-want +got):\n%s", diff)
	}
}

// Every channel has its pair of procedures, named as Dokploy's router
// names them.
func TestNotificationProceduresPerChannel(t *testing.T) {
	for _, typ := range NotificationChannels() {
		in := map[string]any{typ: map[string]any{}}
		create := Notification.Hooks.Write(in, nil)
		in = map[string]any{typ: map[string]any{}}
		update := Notification.Hooks.Write(in, map[string]any{typ + "Id": "x"})
		title := strings.ToUpper(typ[:1]) + typ[1:]
		if create != "notification.create"+title || update != "notification.update"+title || in[typ+"Id"] != "x" {
			t.Errorf("%s: create %q, update %q, input %v", typ, create, update, in)
		}
	}
}

func TestNotificationValidate(t *testing.T) {
	obj := struct{}{} // the hooks only look at which channel keys are set
	cases := []struct {
		item  Values
		field string
		msg   string
	}{
		{Values{"slack": obj}, "", ""},
		{Values{"appDeploy": true}, "", "needs its channel: one of slack, telegram, discord, email, resend, gotify, ntfy, mattermost, custom, lark, pushover, teams"},
		{Values{"slack": obj, "teams": obj}, "teams", "a notification has one channel, and this one has slack already"},
		{Values{"ntfy": obj, "serverThreshold": true}, "serverThreshold", "Dokploy sends no server threshold events to ntfy"},
		{Values{"ntfy": obj, "serverThreshold": false}, "", ""},
		{Values{"email": obj, "serverThreshold": true}, "", ""},
	}
	for _, c := range cases {
		ps := Notification.Hooks.Validate(Item{Values: c.item})
		switch {
		case c.msg == "" && len(ps) != 0:
			t.Errorf("%v: problems %v, want none", c.item, ps)
		case c.msg != "" && (len(ps) != 1 || ps[0].Field != c.field || !strings.HasPrefix(ps[0].Message, c.msg)):
			t.Errorf("%v: problems %v, want %s: %s", c.item, ps, c.field, c.msg)
		}
	}
}

// A notification keeps its channel type: another one is a plan error.
func TestNotificationCheck(t *testing.T) {
	live := map[string]any{"notificationType": "slack"}
	if msg := Notification.Hooks.Check(Values{"slack": struct{}{}}, live); msg != "" {
		t.Errorf("same channel: %q", msg)
	}
	msg := Notification.Hooks.Check(Values{"discord": struct{}{}}, live)
	if !strings.Contains(msg, "cannot change the channel of a live notification (slack -> discord)") {
		t.Errorf("another channel: %q", msg)
	}
}

// Each git provider kind keeps the providers of its type from
// gitProvider.getAll, with the id sources hold at the top of the row.
func TestGitProviderRows(t *testing.T) {
	rows := []map[string]any{
		{"gitProviderId": "p1", "name": "acme", "providerType": "github", "github": map[string]any{"githubId": "gh1"}, "gitlab": nil},
		{"gitProviderId": "p2", "name": "acme", "providerType": "gitlab", "github": nil, "gitlab": map[string]any{"gitlabId": "gl1"}},
	}
	for _, c := range []struct {
		k    *Kind
		want []map[string]any
	}{
		{GitHubProvider, []map[string]any{{"name": "acme", "githubId": "gh1", "gitProviderId": "p1"}}},
		{GitLabProvider, []map[string]any{{"name": "acme", "gitlabId": "gl1", "gitProviderId": "p2"}}},
		{GiteaProvider, nil},
	} {
		var got []map[string]any
		for _, r := range rows {
			if x := c.k.Hooks.Row(r); x != nil {
				got = append(got, x)
				if x[c.k.IDKey] == nil {
					t.Errorf("%s: no %s in %v", c.k.Name, c.k.IDKey, x)
				}
			}
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s rows (-want +got):\n%s", c.k.Name, diff)
		}
	}
	if ProviderKind("github") != GitHubProvider.Name || ProviderKind("git") != "" || ByName(ProviderKind("gitea")) != GiteaProvider {
		t.Errorf("ProviderKind does not name the provider kinds")
	}
}

// The private key check never quotes the key.
func TestSSHKeyValidate(t *testing.T) {
	good := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n"
	if ps := SSHKey.Hooks.Validate(Item{Values: Values{"privateKey": good}}); len(ps) != 0 {
		t.Errorf("a good key: %v", ps)
	}
	ps := SSHKey.Hooks.Validate(Item{Values: Values{"privateKey": "hunter2-not-a-key"}})
	if len(ps) != 1 || ps[0].Field != "privateKey" || strings.Contains(ps[0].Message, "hunter2") {
		t.Errorf("a bad key: %v", ps)
	}
}

// Read-only kinds are never created, so naming one adds no creation level;
// naming a declared kind does.
func TestDepthIgnoresReadOnlyKinds(t *testing.T) {
	if d := Certificate.Depth(); d != 0 {
		t.Errorf("certificate (names a server) depth = %d, want 0", d)
	}
	named := &Kind{Name: "x", Fields: []*Field{{Name: "key", Ref: SSHKey.Name}}}
	if d := named.Depth(); d != 1 {
		t.Errorf("a kind naming sshKey: depth = %d, want 1", d)
	}
}

// Read-only kinds are no top-level keys of the spec; server is a key of
// every service.
func TestServerKeys(t *testing.T) {
	for _, k := range Instance() {
		if k.ReadOnly {
			t.Errorf("Instance lists the read-only kind %s", k.Name)
		}
	}
	if k, _ := Key("", "servers"); k != nil {
		t.Errorf("servers is a top-level key")
	}
	for _, parent := range ServiceKinds {
		k, f := Key(parent, "server")
		if k != ServiceServer || f == nil || f.Ref != Server.Name || !f.CreateOnly {
			t.Errorf("%s: server is %v %v", parent, k, f)
		}
	}
}
