package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// A spec in many files, and one environment declared over another.
//
// Many files. Load given a directory reads every dokploy*.yaml and
// dokploy*.yml in it (not below it), in name order, as one spec. Each file
// is a spec of its own (apiVersion included), and their trees are merged
// before decoding:
//   - projects and environments are containers: the same project or
//     environment may appear in several files, each adding its
//     environments or services;
//   - a resource (a service, an instance resource such as a destination)
//     is declared in one file: a second declaration is an error naming
//     both positions;
//   - a project's or an environment's own fields (description, env, ...)
//     are set in one file;
//   - secrets: lists are joined; apiVersion must be the same everywhere.
//
// Every node keeps the position of the file it came from, so diagnostics
// point at the file and line that set the value. envFile, contentFile and
// composeFile are relative to the directory, which all the files share.
//
// Overlays. An environment that says extends: OTHER (an environment of the
// same project) has every service, env and envFile of OTHER, merged with
// what it declares itself:
//   - mappings merge key by key, at every depth (resources:, swarm:, a
//     service's fields);
//   - anything else replaces what it overrides: scalars, lists (domains,
//     mounts, envFile, ...), and a service's source, which is one of its
//     kinds as a whole;
//   - null replaces too (it clears the live value, as everywhere), except in
//     a map of names: a service set to null is not declared in the
//     extending environment, and an env key (or build arg) set to null is
//     left out of it;
//   - the environment's own description, protect and deleteVolumes are not
//     inherited.
//
// An inherited value keeps its position: a diagnostic about it points at
// the line of the environment it came from, with the extending service's
// address. extends may chain (preview extends staging extends production),
// never in a cycle.

// SpecFilePattern says which files of a directory make the spec.
const SpecFilePattern = "dokploy*.yaml, dokploy*.yml"

// specFiles lists the files of a spec directory, sorted by name.
func specFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, "dokploy") || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		if e.IsDir() {
			continue
		}
		out = append(out, filepath.Join(dir, n))
	}
	// dokploy.yaml (or .yml) first, the others by name.
	sort.Slice(out, func(i, j int) bool {
		mi, mj := isMainFile(out[i]), isMainFile(out[j])
		if mi != mj {
			return mi
		}
		return out[i] < out[j]
	})
	return out, nil
}

func isMainFile(path string) bool {
	b := filepath.Base(path)
	return b == "dokploy.yaml" || b == "dokploy.yml"
}

// source is one file of a spec.
type source struct {
	name string
	src  []byte
}

// markFile records that every token under n is in file name, for posOf.
// The first file of a spec is not marked: it is d.file.
func (d *decoder) markFile(n ast.Node, name string) {
	if d.tokenFile == nil {
		d.tokenFile = map[*token.Token]string{}
	}
	ast.Walk(&fileMarker{d.tokenFile, name}, n)
}

type fileMarker struct {
	m    map[*token.Token]string
	name string
}

// Visit has a pointer receiver: returning v then boxes nothing.
func (v *fileMarker) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return nil
	}
	if tk := n.GetToken(); tk != nil {
		v.m[tk] = v.name
	}
	return v
}

// ---- many files ----

// level says how a mapping is merged across files: which keys hold maps
// of named entries and what each entry is (nil: a resource, declared in one
// file), which keys hold lists that are joined, and which must be equal.
type level struct {
	maps  map[string]*level
	lists map[string]bool
	same  map[string]bool
	// addr builds the address of a named entry of key.
	addr func(parent, key, name string) string
}

var fileLevel = func() *level {
	env := &level{maps: map[string]*level{}, addr: func(parent, key, name string) string {
		return childAddress(parent, serviceKeys[key], name)
	}}
	for k := range serviceKeys {
		env.maps[k] = nil
	}
	project := &level{maps: map[string]*level{"environments": env}, addr: func(parent, _, name string) string {
		return childAddress(parent, "", name)
	}}
	top := &level{
		maps:  map[string]*level{"projects": project},
		lists: map[string]bool{"secrets": true},
		same:  map[string]bool{"apiVersion": true},
		addr: func(_, key, name string) string {
			if k := instanceKeys[key]; k != nil {
				return k.Name + "[" + name + "]" // as the decoder names them
			}
			if key == "contexts" {
				return ContextAddress(name)
			}
			return name
		},
	}
	for key := range instanceKeys {
		top.maps[key] = nil
	}
	top.maps["contexts"] = nil // a context is declared in one file
	return top
}()

// instanceKeys are the top-level keys of the instance kinds.
var instanceKeys = func() map[string]*kinds.Kind {
	out := map[string]*kinds.Kind{}
	for _, k := range kinds.Declared() {
		if k.Instance() {
			out[k.Key] = k
		}
	}
	return out
}()

