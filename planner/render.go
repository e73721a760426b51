package planner

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// RenderOptions control the text rendering of a plan.
type RenderOptions struct {
	Color bool // ANSI colours (only on a terminal, never with NO_COLOR)
	// ShowValues reveals env values (never passwords) for debugging.
	ShowValues bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
)

type printer struct {
	w   io.Writer
	opt RenderOptions
}

func (pr printer) paint(color, s string) string {
	if !pr.opt.Color || color == "" {
		return s
	}
	return color + s + ansiReset
}

func actionColor(a Action) string {
	switch a {
	case Create:
		return ansiGreen
	case Update:
		return ansiYellow
	case Delete:
		return ansiRed
	}
	return ""
}

var verbs = map[Action]string{
	Create: "will be created",
	Update: "will be updated in place",
	Delete: "will be destroyed",
}

// Render writes the plan as text, terraform style: one block per change with
// its fields, the unmanaged resources, warnings, and the summary line.
func Render(w io.Writer, p *Plan, opt RenderOptions) {
	pr := printer{w: w, opt: opt}
	if len(p.Changes) > 0 {
		legend := []string{}
		seen := map[Action]bool{}
		for _, c := range p.Changes {
			seen[c.Action] = true
		}
		for _, a := range []Action{Create, Update, Delete} {
			if seen[a] {
				name := map[Action]string{Create: "create", Update: "update in-place", Delete: "destroy"}[a]
				legend = append(legend, fmt.Sprintf("  %s %s", pr.paint(actionColor(a), string(a)), name))
			}
		}
		fmt.Fprintf(w, "Resource actions are indicated with the following symbols:\n%s\n\ndokploy-sync will perform the following actions:\n\n", strings.Join(legend, "\n"))
		for _, c := range p.Changes {
			pr.change(c)
		}
	}
	if len(p.Deploys) > 0 {
		fmt.Fprintf(w, "dokploy-sync owes these services a deploy, which apply makes:\n\n")
		for _, d := range p.Deploys {
			fmt.Fprintf(w, "  %s\n", pr.paint(ansiBold, "# "+d.Address+" will be deployed: "+d.Reason))
		}
		fmt.Fprintln(w)
	}
	pr.dataLoss(p)
	if n := len(p.DataKept); n > 0 {
		fmt.Fprintf(w, "Kept: --prune would delete %d more %s, but deleting %s loses data; add --delete-data to delete %s as well:\n",
			n, plural(n, "resource", "resources"), plural(n, "it", "them"), plural(n, "it", "them"))
		for _, r := range p.DataKept {
			fmt.Fprintf(w, "  %s %s (id %s): %s\n", pr.paint(ansiYellow, "!"), r.Address, r.ID, r.Why)
		}
		fmt.Fprintln(w)
	}
	if n := len(p.Unmanaged); n > 0 && p.Pruned {
		fmt.Fprintf(w, "Protected: %d %s in the declared projects %s not in dokploy.yaml, but protect: true keeps %s:\n",
			n, plural(n, "resource", "resources"), plural(n, "is", "are"), plural(n, "it", "them"))
	} else if n > 0 {
		fmt.Fprintf(w, "Unmanaged: %d %s in the declared projects %s not in dokploy.yaml and will be left as %s (--prune deletes %s):\n",
			n, plural(n, "resource", "resources"), plural(n, "is", "are"), plural(n, "it is", "they are"), plural(n, "it", "them"))
	}
	if len(p.Unmanaged) > 0 {
		for _, r := range p.Unmanaged {
			fmt.Fprintf(w, "  ? %s (id %s)\n", r.Address, r.ID)
		}
		fmt.Fprintln(w)
	}
	if len(p.UnsetVars) > 0 {
		fmt.Fprintf(w, "%s these variables are not set, so the fields that use them are unknown and were not compared: %s. apply needs them.\n",
			pr.paint(ansiYellow+ansiBold, "Warning:"), strings.Join(p.UnsetVars, ", "))
	} else if len(p.NotCompared) > 0 {
		fmt.Fprintf(w, "%s the server hides some secrets (it answers a placeholder in their place), so dokploy-sync cannot compare them and leaves them as they are:\n",
			pr.paint(ansiYellow+ansiBold, "Warning:"))
	}
	for _, f := range p.NotCompared {
		fmt.Fprintf(w, "  not compared: %s\n", f)
	}
	if len(p.UnsetVars) > 0 || len(p.NotCompared) > 0 {
		fmt.Fprintln(w)
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(w, "%s %s\n\n", pr.paint(ansiYellow+ansiBold, "Warning:"), warn)
	}
	if p.EnvOnly != "" {
		fmt.Fprintf(w, "%s the plan is limited to the env of %s (env push): it does not show other differences between Dokploy and dokploy.yaml.\n\n",
			pr.paint(ansiYellow+ansiBold, "Warning:"), p.EnvOnly)
	} else if len(p.Targets) > 0 {
		fmt.Fprintf(w, "%s the plan is limited to --target %s: it may not show every difference between Dokploy and dokploy.yaml.\n\n",
			pr.paint(ansiYellow+ansiBold, "Warning:"), strings.Join(p.Targets, ", "))
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "%s %s\n\n", pr.paint(ansiRed+ansiBold, "Error:"), e)
	}
	add, change, destroy := p.Counts()
	deploys := ""
	if n := len(p.Deploys); n > 0 {
		deploys = fmt.Sprintf(", %d to deploy", n)
	}
	if n := len(p.Errors); n > 0 {
		// Never "No changes": the errors hide what the plan could not compare.
		fmt.Fprintf(w, "%s %d to add, %d to change, %d to destroy%s, and %d %s (above) to fix first: nothing can be applied until then.\n",
			pr.paint(ansiBold, "Plan:"), add, change, destroy, deploys, n, plural(n, "error", "errors"))
		return
	}
	if p.Empty() {
		fmt.Fprintln(w, "No changes. Dokploy matches dokploy.yaml.")
		return
	}
	fmt.Fprintf(w, "%s %d to add, %d to change, %d to destroy%s.\n", pr.paint(ansiBold, "Plan:"), add, change, destroy, deploys)
}

