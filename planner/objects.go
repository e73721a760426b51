package planner

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// The generic planning of described kinds (package kinds): instance
// resources matched by name, children of services matched by identity,
// settings of services compared field by field. Fields are compared in
// the API's form, shown in the file's (sizes, durations, names for ids).

// InstanceAddr is the address of an instance resource: destination[s3].
func InstanceAddr(kind, name string) string { return kind + "[" + name + "]" }

// ReadKinds are the instance kinds Observe must read for the spec: the
// ones it declares and the ones its items and sources reference by name.
func ReadKinds(f *spec.File) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range kinds.Instance() {
		if _, ok := f.Objects[k.Name]; ok {
			add(k.Name)
		}
	}
	f.WalkObjects(func(_ string, o *spec.Object) {
		for _, r := range namedRefs(o.Kind.Fields, o) {
			add(r.kind)
		}
	})
	for _, r := range sourceReadKinds(f) {
		add(r)
	}
	sort.Strings(out)
	return out
}

// namedRef is a reference a file value holds: a kind and a name.
type namedRef struct{ kind, name string }

// namedRefs lists the references the Ref fields set in o hold, nested
// objects' too.
func namedRefs(fields []*kinds.Field, o *spec.Object) []namedRef {
	var out []namedRef
	for _, f := range fields {
		switch x := o.Values[f.Name].(type) {
		case string:
			if f.Ref != "" {
				out = append(out, namedRef{f.Ref, x})
			}
		case *spec.Object:
			out = append(out, namedRefs(f.Fields, x)...)
		case []*spec.Object:
			for _, sub := range x {
				out = append(out, namedRefs(f.Fields, sub)...)
			}
		}
	}
	return out
}

// refAddrs are the addresses of the instance resources that the Ref
// fields set in o name.
func refAddrs(fields []*kinds.Field, o *spec.Object) []string {
	var out []string
	for _, r := range namedRefs(fields, o) {
		out = append(out, InstanceAddr(r.kind, r.name))
	}
	return out
}

// changeRefs are the instance resources a change's desired state names:
// an item's Ref fields, or a service's settings.
func changeRefs(c *Change) []string {
	if w, ok := c.Desired.(*spec.Object); ok {
		return refAddrs(w.Kind.Fields, w)
	}
	var out []string
	for _, list := range ObjectsOf(c.Desired) {
		for _, o := range list {
			if o.Kind.Singleton {
				out = append(out, refAddrs(o.Kind.Fields, o)...)
			}
		}
	}
	return out
}

// refs resolves the names that fields with Ref hold: from the live
// instance resources and the ones the plan creates.
type refs struct {
	ids     map[string]map[string][]string // kind -> name -> live ids
	names   map[string]map[string]string   // kind -> id -> name
	created map[string]bool                // addresses the plan creates
	read    map[string]bool                // kinds whose live items were read
}

func newRefs(live *dokploy.Live) *refs {
	r := &refs{ids: map[string]map[string][]string{}, names: map[string]map[string]string{}, created: map[string]bool{}, read: map[string]bool{}}
	for kind, rows := range live.Items {
		k := kinds.ByName(kind)
		if k == nil {
			continue
		}
		r.read[kind] = true
		r.ids[kind], r.names[kind] = map[string][]string{}, map[string]string{}
		for _, row := range rows {
			name, _ := row[k.NameField].(string)
			id := row.ID(k.IDKey)
			r.ids[kind][name] = append(r.ids[kind][name], id)
			r.names[kind][id] = name
		}
	}
	return r
}

