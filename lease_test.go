package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// leaseTags lists the fake's lease tags as "name=id".
func leaseTags(t *testing.T, fake *dokploytest.Server) []string {
	t.Helper()
	out, err := fake.Call("tag.all", nil)
	if err != nil {
		t.Fatal(err)
	}
	var tags []dokploy.Tag
	json.Unmarshal(out, &tags)
	var names []string
	for _, tag := range tags {
		if strings.HasPrefix(tag.Name, dokploy.LeasePrefix) {
			names = append(names, tag.Name+"="+tag.TagID)
		}
	}
	return names
}

// seedLease creates a lease tag as another apply would have.
func seedLease(t *testing.T, fake *dokploytest.Server, project string, started, expires time.Time) string {
	t.Helper()
	color, _ := json.Marshal(dokploy.LeaseHolder{Host: "ci-runner-7", PID: 4242, Started: started, Expires: expires})
	out, err := fake.Call("tag.create", map[string]any{"name": dokploy.LeaseName(project), "color": string(color)})
	if err != nil {
		t.Fatal(err)
	}
	var tag dokploy.Tag
	json.Unmarshal(out, &tag)
	return tag.TagID
}

func tagRequests(fake *dokploytest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		for _, p := range r.Procs {
			if strings.HasPrefix(p, "tag.") && p != "tag.all" { // the plan reads the tags for deploy markers
				n++
			}
		}
	}
	return n
}

// TestApplyRace runs two applies of one spec at once against one fake with
// 20 ms of latency, 20 times on fresh fakes: never a duplicate; exactly one
// applies, the other refuses on the lease (or, having started after the
// first one finished, finds no changes).
func TestApplyRace(t *testing.T) {
	if testing.Short() {
		t.Skip("20 races")
	}
	dir := writeSpec(t, leaseSpec)
	counts := map[string]int{}
	for round := range 20 {
		fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, Seed: int64(round + 1), Latency: 20 * time.Millisecond})
		var rs [2]cliRun
		var wg sync.WaitGroup
		for i := range rs {
			wg.Go(func() { rs[i] = runCLI(t, context.Background(), fake, dir, "apply", "--auto-approve") })
		}
		wg.Wait()
		plan := runCLI(t, context.Background(), fake, dir, "plan")
		if plan.code != 0 || !strings.Contains(plan.stdout, "No changes.") {
			t.Errorf("round %d: the plan after the race (exit %d):\n%s\n%s", round, plan.code, plan.stdout, plan.stderr)
		}
		applied := 0
		for i, r := range rs {
			switch {
			case r.code == 0 && strings.Contains(r.stdout, "Apply complete! Resources: 5 added"):
				applied++
				counts["applied"]++
			case r.code == 1 && strings.Contains(r.stderr, "is locked by another apply, pid") && !strings.Contains(r.stdout, "Apply complete!"):
				counts["refused on the lease"]++
			case r.code == 0 && strings.Contains(r.stdout, "No changes."):
				counts["ran after, no changes"]++
			default:
				t.Errorf("round %d, racer %d: exit %d\nstdout:\n%s\nstderr:\n%s", round, i, r.code, r.stdout, r.stderr)
			}
		}
		if applied != 1 {
			t.Errorf("round %d: %d racers applied, want 1", round, applied)
		}
		if l := leaseTags(t, fake); len(l) != 0 {
			t.Errorf("round %d: leases left: %v", round, l)
		}
		fake.Close()
	}
	t.Logf("20 rounds: %v", counts)
}

// A lease held by a running apply refuses the second one before anything
// is read or changed; the leases it took before are released.
func TestApplyRefusesHeldLease(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	started := time.Now().Add(-5 * time.Minute).UTC().Truncate(time.Second)
	id := seedLease(t, fake, "shop", started, time.Now().Add(time.Hour)) // blog's lease comes first, and is released
	r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := fmt.Sprintf("shop is locked by another apply, pid 4242 on ci-runner-7 since %s: wait for it to finish, or, if no apply is running, run dokploy-sync force-unlock shop (or delete the tag \"dokploy-sync-lock:shop\" in the Dokploy UI); nothing was changed",
		started.Local().Format(time.RFC3339))
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr:\n%s\nwant %q", r.stderr, want)
	}
	if n := resourceMutations(fake); n != 0 {
		t.Errorf("%d mutations", n)
	}
	for _, req := range fake.Requests() {
		if slices.Contains(req.Procs, "project.all") {
			t.Errorf("the live state was read before the lease was taken")
		}
	}
	if got := leaseTags(t, fake); !slices.Equal(got, []string{"dokploy-sync-lock:shop=" + id}) {
		t.Errorf("leases %v, want only the holder's", got)
	}
}

