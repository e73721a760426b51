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
// ranges, patterns, the kind's own checks (Hooks.Validate) and, in lists,
// two items with one identity.
func (v *validator) objects(addr string, objs Objects, parent string) {
	var ks []*kinds.Kind
	if parent == "" {
		ks = kinds.Instance()
	} else {
		ks = kinds.Of(parent)
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
			case k.Singleton && k.Inline:
				prefix = ""
			case k.Singleton:
			default:
				i = v.index(&o.Meta, i)
				prefix = itemField(k.Key, i, "")
			}
			v.fields(iaddr, prefix, &o.Meta, k.Fields, o)
			if k.Hooks.Validate != nil {
				for _, pr := range k.Hooks.Validate(v.known(o)) {
					msg := fieldMsg(joinField(prefix, pr.Field), pr.Message)
					if pr.Warning {
						v.warnf(at(&o.Meta, pr.Field), iaddr, "%s", msg)
					} else {
						v.errorf(at(&o.Meta, pr.Field), iaddr, "%s", msg)
					}
				}
			}
			if k.Instance() || k.Singleton || len(k.Identity) == 0 {
				continue
			}
			skip := false
			for _, f := range k.Identity {
				skip = skip || v.skip(&o.Meta, f) || !o.Set(f)
			}
			if skip {
				continue
			}
			id := o.Name
			if j, dup := first[id]; dup {
				noun, verb := or(k.Duplicate.Noun, k.Name), or(k.Duplicate.Verb, "used")
				v.errorf(o.Meta.Pos, addr, "%s: duplicate %s: %s is already %s by %s%s%s",
					prefix, noun, identityText(k, o), verb, itemField(k.Key, j, ""), posText(firstPos[id]), k.Duplicate.Hint)
				continue
			}
			first[id], firstPos[id] = i, o.Meta.Pos
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
// on an unset ${VAR}.
func (v *validator) known(o *Object) kinds.Values {
	out := kinds.Values{}
	for k, x := range o.Values {
		if !v.skip(&o.Meta, k) {
			out[k] = x
		}
	}
	return out
}

// fields checks the values of o against fields: enums, ranges (of
// integers and numbers) and patterns, nested objects too.
func (v *validator) fields(addr, prefix string, m *Meta, fields []*kinds.Field, o *Object) {
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
			if f.Pattern != "" && !pattern(f.Pattern).MatchString(val) {
				v.errorf(at(m, f.Name), addr, "%s: must be %s, got %s", name, f.PatternDoc, quoteShort(val))
			}
		case []string:
			if f.Pattern == "" {
				continue
			}
			for i, s := range val {
				if !pattern(f.Pattern).MatchString(s) {
					v.errorf(at(m, f.Name), addr, "%s[%d]: must be %s, got %s", name, i, f.PatternDoc, quoteShort(s))
				}
			}
		case int:
			if f.Max > f.Min && (val < f.Min || val > f.Max) {
				v.errorf(at(m, f.Name), addr, "%s: must be between %d and %d, got %d", name, f.Min, f.Max, val)
			}
		case float64:
			if f.Max > f.Min && (val < float64(f.Min) || val > float64(f.Max)) {
				v.errorf(at(m, f.Name), addr, "%s: must be between %d and %d, got %s", name, f.Min, f.Max, strconv.FormatFloat(val, 'f', -1, 64))
			}
		case *Object:
			v.fields(addr, name, &val.Meta, f.Fields, val)
		case []*Object:
			for i, sub := range val {
				v.fields(addr, name+"["+strconv.Itoa(i)+"]", &sub.Meta, f.Fields, sub)
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