// check returns a plan error for a name that matches no item of kind, or
// several; "" when it names one (live, or created by the plan).
func (r *refs) check(kind, name string) string {
	if r.created[InstanceAddr(kind, name)] {
		return ""
	}
	ids := r.ids[kind][name]
	switch {
	case len(ids) == 1:
		return ""
	case len(ids) > 1:
		return fmt.Sprintf("%d %s are named %q in Dokploy (ids %s); rename all but one there", len(ids), kinds.Plural(kind), name, strings.Join(ids, ", "))
	}
	var names []string
	for n := range r.ids[kind] {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("no %s is named %q", kind, name)
	if len(names) == 0 {
		return msg + " in Dokploy, and the spec declares none; declare it or create it in Dokploy"
	}
	msg += "; Dokploy has " + strings.Join(names, ", ")
	if s := spec.Suggest(name, names); s != "" {
		msg += " (did you mean " + strconv.Quote(s) + "?)"
	}
	return msg
}

// instances plans the instance resources of every kind the spec declares.
func (p *Plan) instances(desired *spec.File, live *dokploy.Live) {
	for _, k := range kinds.Instance() {
		if _, declared := desired.Objects[k.Name]; declared {
			for _, o := range desired.Objects[k.Name] {
				if len(liveNamed(k, live.Items[k.Name], o.Name)) == 0 {
					p.refs.created[InstanceAddr(k.Name, o.Name)] = true
				}
			}
		}
	}
	for _, k := range kinds.Instance() {
		if _, declared := desired.Objects[k.Name]; !declared {
			continue
		}
		rows := live.Items[k.Name]
		used := map[string]bool{}
		for _, o := range spec.SortedObjects(desired.Objects, k.Name) {
			addr := InstanceAddr(k.Name, o.Name)
			used[o.Name] = true
			matches := liveNamed(k, rows, o.Name)
			if len(matches) > 1 {
				p.Errors = append(p.Errors, fmt.Sprintf("%s: %d live %s are named %q (ids %s); Dokploy does not keep names unique and dokploy-sync will not guess: rename or remove all but one in Dokploy",
					addr, len(matches), k.Plural(), o.Name, ids(matches, func(r dokploy.Row) string { return r.ID(k.IDKey) })))
				continue
			}
			var row dokploy.Row
			if len(matches) == 1 {
				row = matches[0]
			}
			p.item(addr, "", "", k, o, row)
		}
		for _, row := range rows {
			name, _ := row[k.NameField].(string)
			if !used[name] {
				p.Unmanaged = append(p.Unmanaged, Resource{Address: InstanceAddr(k.Name, name), Kind: k.Name, ID: row.ID(k.IDKey)})
			}
		}
	}
}

func liveNamed(k *kinds.Kind, rows []dokploy.Row, name string) []dokploy.Row {
	var out []dokploy.Row
	for _, r := range rows {
		if n, _ := r[k.NameField].(string); n == name {
			out = append(out, r)
		}
	}
	return out
}

// items plans the children of the described kinds of a service (kind
// parentKind at addr).
func (p *Plan) items(addr, parentKind string, want spec.Objects, live dokploy.Items) {
	for _, k := range kinds.Of(parentKind) {
		if k.Singleton {
			continue
		}
		matchChildren(p, addr, k.Name, want[k.Name], live[k.Name],
			func(o *spec.Object) string { return o.Name },
			func(r dokploy.Row) string { return RowIdentity(k, r) },
			func(r dokploy.Row) string { return r.ID(k.IDKey) },
			func(caddr string, o *spec.Object, r dokploy.Row, found bool) {
				if !found {
					r = nil
				}
				p.item(caddr, addr, parentKind, k, o, r)
			})
	}
}

// settings diffs the singleton kinds of a service into its change.
func (p *Plan) settings(d *differ, parentKind string, want spec.Objects, live dokploy.Items) {
	for _, k := range kinds.Of(parentKind) {
		if !k.Singleton {
			continue
		}
		var row dokploy.Row
		if rows := live[k.Name]; len(rows) > 0 {
			row = rows[0]
		}
		for _, o := range want[k.Name] {
			prefix := ""
			if !k.Inline {
				prefix = k.Key + "."
			}
			sub := differ{c: d.c, meta: &o.Meta, res: d.res, setting: true}
			p.fields(&sub, prefix, parentKind, k.Fields, o, row, false)
		}
	}
}

// RowIdentity is a live item's identity, as spec.Identify makes it.
func RowIdentity(k *kinds.Kind, r dokploy.Row) string {
	parts := make([]string, len(k.Identity))
	for i, name := range k.Identity {
		f := k.Field(name)
		parts[i] = display(f, r[f.APIName()])
	}
	return k.Identify(parts)
}

// item plans one instance resource or child (of a resource of kind
// parentKind at parent): create or update.
func (p *Plan) item(addr, parent, parentKind string, k *kinds.Kind, o *spec.Object, row dokploy.Row) {
	if b, _ := o.Values[kinds.Protect.Name].(bool); b {
		p.protected[addr] = true
		if len(o.Values) == 1 {
			// protect: true alone: a hands-off entry, as for services.
			p.declared[addr] = true
			if row == nil {
				p.Errors = append(p.Errors, fmt.Sprintf("%s: protect: true alone keeps a live %s as it is, but Dokploy has none of this name; give its settings to create it, or remove the entry", addr, k.Name))
			} else {
				p.IDs[addr] = row.ID(k.IDKey)
			}
			return
		}
	}
	c := &Change{Address: addr, Kind: k.Name, Name: o.Name, Parent: parent, Desired: o}
	if row != nil {
		c.Action, c.Live, c.LiveID = Update, row, row.ID(k.IDKey)
	} else {
		c.Action = Create
	}
	d := differ{c: c, meta: &o.Meta, res: p.res}
	p.fields(&d, "", parentKind, identityFirst(k), o, row, false)
	if c.Action == Update && k.Hooks.Check != nil {
		if msg := k.Hooks.Check(kinds.Values(o.Values), row); msg != "" {
			p.Errors = append(p.Errors, addr+": "+msg)
		}
	}
	if c.Action == Update && k.Update.None && len(c.Fields) > 0 {
		p.Errors = append(p.Errors, fmt.Sprintf("%s: Dokploy cannot change a %s in place (%s); remove it from the spec and apply, then add it back",
			addr, k.Name, fieldNames(c.Fields)))
	}
	p.add(c)
}

// identityFirst lists the fields of k, its identity first: a new item is
// shown by what identifies it.
func identityFirst(k *kinds.Kind) []*kinds.Field {
	out := make([]*kinds.Field, 0, len(k.Fields))
	for _, name := range k.Identity {
		out = append(out, k.Field(name))
	}
	for _, f := range k.Fields {
		if !f.Identity {
			out = append(out, f)
		}
	}
	return out
}

func fieldNames(fs []*FieldDiff) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return strings.Join(out, ", ")
}

