package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Target narrows the plan to the given addresses: each target (a project,
// an environment, a service or a child) with everything under it, and the
// parents those need created. Unmanaged resources outside the targets are
// dropped from the plan. An address that names nothing in the spec or the
// live state is an error.
func (p *Plan) Target(targets []string) error {
	if len(targets) == 0 {
		return nil
	}
	for _, t := range targets {
		if !p.declared[t] && !p.liveAddress(t) {
			return fmt.Errorf("--target %s: no such resource in dokploy.yaml or in the declared projects%s", t, spec.AddressHint(t, p.addresses()))
		}
	}
	under := func(addr string) bool {
		for _, t := range targets {
			if addr == t || strings.HasPrefix(addr, t+"/") {
				return true
			}
		}
		return false
	}
	byAddr := map[string]*Change{}
	for _, c := range p.Changes {
		byAddr[c.Address] = c
	}
	keep := map[*Change]bool{}
	for _, c := range p.Changes {
		if !under(c.Address) {
			continue
		}
		keep[c] = true
		// The instance resources it names, when the plan creates them.
		for _, a := range changeRefs(c) {
			if ref := byAddr[a]; ref != nil && ref.Action == Create {
				keep[ref] = true
			}
		}
		// Walk up by address: a parent without a change of its own (the
		// default environment of a new project) has a created parent too.
		for a, _ := splitLast(c.Address); a != ""; a, _ = splitLast(a) {
			if parent := byAddr[a]; parent != nil && parent.Action == Create {
				keep[parent] = true
			}
		}
	}
	var changes []*Change
	for _, c := range p.Changes {
		if keep[c] {
			changes = append(changes, c)
		}
	}
	p.Changes = changes
	var unmanaged []Resource
	for _, r := range p.Unmanaged {
		if under(r.Address) {
			unmanaged = append(unmanaged, r)
		}
	}
	p.Unmanaged = unmanaged
	var deploys []Deploy
	for _, d := range p.Deploys {
		if under(d.Address) {
			deploys = append(deploys, d)
		}
	}
	p.Deploys = deploys
	sorted := append([]string{}, targets...)
	sort.Strings(sorted)
	p.Targets = sorted
	return nil
}

// addresses lists every address the plan knows: declared in the spec, or
// live in the declared projects (sorted, each once).
func (p *Plan) addresses() []string {
	seen := map[string]bool{}
	for a := range p.declared {
		seen[a] = true
	}
	for a := range p.IDs {
		seen[a] = true
	}
	for _, r := range p.Unmanaged {
		seen[r.Address] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func (p *Plan) liveAddress(addr string) bool {
	if _, ok := p.IDs[addr]; ok {
		return true
	}
	for _, r := range p.Unmanaged {
		if r.Address == addr {
			return true
		}
	}
	return false
}