// serviceKeys are the keys of an environment that hold services, with the
// kind word of their addresses.
var serviceKeys = func() map[string]string {
	out := map[string]string{}
	for _, f := range fieldsOf(reflect.TypeOf(Environment{})) {
		if f.typ.Kind() == reflect.Map && f.typ.Elem().Kind() == reflect.Pointer {
			if kind, ok := resourceKinds[f.typ.Elem().Elem()]; ok {
				out[f.name] = kind
			}
		}
	}
	return out
}()

// union merges the top mappings of the files of a spec (see above).
func (d *decoder) union(tops []ast.Node) ast.Node {
	for _, top := range tops {
		has := false
		for _, e := range d.entries(top, ctx{}, 0) {
			has = has || e.key == "apiVersion"
		}
		if !has {
			d.errorf(d.posOf(top), "", "apiVersion: required field is missing; every file of a spec starts with \"apiVersion: %s\"", APIVersion)
		}
	}
	return d.unionMaps(tops, fileLevel, "", ctx{})
}

func (d *decoder) unionMaps(nodes []ast.Node, lvl *level, addr string, c ctx) ast.Node {
	var lists [][]entry
	for _, n := range nodes {
		lists = append(lists, d.entries(n, c, 0))
	}
	return union(lists, func(key string, es []entry) *ast.MappingValueNode {
		first := es[0]
		fc := c.child(key, first.keyPos)
		fc.addr = addr
		child, isMap := lvl.maps[key]
		switch {
		case isMap:
			return first.with(d.unionNames(es, lvl, child, addr, key, fc))
		case lvl.lists[key]:
			return first.with(d.joinLists(es, fc))
		case strings.HasPrefix(key, "x-") && lvl == fileLevel:
			return first.node() // ignored by the decoder
		}
		for _, e := range es[1:] {
			switch {
			case !lvl.same[key]:
				d.errorf(e.keyPos, addr, "%s", fieldMsg(key, fmt.Sprintf("also set at %s; set it in one file", first.keyPos)))
			case scalarText(d, e.value) != scalarText(d, first.value):
				d.errorf(e.valPos, addr, "%s", fieldMsg(key, fmt.Sprintf("%s differs from %s at %s; every file of a spec says the same", kinds.Quote(scalarText(d, e.value)), kinds.Quote(scalarText(d, first.value)), first.valPos)))
			}
		}
		return first.node()
	})
}

// union is the mapping of the entries of several mappings: the keys in the
// order they first appear, a key that one mapping has as it is, and the
// entries of a key that several have merged by merge.
func union(lists [][]entry, merge func(key string, es []entry) *ast.MappingValueNode) ast.Node {
	var order []string
	by := map[string][]entry{}
	for _, l := range lists {
		for _, e := range l {
			if _, seen := by[e.key]; !seen {
				order = append(order, e.key)
			}
			by[e.key] = append(by[e.key], e)
		}
	}
	values := make([]*ast.MappingValueNode, 0, len(order))
	for _, key := range order {
		if es := by[key]; len(es) == 1 {
			values = append(values, es[0].node())
		} else {
			values = append(values, merge(key, es))
		}
	}
	return mappingOf(values)
}

// unionNames merges the maps of named entries that several files give one
// key (projects, environments, applications, ...).
func (d *decoder) unionNames(es []entry, parent, lvl *level, addr, key string, c ctx) ast.Node {
	var lists [][]entry
	for _, e := range es {
		rn, _, ok := d.resolve(e.value, c)
		if !ok {
			continue
		}
		if ents, ok := d.mapping(rn, e.valPos, c); ok {
			lists = append(lists, ents)
		}
	}
	return union(lists, func(name string, ns []entry) *ast.MappingValueNode {
		first := ns[0]
		naddr := parent.addr(addr, key, name)
		if lvl == nil {
			hint := ""
			if _, service := serviceKeys[key]; service {
				hint = " (for a service that differs a little between environments, let one environment extend the other: extends)"
			}
			for _, e := range ns[1:] {
				d.errorf(e.keyPos, naddr, "declared again: also at %s; declare it in one file%s", first.keyPos, hint)
			}
			return first.node()
		}
		var parts []ast.Node
		for _, e := range ns {
			if rn, _, ok := d.resolve(e.value, c); ok {
				parts = append(parts, rn)
			}
		}
		return first.with(d.unionMaps(parts, lvl, naddr, ctx{addr: naddr, pos: first.keyPos}))
	})
}

// joinLists joins the lists several files give one key (secrets).
func (d *decoder) joinLists(es []entry, c ctx) ast.Node {
	seq := ast.Sequence(nil, false)
	for _, e := range es {
		rn, _, ok := d.resolve(e.value, c)
		if !ok {
			continue
		}
		switch x := rn.(type) {
		case *ast.SequenceNode:
			if seq.Start == nil {
				seq.Start = x.Start
			}
			seq.Values = append(seq.Values, x.Values...)
		case nil, *ast.NullNode:
		default:
			return e.value // the decoder reports it
		}
	}
	return seq
}

