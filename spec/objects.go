package spec

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Object is an item of a described kind (package kinds): an instance
// resource (a destination), a child of a service (a backup, a redirect) or
// a service's settings (a singleton). The decoder reads it from the
// kind's description, not from a Go type.
type Object struct {
	Kind *kinds.Kind // nil for a nested object
	// Name is an instance resource's name (its key in the file); for a
	// list item, its identity (kinds.Kind.Identity); "" for a singleton.
	Name string
	// Values holds the values the file sets, by spec name: string, int,
	// bool, []string, map[string]string, Memory, CPU, Duration, *Object,
	// []*Object; nil for an explicit null.
	Values map[string]any
	Meta
}

// Objects holds the items of described kinds in a resource (or at the top
// level of the file), by kind name.
type Objects map[string][]*Object

// Duration is a time span in nanoseconds (the unit Dokploy stores); the
// file says 30s, 1m30s or 500ms.
type Duration int64

func (d Duration) String() string { return time.Duration(d).String() }

var (
	durationType = reflect.TypeOf(Duration(0))
	objectsType  = reflect.TypeOf(Objects(nil))
)

// Str is a string value ("" when unset or null).
func (o *Object) Str(name string) string {
	s, _ := o.Values[name].(string)
	return s
}

// Set reports whether the file sets the field (possibly to null).
func (o *Object) Set(name string) bool { _, ok := o.Values[name]; return ok }

// Identify is the identity of a list item: its identity fields' values,
// as kinds.Kind.Identify makes it.
func Identify(k *kinds.Kind, o *Object) string {
	parts := make([]string, len(k.Identity))
	for i, f := range k.Identity {
		parts[i] = valueString(o.Values[f])
	}
	return k.Identify(parts)
}

func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// objectsOf returns the Objects field of a struct value, or nil.
func objectsOf(v reflect.Value) *Objects {
	f := structField(v, "Objects")
	if !f.IsValid() || f.Type() != objectsType || !f.CanAddr() {
		return nil
	}
	return f.Addr().Interface().(*Objects)
}

// parentOf is the kind whose described keys a struct accepts: "" for the
// file's top level, the service kind for a service, "-" for none.
func parentOf(t reflect.Type) string {
	if t == fileType {
		return ""
	}
	if kind := resourceKinds[t]; kind != "" {
		return kind
	}
	return "-"
}

// described decodes the value of a key that a described kind holds. It
// reports whether the key was one.
func (d *decoder) described(e entry, parent string, objs *Objects, c ctx) bool {
	if parent == "-" {
		return false
	}
	k, f := kinds.Key(parent, e.key)
	if k == nil {
		return false
	}
	fc := c.child(e.key, e.keyPos)
	switch {
	case k.Inline:
		// Settings among the parent's own keys: one object per resource,
		// sharing the resource's Meta (its positions and unknowns).
		var o *Object
		if list := (*objs)[k.Name]; len(list) > 0 {
			o = list[0]
		} else {
			o = &Object{Kind: k, Values: map[string]any{}}
			if *objs == nil {
				*objs = Objects{}
			}
			(*objs)[k.Name] = []*Object{o}
		}
		if c.meta != nil {
			o.Meta.Pos = c.meta.Pos
		}
		d.field(e, f, o, fc, c.meta)
		// The value's position, for the checks of the object's fields
		// (an enum's error at the value, as for any field).
		if o.Meta.Keys == nil {
			o.Meta.Keys = map[string]Position{}
		}
		o.Meta.Keys[e.key] = e.valPos
	case k.Singleton:
		rn, _, ok := d.resolve(e.value, fc)
		if !ok {
			return true
		}
		o := &Object{Kind: k}
		fc.meta, fc.key = &o.Meta, path{}
		if d.objectFields(rn, e.valPos, k.Fields, o, fc) {
			o.Meta.Pos = e.keyPos
			d.addObject(objs, k, o)
		}
	case k.Instance():
		entries, ok := d.mapping(e.value, e.valPos, fc)
		if !ok {
			return true
		}
		if *objs == nil {
			*objs = Objects{}
		}
		(*objs)[k.Name] = []*Object{}
		for _, ie := range entries {
			rn, _, ok := d.resolve(ie.value, fc)
			if !ok {
				continue
			}
			o := &Object{Kind: k, Name: ie.key}
			oc := ctx{addr: k.Name + "[" + ie.key + "]", pos: ie.keyPos, kind: k.Name}
			oc.meta = &o.Meta
			if d.objectFields(rn, ie.valPos, k.Fields, o, oc) {
				o.Meta.Pos = ie.keyPos
				d.addObject(objs, k, o)
			}
		}
	default:
		d.objectList(e, k.Fields, fc, func(o *Object, i int) {
			o.Kind = k
			o.Name = Identify(k, o)
			d.itemIdx[&o.Meta] = i
			d.addObject(objs, k, o)
		})
		if (*objs)[k.Name] == nil {
			if *objs == nil {
				*objs = Objects{}
			}
			(*objs)[k.Name] = []*Object{} // an empty list is managed: it clears the live items
		}
	}
	return true
}

