package planner

import (
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// LiveID is the id of the live resource at addr, declared or unmanaged,
// or "" when the declared projects have none there (or two).
func (p *Plan) LiveID(addr string) string {
	if id := p.IDs[addr]; id != "" {
		return id
	}
	for _, r := range p.Unmanaged {
		if r.Address == addr {
			return r.ID
		}
	}
	return ""
}

// LiveEnv finds the live project, environment or service with id among
// the declared projects (the ids of Plan.LiveID) and returns its kind and
// its env text (nil: none set). ok is false when no such resource has an
// env (no resource with that id, or one of another kind).
func LiveEnv(live *dokploy.Live, id string) (kind string, env *string, ok bool) {
	if id == "" {
		return "", nil, false
	}
	for _, ps := range live.Projects {
		for _, p := range ps {
			if p.ProjectID == id {
				return KindProject, &p.Env, true
			}
			for _, e := range p.Environments {
				if e.EnvironmentID == id {
					return KindEnvironment, &e.Env, true
				}
				for _, a := range e.Applications {
					if a.ApplicationID == id {
						return KindApplication, a.Env, true
					}
				}
				for _, c := range e.Compose {
					if c.ComposeID == id {
						return KindCompose, c.Env, true
					}
				}
				for _, d := range e.Databases {
					if d.ID == id {
						return d.Kind, d.Env, true
					}
				}
			}
		}
	}
	return "", nil, false
}

// OnlyEnv narrows the plan to the env of the resource at addr (env push):
// the env fields of its change, with the warning about the keys it drops
// naming source (the file pushed) in the place of dokploy.yaml; no other change,
// nothing unmanaged, no deploy owed from before. What apply then deploys
// follows from the env change (apply.DeployTargets), as after any apply;
// Targets is addr, so that "deploy: always" means the services at or
// under addr.
func (p *Plan) OnlyEnv(addr, source string) {
	var changes []*Change
	for _, c := range p.Changes {
		if c.Address != addr {
			continue
		}
		var fields []*FieldDiff
		for _, f := range c.Fields {
			if f.Name == "env" || strings.HasPrefix(f.Name, "env.") {
				fields = append(fields, f)
			}
		}
		if len(fields) == 0 {
			continue
		}
		// The env's one warning, the keys it drops, now of source.
		var warnings []string
		if dropped := DroppedEnvKeys(fields); len(dropped) > 0 {
			warnings = append(warnings, droppedWarning("env", dropped, source))
		}
		n := *c
		n.Fields, n.Warnings = fields, warnings
		changes = append(changes, &n)
	}
	p.Changes = changes
	p.Unmanaged, p.Deploys = nil, nil
	p.Targets, p.EnvOnly = []string{addr}, addr
}

// DroppedEnvKeys are the env keys that fields remove.
func DroppedEnvKeys(fields []*FieldDiff) []string {
	var dropped []string
	for _, f := range fields {
		if k, ok := strings.CutPrefix(f.Name, "env."); ok && f.Action == Delete {
			dropped = append(dropped, k)
		}
	}
	return dropped
}
