package export

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Dokploy's defaults: a field whose live value is its default is left out
// of the spec (captures 016 application.create, 086 compose.create,
// project.create's default environment; the described kinds' are
// kinds.Field.Default).
const (
	defaultEnvironmentDescription = "Production environment"
	defaultBuildType              = "nixpacks"
	defaultDockerfile             = "Dockerfile"
	defaultHerokuVersion          = "24"
	defaultRailpackVersion        = "0.15.4"
	defaultBuildPath              = "/" // of the github, gitlab, bitbucket and gitea sources
	defaultTriggerType            = "push"
	defaultComposeType            = "docker-compose"
	defaultComposePath            = "./docker-compose.yml"
	defaultSqldNode               = "primary"
)

// envKeyRE is what the spec accepts as an env key.
var envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// site is the resource a value belongs to.
type site struct {
	target        // project, env, kind, name as in the spec ("" kind for projects and environments)
	addr   string // shop, shop/production, shop/production/application/api
}

func (s site) varParts(field ...string) []string {
	parts := []string{s.project}
	if s.env != "" {
		parts = append(parts, s.env)
	}
	if s.kind != "" {
		parts = append(parts, s.kind, s.name)
	}
	return append(parts, field...)
}

// secretVar is one line of secrets.env.
type secretVar struct {
	name, value, addr string
}

// builder turns the live state into the spec tree and its files.
type builder struct {
	opts     Options
	res      *Result
	vars     varNames
	files    fileNames
	index    *refIndex
	secrets  []secretVar
	dirs     map[string]string // project or project/env -> its env file directory
	dbVars   map[*dokploy.Database][2]string
	envDir   string // slash path of the env file directory, relative to the spec's
	filesDir string // for compose files and file contents that cannot be inline
	live     *dokploy.Live
	refNames map[string]map[string]string // kind -> id -> name, for Ref fields
	// refShared are the names that several items of a kind have, which
	// sources cannot name: kind -> name.
	refShared map[string]map[string]bool
}

func (b *builder) warnf(addr, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if addr != "" {
		msg = addr + ": " + msg
	}
	b.res.Warnings = append(b.res.Warnings, msg)
}

// ---- what is exported (pass 1) ----

type expProject struct {
	name string
	live *dokploy.Project
	envs []*expEnv
}

type expEnv struct {
	name     string
	live     *dokploy.Environment
	apps     []*dokploy.Application
	composes []*dokploy.Compose
	dbs      []*dokploy.Database // in DatabaseKinds order, then by name
}

