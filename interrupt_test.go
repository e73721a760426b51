package main

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// An interrupt during the check after apply says that the changes were
// applied (they were), exits 130, and never says "timed out".
func TestInterruptDuringTheCheck(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reads atomic.Int32
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, OnRequest: func(r dokploytest.Request) {
		// The first project.all reads for the plan, the second for the check.
		if slices.Contains(r.Procs, "project.all") && reads.Add(1) == 2 {
			cancel()
		}
	}})
	r := runCLI(t, ctx, fake, writeSpec(t, leaseSpec), "apply", "--auto-approve")
	if r.code != exitInterrupted {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"interrupted while checking the result: every change was applied (5 added, 0 changed, 0 destroyed)", "nothing was deployed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "timed out") || strings.Contains(r.stdout, "Apply complete!") {
		t.Errorf("output:\n%s\n%s", r.stdout, r.stderr)
	}
	// and the next plan owes the deploys that were not made
	plan := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "plan")
	if !strings.Contains(plan.stdout, "3 to deploy") {
		t.Errorf("plan after the interrupt:\n%s", plan.stdout)
	}
}

// The first Ctrl-C lets the requests under way finish and starts nothing
// new: the projects being created are created (not left with an unknown
// outcome), the rest is reported not started, exit 130.
func TestFirstInterruptLetsRequestsFinish(t *testing.T) {
	soft, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx := withAbort(soft, context.Background()) // no second Ctrl-C
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, OnRequest: func(r dokploytest.Request) {
		if slices.Contains(r.Procs, "project.create") {
			cancel() // Ctrl-C while the creates are under way
		}
	}})
	r := runCLI(t, ctx, fake, writeSpec(t, leaseSpec), "apply", "--auto-approve")
	if r.code != exitInterrupted {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"interrupted: 0 of 5 changes done, 2 created but their settings not yet written, 3 not started",
		"created, settings not written: blog", "created, settings not written: shop",
		"not started: shop/production/application/api", "run apply again: it continues from the live state",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "unknown") || strings.Contains(r.stdout+r.stderr, "timed out") {
		t.Errorf("an outcome reported unknown or timed out:\n%s\n%s", r.stdout, r.stderr)
	}
	// and a new apply finishes the job
	again := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve")
	if again.code != 0 || !strings.Contains(again.stdout, "Apply complete!") {
		t.Errorf("apply again: exit %d\n%s\n%s", again.code, again.stdout, again.stderr)
	}
}

// A lease that expired while the confirmation waited, and was taken over,
// stops the apply before it changes anything.
func TestStillLockedAfterTheConfirmation(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	c, err := dokploy.New(dokploy.Options{BaseURL: fake.URL(), APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	leases, err := c.Acquire(context.Background(), []string{"shop"}, dokploy.LeaseOptions{Host: "h", PID: 1, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s := &session{g: &Globals{}, client: c, leases: leases, secret: newRedactor("")}
	if err := s.stillLocked(context.Background()); err != nil {
		t.Fatalf("own lease: %v", err)
	}
	// taken over: removed by id and made anew by another apply
	if err := c.RemoveTag(context.Background(), leases[0].TagID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acquire(context.Background(), []string{"shop"}, dokploy.LeaseOptions{Host: "other", PID: 2, TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if err := s.stillLocked(context.Background()); err == nil || !strings.Contains(err.Error(), "the lease of shop expired while this apply waited") {
		t.Fatalf("err = %v", err)
	}
}

// The second Ctrl-C aborts the requests under way, but the leases are
// still released.
func TestSecondInterruptStillReleasesTheLeases(t *testing.T) {
	hard, abort := context.WithCancel(context.Background())
	soft, stop := context.WithCancel(hard)
	defer abort()
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, OnRequest: func(r dokploytest.Request) {
		if slices.Contains(r.Procs, "project.create") {
			stop()
			abort()
		}
	}})
	r := runCLI(t, withAbort(soft, hard), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve")
	if r.code != exitInterrupted {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if l := leaseTags(t, fake); len(l) != 0 || strings.Contains(r.stderr, "could not be released") {
		t.Errorf("leases left: %v\n%s", l, r.stderr)
	}
}

// An apply that ran out of --max-requests still releases its leases.
func TestLeasesReleasedPastTheRequestBudget(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--max-requests", "5")
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "request budget of 5") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if l := leaseTags(t, fake); len(l) != 0 {
		t.Errorf("leases left: %v\n%s", l, r.stderr)
	}
}
