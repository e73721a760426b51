package apply

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// plainEnvText renders the env of a project or environment (no references
// there) as the dotenv text Dokploy stores.
func plainEnvText(env map[string]string) (string, error) { return dokploy.FormatEnv(env) }

// strOrNull is the JSON value of an optional string: null when unset.
func strOrNull(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func (r *run) project(o *op) error {
	c := o.c
	want := c.Desired.(*spec.Project)
	fields := func(in map[string]any) error {
		if c.HasField("description") {
			in["description"] = strOrNull(want.Description)
		}
		if c.HasField("env") {
			text, err := plainEnvText(want.EnvVars)
			if err != nil {
				return err
			}
			in["env"] = text
		}
		return nil
	}
	if c.Action == planner.Create {
		in := map[string]any{"name": c.Name}
		if err := fields(in); err != nil {
			return err
		}
		var out struct {
			Project struct {
				ProjectID string `json:"projectId"`
			} `json:"project"`
			Environment struct {
				EnvironmentID string `json:"environmentId"`
			} `json:"environment"`
		}
		o.create = dokploy.NewCall("project.create", in, &out)
		o.created = func() string {
			r.ids[c.Address] = out.Project.ProjectID
			r.ids[c.Address+"/"+spec.DefaultEnvironment] = out.Environment.EnvironmentID
			return ""
		}
		o.writes = func(string) ([]*dokploy.Call, error) { return nil, nil }
		return nil
	}
	o.writes = func(id string) ([]*dokploy.Call, error) {
		in := map[string]any{"projectId": id}
		if err := fields(in); err != nil {
			return nil, err
		}
		return []*dokploy.Call{dokploy.NewCall("project.update", in, nil)}, nil
	}
	return nil
}

func (r *run) environment(o *op) error {
	c := o.c
	want := c.Desired.(*spec.Environment)
	// environment.create takes no env, and description and env are
	// non-nullable strings: "" clears them. The default environment must
	// never be sent a name.
	writes := func(id string, withDescription bool) ([]*dokploy.Call, error) {
		if id == "" {
			return nil, fmt.Errorf("environment %s has no id (its project was not created)", c.Address)
		}
		in := map[string]any{"environmentId": id}
		if withDescription && c.HasField("description") {
			in["description"] = deref(want.Description)
		}
		if c.HasField("env") {
			text, err := plainEnvText(want.EnvVars)
			if err != nil {
				return nil, err
			}
			in["env"] = text
		}
		if len(in) == 1 {
			return nil, nil
		}
		return []*dokploy.Call{dokploy.NewCall("environment.update", in, nil)}, nil
	}
	if c.Action == planner.Create {
		pid, err := r.parentID(c)
		if err != nil {
			return err
		}
		in := map[string]any{"name": c.Name, "projectId": pid}
		if want.Description != nil {
			in["description"] = *want.Description
		}
		var out struct {
			EnvironmentID string `json:"environmentId"`
		}
		o.create = dokploy.NewCall("environment.create", in, &out)
		o.created = func() string { r.ids[c.Address] = out.EnvironmentID; return "" }
		o.writes = func(id string) ([]*dokploy.Call, error) { return writes(id, false) }
		return nil
	}
	o.writes = func(id string) ([]*dokploy.Call, error) { return writes(id, true) }
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var appNameBad = regexp.MustCompile(`[^a-z0-9._-]+`)

// appName is the appName prefix sent on create: the spec's, or Dokploy's own
// UI convention <project>-<name>, cleaned to what Dokploy accepts and at most
// 56 characters (Dokploy appends 7, Docker allows 63).
func appName(c *planner.Change, given *string) string {
	base := ""
	if given != nil && *given != "" {
		base = *given
	} else {
		project, _, _ := strings.Cut(c.Address, "/")
		base = project + "-" + c.Name
	}
	s := appNameBad.ReplaceAllString(strings.ToLower(strings.TrimSpace(base)), "-")
	s = strings.Trim(s, "-")
	if len(s) > 56 {
		s = strings.TrimRight(s[:56], "-")
	}
	if s == "" {
		s = "app"
	}
	return s
}

// serviceInput starts the input of <kind>.create for a service: its name,
// environment, appName prefix and description.
func (r *run) serviceInput(c *planner.Change, prefix, description *string) (map[string]any, error) {
	eid, err := r.parentID(c)
	if err != nil {
		return nil, err
	}
	in := map[string]any{"name": c.Name, "environmentId": eid, "appName": appName(c, prefix)}
	if description != nil {
		in["description"] = *description
	}
	return in, r.createSettings(c, in)
}

// serviceCreate sets the op's create call of a service and what to record
// from its answer: the new row's id and generated appName. libsql.create
// answers just true; its id is looked up after the round trip.
func (r *run) serviceCreate(o *op, in map[string]any) {
	c := o.c
	idKey := dokploy.IDKey(c.Kind)
	answer := &dokploy.Created{IDKey: idKey}
	o.create = dokploy.NewCall(c.Kind+".create", in, answer)
	o.created = func() string {
		if answer.ID != "" {
			r.ids[c.Address] = answer.ID
		}
		if answer.AppName != "" {
			r.res.AppNames[c.Address] = answer.AppName
			return "appName " + answer.AppName
		}
		return ""
	}
}

// running reports whether a database has been deployed: its password and
// external port then have to change in the running service, not only in the
// record.
func running(live *dokploy.Database) bool {
	return live != nil && (live.ApplicationStatus == "done" || live.ApplicationStatus == "running")
}

func (r *run) database(o *op) error {
	c := o.c
	want := c.Desired.(spec.Database)
	live, _ := c.Live.(*dokploy.Database)
	o.writes = func(id string) ([]*dokploy.Call, error) { return r.databaseWrites(c, id, want, live) }
	if c.Action != planner.Create {
		return nil
	}
	in, err := r.serviceInput(c, want.AppName, want.Description)
	if err != nil {
		return err
	}
	in["dockerImage"] = want.DockerImage
	if c.Kind == "libsql" {
		in["description"] = strOrNull(want.Description) // libsql.create requires the key
	}
	for key, v := range map[string]*string{"databaseName": want.DatabaseName, "databaseUser": want.DatabaseUser, "databasePassword": want.DatabasePassword} {
		if v != nil {
			in[key] = *v
		}
	}
	if want.DatabaseRootPassword != nil {
		in["databaseRootPassword"] = *want.DatabaseRootPassword
	}
	if c.Kind == "mongo" && want.ReplicaSets != nil {
		in["replicaSets"] = *want.ReplicaSets
	}
	if c.Kind == "libsql" {
		// libsql.create requires every key (null allowed).
		node := "primary"
		if want.SqldNode != nil {
			node = *want.SqldNode
		}
		in["sqldNode"] = node
		in["sqldPrimaryUrl"] = strOrNull(want.SqldPrimaryURL)
		in["serverId"] = nil
		in["enableNamespaces"] = want.EnableNamespaces != nil && *want.EnableNamespaces
	}
	r.serviceCreate(o, in)
	return nil
}

// createFields are set by <kind>.create itself.
var createFields = map[string]bool{
	"description": true, "dockerImage": true, "databaseName": true, "databaseUser": true,
	"databasePassword": true, "databaseRootPassword": true, "replicaSets": true,
	"sqldNode": true, "sqldPrimaryUrl": true, "enableNamespaces": true,
}

// databaseWrites sets the changed fields of a database. Updates always
// carry dockerImage (libsql also enableNamespaces, mongo replicaSets), since
// partial database updates reset zod-defaulted fields on some Dokploy
// versions. A running database gets its password through changePassword,
// which reaches the running service; one that never ran only needs the
// record changed. Everything else, the external port included, takes effect
// with the deploy that follows apply. A database this apply creates gets
// its env in the update too (foldCreated): the update resends what a
// partial update would reset, so it equals the create and saveEnvironment.
func (r *run) databaseWrites(c *planner.Change, id string, want spec.Database, live *dokploy.Database) ([]*dokploy.Call, error) {
	if id == "" {
		return nil, fmt.Errorf("%s has no id", c.Address)
	}
	idKey := dokploy.IDKey(c.Kind)
	changed := func(f string) bool {
		return c.HasField(f) && !(c.Action == planner.Create && createFields[f])
	}
	var calls []*dokploy.Call
	upd := map[string]any{}
	if changed("description") {
		upd["description"] = strOrNull(want.Description)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"dockerImage", &want.DockerImage}, {"databaseName", want.DatabaseName}, {"databaseUser", want.DatabaseUser}, {"sqldNode", want.SqldNode}, {"sqldPrimaryUrl", want.SqldPrimaryURL}} {
		if changed(f.name) {
			upd[f.name] = strOrNull(f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    *bool
	}{{"replicaSets", want.ReplicaSets}, {"enableNamespaces", want.EnableNamespaces}} {
		if changed(f.name) {
			upd[f.name] = f.v != nil && *f.v
		}
	}
	for _, pw := range []struct {
		field, typ string
		v          *string
	}{{"databasePassword", "user", want.DatabasePassword}, {"databaseRootPassword", "root", want.DatabaseRootPassword}} {
		if !changed(pw.field) {
			continue
		}
		idle := live != nil && live.ApplicationStatus == "idle"
		if (running(live) || idle) && c.Kind != "libsql" {
			in := map[string]any{idKey: id, "password": deref(pw.v)}
			if c.Kind == "mysql" || c.Kind == "mariadb" {
				in["type"] = pw.typ
			}
			call := dokploy.NewCall(c.Kind+".changePassword", in, nil)
			calls = append(calls, call)
			if idle {
				// Idle: never deployed, stopped, or marked idle by an apply
				// whose deploy did not happen; it may have a container with
				// the old password. The record gets the password, and
				// changePassword reaches the container if there is one.
				upd[pw.field] = deref(pw.v)
				if r.tolerated == nil {
					r.tolerated = map[*dokploy.Call]string{}
				}
				r.tolerated[call] = "No running container"
			}
		} else {
			upd[pw.field] = deref(pw.v)
		}
	}
	ports := []struct {
		name string
		v    *int
	}{{"externalPort", want.ExternalPort}, {"externalGRPCPort", want.ExternalGRPCPort}, {"externalAdminPort", want.ExternalAdminPort}}
	for _, p := range ports {
		if !changed(p.name) {
			continue
		}
		var v any
		if p.v != nil {
			v = *p.v
		}
		// Not saveExternalPort: it deploys synchronously (minutes) inside
		// this round trip. The record changes here; the deploy that follows
		// apply publishes the port.
		upd[p.name] = v
	}
	if changed("env") {
		text, err := r.envText(c.Address, want.EnvVars, nil)
		if err != nil {
			return nil, err
		}
		env := dokploy.NewCall(c.Kind+".saveEnvironment", map[string]any{idKey: id, "env": text}, nil)
		calls = append(calls, foldCreated(c, upd, []*dokploy.Call{env})...)
	}
	if err := r.settingsInput(c, want.Objects, c.Kind, upd); err != nil {
		return nil, err
	}
	if len(upd) > 0 {
		upd[idKey] = id
		upd["dockerImage"] = want.DockerImage
		// Partial updates reset these to their defaults on some Dokploy
		// versions (libsql at v0.30.2, mongo replicaSets before v0.30.0):
		// always send them, the spec's value if it has one, else the live one.
		switch c.Kind {
		case "libsql":
			upd["enableNamespaces"] = keepBool(&want.Meta, "enableNamespaces", want.EnableNamespaces, liveBool(live, func(d *dokploy.Database) *bool { return d.EnableNamespaces }))
		case "mongo":
			upd["replicaSets"] = keepBool(&want.Meta, "replicaSets", want.ReplicaSets, liveBool(live, func(d *dokploy.Database) *bool { return d.ReplicaSets }))
		}
		calls = append([]*dokploy.Call{dokploy.NewCall(c.Kind+".update", upd, nil)}, calls...)
	}
	return calls, nil
}

// findCreatedLibSQL looks up the ids and appNames of libsql databases
// created in this level (libsql.create answers only true) by name in their
// environment, among the databases that were not there before. project.one
// is read because environment.one has no appNames.
func (r *run) findCreatedLibSQL(ops []*op) error {
	var pending []*op
	projects := map[string]*dokploy.Call{}
	var calls []*dokploy.Call
	for _, o := range ops {
		if o.failed != nil || o.create == nil || o.c.Kind != "libsql" || r.ids[o.c.Address] != "" {
			continue
		}
		pending = append(pending, o)
		project, _, _ := strings.Cut(o.c.Address, "/")
		pid := r.ids[project]
		if projects[pid] == nil {
			call := dokploy.NewCall("project.one", map[string]string{"projectId": pid}, &dokploy.Project{})
			projects[pid] = call
			calls = append(calls, call)
		}
	}
	if len(calls) == 0 {
		return nil
	}
	if err := r.d.Do(r.ctx, calls...); err != nil {
		return fmt.Errorf("finding the id of a new libsql database: %w", err)
	}
	known := map[string]bool{}
	for _, id := range r.ids {
		known[id] = true
	}
	for _, o := range pending {
		project, _, _ := strings.Cut(o.c.Address, "/")
		var found []*dokploy.Database
		for _, e := range projects[r.ids[project]].Out.(*dokploy.Project).Environments {
			if e.EnvironmentID != r.ids[o.c.Parent] {
				continue
			}
			for _, d := range e.Databases {
				if d.Kind == "libsql" && d.Name == o.c.Name && !known[d.ID] {
					found = append(found, d)
				}
			}
		}
		if len(found) != 1 {
			o.failed = fmt.Errorf("created, but found %d new libsql databases named %q in its environment, so its id is unknown; run plan to see the state", len(found), o.c.Name)
			continue
		}
		r.ids[o.c.Address] = found[0].ID
		r.res.AppNames[o.c.Address] = found[0].AppName
		o.note = "appName " + found[0].AppName
		known[found[0].ID] = true
	}
	return nil
}

// keepBool is the value to resend for a boolean a partial update would
// reset: the spec's when it sets the key, else the live one, else false.
func keepBool(m *spec.Meta, key string, want, live *bool) bool {
	if m.Has(key) || live == nil {
		return want != nil && *want
	}
	return *live
}

func liveBool(live *dokploy.Database, f func(*dokploy.Database) *bool) *bool {
	if live == nil {
		return nil
	}
	return f(live)
}
