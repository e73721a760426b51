package apply

import (
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

func (r *run) compose(o *op) error {
	c := o.c
	want := c.Desired.(*spec.Compose)
	live, _ := c.Live.(*dokploy.Compose)
	if live == nil {
		live = &dokploy.Compose{}
	}
	o.writes = func(id string) ([]*dokploy.Call, error) { return r.composeWrites(c, id, want, live) }
	if c.Action != planner.Create {
		return nil
	}
	in, err := r.serviceInput(c, want.AppName, want.Description)
	if err != nil {
		return err
	}
	if want.ComposeType != nil {
		in["composeType"] = *want.ComposeType
	}
	if want.ComposeContent != nil {
		in["sourceType"] = "raw"
		in["composeFile"] = *want.ComposeContent
	} else if k := planner.SourceKind(want.Source); k != "" {
		in["sourceType"] = k
	}
	r.serviceCreate(o, in)
	return nil
}

// composeWrites sets the changed fields of a compose service: compose.update
// for everything but the env, which goes through compose.saveEnvironment;
// a compose service this apply creates gets its env in the update too
// (foldCreated).
func (r *run) composeWrites(c *planner.Change, id string, want *spec.Compose, live *dokploy.Compose) ([]*dokploy.Call, error) {
	var calls []*dokploy.Call
	create := c.Action == planner.Create
	in := map[string]any{"composeId": id}
	set := func(field, key string, v any) {
		if c.HasField(field) && !(create && (field == "description" || field == "composeType" || field == "composeFile")) {
			in[key] = v
		}
	}
	set("description", "description", nullable(want.Description))
	set("composeType", "composeType", nullable(want.ComposeType))
	if want.ComposeContent != nil {
		set("composeFile", "composeFile", *want.ComposeContent)
		if c.HasField("source") {
			in["sourceType"] = "raw"
		}
	} else if c.HasField("source") {
		src, err := r.resolveSource(c, want.Source)
		if err != nil {
			return nil, err
		}
		for k, v := range composeSource(src, live) {
			in[k] = v
		}
	}
	set("composePath", "composePath", nullable(want.ComposePath))
	if c.HasField("command") {
		cmd, _ := r.res.Resolve(c.Address, deref(want.Command))
		in["command"] = cmd // "" clears (null is refused)
	}
	set("randomize", "randomize", want.Randomize != nil && *want.Randomize)
	set("isolatedDeployment", "isolatedDeployment", want.IsolatedDeployment != nil && *want.IsolatedDeployment)
	if err := r.settingsInput(c, want.Objects, planner.KindCompose, in); err != nil {
		return nil, err
	}
	if c.HasField("env") {
		env, err := r.envText(c.Address, want.EnvVars, live.Env)
		if err != nil {
			return nil, err
		}
		calls = append(calls, dokploy.NewCall("compose.saveEnvironment", map[string]any{"composeId": id, "env": env}, nil))
	}
	calls = foldCreated(c, in, calls)
	if len(in) > 1 {
		calls = append([]*dokploy.Call{dokploy.NewCall("compose.update", in, nil)}, calls...)
	}
	return calls, nil
}

// composeSource is the compose.update keys that set a compose source (compose
// has no save*Provider procedures).
func composeSource(src *spec.Source, live *dokploy.Compose) map[string]any {
	kind := planner.SourceKind(src)
	in := map[string]any{"sourceType": kind}
	provider := func(ps *spec.ProviderSource) {
		if ps.Meta.Has("submodules") {
			in["enableSubmodules"] = ps.Submodules != nil && *ps.Submodules
		}
		if ps.Meta.Has("watchPaths") {
			in["watchPaths"] = listOrNull(true, ps.WatchPaths, nil)
		}
	}
	switch kind {
	case spec.SourceGit:
		g := src.Git
		in["customGitUrl"], in["customGitBranch"] = g.URL, g.Branch
		in["customGitSSHKeyId"] = pick(&g.Meta, "sshKeyId", g.SSHKeyID, live.CustomGitSSHKeyID)
		if g.Meta.Has("submodules") {
			in["enableSubmodules"] = g.Submodules != nil && *g.Submodules
		}
		if g.Meta.Has("watchPaths") {
			in["watchPaths"] = listOrNull(true, g.WatchPaths, nil)
		}
	case spec.SourceGitHub:
		g := src.GitHub
		in["githubId"], in["owner"], in["repository"], in["branch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		if g.Meta.Has("triggerType") {
			in["triggerType"] = nullable(g.TriggerType)
		}
		provider(&g.ProviderSource)
	case spec.SourceGitLab:
		g := src.GitLab
		in["gitlabId"], in["gitlabOwner"], in["gitlabRepository"], in["gitlabBranch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		if g.Meta.Has("projectId") {
			in["gitlabProjectId"] = nullable(g.ProjectID)
		}
		if g.Meta.Has("pathNamespace") {
			in["gitlabPathNamespace"] = nullable(g.PathNamespace)
		}
		provider(&g.ProviderSource)
	case spec.SourceBitbucket:
		g := src.Bitbucket
		in["bitbucketId"], in["bitbucketOwner"], in["bitbucketRepository"], in["bitbucketBranch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		if g.Meta.Has("repositorySlug") {
			in["bitbucketRepositorySlug"] = nullable(g.RepositorySlug)
		}
		provider(&g.ProviderSource)
	case spec.SourceGitea:
		g := src.Gitea
		in["giteaId"], in["giteaOwner"], in["giteaRepository"], in["giteaBranch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		provider(&g.ProviderSource)
	}
	return in
}

// parentKind is the kind of the service a child belongs to, from its
// parent's address (project/environment/kind/name).
func parentKind(c *planner.Change) string {
	parts := strings.Split(c.Parent, "/")
	if len(parts) < 4 {
		return ""
	}
	return parts[2]
}
