package planner

import (
	"sort"
	"strings"
)

// Prune turns the unmanaged resources of the plan into deletions, except
// those protect: true covers (a protected project, environment or service
// protects everything in it). The default environment is never unmanaged
// and projects the spec does not name are never read, so neither is ever
// deleted. Deletions come after every other change, children first, then
// services, then environments.
func (p *Plan) Prune() {
	var deletes []*Change
	var kept []Resource
	for _, r := range p.Unmanaged {
		if p.isProtected(r.Address) {
			kept = append(kept, r)
			continue
		}
		parent, name := splitLast(r.Address)
		deletes = append(deletes, &Change{Action: Delete, Address: r.Address, Kind: r.Kind, Name: name, Parent: parent, LiveID: r.ID})
	}
	sort.SliceStable(deletes, func(i, j int) bool { return deleteOrder(deletes[i].Kind) < deleteOrder(deletes[j].Kind) })
	p.Changes = append(p.Changes, deletes...)
	p.Unmanaged = kept
	p.Pruned = true
	if len(deletes) > 0 && p.memberRole {
		p.Warnings = append(p.Warnings, "--prune with a key of the member role: resources this key cannot see are neither listed nor deleted")
	}
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
	switch kind {
	case KindDomain, KindPort, KindMount, KindRedirect, KindSecurity:
		return 0
	case KindEnvironment:
		return 2
	}
	return 1
}
