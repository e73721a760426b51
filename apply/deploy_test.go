package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// clock is the injected clock of a deploy: Sleep advances it instead of
// sleeping, and runs onSleep (with the number of sleeps so far) to let a
// test act between polls.
type clock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  int
	onSleep func(n int)
}

func newClock() *clock { return &clock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps++
	n, hook := c.sleeps, c.onSleep
	c.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

// deployFixture is a fake server with a project holding an application, a
// compose and a postgres, and a client of it.
type deployFixture struct {
	fake    *dokploytest.Server
	client  *dokploy.Client
	envID   string
	app     apply.DeployTarget
	compose apply.DeployTarget
	db      apply.DeployTarget
}

func newDeployFixture(t *testing.T, opts dokploytest.Options) *deployFixture {
	t.Helper()
	opts.APIKey, opts.Seed = "k", 7
	fake := dokploytest.NewTestServer(t, opts)
	c, err := dokploy.New(dokploy.Options{
		BaseURL: fake.URL(), APIKey: "k",
		Sleep: func(context.Context, time.Duration) error { return nil }, // retries do not wait
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &deployFixture{fake: fake, client: c}
	proj := f.call(t, "project.create", map[string]any{"name": "shop"})
	f.envID = proj["environment"].(map[string]any)["environmentId"].(string)
	f.app = f.application(t, "api")
	f.compose = apply.DeployTarget{
		Address: "shop/production/compose/stack", Kind: "compose",
		ID: f.call(t, "compose.create", map[string]any{"name": "stack", "environmentId": f.envID,
			"composeFile": "services:\n  web:\n    image: nginx\n"})["composeId"].(string),
	}
	f.db = apply.DeployTarget{
		Address: "shop/production/postgres/db", Kind: "postgres",
		ID: f.call(t, "postgres.create", map[string]any{"name": "db", "environmentId": f.envID,
			"databaseName": "shop", "databaseUser": "shop", "databasePassword": "pw1234"})["postgresId"].(string),
	}
	return f
}

// application creates an application with a docker image.
func (f *deployFixture) application(t *testing.T, name string) apply.DeployTarget {
	t.Helper()
	id := f.call(t, "application.create", map[string]any{"name": name, "environmentId": f.envID})["applicationId"].(string)
	f.call(t, "application.saveDockerProvider", map[string]any{"applicationId": id, "dockerImage": "nginx:1.27",
		"username": nil, "password": nil, "registryUrl": nil})
	return apply.DeployTarget{Address: "shop/production/application/" + name, Kind: "application", ID: id}
}

func (f *deployFixture) call(t *testing.T, proc string, in any) map[string]any {
	t.Helper()
	raw, err := f.fake.Call(proc, in)
	if err != nil {
		t.Fatalf("%s: %v", proc, err)
	}
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// deployments lists the deployments of an application, newest first.
func (f *deployFixture) deployments(t *testing.T, appID string) []map[string]any {
	t.Helper()
	raw, err := f.fake.Call("deployment.all", map[string]any{"applicationId": appID})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *deployFixture) options(c *clock, log io.Writer) apply.DeployOptions {
	return apply.DeployOptions{Wait: true, Log: log, Sleep: c.Sleep, Now: c.Now}
}

func addresses(os []apply.DeployOutcome) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.Target.Address)
	}
	return out
}

func wantAddresses(t *testing.T, what string, got []apply.DeployOutcome, want ...string) {
	t.Helper()
	if g := addresses(got); fmt.Sprint(g) != fmt.Sprint(want) {
		t.Errorf("%s: %v, want %v", what, g, want)
	}
}

func TestDeploySucceeds(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployDuration: time.Hour})
	c := newClock()
	c.onSleep = func(n int) {
		if n == 2 {
			f.fake.FinishDeployments()
		}
	}
	var log bytes.Buffer
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app, f.compose, f.db}, f.options(c, &log))
	if err := res.Err(); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	wantAddresses(t, "done", res.Done, f.app.Address, f.compose.Address, f.db.Address)
	for _, o := range res.Done {
		if o.Status != "done" {
			t.Errorf("%s: status %q", o.Target.Address, o.Status)
		}
		if (o.DeploymentID == "") != (o.Target.Kind == "postgres") {
			t.Errorf("%s: deployment id %q", o.Target.Address, o.DeploymentID)
		}
	}
	if got := res.Done[0].Elapsed; got != 6*time.Second {
		t.Errorf("elapsed %s, want 6s (two polls of 3s on the injected clock)", got)
	}
	ds := f.deployments(t, f.app.ID)
	if len(ds) != 1 || ds[0]["title"] != "dokploy-sync" || ds[0]["description"] != planner.StampDescription(f.app.Address, apply.UnknownFingerprint) || ds[0]["deploymentId"] != res.Done[0].DeploymentID {
		t.Errorf("deployments: %v", ds)
	}
	out := log.String()
	for _, want := range []string{
		"~ deploying shop/production/application/api ... queued (0s)\n",
		"~ deploying shop/production/postgres/db ... in progress (0s)\n",
		"~ deploying shop/production/compose/stack ... running (0s)\n",
		"✓ deployed shop/production/postgres/db in 0s\n",
		"✓ deployed shop/production/application/api in 6s\n",
		"✓ deployed shop/production/compose/stack in 6s\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	// Plain lines only when a state changes: "running" once, whatever the polls.
	if n := strings.Count(out, "application/api ... running"); n != 1 {
		t.Errorf("running printed %d times, want 1:\n%s", n, out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("ANSI codes in plain mode:\n%q", out)
	}
}

func TestDeployFailureShowsTheRedactedLogTail(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployError: "pull access denied: token s3cr3t-token rejected"})
	c := newClock()
	var log bytes.Buffer
	opt := f.options(c, &log)
	opt.Redact = func(s string) string { return strings.ReplaceAll(s, "s3cr3t-token", "***") }
	opt.LogTail = 5
	f.fake.ResetRequests()
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app, f.compose, f.db}, opt)

	wantAddresses(t, "failed", res.Failed, f.app.Address, f.compose.Address, f.db.Address)
	err := res.Err()
	if err == nil {
		t.Fatal("want an error")
	}
	out := log.String()
	for _, s := range []string{out, err.Error(), res.Failed[0].LogTail, res.Failed[1].LogTail} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("secret not redacted in %q", s)
		}
	}
	app := res.Failed[0]
	if app.Status != "error" || app.DeploymentID == "" || !strings.Contains(app.LogTail, "pull access denied: token *** rejected") {
		t.Errorf("application outcome: %+v", app)
	}
	if n := strings.Count(app.LogTail, "\n") + 1; n > 5 {
		t.Errorf("log tail has %d lines, want at most 5:\n%s", n, app.LogTail)
	}
	for _, want := range []string{
		"✗ deploy of shop/production/application/api failed after 0s (deployment " + app.DeploymentID + "):\n    ",
		"\n    pull access denied: token *** rejected\n",
		"✗ deploy of shop/production/compose/stack failed after 0s (deployment " + res.Failed[1].DeploymentID + "):\n",
		"✗ deploy of shop/production/postgres/db failed after 0s:\n    postgres.deploy: HTTP 500: Error on deploy postgresError: pull access denied: token *** rejected\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"deploy failed: 0 done, 3 failed, 0 still deploying", "failed:    shop/production/application/api: deployment " + app.DeploymentID + " ended with status error"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// The log tails of all failures are read in one request.
	var logReads int
	for _, r := range f.fake.Requests() {
		if r.Procs[0] == "deployment.readLogs" {
			logReads++
			if len(r.Procs) != 2 {
				t.Errorf("readLogs request carries %v, want both failed deployments", r.Procs)
			}
		}
	}
	if logReads != 1 {
		t.Errorf("%d readLogs requests, want 1", logReads)
	}
}

