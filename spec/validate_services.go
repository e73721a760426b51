package spec

import (
	"regexp"
	"strconv"
	"strings"
)

// Validation of what applications and compose services have besides their
// scalar fields: source and build (their domains, ports, mounts, redirects
// and security are described kinds, checked by objects). Values that use
// an unset ${VAR} are not checked.

var (
	// branchRE is Dokploy's branch rule (the same for every provider).
	branchRE = regexp.MustCompile(`^[a-zA-Z0-9._\-/#]+$`)
	// gitURLRE accepts https://, http:// and ssh:// URLs and scp-like
	// user@host:path addresses.
	gitURLRE = regexp.MustCompile(`^(?:(?:https?|ssh)://[^\s/]+/\S*[^\s/]\S*|[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:\S+)$`)
)

var (
	triggerTypes = []string{"push", "tag"}
	composeTypes = []string{"docker-compose", "stack"}
)

// oneOfMsg says that field must be one of allowed, got value, with the
// closest allowed value when one is near.
func oneOfMsg(field, value string, allowed []string) string {
	var want string
	if len(allowed) == 2 {
		want = strconv.Quote(allowed[0]) + " or " + strconv.Quote(allowed[1])
	} else {
		want = "one of " + strings.Join(allowed, ", ")
	}
	msg := field + ": must be " + want + ", got " + quoteShort(value)
	if s := Suggest(value, allowed); s != "" {
		msg += " (did you mean " + strconv.Quote(s) + "?)"
	}
	return msg
}

// enum checks an optional value against its allowed values.
func (v *validator) enum(addr string, m *Meta, key, field string, p *string, allowed []string) {
	if p == nil || v.skip(m, key) || contains(allowed, *p) {
		return
	}
	v.errorf(at(m, key), addr, "%s", oneOfMsg(field, *p, allowed))
}

// posText renders the position of another item for messages:
// " (dokploy.yaml:12:11)", or "" when unknown.
func posText(p Position) string {
	if p.Line == 0 {
		return ""
	}
	s := strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	if p.File != "" {
		s = p.File + ":" + s
	}
	return " (" + s + ")"
}

func itemField(list string, i int, field string) string {
	s := list + "[" + strconv.Itoa(i) + "]"
	if field != "" {
		s += "." + field
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ---- sources ----

// source checks a source. rm is the service's Meta (where the Unknown of
// source.* values is recorded). compose services have no buildPath.
func (v *validator) source(addr string, rm *Meta, s *Source, compose bool) {
	if s == nil {
		return
	}
	if g := s.Git; g != nil {
		m := &g.Meta
		if rm.Unknown["source.git.url"] == "" && g.URL != "" && !gitURLRE.MatchString(g.URL) {
			v.errorf(at(m, "url"), addr, "source.git.url: must be a git URL like https://github.com/acme/api.git or git@github.com:acme/api.git (https://, http://, ssh:// or user@host:path), got %s",
				quoteShort(redactURL(g.URL)))
		}
		v.exclusive(addr, m, "source.git", "sshKey", "sshKeyId", false)
		if g.SSHKey != nil && *g.SSHKey == "" && rm.Unknown["source.git.sshKey"] == "" {
			v.errorf(at(m, "sshKey"), addr, "source.git.sshKey: must not be empty (to use no key, set sshKeyId: null)")
		}
		v.branch(addr, rm, m, "source.git", g.Branch)
		v.watchPaths(addr, rm, m, "source.git", g.WatchPaths)
		if compose {
			v.noBuildPath(addr, m, "source.git")
		}
	}
	type provider struct {
		kind string
		ps   *ProviderSource
	}
	var providers []provider
	if s.GitHub != nil {
		providers = append(providers, provider{SourceGitHub, &s.GitHub.ProviderSource})
		v.enum(addr, &s.GitHub.Meta, "triggerType", "source.github.triggerType", s.GitHub.TriggerType, triggerTypes)
	}
	if s.GitLab != nil {
		providers = append(providers, provider{SourceGitLab, &s.GitLab.ProviderSource})
		if id := s.GitLab.ProjectID; id != nil && *id <= 0 {
			v.errorf(at(&s.GitLab.Meta, "projectId"), addr, "source.gitlab.projectId: must be the GitLab project's id, a number > 0, got %d", *id)
		}
	}
	if s.Bitbucket != nil {
		providers = append(providers, provider{SourceBitbucket, &s.Bitbucket.ProviderSource})
	}
	if s.Gitea != nil {
		providers = append(providers, provider{SourceGitea, &s.Gitea.ProviderSource})
	}
	for _, p := range providers {
		prefix := "source." + p.kind
		v.exclusive(addr, &p.ps.Meta, prefix, "provider", "providerId", true)
		if p.ps.Provider != nil && *p.ps.Provider == "" && rm.Unknown[prefix+".provider"] == "" {
			v.errorf(at(&p.ps.Meta, "provider"), addr, "%s.provider: must not be empty", prefix)
		}
		if p.ps.Meta.Has("providerId") && p.ps.ProviderID == "" && rm.Unknown[prefix+".providerId"] == "" {
			v.errorf(at(&p.ps.Meta, "providerId"), addr, "%s.providerId: must not be empty", prefix)
		}
		v.branch(addr, rm, &p.ps.Meta, prefix, p.ps.Branch)
		v.watchPaths(addr, rm, &p.ps.Meta, prefix, p.ps.WatchPaths)
		if compose {
			v.noBuildPath(addr, &p.ps.Meta, prefix)
		}
	}
}

// exclusive checks that a source sets at most one of the name and the id
// of one thing (a provider, an SSH key), and with required at least one.
func (v *validator) exclusive(addr string, m *Meta, prefix, name, id string, required bool) {
	switch {
	case m.Has(name) && m.Has(id):
		v.errorf(at(m, id), addr, "%s.%s: set %s (the name) or %s, not both", prefix, id, name, id)
	case required && !m.Has(name) && !m.Has(id):
		v.errorf(m.Pos, addr, "%s: required field is missing: %s (the name of the provider in Dokploy, Settings > Git) or %s", prefix, name, id)
	}
}

func (v *validator) branch(addr string, rm, m *Meta, prefix, branch string) {
	if branch == "" || rm.Unknown[prefix+".branch"] != "" || branchRE.MatchString(branch) {
		return
	}
	v.errorf(at(m, "branch"), addr, "%s.branch: contains %s which Dokploy rejects; use letters, digits, \".\", \"_\", \"-\", \"/\" and \"#\"",
		prefix, strconv.Quote(string(firstBad(branch, func(r rune) bool { return isASCIIAlnum(r) || strings.ContainsRune("._-/#", r) }))))
}

func (v *validator) watchPaths(addr string, rm, m *Meta, prefix string, paths []string) {
	if rm.Unknown[prefix+".watchPaths"] != "" {
		return
	}
	for i, p := range paths {
		if strings.TrimSpace(p) == "" {
			v.errorf(at(m, "watchPaths"), addr, "%s: must not be empty; give a path pattern like src/** or remove the item", itemField(prefix+".watchPaths", i, ""))
		}
	}
}

func (v *validator) noBuildPath(addr string, m *Meta, prefix string) {
	if m.Has("buildPath") {
		v.errorf(at(m, "buildPath"), addr, "%s.buildPath: not allowed for a compose service; the compose file's path in the repository is composePath", prefix)
	}
}

// redactURL hides the password of a URL's user info.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	hostPart, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(hostPart, '@'); i >= 0 {
		if user, _, hasPW := strings.Cut(hostPart[:i], ":"); hasPW {
			hostPart = user + ":***" + hostPart[i:]
		}
	}
	if path != "" || strings.Contains(rest, "/") {
		return scheme + "://" + hostPart + "/" + path
	}
	return scheme + "://" + hostPart
}