// choose picks the projects, environments and services to export: every
// name that is unique where it must be, with a warning for each that is
// not.
func (b *builder) choose(live *dokploy.Live) []*expProject {
	names := sortedKeys(live.Projects)
	if len(b.opts.Projects) > 0 {
		seen := map[string]bool{}
		names = nil
		for _, n := range b.opts.Projects {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		sort.Strings(names)
	}
	var out []*expProject
	for _, name := range names {
		ps := live.Projects[name]
		switch {
		case len(ps) == 0:
			b.warnf("", "no project named %q on the server%s; nothing exported for it", name, projectHint(name, live))
			continue
		case len(ps) > 1:
			b.warnf(name, "%d live projects are named %q (ids %s); export cannot choose and skips them: rename all but one in Dokploy and export again",
				len(ps), name, ids(ps, func(p *dokploy.Project) string { return p.ProjectID }))
			continue
		}
		p := ps[0]
		ep := &expProject{name: name, live: p}
		byName := map[string][]*dokploy.Environment{}
		for _, e := range p.Environments {
			n := e.Name
			switch {
			case e.IsDefault:
				n = spec.DefaultEnvironment
				if e.Name != spec.DefaultEnvironment {
					b.warnf(name+"/"+spec.DefaultEnvironment, "the default environment is named %q in Dokploy (renamed before v0.26.2); dokploy.yaml calls the default environment %s, so its content is exported there", e.Name, spec.DefaultEnvironment)
				}
			case e.Name == spec.DefaultEnvironment:
				b.warnf(name+"/"+e.Name, "an environment that is not the default one is named %s (id %s); in dokploy.yaml that name is the default environment, so it is skipped: rename it in Dokploy and export again", e.Name, e.EnvironmentID)
				continue
			}
			byName[n] = append(byName[n], e)
		}
		for _, en := range sortedKeys(byName) {
			es := byName[en]
			if len(es) > 1 {
				b.warnf(name+"/"+en, "%d live environments are named %q (ids %s); export cannot choose and skips them",
					len(es), en, ids(es, func(e *dokploy.Environment) string { return e.EnvironmentID }))
				continue
			}
			ep.envs = append(ep.envs, b.chooseServices(name, en, es[0]))
		}
		out = append(out, ep)
	}
	return out
}

func (b *builder) chooseServices(project, env string, e *dokploy.Environment) *expEnv {
	ee := &expEnv{name: env, live: e}
	addr := project + "/" + env
	apps := map[string][]*dokploy.Application{}
	for _, a := range e.Applications {
		apps[a.Name] = append(apps[a.Name], a)
	}
	for _, n := range sortedKeys(apps) {
		if l := apps[n]; len(l) > 1 {
			b.warnf(addr+"/application/"+n, "%d live applications are named %q (ids %s); export cannot choose and skips them",
				len(l), n, ids(l, func(a *dokploy.Application) string { return a.ApplicationID }))
			continue
		}
		ee.apps = append(ee.apps, apps[n][0])
	}
	composes := map[string][]*dokploy.Compose{}
	for _, c := range e.Compose {
		composes[c.Name] = append(composes[c.Name], c)
	}
	for _, n := range sortedKeys(composes) {
		l := composes[n]
		a := addr + "/compose/" + n
		if len(l) > 1 {
			b.warnf(a, "%d live compose services are named %q (ids %s); export cannot choose and skips them",
				len(l), n, ids(l, func(c *dokploy.Compose) string { return c.ComposeID }))
			continue
		}
		if why := composeUnusable(l[0]); why != "" {
			b.warnf(a, "%s; dokploy.yaml needs a compose file or a source, so it is not exported", why)
			continue
		}
		ee.composes = append(ee.composes, l[0])
	}
	for _, kind := range dokploy.DatabaseKinds {
		dbs := map[string][]*dokploy.Database{}
		for _, d := range e.Databases {
			if d.Kind == kind {
				dbs[d.Name] = append(dbs[d.Name], d)
			}
		}
		for _, n := range sortedKeys(dbs) {
			l := dbs[n]
			a := addr + "/" + kind + "/" + n
			if len(l) > 1 {
				b.warnf(a, "%d live %s databases are named %q (ids %s); export cannot choose and skips them",
					len(l), kind, n, ids(l, func(d *dokploy.Database) string { return d.ID }))
				continue
			}
			if missing := databaseMissing(l[0]); len(missing) > 0 {
				b.warnf(a, "%s %s empty in Dokploy and required in dokploy.yaml; the database is not exported", strings.Join(missing, ", "), plural(len(missing), "is", "are"))
				continue
			}
			ee.dbs = append(ee.dbs, l[0])
		}
	}
	return ee
}

func ids[T any](list []T, id func(T) string) string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return strings.Join(out, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// composeUnusable says why a compose service has nothing dokploy.yaml can
// declare, or "".
func composeUnusable(c *dokploy.Compose) string {
	if c.SourceType == "raw" {
		if deref(c.ComposeFile) == "" {
			return "its compose file is empty"
		}
		return ""
	}
	ls := composeSourceLive(c)
	if ls.empty() {
		return "it has no compose file and no source set up"
	}
	if missing := ls.missing(); len(missing) > 0 {
		return fmt.Sprintf("its %s source lacks %s", c.SourceType, strings.Join(missing, ", "))
	}
	return ""
}

// databaseMissing lists the required fields a database has empty.
func databaseMissing(d *dokploy.Database) []string {
	var out []string
	if deref(d.DockerImage) == "" {
		out = append(out, "dockerImage")
	}
	if (d.Kind == "postgres" || d.Kind == "mysql" || d.Kind == "mariadb") && deref(d.DatabaseName) == "" {
		out = append(out, "databaseName")
	}
	if d.Kind != "redis" && deref(d.DatabaseUser) == "" {
		out = append(out, "databaseUser")
	}
	if deref(d.DatabasePassword) == "" {
		out = append(out, "databasePassword")
	}
	return out
}

// ---- the spec (pass 2) ----

func (b *builder) build(projects []*expProject) yaml.MapSlice {
	// Index every exported service for references, and name the database
	// passwords first: other values may use their ${VAR}s.
	for _, p := range projects {
		for _, e := range p.envs {
			for _, a := range e.apps {
				b.index.add(a.AppName, target{p.name, e.name, "application", a.Name})
			}
			for _, c := range e.composes {
				b.index.add(c.AppName, target{p.name, e.name, "compose", c.Name})
			}
			for _, d := range e.dbs {
				b.index.add(d.AppName, target{p.name, e.name, d.Kind, d.Name})
				if b.opts.IncludeSecrets {
					continue
				}
				s := site{target: target{p.name, e.name, d.Kind, d.Name}}
				var names [2]string
				names[0] = b.vars.name(s.varParts("PASSWORD")...)
				b.index.password(deref(d.DatabasePassword), names[0])
				if deref(d.DatabaseRootPassword) != "" && (d.Kind == "mysql" || d.Kind == "mariadb") {
					names[1] = b.vars.name(s.varParts("ROOT_PASSWORD")...)
					b.index.password(deref(d.DatabaseRootPassword), names[1])
				}
				b.dbVars[d] = names
			}
		}
	}
	b.index.sort()

	all := yaml.MapSlice{}
	for _, p := range projects {
		all = append(all, yaml.MapItem{Key: p.name, Value: b.project(p)})
	}
	out := yaml.MapSlice{{Key: "apiVersion", Value: spec.APIVersion}}
	out = append(out, b.instances(b.live)...)
	return append(out, yaml.MapItem{Key: "projects", Value: all})
}

func (b *builder) project(p *expProject) yaml.MapSlice {
	s := site{target: target{project: p.name}, addr: p.name}
	b.res.Counts.Projects++
	out := yaml.MapSlice{}
	if d := deref(p.live.Description); d != "" {
		out = append(out, b.text(s, "description", d))
	}
	out = append(out, b.env(s, &p.live.Env, false)...)
	envs := yaml.MapSlice{}
	for _, e := range p.envs {
		if m := b.environment(p, e); m != nil {
			envs = append(envs, yaml.MapItem{Key: e.name, Value: m})
			b.res.Counts.Environments++
		}
	}
	if len(envs) > 0 {
		out = append(out, yaml.MapItem{Key: "environments", Value: envs})
	}
	return out
}

// environment returns the environment's entry; nil for a default
// environment with nothing to say.
func (b *builder) environment(p *expProject, e *expEnv) yaml.MapSlice {
	s := site{target: target{project: p.name, env: e.name}, addr: p.name + "/" + e.name}
	out := yaml.MapSlice{}
	if d := deref(e.live.Description); d != "" && !(e.live.IsDefault && d == defaultEnvironmentDescription) {
		out = append(out, b.text(s, "description", d))
	}
	out = append(out, b.env(s, &e.live.Env, false)...)
	service := func(kind, name string) site {
		return site{target: target{p.name, e.name, kind, name}, addr: s.addr + "/" + kind + "/" + name}
	}
	if len(e.apps) > 0 {
		apps := yaml.MapSlice{}
		for _, a := range e.apps {
			apps = append(apps, yaml.MapItem{Key: a.Name, Value: b.application(service("application", a.Name), a)})
		}
		out = append(out, yaml.MapItem{Key: "applications", Value: apps})
	}
	for _, kind := range dokploy.DatabaseKinds {
		dbs := yaml.MapSlice{}
		for _, d := range e.dbs {
			if d.Kind == kind {
				dbs = append(dbs, yaml.MapItem{Key: d.Name, Value: b.database(service(kind, d.Name), d)})
			}
		}
		if len(dbs) > 0 {
			out = append(out, yaml.MapItem{Key: kind, Value: dbs})
		}
	}
	if len(e.composes) > 0 {
		cs := yaml.MapSlice{}
		for _, c := range e.composes {
			cs = append(cs, yaml.MapItem{Key: c.Name, Value: b.compose(service("compose", c.Name), c)})
		}
		out = append(out, yaml.MapItem{Key: "compose", Value: cs})
	}
	if len(out) == 0 && e.live.IsDefault {
		return nil
	}
	return out
}

// ---- values ----

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// text is a string field written as it is (escaped for interpolation).
func (b *builder) text(s site, key, value string) yaml.MapItem {
	return yaml.MapItem{Key: key, Value: b.literal(s, key, value)}
}

func (b *builder) literal(s site, field, value string) string {
	if !expressible(value) {
		b.warnf(s.addr, "%s contains \"${ref:\", which dokploy.yaml reads as a reference: the exported spec will not validate until you change it", field)
	}
	return escape(value)
}

// url is a URL field: a password in it (scheme://user:PASSWORD@host, as
// in a git URL with a token) becomes a ${VAR} like any secret.
func (b *builder) url(s site, field, value string, varField string) string {
	m := urlPassword.FindStringSubmatchIndex(value)
	if m == nil {
		// scheme://TOKEN@host: a token as the user is a secret too
		m = urlToken.FindStringSubmatchIndex(value)
	}
	if b.opts.IncludeSecrets || m == nil || m[2] == m[3] {
		return b.literal(s, field, value)
	}
	pw := value[m[2]:m[3]]
	name := b.vars.name(s.varParts(varField)...)
	out, ok := join(value, []span{{m[2], m[3], "${" + name + "}"}})
	if !ok {
		delete(b.vars, name)
		return b.literal(s, field, value)
	}
	b.addSecret(s, name, pw)
	return out
}

// secret returns what a secret field holds: ${VAR} with the value in
// secrets.env, or (--include-secrets) the value itself.
func (b *builder) secret(s site, value string, field ...string) string {
	if b.opts.IncludeSecrets && !dokploy.IsRedacted(&value) {
		return b.literal(s, strings.Join(field, "."), value)
	}
	name := b.vars.name(s.varParts(field...)...)
	if dokploy.IsRedacted(&value) {
		b.warnf(s.addr, "the server hides %s (it answers a placeholder in its place): set %s in secrets.env by hand", strings.Join(field, "."), name)
		value = ""
	}
	b.addSecret(s, name, value)
	return "${" + name + "}"
}

func (b *builder) addSecret(s site, name, value string) {
	if _, _, ok := envLine(name, value); !ok {
		b.warnf(s.addr, "the value of %s cannot be written in secrets.env (a dotenv file): set it by hand", name)
	}
	b.secrets = append(b.secrets, secretVar{name: name, value: value, addr: s.addr})
}

// env returns the env and envFile entries of a resource (none when its env
// is empty or cannot be exported). refs: the resource may hold references
// (applications and compose services).
func (b *builder) env(s site, text *string, refs bool) yaml.MapSlice {
	if dokploy.IsRedacted(text) || text != nil && dokploy.HasRedacted(*text) {
		b.warnf(s.addr, "the server hides env (it answers a placeholder in its place); env is not exported, so it stays unmanaged")
		return nil
	}
	m := dokploy.ParseEnv(text)
	if len(m) == 0 {
		return nil
	}
	for _, k := range sortedKeys(m) {
		if !envKeyRE.MatchString(k) {
			b.warnf(s.addr, "env has the key %q, which dokploy.yaml does not accept (letters, digits, \"_\", \".\" and \"-\", not starting with a digit); env is not exported, so it stays unmanaged", k)
			return nil
		}
		if !expressible(m[k]) {
			b.warnf(s.addr, "the env value of %s contains \"${ref:\", which dokploy-sync reads as a reference; env is not exported, so it stays unmanaged", k)
			return nil
		}
	}
	inline := yaml.MapSlice{}
	if b.opts.IncludeSecrets {
		for _, k := range sortedKeys(m) {
			v, ok := "", false
			if refs {
				v, ok = b.index.rewriteInline(s.target, m[k])
			}
			if !ok {
				v = b.literal(s, "env."+k, m[k])
			}
			inline = append(inline, yaml.MapItem{Key: k, Value: v})
		}
		return yaml.MapSlice{{Key: "env", Value: inline}}
	}
	file := map[string]string{}
	type viaVar struct{ key, value string }
	var vars []viaVar
	for _, k := range sortedKeys(m) {
		v := m[k]
		if refs {
			if out, ok := b.index.rewriteEnv(s.target, v); ok {
				inline = append(inline, yaml.MapItem{Key: k, Value: out})
				continue
			}
		}
		if !godotenvKey.MatchString(k) {
			vars = append(vars, viaVar{k, v})
			continue
		}
		file[k] = v
	}
	var bad []string
	for _, v := range vars {
		if _, _, ok := envLine("X", v.value); !ok {
			bad = append(bad, v.key)
		}
	}
	var content string
	if len(file) > 0 {
		var badFile []string
		content, badFile, _ = EnvFile([]string{s.addr + ": env (dokploy-sync export)"}, file)
		bad = append(bad, badFile...)
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		b.warnf(s.addr, "the env value of %s cannot be written in a dotenv file that reads back the same; env is not exported, so it stays unmanaged", strings.Join(bad, ", "))
		return nil
	}
	for _, v := range vars {
		name := b.vars.name(s.varParts("ENV", v.key)...)
		b.addSecret(s, name, v.value)
		inline = append(inline, yaml.MapItem{Key: v.key, Value: "${" + name + "}"})
	}
	sort.SliceStable(inline, func(i, j int) bool { return inline[i].Key.(string) < inline[j].Key.(string) })
	var out yaml.MapSlice
	if len(inline) > 0 {
		out = append(out, yaml.MapItem{Key: "env", Value: inline})
	}
	if len(file) > 0 {
		p := b.envFilePath(s)
		b.addFile(p, content, 0o600)
		b.res.Counts.EnvFiles++
		out = append(out, yaml.MapItem{Key: "envFile", Value: p})
	}
	return out
}

// envFilePath names a resource's env file: <env-dir>/<project>/project.env,
// <env-dir>/<project>/<environment>/environment.env and
// <env-dir>/<project>/<environment>/<kind>-<name>.env.
func (b *builder) envFilePath(s site) string {
	pdir, ok := b.dirs[s.project]
	if !ok {
		pdir = b.files.name(b.envDir, s.project, "")
		b.dirs[s.project] = pdir
		// project.env is named first in the directory, so that an
		// environment directory never takes its name.
		b.dirs[s.project+"\x00file"] = b.files.name(pdir, "project", ".env")
	}
	if s.env == "" {
		return b.dirs[s.project+"\x00file"]
	}
	key := s.project + "\x00" + s.env
	edir, ok := b.dirs[key]
	if !ok {
		edir = b.files.name(pdir, s.env, "")
		b.dirs[key] = edir
		b.dirs[key+"\x00file"] = b.files.name(edir, "environment", ".env")
	}
	if s.kind == "" {
		return b.dirs[key+"\x00file"]
	}
	return b.files.name(edir, s.kind+"-"+s.name, ".env")
}

func (b *builder) addFile(p, content string, mode fs.FileMode) {
	b.res.Files = append(b.res.Files, File{Path: p, Data: []byte(content), Mode: mode})
}

// inline is a value written in the spec that may hold references and
// database passwords (command).
func (b *builder) inline(s site, field, value string) string {
	if out, ok := b.index.rewriteInline(s.target, value); ok {
		return out
	}
	return b.literal(s, field, value)
}

// envMap is buildArgs or buildSecrets, written inline, each value as
// value(key, value) returns it. nil when empty or not exportable.
func (b *builder) envMap(s site, field string, text *string, value func(k, v string) string) yaml.MapSlice {
	m := dokploy.ParseEnv(text)
	if len(m) == 0 {
		return nil
	}
	out := yaml.MapSlice{}
	for _, k := range sortedKeys(m) {
		if !envKeyRE.MatchString(k) {
			b.warnf(s.addr, "%s has the key %q, which dokploy.yaml does not accept; %s is not exported, so it stays unmanaged", field, k, field)
			return nil
		}
		if !expressible(m[k]) {
			b.warnf(s.addr, "the %s value of %s contains \"${ref:\", which dokploy-sync reads as a reference; %s is not exported, so it stays unmanaged", field, k, field)
			return nil
		}
	}
	for _, k := range sortedKeys(m) {
		out = append(out, yaml.MapItem{Key: k, Value: value(k, m[k])})
	}
	return out
}

// ---- applications ----

func (b *builder) application(s site, a *dokploy.Application) yaml.MapSlice {
	b.res.Counts.Applications++
	out := yaml.MapSlice{}
	add := func(k string, v any) { out = append(out, yaml.MapItem{Key: k, Value: v}) }
	if d := deref(a.Description); d != "" {
		add("description", b.literal(s, "description", d))
	}
	if src := b.source(s, applicationSourceLive(a), false); src != nil {
		add("source", src)
	}
	if c := deref(a.Command); c != "" {
		add("command", b.inline(s, "command", c))
	}
	if a.Replicas != nil && *a.Replicas != 1 {
		add("replicas", *a.Replicas)
	}
	if r := b.resources(s, a); r != nil {
		add("resources", r)
	}
	out = append(out, b.env(s, a.Env, true)...)
	if a.SourceType != spec.SourceDocker {
		if bd := b.buildSettings(a); bd != nil {
			add("build", bd)
		}
	}
	// Build args are often tokens (NPM_TOKEN, a registry password): like
	// build secrets, their values go to secrets.env, never into the spec,
	// but for those that are references to other services (whose database
	// passwords become ${VAR}s of secrets.env too).
	if m := b.envMap(s, "buildArgs", a.BuildArgs, func(k, v string) string {
		if out, ok := b.index.rewriteInline(s.target, v); ok {
			return out
		}
		return b.secret(s, v, "BUILD_ARG", k)
	}); m != nil {
		add("buildArgs", m)
	}
	if m := b.envMap(s, "buildSecrets", a.BuildSecrets, func(k, v string) string { return b.secret(s, v, "BUILD_SECRET", k) }); m != nil {
		add("buildSecrets", m)
	}
	return b.place(out, "application", b.items(s, "application", a.Items))
}

// resources converts Dokploy's bytes and nano-CPUs to 512Mi and 0.5. A
// value that is not a positive whole number is left out (unmanaged).
func (b *builder) resources(s site, a *dokploy.Application) yaml.MapSlice {
	out := yaml.MapSlice{}
	for _, f := range []struct {
		key    string
		value  *string
		memory bool
	}{
		{"memoryLimit", a.MemoryLimit, true}, {"memoryReservation", a.MemoryReservation, true},
		{"cpuLimit", a.CPULimit, false}, {"cpuReservation", a.CPUReservation, false},
	} {
		v := deref(f.value)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			if n != 0 || err != nil {
				b.warnf(s.addr, "resources.%s is %q in Dokploy, not a positive whole number of %s; left out (unmanaged)", f.key, v, map[bool]string{true: "bytes", false: "nano-CPUs"}[f.memory])
			}
			continue
		}
		if f.memory {
			m := spec.Memory(n).String()
			if _, err := strconv.ParseInt(m, 10, 64); err == nil {
				out = append(out, yaml.MapItem{Key: f.key, Value: n})
			} else {
				out = append(out, yaml.MapItem{Key: f.key, Value: m})
			}
			continue
		}
		out = append(out, yaml.MapItem{Key: f.key, Value: number(spec.CPU(n).String())})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// build returns how the application is built, when it is not Dokploy's
// default (nixpacks). Only the fields of its build type are written.
func (b *builder) buildSettings(a *dokploy.Application) yaml.MapSlice {
	t := deref(a.BuildType)
	if t == "" {
		return nil
	}
	out := yaml.MapSlice{{Key: "type", Value: escape(t)}}
	str := func(key string, v *string, def string) {
		if s := deref(v); s != "" && s != def {
			out = append(out, yaml.MapItem{Key: key, Value: escape(s)})
		}
	}
	switch t {
	case "dockerfile":
		str("dockerfile", a.Dockerfile, defaultDockerfile)
		str("dockerContextPath", a.DockerContextPath, "")
		str("dockerBuildStage", a.DockerBuildStage, "")
	case "heroku_buildpacks":
		str("herokuVersion", a.HerokuVersion, defaultHerokuVersion)
	case "railpack":
		str("railpackVersion", a.RailpackVersion, defaultRailpackVersion)
	case "static":
		str("publishDirectory", a.PublishDirectory, "")
		if a.IsStaticSpa != nil && *a.IsStaticSpa {
			out = append(out, yaml.MapItem{Key: "isStaticSpa", Value: true})
		}
	}
	if t == defaultBuildType && len(out) == 1 {
		return nil
	}
	return out
}

// ---- sources ----

// sourceLive gathers the source columns of an application or compose
// service.
type sourceLive struct {
	typ    string
	app    *dokploy.Application // docker columns (applications only)
	git    *dokploy.GitSource
	cols   map[string]providerCols // github, gitlab, bitbucket, gitea
	github struct{ triggerType *string }
	gitlab struct {
		projectID     *int
		pathNamespace *string
	}
	bitbucketSlug *string
}

type providerCols struct {
	id, owner, repository, branch, buildPath *string
}

func applicationSourceLive(a *dokploy.Application) sourceLive {
	ls := sourceLive{typ: a.SourceType, app: a, git: &a.GitSource, bitbucketSlug: a.BitbucketRepositorySlug}
	ls.cols = map[string]providerCols{
		spec.SourceGitHub:    {a.GithubID, a.Owner, a.Repository, a.Branch, a.BuildPath},
		spec.SourceGitLab:    {a.GitlabID, a.GitlabOwner, a.GitlabRepository, a.GitlabBranch, a.GitlabBuildPath},
		spec.SourceBitbucket: {a.BitbucketID, a.BitbucketOwner, a.BitbucketRepository, a.BitbucketBranch, a.BitbucketBuildPath},
		spec.SourceGitea:     {a.GiteaID, a.GiteaOwner, a.GiteaRepository, a.GiteaBranch, a.GiteaBuildPath},
	}
	ls.github.triggerType = a.TriggerType
	ls.gitlab.projectID, ls.gitlab.pathNamespace = a.GitlabProjectID, a.GitlabPathNamespace
	return ls
}

func composeSourceLive(c *dokploy.Compose) sourceLive {
	ls := sourceLive{typ: c.SourceType, git: &c.GitSource, bitbucketSlug: c.BitbucketRepositorySlug}
	ls.cols = map[string]providerCols{
		spec.SourceGitHub:    {c.GithubID, c.Owner, c.Repository, c.Branch, nil},
		spec.SourceGitLab:    {c.GitlabID, c.GitlabOwner, c.GitlabRepository, c.GitlabBranch, nil},
		spec.SourceBitbucket: {c.BitbucketID, c.BitbucketOwner, c.BitbucketRepository, c.BitbucketBranch, nil},
		spec.SourceGitea:     {c.GiteaID, c.GiteaOwner, c.GiteaRepository, c.GiteaBranch, nil},
	}
	ls.github.triggerType = c.TriggerType
	ls.gitlab.projectID, ls.gitlab.pathNamespace = c.GitlabProjectID, c.GitlabPathNamespace
	return ls
}

// required returns the required fields of the source and their values.
func (ls sourceLive) required() (names []string, values []string) {
	switch ls.typ {
	case spec.SourceDocker:
		if ls.app != nil {
			return []string{"image"}, []string{deref(ls.app.DockerImage)}
		}
	case spec.SourceGit:
		return []string{"url", "branch"}, []string{deref(ls.git.CustomGitURL), deref(ls.git.CustomGitBranch)}
	case spec.SourceGitHub, spec.SourceGitLab, spec.SourceBitbucket, spec.SourceGitea:
		c := ls.cols[ls.typ]
		return []string{"providerId", "owner", "repository", "branch"},
			[]string{deref(c.id), deref(c.owner), deref(c.repository), deref(c.branch)}
	}
	return nil, nil
}

// empty says that no source is set up (Dokploy's default: github without
// a repository).
func (ls sourceLive) empty() bool {
	_, values := ls.required()
	for _, v := range values {
		if v != "" {
			return false
		}
	}
	return true
}

func (ls sourceLive) missing() []string {
	names, values := ls.required()
	var out []string
	for i, v := range values {
		if v == "" {
			out = append(out, names[i])
		}
	}
	return out
}

// source returns the source entry, or nil when there is none to write.
func (b *builder) source(s site, ls sourceLive, compose bool) yaml.MapSlice {
	switch ls.typ {
	case spec.SourceDocker, spec.SourceGit, spec.SourceGitHub, spec.SourceGitLab, spec.SourceBitbucket, spec.SourceGitea:
		if compose && ls.typ == spec.SourceDocker {
			return nil
		}
	case "", "raw":
		return nil
	case "drop":
		b.warnf(s.addr, "the source is an uploaded archive (drop), which dokploy.yaml cannot declare; source is not exported, so it stays unmanaged")
		return nil
	default:
		b.warnf(s.addr, "the source type %q is not known to dokploy-sync; source is not exported, so it stays unmanaged", ls.typ)
		return nil
	}
	if ls.empty() {
		return nil
	}
	if missing := ls.missing(); len(missing) > 0 {
		b.warnf(s.addr, "the %s source lacks %s, which dokploy.yaml requires; source is not exported, so it stays unmanaged", ls.typ, strings.Join(missing, ", "))
		return nil
	}
	out := yaml.MapSlice{}
	str := func(key string, v *string, def string) {
		if x := deref(v); x != "" && x != def {
			out = append(out, yaml.MapItem{Key: key, Value: b.literal(s, "source."+ls.typ+"."+key, x)})
		}
	}
	common := func() {
		if ls.git.EnableSubmodules != nil && *ls.git.EnableSubmodules {
			out = append(out, yaml.MapItem{Key: "submodules", Value: true})
		}
		if len(ls.git.WatchPaths) > 0 {
			l := make([]any, len(ls.git.WatchPaths))
			for i, p := range ls.git.WatchPaths {
				l[i] = b.literal(s, "source."+ls.typ+".watchPaths", p)
			}
			out = append(out, yaml.MapItem{Key: "watchPaths", Value: l})
		}
	}
	switch ls.typ {
	case spec.SourceDocker:
		a := ls.app
		str("image", a.DockerImage, "")
		str("username", a.Username, "")
		if pw := deref(a.Password); pw != "" {
			out = append(out, yaml.MapItem{Key: "password", Value: b.secret(s, pw, "REGISTRY_PASSWORD")})
		}
		str("registryUrl", a.RegistryURL, "")
	case spec.SourceGit:
		g := ls.git
		out = append(out, yaml.MapItem{Key: "url", Value: b.url(s, "source.git.url", deref(g.CustomGitURL), "GIT_URL_PASSWORD")})
		str("branch", g.CustomGitBranch, "")
		if !compose {
			str("buildPath", g.CustomGitBuildPath, "")
		}
		b.ref(s, &out, ls.typ, kinds.SSHKey.Name, "sshKey", "sshKeyId", g.CustomGitSSHKeyID)
		common()
	default:
		c := ls.cols[ls.typ]
		b.ref(s, &out, ls.typ, kinds.ProviderKind(ls.typ), "provider", "providerId", c.id)
		str("owner", c.owner, "")
		str("repository", c.repository, "")
		str("branch", c.branch, "")
		if !compose {
			str("buildPath", c.buildPath, defaultBuildPath)
		}
		common()
		switch ls.typ {
		case spec.SourceGitHub:
			str("triggerType", ls.github.triggerType, defaultTriggerType)
		case spec.SourceGitLab:
			// The plan always compares projectId: write it whenever it is set.
			if ls.gitlab.projectID != nil {
				out = append(out, yaml.MapItem{Key: "projectId", Value: *ls.gitlab.projectID})
			}
			str("pathNamespace", ls.gitlab.pathNamespace, "")
		case spec.SourceBitbucket:
			str("repositorySlug", ls.bitbucketSlug, "")
		}
	}
	return yaml.MapSlice{{Key: ls.typ, Value: out}}
}

// ref writes an id of an item of kind that a source holds: its name
// under key when the server has one item of that name (the plan resolves
// names), else the id under idKey.
func (b *builder) ref(s site, out *yaml.MapSlice, typ, kind, key, idKey string, id *string) {
	v := deref(id)
	if v == "" {
		return
	}
	if name, ok := b.refNames[kind][v]; ok && !b.refShared[kind][name] {
		*out = append(*out, yaml.MapItem{Key: key, Value: b.literal(s, "source."+typ+"."+key, name)})
		return
	}
	*out = append(*out, yaml.MapItem{Key: idKey, Value: b.literal(s, "source."+typ+"."+idKey, v)})
}

// ---- children: domains, ports, mounts, redirects, basic auth ----

// unique groups live children by key and drops (with a warning) the keys
// that several children share: the plan could not match them either.
func unique[T any](b *builder, s site, what string, list []T, key func(T) string, id func(T) string) []T {
	by := map[string][]T{}
	for _, x := range list {
		by[key(x)] = append(by[key(x)], x)
	}
	var out []T
	for _, k := range sortedKeys(by) {
		if l := by[k]; len(l) > 1 {
			b.warnf(s.addr, "%d live %s are %s (ids %s); export cannot choose and skips them", len(l), kinds.Plural(what), k, ids(l, id))
			continue
		}
		out = append(out, by[k][0])
	}
	return out
}

// serviceFilesDir is files/<project>/<environment>/<kind>-<name>.
func (b *builder) serviceFilesDir(s site) string {
	key := "files\x00" + s.project + "\x00" + s.env + "\x00" + s.kind + "\x00" + s.name
	if d, ok := b.dirs[key]; ok {
		return d
	}
	pkey := "files\x00" + s.project
	pdir, ok := b.dirs[pkey]
	if !ok {
		pdir = b.files.name(b.filesDir, s.project, "")
		b.dirs[pkey] = pdir
	}
	ekey := pkey + "\x00" + s.env
	edir, ok := b.dirs[ekey]
	if !ok {
		edir = b.files.name(pdir, s.env, "")
		b.dirs[ekey] = edir
	}
	d := b.files.name(edir, s.kind+"-"+s.name, "")
	b.dirs[key] = d
	return d
}

// ---- databases ----

func (b *builder) database(s site, d *dokploy.Database) yaml.MapSlice {
	b.res.Counts.Databases++
	out := yaml.MapSlice{}
	add := func(k string, v any) { out = append(out, yaml.MapItem{Key: k, Value: v}) }
	str := func(key string, v *string) {
		if x := deref(v); x != "" {
			add(key, b.literal(s, key, x))
		}
	}
	port := func(key string, v *int) {
		if v != nil {
			add(key, *v)
		}
	}
	password := func(key string, v *string, i int) {
		pw := deref(v)
		if pw == "" {
			return
		}
		if b.opts.IncludeSecrets {
			add(key, b.literal(s, key, pw))
			return
		}
		name := b.dbVars[d][i]
		b.addSecret(s, name, pw)
		add(key, "${"+name+"}")
	}
	str("description", d.Description)
	str("dockerImage", d.DockerImage)
	out = append(out, b.env(s, d.Env, false)...)
	port("externalPort", d.ExternalPort)
	switch d.Kind {
	case "postgres", "mysql", "mariadb":
		str("databaseName", d.DatabaseName)
	}
	if d.Kind != "redis" {
		str("databaseUser", d.DatabaseUser)
	}
	password("databasePassword", d.DatabasePassword, 0)
	switch d.Kind {
	case "mysql", "mariadb":
		password("databaseRootPassword", d.DatabaseRootPassword, 1)
	case "mongo":
		if d.ReplicaSets != nil && *d.ReplicaSets {
			add("replicaSets", true)
		}
	case "libsql":
		if x := deref(d.SqldNode); x != "" && x != defaultSqldNode {
			add("sqldNode", escape(x))
		}
		if u := deref(d.SqldPrimaryURL); u != "" {
			add("sqldPrimaryUrl", b.url(s, "sqldPrimaryUrl", u, "PRIMARY_URL_PASSWORD"))
		}
		if d.EnableNamespaces != nil && *d.EnableNamespaces {
			add("enableNamespaces", true)
		}
		port("externalGRPCPort", d.ExternalGRPCPort)
		port("externalAdminPort", d.ExternalAdminPort)
	}
	return b.place(out, d.Kind, b.items(s, d.Kind, d.Items))
}

// ---- compose ----

func (b *builder) compose(s site, c *dokploy.Compose) yaml.MapSlice {
	b.res.Counts.Compose++
	out := yaml.MapSlice{}
	add := func(k string, v any) { out = append(out, yaml.MapItem{Key: k, Value: v}) }
	if d := deref(c.Description); d != "" {
		add("description", b.literal(s, "description", d))
	}
	if c.ComposeType != "" && c.ComposeType != defaultComposeType {
		add("composeType", escape(c.ComposeType))
	}
	if c.SourceType == "raw" {
		add("composeFile", b.composeFile(s, deref(c.ComposeFile)))
	} else {
		if src := b.source(s, composeSourceLive(c), true); src != nil {
			add("source", src)
		}
		if p := deref(c.ComposePath); p != "" && p != defaultComposePath {
			add("composePath", b.literal(s, "composePath", p))
		}
	}
	if cmd := deref(c.Command); cmd != "" {
		add("command", b.inline(s, "command", cmd))
	}
	out = append(out, b.env(s, c.Env, true)...)
	if c.Randomize != nil && *c.Randomize {
		add("randomize", true)
	}
	if c.IsolatedDeployment != nil && *c.IsolatedDeployment {
		add("isolatedDeployment", true)
	}
	return b.place(out, "compose", b.items(s, "compose", c.Items))
}

// composeFile is the compose file inline, as a block; or, when the spec
// could not hold it as a readable block (one line, lines ending in spaces,
// a literal "${ref:"), the path of a file next to the spec
// (compose/<project>/<environment>/<name>.yml), which is read byte for byte.
func (b *builder) composeFile(s site, text string) string {
	esc := escape(text)
	if expressible(text) && strings.Contains(text, "\n") && !valueNeedsQuotes(esc) {
		return esc
	}
	dir := b.composeDir(s)
	p := b.files.name(dir, s.name, ".yml")
	b.addFile(p, text, 0o644)
	return p
}

func (b *builder) composeDir(s site) string {
	key := "compose\x00" + s.project + "\x00" + s.env
	if d, ok := b.dirs[key]; ok {
		return d
	}
	pkey := "compose\x00" + s.project
	pdir, ok := b.dirs[pkey]
	if !ok {
		pdir = b.files.name("compose", s.project, "")
		b.dirs[pkey] = pdir
	}
	d := b.files.name(pdir, s.env, "")
	b.dirs[key] = d
	return d
}

// projectHint ends the message about a project the server does not have:
// the nearest names of the server's projects, or the names themselves when
// none is near and they are few.
func projectHint(name string, live *dokploy.Live) string {
	var names []string
	for n, ps := range live.Projects {
		if len(ps) > 0 {
			names = append(names, n)
		}
	}
	names = append(names, live.Undeclared...)
	sort.Strings(names)
	if near := spec.Closest(name, names); len(near) > 0 {
		q := make([]string, len(near))
		for i, n := range near {
			q[i] = strconv.Quote(n)
		}
		return " (did you mean " + strings.Join(q, " or ") + "?)"
	}
	switch {
	case len(names) == 0:
		return ", which has no projects"
	case len(names) <= 10:
		return "; it has " + strings.Join(names, ", ")
	}
	return ""
}
