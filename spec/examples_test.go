package spec

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesLoad: every example (a directory of dokploy*.yaml files)
// loads without errors. Without variables
// the only diagnostics are unset-variable warnings; with the example's
// demo.env there are none.
func TestExamplesLoad(t *testing.T) {
	specs, _ := filepath.Glob("../examples/*/dokploy.yaml")
	if len(specs) == 0 {
		t.Fatal("no examples in ../examples/*/dokploy.yaml")
	}
	for _, path := range specs {
		path := filepath.Dir(path)
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, ds := Load(path, noVarsOptions())
			for _, d := range ds {
				if d.Severity != Warning || !strings.HasSuffix(d.Message, "is not set; fields that use it are shown as unknown") {
					t.Errorf("without variables: %s", d)
				}
			}
			vars, err := ReadVarFile(filepath.Join(path, "demo.env"))
			if err != nil {
				t.Fatal(err)
			}
			if _, ds := Load(path, Options{Vars: vars, LookupEnv: noVarsOptions().LookupEnv}); len(ds) != 0 {
				t.Errorf("with demo.env:\n%s", ds)
			}
		})
	}
}
