package apply

import (
	"fmt"
	"maps"

	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// resolveSource is src with the names it holds (provider:, sshKey:)
// turned into the ids the save*Provider procedures and compose.update
// take, as if the spec gave providerId and sshKeyId: ids of live items,
// or of ones this apply created. src itself is not changed.
func (r *run) resolveSource(c *planner.Change, src *spec.Source) (*spec.Source, error) {
	if len(planner.SourceRefs(src)) == 0 {
		return src, nil
	}
	var missing error
	id := func(kind, name string) string {
		v := r.ids[planner.InstanceAddr(kind, name)]
		if v == "" && missing == nil {
			missing = fmt.Errorf("%s: %s %q has no id (it was not created)", c.Address, kind, name)
		}
		return v
	}
	out := *src
	if g := src.Git; g != nil && g.SSHKey != nil {
		cp := *g
		key := id(kinds.SSHKey.Name, *g.SSHKey)
		cp.SSHKeyID = &key
		cp.Meta.Keys = maps.Clone(g.Meta.Keys)
		cp.Meta.Keys["sshKeyId"] = g.Meta.Keys["sshKey"]
		out.Git = &cp
	}
	provider := func(typ string, ps *spec.ProviderSource) {
		if ps.Provider != nil {
			ps.ProviderID = id(kinds.ProviderKind(typ), *ps.Provider)
		}
	}
	switch {
	case src.GitHub != nil:
		cp := *src.GitHub
		provider(spec.SourceGitHub, &cp.ProviderSource)
		out.GitHub = &cp
	case src.GitLab != nil:
		cp := *src.GitLab
		provider(spec.SourceGitLab, &cp.ProviderSource)
		out.GitLab = &cp
	case src.Bitbucket != nil:
		cp := *src.Bitbucket
		provider(spec.SourceBitbucket, &cp.ProviderSource)
		out.Bitbucket = &cp
	case src.Gitea != nil:
		cp := *src.Gitea
		provider(spec.SourceGitea, &cp.ProviderSource)
		out.Gitea = &cp
	}
	return &out, missing
}