// fields diffs the fields of o against the live row; fields that are not
// for a resource of kind parentKind are not (kinds.Field.Parents). whole:
// the object is compared as a whole (a nested object replaces the live
// one): fields the file leaves out are compared with their default. A
// field whose value uses an unset ${VAR} is set, and unknown.
func (p *Plan) fields(d *differ, prefix, parentKind string, fields []*kinds.Field, o *spec.Object, row dokploy.Row, whole bool) {
	for _, f := range fields {
		name := prefix + f.Name
		v, set := o.Values[f.Name]
		set = set || o.Unknown[f.Name] != ""
		if f.Local || !set && !whole || parentKind != "" && !f.For(parentKind) {
			continue
		}
		if f.Flat {
			// Its fields are the parent's own keys: each one set is
			// managed, and null clears them all.
			sub, _ := v.(*spec.Object)
			if sub == nil {
				sub = &spec.Object{Values: map[string]any{}}
				for _, sf := range f.Fields {
					sub.Values[sf.Name] = nil
				}
			}
			sd := *d
			sd.meta = &sub.Meta
			p.fields(&sd, name+".", parentKind, f.Fields, sub, row, false)
			continue
		}
		var have any
		if row != nil {
			have = row[f.APIName()]
		}
		if have == nil && row != nil && f.Type == kinds.Bool && !f.Nullable {
			have = false // null is false where the file has no null
		}
		if f.Identity && d.c.Action == Update {
			continue // equal: the item was matched by it
		}
		if f.CreateOnly && d.c.Action == Update && !set {
			continue
		}
		if f.Type == kinds.Env {
			if set {
				p.envField(d, prefix, f, v, have)
			}
			continue
		}
		if f.Marker() {
			// Present or not: {} in the API.
			w, h := "", ""
			if v != nil {
				w = "{}"
			}
			if _, ok := have.(map[string]any); ok {
				h = "{}"
			}
			d.scalar(name, w, h, false)
			continue
		}
		if f.Type == kinds.Object && v != nil {
			sub, _ := v.(*spec.Object)
			liveSub, _ := have.(map[string]any)
			sd := *d
			sd.meta = &sub.Meta
			p.fields(&sd, name+".", "", f.Fields, sub, liveSub, true)
			continue
		}
		if f.Ref != "" {
			if name, ok := v.(string); ok && name != "" {
				if msg := p.refs.check(f.Ref, name); msg != "" {
					p.Errors = append(p.Errors, fmt.Sprintf("%s: %s: %s", d.c.Address, prefix+f.Name, msg))
				}
			}
			if id, ok := have.(string); ok {
				if n, known := p.refs.names[f.Ref][id]; known {
					have = n
				}
			}
		}
		want := specAPI(f, v, set)
		if f.Type == kinds.Text {
			d.text(name, true, strPtr(display(f, want)), strPtr(display(f, have)))
			continue
		}
		if f.Secret {
			if s, ok := have.(string); ok && dokploy.IsRedacted(&s) && d.redacted(name, &s) {
				continue
			}
		}
		w, h := display(f, want), display(f, have)
		if canon(f, want) == canon(f, have) {
			w = h // equal in the API's form (3000 and 3000.0, [] and null)
		}
		// A create leaves out a false boolean; of the service's settings,
		// what equals the server's default (autoDeploy false is written).
		skip := f.Type == kinds.Bool && w != "true"
		if d.setting && f.Default != nil {
			skip = canon(f, want) == canon(f, f.Default)
		}
		n := len(d.c.Fields)
		d.scalar(name, w, h, skip)
		for _, fd := range d.c.Fields[n:] {
			fd.Sensitive = f.Secret
		}
		if f.CreateOnly && d.c.Action == Update && len(d.c.Fields) > n && d.c.Fields[n].Unknown == "" {
			p.Errors = append(p.Errors, frozen(d.c, name, f))
		}
	}
}

