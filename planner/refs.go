package planner

import (
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Resolver replaces ${ref:...} references in desired values: appName from
// the live state (or from the create that made the target, during apply),
// the other fields from the target's spec.
type Resolver struct {
	spec *spec.File
	// AppNames maps service addresses to their appName.
	AppNames map[string]string
}

// NewResolver returns a resolver over the spec and the known appNames
// (copied: apply adds the appNames of what it creates).
func NewResolver(f *spec.File, appNames map[string]string) *Resolver {
	m := make(map[string]string, len(appNames))
	for k, v := range appNames {
		m[k] = v
	}
	return &Resolver{spec: f, AppNames: m}
}

// Resolve replaces the references in s, a value of the resource at addr.
// known is false when a reference's value exists only after apply.
func (r *Resolver) Resolve(addr, s string) (out string, known bool) {
	return r.resolve(addr, s, 0)
}

func (r *Resolver) resolve(addr, s string, depth int) (string, bool) {
	if !spec.HasRef(s) {
		return s, true
	}
	project, env := splitAddr(addr)
	out, unknown := spec.ReplaceRefs(s, func(ref spec.Ref) (string, bool) {
		target := ref.Target(project, env)
		if ref.Field == "appName" {
			v, ok := r.AppNames[target]
			return v, ok
		}
		v, ok := r.specField(target, ref.Field)
		if !ok || depth > 8 { // cycles are validation errors; this only bounds the walk
			return "", false
		}
		return r.resolve(target, v, depth+1)
	})
	return out, len(unknown) == 0
}

// Env resolves the references in every value of an env map; unknown lists
// the keys whose values exist only after apply.
func (r *Resolver) Env(addr string, env map[string]string) (map[string]string, map[string]bool) {
	if env == nil {
		return nil, nil
	}
	out := make(map[string]string, len(env))
	var unknown map[string]bool
	for k, v := range env {
		res, ok := r.Resolve(addr, v)
		out[k] = res
		if !ok {
			if unknown == nil {
				unknown = map[string]bool{}
			}
			unknown[k] = true
		}
	}
	return out, unknown
}

func splitAddr(addr string) (project, env string) {
	parts := strings.SplitN(addr, "/", 3)
	if len(parts) < 2 {
		return addr, ""
	}
	return parts[0], parts[1]
}

// specField reads a database field from the target's spec.
func (r *Resolver) specField(target, field string) (string, bool) {
	parts := strings.Split(target, "/")
	if len(parts) != 4 {
		return "", false
	}
	p := r.spec.Projects[parts[0]]
	if p == nil || p.Environments[parts[1]] == nil {
		return "", false
	}
	for _, d := range p.Environments[parts[1]].Databases() {
		if d.Kind != parts[2] || d.Name != parts[3] {
			continue
		}
		if _, unset := d.Meta.Unknown[field]; unset {
			return "", false // depends on a ${VAR} that is not set
		}
		var v *string
		switch field {
		case "databaseName":
			v = d.DatabaseName
		case "databaseUser":
			v = d.DatabaseUser
		case "databasePassword":
			v = d.DatabasePassword
		case "databaseRootPassword":
			v = d.DatabaseRootPassword
		case "dockerImage":
			v = &d.DockerImage
		case "externalPort":
			if d.ExternalPort != nil {
				s := strconv.Itoa(*d.ExternalPort)
				v = &s
			}
		}
		if v == nil {
			return "", false
		}
		return *v, true
	}
	return "", false
}
