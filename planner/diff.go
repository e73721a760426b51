package planner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Dokploy's defaults for the environment project.create makes.
const (
	defaultEnvDescription = "Production environment"
)

// Compute compares desired with live and returns the plan. It does no I/O.
func Compute(desired *spec.File, live *dokploy.Live) *Plan {
	p := &Plan{UnsetVars: desired.UnsetVars(), IDs: map[string]string{}, AppNames: liveAppNames(live), declared: map[string]bool{},
		protected: map[string]bool{}, deleteVolumes: map[string]bool{}}
	p.res = NewResolver(desired, p.AppNames)
	p.secrets = desired.SecretValues()
	p.fingerprints = newFingerprints(live)
	p.markers = liveMarkers(live)
	p.memberRole = live.Role == "member"
	if live.Role == "member" {
		p.Warnings = append(p.Warnings, "the API key has the member role: it sees only the projects, environments and services it was given access to, so anything it cannot see is planned as new")
	}
	for _, k := range ReadKinds(desired) {
		if live.ItemErrors[k] == nil {
			continue
		}
		since := ""
		if v := kinds.ByName(k).Read.Since; v != "" {
			since = " (Dokploy before " + v + " does not have them)"
		}
		p.Errors = append(p.Errors, fmt.Sprintf("%s; the spec declares or references %s, so the plan cannot be made without them%s", live.ItemErrors[k], kinds.Plural(k), since))
	}
	p.refs = newRefs(live)
	p.undeclared = live.Undeclared
	for kind, byName := range p.refs.ids {
		for name, ids := range byName {
			if len(ids) == 1 {
				p.IDs[InstanceAddr(kind, name)] = ids[0] // for the references apply resolves
			}
		}
	}
	p.instances(desired, live)
	for _, name := range spec.SortedKeys(desired.Projects) {
		p.project(name, desired.Projects[name], live.Projects[name])
	}
	return p
}

// liveAppNames maps the address of every live service in the declared
// projects to its appName; addresses that name two services are left out.
func liveAppNames(live *dokploy.Live) map[string]string {
	return byAddress(live, func(s LiveService) string {
		switch svc := s.Service.(type) {
		case *dokploy.Application:
			return svc.AppName
		case *dokploy.Compose:
			return svc.AppName
		case *dokploy.Database:
			return svc.AppName
		}
		return ""
	})
}

// protect records a resource that --prune must not delete (with all that
// is in it).
func (p *Plan) protect(addr string, protect *bool) {
	if protect != nil && *protect {
		p.protected[addr] = true
	}
}

// volumes records a deleteVolumes setting of a project or environment.
func (p *Plan) volumes(addr string, del *bool) {
	if del != nil {
		p.deleteVolumes[addr] = *del
	}
}

// handsOff handles a service entry that says only protect: true: the live
// service is left exactly as it is (its children too); a missing one is an
// error, since such an entry has nothing to create it from.
func (p *Plan) handsOff(addr string, m *spec.Meta, protect *bool, exists bool, id func() string) bool {
	if !spec.HandsOff(m, protect) {
		return false
	}
	p.declared[addr] = true
	if !exists {
		p.Errors = append(p.Errors, fmt.Sprintf("%s: protect: true alone keeps a live service as it is, but Dokploy has no such service; give its settings to create it, or remove the entry", addr))
		return true
	}
	p.IDs[addr] = id()
	return true
}

func (p *Plan) add(c *Change) {
	p.declared[c.Address] = true
	// No output holds a secret variable's value (spec.File.SecretValues):
	// the values are shown with it masked, whatever field holds it (a
	// command, a file's content, a compose file, an env value even with
	// --show-values).
	for _, f := range c.Fields {
		after := maskSecrets(f.After, p.secrets)
		if after != f.After && f.Before != f.After {
			// The desired value holds a secret, so the live one may hold
			// its old value, which the spec no longer knows: hide what
			// differs (the lines of a text that changed).
			f.Before = maskChanged(f.Before, f.After, f.Text)
		}
		f.Before, f.After = maskSecrets(f.Before, p.secrets), after
	}
	if c.LiveID != "" {
		p.IDs[c.Address] = c.LiveID
	}
	if c.Action == Update {
		// A field that depends on an unset ${VAR} is not compared: it is no
		// change (a plan of a fork's pull request, which has no secrets,
		// must not report one), only listed.
		kept := c.Fields[:0]
		for _, f := range c.Fields {
			switch {
			case f.Unknown != "":
				p.NotCompared = append(p.NotCompared, c.Address+": "+f.Name)
			case f.Redacted:
				p.NotCompared = append(p.NotCompared, c.Address+": "+f.Name+" (redacted by the server)")
			default:
				kept = append(kept, f)
			}
		}
		c.Fields = kept
	}
	if c.Action == Update && len(c.Fields) == 0 {
		return
	}
	p.Changes = append(p.Changes, c)
}

