package kinds

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDescriptionsAreComplete checks what generic code relies on in every
// description: an instance kind has a name field and a list procedure; a
// child an identity of its own fields, a parent key for its create and a
// place to be read from; every reference names a kind; settings are read
// with their parent; names and keys are unique where they meet.
func TestDescriptionsAreComplete(t *testing.T) {
	names := map[string]bool{}
	for _, k := range All() {
		if names[k.Name] {
			t.Errorf("two kinds are named %q", k.Name)
		}
		names[k.Name] = true
		if k.Router == "" && !k.Singleton {
			t.Errorf("%s: no router", k.Name)
		}
		switch {
		case k.Singleton:
			if k.Read.In != "" || k.Read.Proc != "" {
				t.Errorf("%s: a singleton is read with its parent, not with %q", k.Name, k.Read.Proc+k.Read.In)
			}
		case k.Instance():
			if k.NameField == "" || k.IDKey == "" || k.Read.Proc == "" {
				t.Errorf("%s: an instance kind needs NameField, IDKey and Read.Proc", k.Name)
			}
		default:
			if len(k.Identity) == 0 || k.IDKey == "" || k.Create.ParentKey == nil && !k.ReadOnly {
				t.Errorf("%s: a child kind needs an identity, IDKey and Create.ParentKey", k.Name)
			}
			if (k.Read.In == "") == (k.Read.Proc == "") {
				t.Errorf("%s: read from the parent's .one (Read.In) or a list (Read.Proc), one of them", k.Name)
			}
			for _, id := range k.Identity {
				if k.Field(id) == nil {
					t.Errorf("%s: identity %q is not a field", k.Name, id)
				}
			}
		}
		for _, r := range k.Refs() {
			if ByName(r) == nil || !ByName(r).Instance() {
				t.Errorf("%s: a field refers to %q, which is no instance kind", k.Name, r)
			}
		}
		for _, p := range k.PoolHolding {
			if !strings.HasPrefix(p, k.Router+".") {
				t.Errorf("%s: pool-holding procedure %q is not of its router %q", k.Name, p, k.Router)
			}
		}
		checkFields(t, k.Name, k.Fields)
	}
	// A key means one kind in each parent (and at the top level).
	for _, parent := range append([]string{""}, ServiceKinds...) {
		seen := map[string]bool{}
		for _, key := range Keys(parent) {
			if seen[key] {
				t.Errorf("%q: the key %q is described twice", parent, key)
			}
			seen[key] = true
		}
	}
}

func checkFields(t *testing.T, owner string, fields []*Field) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range fields {
		if f.Name == "" || seen[f.Name] {
			t.Errorf("%s: field name %q empty or twice", owner, f.Name)
		}
		seen[f.Name] = true
		if (f.Type == Object || f.Type == Objects) != (len(f.Fields) > 0) && !f.Marker() {
			t.Errorf("%s.%s: nested fields go with Object and Objects types only", owner, f.Name)
		}
		if f.Flat && f.Type != Object {
			t.Errorf("%s.%s: only an Object can be flat", owner, f.Name)
		}
		if len(f.Enum) > 0 && f.Type != String {
			t.Errorf("%s.%s: an enum is for strings", owner, f.Name)
		}
		checkFields(t, owner+"."+f.Name, f.Fields)
	}
}

// TestDepth orders instance kinds by their references.
func TestDepth(t *testing.T) {
	a := &Kind{Name: "a"}
	b := &Kind{Name: "b", Fields: []*Field{{Name: "a", Ref: "a"}}}
	saved := all
	all = []*Kind{a, b}
	byNameMu, byName = syncOnce(), nil
	defer func() { all = saved; byNameMu, byName = syncOnce(), nil }()
	if a.Depth() != 0 || b.Depth() != 1 {
		t.Errorf("depths %d, %d; want 0, 1", a.Depth(), b.Depth())
	}
}

// TestIdentify: an item's identity fills in the defaults of the fields
// it leaves out, in the form its address shows.
func TestIdentify(t *testing.T) {
	for _, c := range []struct {
		k    *Kind
		in   []string
		want string
	}{
		{Domain, []string{"api.example.com", ""}, "api.example.com"},
		{Domain, []string{"api.example.com", "/"}, "api.example.com"},
		{Domain, []string{"api.example.com", "/v2"}, "api.example.com/v2"},
		{Port, []string{"8080", ""}, "8080/tcp"},
		{Port, []string{"53", "udp"}, "53/udp"},
		{Mount, []string{"/data"}, "/data"},
		{Redirect, []string{"^/a$"}, "^/a$"},
	} {
		if got := c.k.Identify(c.in); got != c.want {
			t.Errorf("%s.Identify(%q) = %q, want %q", c.k.Name, c.in, got, c.want)
		}
	}
}

// TestPerParent: what depends on the kind of the resource that holds the
// items.
func TestPerParent(t *testing.T) {
	if Domain.NeedsDeploy("application") || !Domain.NeedsDeploy("compose") {
		t.Error("an application's domains act at once, a compose service's need its deploy")
	}
	if !Mount.NeedsDeploy("postgres") || Redirect.NeedsDeploy("application") {
		t.Error("mounts need a deploy, redirects do not")
	}
	for parent, want := range map[string]string{"application": "ports", "compose": "domains", "redis": "externalPort"} {
		if got := Mount.AfterOf(parent); got != want {
			t.Errorf("mounts of a %s come after %q, want %q", parent, got, want)
		}
	}
	sn := Domain.Field("serviceName")
	if sn.For("application") || !sn.For("compose") || !Domain.Field("host").For("application") {
		t.Error("serviceName is for compose domains only")
	}
}