// scalarText is a scalar's text, for comparing apiVersions.
func scalarText(d *decoder, n ast.Node) string {
	rn, _, ok := d.resolve(n, ctx{})
	if !ok || rn == nil || rn.GetToken() == nil {
		return ""
	}
	return rn.GetToken().Value
}

// node is the entry as a mapping value node.
func (e entry) node() *ast.MappingValueNode {
	if e.mv != nil && e.mv.Value == e.value {
		return e.mv
	}
	return e.with(e.value)
}

// with is the entry with another value.
func (e entry) with(value ast.Node) *ast.MappingValueNode {
	mv := ast.MappingValue(e.mv.Start, e.mv.Key, value)
	return mv
}

// mappingOf builds a block mapping; its position is its first key's.
func mappingOf(values []*ast.MappingValueNode) *ast.MappingNode {
	var tk *token.Token
	if len(values) > 0 {
		tk = values[0].Start
	}
	return ast.Mapping(tk, false, values...)
}

// ---- extends ----

// inheritedNot are the keys of an environment that extends does not pass
// on: the environment's own settings.
var inheritedNot = map[string]bool{"description": true, "protect": true, "deleteVolumes": true, "extends": true}

// extend resolves every extends: of the spec's environments (see above).
// The tree is rebuilt along the paths that change; a spec without extends
// is returned as it is.
func (d *decoder) extend(top ast.Node) ast.Node {
	if !d.hasExtends(top) {
		return top
	}
	return d.replace(top, "projects", ctx{}, func(projects ast.Node, c ctx) ast.Node {
		var values []*ast.MappingValueNode
		for _, pe := range d.entries(projects, c, 0) {
			pc := ctx{addr: pe.key, pos: pe.keyPos}
			pn, _, ok := d.resolve(pe.value, pc)
			if !ok || !isMapping(pn) {
				values = append(values, pe.node())
				continue
			}
			values = append(values, pe.with(d.replace(pn, "environments", pc, func(envs ast.Node, c ctx) ast.Node {
				return d.extendEnvironments(envs, pe.key, c)
			})))
		}
		return mappingOf(values)
	})
}

// hasExtends reports whether some environment of the spec says extends.
func (d *decoder) hasExtends(top ast.Node) bool {
	found := false
	d.each(top, "projects", func(p entry) {
		pn, _, ok := d.resolve(p.value, ctx{})
		if !ok {
			return
		}
		d.each(pn, "environments", func(e entry) {
			en, _, ok := d.resolve(e.value, ctx{})
			if !ok || !isMapping(en) {
				return
			}
			for _, x := range d.entries(en, ctx{}, 0) {
				if x.key == "extends" {
					found = true
				}
			}
		})
	})
	return found
}

// each calls fn for every entry of the mapping under key of mapping n.
func (d *decoder) each(n ast.Node, key string, fn func(entry)) {
	if !isMapping(n) {
		return
	}
	for _, e := range d.entries(n, ctx{}, 0) {
		if e.key != key {
			continue
		}
		v, _, ok := d.resolve(e.value, ctx{})
		if !ok || !isMapping(v) {
			continue
		}
		for _, x := range d.entries(v, ctx{}, 0) {
			fn(x)
		}
	}
}

// replace returns mapping n with the value of key replaced by fn's result
// (n itself when n is not a mapping or has no such key).
func (d *decoder) replace(n ast.Node, key string, c ctx, fn func(ast.Node, ctx) ast.Node) ast.Node {
	if !isMapping(n) {
		return n
	}
	ents := d.entries(n, c, 0)
	values := make([]*ast.MappingValueNode, 0, len(ents))
	for _, e := range ents {
		if e.key != key {
			values = append(values, e.node())
			continue
		}
		v, _, ok := d.resolve(e.value, c.child(key, e.keyPos))
		if !ok || !isMapping(v) {
			values = append(values, e.node())
			continue
		}
		values = append(values, e.with(fn(v, c.child(key, e.keyPos))))
	}
	return mappingOf(values)
}