func ids[T any](list []T, id func(T) string) string {
	var out []string
	for _, x := range list {
		out = append(out, id(x))
	}
	return strings.Join(out, ", ")
}

func (p *Plan) project(name string, want *spec.Project, lives []*dokploy.Project) {
	p.protect(name, want.Protect)
	p.volumes(name, want.DeleteVolumes)
	if len(lives) > 1 {
		p.Errors = append(p.Errors, fmt.Sprintf("%s: %d live projects are named %q (ids %s); Dokploy does not keep names unique and dokploy-sync will not guess: rename or remove all but one in Dokploy",
			name, len(lives), name, ids(lives, func(l *dokploy.Project) string { return l.ProjectID })))
		return
	}
	var live *dokploy.Project
	c := &Change{Address: name, Kind: KindProject, Name: name, Desired: want}
	if len(lives) == 1 {
		live = lives[0]
		c.Action, c.Live, c.LiveID = Update, live, live.ProjectID
	} else {
		c.Action = Create
	}
	d := differ{c: c, meta: &want.Meta, res: p.res}
	var liveDesc *string
	liveEnv := ""
	if live != nil {
		liveDesc, liveEnv = live.Description, live.Env
	}
	d.str("description", want.Meta.Has("description"), want.Description, liveDesc, false)
	d.env(want.EnvVars, &liveEnv)
	p.add(c)

	// Environments: "production" is the default environment, which
	// project.create makes; a new project's default environment is compared
	// with the defaults it will get.
	var liveEnvs []*dokploy.Environment
	if live != nil {
		liveEnvs = live.Environments
	} else {
		liveEnvs = []*dokploy.Environment{{Name: spec.DefaultEnvironment, IsDefault: true, Description: ptr(defaultEnvDescription)}}
	}
	matched := map[*dokploy.Environment]bool{}
	for _, en := range spec.SortedKeys(want.Environments) {
		var cands []*dokploy.Environment
		for _, le := range liveEnvs {
			if isDefaultName(en) && le.IsDefault || !isDefaultName(en) && !le.IsDefault && le.Name == en {
				cands = append(cands, le)
			}
		}
		addr := name + "/" + en
		if len(cands) > 1 {
			p.Errors = append(p.Errors, fmt.Sprintf("%s: %d live environments are named %q (ids %s); rename or remove all but one in Dokploy",
				addr, len(cands), en, ids(cands, func(l *dokploy.Environment) string { return l.EnvironmentID })))
			for _, c := range cands {
				matched[c] = true
			}
			continue
		}
		var le *dokploy.Environment
		if len(cands) == 1 {
			le = cands[0]
			matched[le] = true
		}
		p.environment(addr, name, en, want.Environments[en], le)
	}
	for _, le := range liveEnvs {
		if matched[le] {
			continue
		}
		addr := name + "/" + le.Name
		if !le.IsDefault {
			p.Unmanaged = append(p.Unmanaged, Resource{Address: addr, Kind: KindEnvironment, ID: le.EnvironmentID})
		}
		p.services(addr, nil, le)
	}
}

func isDefaultName(n string) bool { return n == spec.DefaultEnvironment }

func ptr[T any](v T) *T { return &v }

func (p *Plan) environment(addr, project, name string, want *spec.Environment, live *dokploy.Environment) {
	p.protect(addr, want.Protect)
	p.volumes(addr, want.DeleteVolumes)
	c := &Change{Address: addr, Kind: KindEnvironment, Name: name, Parent: project, Desired: want}
	if live != nil {
		c.Action, c.Live, c.LiveID = Update, live, live.EnvironmentID
	} else {
		c.Action = Create
	}
	d := differ{c: c, meta: &want.Meta, res: p.res}
	var liveDesc *string
	liveEnv := ""
	if live != nil {
		liveDesc, liveEnv = live.Description, live.Env
	}
	d.str("description", want.Meta.Has("description"), want.Description, liveDesc, false)
	d.env(want.EnvVars, &liveEnv)
	p.add(c)

	p.services(addr, want, live)
}

