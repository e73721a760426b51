package dokploy

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// MinVersion is the oldest Dokploy server dokploy-sync supports: environments
// with isDefault arrived in v0.26.1.
const MinVersion = "v0.26.1"

// Observe reads the live state of the projects named in names, in two
// dependent round trips whatever their size: first the server version, the
// key's role and project.all; then, in one batched round trip, project.one of
// every project with a declared name and the .one of each of their services.
// Projects with other names are never read beyond project.all.
//
// The first round trip also reads the instance resources of the kinds
// named in instance (kinds.Kind.Read.Proc: destination.all, ...): the
// ones the spec declares or references. A kind that cannot be read is in
// Live.ItemErrors (the caller decides: plan fails, export warns).
//
// Observe tells the client the key's role (SetRole), so that the creates
// of a key that is neither owner nor admin go one at a time from then on.
func (c *Client) Observe(ctx context.Context, names []string, instance ...string) (*Live, error) {
	live := &Live{Projects: map[string][]*Project{}, Items: Items{}}
	var member struct {
		Role string `json:"role"`
	}
	var all []*Project
	version := NewCall("settings.getDokployVersion", nil, &live.Version)
	user := NewCall("user.get", nil, &member)
	projects := NewCall("project.all", nil, &all)
	tags := NewCall("tag.all", nil, &live.Tags)
	first := []*Call{version, user, projects, tags}
	// Kinds that read one procedure share its call (the git provider
	// kinds all read gitProvider.getAll); instance kinds have no input.
	reads := map[string]*Call{}
	var read []*kinds.Kind
	for _, name := range instance {
		k := kinds.ByName(name)
		if k == nil || k.Read.Proc == "" || slices.Contains(read, k) {
			continue
		}
		read = append(read, k)
		if reads[k.Read.Proc] == nil {
			reads[k.Read.Proc] = NewCall(k.Read.Proc, k.Read.Input, &[]Row{})
			first = append(first, reads[k.Read.Proc])
		}
	}
	c.Do(ctx, first...)
	for _, k := range read {
		call := reads[k.Read.Proc]
		if call.Err != nil {
			if live.ItemErrors == nil {
				live.ItemErrors = map[string]error{}
			}
			live.ItemErrors[k.Name] = fmt.Errorf("reading the %s (%s): %w", k.Plural(), call.Proc, call.Err)
			continue
		}
		live.Items[k.Name] = KindRows(k, *call.Out.(*[]Row))
	}
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
	c.SetRole(live.Role)    // the creates of a role other than owner and admin go one at a time

	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
		live.Projects[n] = nil
	}
	f := fetcher{apps: map[string]*Application{}, composes: map[string]*Compose{}, dbs: map[string]*Database{}}
	var ones []*Project
	others := map[string]bool{}
	for _, p := range all {
		if !want[p.Name] {
			if !others[p.Name] {
				others[p.Name] = true
				live.Undeclared = append(live.Undeclared, p.Name)
			}
			continue
		}
		one := &Project{}
		ones = append(ones, one)
		f.calls = append(f.calls, NewCall("project.one", map[string]string{"projectId": p.ProjectID}, one))
		f.services(p.Environments)
	}
	sort.Strings(live.Undeclared)
	if err := c.Do(ctx, f.calls...); err != nil {
		return nil, err
	}
	f.merge()
	// A service created between the two reads is in project.one but was not
	// fetched: read those in one more round trip.
	f.calls = nil
	for _, p := range ones {
		f.services(p.Environments)
	}
	if err := c.Do(ctx, f.calls...); err != nil {
		return nil, err
	}
	f.merge()
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

// fetcher collects the .one calls of services not fetched yet, and the
// list calls of the described kinds that services do not embed.
type fetcher struct {
	calls    []*Call
	apps     map[string]*Application
	composes map[string]*Compose
	dbs      map[string]*Database
	lists    []list
}

// list is the answer of a kind's list procedure for one service, merged
// into its Items once the round trip is done (the .one answer sets them).
type list struct {
	kind  string
	rows  *[]Row
	items *Items
}

// listCalls adds the list calls of the kinds of a service that its .one
// does not embed (kinds.Read.Proc).
func (f *fetcher) listCalls(parent, id string, items *Items) {
	for _, k := range kinds.Of(parent) {
		if k.Singleton || k.Read.Proc == "" {
			continue
		}
		in := map[string]any{}
		for key, v := range k.Read.Input {
			in[key] = v
		}
		in[k.Read.ParentKey] = id
		if k.Read.ParentType != "" {
			in[k.Read.ParentType] = parent
		}
		rows := &[]Row{}
		f.lists = append(f.lists, list{kind: k.Name, rows: rows, items: items})
		f.calls = append(f.calls, NewCall(k.Read.Proc, in, rows))
	}
}

func (f *fetcher) merge() {
	for _, l := range f.lists {
		if *l.items == nil {
			*l.items = Items{}
		}
		if *l.rows == nil {
			*l.rows = []Row{}
		}
		(*l.items)[l.kind] = *l.rows
	}
	f.lists = nil
}

func (f *fetcher) services(envs []*Environment) {
	for _, e := range envs {
		for _, a := range e.Applications {
			if f.apps[a.ApplicationID] == nil {
				full := &Application{}
				f.apps[a.ApplicationID] = full
				f.calls = append(f.calls, NewCall("application.one", map[string]string{"applicationId": a.ApplicationID}, full))
				f.listCalls("application", a.ApplicationID, &full.Items)
			}
		}
		for _, cm := range e.Compose {
			if f.composes[cm.ComposeID] == nil {
				full := &Compose{}
				f.composes[cm.ComposeID] = full
				f.calls = append(f.calls, NewCall("compose.one", map[string]string{"composeId": cm.ComposeID}, full))
				f.listCalls("compose", cm.ComposeID, &full.Items)
			}
		}
		for _, d := range e.Databases {
			if f.dbs[d.Kind+"/"+d.ID] == nil {
				full := &Database{Kind: d.Kind}
				f.dbs[d.Kind+"/"+d.ID] = full
				f.calls = append(f.calls, NewCall(d.Kind+".one", map[string]string{IDKey(d.Kind): d.ID}, full))
				f.listCalls(d.Kind, d.ID, &full.Items)
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
