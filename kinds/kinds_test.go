package kinds

import (
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
		if (f.Type == Object || f.Type == Objects) != (len(f.Fields) > 0) {
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
