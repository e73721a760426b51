// Package apply executes a planner.Plan against Dokploy: parents before
// children, each level of the dependency graph in a few batched round trips,
// stopping at the first level with a failure and reporting what was done and
// what was not. A re-run converges: the next plan picks up where this one
// stopped.
package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// Doer runs procedure calls as one round trip (*dokploy.Client).
type Doer interface {
	Do(ctx context.Context, calls ...*dokploy.Call) error
}

// Options configure Apply.
type Options struct {
	// Log gets one line per finished change ("+ shop: created").
	Log io.Writer
	// Redact hides secrets in the error texts written to Log.
	Redact func(string) string
}

// Failure is a change that did not complete.
type Failure struct {
	Change *planner.Change
	Err    error
	// Landed: one of its calls succeeded, or may have (its answer was
	// lost): some of its settings may be live.
	Landed bool
}

// Result says what Apply did.
type Result struct {
	Done       []*planner.Change
	Failed     []Failure
	NotStarted []*planner.Change
	// IDs maps addresses to ids: the live ones of the plan and those of
	// the resources the apply created.
	IDs map[string]string
}

// Uncertain reports whether a change failed with an unknown outcome (the
// request may or may not have been applied).
func (r *Result) Uncertain() bool {
	for _, f := range r.Failed {
		if dokploy.IsUncertain(f.Err) {
			return true
		}
	}
	return false
}

// Written lists the changes whose settings may now be live, in plan
// order: the done ones, and the failed ones that may have been partly
// written (an update, or a child of a service that existed before, with a
// call that succeeded or may have; one
// call of a batch can fail while the others, the idle marker among them,
// succeed). Deploying those services is safe (a deploy deploys what is
// live) and leaves a stamp that says so; a failed create is left out:
// deploying a half-made service is not.
func (r *Result) Written(p *planner.Plan) []*planner.Change {
	failed := map[*planner.Change]bool{}
	for _, f := range r.Failed {
		c := f.Change
		if f.Landed && (c.Action == planner.Update || kinds.IsChild(c.Kind) && p.IDs[c.Parent] != "") {
			failed[c] = true
		}
	}
	done := map[*planner.Change]bool{}
	for _, c := range r.Done {
		done[c] = true
	}
	var out []*planner.Change
	for _, c := range p.Changes {
		if done[c] || failed[c] {
			out = append(out, c)
		}
	}
	return out
}

// createProc is the procedure that creates the resource of a change: its
// kind's, or <kind>.create for projects, environments and services.
func createProc(c *planner.Change) string {
	if k := kinds.ByName(c.Kind); k != nil {
		return k.ProcCreate()
	}
	return c.Kind + ".create"
}

// SerialCreates counts the creates of the plan that a key of role sends
// one at a time (dokploy.SerialCreates, dokploy.AppendsAccess): 0 for an
// owner or admin.
func SerialCreates(p *planner.Plan, role string) int {
	if !dokploy.SerialCreates(role) {
		return 0
	}
	n := 0
	for _, c := range p.Changes {
		if c.Action == planner.Create && dokploy.AppendsAccess(createProc(c)) {
			n++
		}
	}
	return n
}

// errInterruptedAfterCreate is the failure of a resource created by an
// apply that was interrupted before it wrote its settings.
var errInterruptedAfterCreate = errors.New("created, but apply was interrupted before its settings were written")

// Interrupted is the report of an apply stopped by an interrupt: what was
// done, what exists without its settings, what was not started, and that
// a new apply continues from there. Error texts are redacted.
func (r *Result) Interrupted(redact func(string) string) error { return r.report(true, redact) }

// Err is nil when every change was applied.
func (r *Result) Err() error { return r.Redacted(func(s string) string { return s }) }

// Redacted is Err with redact applied to the error texts (which can quote
// values the server echoed), not to the addresses.
func (r *Result) Redacted(redact func(string) string) error {
	if len(r.Failed) == 0 && len(r.NotStarted) == 0 {
		return nil
	}
	return r.report(false, redact)
}