// services matches the services of an environment by kind and name and
// plans each; live services the spec does not list are unmanaged. want nil:
// an environment the spec does not declare, whose services are all
// unmanaged.
func (p *Plan) services(addr string, want *spec.Environment, live *dokploy.Environment) {
	if want == nil {
		want = &spec.Environment{}
	}
	if live == nil {
		live = &dokploy.Environment{}
	}
	dbs := map[string]spec.Database{}
	for _, db := range want.Databases() {
		dbs[db.Kind+"/"+db.Name] = db
	}
	for _, kind := range spec.DatabaseKinds {
		var names []string
		for _, db := range want.Databases() {
			if db.Kind == kind {
				names = append(names, db.Name)
			}
		}
		var lives []*dokploy.Database
		for _, l := range live.Databases {
			if l.Kind == kind {
				lives = append(lives, l)
			}
		}
		matchServices(p, addr, kind, names, lives,
			func(l *dokploy.Database) string { return l.Name }, func(l *dokploy.Database) string { return l.ID },
			func(a, name string, l *dokploy.Database) { p.database(a, addr, dbs[kind+"/"+name], l) })
	}
	matchServices(p, addr, KindApplication, spec.SortedKeys(want.Applications), live.Applications,
		func(l *dokploy.Application) string { return l.Name }, func(l *dokploy.Application) string { return l.ApplicationID },
		func(a, name string, l *dokploy.Application) { p.application(a, addr, name, want.Applications[name], l) })
	matchServices(p, addr, KindCompose, spec.SortedKeys(want.Compose), live.Compose,
		func(l *dokploy.Compose) string { return l.Name }, func(l *dokploy.Compose) string { return l.ComposeID },
		func(a, name string, l *dokploy.Compose) { p.compose(a, addr, name, want.Compose[name], l) })
}

// matchServices plans the services of one kind named in names against the
// live ones (nil when missing); two live services with one name are an
// error naming both ids, and live services not named are unmanaged.
func matchServices[L comparable](p *Plan, env, kind string, names []string, lives []L, name, id func(L) string, plan func(addr, name string, l L)) {
	matched := map[L]bool{}
	byName := make(map[string][]L, len(lives)) // in live order
	for _, l := range lives {
		byName[name(l)] = append(byName[name(l)], l)
	}
	for _, n := range names {
		cands := byName[n]
		for _, l := range cands {
			matched[l] = true
		}
		a := env + "/" + kind + "/" + n
		var l L
		switch len(cands) {
		case 0:
		case 1:
			l = cands[0]
		default:
			p.Errors = append(p.Errors, fmt.Sprintf("%s: %d live %s services are named %q (ids %s); rename or remove all but one in Dokploy",
				a, len(cands), kind, n, ids(cands, id)))
			continue
		}
		plan(a, n, l)
	}
	for _, l := range lives {
		if !matched[l] {
			p.Unmanaged = append(p.Unmanaged, Resource{Address: env + "/" + kind + "/" + name(l), Kind: kind, ID: id(l)})
		}
	}
}