func (d *decoder) addObject(objs *Objects, k *kinds.Kind, o *Object) {
	if *objs == nil {
		*objs = Objects{}
	}
	(*objs)[k.Name] = append((*objs)[k.Name], o)
}

// objectList decodes a list of mappings, each into an Object of fields.
// Null is an empty list.
func (d *decoder) objectList(e entry, fields []*kinds.Field, c ctx, each func(*Object, int)) bool {
	rn, tag, ok := d.resolve(e.value, c)
	if !ok {
		return false
	}
	var values []ast.Node
	switch x := rn.(type) {
	case nil, *ast.NullNode:
		if tag != "!!str" {
			return true
		}
	case *ast.SequenceNode:
		values = x.Values
	}
	if _, isSeq := rn.(*ast.SequenceNode); !isSeq {
		d.fieldErr(e.valPos, c, "must be a list of mappings (each item on a line starting with \"- \"), got "+describeSafe(rn, fields))
		return false
	}
	return d.eachItem(values, c, func(i int, ic ctx, ri ast.Node, _ string) {
		switch ri.(type) {
		case *ast.MappingNode, *ast.MappingValueNode:
		default:
			d.fieldErr(ic.pos, ic, "must be a mapping, got "+describeSafe(ri, fields))
			return
		}
		o := &Object{}
		ic.meta, ic.key = &o.Meta, path{}
		if d.objectFields(ri, ic.pos, fields, o, ic) {
			o.Meta.Pos = ic.pos
			each(o, i)
		}
	})
}

// describeSafe describes a node, never quoting a scalar where items with
// a secret are expected (it may be a password).
func describeSafe(n ast.Node, fields []*kinds.Field) string {
	for _, f := range fields {
		if f.Secret {
			switch n.(type) {
			case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
				return "a scalar"
			}
		}
	}
	return describe(n)
}

// objectFields decodes a mapping into o by fields.
func (d *decoder) objectFields(n ast.Node, pos Position, fields []*kinds.Field, o *Object, c ctx) bool {
	entries, ok := d.mapping(n, pos, c)
	if !ok {
		return false
	}
	o.Values = map[string]any{}
	o.Meta.Keys = map[string]Position{}
	suggested := map[string]bool{}
	for _, e := range entries {
		f := fieldNamed(fields, e.key)
		if f == nil {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.Name
			}
			suggested[d.unknownKey(e, names, c)] = true
			continue
		}
		d.field(e, f, o, c.child(e.key, e.keyPos), &o.Meta)
	}
	_, protect := o.Meta.Keys[kinds.Protect.Name]
	handsOff := protect && len(o.Meta.Keys) == 1 // protect: true alone needs nothing else
	for _, f := range fields {
		if _, ok := o.Meta.Keys[f.Name]; f.Required && !ok && !suggested[f.Name] && !handsOff {
			d.errorf(c.pos, c.addr, "%s", fieldMsg(joinField(c.field.String(), f.Name), "required field is missing"))
		}
	}
	return true
}

