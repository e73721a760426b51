package spec

import (
	"regexp"
	"strconv"
	"strings"
)

// Validation of what applications and compose services have besides their
// scalar fields: source, build, domains, ports, mounts, redirects and
// security (the last three only for applications). Mounts are checked for
// databases too. Values that use an unset ${VAR} are not checked.

var (
	// branchRE is Dokploy's branch rule (the same for every provider).
	branchRE = regexp.MustCompile(`^[a-zA-Z0-9._\-/#]+$`)
	// gitURLRE accepts https://, http:// and ssh:// URLs and scp-like
	// user@host:path addresses.
	gitURLRE = regexp.MustCompile(`^(?:(?:https?|ssh)://[^\s/]+/\S*[^\s/]\S*|[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:\S+)$`)
	// hostRE is Dokploy's host name rule (RFC 1123, no underscores), with
	// at least one dot.
	hostRE = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)
	// volumeNameRE is Docker's rule for named volumes.
	volumeNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)
)

var (
	triggerTypes     = []string{"push", "tag"}
	certificateTypes = []string{"none", "letsencrypt", "custom"}
	protocols        = []string{"tcp", "udp"}
	publishModes     = []string{"ingress", "host"}
	mountTypes       = []string{"volume", "bind", "file"}
	composeTypes     = []string{"docker-compose", "stack"}
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

// ---- domains ----

func (v *validator) domains(addr string, domains []*Domain, compose bool) {
	type seen struct {
		i   int
		pos Position
	}
	first := map[string]seen{}
	for i, d := range domains {
		if d == nil {
			continue
		}
		m := &d.Meta
		i := v.index(m, i)
		f := func(field string) string { return itemField("domains", i, field) }
		hostOK := !v.skip(m, "host") && d.Host != ""
		if hostOK {
			if msg := hostProblem(d.Host); msg != "" {
				v.errorf(at(m, "host"), addr, "%s: %s", f("host"), msg)
				hostOK = false
			}
		}
		for _, p := range []struct {
			key string
			val *string
		}{{"path", d.Path}, {"internalPath", d.InternalPath}} {
			if p.val != nil && !v.skip(m, p.key) && !strings.HasPrefix(*p.val, "/") {
				v.errorf(at(m, p.key), addr, "%s: must start with \"/\", got %s", f(p.key), quoteShort(*p.val))
			}
		}
		if d.Port != nil && (*d.Port < 1 || *d.Port > 65535) {
			v.errorf(at(m, "port"), addr, "%s: must be a port between 1 and 65535 (the container port Traefik sends requests to), got %d", f("port"), *d.Port)
		}
		v.enum(addr, m, "certificateType", f("certificateType"), d.CertificateType, certificateTypes)
		certKnown := !v.skip(m, "certificateType")
		cert := deref(d.CertificateType)
		resolver := d.CustomCertResolver != nil && *d.CustomCertResolver != ""
		switch {
		case !certKnown || v.skip(m, "customCertResolver"):
		case cert == "custom" && !resolver:
			v.errorf(at(m, "certificateType"), addr, "%s: required when certificateType is custom; set the name of the Traefik certificate resolver", f("customCertResolver"))
		case cert != "custom" && resolver:
			v.errorf(at(m, "customCertResolver"), addr, "%s: only used with certificateType: custom (certificateType is %s); remove it or set certificateType: custom",
				f("customCertResolver"), strconv.Quote(orDefault(cert, "none")))
		}
		if d.HTTPS != nil && *d.HTTPS && certKnown && (cert == "none" || d.CertificateType == nil) {
			how := "certificateType is none"
			if d.CertificateType == nil {
				how = "certificateType is not set and Dokploy's default is none"
			}
			v.warnf(at(m, "https"), addr, "%s: https without a certificate: %s, so Traefik serves its default self-signed certificate; set certificateType: letsencrypt (or custom)", f("https"), how)
		}
		switch {
		case compose && !v.skip(m, "serviceName") && (d.ServiceName == nil || strings.TrimSpace(*d.ServiceName) == ""):
			v.errorf(m.Pos, addr, "%s: required for a compose service's domain: the name of the service in the compose file that receives the requests", f("serviceName"))
		case !compose && m.Has("serviceName"):
			v.errorf(at(m, "serviceName"), addr, "%s: only for domains of compose services; an application's domain routes to the application itself, remove it", f("serviceName"))
		}
		if !hostOK || v.skip(m, "path") {
			continue
		}
		path := orDefault(deref(d.Path), "/")
		key := strings.ToLower(d.Host) + path
		if s, dup := first[key]; dup {
			v.errorf(m.Pos, addr, "%s: duplicate domain: host %s with path %s is already declared by %s%s; each host and path may appear once",
				f(""), d.Host, path, itemField("domains", s.i, ""), posText(s.pos))
			continue
		}
		first[key] = seen{i, m.Pos}
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hostProblem says what is wrong with a domain's host, or "".
func hostProblem(h string) string {
	const rule = "; a host is labels of letters, digits and \"-\" separated by dots, like api.example.com"
	switch {
	case strings.TrimSpace(h) != h:
		return "must not start or end with spaces; did you mean " + strconv.Quote(strings.TrimSpace(h)) + "?"
	case strings.Contains(h, "://") || strings.Contains(h, "/"):
		return "must be a host name only, without a scheme or a path (the path goes in path), got " + quoteShort(h)
	case strings.Contains(h, "_"):
		return "must not contain \"_\", which Dokploy rejects in host names, got " + quoteShort(h)
	case !strings.Contains(h, "."):
		return "must have at least one dot, like app.example.com, got " + quoteShort(h)
	case !hostRE.MatchString(h):
		return "is not a valid host name, got " + quoteShort(h) + rule
	}
	return ""
}

// ---- ports ----

func (v *validator) ports(addr string, ports []*Port) {
	first := map[string]Position{}
	firstIdx := map[string]int{}
	for i, p := range ports {
		if p == nil {
			continue
		}
		m := &p.Meta
		i := v.index(m, i)
		f := func(field string) string { return itemField("ports", i, field) }
		for _, x := range []struct {
			key string
			val int
		}{{"publishedPort", p.PublishedPort}, {"targetPort", p.TargetPort}} {
			if v.has(m, x.key) && (x.val < 1 || x.val > 65535) {
				v.errorf(at(m, x.key), addr, "%s: must be a port between 1 and 65535, got %d", f(x.key), x.val)
			}
		}
		v.enum(addr, m, "protocol", f("protocol"), p.Protocol, protocols)
		v.enum(addr, m, "publishMode", f("publishMode"), p.PublishMode, publishModes)
		if !v.has(m, "publishedPort") || v.skip(m, "protocol") {
			continue
		}
		proto := orDefault(deref(p.Protocol), "tcp")
		key := strconv.Itoa(p.PublishedPort) + "/" + proto
		if pos, dup := first[key]; dup {
			v.errorf(m.Pos, addr, "%s: duplicate port: publishedPort %d/%s is already published by %s%s",
				f(""), p.PublishedPort, proto, itemField("ports", firstIdx[key], ""), posText(pos))
			continue
		}
		first[key], firstIdx[key] = m.Pos, i
	}
}

// ---- mounts ----

// mountFields says which type each type-specific mount field is for.
var mountFields = []struct{ field, mountType string }{
	{"volumeName", "volume"},
	{"hostPath", "bind"},
	{"filePath", "file"},
	{"content", "file"},
	{"contentFile", "file"},
}

func (v *validator) mounts(addr string, mounts []*Mount) {
	first := map[string]int{}
	firstPos := map[string]Position{}
	for i, mt := range mounts {
		if mt == nil {
			continue
		}
		m := &mt.Meta
		i := v.index(m, i)
		f := func(field string) string { return itemField("mounts", i, field) }
		pathOK := mt.MountPath != "" && !v.skip(m, "mountPath")
		if pathOK && !strings.HasPrefix(mt.MountPath, "/") {
			v.errorf(at(m, "mountPath"), addr, "%s: must be an absolute path in the container, starting with \"/\", got %s", f("mountPath"), quoteShort(mt.MountPath))
		}
		typeKnown := !v.skip(m, "type") && mt.Type != ""
		if typeKnown && !contains(mountTypes, mt.Type) {
			v.errorf(at(m, "type"), addr, "%s", oneOfMsg(f("type"), mt.Type, mountTypes))
			typeKnown = false
		}
		if typeKnown {
			for _, o := range mountFields {
				if m.Has(o.field) && mt.Type != o.mountType {
					v.errorf(at(m, o.field), addr, "%s: %s is for %s mounts, and this is a %s mount; remove it", f(o.field), o.field, o.mountType, mt.Type)
				}
			}
			switch mt.Type {
			case "volume":
				switch {
				case !m.Has("volumeName"):
					v.errorf(m.Pos, addr, "%s: required for a volume mount: the name of the Docker volume", f("volumeName"))
				case mt.VolumeName != nil && !v.skip(m, "volumeName") && !volumeNameRE.MatchString(*mt.VolumeName):
					v.errorf(at(m, "volumeName"), addr, "%s: must be a Docker volume name: at least 2 letters, digits, \"_\", \".\" or \"-\", starting with a letter or digit; got %s",
						f("volumeName"), quoteShort(*mt.VolumeName))
				}
			case "bind":
				switch {
				case !m.Has("hostPath"):
					v.errorf(m.Pos, addr, "%s: required for a bind mount: the absolute path on the Dokploy host", f("hostPath"))
				case mt.HostPath != nil && !v.skip(m, "hostPath") && !strings.HasPrefix(*mt.HostPath, "/"):
					v.errorf(at(m, "hostPath"), addr, "%s: must be an absolute path on the Dokploy host, starting with \"/\", got %s", f("hostPath"), quoteShort(*mt.HostPath))
				}
			case "file":
				if !m.Has("content") && !m.Has("contentFile") {
					v.errorf(m.Pos, addr, "%s: a file mount needs content (the text) or contentFile (a file next to the spec)", f(""))
				}
			}
		}
		if mt.Content != nil && mt.ContentFile != nil {
			v.errorf(at(m, "contentFile"), addr, "%s: set content or contentFile, not both", f("contentFile"))
		}
		if !pathOK {
			continue
		}
		key := strings.TrimSuffix(mt.MountPath, "/")
		if j, dup := first[key]; dup {
			v.errorf(m.Pos, addr, "%s: duplicate mount: mountPath %s is already mounted by %s%s",
				f(""), mt.MountPath, itemField("mounts", j, ""), posText(firstPos[key]))
			continue
		}
		first[key], firstPos[key] = i, m.Pos
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
	v.domains(addr, c.Domains, true)
	v.mounts(addr, c.Mounts)
	v.objects(addr, c.Objects, "compose")
}
