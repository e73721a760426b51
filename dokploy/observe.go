package dokploy

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// MinVersion is the oldest Dokploy server dokploy-sync supports: environments
// with isDefault arrived in v0.26.1.
const MinVersion = "v0.26.1"

// Observe reads the live state of the projects named in names, in two
// dependent round trips whatever their size: first the server version, the
// key's role and project.all; then, in one batched round trip, project.one of
// every project with a declared name and the .one of each of their services.
// Projects with other names are never read beyond project.all.
func (c *Client) Observe(ctx context.Context, names []string) (*Live, error) {
	live := &Live{Projects: map[string][]*Project{}}
	var member struct {
		Role string `json:"role"`
	}
	var all []*Project
	version := NewCall("settings.getDokployVersion", nil, &live.Version)
	user := NewCall("user.get", nil, &member)
	projects := NewCall("project.all", nil, &all)
	tags := NewCall("tag.all", nil, &live.Tags)
	c.Do(ctx, version, user, projects, tags)
	if tags.Err != nil {
		live.Tags = nil // no tags on this server (before v0.29.0), or not readable
	} else if live.Tags == nil {
		live.Tags = []Tag{}
	}
	for _, call := range []*Call{version, projects} {
		if call.Err != nil {
			return nil, call.Err
		}
	}
	if err := CheckVersion(live.Version); err != nil {
		return nil, err
	}
	live.Role = member.Role // user.get may legitimately answer nothing

	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
		live.Projects[n] = nil
	}
	f := fetcher{apps: map[string]*Application{}, composes: map[string]*Compose{}, dbs: map[string]*Database{}}
	var ones []*Project
	for _, p := range all {
		if !want[p.Name] {
			continue
		}
		one := &Project{}
		ones = append(ones, one)
		f.calls = append(f.calls, NewCall("project.one", map[string]string{"projectId": p.ProjectID}, one))
		f.services(p.Environments)
	}
	if err := c.Do(ctx, f.calls...); err != nil {
		return nil, err
	}
	// A service created between the two reads is in project.one but was not
	// fetched: read those in one more round trip.
	f.calls = nil
	for _, p := range ones {
		f.services(p.Environments)
	}
	if err := c.Do(ctx, f.calls...); err != nil {
		return nil, err
	}
	for _, p := range ones {
		for _, e := range p.Environments {
			for i, a := range e.Applications {
				e.Applications[i] = f.apps[a.ApplicationID]
			}
			for i, cm := range e.Compose {
				e.Compose[i] = f.composes[cm.ComposeID]
			}
			for i, d := range e.Databases {
				full := f.dbs[d.Kind+"/"+d.ID]
				full.Kind, full.ID = d.Kind, d.ID
				e.Databases[i] = full
			}
		}
		live.Projects[p.Name] = append(live.Projects[p.Name], p)
	}
	return live, nil
}

// fetcher collects the .one calls of services not fetched yet.
type fetcher struct {
	calls    []*Call
	apps     map[string]*Application
	composes map[string]*Compose
	dbs      map[string]*Database
}

func (f *fetcher) services(envs []*Environment) {
	for _, e := range envs {
		for _, a := range e.Applications {
			if f.apps[a.ApplicationID] == nil {
				full := &Application{}
				f.apps[a.ApplicationID] = full
				f.calls = append(f.calls, NewCall("application.one", map[string]string{"applicationId": a.ApplicationID}, full))
			}
		}
		for _, cm := range e.Compose {
			if f.composes[cm.ComposeID] == nil {
				full := &Compose{}
				f.composes[cm.ComposeID] = full
				f.calls = append(f.calls, NewCall("compose.one", map[string]string{"composeId": cm.ComposeID}, full))
			}
		}
		for _, d := range e.Databases {
			if f.dbs[d.Kind+"/"+d.ID] == nil {
				full := &Database{Kind: d.Kind}
				f.dbs[d.Kind+"/"+d.ID] = full
				f.calls = append(f.calls, NewCall(d.Kind+".one", map[string]string{IDKey(d.Kind): d.ID}, full))
			}
		}
	}
}

// CheckVersion refuses servers older than MinVersion. A version it cannot
// read (a custom build) is accepted.
func CheckVersion(v string) error {
	have, ok := parseVersion(v)
	if !ok {
		return nil
	}
	min, _ := parseVersion(MinVersion)
	for i := range have {
		if have[i] != min[i] {
			if have[i] < min[i] {
				return fmt.Errorf("the Dokploy server is %s; dokploy-sync needs %s or newer (environments and isDefault); upgrade Dokploy", v, MinVersion)
			}
			return nil
		}
	}
	return nil
}

func parseVersion(v string) ([3]int, bool) {
	var out [3]int
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	v, _, _ = strings.Cut(v, "-")
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return out, false
		}
		out[i] = n
	}
	return out, true
}
