package spec

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// objects checks the items of the described kinds of a resource (parent
// is its kind, "" for the top level) against their descriptions: enums,
// ranges, patterns, fields for other parents or variants, the kind's own
// checks (Hooks.Validate) and, in lists, two items with one identity.
func (v *validator) objects(addr string, objs Objects, parent string) {
	var ks []*kinds.Kind
	if parent == "" {
		ks = kinds.Instance()
	} else {
		if ks = v.kindsOf[parent]; ks == nil {
			ks = kinds.Of(parent)
			if v.kindsOf == nil {
				v.kindsOf = map[string][]*kinds.Kind{}
			}
			v.kindsOf[parent] = ks
		}
	}
	for _, k := range ks {
		items := objs[k.Name]
		first := map[string]int{}
		firstPos := map[string]Position{}
		for i, o := range items {
			iaddr, prefix := addr, k.Key
			switch {
			case k.Instance():
				iaddr, prefix = k.Name+"["+o.Name+"]", ""
				v.name(k.Name, o.Name, iaddr, &o.Meta)
			case k.Singleton && k.Inline:
				prefix = ""
			case k.Singleton:
			default:
				i = v.index(&o.Meta, i)
				prefix = itemField(k.Key, i, "")
			}
			m := &o.Meta
			known := v.known(o)
			var problems []kinds.Problem
			if k.Hooks.Validate != nil {
				it := kinds.Item{Values: known, Keys: map[string]bool{}, Unknown: map[string]bool{}, Parent: parent}
				for key := range m.Keys {
					it.Keys[key] = true
				}
				for key := range m.Unknown {
					it.Unknown[key] = true
				}
				problems = k.Hooks.Validate(it)
			}
			// The hook's errors at a field word what its pattern rejects
			// (kinds.Field.Pattern).
			worded := map[string]bool{}
			for _, pr := range problems {
				if !pr.Warning && pr.Field != "" {
					worded[pr.Field] = true
				}
			}
			v.fields(iaddr, prefix, m, k.Fields, o, worded)
			v.applies(iaddr, prefix, k, parent, o)
			for _, pr := range problems {
				pos := at(m, or(pr.At, pr.Field))
				if pr.AtItem {
					pos = m.Pos
				}
				field := prefix
				if pr.Field != "" {
					field = joinField(prefix, pr.Field)
				}
				msg := fieldMsg(field, pr.Message)
				if pr.Warning {
					v.warnf(pos, iaddr, "%s", msg)
				} else {
					v.errorf(pos, iaddr, "%s", msg)
				}
			}
			if k.Instance() || k.Singleton || len(k.Identity) == 0 {
				continue
			}
			skip := false
			for _, f := range k.Identity {
				skip = skip || v.skip(m, f) || !o.Set(f) && k.Field(f).Required
			}
			if skip {
				continue
			}
			id, text := o.Name, identityText(k, o)
			if k.Duplicate.Key != nil {
				id = k.Duplicate.Key(known)
			}
			if k.Duplicate.Text != nil {
				text = k.Duplicate.Text(known)
			}
			if id == "" && k.Duplicate.Key != nil {
				continue
			}
			if j, dup := first[id]; dup {
				noun, verb := or(k.Duplicate.Noun, k.Name), or(k.Duplicate.Verb, "used")
				v.errorf(m.Pos, addr, "%s: duplicate %s: %s is already %s by %s%s%s",
					prefix, noun, text, verb, itemField(k.Key, j, ""), posText(firstPos[id]), k.Duplicate.Hint)
				continue
			}
			first[id], firstPos[id] = i, m.Pos
			if k.Duplicate.Across && parent != "" {
				v.acrossCheck(k, addr, prefix, text, id, objs, m.Pos)
			}
		}
	}
}

// acrossItem is an item of a service with a key that must be unique in
// the whole spec (kinds.Duplicate.Across).
type acrossItem struct {
	addr, field string
	pos         Position
}

// acrossCheck reports an item whose key another service on the same
// server already has (kinds.Duplicate.Across). objs are the service's
// described items, where its server is.
func (v *validator) acrossCheck(k *kinds.Kind, addr, field, text, id string, objs Objects, pos Position) {
	server := ""
	if s := objs[kinds.ServiceServer.Name]; len(s) > 0 {
		if v.skip(&s[0].Meta, "server") {
			return // on a server not known yet
		}
		server = s[0].Str("server")
	}
	key := k.Name + "\x00" + server + "\x00" + id
	held := v.across[key]
	v.across[key] = append(held, acrossItem{addr, field, pos})
	if len(held) == 0 {
		return
	}
	// Another service at the same node (inherited) says more than the
	// first service with the key.
	prev := held[0]
	for _, h := range held {
		if h.pos == pos && h.addr != addr {
			prev = h
			break
		}
	}
	if prev.addr == addr {
		return
	}
	on := ""
	if server != "" {
		on = " on server " + strconv.Quote(server)
	}
	if prev.pos == pos && pos.Line > 0 {
		// One node, two services: an environment inherited it.
		child, parentAddr := addr, prev.addr
		if !v.extends(addr) && v.extends(prev.addr) {
			child, parentAddr = prev.addr, addr
		}
		if v.extends(child) {
			v.errorf(pos, child, "%s: %s is inherited via extends from %s, so two services%s would serve it; override %s in the environment %s (a list there replaces the inherited one; %s: [] for none)",
				field, text, parentAddr, on, serviceField(child, k.Key), envAddress(child), k.Key)
			return
		}
		v.errorf(pos, addr, "%s: %s is used by %s too (one YAML node, through an alias)%s",
			field, text, prev.addr, k.Duplicate.AcrossHint)
		return
	}
	v.errorf(pos, addr, "%s: duplicate %s: %s is already %s by %s %s%s%s",
		field, or(k.Duplicate.Noun, k.Name), text, or(k.Duplicate.Verb, "used"), prev.addr, prev.field, posText(prev.pos), k.Duplicate.AcrossHint)
}

