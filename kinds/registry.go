package kinds

import (
	"strings"
	"sync"
)

// ServiceKinds are the kinds of Dokploy services, the parents of child
// kinds: applications, compose services and the six database kinds.
var ServiceKinds = []string{"application", "compose", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql"}

// DatabaseKinds are the database service kinds.
var DatabaseKinds = []string{"postgres", "mysql", "mariadb", "mongo", "redis", "libsql"}

// All are the described kinds, in the order plans list them and apply
// creates them (an instance kind another one references comes first).
func All() []*Kind { return all }

// Declared are the kinds dokploy.yaml declares: all but the read-only.
func Declared() []*Kind {
	var out []*Kind
	for _, k := range all {
		if !k.ReadOnly {
			out = append(out, k)
		}
	}
	return out
}

var all = []*Kind{
	Destination, Registry,
	Domain, Port, Mount,
	Redirect, Security,
	Backup, Schedule, VolumeBackup,
	SSHKey, Certificate, Notification,
	Server, ServiceServer, ServiceRegistry,
	GitHubProvider, GitLabProvider, BitbucketProvider, GiteaProvider,
	ApplicationSettings, ComposeSettings, DatabaseSettings, LibSQLSettings, Swarm, Preview, RunState,
}

var (
	byName   map[string]*Kind
	byNameMu = syncOnce()
)

func syncOnce() *sync.Once { return new(sync.Once) }

// ByName finds a kind by its name ("backup"); nil for none.
func ByName(name string) *Kind {
	byNameMu.Do(func() {
		byName = map[string]*Kind{}
		for _, k := range all {
			byName[k.Name] = k
		}
	})
	return byName[name]
}

// Instance lists the instance kinds the spec declares (top level).
func Instance() []*Kind {
	var out []*Kind
	for _, k := range all {
		if k.Instance() && !k.ReadOnly {
			out = append(out, k)
		}
	}
	return out
}

// Of lists the kinds whose items live in services of kind parent.
func Of(parent string) []*Kind {
	var out []*Kind
	for _, k := range all {
		if k.HasParent(parent) {
			out = append(out, k)
		}
	}
	return out
}

// Key finds the kind a key of a resource of kind parent ("" for the top
// level) holds, and for an inline singleton the field the key is.
func Key(parent, key string) (*Kind, *Field) {
	for _, k := range all {
		if parent == "" && (!k.Instance() || k.ReadOnly) || parent != "" && !k.HasParent(parent) {
			continue
		}
		if k.Inline {
			if f := k.Field(key); f != nil {
				return k, f
			}
			continue
		}
		if k.Key == key {
			return k, nil
		}
	}
	return nil, nil
}

// Keys lists the keys the described kinds add to a resource of kind
// parent ("" for the top level), for messages and the schema.
func Keys(parent string) []string {
	var out []string
	for _, k := range all {
		if parent == "" && (!k.Instance() || k.ReadOnly) || parent != "" && !k.HasParent(parent) {
			continue
		}
		if k.Inline {
			for _, f := range k.Fields {
				out = append(out, f.Name)
			}
			continue
		}
		out = append(out, k.Key)
	}
	return out
}

// IsChild reports whether kind is a described child kind (a list item of
// a service, not a setting).
func IsChild(kind string) bool {
	k := ByName(kind)
	return k != nil && !k.Instance() && !k.Singleton
}

// SettingNeedsDeploy reports whether a field of a service's change that
// comes from a singleton kind ("swarm.healthCheck.interval", or
// "autoDeploy" of an inline one) needs a deploy; ok is false when the field
// is not a described setting.
func SettingNeedsDeploy(parent, field string) (deploy, ok bool) {
	for _, k := range Of(parent) {
		if !k.Singleton {
			continue
		}
		name := field
		if !k.Inline {
			var found bool
			if name, found = strings.CutPrefix(field, k.Key+"."); !found {
				continue
			}
		}
		for _, f := range k.Fields {
			if name == f.Name || strings.HasPrefix(name, f.Name+".") {
				return k.Deploy || f.Deploy, true
			}
		}
	}
	return false, false
}

// Refs lists the kinds a kind's fields name (Field.Ref), nested ones too.
func (k *Kind) Refs() []string {
	var out []string
	var walk func([]*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			if f.Ref != "" {
				out = append(out, f.Ref)
			}
			walk(f.Fields)
		}
	}
	walk(k.Fields)
	return out
}

// Depth is how many instance kinds a kind's references chain through: 0
// for none (apply creates lower depths first). Read-only kinds are never
// created, so they add nothing.
func (k *Kind) Depth() int {
	d := 0
	for _, r := range k.Refs() {
		if rk := ByName(r); rk != nil && rk != k && rk.Instance() && !rk.ReadOnly {
			d = max(d, rk.Depth()+1)
		}
	}
	return d
}