// A lease whose expires has passed is taken over: that tag is removed by
// its id and a new one created; the apply goes on and releases it.
func TestApplyTakesOverStaleLease(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	old := seedLease(t, fake, "shop", time.Now().Add(-3*time.Hour), time.Now().Add(-time.Minute))
	r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy")
	if r.code != 0 || !strings.Contains(r.stdout, "Apply complete!") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	removed := false
	for _, req := range fake.Requests() {
		if slices.Contains(req.Procs, "tag.remove") && strings.Contains(string(req.Body), old) {
			removed = true
		}
	}
	if !removed {
		t.Error("the stale tag was not removed by its id")
	}
	if l := leaseTags(t, fake); len(l) != 0 {
		t.Errorf("leases left: %v", l)
	}
}

// The leases are released when the apply fails and when it is
// interrupted.
func TestApplyReleasesLeases(t *testing.T) {
	t.Run("failure", func(t *testing.T) {
		fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey,
			Faults: []dokploytest.Fault{{Kind: dokploytest.FaultFailItems, Procs: []string{"application.create"}}}})
		r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy")
		if r.code != 1 {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		if l := leaseTags(t, fake); len(l) != 0 {
			t.Errorf("leases left: %v", l)
		}
	})
	t.Run("interrupt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, OnRequest: func(r dokploytest.Request) {
			if slices.Contains(r.Procs, "project.create") {
				cancel() // Ctrl-C in the middle of the apply
			}
		}})
		r := runCLI(t, ctx, fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy")
		if r.code != exitInterrupted || !strings.Contains(r.stderr, "interrupted") {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		if l := leaseTags(t, fake); len(l) != 0 {
			t.Errorf("leases left: %v", l)
		}
	})
}

// --no-lock takes no lease at all.
func TestApplyNoLock(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	seedLease(t, fake, "shop", time.Now(), time.Now().Add(time.Hour))
	fake.ResetRequests()
	r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy", "--no-lock")
	if r.code != 0 || !strings.Contains(r.stdout, "Apply complete!") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := tagRequests(fake); n != 0 {
		t.Errorf("%d tag calls with --no-lock", n)
	}
}

// A Dokploy older than v0.29.0 has no tags: apply warns loudly that
// concurrent applies cannot be detected, and goes on.
func TestApplyOldServerWarns(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey, Version: "v0.28.4"})
	r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy")
	if r.code != 0 || !strings.Contains(r.stdout, "Apply complete!") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "WARNING: this Dokploy server has no tags (they arrived in v0.29.0): concurrent applies cannot be detected") {
		t.Errorf("no warning:\n%s", r.stderr)
	}
}

// A key that may not create tags refuses, suggesting --no-lock.
func TestApplyKeyWithoutTagPermission(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey,
		Faults: []dokploytest.Fault{{Kind: dokploytest.FaultFailItems, Status: 401, Procs: []string{"tag.create"}}}})
	r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy")
	if r.code != 1 || !strings.Contains(r.stderr, "this API key may not create tags") || !strings.Contains(r.stderr, "--no-lock") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := resourceMutations(fake); n != 0 {
		t.Errorf("%d mutations", n)
	}
}

// force-unlock removes the lease after confirmation (--auto-approve), and
// without a terminal to ask on it refuses.
func TestForceUnlock(t *testing.T) {
	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: testAPIKey})
	seedLease(t, fake, "shop", time.Now(), time.Now().Add(time.Hour))
	r := runCLI(t, context.Background(), fake, "", "force-unlock", "shop")
	if r.code != 1 || !strings.Contains(r.stdout, "held by pid 4242 on ci-runner-7") || len(leaseTags(t, fake)) != 1 {
		t.Fatalf("without confirmation: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, context.Background(), fake, "", "force-unlock", "shop", "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Removed the lease of shop.") || len(leaseTags(t, fake)) != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, context.Background(), fake, "", "force-unlock", "shop", "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "shop has no lease") {
		t.Fatalf("again: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The freed lease lets an apply through.
	if r := runCLI(t, context.Background(), fake, writeSpec(t, leaseSpec), "apply", "--auto-approve", "--no-deploy"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
