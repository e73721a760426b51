package kinds

import "testing"

// TestSettingNeedsDeploy: the settings that need a deploy, by the field
// names of a service's change, under a non-inline kind's key too.
func TestSettingNeedsDeploy(t *testing.T) {
	for _, tc := range []struct {
		parent, field     string
		deploy, isSetting bool
	}{
		{"application", "swarm.healthCheck.interval", true, true},
		{"application", "swarm.mode.global", true, true},
		{"postgres", "swarm.labels", true, true},
		{"postgres", "resources.memoryLimit", true, true},
		{"redis", "args", true, true},
		{"libsql", "command", true, true},
		{"application", "createEnvFile", true, true},
		{"compose", "createEnvFile", true, true},
		{"application", "autoDeploy", false, true},
		{"application", "cleanCache", false, true},
		{"application", "rollbackActive", false, true},
		{"compose", "autoDeploy", false, true},
		{"application", "preview.env.TOKEN", false, true},
		{"application", "preview.limit", false, true},
		// not settings: the service's own fields, another kind's, a key
		// without its kind's prefix
		{"application", "replicas", false, false},
		{"application", "healthCheck", false, false},
		{"application", "env.MODE", false, false},
		{"libsql", "args", false, false},
		{"compose", "swarm.labels", false, false},
		{"application", "previewer.limit", false, false},
	} {
		deploy, ok := SettingNeedsDeploy(tc.parent, tc.field)
		if deploy != tc.deploy || ok != tc.isSetting {
			t.Errorf("SettingNeedsDeploy(%s, %s) = %v, %v, want %v, %v", tc.parent, tc.field, deploy, ok, tc.deploy, tc.isSetting)
		}
	}
}

// TestSettingsKeysAreUnique: the settings of a service are its own keys in
// the API and (inline ones) in the file: two kinds must not claim one.
func TestSettingsKeysAreUnique(t *testing.T) {
	for _, parent := range ServiceKinds {
		api, file := map[string]string{}, map[string]string{}
		var walk func(k *Kind, fields []*Field)
		walk = func(k *Kind, fields []*Field) {
			for _, f := range fields {
				if f.Flat {
					walk(k, f.Fields)
					continue
				}
				if other, dup := api[f.APIName()]; dup {
					t.Errorf("%s: %s and %s both have the API key %s", parent, other, k.Name, f.APIName())
				}
				api[f.APIName()] = k.Name
			}
		}
		for _, k := range Of(parent) {
			if !k.Singleton {
				continue
			}
			walk(k, k.Fields)
			keys := []string{k.Key}
			if k.Inline {
				keys = nil
				for _, f := range k.Fields {
					keys = append(keys, f.Name)
				}
			}
			for _, key := range keys {
				if other, dup := file[key]; dup {
					t.Errorf("%s: %s and %s both have the key %s", parent, other, k.Name, key)
				}
				file[key] = k.Name
			}
		}
	}
}
