package planner

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"
)

// MarkdownLimit is the most bytes RenderMarkdown writes. A GitHub comment
// holds 65,536 characters (a character is at least a byte, so bytes are a
// safe measure); the rest is left for what a CI job puts around the plan
// (a marker to find its comment again, a heading). GitLab notes hold more.
const MarkdownLimit = 60000

// TruncatedMarker is a hidden line in a Markdown plan that was cut short,
// for a CI job to tell (and then print the whole plan in its log).
const TruncatedMarker = "<!-- dokploy-sync: truncated -->"

// RenderMarkdown writes the plan as GitHub-flavoured Markdown, for a pull
// request comment or a job summary: the summary line, the errors and
// warnings as visible lists, then one collapsed <details> section per
// project (and one for the instance resources) with its changes in a diff
// block. The change lines are the text plan's, without colour, each plan
// symbol moved to column 0 as a diff prefix: + create, - delete, ! update
// (GitHub colours them green, red and orange). Values are hidden exactly as
// in the text plan. A longer document than MarkdownLimit is cut at a line,
// its open blocks closed, with a note that says where the whole plan is.
func RenderMarkdown(w io.Writer, p *Plan, opt RenderOptions) error {
	_, err := io.WriteString(w, markdown(p, opt, MarkdownLimit))
	return err
}

func markdown(p *Plan, opt RenderOptions, limit int) string {
	opt.Color = false
	d := &mdDoc{}
	d.add(summaryText(p, func(s string) string { return "**" + s + "**" }, "below"), "")

	if len(p.Errors) > 0 {
		d.add("**Errors**", "")
		for _, e := range p.Errors {
			d.add("- " + mdText(e))
		}
		d.add("")
	}
	if losses := p.DataLosses(); len(losses) > 0 {
		d.add("**DATA WILL BE LOST:** "+mdText(dataLossText(len(losses)))+":", "")
		for _, c := range losses {
			d.add(fmt.Sprintf("- %s (id %s): %s", mdCode(c.Address), mdCode(c.LiveID), mdText(c.DataLoss)))
		}
		d.add("")
	}
	if n := len(p.DataKept); n > 0 {
		d.add(mdText(keptText(n))+":", "")
		for _, r := range p.DataKept {
			d.add(fmt.Sprintf("- %s (id %s): %s", mdCode(r.Address), mdCode(r.ID), mdText(r.Why)))
		}
		d.add("")
	}
	var warnings []string
	if head := notComparedText(p); head != "" {
		w := mdText(strings.TrimSuffix(head, ":"))
		for _, f := range p.NotCompared {
			w += "\n  - not compared: " + mdText(f)
		}
		warnings = append(warnings, w)
	}
	for _, warn := range p.Warnings {
		warnings = append(warnings, mdText(warn))
	}
	for _, c := range p.Changes { // also under their change, in its section
		for _, warn := range c.Warnings {
			warnings = append(warnings, mdCode(c.Address)+": "+mdText(warn))
		}
	}
	if p.EnvOnly != "" || len(p.Targets) > 0 {
		warnings = append(warnings, mdText(targetsText(p)))
	}
	if len(warnings) > 0 {
		d.add("**Warnings**", "")
		for _, warn := range warnings {
			d.add("- " + warn)
		}
		d.add("")
	}

	for _, s := range p.sections() {
		pr := printer{opt: opt, gutter: true}
		var body bytes.Buffer
		pr.w = &body
		for _, c := range s.changes {
			pr.change(c) // a block and a blank line
		}
		for _, dep := range s.deploys {
			pr.deploy(dep)
		}
		add, change, destroy := count(s.changes)
		title := s.title + ": " + countsText(add, change, destroy, len(s.deploys))
		if n := len(s.unmanaged); n > 0 {
			what := "unmanaged"
			if p.Pruned {
				what = "protected"
			}
			title += fmt.Sprintf(", %d %s", n, what)
		}
		d.open("<details><summary>"+html.EscapeString(title)+"</summary>", "", "</details>", "")
		if text := strings.TrimRight(body.String(), "\n"); text != "" {
			fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
			d.open(fence+"diff", fence)
			d.add(strings.Split(text, "\n")...)
			d.close()
			d.add("")
		}
		if n := len(s.unmanaged); n > 0 {
			d.add(mdText(unmanagedText(n, p.Pruned))+":", "")
			for _, r := range s.unmanaged {
				d.add(fmt.Sprintf("- %s (id %s)", mdCode(r.Address), mdCode(r.ID)))
			}
			d.add("")
		}
		d.close()
	}
	note := fmt.Sprintf("%s\n**The plan is cut short here**: it is longer than a comment can hold. The summary at the top counts every change. "+
		"The whole plan is in the log of the job that wrote this, or run `dokploy-sync plan` with the same spec.\n", TruncatedMarker)
	return d.String(limit, note)
}