// extends reports whether the environment of the service at addr
// extends another.
func (v *validator) extends(addr string) bool {
	parts := strings.SplitN(addr, "/", 3)
	if v.f == nil || len(parts) < 3 {
		return false
	}
	p := v.f.Projects[parts[0]]
	if p == nil {
		return false
	}
	e := p.Environments[parts[1]]
	return e != nil && e.Extends != nil && *e.Extends != ""
}

// serviceField names a field of the service at addr as the spec writes
// it: applications.api.domains.
func serviceField(addr, field string) string {
	parts := strings.Split(addr, "/")
	if len(parts) != 4 {
		return field
	}
	key := parts[2]
	if key == "application" {
		key = "applications"
	}
	return key + "." + parts[3] + "." + field
}

// envAddress is the address of the environment of a service's address.
func envAddress(addr string) string {
	parts := strings.SplitN(addr, "/", 3)
	if len(parts) < 2 {
		return addr
	}
	return parts[0] + "/" + parts[1]
}

// applies reports the fields o sets that are not for its parent's kind
// (kinds.Field.Parents) or its variant (kinds.Field.Variant).
func (v *validator) applies(addr, prefix string, k *kinds.Kind, parent string, o *Object) {
	m := &o.Meta
	variant := ""
	if k.Variant != "" && !v.skip(m, k.Variant) {
		if s, ok := o.Values[k.Variant].(string); ok && contains(k.Field(k.Variant).Enum, s) {
			variant = s
		}
	}
	for _, f := range k.Fields {
		if !m.Has(f.Name) {
			continue
		}
		name := joinField(prefix, f.Name)
		switch {
		case parent != "" && !f.For(parent):
			msg := f.ParentsDoc
			if msg == "" {
				msg = "only for items of " + strings.Join(f.Parents, ", ") + "; remove it"
			}
			v.errorf(at(m, f.Name), addr, "%s", fieldMsg(name, msg))
		case variant != "" && f.Variant != "" && f.Variant != variant:
			v.errorf(at(m, f.Name), addr, "%s: %s is for %s %ss, and this is a %s %s; remove it", name, f.Name, f.Variant, k.Name, variant, k.Name)
		}
	}
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// identityText says an item's identity: regex "^/a$", prefix "daily".
func identityText(k *kinds.Kind, o *Object) string {
	parts := make([]string, len(k.Identity))
	for i, f := range k.Identity {
		parts[i] = f + " " + quoteShort(valueString(o.Values[f]))
	}
	return strings.Join(parts, " and ")
}

// known are the values of o that can be checked: read, and not depending
// on an unset ${VAR} (those are kinds.Unknown).
func (v *validator) known(o *Object) kinds.Values {
	out := kinds.Values{}
	for k, x := range o.Values {
		switch {
		case o.Meta.Unknown[k] != "":
			out[k] = kinds.Unknown{}
		case !v.skip(&o.Meta, k):
			out[k] = x
		}
	}
	return out
}

// fields checks the values of o against fields: enums, ranges (of
// integers and numbers) and patterns, nested objects too; not the
// patterns of the fields worded (which the kind's Validate hook reports in
// its own words).
func (v *validator) fields(addr, prefix string, m *Meta, fields []*kinds.Field, o *Object, worded map[string]bool) {
	for _, f := range fields {
		x, ok := o.Values[f.Name]
		if !ok || x == nil || v.skip(m, f.Name) {
			continue
		}
		name := joinField(prefix, f.Name)
		switch val := x.(type) {
		case string:
			if len(f.Enum) > 0 && !contains(f.Enum, val) {
				v.errorf(at(m, f.Name), addr, "%s", oneOfMsg(name, val, f.Enum))
			}
			if f.Pattern != "" && !worded[f.Name] && !pattern(f.Pattern).MatchString(val) {
				v.errorf(at(m, f.Name), addr, "%s: must be %s, got %s", name, f.PatternDoc, quoteShort(val))
			}
		case []string:
			if f.Pattern == "" || worded[f.Name] {
				continue
			}
			for i, s := range val {
				if !pattern(f.Pattern).MatchString(s) {
					v.errorf(at(m, f.Name), addr, "%s[%d]: must be %s, got %s", name, i, f.PatternDoc, quoteShort(s))
				}
			}
		case int:
			if f.Max > f.Min && (val < f.Min || val > f.Max) {
				rng := f.RangeDoc
				if rng == "" {
					rng = "between " + strconv.Itoa(f.Min) + " and " + strconv.Itoa(f.Max)
				}
				v.errorf(at(m, f.Name), addr, "%s: must be %s, got %d", name, rng, val)
			}
		case float64:
			if f.Max > f.Min && (val < float64(f.Min) || val > float64(f.Max)) {
				v.errorf(at(m, f.Name), addr, "%s: must be between %d and %d, got %s", name, f.Min, f.Max, strconv.FormatFloat(val, 'f', -1, 64))
			}
		case *Object:
			v.fields(addr, name, &val.Meta, f.Fields, val, nil)
		case []*Object:
			for i, sub := range val {
				v.fields(addr, name+"["+strconv.Itoa(i)+"]", &sub.Meta, f.Fields, sub, nil)
			}
		}
	}
}

var patterns sync.Map // string -> *regexp.Regexp

func pattern(s string) *regexp.Regexp {
	if re, ok := patterns.Load(s); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(s)
	patterns.Store(s, re)
	return re
}
