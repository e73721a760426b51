package export

import (
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// trickyStrings are names and values that YAML would read as something
// else unless they are quoted or written with care.
var trickyStrings = []string{
	"on", "off", "yes", "no", "Yes", "NO", "y", "n", "Y", "true", "False", "null", "Null", "~", "",
	"1.0", "1", "0755", "0x1F", "1e3", "+1", "-.5", ".inf", "-.inf", ".nan", "1_000", "0o17", "12:30", "2024-01-01",
	"a:b", "a: b", "a:", " lead", "trail ", "x#y", "x #y", "#x", "? q", "?", "- d", "-", "-d", "--", "---", "...",
	"<<", "=", "*alias", "&anchor", "%x", "!tag", "@x", "`x`", "|", ">", "[a]", "{a}", ",", "a, b", "a,b",
	"'single'", "\"double\"", "a\"b'c", "é", "日本", "tab\there", "\u2028x", "a\x01b", "\ufeffbom", "a\u00a0b",
	"${{project.X}}", "$${x}", "back\\slash", "end\\",
	"line1\nline2\n", "line1\nline2", "a\n\n", "a\n\n\n", "\n", "\n\n", "  indented\nsecond\n", "trailing \nline\n",
	"\nleading newline\n", "x\r\ny", "x\ry\n", "line\n  indented\n\ttab\n", "x\n  ", "a\n \nb\n", "a\n\nb\n",
	"key: value\nother: [1, 2]\n# comment\n", "services:\n  web:\n    image: nginx:1.27\n    command: [\"sh\", \"-c\", \"echo $${HOME} # not a comment\"]\n",
	"- item\n- item2\n", "? x\n", "|\n", "---\nx: 1\n",
	"a\n\tb\n", "a\tb\nc\n", "\ta\nb\n", "a\n\n\tb\n", "server {\n\tlisten 80;\n}\n", "a\nb\t\n", "a\n\t\nb\n",
}

func TestMarshalReadsBack(t *testing.T) {
	for _, s := range trickyStrings {
		root := yaml.MapSlice{
			{Key: s, Value: s},
			{Key: "nested", Value: yaml.MapSlice{
				{Key: s, Value: yaml.MapSlice{{Key: "k", Value: s}}},
				{Key: "list", Value: []any{s, yaml.MapSlice{{Key: "host", Value: s}, {Key: s, Value: 1}}}},
			}},
		}
		out, err := marshal(root)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if bad, err := verify(out, root); err != nil || len(bad) > 0 {
			t.Errorf("%q: does not read back (%v %v):\n%s", s, bad, err, out)
		}
	}
}

func TestMarshalQuotesWhatYAMLReadsOtherwise(t *testing.T) {
	root := yaml.MapSlice{{Key: "projects", Value: yaml.MapSlice{
		{Key: "on", Value: yaml.MapSlice{}},
		{Key: "1.0", Value: yaml.MapSlice{}},
		{Key: "a: b", Value: yaml.MapSlice{}},
		{Key: " lead", Value: yaml.MapSlice{}},
		{Key: "x #y", Value: yaml.MapSlice{}},
		{Key: "plain-name", Value: yaml.MapSlice{}},
	}}}
	out, err := marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"on": {}`, `"1.0": {}`, `"a: b": {}`, `" lead": {}`, `"x #y": {}`, "  plain-name: {}"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}