// envField diffs an env map (kinds.Env) key by key, like env: values are
// hidden, null or {} clears it. The unset variables of its values are
// keyed in the object's meta by the field's own name.
func (p *Plan) envField(d *differ, prefix string, f *kinds.Field, v, have any) {
	want, _ := v.(map[string]string)
	if want == nil {
		want = map[string]string{}
	}
	var text *string
	if s, ok := have.(string); ok {
		text = &s
	}
	ed := *d
	if prefix != "" && len(d.meta.Unknown) > 0 {
		m := spec.Meta{Unknown: map[string]string{}}
		for k, x := range d.meta.Unknown {
			m.Unknown[prefix+k] = x
		}
		ed.meta = &m
	}
	ed.envMap(prefix+f.Name, want, text, f.Secret)
}

// frozen is the plan error of a CreateOnly field that differs on a live
// item.
func frozen(c *Change, name string, f *kinds.Field) string {
	what := f.Frozen
	if what == "" {
		what = "change it once the " + c.Kind + " exists; remove the " + c.Kind + " and apply to create it anew"
	}
	return fmt.Sprintf("%s: %s: Dokploy cannot %s", c.Address, name, what)
}

func strPtr(s string) *string { return &s }

// specAPI is a file value in the API's form (a Ref keeps its name); an
// unset field in a whole object is its default.
func specAPI(f *kinds.Field, v any, set bool) any {
	if !set {
		return f.Default
	}
	switch x := v.(type) {
	case nil:
		return nil
	case spec.Memory:
		return strconv.FormatInt(int64(x), 10)
	case spec.CPU:
		return strconv.FormatInt(int64(x), 10)
	case spec.Duration:
		return float64(x)
	case int:
		return float64(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]string:
		out := map[string]any{}
		for k, s := range x {
			out[k] = s
		}
		return out
	case *spec.Object:
		return APIObject(f.Fields, x, nil)
	case []*spec.Object:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = APIObject(f.Fields, s, nil)
		}
		return out
	}
	return v
}

