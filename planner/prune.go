package planner

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// PruneOptions control Prune.
type PruneOptions struct {
	// Data lets the deletions that lose data through (--delete-data): a
	// database, or a compose service whose volumes go with it
	// (deleteVolumes). Without it they are kept and listed in DataKept.
	Data bool
}

// Prune turns the unmanaged resources of the plan into deletions, except
// those protect: true covers (a protected project, environment or service
// protects everything in it) and, without opt.Data, those that hold data.
// The default environment is never unmanaged and projects the spec does not
// name are never read, so neither is ever deleted. Deletions come after
// every other change, children first, then services, then environments.
//
// A typo must not delete production: a declared environment or service
// that does not exist live, whose name is close to a live one this prune
// would delete, is a plan error with a did-you-mean.
func (p *Plan) Prune(opt PruneOptions) {
	var doomed []Resource
	var kept []Resource
	going := map[string]bool{} // what this prune may delete: no user of what it deletes
	for _, r := range p.Unmanaged {
		going[r.Address] = !p.isProtected(r.Address)
	}
	for _, r := range p.Unmanaged {
		if p.isProtected(r.Address) {
			kept = append(kept, r)
			continue
		}
		if why := p.mayBeUsed(r, going); why != "" {
			p.DataKept = append(p.DataKept, KeptResource{Resource: r, Why: why})
			continue
		}
		doomed = append(doomed, r)
	}
	p.checkTypos(doomed)

	// Resources that hold data wait for --delete-data, and so does the
	// environment they are in (Dokploy refuses to remove one with services).
	held := map[string]bool{}
	var deletes []*Change
	for _, r := range doomed {
		why := p.dataLoss(r)
		if why != "" && !opt.Data {
			held[r.Address] = true
			p.DataKept = append(p.DataKept, KeptResource{Resource: r, Why: why})
			continue
		}
		parent, name := splitLast(r.Address)
		deletes = append(deletes, &Change{Action: Delete, Address: r.Address, Kind: r.Kind, Name: name, Parent: parent, LiveID: r.ID, DataLoss: why})
	}
	deletes = slices.DeleteFunc(deletes, func(c *Change) bool {
		if c.Kind != KindEnvironment {
			return false
		}
		var holds []string
		for a := range held {
			if strings.HasPrefix(a, c.Address+"/") {
				holds = append(holds, a)
			}
		}
		if len(holds) == 0 {
			return false
		}
		sort.Strings(holds)
		p.DataKept = append(p.DataKept, KeptResource{Resource: Resource{c.Address, c.Kind, c.LiveID}, Why: "an environment that still holds " + strings.Join(holds, ", ")})
		return true
	})
	sort.SliceStable(p.DataKept, func(i, j int) bool { return p.DataKept[i].Address < p.DataKept[j].Address })
	sort.SliceStable(deletes, func(i, j int) bool { return deleteOrder(deletes[i].Kind) < deleteOrder(deletes[j].Kind) })
	p.Changes = append(p.Changes, deletes...)
	p.Unmanaged = kept
	p.Pruned = true
	if len(deletes) > 0 && p.memberRole {
		p.Warnings = append(p.Warnings, "--prune with a key of the member role: resources this key cannot see are neither listed nor deleted")
	}
}

// mayBeUsed says why --prune keeps an instance resource that services can
// use (kinds.Kind.Used): the server has projects the spec does not
// declare, which dokploy-sync never reads, so one of them may use it.
func (p *Plan) mayBeUsed(r Resource, going map[string]bool) string {
	k := kinds.ByName(r.Kind)
	if k == nil || !k.Instance() || !k.Used {
		return ""
	}
	if users := p.usedBy(r, going); len(users) > 0 {
		return fmt.Sprintf("a %s that %s uses; change or remove what uses it first", k.Name, strings.Join(users, ", "))
	}
	if len(p.undeclared) == 0 {
		return ""
	}
	return fmt.Sprintf("a %s the projects the spec does not declare may use (%s); declare them, or delete it in Dokploy", k.Name, strings.Join(p.undeclared, ", "))
}