// report lists what was done, what failed and what was not started. An
// interrupted apply also tells apart the resources it created but could
// not write the settings of.
func (r *Result) report(interrupted bool, redact func(string) string) error {
	var created, failed []Failure
	for _, f := range r.Failed {
		if interrupted && errors.Is(f.Err, errInterruptedAfterCreate) {
			created = append(created, f)
		} else {
			failed = append(failed, f)
		}
	}
	var b strings.Builder
	head, foot := "apply failed", "fix the cause and run apply again: it continues from the live state"
	if interrupted {
		head, foot = "interrupted", "run apply again: it continues from the live state"
	}
	fmt.Fprintf(&b, "%s: %d of %d changes done", head, len(r.Done), len(r.Done)+len(r.Failed)+len(r.NotStarted))
	if interrupted {
		if len(created) > 0 {
			fmt.Fprintf(&b, ", %d created but their settings not yet written", len(created))
		}
		if len(failed) > 0 {
			fmt.Fprintf(&b, ", %d failed", len(failed))
		}
		fmt.Fprintf(&b, ", %d not started", len(r.NotStarted))
	}
	for _, f := range created {
		fmt.Fprintf(&b, "\n  created, settings not written: %s", f.Change.Address)
	}
	for _, f := range failed {
		fmt.Fprintf(&b, "\n  failed:      %s: %s", f.Change.Address, redact(f.Err.Error()))
	}
	for _, c := range r.NotStarted {
		fmt.Fprintf(&b, "\n  not started: %s", c.Address)
	}
	b.WriteString("\n" + foot)
	return errors.New(b.String())
}

// level orders kinds for creation: parents first. Instance resources
// come before the projects, the ones another references first.
func level(kind string) int {
	if k := kinds.ByName(kind); k != nil && k.Instance() {
		return k.Depth()
	}
	switch kind {
	case planner.KindProject:
		return instanceLevels
	case planner.KindEnvironment:
		return instanceLevels + 1
	case planner.KindApplication:
		return instanceLevels + 3
	default:
		if kinds.IsChild(kind) {
			return instanceLevels + 4 // children: created in the writes round trip
		}
		return instanceLevels + 2 // databases and compose
	}
}

// instanceLevels are the levels of instance resources: one per depth of
// references between them (kinds.Kind.Depth).
var instanceLevels = func() int {
	n := 1
	for _, k := range kinds.Instance() {
		n = max(n, k.Depth()+1)
	}
	return n
}()

var levels = instanceLevels + 5

// Apply executes the plan: the creates level by level (each level one
// batched round trip, since a create needs its parent's id), then every
// field write of every change in one more round trip. It never retries a
// mutation. When a create fails, the levels below it are not started, but
// the changes already under way (the resources created and the updates of
// the levels processed) still get their field writes, so nothing is left
// half made that could have been finished; then it returns what was done.
//
// A level's creates of projects, environments and services take one round
// trip each when the key is neither owner nor admin: the client sends them
// one at a time (dokploy.AppendsAccess; SerialCreates counts them).
func Apply(ctx context.Context, d Doer, p *planner.Plan, opt Options) *Result {
	r := &run{ctx: ctx, d: d, ids: map[string]string{}, opt: opt, result: &Result{}, res: p.Resolver(), plan: p}
	r.result.IDs = r.ids
	for a, id := range p.IDs {
		r.ids[a] = id
	}
	byLevel := make([][]*planner.Change, levels)
	var deletes [4][]*planner.Change // children, services, environments, instance resources
	for _, c := range p.Changes {
		if c.Action == planner.Delete {
			deletes[deleteLevel(c.Kind)] = append(deletes[deleteLevel(c.Kind)], c)
			continue
		}
		byLevel[level(c.Kind)] = append(byLevel[level(c.Kind)], c)
	}
	var ops []*op
	stopped := false
	for l := 0; l < levels; l++ {
		if stopped || ctx.Err() != nil {
			r.result.NotStarted = append(r.result.NotStarted, byLevel[l]...)
			continue
		}
		level := r.prepare(byLevel[l])
		r.creates(level)
		ops = append(ops, level...)
		for _, o := range level {
			stopped = stopped || o.failed != nil
		}
	}
	if ctx.Err() == nil {
		r.writes(ops)
	}
	if ctx.Err() == nil {
		r.acts(ops)
	}
	r.report(ops)
	// Deletions last, children first: only when everything else worked.
	for _, level := range deletes {
		if len(r.result.Failed) > 0 || ctx.Err() != nil {
			r.result.NotStarted = append(r.result.NotStarted, level...)
			continue
		}
		var dops []*op
		for _, c := range level {
			dops = append(dops, &op{c: c, written: true})
		}
		r.deletes(dops, p)
		r.report(dops)
	}
	return r.result
}

