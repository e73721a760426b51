package dokploytest

import (
	"encoding/json"
	"regexp"
	"sort"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// What each deployment deployed. When an application or compose
// deployment starts, the fake records (in its state, never in an answer) a
// snapshot of the settings it deploys: the service's columns but its name,
// description and status, its ports and mounts (and a compose service's
// domains) without their ids, and the values of the ${{project.K}} and
// ${{environment.K}} it uses. DeployedSettings lets tests compare that
// truth with the settings the service has now, without trusting the
// stamps dokploy-sync writes.

// Git deployments get the commit as title and description when they end
// (services/application.ts deployApplication, finally): the fake's
// checkout always has this commit.
const (
	FakeCommitMessage = "Update the app"
	FakeCommitHash    = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
)

// gitSources are the source types that clone a repository: their
// deployments end with the commit's title and description.
var gitSources = map[string]bool{"github": true, "gitlab": true, "bitbucket": true, "gitea": true, "git": true}

var sharedRefPattern = regexp.MustCompile(`\$\{\{(project|environment)\.([^}]+)\}\}`)

// settingsSnapshot is the canonical JSON of what a deploy of svc (a row of
// t) would deploy now.
func (s *Server) settingsSnapshot(t *tableDef, svc row) string {
	cols := map[string]any{}
	for _, c := range t.cols {
		switch c.name {
		case "name", "description", statusColumn(t):
		default:
			cols[c.name] = svc[c.name]
		}
	}
	id := svc[t.id]
	children := func(ct *tableDef, idCol string) []string {
		var out []string
		for _, r := range s.where(ct, idCol, id) {
			m := map[string]any{}
			for _, c := range ct.cols {
				if c.name != ct.id {
					m[c.name] = r[c.name]
				}
			}
			b, _ := json.Marshal(m)
			out = append(out, string(b))
		}
		sort.Strings(out)
		return out
	}
	snap := map[string]any{"columns": cols, "mounts": children(mountTable, t.id)}
	if t == composeTable {
		snap["domains"] = children(domainTable, t.id)
	} else {
		snap["ports"] = children(portTable, t.id)
	}
	shared := map[string]any{}
	env := s.find(environmentTable, str(svc["environmentId"]))
	var project row
	if env != nil {
		project = s.find(projectTable, str(env["projectId"]))
	}
	for _, col := range []string{"env", "buildArgs", "buildSecrets", "command"} {
		text, _ := svc[col].(string)
		for _, m := range sharedRefPattern.FindAllStringSubmatch(text, -1) {
			scope := project
			if m[1] == "environment" {
				scope = env
			}
			var v any
			if scope != nil {
				text := str(scope["env"])
				if val, ok := dokploy.ParseEnv(&text)[m[2]]; ok {
					v = val
				}
			}
			shared[m[1]+"."+m[2]] = v
		}
	}
	snap["shared"] = shared
	b, _ := json.Marshal(snap)
	return string(b)
}

// DeployedSettings returns the settings snapshot of the newest deployment
// of the application or compose service id (kind "application" or
// "compose") and the snapshot of its settings now; ok is false when its
// newest deployment is missing or not done.
func (s *Server) DeployedSettings(kind, id string) (deployed, current string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := applicationTable
	if kind == "compose" {
		t = composeTable
	}
	svc := s.find(t, id)
	if svc == nil {
		return "", "", false
	}
	all := newestFirst(s.where(deploymentTable, t.id, id))
	if len(all) == 0 || all[0]["status"] != "done" {
		return "", s.settingsSnapshot(t, svc), false
	}
	return s.st.Deployed[str(all[0]["deploymentId"])], s.settingsSnapshot(t, svc), true
}
