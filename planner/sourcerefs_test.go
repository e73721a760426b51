package planner

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

const refsSpec = `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          web:
            server: edge-1
            source:
              github: {provider: acme, owner: acme, repository: web, branch: main}
        compose:
          stack:
            source:
              git: {url: "git@github.com:acme/stack.git", branch: main, sshKey: deploy}
`

// Observe reads the kinds the sources and the services name, and only
// those.
func TestReadKindsOfSourcesAndServers(t *testing.T) {
	got := ReadKinds(load(t, refsSpec, nil))
	if diff := cmp.Diff([]string{"githubProvider", "server", "sshKey"}, got); diff != "" {
		t.Errorf("ReadKinds (-want +got):\n%s", diff)
	}
	byID := strings.NewReplacer("provider: acme", "providerId: gh1", "sshKey: deploy", "sshKeyId: k1", "            server: edge-1\n", "").Replace(refsSpec)
	if got := ReadKinds(load(t, byID, nil)); len(got) != 0 {
		t.Errorf("ids only: ReadKinds = %v, want none", got)
	}
}

const refsLive = `{"shop":[{"projectId":"p1","name":"shop","env":"","environments":[
 {"environmentId":"e1","name":"production","isDefault":true,"env":"",
  "applications":[{"applicationId":"a1","name":"web","appName":"shop-web-x","sourceType":"github","serverId":"SRV",
    "githubId":"GH","owner":"acme","repository":"web","branch":"main"}],
  "compose":[{"composeId":"c1","name":"stack","appName":"shop-stack-x","sourceType":"git","composeType":"docker-compose",
    "customGitUrl":"git@github.com:acme/stack.git","customGitBranch":"main","customGitSSHKeyId":"KEY"}]}]}]}`

func refsLiveState(t *testing.T, gh, srv, key string) *dokploy.Live {
	live := liveJSON(t, strings.NewReplacer(`"GH"`, `"`+gh+`"`, `"SRV"`, `"`+srv+`"`, `"KEY"`, `"`+key+`"`).Replace(refsLive))
	live.Items = dokploy.Items{
		"githubProvider": {{"name": "acme", "githubId": "gh1"}, {"name": "acme-labs", "githubId": "gh2"}},
		"server":         {{"name": "edge-1", "serverId": "s1"}, {"name": "edge-2", "serverId": "s2"}},
		"sshKey":         {{"name": "deploy", "sshKeyId": "k1"}},
	}
	return live
}

// The names are compared with the names of the live ids: the same ids are
// no change, other ones a change shown by name (or by id when no item has
// it); the ids are in IDs for apply.
func TestSourceNamesCompareByName(t *testing.T) {
	f := load(t, refsSpec, nil)
	p := Compute(f, refsLiveState(t, "gh1", "s1", "k1"))
	if len(p.Errors) != 0 || len(p.Changes) != 0 {
		t.Fatalf("same ids: errors %v, changes %v", p.Errors, summary(p))
	}
	for addr, id := range map[string]string{"githubProvider[acme]": "gh1", "sshKey[deploy]": "k1", "server[edge-1]": "s1"} {
		if p.IDs[addr] != id {
			t.Errorf("IDs[%s] = %q, want %q", addr, p.IDs[addr], id)
		}
	}

	p = Compute(f, refsLiveState(t, "gh2", "s1", "gone"))
	var got []string
	for _, c := range p.Changes {
		for _, fd := range c.Fields {
			got = append(got, c.Address+" "+fd.Name+": "+fd.Before+" -> "+fd.After)
		}
	}
	want := []string{
		"shop/production/application/web source.github.provider: acme-labs -> acme",
		"shop/production/compose/stack source.git.sshKey: gone -> deploy",
	}
	if diff := cmp.Diff(want, got); diff != "" || len(p.Errors) != 0 {
		t.Errorf("other ids (-want +got):\n%s\nerrors %v", diff, p.Errors)
	}
}

// A live service on another server is a plan error: Dokploy cannot move
// it. So is a name that matches nothing, with what exists.
func TestServerCannotChange(t *testing.T) {
	p := Compute(load(t, refsSpec, nil), refsLiveState(t, "gh1", "s2", "k1"))
	want := []string{"shop/production/application/web: server: Dokploy cannot move a live service to another server"}
	if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0], want[0]) {
		t.Errorf("errors = %q, want %q", p.Errors, want)
	}
	p = Compute(load(t, strings.Replace(refsSpec, "provider: acme", "provider: acm", 1), nil), refsLiveState(t, "gh1", "s1", "k1"))
	if len(p.Errors) != 1 || p.Errors[0] != `shop/production/application/web: source.github.provider: no githubProvider is named "acm"; Dokploy has acme, acme-labs (did you mean "acme"?)` {
		t.Errorf("errors = %q", p.Errors)
	}
}