type run struct {
	ctx    context.Context
	d      Doer
	ids    map[string]string
	opt    Options
	result *Result
	res    *planner.Resolver // ${ref:...} values, with the appNames of what was created
	plan   *planner.Plan
	// tolerated are calls whose failure with the given message is no
	// failure (changePassword of a database that may have no container).
	tolerated map[*dokploy.Call]string
	// declared and deleted, computed once for markIdle: the declared
	// services and the addresses the plan deletes.
	declared []service
	deleted  map[string]bool
}

// op is the work for one change.
type op struct {
	c      *planner.Change
	create *dokploy.Call // nil for updates
	// created fills ids from the create answer and returns a note for the log.
	created func() string
	// writes builds the calls that set fields (after the create, with the
	// new id).
	writes  func(id string) ([]*dokploy.Call, error)
	written bool
	failed  error
	note    string
	landed  bool // a call succeeded or may have (Failure.Landed)
}

func deleteLevel(kind string) int {
	if kind == planner.KindEnvironment {
		return 2
	}
	if k := kinds.ByName(kind); k != nil {
		if k.Instance() {
			return 3 // once nothing the deletions remove uses them
		}
		return 0
	}
	return 1
}

// deletes removes resources in one round trip. Projects are never deleted.
func (r *run) deletes(ops []*op, p *planner.Plan) {
	var calls []*dokploy.Call
	owner := map[*dokploy.Call]*op{}
	marked := map[string]bool{}
	for _, o := range ops {
		c := o.c
		var call *dokploy.Call
		if k := kinds.ByName(c.Kind); k != nil {
			call = dokploy.NewCall(k.ProcDelete(), map[string]any{k.IDKey: c.LiveID}, nil)
		}
		switch c.Kind {
		case planner.KindApplication:
			call = dokploy.NewCall("application.delete", map[string]any{"applicationId": c.LiveID}, nil)
		case planner.KindCompose:
			call = dokploy.NewCall("compose.delete", map[string]any{"composeId": c.LiveID, "deleteVolumes": p.DeleteVolumes(c.Address)}, nil)
		case planner.KindEnvironment:
			call = dokploy.NewCall("environment.remove", map[string]any{"environmentId": c.LiveID}, nil)
		case planner.KindProject:
			o.failed = fmt.Errorf("dokploy-sync never deletes a project")
			continue
		default: // databases; their data volumes are kept by Dokploy
			if call == nil {
				call = dokploy.NewCall(c.Kind+".remove", map[string]any{dokploy.IDKey(c.Kind): c.LiveID}, nil)
			}
		}
		// A port or mount deleted from a service that stays needs a deploy
		// of it: the idle marker keeps it owed should that deploy be lost.
		for _, w := range r.markIdle(o, []*dokploy.Call{call}, marked) {
			calls = append(calls, w)
			owner[w] = o
		}
	}
	r.do(calls, owner)
}

// prepare builds the ops of one level.
func (r *run) prepare(changes []*planner.Change) []*op {
	var ops []*op
	for _, c := range changes {
		o := &op{c: c}
		var err error
		switch c.Kind {
		case planner.KindProject:
			err = r.project(o)
		case planner.KindEnvironment:
			err = r.environment(o)
		case planner.KindApplication:
			err = r.application(o)
		case planner.KindCompose:
			err = r.compose(o)
		default:
			if kinds.ByName(c.Kind) != nil {
				err = r.item(o)
			} else {
				err = r.database(o)
			}
		}
		o.failed = err
		ops = append(ops, o)
	}
	return ops
}