func TestDeployTimesOut(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployDuration: 24 * time.Hour})
	c := newClock()
	var log bytes.Buffer
	opt := f.options(c, &log)
	opt.Timeout = time.Minute
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app, f.db}, opt)

	wantAddresses(t, "done", res.Done, f.db.Address)
	wantAddresses(t, "timed out", res.TimedOut, f.app.Address)
	o := res.TimedOut[0]
	want := "still deploying after 1m0s; the deploy goes on in Dokploy (deployment " + o.DeploymentID + "); check it in the Dokploy UI or run plan later"
	if o.DeploymentID == "" || o.Status != "running" || o.Err == nil || o.Err.Error() != want {
		t.Errorf("outcome %+v, want the error %q", o, want)
	}
	if o.Elapsed != time.Minute {
		t.Errorf("elapsed %s", o.Elapsed)
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "timed out: shop/production/application/api: "+want) {
		t.Errorf("Err: %v", err)
	}
	if !strings.Contains(log.String(), "! deploy of shop/production/application/api: "+want+"\n") {
		t.Errorf("log:\n%s", log.String())
	}
	if c.sleeps != 20 {
		t.Errorf("%d sleeps of 3s in a 1m timeout, want 20", c.sleeps)
	}
}

// queue holds back the application and compose deploy calls (answering
// them as accepted) and sends them just before the release-th poll, like a
// busy deployment queue; with release 0 it never sends them.
type queue struct {
	d       apply.Doer
	release int
	polls   int
	held    []*dokploy.Call
}