// TestDataVolumeHidden: the data volume of a database is none of the
// spec's business; a volume of that name elsewhere, or another volume of
// the database, is.
func TestDataVolumeHidden(t *testing.T) {
	vol := map[string]any{"type": "volume", "volumeName": "db-x1-data", "mountPath": "/var/lib/postgresql/data"}
	if !Mount.Hooks.Hidden(vol, Parent{Kind: "postgres", AppName: "db-x1"}) {
		t.Error("the database's data volume is shown")
	}
	for _, p := range []Parent{{Kind: "application", AppName: "db-x1"}, {Kind: "postgres", AppName: "db-x2"}, {Kind: "postgres"}} {
		if Mount.Hooks.Hidden(vol, p) {
			t.Errorf("hidden in %+v", p)
		}
	}
	bind := map[string]any{"type": "bind", "volumeName": "db-x1-data", "mountPath": "/x"}
	if Mount.Hooks.Hidden(bind, Parent{Kind: "postgres", AppName: "db-x1"}) {
		t.Error("a bind mount is hidden")
	}
}

// TestDescriptions: every described field a hook or another field names
// exists, and the registry is consistent.
func TestDescriptions(t *testing.T) {
	for _, k := range All() {
		if ByName(k.Name) != k {
			t.Errorf("ByName(%q) is another kind", k.Name)
		}
		for _, id := range k.Identity {
			if f := k.Field(id); f == nil || !f.Identity {
				t.Errorf("%s: identity %q is not an Identity field", k.Name, id)
			}
		}
		if k.Variant != "" && (k.Field(k.Variant) == nil || len(k.Field(k.Variant).Enum) == 0) {
			t.Errorf("%s: variant field %q has no enum", k.Name, k.Variant)
		}
		for _, f := range k.Fields {
			if f.Variant != "" && !strings.Contains(strings.Join(k.Field(k.Variant).Enum, " "), f.Variant) {
				t.Errorf("%s.%s: variant %q is not a value of %s", k.Name, f.Name, f.Variant, k.Variant)
			}
			if f.FileOf != "" && (k.Field(f.FileOf) == nil || !f.Local) {
				t.Errorf("%s.%s: names the file of %q, which is not a field, or is not Local", k.Name, f.Name, f.FileOf)
			}
			for _, p := range f.Parents {
				if !k.HasParent(p) {
					t.Errorf("%s.%s: for %s, which holds no %ss", k.Name, f.Name, p, k.Name)
				}
			}
		}
		if h := k.Hashed; h != nil {
			if _, ok := h.Columns[k.IDKey]; !ok {
				t.Errorf("%s: the id column %s is not hashed (empty)", k.Name, k.IDKey)
			}
			for _, f := range k.Fields {
				if _, ok := h.Columns[f.APIName()]; !ok && !f.Local {
					t.Errorf("%s: field %s is not hashed", k.Name, f.Name)
				}
			}
		}
	}
}

func TestPlural(t *testing.T) {
	for name, want := range map[string]string{
		"registry": "registries", "destination": "destinations", "schedule": "schedules", "volumeBackup": "volumeBackups", "key": "keys",
	} {
		if got := Plural(name); got != want {
			t.Errorf("Plural(%q) = %q, want %q", name, got, want)
		}
	}
	if got := Registry.Plural(); got != "registries" {
		t.Errorf("Registry.Plural() = %q", got)
	}
}

// TestEnumDefaults: a field's default is one of its enum values.
func TestEnumDefaults(t *testing.T) {
	for _, k := range All() {
		for _, f := range k.Fields {
			if d, ok := f.Default.(string); ok && len(f.Enum) > 0 && !slices.Contains(f.Enum, d) {
				t.Errorf("%s.%s: default %q is not in its enum", k.Name, f.Name, d)
			}
		}
	}
}

// TestHooksWordTheirPatterns: where a Validate hook words what a field's
// Pattern rejects (its error replaces the pattern's message), it rejects
// exactly what the pattern rejects, so that the schema, which has only
// the pattern, and the loader agree.
func TestHooksWordTheirPatterns(t *testing.T) {
	for _, c := range []struct {
		k       *Kind
		field   string
		base    Values // the other fields of the item
		samples []string
	}{
		{Domain, "host", nil, []string{"api.example.com", "API.Example.COM", "a.b", "api_v2.example.com", "localhost", " api.example.com",
			"https://api.example.com", "api.example.com/v1", "-api.example.com", "api.example.com.", "api..example.com", strings.Repeat("a", 64) + ".com"}},
		{Domain, "path", Values{"host": "a.example.com"}, []string{"/", "/v1", "v1", "", " /v1"}},
		{Domain, "internalPath", Values{"host": "a.example.com"}, []string{"/", "/api/", "api"}},
		{Mount, "volumeName", Values{"type": "volume", "mountPath": "/data"}, []string{"data", "my-data_1.x", "x", "my data", "-data", "_data"}},
	} {
		f := c.k.Field(c.field)
		re := regexp.MustCompile(f.Pattern)
		for _, s := range c.samples {
			it := Item{Values: Values{c.field: s}, Keys: map[string]bool{c.field: true}, Parent: c.k.Parents[0]}
			for key, v := range c.base {
				it.Values[key], it.Keys[key] = v, true
			}
			worded := false
			for _, p := range c.k.Hooks.Validate(it) {
				worded = worded || p.Field == c.field && !p.Warning
			}
			if rejected := !re.MatchString(s); worded != rejected {
				t.Errorf("%s.%s %q: the hook reports it: %v, the pattern rejects it: %v", c.k.Name, c.field, s, worded, rejected)
			}
		}
	}
}
