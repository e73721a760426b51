package dokploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Leases keep two applies of one project from running at once, without
// local state: the lease of project P is the Dokploy tag named
// LeasePrefix+P ("dokploy-sync-lock:shop"), whose color (free text) holds
// the holder's LeaseHolder as JSON. Taking a lease is one tag.create: tag
// names are UNIQUE(organizationId, name) in Dokploy's database, so of two
// creates of one name exactly one INSERT succeeds and the other fails
// (answered 400 with the failed SQL INSERT: capture 558; the router's
// CONFLICT branch does not match in v0.30.2). Releasing is tag.remove of the
// tag's id.
//
// The DB pool (DESIGN §10): tag.create is one INSERT, tag.remove one read
// and one DELETE, tag.all one SELECT, each after the permission check's
// reads; none runs in db.transaction, so none holds a pool connection while
// it waits for another (routers/tag.ts, v0.30.2).
//
// The tag router arrived in Dokploy v0.29.0: older servers answer 404
// (ErrNoLeases).

// LeasePrefix starts the name of every lease tag.
const LeasePrefix = "dokploy-sync-lock:"

// LeaseName is the name of the tag that is project's lease.
func LeaseName(project string) string { return LeasePrefix + project }

// LeaseHolder says who holds a lease; it is the tag's color, as JSON.
type LeaseHolder struct {
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Expires: after it the lease is stale and the next apply takes it over.
	Expires time.Time `json:"expires"`
}

func (h LeaseHolder) String() string {
	return fmt.Sprintf("pid %d on %s since %s", h.PID, h.Host, h.Started.Local().Format(time.RFC3339))
}

// Lease is one lease taken.
type Lease struct {
	Project string
	TagID   string
}

// LeaseOptions describe the holder.
type LeaseOptions struct {
	Host string
	PID  int
	TTL  time.Duration // how long the lease lasts (it is not renewed)
	Now  func() time.Time
}

// ErrNoLeases: the server has no tag router (Dokploy older than v0.29.0),
// so a concurrent apply cannot be detected.
var ErrNoLeases = errors.New("this Dokploy server has no tags (they arrived in v0.29.0): concurrent applies cannot be detected")

// HeldError: another apply holds a project's lease.
type HeldError struct {
	Project string
	TagID   string       // "" when the tag could not be found again
	Holder  *LeaseHolder // nil when the tag's color is not a holder's
}

func (e *HeldError) Error() string {
	who := "another apply (its tag does not say who)"
	if e.Holder != nil {
		who = "another apply, " + e.Holder.String()
	}
	return fmt.Sprintf("%s is locked by %s: wait for it to finish, or, if no apply is running, run dokploy-sync force-unlock %s (or delete the tag %q in the Dokploy UI); nothing was changed",
		e.Project, who, e.Project, LeaseName(e.Project))
}

// ForbiddenError: the key may not create tags (a member's key, or a custom
// role without tag permissions).
type ForbiddenError struct{ Err error }

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("this API key may not create tags, which apply uses as leases against concurrent applies (%v): use a key of an owner or admin, or apply with --no-lock if nothing else applies to these projects; nothing was changed", e.Err)
}

func (e *ForbiddenError) Unwrap() error { return e.Err }

// Tag is a row of Dokploy's tag table.
type Tag struct {
	TagID     string  `json:"tagId"`
	Name      string  `json:"name"`
	Color     *string `json:"color"`
	CreatedAt string  `json:"createdAt"`
}

// Tags reads every tag of the organization (tag.all).
func (c *Client) Tags(ctx context.Context) ([]Tag, error) {
	var tags []Tag
	call := NewCall("tag.all", nil, &tags)
	if err := c.Do(ctx, call); err != nil {
		return nil, leaseError(err)
	}
	return tags, nil
}