func (p *Plan) application(addr, parent, name string, want *spec.Application, live *dokploy.Application) {
	p.protect(addr, want.Protect)
	if p.handsOff(addr, &want.Meta, want.Protect, live != nil, func() string { return live.ApplicationID }) {
		return
	}
	c := &Change{Address: addr, Kind: KindApplication, Name: name, Parent: parent, Desired: want}
	if live != nil {
		c.Action, c.Live, c.LiveID = Update, live, live.ApplicationID
		p.owe(addr, KindApplication, live.ApplicationID, live, want.Deploy, want.Objects, func() string {
			return OwedReason(addr, live.Deployments, live.ApplicationStatus, func() string { return p.fingerprints.of(addr) }, p.markers)
		})
	} else {
		c.Action = Create
		live = &dokploy.Application{}
	}
	d := differ{c: c, meta: &want.Meta, res: p.res}
	d.str("description", want.Meta.Has("description"), want.Description, live.Description, false)
	p.source(&d, want.Source, live.SourceType, applicationSourceLive(live), true)
	d.build(want.Build, live)
	if want.Meta.Has("command") {
		cmd, known := d.res.Resolve(addr, deref(want.Command))
		d.scalar("command", cmd, deref(live.Command), false)
		if f := c.Field("command"); f != nil && !known {
			f.AfterApply = true
		}
	}
	if want.Meta.Has("replicas") && want.Replicas != nil {
		have := 1
		if live.Replicas != nil {
			have = *live.Replicas
		}
		d.scalar("replicas", strconv.Itoa(*want.Replicas), strconv.Itoa(have), c.Action == Create && *want.Replicas == 1)
	}
	// resources: null clears all four; inside resources only the keys set
	// are managed.
	r := want.Resources
	if r == nil && want.Meta.Has("resources") {
		r = &spec.Resources{Meta: spec.Meta{Keys: map[string]spec.Position{"memoryLimit": {}, "memoryReservation": {}, "cpuLimit": {}, "cpuReservation": {}}}}
	}
	if r != nil {
		d.memory("resources.memoryLimit", r.Meta.Has("memoryLimit"), r.MemoryLimit, live.MemoryLimit)
		d.memory("resources.memoryReservation", r.Meta.Has("memoryReservation"), r.MemoryReservation, live.MemoryReservation)
		d.cpu("resources.cpuLimit", r.Meta.Has("cpuLimit"), r.CPULimit, live.CPULimit)
		d.cpu("resources.cpuReservation", r.Meta.Has("cpuReservation"), r.CPUReservation, live.CPUReservation)
	}
	d.env(want.EnvVars, live.Env)
	d.envMap("buildArgs", want.BuildArgs, live.BuildArgs, false)
	d.envMap("buildSecrets", want.BuildSecrets, live.BuildSecrets, true)
	p.settings(&d, KindApplication, want.Objects, live.Items)
	p.runState(c, want.Objects, RunStateRow(live.Items))
	if c.Action == Update {
		appNameWarning(c, want.AppName, live.AppName)
	}
	p.add(c)
	p.orphanWarnings(c)
	p.items(addr, KindApplication, want.Objects, live.Items)
}

func (p *Plan) database(addr, parent string, want spec.Database, live *dokploy.Database) {
	p.protect(addr, want.Protect)
	if p.handsOff(addr, &want.Meta, want.Protect, live != nil, func() string { return live.ID }) {
		return
	}
	c := &Change{Address: addr, Kind: want.Kind, Name: want.Name, Parent: parent, Desired: want}
	if live != nil {
		c.Action, c.Live, c.LiveID = Update, live, live.ID
		p.owe(addr, want.Kind, live.ID, live, want.Deploy, want.Objects, func() string { return OwedDatabaseReason(live.ApplicationStatus) })
	} else {
		c.Action = Create
		live = &dokploy.Database{}
	}
	m := &want.Meta
	d := differ{c: c, meta: m, res: p.res}
	d.str("description", m.Has("description"), want.Description, live.Description, false)
	d.str("dockerImage", true, &want.DockerImage, live.DockerImage, false)
	if want.DatabaseName != nil {
		d.str("databaseName", true, want.DatabaseName, live.DatabaseName, false)
	}
	if want.DatabaseUser != nil {
		d.str("databaseUser", true, want.DatabaseUser, live.DatabaseUser, false)
	}
	if want.DatabasePassword != nil {
		d.str("databasePassword", true, want.DatabasePassword, live.DatabasePassword, true)
	}
	d.str("databaseRootPassword", m.Has("databaseRootPassword"), want.DatabaseRootPassword, live.DatabaseRootPassword, true)
	d.boolean("replicaSets", m.Has("replicaSets"), want.ReplicaSets, live.ReplicaSets)
	d.str("sqldNode", m.Has("sqldNode"), want.SqldNode, live.SqldNode, false)
	d.str("sqldPrimaryUrl", m.Has("sqldPrimaryUrl"), want.SqldPrimaryURL, live.SqldPrimaryURL, hasPassword(deref(want.SqldPrimaryURL)) || hasPassword(deref(live.SqldPrimaryURL)))
	d.boolean("enableNamespaces", m.Has("enableNamespaces"), want.EnableNamespaces, live.EnableNamespaces)
	d.port("externalPort", m.Has("externalPort"), want.ExternalPort, live.ExternalPort)
	d.port("externalGRPCPort", m.Has("externalGRPCPort"), want.ExternalGRPCPort, live.ExternalGRPCPort)
	d.port("externalAdminPort", m.Has("externalAdminPort"), want.ExternalAdminPort, live.ExternalAdminPort)
	d.env(want.EnvVars, live.Env)
	p.settings(&d, want.Kind, want.Objects, live.Items)
	p.runState(c, want.Objects, RunStateRow(live.Items))
	if c.Action == Update {
		appNameWarning(c, want.AppName, live.AppName)
		if live.ApplicationStatus != "idle" && live.ApplicationStatus != "" {
			for _, f := range []string{"databaseName", "databaseUser"} {
				if c.Field(f) != nil {
					c.Warnings = append(c.Warnings, fmt.Sprintf("%s changes the record only: the database inside the existing data volume keeps its old %s", f, strings.TrimPrefix(f, "database")))
				}
			}
		}
	}
	p.add(c)
	p.orphanWarnings(c)
	p.items(addr, want.Kind, want.Objects, live.Items)
}

