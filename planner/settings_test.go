package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// settingsLive is one application and one postgres whose .one answers
// carry the settings columns given (JSON members, without braces).
func settingsLive(app, pg string) string {
	if app != "" {
		app = ", " + app
	}
	if pg != "" {
		pg = ", " + pg
	}
	return `{"shop": [{"projectId": "P1", "name": "shop", "env": "",
  "environments": [{"environmentId": "E1", "name": "production", "isDefault": true, "env": "",
    "postgres": [{"postgresId": "D1", "name": "db", "appName": "shop-db-abc123", "dockerImage": "postgres:16",
       "databaseName": "shop", "databaseUser": "shop", "databasePassword": "pw-1234", "applicationStatus": "done"` + pg + `}],
    "applications": [{"applicationId": "A1", "name": "api", "appName": "shop-api-abc123", "sourceType": "docker",
       "dockerImage": "nginx:1.27", "applicationStatus": "done"` + app + `}]}]}]}`
}

// settingsPlan computes the plan of settingsSpec against settingsLive;
// the database is read as its .one answer is (with its settings).
func settingsPlan(t *testing.T, specApp, specPG, liveApp, livePG string) *Plan {
	t.Helper()
	live := liveJSON(t, settingsLive(liveApp, livePG))
	var projects map[string][]map[string]any
	if err := json.Unmarshal([]byte(settingsLive(liveApp, livePG)), &projects); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(projects["shop"][0]["environments"].([]any)[0].(map[string]any)["postgres"].([]any)[0])
	db := &dokploy.Database{Kind: "postgres"}
	if err := json.Unmarshal(raw, db); err != nil {
		t.Fatal(err)
	}
	db.ID = "D1"
	live.Projects["shop"][0].Environments[0].Databases[0] = db
	return Compute(load(t, settingsSpec(specApp, specPG), nil), live)
}

func settingsSpec(app, pg string) string {
	indent := func(s string) string {
		return strings.ReplaceAll(s, "\n", "\n            ")
	}
	return `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: pw-1234
            ` + indent(pg) + `
        applications:
          api:
            source: {docker: {image: "nginx:1.27"}}
            ` + indent(app) + `
`
}

// fieldDiffs are the field diffs of the plan's changes, by field name:
// action, before and after.
func fieldDiffs(p *Plan) map[string]string {
	out := map[string]string{}
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			out[f.Name] = string(f.Action) + " " + f.Before + " -> " + f.After
		}
	}
	return out
}

