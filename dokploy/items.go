package dokploy

import (
	"encoding/json"
	"slices"

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

// readItems picks the items of the described kinds of a service out of
// its .one answer, without those that are none of the spec's business
// (kinds.Hooks.Hidden). Nothing is parsed twice when the kind has none.
// all, when not nil, is the answer already parsed into its keys.
func readItems(data []byte, all map[string]json.RawMessage, parent kinds.Parent) (Items, error) {
	var in, settings []*kinds.Kind
	for _, k := range kinds.Of(parent.Kind) {
		switch {
		case k.Singleton:
			settings = append(settings, k)
		case k.Read.In != "":
			in = append(in, k)
		}
	}
	if len(in) == 0 && len(settings) == 0 {
		return nil, nil
	}
	if all == nil {
		if err := json.Unmarshal(data, &all); err != nil {
			return nil, err
		}
	}
	items := Items{}
	for _, k := range in {
		raw, ok := all[k.Read.In]
		if !ok {
			continue
		}
		var rows []Row
		if err := json.Unmarshal(raw, &rows); err != nil {
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
	for _, k := range settings {
		if k.Hooks.Setting != nil {
			get := func(key string) any {
				var v any
				if raw, ok := all[key]; ok {
					json.Unmarshal(raw, &v) // a value json.Unmarshal read already
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
				if raw, ok := all[f.APIName()]; ok {
					var v any
					if err := json.Unmarshal(raw, &v); err != nil {
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
