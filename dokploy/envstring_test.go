package dokploy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEnvLikeNodeDotenv(t *testing.T) {
	text := "# comment\nA=1\nexport B = two \nC='single # not a comment'\nD=\"multi\\nline\"\nE=`back`\nF=x # trailing comment\nG=\nH: yaml-style\nA=later\nREF=${{project.DB_URL}}\n"
	got := ParseEnv(&text)
	want := map[string]string{
		"A": "later", "B": "two", "C": "single # not a comment", "D": "multi\nline", "E": "back",
		"F": "x", "G": "", "H": "yaml-style", "REF": "${{project.DB_URL}}",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseEnv (-want +got):\n%s", d)
	}
	if got := ParseEnv(nil); len(got) != 0 {
		t.Errorf("ParseEnv(nil) = %v, want empty", got)
	}
}

// The whitespace and quote rules of JavaScript's dotenv, where Go's
// differ: trim removes U+FEFF and NBSP but not U+0085, \v is a space, and
// \n is expanded in a value that starts with a double quote even when the
// quote is not closed.
func TestParseEnvJavaScriptRules(t *testing.T) {
	text := "BOM=\ufeffx\ufeff\nNEL=\u0085y\u0085\nNBSP=\u00a0z\u00a0\nVT=\v'q'\nOPEN=\"a\\nb\n"
	want := map[string]string{"BOM": "x", "NEL": "\u0085y\u0085", "NBSP": "z", "VT": "q", "OPEN": "\"a\nb"}
	if d := cmp.Diff(want, ParseEnv(&text)); d != "" {
		t.Errorf("ParseEnv (-want +got):\n%s", d)
	}
	// and FormatEnv quotes what either notion of space would trim, and
	// JavaScript's other line terminators
	for _, v := range []string{"\ufeffbom", "nel\u0085", "\u00a0nbsp", "ls\u2028x", "ps\u2029'q'"} {
		text, err := FormatEnv(map[string]string{"K": v})
		if err != nil || text == "K="+v {
			t.Errorf("%q: written %q (%v), want it quoted", v, text, err)
		}
		if got := ParseEnv(&text)["K"]; got != v {
			t.Errorf("%q: reads back as %q", v, got)
		}
	}
}

func TestFormatEnvRoundTrip(t *testing.T) {
	values := []string{
		"", "plain", "with space", " leading", "trailing ", "has#hash", "multi\nline", "'quoted'",
		`"dq"`, "`bt`", "it's", `say "hi"`, "mix ' and `", "cr\rhere", "${{project.X}}", "a=b=c", `back\slash`,
		"both 'q' \"d\"\nline",
	}
	env := map[string]string{}
	for i, v := range values {
		env["K"+string(rune('A'+i))] = v
	}
	text, err := FormatEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(env, ParseEnv(&text)); d != "" {
		t.Errorf("round trip (-want +got):\n%s\ntext:\n%s", d, text)
	}
}

func TestFormatEnvRefusesUnrepresentable(t *testing.T) {
	_, err := FormatEnv(map[string]string{"X": "'\"`\n"})
	if err == nil {
		t.Fatal("want an error for a value with all three quotes and a newline")
	}
}

func FuzzFormatEnvRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a", " a ", "#", "'", "\"\n", "`x`", "a\\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		env := map[string]string{"KEY": v}
		text, err := FormatEnv(env)
		if err != nil {
			return
		}
		if got := ParseEnv(&text)["KEY"]; got != v {
			t.Fatalf("value %q formatted as %q reads back as %q", v, text, got)
		}
	})
}
