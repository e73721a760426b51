package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// Deploys (API.md §7, QUIRKS §9). No deploy call returns a deployment id
// (DP1), and a service's status describes its latest deployment, which
// just after a deploy call may still be the previous one (DP2). So an
// application or compose deploy is followed like this: read the deployment
// lists of all services before deploying, trigger the deploys, then poll
// the lists until each service has a deployment that was not there before
// (the lists keep only ~10 rows: "new" means "not in the snapshot", never
// "newest" or "has status done"), and then until that deployment is done,
// error or cancelled. Databases have no deployment rows (D10): their deploy
// call is synchronous and its answer is the outcome (D9).
//
// Every step is one round trip for all the services together (Doer.Do
// batches the calls), so a poll costs one HTTP request on tRPC whatever the
// number of services.

// DeployTarget is a service to deploy.
type DeployTarget struct {
	Address string // shop/production/application/api
	Kind    string // application, compose, postgres, mysql, mariadb, mongo, redis, libsql
	ID      string // applicationId, composeId, <kind>Id
	// Fingerprint is the settings fingerprint of the live service being
	// deployed (Stamp sets it); the deployment's description carries it.
	Fingerprint string
	// State is the run state dokploy.yaml gives the service
	// (kinds.StateRunning, kinds.StateStopped; "" when it gives none).
	State string
}

// DeployOptions configure Deploy. The zero value of every field but Wait
// takes its default.
type DeployOptions struct {
	// Wait follows each deployment to done, error or cancelled (the CLI
	// defaults to true; --no-wait). Without it the application and compose
	// deploys are only triggered. Database deploys are synchronous: their
	// outcome is known either way.
	Wait bool
	// Timeout bounds the following, for the whole run; default 15m. A
	// deploy still running then is reported TimedOut; it goes on in
	// Dokploy (DP4). A database deploy call, synchronous (it can take
	// minutes), gets Timeout and a minute as its own request timeout
	// (dokploy.Call.Timeout).
	Timeout time.Duration
	// Poll is the wait between polls; default 3s.
	Poll time.Duration
	// Log gets the progress and the results; nil for none.
	Log io.Writer
	// Terminal redraws the progress in place (ANSI cursor moves) instead of
	// printing a line whenever a service's state changes.
	Terminal bool
	// Redact is applied to log tails and error texts before they are shown
	// or returned by DeployResult.Err.
	Redact func(string) string
	// Sleep waits d unless ctx ends first; default a timer. Tests inject
	// one that advances their clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of timeouts and elapsed times; default time.Now.
	Now func() time.Time
	// LogTail is how many lines of a failed deployment's log are shown;
	// default 30.
	LogTail int
	// UncertainWait bounds the wait for the deployment of a deploy call
	// whose outcome is unknown (a 5xx or a lost answer: it may or may not
	// have been queued); default 30s. When no new deployment appears
	// within it, the deploy is reported not started: the stamp or the
	// status of the service then still shows the deploy owed, and the
	// next plan lists it.
	UncertainWait time.Duration
}

// Defaults of DeployOptions.
const (
	DefaultDeployTimeout = 15 * time.Minute
	DefaultDeployPoll    = 3 * time.Second
	DefaultDeployLogTail = 30
	DefaultUncertainWait = 30 * time.Second
)

// deployTitle is the title of the deployments this tool starts; the
// description is the service's address and the fingerprint of the settings
// deployed (planner.StampDescription). Git deployments get both
// overwritten with the commit when they end (API.md §7.2).
const deployTitle = planner.StampTitle

// maxPollErrors is how many polls in a row may fail to read a service's
// deployments before it is given up as not followable.
const maxPollErrors = 3

