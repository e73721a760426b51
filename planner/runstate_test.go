package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// runStatePlan is settingsPlan with, when markers, a server whose deploy
// markers are usable (it has tags, none of them a marker).
func runStatePlan(t *testing.T, specApp, specPG, liveApp, livePG string, markers bool) *Plan {
	t.Helper()
	js := settingsLive(liveApp, livePG)
	live := liveJSON(t, js)
	var projects map[string][]map[string]any
	if err := json.Unmarshal([]byte(js), &projects); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(projects["shop"][0]["environments"].([]any)[0].(map[string]any)["postgres"].([]any)[0])
	db := &dokploy.Database{Kind: "postgres"}
	if err := json.Unmarshal(raw, db); err != nil {
		t.Fatal(err)
	}
	db.ID = "D1"
	live.Projects["shop"][0].Environments[0].Databases[0] = db
	if markers {
		live.Tags = []dokploy.Tag{}
	}
	return Compute(load(t, settingsSpec(specApp, specPG), nil), live)
}

const deployed = `"deployments": [{"deploymentId": "X1", "title": "Manual deployment", "description": "", "status": "done", "createdAt": "2026-01-01T00:00:00.000Z"}]`

// TestRunState: state: stopped stops a running service and owes a stopped
// one no deploy; state: running starts a stopped one by the deploy it is
// owed, by a deploy (an application), or by <kind>.start; absent, nothing
// changes from before.
func TestRunState(t *testing.T) {
	idleApp := `"applicationStatus": "idle", ` + deployed
	for _, tc := range []struct {
		name            string
		app, pg         string // the spec's
		liveApp, livePG string
		markers         bool
		fields          map[string]string // field diffs: "~ before -> after  # note"
		deploys         []string          // "address: reason"
	}{
		{name: "absent: an idle application is owed a deploy as before", liveApp: idleApp,
			deploys: []string{"shop/production/application/api: " + ReasonIdle}},
		{name: "absent: a stopped database is owed a deploy as before", liveApp: deployed, livePG: `"applicationStatus": "idle"`,
			deploys: []string{"shop/production/postgres/db: " + ReasonDatabaseIdle}},
		{name: "stopped, running live: stopped by its procedure", app: "state: stopped", pg: "state: stopped", liveApp: deployed,
			fields: map[string]string{"api.state": `~ running -> stopped  # apply stops it (application.stop)`, "db.state": `~ running -> stopped  # apply stops it (postgres.stop)`}},
		{name: "stopped, stopped live: no change and no deploy owed", app: "state: stopped", pg: "state: stopped", liveApp: idleApp, livePG: `"applicationStatus": "idle"`},
		{name: "stopped, never deployed: nothing to stop", app: "state: stopped", liveApp: `"applicationStatus": "idle", "deployments": []`},
		{name: "stopped, failed deploy: stopped, not redeployed", app: "state: stopped", liveApp: `"applicationStatus": "error", "deployments": [{"deploymentId": "X1", "title": "t", "status": "error", "createdAt": "2026-01-01T00:00:00.000Z"}]`,
			fields: map[string]string{"api.state": `~ running -> stopped  # apply stops it (application.stop)`}},
		{name: "running, running live: no change", app: "state: running", pg: "state: running", liveApp: deployed},
		{name: "running, stopped and owed a deploy: the deploy starts it", app: "state: running", pg: "state: running", liveApp: idleApp, livePG: `"applicationStatus": "idle"`,
			deploys: []string{"shop/production/postgres/db: " + ReasonDatabaseIdle + "; the deploy starts it (state: running)", "shop/production/application/api: " + ReasonIdle + "; the deploy starts it (state: running)"}},
		{name: "running, stopped application owed nothing: a deploy starts it", app: "state: running", liveApp: idleApp, markers: true,
			deploys: []string{"shop/production/application/api: " + ReasonStopped}},
		{name: "running, stopped database with deploy: never: postgres.start", pg: "state: running\ndeploy: never", liveApp: deployed, livePG: `"applicationStatus": "idle"`,
			fields: map[string]string{"db.state": `~ stopped -> running  # apply starts it (postgres.start)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := runStatePlan(t, tc.app, tc.pg, tc.liveApp, tc.livePG, tc.markers)
			if len(p.Errors) > 0 {
				t.Fatal(p.Errors)
			}
			got := map[string]string{}
			for _, c := range p.Changes {
				for _, f := range c.Fields {
					s := string(f.Action) + " " + f.Before + " -> " + f.After
					if f.Note != "" {
						s += "  # " + f.Note
					}
					got[c.Name+"."+f.Name] = s
				}
			}
			if !equalMaps(got, tc.fields) {
				t.Errorf("field diffs = %v, want %v", got, tc.fields)
			}
			var deploys []string
			for _, d := range p.Deploys {
				deploys = append(deploys, d.Address+": "+d.Reason)
			}
			if strings.Join(deploys, "\n") != strings.Join(tc.deploys, "\n") {
				t.Errorf("deploys =\n%s\nwant\n%s", strings.Join(deploys, "\n"), strings.Join(tc.deploys, "\n"))
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestStartProc: an application and a compose stack start by a deploy,
// the others by <kind>.start; a stop is <kind>.stop for every kind.
func TestStartProc(t *testing.T) {
	act := kinds.RunState.Hooks.Act
	for _, tc := range []struct {
		kind, value string
		live        map[string]any
		want        string
	}{
		{"application", "running", nil, ""},
		{"compose", "running", map[string]any{"composeType": "stack"}, ""},
		{"compose", "running", map[string]any{"composeType": "docker-compose"}, "compose.start"},
		{"libsql", "running", nil, "libsql.start"},
		{"mongo", "running", nil, "mongo.start"},
		{"application", "stopped", nil, "application.stop"},
		{"compose", "stopped", map[string]any{"composeType": "stack"}, "compose.stop"},
		{"mariadb", "stopped", nil, "mariadb.stop"},
	} {
		if got := act(tc.kind, tc.value, tc.live); got != tc.want {
			t.Errorf("%s %s %v: %q, want %q", tc.kind, tc.value, tc.live, got, tc.want)
		}
	}
}
