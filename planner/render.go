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
	// Instance is the Dokploy instance the live state was read from: the
	// JSON plan names it.
	Instance *JSONInstance
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
	// gutter puts each line's plan symbol in column 0, as a diff line
	// prefix (+ create, - delete, ! update), for the Markdown plan's diff
	// blocks; the text plan indents the symbols.
	gutter bool
}

// sym writes a line that starts with a plan symbol: indent, the symbol,
// a space and the text. In gutter mode the symbol moves to column 0 (as
// its diff prefix) and its place is a space, so the text stays where the
// text plan has it.
func (pr printer) sym(indent string, a Action, color, text string) {
	if pr.gutter {
		fmt.Fprintf(pr.w, "%s%s  %s\n", diffPrefix(a), indent[1:], text)
		return
	}
	fmt.Fprintf(pr.w, "%s%s %s\n", indent, pr.paint(color, string(a)), text)
}

// diffPrefix is the diff line prefix that gives a symbol its colour in a
// diff block: + and - are themselves, an update is ! (a changed line).
func diffPrefix(a Action) string {
	if a == Update {
		return "!"
	}
	return string(a)
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
			pr.deploy(d)
		}
		fmt.Fprintln(w)
	}
	pr.dataLoss(p)
	if n := len(p.DataKept); n > 0 {
		fmt.Fprintf(w, "%s:\n", keptText(n))
		for _, r := range p.DataKept {
			fmt.Fprintf(w, "  %s %s (id %s): %s\n", pr.paint(ansiYellow, "!"), r.Address, r.ID, r.Why)
		}
		fmt.Fprintln(w)
	}
	if n := len(p.Unmanaged); n > 0 {
		fmt.Fprintf(w, "%s:\n", unmanagedText(n, p.Pruned))
	}
	if len(p.Unmanaged) > 0 {
		for _, r := range p.Unmanaged {
			fmt.Fprintf(w, "  ? %s (id %s)\n", r.Address, r.ID)
		}
		fmt.Fprintln(w)
	}
	if head := notComparedText(p); head != "" {
		fmt.Fprintf(w, "%s %s\n", pr.paint(ansiYellow+ansiBold, "Warning:"), head)
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
	if p.EnvOnly != "" || len(p.Targets) > 0 {
		fmt.Fprintf(w, "%s %s\n\n", pr.paint(ansiYellow+ansiBold, "Warning:"), targetsText(p))
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "%s %s\n\n", pr.paint(ansiRed+ansiBold, "Error:"), e)
	}
	fmt.Fprintln(w, summaryText(p, func(s string) string { return pr.paint(ansiBold, s) }, "above"))
}

// summaryText is the plan's last line: "Plan: 3 to add, 2 to change, 1 to
// destroy, 1 to deploy." or "No changes. ...", with bold applied to
// "Plan:". where says where the errors are listed (above, below).
func summaryText(p *Plan, bold func(string) string, where string) string {
	add, change, destroy := p.Counts()
	counts := countsText(add, change, destroy, len(p.Deploys))
	if n := len(p.Errors); n > 0 {
		// Never "No changes": the errors hide what the plan could not compare.
		return fmt.Sprintf("%s %s, and %d %s (%s) to fix first: nothing can be applied until then.",
			bold("Plan:"), counts, n, plural(n, "error", "errors"), where)
	}
	if p.Empty() {
		return "No changes. Dokploy matches dokploy.yaml."
	}
	return bold("Plan:") + " " + counts + "."
}

// countsText: "1 to add, 2 to change, 0 to destroy", and ", 1 to deploy"
// when deploys are owed.
func countsText(add, change, destroy, deploys int) string {
	s := fmt.Sprintf("%d to add, %d to change, %d to destroy", add, change, destroy)
	if deploys > 0 {
		s += fmt.Sprintf(", %d to deploy", deploys)
	}
	return s
}

func keptText(n int) string {
	return fmt.Sprintf("Kept: --prune would delete %d more %s, but deleting %s loses data; add --delete-data to delete %s as well",
		n, plural(n, "resource", "resources"), plural(n, "it", "them"), plural(n, "it", "them"))
}

func unmanagedText(n int, pruned bool) string {
	if pruned {
		return fmt.Sprintf("Protected: %d %s in the declared projects %s not in dokploy.yaml, but protect: true keeps %s",
			n, plural(n, "resource", "resources"), plural(n, "is", "are"), plural(n, "it", "them"))
	}
	return fmt.Sprintf("Unmanaged: %d %s in the declared projects %s not in dokploy.yaml and will be left as %s (--prune deletes %s)",
		n, plural(n, "resource", "resources"), plural(n, "is", "are"), plural(n, "it is", "they are"), plural(n, "it", "them"))
}

