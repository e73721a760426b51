package export

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// The generic export of described kinds (package kinds): every field
// whose live value differs from what the server stores when it is left
// out (kinds.Field.Default), so that applying the export creates the same
// item; secrets as ${VAR}s in secrets.env; the ids of Ref fields as names.

// InstanceKinds are the kinds export reads: every instance kind, and the
// read-only ones (servers, git providers), whose names it writes for ids.
func InstanceKinds() []string {
	var out []string
	for _, k := range kinds.All() {
		if k.Instance() {
			out = append(out, k.Name)
		}
	}
	return out
}

// instances writes the instance resources of live, each kind as a map by
// name.
func (b *builder) instances(live *dokploy.Live) yaml.MapSlice {
	var out yaml.MapSlice
	for _, k := range kinds.Instance() {
		rows := live.Items[k.Name]
		if len(rows) == 0 {
			continue
		}
		s := site{target: target{project: k.Name}, addr: k.Name}
		items := yaml.MapSlice{}
		for _, row := range unique(b, s, k.Name, rows,
			func(r dokploy.Row) string { n, _ := r[k.NameField].(string); return n },
			func(r dokploy.Row) string { return r.ID(k.IDKey) }) {
			name, _ := row[k.NameField].(string)
			is := site{target: target{project: k.Name}, addr: planner.InstanceAddr(k.Name, name)}
			items = append(items, yaml.MapItem{Key: name, Value: b.fields(is, scope{kind: k}, k.Fields, row, []string{name})})
		}
		out = append(out, yaml.MapItem{Key: k.Key, Value: items})
	}
	return out
}

// scope is what fields writes: an item of kind (in a resource of kind
// parent, "" at the top level), prefix the path its fields' names take in
// warnings.
type scope struct {
	kind   *kinds.Kind
	parent string
	prefix string
}

// items writes the children of the described kinds of a service, and its
// settings (singleton kinds), as the service's keys: place puts them
// among the service's own.
func (b *builder) items(s site, parent string, items dokploy.Items) yaml.MapSlice {
	var out yaml.MapSlice
	for _, k := range kinds.Of(parent) {
		rows := items[k.Name]
		sc := scope{kind: k, parent: parent}
		switch {
		case k.Singleton && len(rows) > 0:
			var vars []string
			if !k.Inline {
				vars = []string{k.VarWord()}
			}
			m := b.fields(s, sc, k.Fields, rows[0], vars)
			if k.Inline {
				out = append(out, m...)
			} else if len(m) > 0 {
				out = append(out, yaml.MapItem{Key: k.Key, Value: m})
			}
		case !k.Singleton && len(rows) > 0:
			sc.prefix = k.Key + "."
			var list []any
			for _, row := range b.children(s, k, parent, rows) {
				list = append(list, b.fields(s, sc, k.Fields, row, []string{k.VarWord(), planner.RowIdentity(k, row)}))
			}
			if list != nil {
				out = append(out, yaml.MapItem{Key: k.Key, Value: list})
			}
		}
	}
	return out
}

// children lists the live items of kind k of a service that export
// writes, by identity (numbers in numeric order): those whose identity
// is unique, and that dokploy.yaml can hold (kinds.Hooks.Unexportable).
func (b *builder) children(s site, k *kinds.Kind, parent string, rows []dokploy.Row) []dokploy.Row {
	list := unique(b, s, k.Name, rows,
		func(r dokploy.Row) string { return planner.RowIdentity(k, r) },
		func(r dokploy.Row) string { return r.ID(k.IDKey) })
	sort.SliceStable(list, func(i, j int) bool {
		for _, name := range k.Identity {
			if f := k.Field(name); f.Type == kinds.Int {
				x, _ := list[i][f.APIName()].(float64)
				y, _ := list[j][f.APIName()].(float64)
				if x != y {
					return x < y
				}
			}
		}
		return false
	})
	if k.Hooks.Unexportable == nil {
		return list
	}
	var out []dokploy.Row
	for _, row := range list {
		if why := k.Hooks.Unexportable(row, parent); why != "" {
			b.warnf(s.addr, "the %s %s %s; it is not exported", k.Name, planner.RowIdentity(k, row), why)
			continue
		}
		out = append(out, row)
	}
	return out
}