func fieldNamed(fields []*kinds.Field, name string) *kinds.Field {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// field decodes the value of one described field into o.Values, and
// records its position in meta.
func (d *decoder) field(e entry, f *kinds.Field, o *Object, c ctx, meta *Meta) {
	if meta != nil {
		if meta.Keys == nil {
			meta.Keys = map[string]Position{}
		}
		meta.Keys[e.key] = e.valPos
	}
	if o.Values == nil {
		o.Values = map[string]any{}
	}
	fi := fieldInfo{name: f.Name, required: f.Required, nullable: f.Nullable, secret: f.Secret}
	fail := func() {
		if meta != nil {
			if d.failed[meta] == nil {
				d.failed[meta] = map[string]bool{}
			}
			d.failed[meta][e.key] = true
		}
	}
	switch f.Type {
	case kinds.Object, kinds.Objects:
		rn, tag, ok := d.resolve(e.value, c)
		if !ok {
			fail()
			return
		}
		if isNull(rn) && tag != "!!str" {
			if !f.Nullable && f.Type == kinds.Object {
				d.fieldErr(e.valPos, c, "must be a mapping, got null (leave the key out to keep the live value)")
				fail()
				return
			}
			o.Values[f.Name] = nil
			return
		}
		if f.Type == kinds.Object {
			sub := &Object{}
			sc := c
			sc.meta, sc.key = &sub.Meta, path{}
			if !d.objectFields(rn, e.valPos, f.Fields, sub, sc) {
				fail()
				return
			}
			sub.Meta.Pos = e.keyPos
			o.Values[f.Name] = sub
			return
		}
		var list []*Object
		if !d.objectList(e, f.Fields, c, func(sub *Object, _ int) { list = append(list, sub) }) {
			fail()
			return
		}
		if list == nil {
			list = []*Object{}
		}
		o.Values[f.Name] = list
		return
	}
	v := reflect.New(goType(f.Type)).Elem()
	if !d.value(e.value, v, c, fi) {
		fail()
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			o.Values[f.Name] = nil
			return
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case StringList:
		o.Values[f.Name] = []string(x)
	default:
		o.Values[f.Name] = x
	}
}

// goType is the Go type the reflective decoder reads a field of type t
// into.
func goType(t kinds.Type) reflect.Type {
	switch t {
	case kinds.Int:
		return reflect.TypeOf((*int)(nil))
	case kinds.Bool:
		return reflect.TypeOf((*bool)(nil))
	case kinds.Strings:
		return reflect.TypeOf([]string(nil))
	case kinds.Map, kinds.Env:
		return envMapType
	case kinds.Number:
		return reflect.TypeOf((*float64)(nil))
	case kinds.Memory:
		return reflect.TypeOf((*Memory)(nil))
	case kinds.CPU:
		return reflect.TypeOf((*CPU)(nil))
	case kinds.Duration:
		return reflect.TypeOf((*Duration)(nil))
	}
	return reflect.TypeOf((*string)(nil))
}

// durationFromNode reads a duration: a string like 30s, 1m30s, 500ms, or
// 0.
func durationFromNode(n ast.Node) (Duration, error) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		if i, ok := intValue(x); ok && i == 0 {
			return 0, nil
		}
	case *ast.StringNode:
		if dur, err := time.ParseDuration(x.Value); err == nil && dur >= 0 {
			return Duration(dur), nil
		}
	}
	return 0, errDuration(describe(n))
}

type errDuration string

func (e errDuration) Error() string {
	return "must be a duration like 30s, 1m30s or 500ms, got " + string(e)
}

