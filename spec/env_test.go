package spec

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestEnvFileRules pins godotenv v1.5.1's behaviour, as documented in env.go.
func TestEnvFileRules(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"rules.env": strings.Join([]string{
		"# a comment",
		"PLAIN=  spaced value  ",
		"export EXPORTED=yes",
		"YAML_STYLE: colon",
		"HASH=pa#ss",
		"COMMENTED=foo # one # two",
		"SINGLE='literal ${PLAIN} \\n'",
		`DOUBLE="line1\nline2 ${PLAIN}"`,
		"EXPANDED=${PLAIN}/x",
		"BARE=$PLAIN",
		"LATER=${DEFINED_LATER}",
		"DEFINED_LATER=1",
		"LOWER=${lower}",
		"FROM_OS=${HOME}",
		"DOLLAR=pa$SWORD",
		"ESCAPED=\\$PLAIN",
		"DOKPLOY=${{project.LOG_LEVEL}}",
		"DOKPLOY_QUOTED='${{project.LOG_LEVEL}}'",
		"DUP=first",
		"DUP=second",
		"dotted.key=ok",
		"EMPTY=",
		"",
	}, "\r\n")})
	got, _, _, err := readEnvFile(fileRoot{dir: dir}, "rules.env")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"PLAIN":          "spaced value",
		"EXPORTED":       "yes",
		"YAML_STYLE":     "colon",
		"HASH":           "pa#ss",
		"COMMENTED":      "foo # one",
		"SINGLE":         `literal ${PLAIN} \n`,
		"DOUBLE":         "line1\nline2 spaced value",
		"EXPANDED":       "spaced value/x",
		"BARE":           "spaced value",
		"LATER":          "",
		"DEFINED_LATER":  "1",
		"LOWER":          "${lower}",
		"FROM_OS":        "",
		"DOLLAR":         "pa",
		"ESCAPED":        "$PLAIN",
		"DOKPLOY":        "${{project.LOG_LEVEL}}",
		"DOKPLOY_QUOTED": "${{project.LOG_LEVEL}}",
		"DUP":            "second",
		"dotted.key":     "ok",
		"EMPTY":          "",
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s = %q, want %q", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected key %s = %q", k, got[k])
			}
		}
	}
}

func TestEnvFileErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"nokey.env":      "A=1\nJUST A LINE\n",
		"hyphen.env":     "\n\n  export MY-KEY=secret\n",
		"open.env":       "A=1\r\nB='never closed\r\nC=3\r\n",
		"sub/keep.txt":   "",
		"unreadable.env": "",
	})
	for _, tc := range []struct{ path, want string }{
		{"nokey.env", `nokey.env:2: unexpected character "\n" in variable name (each line must be KEY=VALUE)`},
		{"hyphen.env", `hyphen.env:3: unexpected character "-" in variable name (each line must be KEY=VALUE)`},
		{"open.env", `open.env:2: unterminated quoted value`},
		{"sub", `sub is a directory, not a file`},
		{"missing.env", `file missing.env not found (envFile paths are relative to the directory of the spec file)`},
	} {
		_, _, _, err := readEnvFile(fileRoot{dir: dir}, tc.path)
		if err == nil {
			t.Errorf("%s: no error", tc.path)
			continue
		}
		if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.path, got, tc.want)
		}
		if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "never closed") {
			t.Errorf("%s: the error quotes the file: %q", tc.path, err)
		}
	}
}

func TestEnvMerge(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.env": "A=from-a\nB=from-a\nC=from-a\n",
		"b.env": "B=from-b\nC=from-b\n",
	})
	src := `
apiVersion: dokploy-sync/v1
projects:
  p1:
    envFile: [a.env, b.env]
    env: {C: inline}
  p2:
    envFile: a.env
  p3:
    env: null
  p4:
    envFile: []
  p5:
    envFile: null
  p6: {}
`
	f, ds := LoadBytes("dokploy.yaml", []byte(yamlSrc(src)), dir, testOptions())
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %s", ds)
	}
	for name, want := range map[string]map[string]string{
		"p1": {"A": "from-a", "B": "from-b", "C": "inline"},
		"p2": {"A": "from-a", "B": "from-a", "C": "from-a"},
		"p3": {}, // env: null clears
		"p4": {}, // envFile: [] manages an empty env
		"p5": {},
		"p6": nil, // not managed
	} {
		got := f.Projects[name].EnvVars
		if !reflect.DeepEqual(got, want) || (want == nil) != (got == nil) {
			t.Errorf("%s: EnvVars = %#v, want %#v", name, got, want)
		}
	}
}

func TestReadVarFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"vars.env": "DB_PASSWORD='p@ss w0rd'\nTAG=1.4.2\n",
		"bad.env":  "OK=1\nNOT-OK=hidden\n",
	})
	vars, err := ReadVarFile(filepath.Join(dir, "vars.env"))
	if err != nil || !reflect.DeepEqual(vars, map[string]string{"DB_PASSWORD": "p@ss w0rd", "TAG": "1.4.2"}) {
		t.Errorf("ReadVarFile = %v, %v", vars, err)
	}
	_, err = ReadVarFile(filepath.Join(dir, "bad.env"))
	if err == nil || err.Error() != "var file "+filepath.Join(dir, "bad.env")+`:2: unexpected character "-" in variable name (each line must be KEY=VALUE)` {
		t.Errorf("bad var file: %v", err)
	}
	_, err = ReadVarFile(filepath.Join(dir, "none.env"))
	if err == nil || err.Error() != "var file "+filepath.Join(dir, "none.env")+": no such file or directory" {
		t.Errorf("missing var file: %v", err)
	}
}