// place puts the keys of described kinds into a resource's keys, each
// where messages list it (spec.Keys): before the first key that comes
// after it.
func (b *builder) place(out yaml.MapSlice, kind string, items yaml.MapSlice) yaml.MapSlice {
	if len(items) == 0 {
		return out
	}
	order := map[string]int{}
	for i, key := range spec.Keys(kind) {
		order[key] = i
	}
	for _, it := range items {
		at := len(out)
		if i, ok := order[it.Key.(string)]; ok {
			for j, o := range out {
				if oi, ok := order[o.Key.(string)]; ok && oi > i {
					at = j
					break
				}
			}
		}
		out = append(out[:at], append(yaml.MapSlice{it}, out[at:]...)...)
	}
	return out
}

// fields writes a row's fields: those that differ from their default
// (an empty string is none), the required ones and the text a file holds
// (kinds.Field.FileOf), but those for other parents or variants
// (kinds.Field.Parents, Variant). vars starts the names of the secrets'
// ${VAR}s.
func (b *builder) fields(s site, sc scope, fields []*kinds.Field, row map[string]any, vars []string) yaml.MapSlice {
	out := yaml.MapSlice{}
	variant := ""
	if k := sc.kind; k != nil && k.Variant != "" {
		variant, _ = row[k.Field(k.Variant).APIName()].(string)
	}
	for _, f := range fields {
		if f.Flat { // its fields are the row's own keys
			if m := b.fields(s, sc, f.Fields, row, append(vars, f.Name)); len(m) > 0 {
				out = append(out, yaml.MapItem{Key: f.Name, Value: m})
			}
			continue
		}
		v, ok := row[f.APIName()]
		if f.Local || sc.parent != "" && !f.For(sc.parent) || f.Variant != "" && f.Variant != variant {
			continue
		}
		if file := fileOf(sc.kind, f); file != nil {
			out = append(out, b.fileText(s, sc.kind, f, file, row))
			continue
		}
		if !ok || !f.Required && (sameValue(f, v, f.Default) || v == "") {
			continue
		}
		if v == nil {
			if f.Nullable {
				out = append(out, yaml.MapItem{Key: f.Name, Value: nil})
			}
			continue
		}
		if x, ok := b.value(s, sc, f, v, vars); ok {
			out = append(out, yaml.MapItem{Key: f.Name, Value: x})
		}
	}
	return out
}

// fileOf is the field of k that names a file holding f's text, or nil.
func fileOf(k *kinds.Kind, f *kinds.Field) *kinds.Field {
	if k == nil {
		return nil
	}
	for _, x := range k.Fields {
		if x.FileOf == f.Name {
			return x
		}
	}
	return nil
}

// fileText is a text that the file can also name a file for (a file mount's
// content): inline (a block) or, when the spec could not hold it
// readably or at all, file, the path of a file next to the spec that
// holds it (read byte for byte, never interpolated), under the service's
// files directory.
func (b *builder) fileText(s site, k *kinds.Kind, f, file *kinds.Field, row map[string]any) yaml.MapItem {
	c, _ := row[f.APIName()].(string)
	if expressible(c) && !(strings.Contains(c, "\n") && valueNeedsQuotes(escape(c))) {
		return yaml.MapItem{Key: f.Name, Value: escape(c)}
	}
	name := f.Name
	if k.Hooks.FileName != nil {
		name = k.Hooks.FileName(row)
	}
	p := b.files.name(b.serviceFilesDir(s), name, "")
	b.addFile(p, c, 0o644)
	return yaml.MapItem{Key: file.Name, Value: p}
}