// orphanWarnings moves the warnings of a change without field diffs (which
// add drops) to the plan.
func (p *Plan) orphanWarnings(c *Change) {
	if c.Action == Update && len(c.Fields) == 0 {
		for _, w := range c.Warnings {
			p.Warnings = append(p.Warnings, c.Address+": "+w)
		}
	}
}

// appNameWarning notes an appName prefix the live resource does not have:
// appName cannot change after create, so this is never a change.
func appNameWarning(c *Change, want *string, live string) {
	if want == nil || live == "" {
		return
	}
	prefix := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(*want), " ", "-"))
	base := live
	if i := strings.LastIndex(live, "-"); i > 0 {
		base = live[:i]
	}
	if base != prefix {
		c.Warnings = append(c.Warnings, fmt.Sprintf("appName is %q, not %q + suffix: Dokploy cannot rename it, so appName only applies when a resource is created", live, prefix))
	}
}

// differ appends field diffs to a change.
type differ struct {
	c    *Change
	meta *spec.Meta
	res  *Resolver
	// setting: the fields are settings of the service (singleton kinds),
	// whose create leaves out what equals the server's default.
	setting bool
}

func (d *differ) create() bool { return d.c.Action == Create }

// unknown is the unset variable a field's desired value depends on.
func (d *differ) unknown(name string) string {
	if v, ok := d.meta.Unknown[name]; ok {
		return v
	}
	// Nested objects keep their own meta keyed by the short name.
	if i := strings.LastIndex(name, "."); i > 0 {
		if v, ok := d.meta.Unknown[name[i+1:]]; ok && !strings.HasPrefix(name, "env.") {
			return v
		}
	}
	return ""
}

// scalar records a diff between two normalized display values. Null and
// "" are the same value (Dokploy stores both for "unset").
func (d *differ) scalar(name, want, have string, skipOnCreate bool) {
	if v := d.unknown(name); v != "" {
		a := Update
		if d.create() {
			a = Create
		}
		d.c.Fields = append(d.c.Fields, &FieldDiff{Name: name, Action: a, Before: have, Unknown: v})
		return
	}
	if d.create() {
		if want != "" && !skipOnCreate {
			d.c.Fields = append(d.c.Fields, &FieldDiff{Name: name, Action: Create, After: dokploy.HideURLPassword(want)})
		}
		return
	}
	if want == have {
		return
	}
	a := Update
	switch {
	case have == "":
		a = Create
	case want == "":
		a = Delete
	}
	// Compared as they are, shown without the credentials of a URL (a git
	// URL with a token): plans, JSON plans and saved plans hold none.
	d.c.Fields = append(d.c.Fields, &FieldDiff{Name: name, Action: a, Before: dokploy.HideURLPassword(have), After: dokploy.HideURLPassword(want)})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (d *differ) str(name string, owned bool, want, have *string, sensitive bool) {
	if !owned {
		return
	}
	if d.redacted(name, have) {
		return
	}
	n := len(d.c.Fields)
	d.scalar(name, deref(want), deref(have), false)
	for _, f := range d.c.Fields[n:] {
		f.Sensitive = sensitive
	}
}

func (d *differ) boolean(name string, owned bool, want, have *bool) {
	if !owned {
		return
	}
	w, h := false, false
	if want != nil {
		w = *want
	}
	if have != nil {
		h = *have
	}
	d.scalar(name, strconv.FormatBool(w), strconv.FormatBool(h), d.create() && !w)
}

func (d *differ) port(name string, owned bool, want, have *int) {
	if !owned {
		return
	}
	d.scalar(name, intString(want), intString(have), false)
}

func intString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// memory compares sizes in bytes (the unit Dokploy stores), shown in
// human units.
func (d *differ) memory(name string, owned bool, want *spec.Memory, have *string) {
	if !owned {
		return
	}
	w := ""
	if want != nil {
		w = want.String()
	}
	h := deref(have)
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		h = spec.Memory(n).String()
	} else if h != "" {
		h = strconv.Quote(h) + " (not a byte count)"
	}
	d.scalar(name, w, h, false)
}

