package spec

import (
	"slices"
	"strings"
	"testing"
)

func loadSettings(t *testing.T, app string) (*Object, *Object, Diagnostics) {
	t.Helper()
	doc := `apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {docker: {image: "nginx:1"}}
` + app
	f, diags := LoadBytes("dokploy.yaml", []byte(doc), t.TempDir(), Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if f == nil || diags.HasErrors() {
		return nil, nil, diags
	}
	objs := f.Projects["shop"].Environments["production"].Applications["api"].Objects
	first := func(kind string) *Object {
		if l := objs[kind]; len(l) > 0 {
			return l[0]
		}
		return nil
	}
	return first("swarm"), first("preview"), diags
}

// TestSettingsDecode: durations become nanoseconds, numbers float64 (an
// integer too), env maps map[string]string whose values outputs hide.
func TestSettingsDecode(t *testing.T) {
	swarm, preview, diags := loadSettings(t, `            swarm:
              stopGracePeriod: 30s
              updateConfig: {parallelism: 1, order: start-first, maxFailureRatio: 1, monitor: 1m30s}
            preview:
              env: {TOKEN: tok-value-1234, EMPTY: ""}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := swarm.Values["stopGracePeriod"]; got != Duration(30000000000) {
		t.Errorf("stopGracePeriod: 30s is %v, want 30000000000 ns", got)
	}
	uc := swarm.Values["updateConfig"].(*Object)
	if got := uc.Values["maxFailureRatio"]; got != float64(1) {
		t.Errorf("maxFailureRatio: 1 is %#v, want float64(1)", got)
	}
	if got := uc.Values["monitor"]; got != Duration(90000000000) {
		t.Errorf("monitor: 1m30s is %v, want 90000000000 ns", got)
	}
	env, ok := preview.Values["env"].(map[string]string)
	if !ok || env["TOKEN"] != "tok-value-1234" || len(env) != 2 {
		t.Errorf("preview.env is %#v", preview.Values["env"])
	}
	if !slices.Contains(preview.SecretValues(), "tok-value-1234") {
		t.Errorf("the values of preview.env are not hidden from outputs")
	}
}

func TestSettingsDecodeErrors(t *testing.T) {
	for app, want := range map[string]string{
		"            swarm:\n              updateConfig: {parallelism: 1, order: start-first, maxFailureRatio: lots}\n": `swarm.updateConfig.maxFailureRatio: must be a number, got "lots"`,
		"            swarm:\n              updateConfig: {parallelism: 1, order: start-first, maxFailureRatio: -0.5}\n": `swarm.updateConfig.maxFailureRatio: must be between 0 and 1, got -0.5`,
		"            swarm:\n              stopGracePeriod: -1s\n":                                                      `swarm.stopGracePeriod: must be a duration like 30s`,
		"            swarm:\n              mode: {global: yes}\n":                                                       `swarm.mode.global: must be a mapping`,
		"            preview:\n              env: {TOKEN: [a]}\n":                                                       `preview.env.TOKEN: must be a string, number or boolean`,
		"            preview:\n              port: 70000\n":                                                             `preview.port: must be between 1 and 65535, got 70000`,
	} {
		_, _, diags := loadSettings(t, app)
		if !strings.Contains(diags.String(), want) {
			t.Errorf("%s: diagnostics lack %q:\n%s", strings.TrimSpace(app), want, diags)
		}
	}
}
