package planner

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

const registrySpec = `
apiVersion: dokploy-sync/v1
registries:
  ghcr: {username: deploy, password: "${PW}", registryUrl: ghcr.io}
projects: {}
`

// registry.all answers passwords in clear: an equal one is no change, a
// different one a sensitive change whose values no rendering shows.
func TestRegistryPasswordIsComparedAndNeverShown(t *testing.T) {
	live := liveJSON(t, "")
	live.Items = dokploy.Items{"registry": {{"registryId": "r1", "registryName": "ghcr", "username": "deploy", "password": "old-pw-live",
		"registryUrl": "ghcr.io", "imagePrefix": nil, "registryType": "cloud"}}}
	if p := Compute(load(t, registrySpec, map[string]string{"PW": "old-pw-live"}), live); len(p.Changes) != 0 || len(p.Errors) != 0 {
		t.Fatalf("the same password plans %v, errors %q", summary(p), p.Errors)
	}
	p := Compute(load(t, registrySpec, map[string]string{"PW": "new-pw-file"}), live)
	if got := strings.Join(summary(p), "\n"); got != "~ registry[ghcr] ~password" {
		t.Fatalf("plan %q, want the password's update only", got)
	}
	if !p.Changes[0].Fields[0].Sensitive {
		t.Errorf("the password's change is not sensitive")
	}
	var text, js bytes.Buffer
	Render(&text, p, RenderOptions{ShowValues: true})
	if err := RenderJSON(&js, p, RenderOptions{ShowValues: true}); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), js.String()} {
		if strings.Contains(out, "old-pw-live") || strings.Contains(out, "new-pw-file") {
			t.Errorf("a password is shown:\n%s", out)
		}
	}
}

// A kind that cannot be read is a plan error that names it.
func TestUnreadableRegistriesAreAnError(t *testing.T) {
	live := liveJSON(t, "")
	live.ItemErrors = map[string]error{"registry": errors.New("reading the registries (registry.all): UNAUTHORIZED")}
	p := Compute(load(t, registrySpec, map[string]string{"PW": "x"}), live)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0], "the spec declares or references registries, so the plan cannot be made without them") {
		t.Errorf("errors %q", p.Errors)
	}
}

// Dokploy does not keep schedule names unique: two live schedules with
// the declared name are an error naming both.
func TestTwoLiveSchedulesWithOneName(t *testing.T) {
	live := liveJSON(t, `{"shop": [{"projectId": "p1", "name": "shop", "environments": [{"environmentId": "e1", "name": "production", "isDefault": true,
		"applications": [{"applicationId": "a1", "name": "api", "appName": "shop-api-x1", "sourceType": "docker", "dockerImage": "nginx:1.27"}]}]}]}`)
	app := live.Projects["shop"][0].Environments[0].Applications[0]
	app.Items = dokploy.Items{"schedule": {
		{"scheduleId": "s1", "name": "cleanup", "cronExpression": "0 3 * * *", "command": "true", "shellType": "bash", "enabled": true},
		{"scheduleId": "s2", "name": "cleanup", "cronExpression": "0 4 * * *", "command": "true", "shellType": "bash", "enabled": true},
	}}
	f := load(t, `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {docker: {image: "nginx:1.27"}}
            schedules:
              - {name: cleanup, schedule: "0 3 * * *", command: "true"}
`, nil)
	p := Compute(f, live)
	want := "shop/production/application/api/schedule[cleanup]: 2 live schedules match (ids s1, s2); remove all but one in Dokploy"
	if len(p.Errors) != 1 || p.Errors[0] != want {
		t.Errorf("errors %q, want %q", p.Errors, want)
	}
}
