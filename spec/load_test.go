package spec

import (
	"strings"
	"testing"
)

// testVars are the variables the table tests see; the process environment
// is never consulted.
var testVars = map[string]string{
	"DB_PASSWORD": "s3cret",
	"SPACEY":      "has space",
	"TAG":         "1.4.2",
}

func testOptions() Options {
	return Options{Vars: testVars, LookupEnv: func(string) (string, bool) { return "", false }}
}

// yamlSrc drops the newline that starts a raw-string spec.
func yamlSrc(s string) string { return strings.TrimPrefix(s, "\n") }

func loadString(t testing.TB, src string) (*File, Diagnostics) {
	t.Helper()
	return LoadBytes("dokploy.yaml", []byte(yamlSrc(src)), "testdata", testOptions())
}

// diagStrings renders diagnostics as the tests expect them: warnings
// prefixed with "warning: ".
func diagStrings(ds Diagnostics) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
		if d.Severity == Warning {
			out[i] = "warning: " + out[i]
		}
	}
	return out
}

// TestBrokenSpecs runs the inline cases that need variables set; the main
// table is testdata/broken (TestBrokenGolden).
func TestBrokenSpecs(t *testing.T) {
	for _, tc := range brokenSpecs {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := loadString(t, tc.src)
			got := diagStrings(ds)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("diagnostics:\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}
