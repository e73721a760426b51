package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A value the server hides is not compared, but a key the spec drops is
// still dropped, loudly: Dokploy replaces the whole env.
func TestRedactedEnvValues(t *testing.T) {
	f := load(t, `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            env: {A: "2", TOKEN: t-1}
`, nil)
	live := liveJSON(t, `{"shop":[{"projectId":"p1","name":"shop","env":"","environments":[
 {"environmentId":"e1","name":"production","isDefault":true,"env":"",
  "applications":[{"applicationId":"a1","name":"api","sourceType":"docker",
   "env":"A=1\nTOKEN=__DOKPLOY_REDACTED_SECRET__\nSECRET=__DOKPLOY_REDACTED_SECRET__",
   "deployments":[{"deploymentId":"d1","status":"done","createdAt":"2026-01-01T00:00:00.000Z"}]}]}]}]}`)
	p := Compute(f, live)
	if diff := cmp.Diff([]string{"~ shop/production/application/api ~env.A -env.SECRET"}, summary(p)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if len(p.Changes) != 1 || len(p.Changes[0].Warnings) != 1 || !strings.Contains(p.Changes[0].Warnings[0], "SECRET, which exists live but not in dokploy.yaml, will be removed") {
		t.Errorf("warnings: %v", p.Changes)
	}
	if diff := cmp.Diff([]string{"shop/production/application/api: env.TOKEN (redacted by the server)"}, p.NotCompared); diff != "" {
		t.Errorf("not compared (-want +got):\n%s", diff)
	}
}

// A git URL with credentials (a token as the user, or user:password) is
// compared as it is but never shown.
func TestURLCredentialsAreNotShown(t *testing.T) {
	f := load(t, `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {git: {url: "https://ghp_tokenvalue123@github.com/acme/api.git", branch: main}}
`, nil)
	p := Compute(f, liveJSON(t, ""))
	var out strings.Builder
	Render(&out, p, RenderOptions{})
	js, _ := json.Marshal(p.JSON(RenderOptions{ShowValues: true}))
	for _, text := range []string{out.String(), string(js)} {
		if strings.Contains(text, "ghp_tokenvalue123") || !strings.Contains(text, "https://xxxxx@github.com/acme/api.git") {
			t.Errorf("output:\n%s", text)
		}
	}
}
