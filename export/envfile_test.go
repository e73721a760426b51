package export

import (
	"maps"
	"slices"
	"testing"

	"github.com/joho/godotenv"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// checkEnvFile checks what EnvFile promises: godotenv reads the text back
// as env without the bad keys, Dokploy's parser too but for the
// godotenvOnly keys, and a key is left out only when no line holds it.
func checkEnvFile(t *testing.T, env map[string]string) (bad, godotenvOnly []string) {
	t.Helper()
	text, bad, godotenvOnly := EnvFile([]string{"header\nwith a newline"}, env)
	want := maps.Clone(env)
	for _, k := range bad {
		if _, _, ok := envLine(k, env[k]); ok && text != "" {
			t.Errorf("%q=%q: left out, but envLine has a line for it", k, env[k])
		}
		delete(want, k)
	}
	got, err := godotenv.Unmarshal(text)
	if err != nil {
		t.Fatalf("godotenv cannot read the text %q: %v", text, err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("godotenv reads %q as %q, want %q", text, got, want)
	}
	parsed := dokploy.ParseEnv(&text)
	for k, v := range want {
		if parsed[k] != v && !slices.Contains(godotenvOnly, k) {
			t.Fatalf("Dokploy's parser reads %s of %q as %q, want %q (and %s is not in godotenvOnly)", k, text, parsed[k], v, k)
		}
	}
	return bad, godotenvOnly
}

func TestEnvFileReadsBack(t *testing.T) {
	env := map[string]string{
		"PLAIN": "value", "EMPTY": "", "SPACES": "  padded  ", "HASH": "a #b", "DOLLAR": "pa$SWORD",
		"REF": "${{project.DB}}", "MULTI": "one\ntwo", "QUOTES": `it's "quoted"`, "CR": "a\rb",
		"ALL": "both 'a' and \"b\" and `c`\nand a line", "BACKSLASH": `c:\dir\`, "UNICODE": "é ✓",
	}
	bad, only := checkEnvFile(t, env)
	if len(bad) != 0 {
		t.Errorf("left out: %q", bad)
	}
	if !slices.Equal(only, []string{"ALL"}) {
		t.Errorf("godotenvOnly = %q, want [ALL]", only)
	}
	bad, _ = checkEnvFile(t, map[string]string{"GOOD": "1", "my-key": "x", "NL_BACKSLASH": "multi\nline\\"})
	if !slices.Equal(bad, []string{"NL_BACKSLASH", "my-key"}) {
		t.Errorf("bad = %q, want [NL_BACKSLASH my-key]", bad)
	}
}

// FuzzEnvFileRoundTrip: whatever the keys and values, EnvFile's text
// reads back through godotenv (and, but for the keys it names, through
// Dokploy's parser) as the env it was given.
func FuzzEnvFileRoundTrip(f *testing.F) {
	for _, s := range [][4]string{
		{"A", "plain", "B", ""},
		{"A", "multi\nline", "B", "it's"},
		{"A", `say "hi" it's` + "`x`\n", "B", "#"},
		{"A", "a\r\nb", "B", `\n`},
		{"A", "${B}", "B", "$A"},
		{"KEY", "  x  # y", "k.e_y", "'"},
		{"A", "\"", "B", "`"},
		{"A", "\ufeffbom", "B", "nel\u0085"},
		{"A", "x\\", "B", "\\\n"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		checkEnvFile(t, map[string]string{k1: v1, k2: v2})
	})
}
