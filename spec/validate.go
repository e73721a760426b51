package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Validate checks the rules that are about values rather than the shape of
// the file: apiVersion, names, appName, replicas, resources, ports,
// database passwords, libsql nodes, sources, build settings, compose
// services, the items of described kinds (domains, ports, mounts,
// redirects, basic-auth users, ..., validate_objects.go) and the targets
// of ${ref:...} references (validate_services.go, validate_refs.go), and the
// contexts with defaultContext (contexts.go). Load runs it; it is exported for specs built in Go.
// Positions come from Meta (unknown for a hand-built File). Values that use
// an unset ${VAR} are not checked.
//
// The environment named "production" is the default one that Dokploy
// creates with every project: it may be configured like any other (it is
// adopted, never created or removed). A project without environments is
// fine.
func Validate(f *File) Diagnostics {
	v := &validator{f: f, failed: f.failed, itemIdx: f.itemIdx, across: map[string][]acrossItem{}}
	v.file(f)
	return v.ds.sortAndDedup()
}

type validator struct {
	diagList
	f *File
	// across holds, per kind and Duplicate key (with the server), the
	// items with it in the whole spec (kinds.Duplicate.Across).
	across  map[string][]acrossItem
	failed  map[*Meta]map[string]bool // keys the decoder could not read (File.failed)
	itemIdx map[*Meta]int             // index in the file of list items (File.itemIdx)
	kindsOf map[string][]*kinds.Kind  // kinds.Of, per parent kind
}

// skip says that a value must not be checked: it uses an unset ${VAR}, or
// the decoder could not read it (and said so).
func (v *validator) skip(m *Meta, key string) bool {
	return m.Unknown[key] != "" || v.failed[m][key]
}

// has says that the file sets key to a value that could be read.
func (v *validator) has(m *Meta, key string) bool {
	return m.Has(key) && !v.failed[m][key]
}

// index returns the index in the file of the list item with Meta m, which
// is the i-th item of its list once loaded.
func (v *validator) index(m *Meta, i int) int {
	if n, ok := v.itemIdx[m]; ok {
		return n
	}
	return i
}

const (
	maxAppNameLen = 56 // Dokploy appends "-" and 6 characters; Docker allows 63
	// passwordSpecials are the characters besides ASCII letters and digits
	// that Dokploy's DATABASE_PASSWORD_REGEX accepts:
	// ^[a-zA-Z0-9@#%^&*()_+\-=[\]{}|;:,.<>?~`]*$
	passwordSpecials = "@#%^&*()_+-=[]{}|;:,.<>?~`"
)

var appNameRE = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// at returns the position of a field's value, or of the object when the
// field is not in the file.
func at(m *Meta, field string) Position {
	if p, ok := m.Keys[field]; ok {
		return p
	}
	return m.Pos
}

func (v *validator) file(f *File) {
	pos := f.keys["apiVersion"]
	if pos == (Position{}) {
		pos = f.start
	}
	if f.APIVersion != APIVersion && (f.APIVersion != "" || f.keys == nil) {
		v.errorf(pos, "", "apiVersion: must be %q, got %s", APIVersion, quoteShort(f.APIVersion))
	}
	if f.Projects != nil && len(f.Projects) == 0 && len(f.Objects) == 0 {
		v.warnf(f.keys["projects"], "", "projects: no projects (nor server-wide resources) are declared, so there is nothing to manage")
	}
	for i, name := range f.Secrets {
		if !varNameRE.MatchString(name) {
			v.errorf(f.keys["secrets"], "", "secrets[%d]: not a variable name (letters, digits and _, not starting with a digit); list the names of the variables, without ${}", i)
		}
	}
	v.contexts(f)
	for _, pn := range sortedKeys(f.Projects) {
		p := f.Projects[pn]
		if p == nil {
			continue
		}
		paddr := childAddress("", "", pn)
		v.name("project", pn, paddr, &p.Meta)
		for _, en := range sortedKeys(p.Environments) {
			e := p.Environments[en]
			if e == nil {
				continue
			}
			eaddr := childAddress(paddr, "", en)
			v.name("environment", en, eaddr, &e.Meta)
			for _, an := range sortedKeys(e.Applications) {
				if a := e.Applications[an]; a != nil {
					v.application(childAddress(eaddr, "application", an), an, a)
				}
			}
			for _, db := range e.Databases() {
				v.database(childAddress(eaddr, db.Kind, db.Name), db)
			}
			for _, cn := range sortedKeys(e.Compose) {
				if c := e.Compose[cn]; c != nil {
					v.compose(childAddress(eaddr, "compose", cn), cn, c)
				}
			}
		}
	}
	v.objects("", f.Objects, "")
	v.refs(f)
}