func (q *queue) Do(ctx context.Context, calls ...*dokploy.Call) error {
	var pass []*dokploy.Call
	for _, c := range calls {
		if c.Proc == "application.deploy" || c.Proc == "compose.deploy" {
			q.held = append(q.held, dokploy.NewCall(c.Proc, c.Input, nil))
			continue
		}
		pass = append(pass, c)
	}
	if len(pass) > 0 && strings.HasPrefix(pass[0].Proc, "deployment.all") {
		q.polls++
		if q.polls == q.release+1 { // the first is the snapshot
			q.d.Do(ctx, q.held...)
			q.held = nil
		}
	}
	if len(pass) == 0 {
		return nil
	}
	return q.d.Do(ctx, pass...)
}

func TestDeployWaitsForTheDeploymentToAppear(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{})
	c := newClock()
	var log bytes.Buffer
	res := apply.Deploy(context.Background(), &queue{d: f.client, release: 4}, []apply.DeployTarget{f.app, f.compose}, f.options(c, &log))
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	wantAddresses(t, "done", res.Done, f.app.Address, f.compose.Address)
	if c.sleeps != 3 || res.Done[0].Elapsed != 9*time.Second {
		t.Errorf("%d sleeps, elapsed %s: want the deployment found at the 4th poll", c.sleeps, res.Done[0].Elapsed)
	}
}

func TestDeployNeverStartedTimesOut(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{})
	c := newClock()
	var log bytes.Buffer
	opt := f.options(c, &log)
	opt.Timeout = 30 * time.Second
	res := apply.Deploy(context.Background(), &queue{d: f.client}, []apply.DeployTarget{f.app}, opt)
	wantAddresses(t, "timed out", res.TimedOut, f.app.Address)
	o := res.TimedOut[0]
	if o.DeploymentID != "" || o.Status != "queued" || !strings.Contains(o.Err.Error(), "still deploying after 30s; the deploy goes on in Dokploy (deployment not started yet") {
		t.Errorf("outcome %+v", o)
	}
}

func TestDeployDoesNotMistakeAnOlderDeployment(t *testing.T) {
	for _, tc := range []struct {
		name, deployError, oldStatus string
	}{
		{"older done", "", "done"},
		{"older error", "boom", "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newDeployFixture(t, dokploytest.Options{DeployDuration: 24 * time.Hour, DeployError: tc.deployError})
			// A full history: 12 deployments, of which Dokploy keeps 10.
			for range 12 {
				f.call(t, "application.deploy", map[string]any{"applicationId": f.app.ID})
				f.fake.FinishDeployments()
			}
			old := f.deployments(t, f.app.ID)
			if len(old) != 10 || old[0]["status"] != tc.oldStatus {
				t.Fatalf("history: %d rows, newest %v", len(old), old[0]["status"])
			}

			// The new deployment runs past the timeout: not the older one's status.
			c := newClock()
			var log bytes.Buffer
			opt := f.options(c, &log)
			opt.Timeout = 10 * time.Second
			res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app}, opt)
			wantAddresses(t, "timed out", res.TimedOut, f.app.Address)
			running := res.TimedOut[0]
			for _, d := range old {
				if d["deploymentId"] == running.DeploymentID {
					t.Fatalf("took the older deployment %s for the new one", running.DeploymentID)
				}
			}
			if running.Status != "running" || running.DeploymentID != f.deployments(t, f.app.ID)[0]["deploymentId"] {
				t.Errorf("outcome %+v, want the newest deployment, running", running)
			}

			// Again, and this time it ends: its own status is reported.
			c = newClock()
			opt.Sleep, opt.Now = c.Sleep, c.Now
			c.onSleep = func(n int) {
				if n == 1 {
					f.fake.FinishDeployments()
				}
			}
			res = apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app}, opt)
			all := append(append(res.Done, res.Failed...), res.TimedOut...)
			if len(all) != 1 || all[0].Status != tc.oldStatus || all[0].DeploymentID == running.DeploymentID || all[0].DeploymentID == old[0]["deploymentId"] {
				t.Errorf("outcome %+v", all)
			}
			if c.sleeps != 1 {
				t.Errorf("%d sleeps, want 1 (ended after the first wait)", c.sleeps)
			}
		})
	}
}