// usedBy lists the live items and services of the declared projects that
// name the instance resource r, but those going too (a backup its destination, an application
// its registry), sorted: deleting r would change them behind the spec's
// back (Dokploy deletes a destination's backups, clears a registry's
// users).
func (p *Plan) usedBy(r Resource, going map[string]bool) []string {
	var out []string
	for addr, svc := range p.live {
		var items dokploy.Items
		switch s := svc.(type) {
		case *dokploy.Application:
			items = s.Items
		case *dokploy.Compose:
			items = s.Items
		case *dokploy.Database:
			items = s.Items
		}
		for kind, rows := range items {
			k := kinds.ByName(kind)
			if k == nil {
				continue
			}
			for _, row := range rows {
				for _, f := range k.Fields {
					if f.Ref == r.Kind && row[f.APIName()] == r.ID && r.ID != "" {
						user := addr
						if !k.Singleton {
							user = childAddr(addr, kind, RowIdentity(k, row))
						}
						if !going[user] {
							out = append(out, user)
						}
					}
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// KeptResource is a resource --prune would delete but keeps, and why.
type KeptResource struct {
	Resource
	Why string
}

// dataLoss says what data deleting r loses, or "" for none.
func (p *Plan) dataLoss(r Resource) string {
	switch {
	case slices.Contains(spec.DatabaseKinds, r.Kind):
		return "a database (Dokploy keeps its data volume on the server, but nothing uses it any more)"
	case r.Kind == KindCompose && p.DeleteVolumes(r.Address):
		return "a compose service whose volumes would be deleted (deleteVolumes: true), and its directory with the files its bind mounts keep"
	case r.Kind == KindCompose:
		return "a compose service: Dokploy removes its directory, with the files its bind mounts keep (../files); its volumes stay"
	}
	return ""
}

// checkTypos adds a plan error for each environment or service the plan
// creates whose name is close to a live one among doomed (in the same
// project, or the same environment and kind).
func (p *Plan) checkTypos(doomed []Resource) {
	// live environment address → how many of its services are doomed,
	// and whether it is doomed itself
	envServices := map[string]int{}
	envDoomed := map[string]bool{}
	services := map[string][]string{} // environment address + "/" + kind → doomed service names
	for _, r := range doomed {
		switch {
		case r.Kind == KindEnvironment:
			envDoomed[r.Address] = true
		case isChildKind(r.Kind):
		default:
			parts := strings.Split(r.Address, "/")
			env := parts[0] + "/" + parts[1]
			envServices[env]++
			services[env+"/"+r.Kind] = append(services[env+"/"+r.Kind], parts[3])
		}
	}
	for _, c := range p.Changes {
		if c.Action != Create {
			continue
		}
		switch {
		case c.Kind == KindEnvironment:
			var names []string
			for env := range envServices {
				if project, name := splitLast(env); project == c.Parent {
					names = append(names, name)
				}
			}
			for env := range envDoomed {
				if project, name := splitLast(env); project == c.Parent && !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
			sort.Strings(names)
			if s := spec.Suggest(c.Name, names); s != "" {
				env := c.Parent + "/" + s
				what := fmt.Sprintf("%d %s of the live environment %q", envServices[env], plural(envServices[env], "service", "services"), s)
				if envDoomed[env] {
					what = fmt.Sprintf("the live environment %q", s)
					if n := envServices[env]; n > 0 {
						what += fmt.Sprintf(" and its %d %s", n, plural(n, "service", "services"))
					}
				}
				p.Errors = append(p.Errors, fmt.Sprintf("%s: no live environment has this name, but --prune would delete %s (did you mean %s?); fix the name in dokploy.yaml, or plan without --prune",
					c.Address, what, strconv.Quote(s)))
			}
		case !isChildKind(c.Kind) && c.Kind != KindProject:
			names := services[c.Parent+"/"+c.Kind]
			sort.Strings(names)
			if s := spec.Suggest(c.Name, names); s != "" {
				p.Errors = append(p.Errors, fmt.Sprintf("%s: no live %s has this name, but --prune would delete the live %s %q (did you mean %s?); fix the name in dokploy.yaml, or plan without --prune",
					c.Address, c.Kind, c.Kind, s, strconv.Quote(s)))
			}
		}
	}
}

func isChildKind(kind string) bool {
	return kinds.ByName(kind) != nil // described kinds: children and instance resources
}

// DeleteVolumes says whether deleting the compose service at addr deletes
// its volumes: deleteVolumes of its environment, else of its project.
func (p *Plan) DeleteVolumes(addr string) bool {
	parts := strings.Split(addr, "/")
	if len(parts) >= 2 {
		if v, ok := p.deleteVolumes[parts[0]+"/"+parts[1]]; ok {
			return v
		}
	}
	return p.deleteVolumes[parts[0]]
}

func (p *Plan) isProtected(addr string) bool {
	for a := addr; a != ""; a, _ = splitLast(a) {
		if p.protected[a] {
			return true
		}
	}
	return false
}

// splitLast splits an address into its parent's address and its name:
// shop/staging → shop, staging; shop/staging/application/api →
// shop/staging, api; .../application/api/domain[x.com/a] →
// .../application/api, x.com/a (a child's key may hold slashes).
func splitLast(addr string) (parent, name string) {
	if j := strings.Index(addr, "["); j >= 0 {
		k := strings.LastIndex(addr[:j], "/")
		if k < 0 {
			return "", strings.TrimSuffix(addr[j+1:], "]") // an instance resource: destination[s3]
		}
		return addr[:k], strings.TrimSuffix(addr[j+1:], "]")
	}
	parts := strings.Split(addr, "/")
	switch len(parts) {
	case 1:
		return "", addr
	case 2:
		return parts[0], parts[1]
	}
	return parts[0] + "/" + parts[1], parts[len(parts)-1]
}

func deleteOrder(kind string) int {
	if kind == KindEnvironment {
		return 2
	}
	if k := kinds.ByName(kind); k != nil {
		if k.Instance() {
			return 3
		}
		return 0
	}
	return 1
}
