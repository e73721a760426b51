package spec

import (
	"strconv"
	"strings"
)

// References, ${ref:KIND/NAME.FIELD} and ${ref:PROJECT/ENV/KIND/NAME.FIELD}
// (DESIGN.md section 3; the syntax is in refs.go).
//
// Where they may appear: in the values of env, buildArgs, buildSecrets and
// command of applications and compose services (after ${VAR} replacement).
// Anywhere else the decoder reports an error. In particular, database fields
// cannot hold references: the fields a reference may read besides appName
// (which the server generates) are all database fields, so references can
// never form a cycle, and no cycle check is needed. A ${ref:...} in an env
// FILE is not checked here: env files are read as they are.
//
// What they may point at (checked by Validate, once the whole file is
// read): a resource declared in the spec (a relative reference resolves in
// the project and environment of the service that holds it), other than the
// service itself, and a field that the kind has:
//
//	appName               every kind (the server generates it)
//	databaseName          postgres, mysql, mariadb
//	databaseUser          every database but redis
//	databasePassword      every database
//	databaseRootPassword  mysql, mariadb, when the target sets it
//	externalPort          every database, when the target sets it
//	dockerImage           every database
//
// Applications and compose services can only be referenced for appName.

// dbRefFields lists the fields each database kind offers to references.
var dbRefFields = map[string][]string{
	"postgres": {"appName", "databaseName", "databaseUser", "databasePassword", "externalPort", "dockerImage"},
	"mysql":    {"appName", "databaseName", "databaseUser", "databasePassword", "databaseRootPassword", "externalPort", "dockerImage"},
	"mariadb":  {"appName", "databaseName", "databaseUser", "databasePassword", "databaseRootPassword", "externalPort", "dockerImage"},
	"mongo":    {"appName", "databaseUser", "databasePassword", "externalPort", "dockerImage"},
	"redis":    {"appName", "databasePassword", "externalPort", "dockerImage"},
	"libsql":   {"appName", "databaseUser", "databasePassword", "externalPort", "dockerImage"},
}

// refChecker checks the references of one file.
type refChecker struct {
	v   *validator
	f   *File
	dbs map[*Environment][]Database
}

// refs checks every reference of the file's applications and compose
// services.
func (v *validator) refs(f *File) {
	rc := &refChecker{v: v, f: f, dbs: map[*Environment][]Database{}}
	eachEnvironment(f, func(pn, en, eaddr string, e *Environment) {
		for _, an := range sortedKeys(e.Applications) {
			a := e.Applications[an]
			if a == nil {
				continue
			}
			s := refSite{project: pn, env: en, addr: childAddress(eaddr, "application", an), meta: &a.Meta}
			rc.values(s, "env", a.Env)
			rc.values(s, "buildArgs", a.BuildArgs)
			rc.values(s, "buildSecrets", a.BuildSecrets)
			if a.Command != nil {
				rc.value(s, "command", "command", *a.Command)
			}
		}
		for _, cn := range sortedKeys(e.Compose) {
			c := e.Compose[cn]
			if c == nil {
				continue
			}
			s := refSite{project: pn, env: en, addr: childAddress(eaddr, "compose", cn), meta: &c.Meta}
			rc.values(s, "env", c.Env)
			if c.Command != nil {
				rc.value(s, "command", "command", *c.Command)
			}
		}
	})
}

// refSite is the service whose values are checked.
type refSite struct {
	project, env, addr string
	meta               *Meta
}

func (rc *refChecker) values(s refSite, key string, m map[string]string) {
	refs := false
	for _, v := range m {
		refs = refs || HasRef(v)
	}
	if !refs {
		return // nothing to check (nor to sort and name)
	}
	for _, k := range sortedKeys(m) {
		if v := m[k]; HasRef(v) {
			rc.value(s, key, key+"."+k, v)
		}
	}
}