// name checks a resource name (a map key).
func (v *validator) name(what, name, addr string, m *Meta) {
	switch {
	case strings.TrimSpace(name) == "":
		v.errorf(m.Pos, addr, "%s name must not be empty", what)
	case strings.TrimSpace(name) != name:
		v.errorf(m.Pos, addr, "%s name %s must not start or end with spaces; did you mean %s?",
			what, strconv.Quote(name), strconv.Quote(strings.TrimSpace(name)))
	}
	if strings.Contains(name, "/") {
		v.warnf(m.Pos, addr, "%s name %s contains \"/\", which makes its address ambiguous in plans and --target", what, strconv.Quote(name))
	}
}

func (v *validator) appName(addr string, m *Meta, s *string) {
	if s == nil || m.Unknown["appName"] != "" {
		return
	}
	n := *s
	pos := at(m, "appName")
	switch {
	case n == "" || len(n) > maxAppNameLen:
		v.errorf(pos, addr, "appName: must be 1 to %d characters long (Dokploy appends a 7-character suffix and Docker names are limited to 63), got %d",
			maxAppNameLen, len(n))
	case !appNameRE.MatchString(n):
		v.errorf(pos, addr, "appName: contains %s which Dokploy rejects; use letters, digits, \".\", \"_\" and \"-\"",
			strconv.Quote(string(firstBad(n, func(r rune) bool { return isASCIIAlnum(r) || strings.ContainsRune("._-", r) }))))
	case strings.ToLower(n) != n:
		v.warnf(pos, addr, "appName: Dokploy lower-cases the prefix, so %s becomes %s; write it in lower case",
			strconv.Quote(n), strconv.Quote(strings.ToLower(n)))
	}
}

// serviceCommon checks deploy and protect, which every service has.
func (v *validator) serviceCommon(addr string, m *Meta, deploy *string, protect *bool) {
	v.enum(addr, m, "deploy", "deploy", deploy, DeployPolicies)
	if protect != nil && !*protect && len(m.Keys) == 1 {
		v.errorf(at(m, "protect"), addr, "protect: false alone declares nothing; write protect: true to keep this service as it is, or give its settings")
	}
}

func (v *validator) application(addr, name string, a *Application) {
	v.serviceCommon(addr, &a.Meta, a.Deploy, a.Protect)
	if HandsOff(&a.Meta, a.Protect) {
		v.name("application", name, addr, &a.Meta)
		return
	}
	v.name("application", name, addr, &a.Meta)
	v.appName(addr, &a.Meta, a.AppName)
	if a.Replicas != nil && *a.Replicas < 0 {
		v.errorf(at(&a.Meta, "replicas"), addr, "replicas: must be >= 0, got %d", *a.Replicas)
	}
	if r := a.Resources; r != nil {
		v.resources(addr, r)
	}
	v.source(addr, &a.Meta, a.Source, false)
	v.build(addr, a)
	v.objects(addr, a.Objects, "application")
}

func (v *validator) resources(addr string, r *Resources) {
	m := &r.Meta
	// s is formatted only for the message.
	positive := func(field string, n int64, s fmt.Stringer) {
		if n <= 0 {
			v.errorf(at(m, field), addr, "resources.%s: must be > 0, got %s", field, s)
		}
	}
	if r.MemoryLimit != nil {
		positive("memoryLimit", int64(*r.MemoryLimit), r.MemoryLimit)
	}
	if r.MemoryReservation != nil {
		positive("memoryReservation", int64(*r.MemoryReservation), r.MemoryReservation)
	}
	if r.CPULimit != nil {
		positive("cpuLimit", int64(*r.CPULimit), r.CPULimit)
	}
	if r.CPUReservation != nil {
		positive("cpuReservation", int64(*r.CPUReservation), r.CPUReservation)
	}
	if r.MemoryLimit != nil && r.MemoryReservation != nil && *r.MemoryLimit > 0 && *r.MemoryReservation > *r.MemoryLimit {
		v.errorf(at(m, "memoryReservation"), addr, "resources.memoryReservation: must not be more than memoryLimit, got %s > %s",
			r.MemoryReservation, r.MemoryLimit)
	}
	if r.CPULimit != nil && r.CPUReservation != nil && *r.CPULimit > 0 && *r.CPUReservation > *r.CPULimit {
		v.errorf(at(m, "cpuReservation"), addr, "resources.cpuReservation: must not be more than cpuLimit, got %s > %s",
			r.CPUReservation, r.CPULimit)
	}
}