// notComparedText heads the list of fields that were not compared (unset
// variables, secrets the server hides), "" for none.
func notComparedText(p *Plan) string {
	if len(p.UnsetVars) > 0 {
		return fmt.Sprintf("these variables are not set, so the fields that use them are unknown and were not compared: %s. apply needs them.", strings.Join(p.UnsetVars, ", "))
	}
	if len(p.NotCompared) > 0 {
		return "the server hides some secrets (it answers a placeholder in their place), so dokploy-sync cannot compare them and leaves them as they are:"
	}
	return ""
}

// targetsText warns that the plan is narrowed: to the env of one address
// (env push) or to --target.
func targetsText(p *Plan) string {
	if p.EnvOnly != "" {
		return fmt.Sprintf("the plan is limited to the env of %s (env push): it does not show other differences between Dokploy and dokploy.yaml.", p.EnvOnly)
	}
	return fmt.Sprintf("the plan is limited to --target %s: it may not show every difference between Dokploy and dokploy.yaml.", strings.Join(p.Targets, ", "))
}

func dataLossText(n int) string {
	return fmt.Sprintf("%d of these deletions %s data", n, plural(n, "removes", "remove"))
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
	fmt.Fprintf(pr.w, "%s %s:\n", pr.paint(ansiRed+ansiBold, "DATA WILL BE LOST:"), dataLossText(len(losses)))
	for _, c := range losses {
		fmt.Fprintf(pr.w, "  %s %s (id %s): %s\n", pr.paint(ansiRed, "-"), c.Address, c.LiveID, c.DataLoss)
	}
	fmt.Fprintln(pr.w)
}

func (pr printer) deploy(d Deploy) {
	fmt.Fprintf(pr.w, "  %s\n", pr.paint(ansiBold, "# "+d.Address+" will be deployed: "+d.Reason))
}

func (pr printer) change(c *Change) {
	w := pr.w
	fmt.Fprintf(w, "  %s\n", pr.paint(ansiBold, "# "+c.Address+" "+verbs[c.Action]))
	pr.sym("  ", c.Action, actionColor(c.Action), fmt.Sprintf("%s %q", c.Kind, c.Name))
	width := 0
	for _, f := range c.Fields {
		if len(f.Name) > width {
			width = len(f.Name)
		}
	}
	for _, f := range c.Fields {
		line := func(text string) { pr.sym("      ", f.Action, actionColor(f.Action), text) }
		name := f.Name + strings.Repeat(" ", width-len(f.Name))
		switch {
		case f.Unknown != "":
			line(fmt.Sprintf("%s = (unknown: $%s not set)", name, f.Unknown))
		case f.AfterApply:
			line(name + " = (known after apply)")
		case f.Text && (strings.Contains(f.Before, "\n") || strings.Contains(f.After, "\n")):
			line(f.Name + ":")
			pr.lineDiff(f.Before, f.After)
		case f.Action == Delete && f.Env:
			line(f.Name)
		case f.Note != "":
			line(name + " = " + pr.value(f) + "  " + pr.paint(ansiBold, "# "+f.Note))
		default:
			line(name + " = " + pr.value(f))
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
			pr.textLine(Create, ansiGreen, l.text)
		case diffmatchpatch.DiffDelete:
			pr.textLine(Delete, ansiRed, l.text)
		default:
			fmt.Fprintf(pr.w, "            %s\n", l.text)
		}
	}
	if skipped {
		fmt.Fprintln(pr.w, "          ...")
	}
}

// textLine writes an added or removed line of a line diff, the whole line
// in the symbol's colour.
func (pr printer) textLine(a Action, color, text string) {
	const indent = "          "
	if pr.gutter {
		pr.sym(indent, a, "", text)
		return
	}
	fmt.Fprintf(pr.w, "%s%s\n", indent, pr.paint(color, string(a)+" "+text))
}

// value shows a field's change: "old -> new", "new", or "(sensitive)". An
// empty value is "" (an env key may be set to it); a field cleared is a
// Delete, "old -> null".
func (pr printer) value(f *FieldDiff) string {
	hide := f.Sensitive || f.Env && !pr.opt.ShowValues
	show := func(s string) string {
		if hide {
			return "(sensitive)"
		}
		if f.Env || s == "" || needsQuote(s) {
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
