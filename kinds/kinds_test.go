package kinds

import "testing"

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

// Every description says what the generic code needs: how to read its
// items, identify them, create them under their parent, and which
// fields its rules name.
func TestDescriptionsAreComplete(t *testing.T) {
	keys := map[string]string{}
	for _, k := range All() {
		if ByName(k.Name) != k {
			t.Errorf("%s: ByName finds another kind", k.Name)
		}
		if other, dup := keys[k.Key]; dup && !k.Inline {
			t.Errorf("%s: key %q is also %s's", k.Name, k.Key, other)
		}
		keys[k.Key] = k.Name
		if k.Router == "" || (!k.Singleton && k.IDKey == "") {
			t.Errorf("%s: no router or id key", k.Name)
		}
		switch {
		case k.Instance():
			if k.NameField == "" || k.Read.Proc == "" {
				t.Errorf("%s: an instance kind needs NameField and Read.Proc", k.Name)
			}
		case k.Singleton:
		default:
			if k.Create.ParentKey == nil {
				t.Errorf("%s: a child kind needs Create.ParentKey", k.Name)
			}
			if (k.Read.In == "") == (k.Read.Proc == "") {
				t.Errorf("%s: a child kind is read from its parent's .one (Read.In) or by a list procedure (Read.Proc), one of them", k.Name)
			}
			if k.Read.Proc != "" && k.Read.ParentKey == "" {
				t.Errorf("%s: Read.Proc %s needs Read.ParentKey", k.Name, k.Read.Proc)
			}
			if len(k.Identity) == 0 {
				t.Errorf("%s: a child kind needs an identity", k.Name)
			}
			for _, f := range k.Identity {
				if fd := k.Field(f); fd == nil || !fd.Identity || !fd.Required {
					t.Errorf("%s: identity %q is not a required identity field", k.Name, f)
				}
			}
		}
		for _, f := range k.Fields {
			if f.Ref != "" && (ByName(f.Ref) == nil || !ByName(f.Ref).Instance()) {
				t.Errorf("%s.%s: Ref %q is not an instance kind", k.Name, f.Name, f.Ref)
			}
			if f.Enum != nil && f.Default != nil {
				if d, _ := f.Default.(string); !contains(f.Enum, d) {
					t.Errorf("%s.%s: default %v is not in its enum", k.Name, f.Name, f.Default)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
