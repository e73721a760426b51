package main

import (
	"fmt"
	"strings"

	"github.com/alecthomas/kong"
)

// singleDash catches a long flag written with one dash, terraform style
// (-auto-approve, -target=x, -var-file f), before kong reads it as a run of
// short flags (-a -u -t ...) and reports a confusing "unknown flag -a".
// Only an argument whose name (up to "=") is exactly a long flag of the
// command line counts, so real short flags (-f, -v, -o) and their attached
// values pass; arguments after "--" are left alone.
func singleDash(app *kong.Application, args []string) error {
	long := longFlags(app.Node)
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if long[name] {
			return fmt.Errorf("unknown flag %s: did you mean -%s?", a, a)
		}
	}
	return nil
}

// longFlags are the long names of every flag of n and its commands,
// negations (no-wait) and aliases included.
func longFlags(n *kong.Node) map[string]bool {
	out := map[string]bool{}
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) {
		for _, f := range n.Flags {
			out[f.Name] = true
			for _, a := range f.Aliases {
				out[a] = true
			}
			if neg := negation(f); neg != "" {
				out[neg] = true
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(n)
	return out
}

// negation is the name of a negatable flag's negative form (no-NAME, or the
// name the tag gives), "" for a flag that is not negatable.
func negation(f *kong.Flag) string {
	switch neg := f.Tag.Negatable; neg {
	case "":
		return ""
	case "_": // kong's mark for the default, --no-NAME
		return "no-" + f.Name
	default:
		return neg
	}
}
