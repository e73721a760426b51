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

// providerSource diffs the fields every provider shares.
func (d *differ) providerSource(prefix string, ps *spec.ProviderSource, have sourceCols, git *dokploy.GitSource, withBuildPath bool) {
	m := &ps.Meta
	d.str(prefix+".providerId", true, &ps.ProviderID, have.providerID, false)
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
func (d *differ) source(src *spec.Source, liveType string, l sourceLive, withBuildPath bool) {
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
		d.str("source.git.sshKeyId", g.Meta.Has("sshKeyId"), g.SSHKeyID, l.git.CustomGitSSHKeyID, false)
		d.boolean("source.git.submodules", g.Meta.Has("submodules"), g.Submodules, l.git.EnableSubmodules)
		d.strList("source.git.watchPaths", g.Meta.Has("watchPaths"), g.WatchPaths, l.git.WatchPaths)
	case spec.SourceGitHub:
		g := src.GitHub
		d.providerSource("source.github", &g.ProviderSource, l.github, l.git, withBuildPath)
		d.str("source.github.triggerType", g.Meta.Has("triggerType"), g.TriggerType, l.triggerType, false)
	case spec.SourceGitLab:
		g := src.GitLab
		d.providerSource("source.gitlab", &g.ProviderSource, l.gitlab, l.git, withBuildPath)
		if g.Meta.Has("projectId") {
			d.scalar("source.gitlab.projectId", intString(g.ProjectID), intString(l.gitlabProjectID), false)
		}
		d.str("source.gitlab.pathNamespace", g.Meta.Has("pathNamespace"), g.PathNamespace, l.gitlabPathNamespace, false)
	case spec.SourceBitbucket:
		g := src.Bitbucket
		d.providerSource("source.bitbucket", &g.ProviderSource, l.bitbucket, l.git, withBuildPath)
		d.str("source.bitbucket.repositorySlug", g.Meta.Has("repositorySlug"), g.RepositorySlug, l.bitbucketSlug, false)
	case spec.SourceGitea:
		d.providerSource("source.gitea", &src.Gitea.ProviderSource, l.gitea, l.git, withBuildPath)
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
		p.owe(addr, KindCompose, live.ComposeID, live, want.Deploy, func() string {
			return OwedReason(addr, live.Deployments, live.ComposeStatus, p.fingerprints[addr], p.markers)
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
		d.source(want.Source, l.SourceType, composeSourceLive(l), false)
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
	if c.Action == Update {
		appNameWarning(c, want.AppName, l.AppName)
	}
	p.add(c)
	p.orphanWarnings(c)
	p.domains(addr, want.Domains, l.Domains, true)
	p.mounts(addr, want.Mounts, l.Mounts, "")
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

// DomainKey is a domain's identity: host and path ("/" by default).
func DomainKey(host string, path *string) string {
	p := "/"
	if path != nil && *path != "" {
		p = *path
	}
	if p == "/" {
		return host
	}
	return host + p
}

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

// child starts the change of a child resource.
func (p *Plan) child(addr, parent, kind, key string, desired any, meta *spec.Meta, live any, liveID string) (*Change, differ) {
	c := &Change{Address: addr, Kind: kind, Name: key, Parent: parent, Desired: desired}
	if liveID != "" {
		c.Action, c.Live, c.LiveID = Update, live, liveID
	} else {
		c.Action = Create
	}
	return c, differ{c: c, meta: meta, res: p.res}
}

func (p *Plan) domains(parent string, want []*spec.Domain, live []*dokploy.Domain, compose bool) {
	matchChildren(p, parent, KindDomain, want, live,
		func(w *spec.Domain) string { return DomainKey(w.Host, w.Path) },
		func(l *dokploy.Domain) string { return DomainKey(l.Host, l.Path) },
		func(l *dokploy.Domain) string { return l.DomainID },
		func(addr string, w *spec.Domain, l *dokploy.Domain, found bool) {
			var id string
			if found {
				id = l.DomainID
			} else {
				l = &dokploy.Domain{}
			}
			c, d := p.child(addr, parent, KindDomain, DomainKey(w.Host, w.Path), w, &w.Meta, l, id)
			m := &w.Meta
			if c.Action == Create {
				d.scalar("host", w.Host, "", false)
				d.str("path", m.Has("path"), w.Path, nil, false)
			}
			d.port("port", m.Has("port"), w.Port, l.Port)
			d.boolean("https", m.Has("https"), w.HTTPS, l.HTTPS)
			d.str("certificateType", m.Has("certificateType"), w.CertificateType, l.CertificateType, false)
			d.str("customCertResolver", m.Has("customCertResolver"), w.CustomCertResolver, l.CustomCertResolver, false)
			if compose {
				d.str("serviceName", m.Has("serviceName"), w.ServiceName, l.ServiceName, false)
			}
			d.boolean("stripPath", m.Has("stripPath"), w.StripPath, l.StripPath)
			d.str("internalPath", m.Has("internalPath"), w.InternalPath, l.InternalPath, false)
			p.add(c)
		})
}

// PortKey is a port's identity: published port and protocol.
func PortKey(published int, protocol *string) string {
	proto := "tcp"
	if protocol != nil && *protocol != "" {
		proto = *protocol
	}
	return strconv.Itoa(published) + "/" + proto
}

func (p *Plan) ports(parent string, want []*spec.Port, live []*dokploy.Port) {
	matchChildren(p, parent, KindPort, want, live,
		func(w *spec.Port) string { return PortKey(w.PublishedPort, w.Protocol) },
		func(l *dokploy.Port) string { return PortKey(l.PublishedPort, l.Protocol) },
		func(l *dokploy.Port) string { return l.PortID },
		func(addr string, w *spec.Port, l *dokploy.Port, found bool) {
			var id string
			var target *int
			if found {
				id, target = l.PortID, &l.TargetPort
			} else {
				l = &dokploy.Port{}
			}
			c, d := p.child(addr, parent, KindPort, PortKey(w.PublishedPort, w.Protocol), w, &w.Meta, l, id)
			if c.Action == Create {
				d.scalar("publishedPort", strconv.Itoa(w.PublishedPort), "", false)
				d.str("protocol", w.Meta.Has("protocol"), w.Protocol, nil, false)
			}
			d.port("targetPort", true, &w.TargetPort, target)
			d.str("publishMode", w.Meta.Has("publishMode"), w.PublishMode, l.PublishMode, false)
			p.add(c)
		})
}

// isDataVolume reports whether a live mount is the data volume Dokploy
// creates with every database: never shown as unmanaged, never touched.
func isDataVolume(m *dokploy.Mount, appName string) bool {
	return appName != "" && m.Type == "volume" && m.VolumeName != nil && *m.VolumeName == appName+"-data"
}

// mounts plans the mounts of a service; dataVolumeOf is the appName of a
// database whose data volume is left out.
func (p *Plan) mounts(parent string, want []*spec.Mount, live []*dokploy.Mount, dataVolumeOf string) {
	var visible []*dokploy.Mount
	for _, m := range live {
		if !isDataVolume(m, dataVolumeOf) {
			visible = append(visible, m)
		}
	}
	matchChildren(p, parent, KindMount, want, visible,
		func(w *spec.Mount) string { return w.MountPath },
		func(l *dokploy.Mount) string { return l.MountPath },
		func(l *dokploy.Mount) string { return l.MountID },
		func(addr string, w *spec.Mount, l *dokploy.Mount, found bool) {
			var id string
			if found {
				id = l.MountID
			} else {
				l = &dokploy.Mount{}
			}
			c, d := p.child(addr, parent, KindMount, w.MountPath, w, &w.Meta, l, id)
			m := &w.Meta
			if c.Action == Create {
				d.scalar("mountPath", w.MountPath, "", false)
			}
			d.scalar("type", w.Type, l.Type, false)
			d.str("volumeName", m.Has("volumeName"), w.VolumeName, l.VolumeName, false)
			d.str("hostPath", m.Has("hostPath"), w.HostPath, l.HostPath, false)
			d.str("filePath", m.Has("filePath"), w.FilePath, l.FilePath, false)
			d.text("content", m.Has("content") || m.Has("contentFile"), w.FileContent, l.Content)
			p.add(c)
		})
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
