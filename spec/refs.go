package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// Ref is a reference ${ref:KIND/NAME.FIELD} (same environment) or
// ${ref:PROJECT/ENV/KIND/NAME.FIELD} to a value of another resource, above
// all the appName (hostname) Dokploy generates.
type Ref struct {
	Raw         string // the whole ${ref:...} text
	Project     string // "" when relative
	Environment string // "" when relative
	Kind        string // application, compose, postgres, mysql, mariadb, mongo, redis, libsql
	Name        string
	Field       string // appName, databaseName, ...
}

// RefKinds are the kinds a reference can point at.
var RefKinds = append([]string{"application", "compose"}, DatabaseKinds...)

// RefFields are the fields a reference can read. appName comes from the
// server (known after the target is created); the others come from the
// target's spec, so the target must set them.
var RefFields = []string{"appName", "databaseName", "databaseUser", "databasePassword", "databaseRootPassword", "externalPort", "dockerImage"}

var refPattern = regexp.MustCompile(`\$\{ref:([^}]*)\}`)

// FindRefs returns the references in s, in order, and an error for the
// first malformed one.
func FindRefs(s string) ([]Ref, error) {
	var out []Ref
	for _, m := range refPattern.FindAllStringSubmatch(s, -1) {
		r, err := parseRef(m[0], m[1])
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func parseRef(raw, body string) (Ref, error) {
	r := Ref{Raw: raw}
	// The field is after the last dot: names may contain dots, fields do not.
	i := strings.LastIndexByte(body, '.')
	if i < 0 || i == len(body)-1 || strings.Contains(body[i+1:], "/") {
		return r, fmt.Errorf("reference %s: must end in .FIELD, e.g. ${ref:postgres/db.appName}", raw)
	}
	path, field := body[:i], body[i+1:]
	r.Field = field
	parts := strings.Split(path, "/")
	switch len(parts) {
	case 2:
		r.Kind, r.Name = parts[0], parts[1]
	case 4:
		r.Project, r.Environment, r.Kind, r.Name = parts[0], parts[1], parts[2], parts[3]
	default:
		return r, fmt.Errorf("reference %s: must be ${ref:KIND/NAME.FIELD} or ${ref:PROJECT/ENV/KIND/NAME.FIELD}", raw)
	}
	for _, p := range parts {
		if p == "" {
			return r, fmt.Errorf("reference %s: has an empty part", raw)
		}
	}
	if !contains(RefKinds, r.Kind) {
		return r, fmt.Errorf("reference %s: unknown kind %q; expected one of %s", raw, r.Kind, strings.Join(RefKinds, ", "))
	}
	if !contains(RefFields, r.Field) {
		return r, fmt.Errorf("reference %s: unknown field %q; expected one of %s", raw, r.Field, strings.Join(RefFields, ", "))
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Target returns the address of the resource r points at, seen from a
// resource in project/environment.
func (r Ref) Target(project, environment string) string {
	if r.Project != "" {
		project, environment = r.Project, r.Environment
	}
	return project + "/" + environment + "/" + r.Kind + "/" + r.Name
}

// ReplaceRefs replaces every reference in s with value(ref). When value
// reports a reference as not known yet, the reference is kept and returned
// in unknown.
func ReplaceRefs(s string, value func(Ref) (string, bool)) (out string, unknown []Ref) {
	out = refPattern.ReplaceAllStringFunc(s, func(raw string) string {
		r, err := parseRef(raw, raw[len("${ref:"):len(raw)-1])
		if err != nil {
			return raw
		}
		v, ok := value(r)
		if !ok {
			unknown = append(unknown, r)
			return raw
		}
		return v
	})
	return out, unknown
}

// HasRef reports whether s contains a reference.
func HasRef(s string) bool { return strings.Contains(s, "${ref:") }