// section is what the Markdown plan shows of one project, or of the
// instance resources.
type section struct {
	title     string
	changes   []*Change
	deploys   []Deploy
	unmanaged []Resource
}

// sections groups the plan by project, in the plan's order within each:
// the instance resources first, then the projects by name. A project with
// nothing to show has no section.
func (p *Plan) sections() []*section {
	byKey := map[string]*section{}
	get := func(addr string) *section {
		key := addr
		if i := strings.IndexByte(addr, '/'); i >= 0 {
			key = addr[:i]
		}
		title := "project " + key
		if strings.Contains(key, "[") { // kind[name]: an instance resource
			key, title = "", "instance resources"
		}
		s := byKey[key]
		if s == nil {
			s = &section{title: title}
			byKey[key] = s
		}
		return s
	}
	for _, c := range p.Changes {
		s := get(c.Address)
		s.changes = append(s.changes, c)
	}
	for _, d := range p.Deploys {
		s := get(d.Address)
		s.deploys = append(s.deploys, d)
	}
	for _, r := range p.Unmanaged {
		s := get(r.Address)
		s.unmanaged = append(s.unmanaged, r)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys) // "" (the instance) first
	out := make([]*section, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k])
	}
	return out
}

// mdDoc is a Markdown document built line by line, which knows at each
// line what closes the blocks (code fences, <details>) open there, so that
// it can be cut after any line and stay well formed.
type mdDoc struct {
	lines   []mdLine
	closers [][]string // the lines that close each open block, innermost last
}

type mdLine struct {
	text string
	tail []string // the closing lines of the blocks open after this line
	// opens: the line opens a block (or is a blank line after one), so
	// the document is not cut after it, which would leave the block empty.
	opens bool
}

func (d *mdDoc) tail() []string {
	var t []string
	for i := len(d.closers) - 1; i >= 0; i-- {
		t = append(t, d.closers[i]...)
	}
	return t
}

// add appends lines (each may hold newlines: a nested list).
func (d *mdDoc) add(lines ...string) {
	t := d.tail()
	for _, l := range lines {
		d.lines = append(d.lines, mdLine{text: l, tail: t})
	}
}

// open appends the line that opens a block and the blank lines after it,
// with the lines that close it.
func (d *mdDoc) open(line string, rest ...string) {
	i := 0
	for i < len(rest) && rest[i] == "" {
		i++
	}
	d.closers = append(d.closers, rest[i:])
	from := len(d.lines)
	d.add(line)
	d.add(rest[:i]...)
	for j := from; j < len(d.lines); j++ {
		d.lines[j].opens = true
	}
}

// close appends the closing lines of the innermost open block.
func (d *mdDoc) close() {
	c := d.closers[len(d.closers)-1]
	d.closers = d.closers[:len(d.closers)-1]
	d.add(c...)
}

// String is the document, or when it is longer than limit bytes, the
// longest run of its first lines that fits with the closing lines of the
// blocks open there and note.
func (d *mdDoc) String(limit int, note string) string {
	for len(d.lines) > 0 && d.lines[len(d.lines)-1].text == "" {
		d.lines = d.lines[:len(d.lines)-1] // end with one newline
	}
	var b strings.Builder
	for _, l := range d.lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	if b.Len() <= limit {
		return b.String()
	}
	size := func(lines []string) int {
		n := 0
		for _, l := range lines {
			n += len(l) + 1
		}
		return n
	}
	n, keep := 0, 0
	for i, l := range d.lines {
		n += len(l.text) + 1
		if n+size(l.tail)+1+len(note) > limit {
			break
		}
		if !l.opens {
			keep = i + 1
		}
	}
	var out []string
	for _, l := range d.lines[:keep] {
		out = append(out, l.text)
	}
	if keep > 0 {
		out = append(out, d.lines[keep-1].tail...)
	}
	if len(out) > 0 && out[len(out)-1] != "" {
		out = append(out, "")
	}
	return strings.Join(append(out, note), "\n")
}

// mdText escapes the characters that Markdown or HTML would read in plain
// text.
var mdText = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", "&amp;", "#", `\#`,
).Replace

// mdCode is s as inline code.
func mdCode(s string) string {
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.Contains(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}
