package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/joho/godotenv"
)

func TestScanEnvFindsTheVariablesThatComeOutEmpty(t *testing.T) {
	src := "A=1\n" +
		"B=x$A-${A}\n" + // defined above: fine
		"C=$LATER\n" + // defined below: empty
		"LATER=2\n" +
		"D=\"pa${NOPE}ss\" # comment $NOT_READ\n" +
		"E='$LITERAL'\n" +
		"F=\\$ESCAPED\n" +
		"G=$(CMD) $(lower) ${lower} ${{project.KEY}}\r\n" +
		"H=re$1place\n" +
		"  export I = \"two\nlines $SECOND\"\n"
	vals, refs, err := scanEnv([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []envRef{
		{Key: "C", Name: "LATER", Text: "$LATER", Line: 3, Col: 3},
		{Key: "D", Name: "NOPE", Text: "${NOPE}", Line: 5, Col: 6},
		{Key: "G", Name: "CMD", Text: "$(CMD", Line: 8, Col: 3},
		{Key: "H", Name: "1", Text: "$1", Line: 9, Col: 5},
		{Key: "I", Name: "SECOND", Text: "$SECOND", Line: 11, Col: 7},
	}
	if d := cmp.Diff(want, refs); d != "" {
		t.Errorf("refs (-want +got):\n%s", d)
	}
	gd, err := godotenv.UnmarshalBytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(gd, vals); d != "" {
		t.Errorf("values differ from godotenv's (-godotenv +scanEnv):\n%s", d)
	}
	// What the warnings are about, as godotenv reads it.
	for k, v := range map[string]string{"C": "", "D": "pass", "E": "$LITERAL", "F": "$ESCAPED", "G": ") $(lower) ${lower} ${{project.KEY}}", "H": "replace"} {
		if gd[k] != v {
			t.Errorf("godotenv gives %s=%q, want %q", k, gd[k], v)
		}
	}
}

// FuzzScanEnv checks scanEnv against godotenv: the same values, an error
// where godotenv fails, and each variable found at a "$" of the input.
func FuzzScanEnv(f *testing.F) {
	for _, s := range []string{
		"A=1\nB=$A\nC=${NOPE}\n",
		"X=\"a\\$B ${C}\\n$D\"\nY='$E'\n",
		"export K: $(V) # c $W\r\nL=\"\"\"$M\"\n",
		"#c\n  P = p$1 #x\nQ=\"un\n",
		"bad-key=1\n",
		"K=\xff$A\xfe${B}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		vals, refs, err := scanEnv(src)
		want, werr := godotenv.UnmarshalBytes(src)
		if (err != nil) != (werr != nil) {
			t.Fatalf("scanEnv error %v, godotenv error %v", err, werr)
		}
		if err != nil {
			return
		}
		if d := cmp.Diff(want, vals); d != "" {
			t.Fatalf("values differ (-godotenv +scanEnv):\n%s", d)
		}
		norm := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		lines := bytes.Split(norm, []byte("\n"))
		for _, r := range refs {
			if r.Line < 1 || r.Line > len(lines) {
				t.Fatalf("%+v: line out of range", r)
			}
			runes := []rune(string(lines[r.Line-1]))
			if r.Col < 1 || r.Col > len(runes) || runes[r.Col-1] != '$' {
				t.Fatalf("%+v: not at a \"$\" of line %q", r, lines[r.Line-1])
			}
		}
	})
}

// A variable the process environment or a --var-file sets still comes out
// empty in an env file; the warning says why, and never shows the value.
func TestEnvFileVariableSetElsewhere(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.env"), []byte("URL=postgres://${DB_PASSWORD}@db\nOK='${DB_PASSWORD}'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := "apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    envFile: api.env\n"
	opts := Options{Vars: map[string]string{"DB_PASSWORD": "var-file-secret"}, LookupEnv: func(string) (string, bool) { return "", false }}
	_, ds := LoadBytes(filepath.Join(dir, "dokploy.yaml"), []byte(doc), dir, opts)
	if len(ds) != 1 {
		t.Fatalf("want one warning, got:\n%s", ds)
	}
	d := ds[0]
	want := `envFile "api.env": URL: ${DB_PASSWORD} comes out empty: env files read only the keys defined above them in the same file, not the environment or --var-file where DB_PASSWORD is set; put the value in single quotes to keep it as written (URL='...'), or define DB_PASSWORD on a line above`
	if d.Severity != Warning || d.Pos != (Position{File: filepath.Join(dir, "api.env"), Line: 1, Col: 16}) || d.Address != "shop" || d.Message != want {
		t.Errorf("got %#v\nwant the message %s", d, want)
	}
	if strings.Contains(ds.String(), "var-file-secret") {
		t.Errorf("the warning shows the value:\n%s", ds)
	}
}