// FindLease returns project's lease tag and its holder (nil when the color
// is not a holder's), or a nil tag when the lease is not held.
func (c *Client) FindLease(ctx context.Context, project string) (*Tag, *LeaseHolder, error) {
	tags, err := c.Tags(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range tags {
		if tags[i].Name == LeaseName(project) {
			return &tags[i], parseHolder(tags[i].Color), nil
		}
	}
	return nil, nil, nil
}

// RemoveTag removes a tag by its id (tag.remove).
func (c *Client) RemoveTag(ctx context.Context, tagID string) error {
	return c.Do(ctx, NewCall("tag.remove", map[string]string{"tagId": tagID}, nil))
}

func parseHolder(color *string) *LeaseHolder {
	if color == nil {
		return nil
	}
	var h LeaseHolder
	if json.Unmarshal([]byte(*color), &h) != nil || h.Started.IsZero() {
		return nil
	}
	return &h
}

// Acquire takes the leases of projects, in sorted order (two applies of
// overlapping projects cannot each hold one the other waits for: the
// second one refuses at the first lease it cannot take). On any failure it
// releases what it took and returns a *HeldError, a *ForbiddenError,
// ErrNoLeases or the API's error.
func (c *Client) Acquire(ctx context.Context, projects []string, opts LeaseOptions) ([]Lease, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	now := opts.Now().UTC()
	holder := LeaseHolder{Host: opts.Host, PID: opts.PID, Started: now, Expires: now.Add(opts.TTL)}
	color, _ := json.Marshal(holder)
	sorted := append([]string(nil), projects...)
	sort.Strings(sorted)
	var taken []Lease
	for _, p := range sorted {
		l, err := c.acquireLease(ctx, p, string(color), now)
		if err != nil {
			c.Release(ctx, taken) //nolint:errcheck // the error to report is err
			return nil, err
		}
		taken = append(taken, l)
	}
	return taken, nil
}

// acquire takes one lease, taking over a stale one.
func (c *Client) acquireLease(ctx context.Context, project, color string, now time.Time) (Lease, error) {
	var last error // the create's own failure, when no tag explains it
	for attempt := 0; attempt < 3; attempt++ {
		var tag Tag
		err := c.Do(ctx, NewCall("tag.create", map[string]string{"name": LeaseName(project), "color": color}, &tag))
		last = err
		if err == nil {
			return Lease{Project: project, TagID: tag.TagID}, nil
		}
		if !held(err) && !IsUncertain(err) {
			return Lease{}, leaseError(err)
		}
		// Held, or the create's answer was lost: read who holds it.
		found, h, rerr := c.FindLease(ctx, project)
		switch {
		case rerr != nil:
			return Lease{}, rerr
		case found == nil:
			// Released since, or the lost create was not made: again.
		case found.Color != nil && *found.Color == color:
			// The create whose answer was lost did succeed: it is ours.
			return Lease{Project: project, TagID: found.TagID}, nil
		case h == nil || now.Before(h.Expires) || attempt > 0:
			return Lease{}, &HeldError{Project: project, TagID: found.TagID, Holder: h}
		default:
			// Stale: remove THAT tag, by its id, and create anew. By id, so
			// that of two applies taking over the same stale lease, the
			// second's remove misses (404) instead of removing the fresh
			// lease the first one just created; its create then fails on
			// the unique name and it refuses.
			if err := c.RemoveTag(ctx, found.TagID); err != nil && !IsNotFound(err) {
				return Lease{}, leaseError(err)
			}
		}
	}
	if last != nil && !IsUncertain(last) {
		// Three creates failed on the INSERT, and no tag of that name
		// exists: not a lease held, some other failure of the database.
		return Lease{}, fmt.Errorf("taking the lease of %s: %w", project, last)
	}
	return Lease{}, &HeldError{Project: project}
}

// held reports whether a tag.create failed on the unique tag name: the 400
// quoting the failed INSERT into "tag" (Dokploy v0.29-v0.30), or a 409
// (the router's CONFLICT branch, should a later version hit it).
func held(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Status == 409 || e.Status == 400 && strings.Contains(e.Message, `insert into "tag"`)
}

// leaseError maps the errors of the tag router: 404, no router; a 401 or
// 403 that is not the bare "Unauthorized" of a bad key, a role without tag
// permissions.
func leaseError(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Status == 404:
		return ErrNoLeases
	case e.Status == 403, e.Status == 401 && e.Message != "Unauthorized" && e.Message != "UNAUTHORIZED":
		return &ForbiddenError{Err: err}
	}
	return err
}

// Release removes the leases' tags. It is meant to run after the apply,
// also when it failed or was interrupted: it uses a context of its own that
// the caller's cancellation does not end, bounded to a short timeout. It
// returns the leases it could not release with the errors.
func (c *Client) Release(ctx context.Context, leases []Lease) error {
	// Neither an interrupt nor the second one (Options.Abort) stops it.
	ctx, cancel := context.WithTimeout(withoutAbort(context.WithoutCancel(ctx)), 15*time.Second)
	defer cancel()
	var errs []error
	for i := len(leases) - 1; i >= 0; i-- {
		l := leases[i]
		if err := c.RemoveTag(ctx, l.TagID); err != nil && !IsNotFound(err) {
			var u *UncertainError
			if errors.As(err, &u) {
				err = u.Err // the lease is read again by the next apply anyway
			}
			errs = append(errs, fmt.Errorf("the lease of %s (tag %q, id %s) could not be released: %w; remove it with dokploy-sync force-unlock %s", l.Project, LeaseName(l.Project), l.TagID, err, l.Project))
		}
	}
	return errors.Join(errs...)
}
