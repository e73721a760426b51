package dokploy

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Row is a live item of a described kind (package kinds) as the API
// answers it: JSON decoded into string, float64, bool, []any,
// map[string]any and nil.
type Row map[string]any

// Items are the live items of described kinds, by kind name: in a service
// the ones its .one answer lists (kinds.Read.In) or its own list procedure
// gave, in Live the instance resources; for a singleton kind, one row of
// the parent's own keys that its fields use.
type Items map[string][]Row

// ID is the row's id under key ("" when absent).
func (r Row) ID(key string) string { s, _ := r[key].(string); return s }

// KindRows are the items of kind k in the rows its Read.Proc answered:
// each row as the kind's Hooks.Row makes it, if it has one; never nil.
func KindRows(k *kinds.Kind, rows []Row) []Row {
	if k.Hooks.Row == nil {
		if rows == nil {
			return []Row{}
		}
		return rows
	}
	out := []Row{}
	for _, r := range rows {
		if x := k.Hooks.Row(r); x != nil {
			out = append(out, x)
		}
	}
	return out
}

// readPlan is what readItems reads of the .one answer of a service kind:
// the kinds of its items and settings, and the answer's keys they use.
type readPlan struct {
	in, settings []*kinds.Kind
	// keys are Read.In, the settings' fields and the keys their
	// Hooks.Setting read, each with its index in rawKeys.vals
	keys map[string]int
}

// addIDKeys adds the id keys of every database kind (a database's answer
// names its id by its kind).
func (p *readPlan) addIDKeys() {
	for _, k := range DatabaseKinds {
		p.add(IDKey(k))
	}
}

func (p *readPlan) add(key string) {
	if _, ok := p.keys[key]; !ok {
		p.keys[key] = len(p.keys)
	}
}

var readPlans sync.Map // service kind → *readPlan

func planFor(parent string) *readPlan {
	if p, ok := readPlans.Load(parent); ok {
		return p.(*readPlan)
	}
	p := &readPlan{keys: map[string]int{}}
	var fieldKeys func(fields []*kinds.Field)
	fieldKeys = func(fields []*kinds.Field) {
		for _, f := range fields {
			if f.Flat {
				fieldKeys(f.Fields)
			} else {
				p.add(f.APIName())
			}
		}
	}
	for _, k := range kinds.Of(parent) {
		switch {
		case k.Singleton:
			p.settings = append(p.settings, k)
			fieldKeys(k.Fields)
			if k.Hooks.Setting != nil { // the keys it asks for of an empty answer
				k.Hooks.Setting(func(key string) any { p.add(key); return nil }, parent)
			}
		case k.Read.In != "":
			p.in = append(p.in, k)
			p.add(k.Read.In)
		}
	}
	if slices.Contains(DatabaseKinds, parent) {
		p.addIDKeys()
	}
	q, _ := readPlans.LoadOrStore(parent, p)
	return q.(*readPlan)
}

// rawKeys are the raw values of some keys of a JSON object (the last of
// a repeated key), slices of the answer: those of the plan, by their
// index (nil when absent; lookup finds any other key in the answer), or
// all of them in all when the answer needed json.Unmarshal.
type rawKeys struct {
	data []byte
	plan *readPlan
	vals []json.RawMessage
	all  map[string]json.RawMessage
}

// readKeys reads the raw values of the plan's keys of data, a valid JSON
// object or null.
func readKeys(data []byte, plan *readPlan) (rawKeys, error) {
	r := rawKeys{data: data, plan: plan, vals: make([]json.RawMessage, len(plan.keys))}
	if topValues(data, r.set) {
		return r, nil
	}
	return allKeys(data)
}

// allKeys reads every key of data with json.Unmarshal, for the answers
// topValues leaves to it.
func allKeys(data []byte) (rawKeys, error) {
	r := rawKeys{data: data}
	err := json.Unmarshal(data, &r.all)
	return r, err
}

// set keeps raw as the value of key when the plan reads key.
func (r *rawKeys) set(key, raw []byte) {
	if i, ok := r.plan.keys[string(key)]; ok {
		r.vals[i] = raw
	}
}