// DataLosses returns the deletions of the plan that lose data.
func (p *Plan) DataLosses() []*Change {
	var out []*Change
	for _, c := range p.Changes {
		if c.Action == Delete && c.DataLoss != "" {
			out = append(out, c)
		}
	}
	return out
}

// RenderDataLoss writes the loud block of the deletions that lose data, if
// any: the plan shows it after the changes, the confirmation again.
func RenderDataLoss(w io.Writer, p *Plan, opt RenderOptions) { printer{w: w, opt: opt}.dataLoss(p) }

func (pr printer) dataLoss(p *Plan) {
	losses := p.DataLosses()
	if len(losses) == 0 {
		return
	}
	n := len(losses)
	fmt.Fprintf(pr.w, "%s %d of these deletions %s data:\n", pr.paint(ansiRed+ansiBold, "DATA WILL BE LOST:"), n, plural(n, "removes", "remove"))
	for _, c := range losses {
		fmt.Fprintf(pr.w, "  %s %s (id %s): %s\n", pr.paint(ansiRed, "-"), c.Address, c.LiveID, c.DataLoss)
	}
	fmt.Fprintln(pr.w)
}

func (pr printer) change(c *Change) {
	w := pr.w
	fmt.Fprintf(w, "  %s\n", pr.paint(ansiBold, "# "+c.Address+" "+verbs[c.Action]))
	fmt.Fprintf(w, "  %s %s %q\n", pr.paint(actionColor(c.Action), string(c.Action)), c.Kind, c.Name)
	width := 0
	for _, f := range c.Fields {
		if len(f.Name) > width {
			width = len(f.Name)
		}
	}
	for _, f := range c.Fields {
		sym := pr.paint(actionColor(f.Action), string(f.Action))
		name := f.Name + strings.Repeat(" ", width-len(f.Name))
		switch {
		case f.Unknown != "":
			fmt.Fprintf(w, "      %s %s = (unknown: $%s not set)\n", sym, name, f.Unknown)
		case f.AfterApply:
			fmt.Fprintf(w, "      %s %s = (known after apply)\n", sym, name)
		case f.Text && (strings.Contains(f.Before, "\n") || strings.Contains(f.After, "\n")):
			fmt.Fprintf(w, "      %s %s:\n", sym, strings.TrimRight(name, " "))
			pr.lineDiff(f.Before, f.After)
		case f.Action == Delete && f.Env:
			fmt.Fprintf(w, "      %s %s\n", sym, strings.TrimRight(name, " "))
		default:
			fmt.Fprintf(w, "      %s %s = %s\n", sym, name, pr.value(f))
		}
	}
	for _, warn := range c.Warnings {
		fmt.Fprintf(w, "      %s %s\n", pr.paint(ansiYellow+ansiBold, "Warning:"), warn)
	}
	fmt.Fprintln(w)
}

