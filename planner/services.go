package planner

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// SourceKind is the kind of a spec source: docker, git, github, gitlab,
// bitbucket, gitea, or "" when none is set.
func SourceKind(s *spec.Source) string {
	switch {
	case s == nil:
		return ""
	case s.Docker != nil:
		return spec.SourceDocker
	case s.Git != nil:
		return spec.SourceGit
	case s.GitHub != nil:
		return spec.SourceGitHub
	case s.GitLab != nil:
		return spec.SourceGitLab
	case s.Bitbucket != nil:
		return spec.SourceBitbucket
	case s.Gitea != nil:
		return spec.SourceGitea
	}
	return ""
}

// sourceCols are the live columns of one git provider (Dokploy prefixes
// them per provider: gitlabOwner, giteaBranch, ...).
type sourceCols struct {
	providerID, owner, repository, branch, buildPath *string
}

func (d *differ) strList(name string, owned bool, want, have []string) {
	if !owned {
		return
	}
	d.scalar(name, listString(want), listString(have), false)
}

func listString(l []string) string {
	if len(l) == 0 {
		return ""
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// providerSource diffs the fields every provider shares; the provider by
// name (provider:) or by id (providerId:).
func (p *Plan) providerSource(d *differ, typ string, ps *spec.ProviderSource, have sourceCols, git *dokploy.GitSource, withBuildPath bool) {
	m := &ps.Meta
	prefix := "source." + typ
	if ps.Provider != nil {
		p.refName(d, prefix+".provider", kinds.ProviderKind(typ), ps.Provider, have.providerID)
	} else {
		d.str(prefix+".providerId", true, &ps.ProviderID, have.providerID, false)
	}
	d.str(prefix+".owner", true, &ps.Owner, have.owner, false)
	d.str(prefix+".repository", true, &ps.Repository, have.repository, false)
	d.str(prefix+".branch", true, &ps.Branch, have.branch, false)
	if withBuildPath {
		d.str(prefix+".buildPath", m.Has("buildPath"), ps.BuildPath, have.buildPath, false)
	}
	d.boolean(prefix+".submodules", m.Has("submodules"), ps.Submodules, git.EnableSubmodules)
	d.strList(prefix+".watchPaths", m.Has("watchPaths"), ps.WatchPaths, git.WatchPaths)
}

// source diffs a source against the live columns of an application (or a
// compose service, which has no build paths: withBuildPath false).
func (p *Plan) source(d *differ, src *spec.Source, liveType string, l sourceLive, withBuildPath bool) {
	kind := SourceKind(src)
	if kind == "" {
		return
	}
	if d.c.Action == Update && liveType != kind {
		d.c.Fields = append(d.c.Fields, &FieldDiff{Name: "source", Action: Update, Before: liveType, After: kind})
	}
	switch kind {
	case spec.SourceDocker:
		dk := src.Docker
		d.str("source.docker.image", true, &dk.Image, l.app.DockerImage, false)
		d.str("source.docker.username", dk.Meta.Has("username"), dk.Username, l.app.Username, false)
		d.str("source.docker.password", dk.Meta.Has("password"), dk.Password, l.app.Password, true)
		d.str("source.docker.registryUrl", dk.Meta.Has("registryUrl"), dk.RegistryURL, l.app.RegistryURL, false)
	case spec.SourceGit:
		g := src.Git
		// A URL with credentials (a token) is a secret.
		d.str("source.git.url", true, &g.URL, l.git.CustomGitURL, hasPassword(g.URL) || hasPassword(deref(l.git.CustomGitURL)))
		d.str("source.git.branch", true, &g.Branch, l.git.CustomGitBranch, false)
		if withBuildPath {
			d.str("source.git.buildPath", g.Meta.Has("buildPath"), g.BuildPath, l.git.CustomGitBuildPath, false)
		}
		if g.SSHKey != nil {
			p.refName(d, "source.git.sshKey", kinds.SSHKey.Name, g.SSHKey, l.git.CustomGitSSHKeyID)
		} else {
			d.str("source.git.sshKeyId", g.Meta.Has("sshKeyId"), g.SSHKeyID, l.git.CustomGitSSHKeyID, false)
		}
		d.boolean("source.git.submodules", g.Meta.Has("submodules"), g.Submodules, l.git.EnableSubmodules)
		d.strList("source.git.watchPaths", g.Meta.Has("watchPaths"), g.WatchPaths, l.git.WatchPaths)
	case spec.SourceGitHub:
		g := src.GitHub
		p.providerSource(d, spec.SourceGitHub, &g.ProviderSource, l.github, l.git, withBuildPath)
		d.str("source.github.triggerType", g.Meta.Has("triggerType"), g.TriggerType, l.triggerType, false)
	case spec.SourceGitLab:
		g := src.GitLab
		p.providerSource(d, spec.SourceGitLab, &g.ProviderSource, l.gitlab, l.git, withBuildPath)
		if g.Meta.Has("projectId") {
			d.scalar("source.gitlab.projectId", intString(g.ProjectID), intString(l.gitlabProjectID), false)
		}
		d.str("source.gitlab.pathNamespace", g.Meta.Has("pathNamespace"), g.PathNamespace, l.gitlabPathNamespace, false)
	case spec.SourceBitbucket:
		g := src.Bitbucket
		p.providerSource(d, spec.SourceBitbucket, &g.ProviderSource, l.bitbucket, l.git, withBuildPath)
		d.str("source.bitbucket.repositorySlug", g.Meta.Has("repositorySlug"), g.RepositorySlug, l.bitbucketSlug, false)
	case spec.SourceGitea:
		p.providerSource(d, spec.SourceGitea, &src.Gitea.ProviderSource, l.gitea, l.git, withBuildPath)
	}
}

// sourceLive gathers the live source columns of an application or compose.
type sourceLive struct {
	app                              *dokploy.Application // docker columns (applications only)
	git                              *dokploy.GitSource
	github, gitlab, bitbucket, gitea sourceCols
	triggerType, gitlabPathNamespace *string
	bitbucketSlug                    *string
	gitlabProjectID                  *int
}

func applicationSourceLive(a *dokploy.Application) sourceLive {
	l := columnsLive(&a.GitSource, &a.GithubColumns, &a.GitlabColumns, &a.BitbucketColumns, &a.GiteaColumns)
	l.app = a
	l.github.buildPath, l.gitlab.buildPath = a.BuildPath, a.GitlabBuildPath
	l.bitbucket.buildPath, l.gitea.buildPath = a.BitbucketBuildPath, a.GiteaBuildPath
	return l
}

// composeSourceLive: compose has the same source columns but no build
// paths (its compose file's path is composePath) and no docker source.
func composeSourceLive(c *dokploy.Compose) sourceLive {
	l := columnsLive(&c.GitSource, &c.GithubColumns, &c.GitlabColumns, &c.BitbucketColumns, &c.GiteaColumns)
	l.app = &dokploy.Application{}
	return l
}

func columnsLive(git *dokploy.GitSource, gh *dokploy.GithubColumns, gl *dokploy.GitlabColumns, bb *dokploy.BitbucketColumns, gt *dokploy.GiteaColumns) sourceLive {
	return sourceLive{
		git:                 git,
		github:              sourceCols{providerID: gh.GithubID, owner: gh.Owner, repository: gh.Repository, branch: gh.Branch},
		gitlab:              sourceCols{providerID: gl.GitlabID, owner: gl.GitlabOwner, repository: gl.GitlabRepository, branch: gl.GitlabBranch},
		bitbucket:           sourceCols{providerID: bb.BitbucketID, owner: bb.BitbucketOwner, repository: bb.BitbucketRepository, branch: bb.BitbucketBranch},
		gitea:               sourceCols{providerID: gt.GiteaID, owner: gt.GiteaOwner, repository: gt.GiteaRepository, branch: gt.GiteaBranch},
		triggerType:         gh.TriggerType,
		gitlabPathNamespace: gl.GitlabPathNamespace,
		bitbucketSlug:       bb.BitbucketRepositorySlug,
		gitlabProjectID:     gl.GitlabProjectID,
	}
}

// build diffs how an application is built.
func (d *differ) build(b *spec.Build, l *dokploy.Application) {
	if b == nil {
		return
	}
	m := &b.Meta
	d.str("build.type", true, &b.Type, l.BuildType, false)
	d.str("build.dockerfile", m.Has("dockerfile"), b.Dockerfile, l.Dockerfile, false)
	d.str("build.dockerContextPath", m.Has("dockerContextPath"), b.DockerContextPath, l.DockerContextPath, false)
	d.str("build.dockerBuildStage", m.Has("dockerBuildStage"), b.DockerBuildStage, l.DockerBuildStage, false)
	d.str("build.herokuVersion", m.Has("herokuVersion"), b.HerokuVersion, l.HerokuVersion, false)
	d.str("build.railpackVersion", m.Has("railpackVersion"), b.RailpackVersion, l.RailpackVersion, false)
	d.str("build.publishDirectory", m.Has("publishDirectory"), b.PublishDirectory, l.PublishDirectory, false)
	d.boolean("build.isStaticSpa", m.Has("isStaticSpa"), b.IsStaticSpa, l.IsStaticSpa)
}

// text diffs a multi-line text field (a compose file, a file mount's
// content); the renderer shows it as a line diff.
func (d *differ) text(name string, owned bool, want, have *string) {
	if !owned {
		return
	}
	d.scalar(name, deref(want), deref(have), false)
	if f := d.c.Field(name); f != nil {
		f.Text = true
	}
}

// compose plans one compose service and its children.
func (p *Plan) compose(addr, parent, name string, want *spec.Compose, live *dokploy.Compose) {
	p.protect(addr, want.Protect)
	if p.handsOff(addr, &want.Meta, want.Protect, live != nil, func() string { return live.ComposeID }) {
		return
	}
	c := &Change{Address: addr, Kind: KindCompose, Name: name, Parent: parent, Desired: want}
	if live != nil {
		c.Action, c.Live, c.LiveID = Update, live, live.ComposeID
		p.owe(addr, KindCompose, live.ComposeID, live, want.Deploy, want.Objects, func() string {
			return OwedReason(addr, live.Deployments, live.ComposeStatus, func() string { return p.fingerprints.of(addr) }, p.markers)
		})
	} else {
		c.Action = Create
	}
	l := live
	if l == nil {
		l = &dokploy.Compose{}
	}
	m := &want.Meta
	d := differ{c: c, meta: m, res: p.res}
	d.str("description", m.Has("description"), want.Description, l.Description, false)
	d.str("composeType", m.Has("composeType"), want.ComposeType, ptrIf(l.ComposeType), false)
	if want.ComposeContent != nil {
		if c.Action == Update && l.SourceType != "raw" {
			c.Fields = append(c.Fields, &FieldDiff{Name: "source", Action: Update, Before: l.SourceType, After: "raw"})
		}
		d.text("composeFile", true, want.ComposeContent, l.ComposeFile)
	} else {
		p.source(&d, want.Source, l.SourceType, composeSourceLive(l), false)
		d.str("composePath", m.Has("composePath"), want.ComposePath, l.ComposePath, false)
	}
	if m.Has("command") {
		cmd, known := d.res.Resolve(addr, deref(want.Command))
		d.scalar("command", cmd, deref(l.Command), false)
		if f := c.Field("command"); f != nil && !known {
			f.AfterApply = true
		}
	}
	d.boolean("randomize", m.Has("randomize"), want.Randomize, l.Randomize)
	d.boolean("isolatedDeployment", m.Has("isolatedDeployment"), want.IsolatedDeployment, l.IsolatedDeployment)
	d.env(want.EnvVars, l.Env)
	p.settings(&d, KindCompose, want.Objects, l.Items)
	p.runState(c, want.Objects, RunStateRow(l.Items))
	if c.Action == Update {
		appNameWarning(c, want.AppName, l.AppName)
	}
	p.add(c)
	p.orphanWarnings(c)
	p.items(addr, KindCompose, want.Objects, l.Items)
}

func ptrIf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// childAddr is the address of a child: parent/kind[key].
func childAddr(parent, kind, key string) string { return parent + "/" + kind + "[" + key + "]" }

// matchChildren pairs desired and live children by key. Live children with
// a key twice are an error; the unmatched live ones are unmanaged.
func matchChildren[W, L any](p *Plan, parent, kind string, want []W, live []L, wantKey func(W) string, liveKey func(L) string, liveID func(L) string, each func(addr string, w W, l L, found bool)) {
	byKey := map[string][]L{}
	for _, l := range live {
		byKey[liveKey(l)] = append(byKey[liveKey(l)], l)
	}
	used := map[string]bool{}
	for _, w := range want {
		k := wantKey(w)
		addr := childAddr(parent, kind, k)
		used[k] = true
		ls := byKey[k]
		if len(ls) > 1 {
			var ids []string
			for _, l := range ls {
				ids = append(ids, liveID(l))
			}
			p.Errors = append(p.Errors, fmt.Sprintf("%s: %d live %s match (ids %s); remove all but one in Dokploy", addr, len(ls), kinds.Plural(kind), strings.Join(ids, ", ")))
			continue
		}
		var zero L
		if len(ls) == 1 {
			each(addr, w, ls[0], true)
		} else {
			each(addr, w, zero, false)
		}
	}
	for _, l := range live {
		if !used[liveKey(l)] {
			p.Unmanaged = append(p.Unmanaged, Resource{Address: childAddr(parent, kind, liveKey(l)), Kind: kind, ID: liveID(l)})
		}
	}
}

// hasPassword reports whether a URL carries a password (https://user:token@...).
func hasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return false
	}
	_, ok := u.User.Password()
	return ok
}