func (rc *refChecker) value(s refSite, key, field, value string) {
	if !HasRef(value) {
		return
	}
	pos, ok := rc.f.refPos[refKey(s.addr, field)]
	if !ok {
		pos = at(s.meta, key)
	}
	refs, err := FindRefs(value)
	if err != nil {
		// Only for a hand-built File: Load reports these when it decodes.
		rc.v.errorf(pos, s.addr, "%s: %s", field, err)
	}
	reported := map[string]bool{}
	for _, r := range refs {
		if reported[r.Raw] {
			continue
		}
		reported[r.Raw] = true
		if msg := rc.problem(s, r); msg != "" {
			rc.v.errorf(pos, s.addr, "%s: %s: %s", field, r.Raw, msg)
		}
	}
}

// problem says what is wrong with a reference from the service s, or "".
func (rc *refChecker) problem(s refSite, r Ref) string {
	project, env := s.project, s.env
	if r.Project != "" {
		project, env = r.Project, r.Environment
	}
	p := rc.f.Projects[project]
	if p == nil {
		return "no project " + strconv.Quote(project) + " in the spec" + declared(project, sortedKeys(rc.f.Projects), "project")
	}
	e := p.Environments[env]
	if e == nil {
		return "no environment " + strconv.Quote(env) + " in project " + project + declared(env, sortedKeys(p.Environments), "environment")
	}
	target := childAddress(childAddress(childAddress("", "", project), "", env), r.Kind, r.Name)
	if target == s.addr {
		return "a service cannot reference itself"
	}
	names := rc.names(e, r.Kind)
	if !contains(names, r.Name) {
		msg := "no " + r.Kind + " " + strconv.Quote(r.Name) + " in " + project + "/" + env + declared(r.Name, names, r.Kind)
		for _, k := range RefKinds {
			if k != r.Kind && contains(rc.names(e, k), r.Name) {
				msg += " (" + strconv.Quote(r.Name) + " is a " + k + ": ${ref:" + k + "/" + r.Name + "." + r.Field + "})"
				break
			}
		}
		return msg
	}
	if r.Kind == "application" || r.Kind == "compose" {
		if r.Field != "appName" {
			return "a reference to a" + map[string]string{"application": "n application", "compose": " compose service"}[r.Kind] + " can only read appName"
		}
		return ""
	}
	fields := dbRefFields[r.Kind]
	if !contains(fields, r.Field) {
		return r.Kind + " has no " + r.Field + "; a " + r.Kind + " reference can read " + strings.Join(fields, ", ")
	}
	var db *Database
	for i, d := range rc.databases(e) {
		if d.Kind == r.Kind && d.Name == r.Name {
			db = &rc.databases(e)[i]
			break
		}
	}
	if db == nil {
		return ""
	}
	switch {
	case r.Field == "databaseRootPassword" && db.DatabaseRootPassword == nil:
		return target + " does not set databaseRootPassword (Dokploy generates one the spec cannot know); set it there"
	case r.Field == "externalPort" && db.ExternalPort == nil:
		return target + " does not set externalPort; set it there"
	}
	return ""
}

// declared ends a "no such resource" message with a suggestion or the
// declared names.
func declared(name string, names []string, what string) string {
	if s := Suggest(name, names); s != "" {
		return "; did you mean " + strconv.Quote(s) + "?"
	}
	if len(names) == 0 {
		return "; no " + what + " is declared there"
	}
	return "; declared: " + strings.Join(names, ", ")
}

func (rc *refChecker) databases(e *Environment) []Database {
	dbs, ok := rc.dbs[e]
	if !ok {
		dbs = e.Databases()
		rc.dbs[e] = dbs
	}
	return dbs
}

// names returns the sorted names of the environment's resources of a kind.
func (rc *refChecker) names(e *Environment, kind string) []string {
	switch kind {
	case "application":
		return sortedKeys(e.Applications)
	case "compose":
		return sortedKeys(e.Compose)
	}
	var out []string
	for _, d := range rc.databases(e) {
		if d.Kind == kind {
			out = append(out, d.Name)
		}
	}
	return out
}
