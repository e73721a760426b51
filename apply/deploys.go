package apply

import (
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Deploy policies of a service (deploy: in the spec).
const (
	DeployOnChange = "onChange"
	DeployAlways   = "always"
	DeployNever    = "never"
)

// DeployTargets decides which services an apply deploys, in plan order:
// the ones it created or whose runtime settings it changed (policy
// onChange, the default), every declared service with policy always, never
// the ones with policy never, and then the deploys the plan owes
// (p.Deploys: services whose newest deployment failed or does not match
// their settings, see planner.OwedReason). Domains, redirects and basic
// auth of an application take effect at once and do not count; a compose
// service's domains become Traefik labels only on a deploy, so they do, and
// so do ports and mounts a --prune deleted. The password of a running
// database (but libsql) was already changed by changePassword. ids holds
// the ids of the services (live ones and those the apply created);
// a service whose spec says state: stopped is never deployed;
// targets, when set, limits "always" to the targeted addresses.
func DeployTargets(f *spec.File, p *planner.Plan, ids map[string]string) []DeployTarget {
	var out []DeployTarget
	seen := map[string]bool{}
	all := services(f)
	stopped := map[string]bool{}
	for _, s := range all {
		stopped[s.addr] = s.state == kinds.StateStopped
	}
	add := func(addr, kind, id string) {
		if seen[addr] || id == "" || stopped[addr] {
			return // a stopped service is never deployed
		}
		seen[addr] = true
		out = append(out, DeployTarget{Address: addr, Kind: kind, ID: id})
	}
	policies := map[string]string{}
	for _, s := range all {
		policies[s.addr] = s.policy
	}
	deleted := deletedAddrs(p)
	for _, c := range p.Changes {
		for _, s := range needDeploy(all, c, deleted) {
			if policies[s.addr] == DeployOnChange {
				add(s.addr, s.kind, ids[s.addr])
			}
		}
	}
	for _, s := range all {
		if s.policy == DeployAlways && targeted(p, s.addr) {
			add(s.addr, s.kind, ids[s.addr])
		}
	}
	for _, d := range p.Deploys {
		add(d.Address, d.Kind, d.ID)
	}
	return out
}

func deletedAddrs(p *planner.Plan) map[string]bool {
	deleted := map[string]bool{}
	for _, c := range p.Changes {
		if c.Action == planner.Delete {
			deleted[c.Address] = true
		}
	}
	return deleted
}

// needDeploy lists the declared services (any policy) that change c needs
// deployed for it to take effect.
func needDeploy(all []service, c *planner.Change, deleted map[string]bool) []service {
	if c.Action == planner.Delete && (!kinds.IsChild(c.Kind) || deleted[c.Parent]) {
		return nil
	}
	addr := c.Address
	switch c.Kind {
	case planner.KindProject, planner.KindEnvironment:
		// Shared variables reach a service only through ${{project.K}}
		// or ${{environment.K}}, resolved when it deploys.
		return usesShared(all, c)
	default:
		if k := kinds.ByName(c.Kind); k != nil {
			if k.Instance() || !k.NeedsDeploy(parentKind(c)) {
				return nil // an instance resource, or a child that acts at once
			}
			addr = c.Parent
		} else if c.Action == planner.Update && !runtimeChange(c) {
			return nil
		}
	}
	for _, s := range all {
		if s.addr == addr {
			return []service{s}
		}
	}
	return nil
}

// UnknownFingerprint stamps a deploy whose settings are not known.
const UnknownFingerprint = "unknown"

// Stamp sets the settings fingerprint of each application and compose
// target from live, the state read after apply's writes and before the
// deploys: the deployment's stamp then says which settings it deployed
// (planner.OwedReason). A target live does not hold (the read after the
// writes failed, and this is the state from before them) gets none, and
// deployCall stamps it UnknownFingerprint: a stamp that matches no
// settings makes a later plan owe the deploy again rather than trust it.
func Stamp(targets []DeployTarget, live *dokploy.Live) {
	fps := planner.Fingerprints(live)
	for i := range targets {
		targets[i].Fingerprint = fps[targets[i].Address]
	}
}

// usesShared lists the services of the project or environment of c that
// reference one of the shared variables c changes.
func usesShared(all []service, c *planner.Change) []service {
	scope := "project."
	if c.Kind == planner.KindEnvironment {
		scope = "environment."
	}
	var refs []string
	for _, fd := range c.Fields {
		if k, ok := strings.CutPrefix(fd.Name, "env."); ok {
			refs = append(refs, "${{"+scope+k+"}}")
		}
	}
	if len(refs) == 0 {
		return nil
	}
	var out []service
	for _, s := range all {
		if s.addr != c.Address && !strings.HasPrefix(s.addr, c.Address+"/") {
			continue
		}
		for _, v := range s.values {
			if containsAny(v, refs) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// runtimeChange: a service change that needs a deploy to take effect.
func runtimeChange(c *planner.Change) bool {
	db, _ := c.Live.(*dokploy.Database)
	for _, f := range c.Fields {
		switch {
		case f.Name == "description":
		case isSetting(c.Kind, f.Name):
		// changePassword changes a running database's password at once
		// (libsql has no changePassword: its record changes, and a deploy
		// applies it).
		case db != nil && running(db) && c.Kind != "libsql" && (f.Name == "databasePassword" || f.Name == "databaseRootPassword"):
		default:
			return true
		}
	}
	return false
}

// isSetting reports whether a service's field is a described setting
// that takes effect without a deploy.
func isSetting(kind, field string) bool {
	deploy, ok := kinds.SettingNeedsDeploy(kind, field)
	return ok && !deploy
}

func targeted(p *planner.Plan, addr string) bool {
	if len(p.Targets) == 0 {
		return true
	}
	for _, t := range p.Targets {
		if addr == t || strings.HasPrefix(addr, t+"/") {
			return true
		}
	}
	return false
}

type service struct {
	addr, kind, policy string
	state              string   // the run state the spec gives it, "" for none
	values             []string // env, build args and secrets, command: where ${{...}} can be
}

func envValues(ms ...map[string]string) []string {
	var out []string
	for _, m := range ms {
		for _, v := range m {
			out = append(out, v)
		}
	}
	return out
}

// services lists the declared services that are not hands-off.
func services(f *spec.File) []service {
	var out []service
	policy := func(p *string) string {
		if p == nil {
			return DeployOnChange
		}
		return *p
	}
	for _, pn := range spec.SortedKeys(f.Projects) {
		for _, en := range spec.SortedKeys(f.Projects[pn].Environments) {
			e := f.Projects[pn].Environments[en]
			base := pn + "/" + en + "/"
			for _, d := range e.Databases() {
				if !spec.HandsOff(&d.Meta, d.Protect) {
					out = append(out, service{base + d.Kind + "/" + d.Name, d.Kind, policy(d.Deploy), planner.DesiredState(d.Objects), envValues(d.EnvVars)})
				}
			}
			for _, n := range spec.SortedKeys(e.Compose) {
				if c := e.Compose[n]; !spec.HandsOff(&c.Meta, c.Protect) {
					vals := envValues(c.EnvVars)
					if c.Command != nil {
						vals = append(vals, *c.Command)
					}
					out = append(out, service{base + "compose/" + n, "compose", policy(c.Deploy), planner.DesiredState(c.Objects), vals})
				}
			}
			for _, n := range spec.SortedKeys(e.Applications) {
				if a := e.Applications[n]; !spec.HandsOff(&a.Meta, a.Protect) {
					vals := envValues(a.EnvVars, a.BuildArgs, a.BuildSecrets)
					if a.Command != nil {
						vals = append(vals, *a.Command)
					}
					out = append(out, service{base + "application/" + n, "application", policy(a.Deploy), planner.DesiredState(a.Objects), vals})
				}
			}
		}
	}
	return out
}

// ServicesUnder lists the declared services (not hands-off) at or under the
// given addresses, for `dokploy-sync deploy ADDRESS...`.
func ServicesUnder(f *spec.File, addrs []string) []DeployTarget {
	var out []DeployTarget
	for _, s := range services(f) {
		for _, a := range addrs {
			if s.addr == a || strings.HasPrefix(s.addr, a+"/") {
				out = append(out, DeployTarget{Address: s.addr, Kind: s.kind, State: s.state})
				break
			}
		}
	}
	return out
}