// unknownKey reports a key that is not among names, with the closest one
// when one is near, or else the list. It returns the suggested key.
func (d *decoder) unknownKey(e entry, names []string, c ctx) string {
	msg := "unknown field " + strconv.Quote(e.key)
	if s := Suggest(e.key, names); s != "" {
		d.fieldErr(e.keyPos, c, msg+" (did you mean "+strconv.Quote(s)+"?)")
		return s
	}
	d.fieldErr(e.keyPos, c, msg+"; expected one of: "+strings.Join(names, ", "))
	return ""
}

// withDescribed adds the keys of described kinds to a struct's keys, each
// after the key its kind names (kinds.Kind.AfterOf), or at the end.
func withDescribed(names []string, parent string) []string {
	if parent == "-" {
		return names
	}
	extra := kinds.Keys(parent)
	if len(extra) == 0 {
		return names
	}
	out := append([]string(nil), names...)
	for _, key := range extra {
		at := len(out)
		if k, _ := kinds.Key(parent, key); k != nil && k.AfterOf(parent) != "" {
			for i, n := range out {
				if n == k.AfterOf(parent) {
					at = i + 1
				}
			}
		}
		out = append(out[:at], append([]string{key}, out[at:]...)...)
	}
	return out
}

// Keys lists the keys of a resource of kind (application, compose,
// postgres, ...) in the order messages list them: its own and those of
// the described kinds it holds.
func Keys(kind string) []string {
	for t, k := range resourceKinds {
		if k == kind && k != "" {
			var names []string
			for _, f := range fieldsOf(t) {
				names = append(names, f.name)
			}
			return withDescribed(names, kind)
		}
	}
	return nil
}

// SortedObjects lists the items of kind in objs, sorted by name.
func SortedObjects(objs Objects, kind string) []*Object {
	list := append([]*Object(nil), objs[kind]...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

// WalkObjects calls fn for every item of a described kind in the file
// (nested objects are part of their item), with the address of the
// resource that holds it ("" for the top level).
func (f *File) WalkObjects(fn func(parent string, o *Object)) {
	each := func(addr string, objs Objects) {
		for _, k := range kinds.All() {
			for _, o := range objs[k.Name] {
				fn(addr, o)
			}
		}
	}
	each("", f.Objects)
	for _, pn := range sortedKeys(f.Projects) {
		p := f.Projects[pn]
		if p == nil {
			continue
		}
		for _, en := range sortedKeys(p.Environments) {
			e := p.Environments[en]
			if e == nil {
				continue
			}
			eaddr := pn + "/" + en
			for _, n := range sortedKeys(e.Applications) {
				if a := e.Applications[n]; a != nil {
					each(eaddr+"/application/"+n, a.Objects)
				}
			}
			for _, n := range sortedKeys(e.Compose) {
				if c := e.Compose[n]; c != nil {
					each(eaddr+"/compose/"+n, c.Objects)
				}
			}
			for _, db := range e.Databases() {
				each(eaddr+"/"+db.Kind+"/"+db.Name, db.Objects)
			}
		}
	}
}

// SecretValues returns the values of o's secret fields, nested ones too,
// and of its env maps (kinds.Env), which outputs hide like env.
func (o *Object) SecretValues() []string {
	var out []string
	var walk func(fields []*kinds.Field, vals map[string]any)
	walk = func(fields []*kinds.Field, vals map[string]any) {
		for _, f := range fields {
			switch x := vals[f.Name].(type) {
			case string:
				if f.Secret && x != "" {
					out = append(out, x)
				}
			case map[string]string:
				if f.Secret || f.Type == kinds.Env { // env values are hidden like env
					for _, s := range x {
						out = append(out, s)
					}
				}
			case *Object:
				walk(f.Fields, x.Values)
			case []*Object:
				for _, sub := range x {
					walk(f.Fields, sub.Values)
				}
			}
		}
	}
	if o.Kind != nil {
		walk(o.Kind.Fields, o.Values)
	}
	return out
}