func (o DeployOptions) withDefaults() DeployOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultDeployTimeout
	}
	if o.Poll <= 0 {
		o.Poll = DefaultDeployPoll
	}
	if o.LogTail <= 0 {
		o.LogTail = DefaultDeployLogTail
	}
	if o.UncertainWait <= 0 {
		o.UncertainWait = DefaultUncertainWait
	}
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	if o.Sleep == nil {
		o.Sleep = dokploy.Sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// DeployResult says how the deploys ended, each list in the order of the
// targets.
type DeployResult struct {
	Done     []DeployOutcome
	Failed   []DeployOutcome // the deployment ended in error or cancelled, or could not be started or followed
	TimedOut []DeployOutcome // still deploying when the run stopped following (timeout or ctx cancelled)
	// Triggered were started but not waited for (Wait false).
	Triggered []DeployOutcome
	// Interrupted: the following stopped because the context ended (an
	// interrupt), not at the timeout; TimedOut then holds the deploys no
	// longer followed.
	Interrupted bool

	redact func(string) string
}

// DeployOutcome is how the deploy of one target ended.
type DeployOutcome struct {
	Target       DeployTarget
	DeploymentID string // "" for databases and when no new deployment was seen
	// Status is the last known status: done, error, cancelled, running,
	// queued (no new deployment seen yet), triggered (Wait false), not
	// started (the deploy call failed) or unknown (not followable).
	Status  string
	Elapsed time.Duration // since the deploy was triggered
	Err     error         // why it failed or timed out; nil when done or triggered
	LogTail string        // the end of a failed deployment's log, redacted
}

// Err is nil when no deploy failed or timed out; otherwise it lists them,
// error texts redacted.
func (r *DeployResult) Err() error {
	if len(r.Failed) == 0 && len(r.TimedOut) == 0 {
		return nil
	}
	redact := r.redact
	if redact == nil {
		redact = func(s string) string { return s }
	}
	var b strings.Builder
	head, label := "deploy failed", "timed out: "
	if r.Interrupted {
		head, label = "deploy interrupted", "not followed: "
	}
	fmt.Fprintf(&b, "%s: %d done, %d failed, %d still deploying", head, len(r.Done), len(r.Failed), len(r.TimedOut))
	if len(r.Triggered) > 0 {
		fmt.Fprintf(&b, ", %d triggered", len(r.Triggered))
	}
	for _, o := range r.Failed {
		fmt.Fprintf(&b, "\n  failed:    %s: %s", o.Target.Address, redact(o.Err.Error()))
	}
	for _, o := range r.TimedOut {
		fmt.Fprintf(&b, "\n  %s%s: %s", label, o.Target.Address, redact(o.Err.Error()))
	}
	return errors.New(b.String())
}

// Deploy deploys the targets and, with opt.Wait, follows each deployment
// to its end, writing progress to opt.Log. The round trips: one that reads
// the deployment lists (Wait only), one that triggers the application and
// compose deploys, one with all the database deploys (synchronous: it
// returns when they are done), then one per poll, plus one that reads the
// logs of the deployments that failed in that poll. Cancelling ctx stops
// the following; the result then says what is known.
func Deploy(ctx context.Context, d Doer, targets []DeployTarget, opt DeployOptions) *DeployResult {
	opt = opt.withDefaults()
	r := &deployRun{ctx: ctx, d: d, opt: opt, start: opt.Now()}
	for _, t := range targets {
		tr := newTracker(t, r.start)
		if err := checkTarget(t); err != nil {
			tr.status = "not started"
			r.fail(tr, err)
		}
		r.all = append(r.all, tr)
	}
	r.progress = newProgress(opt)

	services := r.filter(func(tr *tracker) bool { return !tr.db && tr.phase == phaseDeploying })
	if opt.Wait {
		r.snapshot(services)
	}
	r.trigger(services)
	if !opt.Wait {
		for _, tr := range services {
			if tr.phase == phaseDeploying {
				tr.phase, tr.status = phaseTriggered, "triggered"
			}
		}
	}
	r.progress.update(r.all)
	if dbs := r.filter(func(tr *tracker) bool { return tr.db && tr.phase == phaseDeploying }); len(dbs) > 0 {
		r.deployDatabases(dbs)
		r.progress.update(r.all)
	}
	if opt.Wait {
		r.follow()
	}
	r.progress.finish(r.all)
	return r.result()
}

// phase is where a target is in its deploy.
type phase int

const (
	phaseDeploying phase = iota // triggered, not finished (or not yet triggered)
	phaseDone
	phaseFailed
	phaseTimedOut
	phaseTriggered
)

// tracker follows the deploy of one target.
type tracker struct {
	target DeployTarget
	db     bool

	known     map[string]bool // the deployment ids before the deploy
	snapErr   error           // reading them failed
	id        string          // the new deployment, once seen
	locked    bool            // id is certainly ours (our title and address)
	uncertain error           // the deploy call's outcome is unknown; followed anyway

	phase    phase
	status   string    // as DeployOutcome.Status; "in progress" for a database deploy under way
	started  time.Time // when the deploy was triggered
	elapsed  time.Duration
	err      error
	logTail  string
	pollErrs int
}

func newTracker(t DeployTarget, now time.Time) *tracker {
	tr := &tracker{target: t, db: isDatabaseKind(t.Kind), started: now, status: "queued"}
	if tr.db {
		tr.status = "in progress"
	}
	return tr
}

// deployRun is the state of one Deploy call.
type deployRun struct {
	ctx      context.Context
	d        Doer
	opt      DeployOptions
	start    time.Time
	all      []*tracker
	progress *progress
	// wasInterrupted: the following was stopped by the end of ctx.
	wasInterrupted bool
}

func (r *deployRun) filter(keep func(*tracker) bool) []*tracker {
	var out []*tracker
	for _, tr := range r.all {
		if keep(tr) {
			out = append(out, tr)
		}
	}
	return out
}

func (r *deployRun) pending() []*tracker {
	return r.filter(func(tr *tracker) bool { return tr.phase == phaseDeploying })
}

func isDatabaseKind(kind string) bool {
	switch kind {
	case "postgres", "mysql", "mariadb", "mongo", "redis", "libsql":
		return true
	}
	return false
}

// deploymentRow is the part of a deployment row that is read.
type deploymentRow struct {
	DeploymentID string  `json:"deploymentId"`
	Title        string  `json:"title"`
	Description  *string `json:"description"`
	Status       string  `json:"status"`
	ErrorMessage *string `json:"errorMessage"`
}

// historyCall reads the deployments of an application or a compose,
// newest first.
func historyCall(t DeployTarget, out *[]deploymentRow) *dokploy.Call {
	if t.Kind == "compose" {
		return dokploy.NewCall("deployment.allByCompose", map[string]string{"composeId": t.ID}, out)
	}
	return dokploy.NewCall("deployment.all", map[string]string{"applicationId": t.ID}, out)
}

// snapshot notes the deployments each service has before its deploy.
func (r *deployRun) snapshot(ts []*tracker) {
	rows := make([][]deploymentRow, len(ts))
	calls := make([]*dokploy.Call, len(ts))
	for i, tr := range ts {
		calls[i] = historyCall(tr.target, &rows[i])
	}
	r.do(calls)
	for i, tr := range ts {
		if calls[i].Err != nil {
			tr.snapErr = calls[i].Err
			continue
		}
		tr.known = map[string]bool{}
		for _, row := range rows[i] {
			tr.known[row.DeploymentID] = true
		}
	}
}

// trigger starts the application and compose deploys.
func (r *deployRun) trigger(ts []*tracker) {
	var calls []*dokploy.Call
	var owners []*tracker
	for _, tr := range ts {
		calls = append(calls, deployCall(tr.target))
		owners = append(owners, tr)
	}
	now := r.opt.Now()
	for _, tr := range owners {
		tr.started, tr.status = now, "queued"
	}
	r.do(calls)
	for i, tr := range owners {
		err := calls[i].Err
		switch {
		case err != nil && dokploy.IsUncertain(err) && r.opt.Wait && tr.snapErr == nil:
			tr.uncertain = err // it may have been queued: the snapshot tells
		case err != nil:
			tr.status = "not started"
			r.fail(tr, fmt.Errorf("the deploy call failed: %w", err))
		case r.opt.Wait && tr.snapErr != nil:
			tr.status = "unknown"
			r.fail(tr, fmt.Errorf("deploy triggered, but it cannot be followed: its deployment history could not be read (%w); check it in the Dokploy UI", tr.snapErr))
		}
	}
}

// checkTarget says why t cannot be deployed, if it cannot.
func checkTarget(t DeployTarget) error {
	if t.Kind != "application" && t.Kind != "compose" && !isDatabaseKind(t.Kind) {
		return fmt.Errorf("not deployed: cannot deploy a %q", t.Kind)
	}
	if t.ID == "" {
		return fmt.Errorf("not deployed: no %s id", t.Kind)
	}
	return nil
}

// deployCall is the call that deploys t (a checked target). Applications
// and compose get our stamp: our title, and their address and settings
// fingerprint as the description, which tells their deployment apart
// while it runs and tells a later plan what it deployed.
func deployCall(t DeployTarget) *dokploy.Call {
	in := map[string]string{t.Kind + "Id": t.ID}
	if !isDatabaseKind(t.Kind) {
		fp := t.Fingerprint
		if fp == "" {
			fp = UnknownFingerprint
		}
		in["title"], in["description"] = deployTitle, planner.StampDescription(t.Address, fp)
	}
	return dokploy.NewCall(t.Kind+".deploy", in, nil)
}

// deployDatabases deploys the databases in one round trip: each call
// returns when its deploy is done, or fails with its error.
func (r *deployRun) deployDatabases(ts []*tracker) {
	var calls []*dokploy.Call
	var owners []*tracker
	for _, tr := range ts {
		call := deployCall(tr.target)
		// The call answers when the deploy is done: give it as long as
		// the deploys, and a minute.
		call.Timeout = r.opt.Timeout + time.Minute
		calls = append(calls, call)
		owners = append(owners, tr)
	}
	now := r.opt.Now()
	for _, tr := range owners {
		tr.started = now
	}
	r.do(calls)
	now = r.opt.Now()
	for i, tr := range owners {
		tr.elapsed = now.Sub(tr.started)
		if err := calls[i].Err; err != nil {
			tr.status = "unknown" // not sent, or no answer
			if answer := (*dokploy.Error)(nil); errors.As(err, &answer) {
				tr.status = "error"
			}
			r.fail(tr, err)
			continue
		}
		tr.phase, tr.status = phaseDone, "done"
	}
}

// follow polls the pending services until each deployment has ended, the
// timeout has passed or ctx ends.
func (r *deployRun) follow() {
	deadline := r.start.Add(r.opt.Timeout)
	for len(r.pending()) > 0 {
		if err := r.ctx.Err(); err != nil {
			r.stop(r.interrupted(err))
			return
		}
		failed := r.poll(r.pending())
		if err := r.ctx.Err(); err != nil {
			r.stop(r.interrupted(err))
			return
		}
		r.readLogs(failed)
		r.progress.update(r.all)
		if len(r.pending()) == 0 {
			return
		}
		now := r.opt.Now()
		if !now.Before(deadline) {
			r.stop(r.timedOut)
			return
		}
		if err := r.opt.Sleep(r.ctx, min(r.opt.Poll, deadline.Sub(now))); err != nil {
			r.stop(r.interrupted(err))
			return
		}
	}
}

// poll reads the deployments of ts in one round trip and moves each one
// on; it returns those whose deployment failed.
func (r *deployRun) poll(ts []*tracker) (failed []*tracker) {
	rows := make([][]deploymentRow, len(ts))
	calls := make([]*dokploy.Call, len(ts))
	for i, tr := range ts {
		calls[i] = historyCall(tr.target, &rows[i])
	}
	r.do(calls)
	if r.ctx.Err() != nil {
		return nil // the calls failed for that; follow stops
	}
	now := r.opt.Now()
	for i, tr := range ts {
		r.observe(tr, rows[i], calls[i].Err, now)
		if tr.phase == phaseFailed && tr.id != "" {
			failed = append(failed, tr)
		}
	}
	return failed
}

// observe moves tr on from one read of its deployments.
func (r *deployRun) observe(tr *tracker, rows []deploymentRow, err error, now time.Time) {
	tr.elapsed = now.Sub(tr.started)
	defer r.giveUpUncertain(tr)
	if err != nil {
		tr.pollErrs++
		if tr.pollErrs >= maxPollErrors {
			r.fail(tr, fmt.Errorf("the deploy cannot be followed: reading its deployments failed %d times in a row (%w); check it in the Dokploy UI", tr.pollErrs, err))
		}
		return
	}
	tr.pollErrs = 0
	row := tr.pick(rows)
	if row == nil {
		if tr.locked {
			r.fail(tr, fmt.Errorf("deployment %s is no longer in the service's history (Dokploy keeps only the newest 10); check the service in the Dokploy UI", tr.id))
		}
		return // not started yet
	}
	tr.id, tr.status = row.DeploymentID, row.Status
	switch row.Status {
	case "done":
		tr.phase = phaseDone
	case "error", "cancelled":
		msg := fmt.Sprintf("deployment %s ended with status %s", tr.id, row.Status)
		if row.ErrorMessage != nil && *row.ErrorMessage != "" {
			msg += ": " + *row.ErrorMessage
		}
		r.fail(tr, errors.New(msg))
	}
}

// giveUpUncertain reports a deploy whose call got no answer as not
// started once UncertainWait has passed without a new deployment.
func (r *deployRun) giveUpUncertain(tr *tracker) {
	if tr.phase == phaseDeploying && tr.uncertain != nil && tr.id == "" && tr.elapsed >= r.opt.UncertainWait {
		tr.status = "not started"
		r.fail(tr, fmt.Errorf("its deploy call got no answer and no deployment appeared within %s; the next plan shows it owed (%w)", r.opt.UncertainWait, tr.uncertain))
	}
}

// pick returns the deployment of this deploy among rows (newest first), or
// nil while there is none. Only a deployment not in the snapshot counts.
// One with our title and address is certainly ours and is kept from then
// on; until one shows up, the oldest new deployment is taken (a git
// deployment's title is overwritten when it ends).
func (tr *tracker) pick(rows []deploymentRow) *deploymentRow {
	var oldest, ours *deploymentRow
	for i := range rows {
		row := &rows[i]
		if tr.locked && row.DeploymentID == tr.id {
			return row
		}
		if tr.known[row.DeploymentID] {
			continue
		}
		oldest = row
		if addr, _, ok := planner.ParseStamp(row.Title, row.Description); ok && addr == tr.target.Address {
			ours = row
		}
	}
	if tr.locked {
		return nil
	}
	if ours != nil {
		tr.locked = true
		return ours
	}
	return oldest
}

// readLogs reads the log tails of failed deployments in one round trip.
func (r *deployRun) readLogs(ts []*tracker) {
	tails := make([]string, len(ts))
	calls := make([]*dokploy.Call, len(ts))
	for i, tr := range ts {
		calls[i] = dokploy.NewCall("deployment.readLogs", map[string]any{"deploymentId": tr.id, "tail": r.opt.LogTail}, &tails[i])
	}
	r.do(calls)
	for i, tr := range ts {
		tail := strings.TrimRight(tails[i], "\n")
		if err := calls[i].Err; err != nil {
			tail = fmt.Sprintf("(its log could not be read: %v)", err)
		}
		tr.logTail = r.opt.Redact(tail)
	}
}

// stop ends the following of every pending service with the error why.
func (r *deployRun) stop(why func(*tracker) error) {
	now := r.opt.Now()
	for _, tr := range r.pending() {
		tr.elapsed = now.Sub(tr.started)
		tr.phase, tr.err = phaseTimedOut, why(tr)
	}
}

// timedOut is the error of a deploy still going on at the timeout.
func (r *deployRun) timedOut(tr *tracker) error {
	return fmt.Errorf("still deploying after %s; the deploy goes on in Dokploy (%s); check it in the Dokploy UI or run plan later", r.opt.Timeout, tr.deploymentNote())
}

// interrupted returns the error of a deploy no longer followed because
// ctx ended.
func (r *deployRun) interrupted(cause error) func(*tracker) error {
	r.wasInterrupted = true
	return func(tr *tracker) error {
		return fmt.Errorf("no longer followed (%v); the deploy goes on in Dokploy (%s); check it in the Dokploy UI or run plan later", cause, tr.deploymentNote())
	}
}

// deploymentNote names the deployment of a deploy still going on.
func (tr *tracker) deploymentNote() string {
	switch {
	case tr.id != "":
		return "deployment " + tr.id
	case tr.uncertain != nil:
		return fmt.Sprintf("deployment not started yet, if it was queued at all: %v", tr.uncertain)
	}
	return "deployment not started yet: it is queued"
}

// fail marks tr failed with err.
func (r *deployRun) fail(tr *tracker, err error) {
	tr.phase, tr.err = phaseFailed, err
}

// do runs calls as one round trip (each call gets its own Err).
func (r *deployRun) do(calls []*dokploy.Call) {
	if len(calls) > 0 {
		r.d.Do(r.ctx, calls...) //nolint:errcheck // each call's Err is read
	}
}

// result sorts the trackers into the result, in target order.
func (r *deployRun) result() *DeployResult {
	res := &DeployResult{redact: r.opt.Redact, Interrupted: r.wasInterrupted}
	for _, tr := range r.all {
		o := DeployOutcome{Target: tr.target, DeploymentID: tr.id, Status: tr.status, Elapsed: tr.elapsed, Err: tr.err, LogTail: tr.logTail}
		switch tr.phase {
		case phaseDone:
			res.Done = append(res.Done, o)
		case phaseTriggered:
			res.Triggered = append(res.Triggered, o)
		case phaseTimedOut:
			res.TimedOut = append(res.TimedOut, o)
		default:
			res.Failed = append(res.Failed, o)
		}
	}
	return res
}
