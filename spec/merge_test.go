package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMultiGolden loads each directory of testdata/multi as one spec (its
// dokploy*.yaml files merged, extends resolved) and compares the
// diagnostics, and when there are no errors the rendered spec, with the
// directory's golden file. `go test ./spec -update` rewrites them.
func TestMultiGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/multi/*")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		n++
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if !goldenNameRE.MatchString(name) {
				t.Errorf("name the directory NN-short-name")
			}
			opts := Options{LookupEnv: func(string) (string, bool) { return "", false }, Vars: map[string]string{"TAG": "2.3.0"}}
			_, ds := Load(dir, opts)
			got := "# diagnostics\n" + ds.String()
			if !ds.HasErrors() {
				out, rds := Render(dir, opts)
				if rds.String() != ds.String() {
					t.Errorf("Render's diagnostics differ from Load's:\n%s\n---\n%s", rds, ds)
				}
				got += "# render\n" + string(out)
			}
			golden := dir + ".golden"
			checkGolden(t, golden, got)
		})
	}
	if n < 10 {
		t.Errorf("only %d cases in testdata/multi; keep at least 10", n)
	}
}
