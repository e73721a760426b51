package planner

import (
	"fmt"

	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// The names a source holds instead of ids (provider: in a github, gitlab,
// bitbucket or gitea source, sshKey: in a git source) resolve through the
// refs the described kinds' Ref fields use: the same errors, the same ids.

// SourceRef is a name a source holds: its field in the spec, the kind it
// names and the name.
type SourceRef struct {
	Field, Kind, Name string
}

// SourceRefs lists the names src holds.
func SourceRefs(src *spec.Source) []SourceRef {
	if src == nil {
		return nil
	}
	var out []SourceRef
	if g := src.Git; g != nil && g.SSHKey != nil {
		out = append(out, SourceRef{"source.git.sshKey", kinds.SSHKey.Name, *g.SSHKey})
	}
	for typ, ps := range providerSources(src) {
		if ps.Provider != nil {
			out = append(out, SourceRef{"source." + typ + ".provider", kinds.ProviderKind(typ), *ps.Provider})
		}
	}
	return out
}

// providerSources is the provider part of src by source type: one entry,
// or none.
func providerSources(src *spec.Source) map[string]*spec.ProviderSource {
	switch {
	case src.GitHub != nil:
		return map[string]*spec.ProviderSource{spec.SourceGitHub: &src.GitHub.ProviderSource}
	case src.GitLab != nil:
		return map[string]*spec.ProviderSource{spec.SourceGitLab: &src.GitLab.ProviderSource}
	case src.Bitbucket != nil:
		return map[string]*spec.ProviderSource{spec.SourceBitbucket: &src.Bitbucket.ProviderSource}
	case src.Gitea != nil:
		return map[string]*spec.ProviderSource{spec.SourceGitea: &src.Gitea.ProviderSource}
	}
	return nil
}

// sourceReadKinds are the kinds the sources of the spec's services name.
func sourceReadKinds(f *spec.File) []string {
	var out []string
	for _, p := range f.Projects {
		if p == nil {
			continue
		}
		for _, e := range p.Environments {
			if e == nil {
				continue
			}
			for _, a := range e.Applications {
				if a != nil {
					for _, r := range SourceRefs(a.Source) {
						out = append(out, r.Kind)
					}
				}
			}
			for _, c := range e.Compose {
				if c != nil {
					for _, r := range SourceRefs(c.Source) {
						out = append(out, r.Kind)
					}
				}
			}
		}
	}
	return out
}

// refName diffs a field that names an item of kind where the API holds
// its id: the spec's name against the name of the live id (the id itself
// when no item of kind has it). A name that matches nothing is a plan
// error listing what exists.
func (p *Plan) refName(d *differ, field, kind string, want, liveID *string) {
	if want == nil {
		return
	}
	if _, unset := d.meta.Unknown[field]; !unset {
		if msg := p.refs.check(kind, *want); msg != "" {
			p.Errors = append(p.Errors, fmt.Sprintf("%s: %s: %s", d.c.Address, field, msg))
		}
	}
	have := liveID
	if id := deref(liveID); id != "" {
		if n, ok := p.refs.names[kind][id]; ok {
			have = &n
		}
	}
	d.str(field, true, want, have, false)
}
