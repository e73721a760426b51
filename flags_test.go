package main

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// commandFlags maps each command path ("deploy", "force-unlock") to the
// names of its own flags (the global ones excluded), hidden ones included.
func commandFlags(t *testing.T) map[string][]string {
	t.Helper()
	var cli CLI
	parser, err := newParser(&cli)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	var walk func(prefix string, n *kong.Node)
	walk = func(prefix string, n *kong.Node) {
		for _, c := range n.Children {
			if c.Type != kong.CommandNode {
				continue
			}
			path := strings.TrimSpace(prefix + " " + c.Name)
			names := []string{}
			for _, f := range c.Flags {
				names = append(names, f.Name)
			}
			sort.Strings(names)
			out[path] = names
			walk(path, c)
		}
	}
	walk("", parser.Model.Node)
	return out
}

// TestCommandFlags pins the flags of every command. Each one listed was
// checked to be read by that command's Run; a new flag (or a new command)
// fails here until it is added after the same check, so that no command
// lists a flag it ignores (as deploy once listed --no-deploy and deployed
// anyway).
func TestCommandFlags(t *testing.T) {
	want := map[string][]string{
		"validate":     {"file", "format", "require-vars"},
		"plan":         {"delete-data", "detailed-exitcode", "file", "format", "json", "out", "prune", "require-vars", "show-values", "target"},
		"apply":        {"auto-approve", "delete-data", "deploy-poll", "deploy-timeout", "file", "json", "lock", "no-deploy", "prune", "show-values", "target", "wait"},
		"deploy":       {"deploy-poll", "deploy-timeout", "file", "wait"},
		"stop":         {"auto-approve", "file", "poll", "timeout"},
		"start":        {"auto-approve", "file", "poll", "timeout"},
		"export":       {"env-dir", "force", "include-secrets", "output", "project"},
		"render":       {"file"},
		"env":          {},
		"env pull":     {"file", "output", "show-values"},
		"env push":     {"auto-approve", "deploy-poll", "deploy-timeout", "file", "lock", "show-values", "wait"},
		"force-unlock": {"auto-approve"},
		"schema":       {},
		"doctor":       {},
		"completion":   {},
	}
	got := commandFlags(t)
	for cmd, flags := range got {
		w, ok := want[cmd]
		if !ok {
			t.Errorf("command %s (flags %v) is not in this test: check that its Run reads each flag, then add it", cmd, flags)
			continue
		}
		if !slices.Equal(flags, w) {
			t.Errorf("command %s: flags %v, want %v: check that its Run reads each flag, then update this test", cmd, flags, w)
		}
	}
	for cmd := range want {
		if _, ok := got[cmd]; !ok {
			t.Errorf("command %s is gone from the command line", cmd)
		}
	}
}

// TestNoFlagsThatDoNotApply names the combinations that were wrong once.
func TestNoFlagsThatDoNotApply(t *testing.T) {
	got := commandFlags(t)
	for _, bad := range []struct{ cmd, flag string }{
		{"deploy", "no-deploy"},    // deploy deploys: that is what it is for
		{"deploy", "auto-approve"}, // it does not ask
		{"stop", "no-deploy"},
		{"start", "no-deploy"},
		{"plan", "auto-approve"},
		{"plan", "no-deploy"},
		{"validate", "target"},
	} {
		if slices.Contains(got[bad.cmd], bad.flag) {
			t.Errorf("%s lists --%s, which it does not read", bad.cmd, bad.flag)
		}
	}
}
