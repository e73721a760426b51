package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// modelWords are the words a completion script must offer, read from
// kong's model: every visible command, and every visible flag (long,
// short, negated) and enum value of the root and of each command.
func modelWords(t *testing.T) (cmds, flags, enums []string) {
	t.Helper()
	var cli CLI
	parser, err := newParser(&cli)
	if err != nil {
		t.Fatal(err)
	}
	addFlags := func(n *kong.Node) {
		for _, f := range n.Flags {
			if f.Hidden {
				continue
			}
			flags = append(flags, "--"+f.Name)
			if f.Short != 0 {
				flags = append(flags, "-"+string(f.Short))
			}
			if f.Tag.Negatable == "_" {
				flags = append(flags, "--no-"+f.Name)
			}
			if f.Enum != "" {
				enums = append(enums, f.EnumSlice()...)
			}
		}
		for _, p := range n.Positional {
			if p.Enum != "" {
				enums = append(enums, p.EnumSlice()...)
			}
		}
	}
	addFlags(parser.Model.Node)
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) { // subcommands too (env pull, env push)
		for _, c := range n.Children {
			if c.Type == kong.CommandNode && !c.Hidden {
				cmds = append(cmds, c.Name)
				addFlags(c)
				walk(c)
			}
		}
	}
	walk(parser.Model.Node)
	if len(cmds) < 10 || len(flags) < 30 {
		t.Fatalf("the model looks empty: %d commands, %d flags", len(cmds), len(flags))
	}
	return cmds, flags, enums
}

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var out, errs bytes.Buffer
	if code := runContext(t.Context(), []string{"completion", shell}, nil, &out, &errs); code != 0 {
		t.Fatalf("completion %s: exit %d: %s", shell, code, errs.String())
	}
	return out.String()
}

// Every command, flag and enum value is in each script, in the form the
// shell reads it.
func TestCompletionCoversTheModel(t *testing.T) {
	cmds, flags, enums := modelWords(t)
	for _, shell := range []string{"bash", "zsh", "fish"} {
		script := completionScript(t, shell)
		has := func(kind, w string) {
			var re string
			switch {
			case shell == "fish" && strings.HasPrefix(w, "--"):
				re = `-l ` + regexp.QuoteMeta(w[2:]) + `\b`
			case shell == "fish" && strings.HasPrefix(w, "-"):
				re = `-s ` + regexp.QuoteMeta(w[1:]) + `\b`
			default:
				re = `(^|[\s'"|(*])` + regexp.QuoteMeta(w) + `($|[\s'"|)=+\[:])`
			}
			if !regexp.MustCompile(`(?m)` + re).MatchString(script) {
				t.Errorf("%s: %s %s is missing", shell, kind, w)
			}
		}
		for _, c := range cmds {
			has("command", c)
		}
		for _, f := range flags {
			has("flag", f)
		}
		for _, e := range enums {
			has("enum value", e)
		}
		// Hidden flags are not offered.
		if strings.Contains(script, "deploy-poll") {
			t.Errorf("%s: offers the hidden --deploy-poll", shell)
		}
	}
}

// Each shell that is installed parses its script.
func TestCompletionScriptsParse(t *testing.T) {
	for shell, args := range map[string][]string{"bash": {"-n"}, "zsh": {"-n"}, "fish": {"--no-execute"}} {
		t.Run(shell, func(t *testing.T) {
			bin, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("%s is not installed: its script is not parsed", shell)
			}
			path := filepath.Join(t.TempDir(), "script")
			if err := os.WriteFile(path, []byte(completionScript(t, shell)), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, append(args, path)...).CombinedOutput(); err != nil {
				t.Errorf("%s %v: %v\n%s", shell, args, err, out)
			}
		})
	}
}

// The bash script completes commands, flags and values where they belong.
func TestBashCompletion(t *testing.T) {
	bin, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	path := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(path, []byte(completionScript(t, "bash")), 0o600); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) []string {
		t.Helper()
		words := strings.Fields(line)
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
		}
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		script := "source " + path + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
			strconv.Itoa(len(words)-1) + "\n_dokploy_sync\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		cmd := exec.Command(bin, "-c", script)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", line, err, out)
		}
		return strings.Fields(string(out))
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"dokploy-sync pl", []string{"plan"}},
		{"dokploy-sync do", []string{"doctor"}},
		{"dokploy-sync plan --form", []string{"--format"}},
		{"dokploy-sync plan --format ", []string{"text", "json", "markdown"}},
		{"dokploy-sync validate --format ", []string{"text", "json", "github"}},
		{"dokploy-sync --api ", []string{"auto", "trpc", "rest"}},
		{"dokploy-sync apply --no-d", []string{"--no-deploy"}},
		{"dokploy-sync deploy --no-d", nil},
		{"dokploy-sync apply --no-w", []string{"--no-wait"}},
		{"dokploy-sync completion ", []string{"bash", "zsh", "fish"}},
		{"dokploy-sync -v plan --tar", []string{"--target"}},
		{"dokploy-sync plan --target ", nil},
	} {
		got := complete(tc.line)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: %q, want %q", tc.line, got, tc.want)
		}
	}
}

// The fish script completes in fish itself (complete -C), when installed.
func TestFishCompletion(t *testing.T) {
	bin, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("fish is not installed")
	}
	path := filepath.Join(t.TempDir(), "script.fish")
	if err := os.WriteFile(path, []byte(completionScript(t, "fish")), 0o600); err != nil {
		t.Fatal(err)
	}
	for line, want := range map[string]string{
		"dokploy-sync pl":             "plan\t",
		"dokploy-sync plan --format ": "markdown",
		"dokploy-sync deploy --no-w":  "--no-wait",
		"dokploy-sync completion ":    "zsh",
	} {
		out, err := exec.Command(bin, "--no-config", "-c", "source "+path+"; complete -C '"+line+"'").CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("fish %q: %v\n%s\nwant %q in it", line, err, out, want)
		}
	}
	out, _ := exec.Command(bin, "--no-config", "-c", "source "+path+"; complete -C 'dokploy-sync deploy --no-d'").CombinedOutput()
	if strings.Contains(string(out), "--no-deploy") {
		t.Errorf("fish offers deploy --no-deploy:\n%s", out)
	}
}