// TestSettingsUnits: durations are compared in nanoseconds (Dokploy's
// unit) and shown in the file's units, sizes in bytes and CPUs in
// nano-CPUs; a value in other units is no change.
func TestSettingsUnits(t *testing.T) {
	liveApp, livePG := `"healthCheckSwarm": {"Interval": 30000000000, "Retries": 3}, "stopGracePeriodSwarm": 90000000000`,
		`"memoryLimit": "536870912", "cpuLimit": "500000000"`
	for _, tc := range []struct {
		name, app, pg string
		want          map[string]string
	}{
		{"the same values", "swarm:\n  healthCheck: {interval: 30s, retries: 3}\n  stopGracePeriod: 1m30s",
			"resources: {memoryLimit: 512Mi, cpuLimit: 500m}", map[string]string{}},
		{"the same values in other units", "swarm:\n  healthCheck: {interval: 30000ms, retries: 3}\n  stopGracePeriod: 90s",
			"resources: {memoryLimit: 536870912, cpuLimit: 0.5}", map[string]string{}},
		{"other values", "swarm:\n  healthCheck: {interval: 1m, retries: 3}\n  stopGracePeriod: 500ms",
			"resources: {memoryLimit: 1Gi, cpuLimit: 2}", map[string]string{
				"swarm.healthCheck.interval": "~ 30s -> 1m0s",
				"swarm.stopGracePeriod":      "~ 1m30s -> 500ms",
				"resources.memoryLimit":      "~ 512Mi -> 1Gi",
				"resources.cpuLimit":         "~ 0.5 -> 2",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := settingsPlan(t, tc.app, tc.pg, liveApp, livePG)
			if diff := cmp.Diff(tc.want, fieldDiffs(p)); diff != "" {
				t.Errorf("field diffs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSettingsObjectsCompareWhole: an object is replaced whole, so a key
// the file leaves out of it is a change to unset; a nested list is one
// value; a marker object (mode.global) is its presence; null clears.
func TestSettingsObjectsCompareWhole(t *testing.T) {
	live := settingsLive(`"healthCheckSwarm": {"Test": ["CMD", "true"], "Interval": 30000000000, "Retries": 3},
		"modeSwarm": {"Replicated": {"Replicas": 2}},
		"placementSwarm": {"Constraints": ["node.role==worker"], "Platforms": [{"Architecture": "amd64", "OS": "linux"}]}`, "")
	for _, tc := range []struct {
		name, app string
		want      map[string]string
	}{
		{"equal", "swarm:\n  healthCheck: {test: [CMD, \"true\"], interval: 30s, retries: 3}\n  mode: {replicated: {replicas: 2}}\n" +
			"  placement: {constraints: [node.role==worker], platforms: [{architecture: amd64, os: linux}]}", map[string]string{}},
		{"a key left out", "swarm:\n  healthCheck: {test: [CMD, \"true\"], interval: 30s}", map[string]string{
			"swarm.healthCheck.retries": "- 3 -> ",
		}},
		{"a list item changed", "swarm:\n  placement: {constraints: [node.role==worker], platforms: [{architecture: arm64, os: linux}]}", map[string]string{
			"swarm.placement.platforms": `~ [{"architecture":"amd64","os":"linux"}] -> [{"architecture":"arm64","os":"linux"}]`,
		}},
		{"replicated to global", "swarm:\n  mode: {global: {}}", map[string]string{
			"swarm.mode.replicated": `- {"replicas":2} -> `,
			"swarm.mode.global":     "+  -> {}",
		}},
		{"null", "swarm:\n  healthCheck: null", map[string]string{
			"swarm.healthCheck": `- {"interval":"30s","retries":3,"test":["CMD","true"]} -> `,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Compute(load(t, settingsSpec(tc.app, ""), nil), liveJSON(t, live))
			if diff := cmp.Diff(tc.want, fieldDiffs(p)); diff != "" {
				t.Errorf("field diffs (-want +got):\n%s", diff)
			}
		})
	}
	// global against global is no change.
	p := Compute(load(t, settingsSpec("swarm:\n  mode: {global: {}}", ""), nil), liveJSON(t, settingsLive(`"modeSwarm": {"Global": {}}`, "")))
	if d := fieldDiffs(p); len(d) > 0 {
		t.Errorf("global against global: %v", d)
	}
}

// TestSettingsEnvMap: an env map setting (preview.env) is dotenv text in
// Dokploy and diffed key by key like env, with its values hidden.
func TestSettingsEnvMap(t *testing.T) {
	live := settingsLive(`"previewEnv": "A=1\nB=3\nC=4"`, "")
	p := Compute(load(t, settingsSpec("preview:\n  env: {A: \"1\", B: \"2\"}", ""), nil), liveJSON(t, live))
	got := map[string]string{}
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			if !f.Env {
				t.Errorf("%s is not marked as an env key (its values would be shown)", f.Name)
			}
			got[f.Name] = string(f.Action)
		}
	}
	if diff := cmp.Diff(map[string]string{"preview.env.B": "~", "preview.env.C": "-"}, got); diff != "" {
		t.Errorf("field diffs (-want +got):\n%s", diff)
	}
	var out strings.Builder
	Render(&out, p, RenderOptions{})
	if strings.Contains(out.String(), "B=3") || strings.Contains(out.String(), `"2"`) {
		t.Errorf("the plan shows an env value:\n%s", out.String())
	}
	// null clears every key.
	p = Compute(load(t, settingsSpec("preview:\n  env: null", ""), nil), liveJSON(t, live))
	if diff := cmp.Diff(map[string]string{"preview.env.A": "- 1 -> ", "preview.env.B": "- 3 -> ", "preview.env.C": "- 4 -> "}, fieldDiffs(p)); diff != "" {
		t.Errorf("env: null (-want +got):\n%s", diff)
	}
}

// TestSettingsFlatResources: a database's resources are its own keys;
// only the keys set are managed, null clears the four.
func TestSettingsFlatResources(t *testing.T) {
	livePG := `"memoryLimit": "536870912", "memoryReservation": "268435456", "cpuLimit": null`
	p := settingsPlan(t, "", "resources: {cpuLimit: 1}", "", livePG)
	if diff := cmp.Diff(map[string]string{"resources.cpuLimit": "+  -> 1"}, fieldDiffs(p)); diff != "" {
		t.Errorf("one key set (-want +got):\n%s", diff)
	}
	p = settingsPlan(t, "", "resources: null", "", livePG)
	if diff := cmp.Diff(map[string]string{"resources.memoryLimit": "- 512Mi -> ", "resources.memoryReservation": "- 256Mi -> "}, fieldDiffs(p)); diff != "" {
		t.Errorf("resources: null (-want +got):\n%s", diff)
	}
}

// TestSettingsCreateLeavesOutDefaults: a new service's settings at the
// server's default are not written; a default-true switch set to false
// is.
func TestSettingsCreateLeavesOutDefaults(t *testing.T) {
	p := Compute(load(t, settingsSpec("autoDeploy: false\ncleanCache: false\ncreateEnvFile: true\npreview: {port: 3000, limit: 5}", ""), nil), liveJSON(t, ""))
	got := fieldDiffs(p)
	for _, name := range []string{"cleanCache", "createEnvFile", "preview.port"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s, at its default, is written on create", name)
		}
	}
	for _, name := range []string{"autoDeploy", "preview.limit"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is not written on create: %v", name, got)
		}
	}
}

// TestSettingsSpecAPI: the file's values in Dokploy's form.
func TestSettingsSpecAPI(t *testing.T) {
	f := kinds.Swarm.Field("stopGracePeriod")
	if got := SpecAPI(f, spec.Duration(30e9)); got != float64(30000000000) {
		t.Errorf("30s is %v in the API, want 30000000000", got)
	}
	if got := display(f, float64(30000000000)); got != "30s" {
		t.Errorf("30000000000 is shown %q, want 30s", got)
	}
	o := load(t, settingsSpec("swarm:\n  updateConfig: {parallelism: 1, order: start-first, monitor: 1m30s, maxFailureRatio: 0.1}\n"+
		"  placement: {preferences: [{spread: {spreadDescriptor: node.labels.zone}}]}", ""), nil).
		Projects["shop"].Environments["production"].Applications["api"].Objects["swarm"][0]
	for name, want := range map[string]string{
		"updateConfig": `{"MaxFailureRatio":0.1,"Monitor":90000000000,"Order":"start-first","Parallelism":1}`,
		"placement":    `{"Preferences":[{"Spread":{"SpreadDescriptor":"node.labels.zone"}}]}`,
	} {
		b, _ := json.Marshal(SpecAPI(kinds.Swarm.Field(name), o.Values[name]))
		if string(b) != want {
			t.Errorf("%s is %s in the API, want %s", name, b, want)
		}
	}
}

// TestFingerprintSettings: the swarm settings and createEnvFile are part
// of the fingerprint a deploy is checked against; the switches that act at
// once, preview deployments and settings at their default are not.
func TestFingerprintSettings(t *testing.T) {
	read := func(keys string) *dokploy.Application {
		t.Helper()
		a := &dokploy.Application{}
		js := `{"applicationId": "A1", "name": "api", "sourceType": "docker", "dockerImage": "nginx:1", "createEnvFile": true` + keys + `}`
		if err := json.Unmarshal([]byte(js), a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	fp := Fingerprint(read(""), nil, nil)
	for keys, same := range map[string]bool{
		`, "autoDeploy": false, "cleanCache": true, "rollbackActive": true`: true,
		`, "isPreviewDeploymentsActive": true, "previewEnv": "A=1"`:         true,
		`, "autoDeploy": true, "healthCheckSwarm": null, "labelsSwarm": {}`: true,
		`, "createEnvFile": false`:                                          false,
		`, "labelsSwarm": {"a": "b"}`:                                       false,
		`, "healthCheckSwarm": {"Interval": 30000000000}`:                   false,
		`, "modeSwarm": {"Global": {}}`:                                     false,
	} {
		if got := Fingerprint(read(keys), nil, nil); (got == fp) != same {
			t.Errorf("%s: fingerprint %s, without %s (want the same: %v)", keys, got, fp, same)
		}
	}
}
