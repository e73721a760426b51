package apply

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows the deploys, one line per service in target order:
//
//	~ deploying shop/production/application/api ... running (12s)
//	✓ deployed shop/production/application/api in 47s
//	✗ deploy of shop/production/application/api failed after 9s (deployment <id>):
//	    <the log tail, indented>
//
// Plain (CI logs): a service's line is printed when its state changes, not
// on every poll. Terminal: the whole block is redrawn in place on every
// update (cursor up, clear line; autowrap off while drawing so that a long
// line cannot break the count); log tails and error texts are printed
// under their service by the last draw only, so that the redrawn block
// stays one line per service. No colour: the caller decides that.
type progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	redact   func(string) string

	drawn int                 // lines of the block last drawn (terminal)
	shown map[*tracker]string // the state last printed (plain)
}

// ANSI sequences of the terminal mode.
const (
	ansiUp        = "\x1b[%dA" // cursor up n lines
	ansiClearLine = "\r\x1b[2K"
	ansiWrapOff   = "\x1b[?7l"
	ansiWrapOn    = "\x1b[?7h"
)

func newProgress(opt DeployOptions) *progress {
	return &progress{w: opt.Log, terminal: opt.Terminal, now: opt.Now, redact: opt.Redact, shown: map[*tracker]string{}}
}

// update shows the current state of ts.
func (p *progress) update(ts []*tracker) {
	if p.w == nil {
		return
	}
	if p.terminal {
		p.redraw(ts, false)
		return
	}
	p.printChanged(ts)
}

// finish shows the final state of ts, with the details of failures.
func (p *progress) finish(ts []*tracker) {
	if p.w == nil {
		return
	}
	if p.terminal {
		p.redraw(ts, true)
		return
	}
	p.printChanged(ts)
}

// printChanged prints the line of each service whose state changed since
// it was last printed, and the details under a failure.
func (p *progress) printChanged(ts []*tracker) {
	var b strings.Builder
	for _, tr := range ts {
		key := fmt.Sprint(tr.phase, tr.status, tr.id)
		if p.shown[tr] == key {
			continue
		}
		p.shown[tr] = key
		b.WriteString(p.headline(tr, true) + "\n")
		for _, l := range p.details(tr) {
			b.WriteString(indent(l) + "\n")
		}
	}
	io.WriteString(p.w, b.String()) //nolint:errcheck // progress only
}

// redraw draws the block over the one drawn before.
func (p *progress) redraw(ts []*tracker, final bool) {
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, ansiUp, p.drawn)
	}
	if !final {
		b.WriteString(ansiWrapOff)
	}
	for _, tr := range ts {
		b.WriteString(ansiClearLine + p.headline(tr, final) + "\n")
		if final {
			for _, l := range p.details(tr) {
				b.WriteString(ansiClearLine + indent(l) + "\n")
			}
		}
	}
	if !final {
		b.WriteString(ansiWrapOn)
	}
	p.drawn = len(ts)
	io.WriteString(p.w, b.String()) //nolint:errcheck // progress only
}

// headline is the line of one service. withDetails says whether the
// details follow it (a failure's line then ends with a colon).
func (p *progress) headline(tr *tracker, withDetails bool) string {
	addr := tr.target.Address
	switch tr.phase {
	case phaseDone:
		return fmt.Sprintf("✓ deployed %s in %s", addr, seconds(tr.elapsed))
	case phaseTriggered:
		return fmt.Sprintf("~ deploy of %s triggered (not waiting for it)", addr)
	case phaseTimedOut:
		return fmt.Sprintf("! deploy of %s: %s", addr, p.redact(tr.err.Error()))
	case phaseFailed:
		verb := "failed"
		if tr.status == "cancelled" {
			verb = "was cancelled"
		}
		line := fmt.Sprintf("✗ deploy of %s %s after %s", addr, verb, seconds(tr.elapsed))
		if tr.id != "" {
			line += fmt.Sprintf(" (deployment %s)", tr.id)
		}
		if withDetails && len(p.details(tr)) > 0 {
			line += ":"
		}
		return line
	}
	return fmt.Sprintf("~ deploying %s ... %s (%s)", addr, tr.status, seconds(p.now().Sub(tr.started)))
}

// details are the lines shown under a failed service: the log tail of its
// deployment, or the error when there is no log.
func (p *progress) details(tr *tracker) []string {
	if tr.phase != phaseFailed {
		return nil
	}
	text := tr.logTail // already redacted
	if text == "" {
		text = p.redact(tr.err.Error())
	}
	return strings.Split(strings.TrimRight(text, "\n"), "\n")
}

// seconds rounds d to whole seconds for display: 0s, 47s, 1m5s.
func seconds(d time.Duration) string {
	return max(d, 0).Round(time.Second).String()
}

// indent indents a detail line under its service (an empty line stays
// empty).
func indent(l string) string {
	if l == "" {
		return ""
	}
	return "    " + l
}
