package main

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

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