func TestDeployWithoutWaiting(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployDuration: time.Hour})
	c := newClock()
	var log bytes.Buffer
	opt := f.options(c, &log)
	opt.Wait = false
	f.fake.ResetRequests()
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app, f.compose, f.db}, opt)
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	wantAddresses(t, "triggered", res.Triggered, f.app.Address, f.compose.Address)
	wantAddresses(t, "done", res.Done, f.db.Address)
	if c.sleeps != 0 {
		t.Errorf("%d sleeps", c.sleeps)
	}
	for _, r := range f.fake.Requests() {
		for _, p := range r.Procs {
			if strings.HasPrefix(p, "deployment.") {
				t.Errorf("read %s without waiting", p)
			}
		}
	}
	if !strings.Contains(log.String(), "~ deploy of shop/production/application/api triggered (not waiting for it)\n") {
		t.Errorf("log:\n%s", log.String())
	}
	if ds := f.deployments(t, f.app.ID); len(ds) != 1 || ds[0]["status"] != "running" {
		t.Errorf("deployments: %v", ds)
	}
}

func TestDeployPollsManyServicesInOneRequest(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployDuration: time.Hour})
	targets := []apply.DeployTarget{f.compose}
	for i := range 40 {
		targets = append(targets, f.application(t, fmt.Sprintf("app%02d", i)))
	}
	c := newClock()
	c.onSleep = func(n int) {
		if n == 3 {
			f.fake.FinishDeployments()
		}
	}
	f.fake.ResetRequests()
	res := apply.Deploy(context.Background(), f.client, targets, f.options(c, nil))
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if len(res.Done) != 41 {
		t.Fatalf("%d done", len(res.Done))
	}
	var reads, triggers int
	for _, r := range f.fake.Requests() {
		switch {
		case strings.HasPrefix(r.Procs[0], "deployment.all"):
			reads++
			if len(r.Procs) != 41 {
				t.Errorf("a read of the deployments carries %d calls, want 41", len(r.Procs))
			}
		case strings.HasSuffix(r.Procs[0], ".deploy"):
			triggers++
		default:
			t.Errorf("unexpected request %v", r.Procs)
		}
	}
	// the snapshot, then 4 polls (3 sleeps), one request each; the 41
	// triggers in waves of at most dokploy.DefaultMaxMutations
	wantTriggers := (41 + dokploy.DefaultMaxMutations - 1) / dokploy.DefaultMaxMutations
	if reads != 1+4 || triggers != wantTriggers {
		t.Errorf("%d requests reading deployments, %d triggering; want 5 and %d", reads, triggers, wantTriggers)
	}
}

func TestDeployTerminalRedrawsInPlace(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployDuration: time.Hour})
	c := newClock()
	c.onSleep = func(n int) {
		if n == 2 {
			f.fake.FinishDeployments()
		}
	}
	var log bytes.Buffer
	opt := f.options(c, &log)
	opt.Terminal = true
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app, f.compose, f.db}, opt)
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	// Drawn once after the triggers, redrawn after the database deploys,
	// after each of the 3 polls and at the end.
	if n := strings.Count(out, "\x1b[3A"); n != 5 {
		t.Errorf("%d redraws, want 5:\n%q", n, out)
	}
	for _, want := range []string{
		"\r\x1b[2K~ deploying shop/production/application/api ... running (3s)\n",
		"\x1b[3A\r\x1b[2K✓ deployed shop/production/application/api in 6s\n\r\x1b[2K✓ deployed shop/production/compose/stack in 6s\n\r\x1b[2K✓ deployed shop/production/postgres/db in 0s\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
}

