package apply

import (
	"fmt"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// The generic apply of described kinds (package kinds). An instance
// resource is created in its own level, before the projects (services
// name it); a child of a service is created or updated in the writes
// round trip, when its parent exists; settings go into the service's own
// update (settingsInput).

// item builds the op of an instance resource or a child.
func (r *run) item(o *op) error {
	c := o.c
	k := kinds.ByName(c.Kind)
	want := c.Desired.(*spec.Object)
	live, _ := c.Live.(dokploy.Row)
	if k.Instance() && c.Action == planner.Create {
		in, err := r.input(k, c, want, live)
		if err != nil {
			return err
		}
		answer := &dokploy.Created{IDKey: k.IDKey}
		o.create = dokploy.NewCall(write(k, in, nil, k.ProcCreate()), in, answer)
		o.created = func() string {
			if answer.ID != "" {
				r.ids[c.Address] = answer.ID
			}
			return ""
		}
		o.writes = func(string) ([]*dokploy.Call, error) { return nil, nil }
		return nil
	}
	o.writes = func(id string) ([]*dokploy.Call, error) {
		in, err := r.input(k, c, want, live)
		if err != nil {
			return nil, err
		}
		if c.Action == planner.Create {
			return []*dokploy.Call{dokploy.NewCall(write(k, in, nil, k.ProcCreate()), in, nil)}, nil
		}
		in[k.IDKey] = id
		return []*dokploy.Call{dokploy.NewCall(write(k, in, live, k.ProcUpdate()), in, nil)}, nil
	}
	return nil
}

// write lets the kind's Hooks.Write reshape an input and choose its
// procedure; proc is the kind's own.
func write(k *kinds.Kind, in map[string]any, live dokploy.Row, proc string) string {
	if k.Hooks.Write == nil {
		return proc
	}
	if p := k.Hooks.Write(in, live); p != "" {
		return p
	}
	return proc
}

// input is the input of the create or update of an item: on create the
// fields the file sets (and the defaults of the others, kinds.Create.Full),
// with the parent's id; on a partial update the changed fields; on a full
// update (kinds.Update.Full) every field, the desired value, else the
// live one, else the default; and on every update the live keys it needs
// (kinds.Update.Keep).
func (r *run) input(k *kinds.Kind, c *planner.Change, want *spec.Object, live dokploy.Row) (map[string]any, error) {
	in := map[string]any{}
	create := c.Action == planner.Create
	for _, f := range k.Fields {
		v, set := want.Values[f.Name]
		switch {
		case f.Local:
		case set && (create || k.Update.Full || c.HasField(f.Name)):
			x, err := r.apiValue(c, f, v)
			if err != nil {
				return nil, err
			}
			in[f.APIName()] = x
		case create && k.Create.Full && f.Default != nil:
			in[f.APIName()] = f.Default
		case !create && k.Update.Full:
			if lv, ok := live[f.APIName()]; ok && !(f.Type == kinds.String && (lv == nil || lv == "")) {
				in[f.APIName()] = lv
			} else if f.Default != nil || f.Nullable {
				in[f.APIName()] = f.Default
			}
		}
	}
	if k.Instance() && (create || k.Update.Full) {
		in[k.NameField] = c.Name
	}
	if create {
		for key, v := range k.Create.Fixed {
			in[key] = v
		}
		parent := ""
		if !k.Instance() {
			pid, err := r.parentID(c)
			if err != nil {
				return nil, err
			}
			parent = parentKind(c)
			in[k.Create.ParentKey(parent)] = pid
		}
		if k.Hooks.CreateInput != nil {
			k.Hooks.CreateInput(in, parent)
		}
	} else {
		for _, key := range k.Update.Keep {
			in[key] = live[key]
		}
	}
	return in, nil
}

// apiValue is a file value in the API's form, the names of Ref fields
// resolved to ids (of live resources, or of ones this apply created).
func (r *run) apiValue(c *planner.Change, f *kinds.Field, v any) (any, error) {
	var missing error
	ref := func(kind, name string) string {
		id := r.ids[planner.InstanceAddr(kind, name)]
		if id == "" && missing == nil {
			missing = fmt.Errorf("%s: %s %q has no id (it was not created)", c.Address, kind, name)
		}
		return id
	}
	if s, ok := v.(string); ok && f.Ref != "" {
		return ref(f.Ref, s), missing
	}
	if m, ok := v.(map[string]string); ok && f.Type == kinds.Env {
		return r.envText(c.Address, m, nil) // references resolved, as env's
	}
	if f.Nullable && empty(v) {
		return nil, nil // an empty list or map clears a nullable column
	}
	if o, ok := v.(*spec.Object); ok {
		return planner.APIObject(f.Fields, o, ref), missing
	}
	return planner.SpecAPI(f, v), nil
}

// empty reports whether v is an empty list or map of the file.
func empty(v any) bool {
	switch x := v.(type) {
	case []string:
		return len(x) == 0
	case []*spec.Object:
		return len(x) == 0
	case map[string]string:
		return len(x) == 0
	}
	return false
}

// settingsInput adds to a service's update input the settings (singleton
// kinds) the change sets, but those sent with the create (CreateOnly).
func (r *run) settingsInput(c *planner.Change, objs spec.Objects, parent string, in map[string]any) error {
	return r.settings(c, objs, parent, in, false)
}

// createSettings adds to a service's create input its CreateOnly settings
// (server).
func (r *run) createSettings(c *planner.Change, in map[string]any) error {
	return r.settings(c, planner.ObjectsOf(c.Desired), c.Kind, in, true)
}

func (r *run) settings(c *planner.Change, objs spec.Objects, parent string, in map[string]any, create bool) error {
	for _, k := range kinds.Of(parent) {
		if !k.Singleton || k.Hooks.Act != nil {
			continue // acts (acts) are no update's keys
		}
		prefix := ""
		if !k.Inline {
			prefix = k.Key + "."
		}
		for _, o := range objs[k.Name] {
			for _, f := range k.Fields {
				v, set := o.Values[f.Name]
				if !set || f.Local || f.CreateOnly != create || !create && !c.HasField(prefix+f.Name) {
					continue
				}
				if f.Flat {
					sub, _ := v.(*spec.Object)
					if sub == nil {
						sub = &spec.Object{Values: nullAll(f.Fields)}
					}
					for _, sf := range f.Fields {
						if sv, set := sub.Values[sf.Name]; set && (create || c.HasField(prefix+f.Name+"."+sf.Name)) {
							x, err := r.apiValue(c, sf, sv)
							if err != nil {
								return err
							}
							in[sf.APIName()] = x
						}
					}
					continue
				}
				x, err := r.apiValue(c, f, v)
				if err != nil {
					return err
				}
				in[f.APIName()] = x
			}
		}
	}
	return nil
}

// setting is the value the spec sets for a field of a singleton kind k
// (nil when it sets none).
func setting(objs spec.Objects, k *kinds.Kind, field string) any {
	for _, o := range objs[k.Name] {
		if v, ok := o.Values[field]; ok {
			return v
		}
	}
	return nil
}

// nullAll sets every field to null: a flat object set to null clears its
// fields.
func nullAll(fields []*kinds.Field) map[string]any {
	m := map[string]any{}
	for _, f := range fields {
		m[f.Name] = nil
	}
	return m
}

// findCreated finds the ids of instance resources whose create answers
// nothing (kinds.Nothing): by name, among the items of their list that
// were not there before.
func (r *run) findCreated(ops []*op) {
	lists := map[string]*dokploy.Call{}
	var calls []*dokploy.Call
	var pending []*op
	for _, o := range ops {
		k := kinds.ByName(o.c.Kind)
		if o.failed != nil || o.create == nil || k == nil || k.Create.Answer != kinds.Nothing || r.ids[o.c.Address] != "" {
			continue
		}
		pending = append(pending, o)
		if lists[k.Name] == nil {
			call := dokploy.NewCall(k.Read.Proc, k.Read.Input, &[]dokploy.Row{})
			lists[k.Name] = call
			calls = append(calls, call)
		}
	}
	if len(calls) == 0 {
		return
	}
	r.d.Do(r.ctx, calls...)
	known := map[string]bool{}
	for _, id := range r.ids {
		known[id] = true
	}
	for _, o := range pending {
		k := kinds.ByName(o.c.Kind)
		call := lists[k.Name]
		if call.Err != nil {
			o.failed = fmt.Errorf("created, but reading %s to find its id failed: %w", call.Proc, call.Err)
			continue
		}
		var found []string
		for _, row := range dokploy.KindRows(k, *call.Out.(*[]dokploy.Row)) {
			if n, _ := row[k.NameField].(string); n == o.c.Name && !known[row.ID(k.IDKey)] {
				found = append(found, row.ID(k.IDKey))
			}
		}
		if len(found) != 1 {
			o.failed = fmt.Errorf("created, but found %d new %s named %q, so its id is unknown; run plan to see the state", len(found), k.Plural(), o.c.Name)
			continue
		}
		r.ids[o.c.Address] = found[0]
		known[found[0]] = true
	}
}

// actTimeout bounds a call that acts on a service (a stop or start): it
// runs Docker commands before it answers.
const actTimeout = 5 * time.Minute

// acts runs, in one round trip after the writes and before any deploy,
// the calls of the changed fields of singleton kinds that act on their
// service (kinds.Hooks.Act: the run state's <kind>.stop and
// <kind>.start). A create acts on nothing: a new service is idle until
// its deploy, and one whose spec says stopped is not deployed.
func (r *run) acts(ops []*op) {
	var calls []*dokploy.Call
	owner := map[*dokploy.Call]*op{}
	for _, o := range ops {
		c := o.c
		if o.failed != nil || c.Action != planner.Update || kinds.ByName(c.Kind) != nil {
			continue
		}
		objs := planner.ObjectsOf(c.Desired)
		for _, k := range kinds.Of(c.Kind) {
			if !k.Singleton || k.Hooks.Act == nil {
				continue
			}
			var row map[string]any
			if rows := planner.LiveItems(c.Live)[k.Name]; len(rows) > 0 {
				row = rows[0]
			}
			for _, f := range k.Fields {
				name := f.Name
				if !k.Inline {
					name = k.Key + "." + f.Name
				}
				if c.Field(name) == nil {
					continue
				}
				proc := k.Hooks.Act(c.Kind, setting(objs, k, f.Name), row)
				if proc == "" {
					continue // a deploy does it (the plan owes it one)
				}
				call := dokploy.NewCall(proc, map[string]any{dokploy.IDKey(c.Kind): c.LiveID}, nil)
				call.Timeout = actTimeout
				calls = append(calls, call)
				owner[call] = o
			}
		}
	}
	r.do(calls, owner)
	for _, call := range calls {
		if o := owner[call]; call.Err == nil && o.note == "" {
			o.note = call.Proc // the log line says what was done: "updated (application.stop)"
		}
	}
}