// ---- build ----

// buildOnly says which build type each type-specific build field is for.
var buildOnly = []struct{ field, buildType string }{
	{"dockerfile", "dockerfile"},
	{"dockerContextPath", "dockerfile"},
	{"dockerBuildStage", "dockerfile"},
	{"herokuVersion", "heroku_buildpacks"},
	{"railpackVersion", "railpack"},
	{"publishDirectory", "static"},
	{"isStaticSpa", "static"},
}

func (v *validator) build(addr string, a *Application) {
	b := a.Build
	if b == nil {
		return
	}
	m := &b.Meta
	if a.Source != nil && a.Source.Docker != nil {
		v.warnf(at(&a.Meta, "build"), addr, "build: has no effect with a docker source (the image is already built); remove it, or build from git or a provider")
	}
	if a.Meta.Unknown["build.type"] != "" || v.skip(m, "type") || b.Type == "" {
		return
	}
	if !contains(BuildTypes, b.Type) {
		v.errorf(at(m, "type"), addr, "%s", oneOfMsg("build.type", b.Type, BuildTypes))
		return
	}
	set := map[string]bool{
		"dockerfile": b.Dockerfile != nil, "dockerContextPath": b.DockerContextPath != nil,
		"dockerBuildStage": b.DockerBuildStage != nil, "herokuVersion": b.HerokuVersion != nil,
		"railpackVersion": b.RailpackVersion != nil, "publishDirectory": b.PublishDirectory != nil,
		"isStaticSpa": b.IsStaticSpa != nil,
	}
	for _, o := range buildOnly {
		if set[o.field] && b.Type != o.buildType {
			v.warnf(at(m, o.field), addr, "build.%s: only used when build.type is %s (it is %s); remove it",
				o.field, o.buildType, b.Type)
		}
	}
}

// ---- compose ----

func (v *validator) compose(addr, name string, c *Compose) {
	m := &c.Meta
	v.name("compose service", name, addr, m)
	v.serviceCommon(addr, m, c.Deploy, c.Protect)
	if HandsOff(m, c.Protect) {
		return
	}
	v.appName(addr, m, c.AppName)
	v.enum(addr, m, "composeType", "composeType", c.ComposeType, composeTypes)
	hasFile, hasSource := c.ComposeFile != nil, c.Source != nil
	switch {
	case hasFile && hasSource:
		v.errorf(at(m, "source"), addr, "composeFile and source: set one of them, not both: composeFile is the compose file itself (or its path next to the spec), source a repository that holds it")
	case !hasFile && !hasSource && !m.Has("source") && !m.Has("composeFile"):
		v.errorf(m.Pos, addr, "set composeFile or source: composeFile for a compose file next to the spec (or written inline), source for one in a repository")
	}
	if c.ComposePath != nil && !hasSource && !m.Has("source") {
		v.errorf(at(m, "composePath"), addr, "composePath: only used with a source (the compose file's path in the repository); with composeFile, remove it")
	}
	if c.ComposePath != nil && *c.ComposePath == "" {
		v.errorf(at(m, "composePath"), addr, "composePath: must not be empty (Dokploy's default is ./docker-compose.yml)")
	}
	v.source(addr, m, c.Source, true)
	v.objects(addr, c.Objects, "compose")
}