func TestDeployStopsWhenCancelled(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{DeployDuration: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newClock()
	c.onSleep = func(n int) {
		if n == 2 {
			cancel()
		}
	}
	res := apply.Deploy(ctx, f.client, []apply.DeployTarget{f.app, f.db}, f.options(c, &bytes.Buffer{}))
	wantAddresses(t, "done", res.Done, f.db.Address)
	wantAddresses(t, "timed out", res.TimedOut, f.app.Address)
	if o := res.TimedOut[0]; o.DeploymentID == "" || !strings.Contains(o.Err.Error(), "no longer followed (context canceled); the deploy goes on in Dokploy (deployment "+o.DeploymentID+")") {
		t.Errorf("outcome %+v", o)
	}
	// An interrupt is never reported as a timeout.
	if err := res.Err(); err == nil || !res.Interrupted || strings.Contains(err.Error(), "timed out") ||
		!strings.Contains(err.Error(), "deploy interrupted: 1 done, 0 failed, 1 still deploying\n  not followed: "+f.app.Address) {
		t.Errorf("Err = %v", err)
	}
}

func TestDeployReportsAnUnreadableHistory(t *testing.T) {
	t.Run("before the deploy", func(t *testing.T) {
		f := newDeployFixture(t, dokploytest.Options{})
		res := apply.Deploy(context.Background(), failing{f.client, "deployment.all", ""}, []apply.DeployTarget{f.app, f.compose}, f.options(newClock(), &bytes.Buffer{}))
		wantAddresses(t, "done", res.Done, f.compose.Address)
		wantAddresses(t, "failed", res.Failed, f.app.Address)
		if err := res.Failed[0].Err; !strings.Contains(err.Error(), "deploy triggered, but it cannot be followed: its deployment history could not be read (injected failure)") {
			t.Errorf("error: %v", err)
		}
		if ds := f.deployments(t, f.app.ID); len(ds) != 1 {
			t.Errorf("deployments: %v", ds)
		}
	})
	t.Run("while polling", func(t *testing.T) {
		f := newDeployFixture(t, dokploytest.Options{DeployDuration: time.Hour})
		f.fake.SetFaults(dokploytest.Fault{Kind: dokploytest.FaultFailItems, Status: 404, Procs: []string{"deployment.all"}, After: 1})
		c := newClock()
		res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app}, f.options(c, &bytes.Buffer{}))
		wantAddresses(t, "failed", res.Failed, f.app.Address)
		if err := res.Failed[0].Err; !strings.Contains(err.Error(), "the deploy cannot be followed: reading its deployments failed 3 times in a row") {
			t.Errorf("error: %v", err)
		}
		if c.sleeps != 2 {
			t.Errorf("%d sleeps, want 2", c.sleeps)
		}
	})
}

func TestDeployFollowsADeployWhoseAnswerWasLost(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{})
	f.fake.SetFaults(dokploytest.Fault{Kind: dokploytest.FaultLoseAnswer, Procs: []string{"application.deploy"}, Times: 1})
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app}, f.options(newClock(), &bytes.Buffer{}))
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if o := res.Done[0]; o.DeploymentID == "" {
		t.Errorf("outcome %+v", o)
	}
}

func TestDeployRefusesTargetsItCannotDeploy(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{})
	f.fake.ResetRequests()
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{
		{Address: "shop/production/domain/x", Kind: "domain", ID: "d1"},
		{Address: "shop/production/application/new", Kind: "application"},
	}, f.options(newClock(), &bytes.Buffer{}))
	wantAddresses(t, "failed", res.Failed, "shop/production/domain/x", "shop/production/application/new")
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), `cannot deploy a "domain"`) || !strings.Contains(err.Error(), "no application id") {
		t.Errorf("Err: %v", err)
	}
}

// TestDeployUncertainTriggerGivesUpSoon: a deploy call answered 503 (it
// may or may not have been queued) whose deployment never appears is
// reported not started after UncertainWait, not followed for the whole
// deploy timeout.
func TestDeployUncertainTriggerGivesUpSoon(t *testing.T) {
	f := newDeployFixture(t, dokploytest.Options{})
	f.fake.SetFaults(dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 503, Procs: []string{"application.deploy"}, Times: 1})
	c := newClock()
	start := c.Now()
	var log strings.Builder
	res := apply.Deploy(context.Background(), f.client, []apply.DeployTarget{f.app}, f.options(c, &log))
	if len(res.Failed) != 1 || res.Failed[0].Status != "not started" {
		t.Fatalf("result: %+v", res)
	}
	if err := res.Failed[0].Err.Error(); !strings.Contains(err, "no deployment appeared within 30s; the next plan shows it owed") {
		t.Errorf("error: %s", err)
	}
	if waited := c.Now().Sub(start); waited > 40*time.Second {
		t.Errorf("followed for %s, want about 30s", waited)
	}
}
