package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a Diagnostic stops the tool (Error) or is only shown
// (Warning).
type Severity int

const (
	// Error makes the spec unusable: validate fails, plan and apply refuse.
	Error Severity = iota
	// Warning is shown but does not fail validation.
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Diagnostic is one problem found in a spec, with its place in the file and
// the address of the object it is about.
type Diagnostic struct {
	Severity Severity
	Pos      Position // Line 0 when the place is unknown
	Address  string   // "shop/production/application/api"; empty for file-level problems
	Message  string   // "replicas: must be >= 0, got -1"
}

// String renders the diagnostic gcc-style:
//
//	dokploy.yaml:12:7: shop/production/application/api: replicas: must be >= 0, got -1
//
// The position is left out when unknown (only the file name is printed when
// it is known), the address when empty. The severity is not part of it:
// the caller prints it (for example "warning: " + d.String()).
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.File != "" {
		b.WriteString(d.Pos.File)
		if d.Pos.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", d.Pos.Line, d.Pos.Col)
		}
		b.WriteString(": ")
	} else if d.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", d.Pos.Line, d.Pos.Col)
	}
	if d.Address != "" {
		b.WriteString(d.Address)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is a list of diagnostics; Load returns them sorted by position.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an Error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns the Error diagnostics.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(Error) }

// Warnings returns the Warning diagnostics.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(Warning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// String renders one diagnostic per line, each prefixed with its severity
// ("error: ..." or "warning: ...").
func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Severity.String())
		b.WriteString(": ")
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// sortAndDedup orders diagnostics by file position (unknown positions
// first, then line and column; equal positions keep the order they were
// found in) and drops exact repeats, which a YAML anchor merged into several
// places can cause.
func (ds Diagnostics) sortAndDedup() Diagnostics {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	out := ds[:0]
	seen := make(map[Diagnostic]bool, len(ds))
	for _, d := range ds {
		if seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, d)
	}
	return out
}

// diagList collects diagnostics while a file is processed.
type diagList struct {
	ds Diagnostics
}

func (l *diagList) errorf(pos Position, addr, format string, args ...any) {
	l.ds = append(l.ds, Diagnostic{Severity: Error, Pos: pos, Address: addr, Message: fmt.Sprintf(format, args...)})
}

func (l *diagList) warnf(pos Position, addr, format string, args ...any) {
	l.ds = append(l.ds, Diagnostic{Severity: Warning, Pos: pos, Address: addr, Message: fmt.Sprintf(format, args...)})
}

// fieldMsg prefixes msg with the field path when there is one.
func fieldMsg(field, msg string) string {
	if field == "" {
		return msg
	}
	return field + ": " + msg
}

// String is file:line:col (file:line when the column is unknown, the file
// alone when the line is).
func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}