func isMapping(n ast.Node) bool {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// extendEnvironments resolves the extends of the environments of project.
func (d *decoder) extendEnvironments(envs ast.Node, project string, c ctx) ast.Node {
	ents := d.entries(envs, c, 0)
	byName := make(map[string]entry, len(ents))
	var names []string
	for _, e := range ents {
		byName[e.key] = e
		names = append(names, e.key)
	}
	done := map[string]ast.Node{} // merged environments
	var resolve func(name string, chain []string) ast.Node
	resolve = func(name string, chain []string) ast.Node {
		if n, ok := done[name]; ok {
			return n
		}
		e := byName[name]
		addr := childAddress(project, "", name)
		ec := ctx{addr: addr, pos: e.keyPos}
		en, _, ok := d.resolve(e.value, ec)
		if !ok || !isMapping(en) {
			done[name] = e.value
			return e.value
		}
		var base string
		var basePos Position
		var has bool
		for _, x := range d.entries(en, ec, 0) {
			if x.key != "extends" {
				continue
			}
			xn, _, ok := d.resolve(x.value, ec)
			s, isStr := xn.(*ast.StringNode)
			if !ok || !isStr {
				break // the decoder reports it
			}
			base, basePos, has = s.Value, x.valPos, true
		}
		if !has {
			done[name] = en
			return en
		}
		done[name] = en // for a cycle: the environment as written
		switch {
		case base == name:
			d.errorf(basePos, addr, "extends: an environment cannot extend itself; name another environment of project %s", project)
			return en
		case byName[base].mv == nil:
			msg := fmt.Sprintf("extends: %s is not an environment of project %s", kinds.Quote(base), project)
			if s := Suggest(base, names); s != "" {
				msg += " (did you mean " + s + "?)"
			} else {
				msg += "; declare it under environments, or name one of: " + strings.Join(names, ", ")
			}
			d.errorf(basePos, addr, "%s", msg)
			return en
		case contains(chain, base):
			d.errorf(basePos, addr, "extends: a cycle: %s; one environment of the chain must not extend another", strings.Join(append(chain, name, base), " extends "))
			return en
		}
		from := resolve(base, append(chain, name))
		merged := d.overlay(from, en, reflect.TypeOf(Environment{}), ec, true)
		done[name] = merged
		return merged
	}
	values := make([]*ast.MappingValueNode, 0, len(ents))
	for _, e := range ents {
		values = append(values, e.with(resolve(e.key, nil)))
	}
	return mappingOf(values)
}

// overlay merges over onto base, whose value type is t (nil when it is not
// a type of this package: the values of described kinds). env says that
// base is an environment: its own settings are not inherited.
func (d *decoder) overlay(base, over ast.Node, t reflect.Type, c ctx, env bool) ast.Node {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var rb ast.Node
	okb := true
	if base != nil {
		rb, _, okb = d.resolve(base, c)
	}
	ro, _, oko := d.resolve(over, c)
	if !okb || !oko || rb != nil && !isMapping(rb) || !isMapping(ro) || t == sourceType {
		return over
	}
	named := t != nil && t.Kind() == reflect.Map
	oents := d.entries(ro, c, 0)
	overBy := make(map[string]entry, len(oents))
	var values []*ast.MappingValueNode
	used := map[string]bool{}
	for _, e := range oents {
		overBy[e.key] = e
		if env && inheritedNot[e.key] {
			// The environment's own settings come first, as written.
			values = append(values, e.node())
			used[e.key] = true
		}
	}
	var bents []entry
	if rb != nil {
		bents = d.entries(rb, c, 0)
	}
	for _, b := range bents {
		if env && inheritedNot[b.key] {
			continue
		}
		o, ok := overBy[b.key]
		if !ok {
			values = append(values, b.node())
			continue
		}
		used[b.key] = true
		if named && isNullNode(d, o.value) {
			continue // left out of the extending environment
		}
		values = append(values, o.with(d.overlay(b.value, o.value, fieldType(t, b.key), c.child(b.key, o.keyPos), false)))
	}
	for _, o := range oents {
		if used[o.key] {
			continue
		}
		if named && isNullNode(d, o.value) {
			d.warnf(o.keyPos, c.addr, "%s", fieldMsg(joinField(c.field.String(), o.key), "null leaves out an inherited entry, but the environment extended has none of this name; remove the line"))
			continue
		}
		// New here; its maps of names may still say null.
		values = append(values, o.with(d.overlay(nil, o.value, fieldType(t, o.key), c.child(o.key, o.keyPos), false)))
	}
	return mappingOf(values)
}

// fieldType is the type of key's values in a value of type t (nil when
// not known: the keys of described kinds).
func fieldType(t reflect.Type, key string) reflect.Type {
	switch {
	case t == nil:
		return nil
	case t.Kind() == reflect.Map:
		return t.Elem()
	case t.Kind() == reflect.Struct:
		if fi, ok := findField(fieldsOf(t), key); ok {
			return fi.typ
		}
	}
	return nil
}

func isNullNode(d *decoder, n ast.Node) bool {
	rn, tag, ok := d.resolve(n, ctx{})
	if !ok || tag == "!!str" {
		return false
	}
	switch rn.(type) {
	case nil, *ast.NullNode:
		return true
	}
	return false
}