// cpu compares nano-CPUs (the unit Dokploy stores), shown as CPUs.
func (d *differ) cpu(name string, owned bool, want *spec.CPU, have *string) {
	if !owned {
		return
	}
	w := ""
	if want != nil {
		w = want.String()
	}
	h := deref(have)
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		h = spec.CPU(n).String()
	} else if h != "" {
		h = strconv.Quote(h) + " (not nano-CPUs)"
	}
	d.scalar(name, w, h, false)
}

// redacted records a field whose live value is the server's placeholder
// for a secret it did not return (dokploy.IsRedacted): it cannot be
// compared, so it is no change, only listed as not compared.
func (d *differ) redacted(name string, have *string) bool {
	if d.create() || !dokploy.IsRedacted(have) {
		return false
	}
	d.c.Fields = append(d.c.Fields, &FieldDiff{Name: name, Action: Update, Sensitive: true, Redacted: true})
	return true
}

// env diffs an env map key by key. want nil means env is not managed.
// Dokploy replaces the whole env text, so keys that exist live but not in
// the spec are dropped: that gets a warning.
func (d *differ) env(want map[string]string, haveText *string) {
	d.envMap("env", want, haveText, false)
}

// envMap diffs a dotenv-valued field (env, buildArgs, buildSecrets) key by
// key, with references resolved; secret marks values never shown.
func (d *differ) envMap(field string, want map[string]string, haveText *string, secret bool) {
	if want == nil {
		return
	}
	if d.redacted(field, haveText) {
		return
	}
	want, later := d.res.Env(d.c.Address, want)
	have := dokploy.ParseEnv(haveText)
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range have {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var dropped []string
	for _, k := range sorted {
		name := field + "." + k
		w, inWant := want[k]
		h, inHave := have[k]
		f := &FieldDiff{Name: name, Env: true, Sensitive: secret, Before: h, After: w}
		switch {
		case !inWant:
			f.Action = Delete
			dropped = append(dropped, k)
		case !d.create() && dokploy.IsRedacted(&h):
			f.Action, f.Redacted, f.Before = Update, true, ""
		case d.meta.Unknown[name] != "":
			f.Action, f.Unknown = Update, d.meta.Unknown[name]
		case later[k]:
			f.Action, f.AfterApply = Update, true
		case !inHave:
			f.Action = Create
		case w != h:
			f.Action = Update
		default:
			continue
		}
		if d.create() {
			f.Action = Create
		}
		d.c.Fields = append(d.c.Fields, f)
	}
	if len(dropped) > 0 {
		d.c.Warnings = append(d.c.Warnings, droppedWarning(field, dropped, "dokploy.yaml"))
	}
}

// droppedWarning says that the keys dropped, which exist live but not in
// source (dokploy.yaml, or env push's file), will be removed.
func droppedWarning(field string, dropped []string, source string) string {
	return fmt.Sprintf("%s: Dokploy replaces the whole %s, so %s, which %s live but not in %s, will be removed; add %s to %s to keep %s",
		field, field, strings.Join(dropped, ", "), plural(len(dropped), "exists", "exist"), source, plural(len(dropped), "it", "them"), source, plural(len(dropped), "it", "them"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// maskSecrets replaces every secret value in s with "(sensitive)".
func maskSecrets(s string, secrets []string) string {
	for _, v := range secrets {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "(sensitive)")
		}
	}
	return s
}

// maskChanged hides before where it differs from after: a text's lines
// that after does not have, any other value whole.
func maskChanged(before, after string, text bool) string {
	if before == "" {
		return before
	}
	if !text {
		return "(sensitive)"
	}
	keep := map[string]bool{}
	for _, l := range strings.Split(after, "\n") {
		keep[l] = true
	}
	lines := strings.Split(before, "\n")
	for i, l := range lines {
		if !keep[l] {
			lines[i] = "(sensitive)"
		}
	}
	return strings.Join(lines, "\n")
}