// value is a live value in the file's form.
func (b *builder) value(s site, sc scope, f *kinds.Field, v any, vars []string) (any, bool) {
	switch f.Type {
	case kinds.Int:
		n, ok := v.(float64)
		return int(n), ok
	case kinds.Bool:
		x, ok := v.(bool)
		return x, ok
	case kinds.Duration:
		n, ok := v.(float64)
		return spec.Duration(int64(n)).String(), ok
	case kinds.Number:
		n, ok := v.(float64)
		return number(strconv.FormatFloat(n, 'f', -1, 64)), ok
	case kinds.Memory, kinds.CPU:
		return b.quantity(s, strings.Join(append(append([]string(nil), vars...), f.Name), "."), f, v)
	case kinds.Env:
		text, ok := v.(string)
		if !ok {
			return nil, false
		}
		field := strings.Join(append(append([]string(nil), vars...), f.Name), ".") // preview.env
		// Like build args: a reference to another service is written as
		// one, any other value goes to secrets.env.
		m := b.envMap(s, field, &text, func(k, val string) string {
			if out, ok := b.index.rewriteInline(s.target, val); ok {
				return out
			}
			return b.secret(s, val, append(append([]string(nil), vars...), snake(f.Name), k)...)
		})
		return m, m != nil
	case kinds.Strings:
		list, ok := v.([]any)
		out := []any{}
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, escape(s))
			}
		}
		return out, ok
	case kinds.Map:
		m, ok := v.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := yaml.MapSlice{}
		for _, k := range keys {
			if x, ok := m[k].(string); ok && f.Secret {
				out = append(out, yaml.MapItem{Key: k, Value: b.secret(s, x, append(append([]string(nil), vars...), snake(f.Name), k)...)})
			} else if ok {
				out = append(out, yaml.MapItem{Key: k, Value: escape(x)})
			}
		}
		return out, ok
	case kinds.Object:
		m, ok := v.(map[string]any)
		if f.Marker() {
			return yaml.MapSlice{}, ok
		}
		return b.fields(s, scope{prefix: sc.prefix + f.Name + "."}, f.Fields, m, append(vars, f.Name)), ok
	case kinds.Objects:
		list, ok := v.([]any)
		var out []any
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				out = append(out, b.fields(s, scope{prefix: sc.prefix + f.Name + "."}, f.Fields, m, append(vars, f.Name)))
			}
		}
		return out, ok
	}
	str, ok := v.(string)
	if !ok {
		return nil, false
	}
	if f.Ref != "" {
		name, known := b.refNames[f.Ref][str]
		if !known {
			b.warnf(s.addr, "%s: no %s has the id %s: left out", f.Name, f.Ref, str)
			return nil, false
		}
		return escape(name), true
	}
	if f.Secret {
		return b.secret(s, str, append(append([]string(nil), vars...), snake(f.Name))...), true
	}
	return b.literal(s, sc.prefix+f.Name, str), true
}

// quantity is a size or a CPU amount in the file's units (512Mi, 0.5) from
// the decimal string of bytes or nano-CPUs Dokploy stores; what is not a
// positive whole number is left out (unmanaged), with a warning.
func (b *builder) quantity(s site, field string, f *kinds.Field, v any) (any, bool) {
	str, _ := v.(string)
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil || n <= 0 {
		if str != "" && str != "0" {
			unit := map[bool]string{true: "bytes", false: "nano-CPUs"}[f.Type == kinds.Memory]
			b.warnf(s.addr, "%s is %q in Dokploy, not a positive whole number of %s; left out (unmanaged)", field, str, unit)
		}
		return nil, false
	}
	if f.Type == kinds.CPU {
		return number(spec.CPU(n).String()), true
	}
	if m := spec.Memory(n).String(); m != strconv.FormatInt(n, 10) {
		return m, true
	}
	return n, true
}

// sameValue reports whether a live value is the default (null, "", [] and
// {} alike; a marker object is its presence).
func sameValue(f *kinds.Field, v, def any) bool {
	if f.Marker() {
		_, set := v.(map[string]any)
		return !set
	}
	empty := func(x any) bool {
		switch y := x.(type) {
		case nil:
			return true
		case string:
			return y == ""
		case []any:
			return len(y) == 0
		case map[string]any:
			return len(y) == 0
		}
		return false
	}
	if empty(v) && empty(def) {
		return f.Type != kinds.Bool || v == def
	}
	switch x := v.(type) {
	case bool:
		y, ok := def.(bool)
		return ok && x == y
	case float64:
		y, ok := def.(float64)
		return ok && x == y
	case string:
		y, ok := def.(string)
		return ok && x == y
	}
	return false
}

// snake turns a camelCase field name into snake case for variable names:
// secretAccessKey is SECRET_ACCESS_KEY.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}