// creates runs the creates of one level as one round trip and records the
// new ids.
func (r *run) creates(ops []*op) {
	var calls []*dokploy.Call
	owner := map[*dokploy.Call]*op{}
	for _, o := range ops {
		if o.failed == nil && o.create != nil {
			calls = append(calls, o.create)
			owner[o.create] = o
		}
	}
	r.do(calls, owner)
	for _, o := range ops {
		if o.failed == nil && o.create != nil {
			o.note = o.created()
		}
	}
	r.findCreated(ops)
	if err := r.findCreatedLibSQL(ops); err != nil {
		for _, o := range ops {
			if o.failed == nil && o.create != nil && o.c.Kind == "libsql" && r.ids[o.c.Address] == "" {
				o.failed = err
			}
		}
	}
}

// writes sets the fields of every change in one round trip, with the idle
// markers (markIdle).
func (r *run) writes(ops []*op) {
	marked := map[string]bool{}
	var calls []*dokploy.Call
	owner := map[*dokploy.Call]*op{}
	for _, o := range ops {
		if o.failed != nil {
			continue
		}
		id := o.c.LiveID
		if id == "" {
			id = r.ids[o.c.Address]
		}
		ws, err := o.writes(id)
		if err != nil {
			o.failed = err
			continue
		}
		o.written = true
		ws = r.markIdle(o, ws, marked)
		for _, w := range ws {
			calls = append(calls, w)
			owner[w] = o
		}
	}
	r.do(calls, owner)
}

// report sorts the ops into done and failed, in plan order, and logs them.
func (r *run) report(ops []*op) {
	for _, o := range ops {
		switch {
		case o.failed == nil && !o.written:
			if o.create != nil && o.create.Err == nil {
				o.failed = errInterruptedAfterCreate
			} else {
				r.result.NotStarted = append(r.result.NotStarted, o.c)
				continue
			}
		case o.failed != nil && o.create != nil && dokploy.IsConflict(o.create.Err):
			o.failed = fmt.Errorf("%w (a resource with this appName may exist where this API key cannot see it: a key with the member role sees only what it was given)", o.failed)
		case o.failed != nil && o.create != nil && o.create.Err == nil:
			o.failed = fmt.Errorf("created, but setting its fields failed: %w", o.failed)
		}
		if o.failed != nil {
			r.result.Failed = append(r.result.Failed, Failure{Change: o.c, Err: o.failed, Landed: o.landed})
			r.logf("%s %s: FAILED: %s", o.c.Action, o.c.Address, r.redact(o.failed.Error()))
			continue
		}
		r.result.Done = append(r.result.Done, o.c)
		verb := map[planner.Action]string{planner.Create: "created", planner.Update: "updated", planner.Delete: "destroyed"}[o.c.Action]
		if o.note != "" {
			verb += " (" + o.note + ")"
		}
		r.logf("%s %s: %s", o.c.Action, o.c.Address, verb)
	}
}

// do runs calls as one round trip and marks the ops whose calls failed.
// (The client refuses a call whose input holds the server's placeholder
// for a hidden secret.)
func (r *run) do(calls []*dokploy.Call, owner map[*dokploy.Call]*op) {
	if len(calls) > 0 {
		r.d.Do(r.ctx, calls...)
	}
	for _, call := range calls {
		var answer *dokploy.Error
		if msg, ok := r.tolerated[call]; ok && errors.As(call.Err, &answer) && strings.Contains(answer.Message, msg) {
			call.Err = nil
		}
		o := owner[call]
		if (call.Err == nil || dokploy.IsUncertain(call.Err)) && call.Proc != "tag.create" { // a deploy marker is no setting
			o.landed = true
		}
		if call.Err != nil && o.failed == nil {
			o.failed = call.Err
		}
	}
}

func (r *run) redact(s string) string {
	if r.opt.Redact == nil {
		return s
	}
	return r.opt.Redact(s)
}

func (r *run) logf(format string, args ...any) {
	if r.opt.Log != nil {
		fmt.Fprintf(r.opt.Log, format+"\n", args...)
	}
}

// parentID returns the id of the change's parent, which exists live or was
// created in an earlier level.
func (r *run) parentID(c *planner.Change) (string, error) {
	id := r.ids[c.Parent]
	if id == "" {
		return "", fmt.Errorf("its parent %s does not exist", c.Parent)
	}
	return id, nil
}
