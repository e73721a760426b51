package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// lock takes the leases of the declared projects (dokploy/lease.go) for
// ttl. On a Dokploy without tags it warns and goes on.
func (s *session) lock(ctx context.Context, ttl time.Duration) error {
	host, _ := os.Hostname()
	leases, err := s.client.Acquire(ctx, spec.SortedKeys(s.spec.Projects), dokploy.LeaseOptions{Host: host, PID: os.Getpid(), TTL: ttl})
	switch {
	case errors.Is(err, dokploy.ErrNoLeases):
		fmt.Fprintf(s.g.stderr, "WARNING: %v on this Dokploy version. Make sure no other apply of these projects runs at the same time, or upgrade Dokploy.\n", err)
		return nil
	case err != nil:
		return &exitError{code: 1, msg: s.secret.redact(err.Error())}
	}
	s.leases = leases
	return nil
}

// stillLocked checks, after the confirmation (which a user may leave open
// for longer than the leases last), that every lease is still this
// apply's: an expired one may have been taken over by another apply.
func (s *session) stillLocked(ctx context.Context) error {
	if len(s.leases) == 0 {
		return nil
	}
	tags, err := s.client.Tags(ctx)
	if err != nil {
		return &exitError{code: 1, msg: s.secret.redact("checking the apply's leases: "+err.Error()) + "; nothing was changed"}
	}
	ours := map[string]bool{}
	for _, t := range tags {
		ours[t.TagID] = true
	}
	for _, l := range s.leases {
		if !ours[l.TagID] {
			return &exitError{code: 1, msg: fmt.Sprintf("the lease of %s expired while this apply waited and another apply may hold it now; nothing was changed; run apply again", l.Project)}
		}
	}
	return nil
}

// unlock releases the leases taken by lock, even when ctx was cancelled.
func (s *session) unlock(ctx context.Context) {
	if len(s.leases) == 0 {
		return
	}
	if err := s.client.Release(ctx, s.leases); err != nil {
		fmt.Fprintf(s.g.stderr, "Warning: %s\n", s.secret.redact(err.Error()))
	}
	s.leases = nil
}

// forceUnlockCmd removes a project's lease left by an apply that did not
// end cleanly (killed, or its release failed).
type forceUnlockCmd struct {
	Project     string `arg:"" help:"The project whose lease to remove." placeholder:"PROJECT"`
	AutoApprove bool   `name:"auto-approve" help:"Remove it without asking."`
}

func (c *forceUnlockCmd) Run(ctx context.Context, g *Globals) error {
	client, err := g.newClient(ctx, nil)
	if err != nil {
		return err
	}
	tag, holder, err := client.FindLease(ctx, c.Project)
	switch {
	case errors.Is(err, dokploy.ErrNoLeases):
		return &exitError{code: 1, msg: err.Error() + "; there is no lease to remove"}
	case err != nil:
		return &exitError{code: 1, msg: err.Error()}
	case tag == nil:
		fmt.Fprintf(g.stdout, "%s has no lease (no tag %q): nothing to remove.\n", c.Project, dokploy.LeaseName(c.Project))
		return nil
	}
	who := "a holder it does not name"
	if holder != nil {
		who = holder.String() + ", expires " + holder.Expires.Local().Format(time.RFC3339)
	}
	fmt.Fprintf(g.stdout, "The lease of %s (tag %q, id %s) is held by %s.\nRemove it only if no apply of %s is running: a running apply would go on unprotected.\n",
		c.Project, tag.Name, tag.TagID, who, c.Project)
	if !c.AutoApprove {
		if err := askYes(g, "Remove the lease?"); err != nil {
			return err
		}
	}
	if err := client.RemoveTag(ctx, tag.TagID); err != nil && !dokploy.IsNotFound(err) {
		return &exitError{code: 1, msg: err.Error()}
	}
	fmt.Fprintf(g.stdout, "Removed the lease of %s.\n", c.Project)
	return nil
}