// lineDiff writes a line diff of two texts (sergi/go-diff in line mode),
// with two lines of context around each change.
func (pr printer) lineDiff(before, after string) {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // deterministic
	a, b, lines := dmp.DiffLinesToRunes(before, after)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(a, b, false), lines)
	type line struct {
		op   diffmatchpatch.Operation
		text string
	}
	var all []line
	for _, d := range diffs {
		text := strings.TrimSuffix(d.Text, "\n")
		for _, l := range strings.Split(text, "\n") {
			all = append(all, line{d.Type, l})
		}
	}
	const context = 2
	show := make([]bool, len(all))
	for i, l := range all {
		if l.op != diffmatchpatch.DiffEqual {
			for j := max(0, i-context); j <= min(len(all)-1, i+context); j++ {
				show[j] = true
			}
		}
	}
	skipped := false
	for i, l := range all {
		if !show[i] {
			skipped = true
			continue
		}
		if skipped {
			fmt.Fprintln(pr.w, "          ...")
			skipped = false
		}
		switch l.op {
		case diffmatchpatch.DiffInsert:
			fmt.Fprintf(pr.w, "          %s\n", pr.paint(ansiGreen, "+ "+l.text))
		case diffmatchpatch.DiffDelete:
			fmt.Fprintf(pr.w, "          %s\n", pr.paint(ansiRed, "- "+l.text))
		default:
			fmt.Fprintf(pr.w, "            %s\n", l.text)
		}
	}
	if skipped {
		fmt.Fprintln(pr.w, "          ...")
	}
}

// value shows a field's change: "old -> new", "new", or "(sensitive)".
func (pr printer) value(f *FieldDiff) string {
	hide := f.Sensitive || f.Env && !pr.opt.ShowValues
	show := func(s string) string {
		if hide {
			return "(sensitive)"
		}
		if s == "" {
			return "null"
		}
		if f.Env || needsQuote(s) {
			return strconv.Quote(s)
		}
		return s
	}
	switch f.Action {
	case Create:
		return show(f.After)
	case Delete:
		if hide {
			return "(sensitive) -> null"
		}
		return show(f.Before) + " -> null"
	default:
		if hide {
			return "(sensitive)"
		}
		return show(f.Before) + " -> " + show(f.After)
	}
}

// needsQuote: numbers, booleans, sizes and lists are shown bare, text
// quoted.
func needsQuote(s string) bool {
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") || strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		return false // a list or an object, as JSON
	}
	if s == "true" || s == "false" {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return false
	}
	for _, suf := range []string{"Ki", "Mi", "Gi", "Ti"} {
		if n := strings.TrimSuffix(s, suf); n != s {
			if _, err := strconv.ParseFloat(n, 64); err == nil {
				return false
			}
		}
	}
	return !strings.HasSuffix(s, ")")
}
