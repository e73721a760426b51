package main

import (
	"strings"
	"testing"
)

func TestSingleDash(t *testing.T) {
	var cli CLI
	parser, err := newParser(&cli)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string // "" for no hint
	}{
		{[]string{"apply", "-auto-approve"}, "unknown flag -auto-approve: did you mean --auto-approve?"},
		{[]string{"plan", "-target=shop/production"}, "unknown flag -target=shop/production: did you mean --target=shop/production?"},
		{[]string{"plan", "-var-file", "x.env"}, "unknown flag -var-file: did you mean --var-file?"},
		{[]string{"apply", "-no-wait"}, "unknown flag -no-wait: did you mean --no-wait?"},
		{[]string{"apply", "-no-lock"}, "unknown flag -no-lock: did you mean --no-lock?"},
		{[]string{"export", "-o", "out", "-force"}, "unknown flag -force: did you mean --force?"},
		// Real short flags, alone, grouped or with a value attached.
		{[]string{"plan", "-f", "dokploy.yaml", "-v"}, ""},
		{[]string{"-v", "plan", "-fdokploy.yaml"}, ""},
		{[]string{"export", "-o", "x.yaml"}, ""},
		{[]string{"plan", "-f", "-"}, ""},
		// Not a flag name, and after "--": left to kong.
		{[]string{"plan", "-xyz"}, ""},
		{[]string{"deploy", "--", "-prune"}, ""},
	} {
		err := singleDash(parser.Model, tc.args)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", strings.Join(tc.args, " "), got, tc.want)
		}
	}
}