func (v *validator) port(addr string, m *Meta, field string, p *int) {
	if p != nil && (*p < 1 || *p > 65535) {
		v.errorf(at(m, field), addr, "%s: must be a port between 1 and 65535, got %d", field, *p)
	}
}

func (v *validator) database(addr string, db Database) {
	m := &db.DatabaseCommon.Meta
	v.name(db.Kind+" database", db.Name, addr, m)
	v.serviceCommon(addr, m, db.Deploy, db.Protect)
	if HandsOff(m, db.Protect) {
		return
	}
	v.appName(addr, m, db.AppName)
	v.port(addr, m, "externalPort", db.ExternalPort)
	v.objects(addr, db.Objects, db.Kind)
	switch db.Kind {
	case "postgres", "mysql", "mariadb", "mongo":
		v.password(addr, m, "databasePassword", db.DatabasePassword)
		v.password(addr, m, "databaseRootPassword", db.DatabaseRootPassword)
	case "redis":
		v.redisPassword(addr, m, db.DatabasePassword)
	case "libsql":
		v.password(addr, m, "databasePassword", db.DatabasePassword)
		v.port(addr, m, "externalGRPCPort", db.ExternalGRPCPort)
		v.port(addr, m, "externalAdminPort", db.ExternalAdminPort)
		v.libsql(addr, m, db)
	}
}

// password checks a value against Dokploy's DATABASE_PASSWORD_REGEX. The
// message names the first bad character, never the password.
// redisPassword warns about a redis password that redis.create takes but
// redis.changePassword refuses: it could never be changed afterwards.
func (v *validator) redisPassword(addr string, m *Meta, p *string) {
	if p == nil || m.Unknown["databasePassword"] != "" {
		return
	}
	if bad := firstBad(*p, func(r rune) bool { return isASCIIAlnum(r) || strings.ContainsRune(passwordSpecials, r) }); bad >= 0 {
		v.warnf(at(m, "databasePassword"), addr, "databasePassword: contains %s: Dokploy creates redis with it, but its changePassword refuses it, so the password could not be changed later; use letters, digits and %s",
			strconv.Quote(string(bad)), passwordSpecials)
	}
}

func (v *validator) password(addr string, m *Meta, field string, p *string) {
	if p == nil || m.Unknown[field] != "" {
		return
	}
	bad := firstBad(*p, func(r rune) bool { return isASCIIAlnum(r) || strings.ContainsRune(passwordSpecials, r) })
	if bad < 0 {
		return
	}
	v.errorf(at(m, field), addr, "%s: contains %s which Dokploy rejects; allowed are letters, digits and %s",
		field, strconv.Quote(string(bad)), passwordSpecials)
}

func (v *validator) libsql(addr string, m *Meta, db Database) {
	if m.Unknown["sqldNode"] != "" || m.Unknown["sqldPrimaryUrl"] != "" {
		return
	}
	if m.Has("sqldNode") && db.SqldNode == nil {
		return // null or a wrong type, already reported
	}
	node := "primary"
	if db.SqldNode != nil {
		node = *db.SqldNode
	}
	hasURL := db.SqldPrimaryURL != nil && *db.SqldPrimaryURL != ""
	switch node {
	case "primary":
		if hasURL {
			v.errorf(at(m, "sqldPrimaryUrl"), addr, "sqldPrimaryUrl: must only be set when sqldNode is \"replica\" (sqldNode is %q); remove it or set sqldNode: replica", node)
		}
	case "replica":
		if !hasURL {
			v.errorf(at(m, "sqldNode"), addr, "sqldPrimaryUrl: required when sqldNode is \"replica\"; set it to the primary's URL")
		}
	default:
		v.errorf(at(m, "sqldNode"), addr, "sqldNode: must be \"primary\" or \"replica\", got %s", quoteShort(node))
	}
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// firstBad returns the first rune of s that ok rejects, or -1.
func firstBad(s string, ok func(rune) bool) rune {
	for _, r := range s {
		if !ok(r) {
			return r
		}
	}
	return -1
}