// APIObject is a nested object in the API's form: its fields by API
// name. ref resolves the names of Ref fields to ids (nil keeps names).
func APIObject(fields []*kinds.Field, o *spec.Object, ref func(kind, name string) string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		v, set := o.Values[f.Name]
		if !set {
			continue
		}
		x := specAPI(f, v, true)
		if s, ok := x.(string); ok && f.Ref != "" && ref != nil {
			x = ref(f.Ref, s)
		}
		out[f.APIName()] = x
	}
	return out
}

// SpecAPI is a file value of field f in the API's form (a Ref keeps its
// name).
func SpecAPI(f *kinds.Field, v any) any { return specAPI(f, v, true) }

// canon is a value's canonical text for comparison: JSON with sorted
// keys, null and empty values alike.
func canon(f *kinds.Field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if f.Type == kinds.Memory || f.Type == kinds.CPU {
			return strings.TrimSpace(x)
		}
		return x
	case []any:
		if len(x) == 0 {
			return ""
		}
	case map[string]any:
		if len(x) == 0 && !f.Marker() {
			return ""
		}
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return string(b)
}

// display is how a value in the API's form is shown: sizes, CPUs and
// durations in the file's units, lists and objects as compact JSON.
func display(f *kinds.Field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		switch f.Type {
		case kinds.Memory:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return spec.Memory(n).String()
			}
		case kinds.CPU:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return spec.CPU(n).String()
			}
		}
		return x
	case float64:
		if f.Type == kinds.Duration {
			return spec.Duration(int64(x)).String()
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if len(x) == 0 {
			return ""
		}
		if f.Type == kinds.Strings {
			l := make([]string, len(x))
			for i, s := range x {
				l[i], _ = s.(string)
			}
			return listString(l)
		}
	case map[string]any:
		if len(x) == 0 && !f.Marker() {
			return ""
		}
	}
	b, _ := json.Marshal(fileValue(f, v))
	return string(b)
}

// fileValue is a value in the API's form as the file writes it, for
// display: nested objects by spec name, durations, sizes and CPUs in the
// file's units. Keys it does not describe keep their API name.
func fileValue(f *kinds.Field, v any) any {
	switch x := v.(type) {
	case map[string]any:
		if f.Type != kinds.Object {
			return x
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = e
		}
		for _, sf := range f.Fields {
			if e, ok := x[sf.APIName()]; ok {
				delete(out, sf.APIName())
				out[sf.Name] = fileValue(sf, e)
			}
		}
		return out
	case []any:
		if f.Type != kinds.Objects {
			return x
		}
		item := &kinds.Field{Type: kinds.Object, Fields: f.Fields}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fileValue(item, e)
		}
		return out
	case float64:
		if f.Type == kinds.Duration {
			return spec.Duration(int64(x)).String()
		}
	case string:
		if f.Type == kinds.Memory || f.Type == kinds.CPU {
			return display(f, x)
		}
	}
	return v
}

// ObjectsOf are the described items of a service's desired state (a
// change's Desired); nil for anything else.
func ObjectsOf(desired any) spec.Objects {
	switch w := desired.(type) {
	case *spec.Application:
		return w.Objects
	case *spec.Compose:
		return w.Objects
	case spec.Database:
		return w.Objects
	}
	return nil
}

// LiveItems are the described items of a live service (a change's Live:
// *dokploy.Application, *dokploy.Compose, *dokploy.Database); nil for
// anything else.
func LiveItems(live any) dokploy.Items {
	switch l := live.(type) {
	case *dokploy.Application:
		return l.Items
	case *dokploy.Compose:
		return l.Items
	case *dokploy.Database:
		return l.Items
	}
	return nil
}