// lookup is the raw value of key.
func (r rawKeys) lookup(key string) (json.RawMessage, bool) {
	if r.plan == nil {
		raw, ok := r.all[key]
		return raw, ok
	}
	if i, ok := r.plan.keys[key]; ok {
		return r.vals[i], r.vals[i] != nil
	}
	var raw json.RawMessage
	found := false
	topValues(r.data, func(k, v []byte) {
		if string(k) == key {
			raw, found = v, true
		}
	})
	return raw, found
}

// readItems picks the items of the described kinds of a service out of
// its .one answer, without those that are none of the spec's business
// (kinds.Hooks.Hidden). data, a valid JSON object or null, is not parsed
// again: its keys are found by a scan, and only the values the items use
// are decoded. keys, when not nil, are the ones of data already read.
func readItems(data []byte, keys *rawKeys, parent kinds.Parent) (Items, error) {
	plan := planFor(parent.Kind)
	if len(plan.in) == 0 && len(plan.settings) == 0 {
		return nil, nil
	}
	if keys == nil {
		r, err := readKeys(data, plan)
		if err != nil {
			return nil, err
		}
		keys = &r
	}
	items := Items{}
	for _, k := range plan.in {
		raw, ok := keys.lookup(k.Read.In)
		if !ok {
			continue
		}
		rows, err := parseRows(raw)
		if err != nil {
			return nil, err
		}
		if rows == nil {
			rows = []Row{}
		}
		if k.Hooks.Hidden != nil {
			rows = slices.DeleteFunc(rows, func(r Row) bool { return k.Hooks.Hidden(r, parent) })
		}
		items[k.Name] = rows
	}
	for _, k := range plan.settings {
		if k.Hooks.Setting != nil {
			get := func(key string) any {
				var v any
				if raw, ok := keys.lookup(key); ok {
					v, _ = parseAny(raw) // a value json.Unmarshal read already
				}
				return v
			}
			items[k.Name] = []Row{k.Hooks.Setting(get, parent.Kind)}
			continue
		}
		row := Row{}
		var read func(fields []*kinds.Field) error
		read = func(fields []*kinds.Field) error {
			for _, f := range fields {
				if f.Flat { // its fields are the parent's own keys
					if err := read(f.Fields); err != nil {
						return err
					}
					continue
				}
				if raw, ok := keys.lookup(f.APIName()); ok {
					v, err := parseAny(raw)
					if err != nil {
						return err
					}
					row[f.APIName()] = v
				}
			}
			return nil
		}
		if err := read(k.Fields); err != nil {
			return nil, err
		}
		items[k.Name] = []Row{row}
	}
	return items, nil
}

// ItemSecrets returns the values of the secret fields (kinds.Field.Secret)
// and of the env maps (kinds.Env, hidden like env) of the described items
// in live: the instance resources and the items of every service.
func (l *Live) ItemSecrets() []string {
	var out []string
	add := func(items Items) {
		for name, rows := range items {
			k := kinds.ByName(name)
			if k == nil {
				continue
			}
			for _, r := range rows {
				out = append(out, rowSecrets(k.Fields, r)...)
			}
		}
	}
	add(l.Items)
	for _, ps := range l.Projects {
		for _, p := range ps {
			for _, e := range p.Environments {
				for _, a := range e.Applications {
					add(a.Items)
				}
				for _, c := range e.Compose {
					add(c.Items)
				}
				for _, d := range e.Databases {
					add(d.Items)
				}
			}
		}
	}
	return out
}

func rowSecrets(fields []*kinds.Field, r map[string]any) []string {
	var out []string
	for _, f := range fields {
		if f.Flat {
			out = append(out, rowSecrets(f.Fields, r)...)
			continue
		}
		switch x := r[f.APIName()].(type) {
		case string:
			if f.Type == kinds.Env { // env values are hidden like env
				for _, v := range ParseEnv(&x) {
					if v != "" {
						out = append(out, v)
					}
				}
			} else if f.Secret && x != "" {
				out = append(out, x)
			}
		case map[string]any:
			if f.Secret {
				for _, v := range x {
					if s, ok := v.(string); ok && s != "" {
						out = append(out, s)
					}
				}
			} else {
				out = append(out, rowSecrets(f.Fields, x)...)
			}
		case []any:
			for _, v := range x {
				if m, ok := v.(map[string]any); ok {
					out = append(out, rowSecrets(f.Fields, m)...)
				}
			}
		}
	}
	return out
}
