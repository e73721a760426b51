package schema

import (
	"fmt"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Generate returns the schema document doc with the parts that package
// kinds describes set from the descriptions, the rest kept as it is, in its
// order: for every described kind, the definitions of its items (one, or
// one per set of fields its items have in its parents: itemDefs; an
// inline singleton has none), and the property that holds the kind in
// each parent, listed after the key the kind names for that parent
// (kinds.Kind.AfterOf) or last: at the top level a map of items by name
// (an instance kind), in the definition of each parent service kind
// ($defs/postgres, ...) a list of items, or a singleton's object, or an
// inline singleton's fields. The generated parts doc already has are
// replaced, wherever they are: the definitions go at the end of $defs, in
// the order of kinds.All. Read-only kinds (made elsewhere, only named)
// have no place in the file.
func Generate(doc []byte) ([]byte, error) { return generate(doc, kinds.All()) }

// generate is Generate for the kinds all.
func generate(doc []byte, all []*kinds.Kind) ([]byte, error) {
	v, err := decode(doc)
	if err != nil {
		return nil, err
	}
	root, ok := v.(*object)
	if !ok {
		return nil, fmt.Errorf("the schema is not a JSON object")
	}
	g := generator{added: map[*object]map[string]bool{}, kinds: all}
	defs, err := member(root, "$defs")
	if err != nil {
		return nil, err
	}
	// The overlay definitions are made last, from all the others.
	for _, name := range overlayDefs() {
		defs.del(name)
	}
	// The properties each kind is added to, by parent kind: the top
	// level's ("") for an instance kind, its parents' definitions' for the
	// others.
	places := map[*kinds.Kind]map[string]*object{}
	for _, k := range all {
		parents := map[string]*object{"": root}
		if !k.Instance() {
			parents = map[string]*object{}
			for _, p := range k.Parents {
				def, err := member(defs, p)
				if err != nil {
					return nil, err
				}
				parents[p] = def
			}
		}
		places[k] = map[string]*object{}
		for p, o := range parents {
			props, err := member(o, "properties")
			if err != nil {
				return nil, err
			}
			places[k][p] = props
			for _, key := range keysOf(k) {
				props.del(key)
			}
		}
		for _, name := range defNames(k) {
			defs.del(name)
		}
	}
	for _, k := range all {
		if k.ReadOnly {
			continue
		}
		ds := itemDefs(k)
		if !k.Inline {
			for _, d := range ds {
				defs.set(d.name, g.kindDef(k, d))
			}
		}
		for _, d := range ds {
			for _, p := range d.parents {
				props, after := places[k][p], k.AfterOf(p)
				switch {
				case k.Inline:
					for _, f := range d.fields {
						g.insert(props, f.Name, g.fieldSchema(ownerOf(k), f), after)
						after = f.Name
					}
				case k.Singleton:
					g.insert(props, k.Key, ref(d.name), after)
				case k.Instance():
					g.insert(props, k.Key, obj(
						"description", k.Doc+" Keyed by name: each is matched to the live one by name. null or {} declares none.",
						"type", []any{"object", "null"},
						"propertyNames", ref("resourceName"),
						"additionalProperties", ref(d.name)), after)
				default:
					desc := k.Doc + " Each is matched to a live one by " + strings.Join(k.Identity, " and ") + "."
					if k.NeedsDeploy(p) {
						desc += deployNote
					}
					g.insert(props, k.Key, obj(
						"description", desc+" null or [] declares none.",
						"type", []any{"array", "null"},
						"items", ref(d.name)), after)
				}
			}
		}
	}
	if err := overlays(root, defs); err != nil {
		return nil, err
	}
	return encode(root)
}

// serviceDefs are the definitions of the services an environment holds,
// by the environment's key.
var serviceDefs = []string{"applications", "application", "postgres", "postgres", "mysql", "mysql", "mariadb", "mariadb", "mongo", "mongo", "redis", "redis", "libsql", "libsql", "compose", "compose"}

// overlays derives, from the definitions as written and generated, the
// form an environment with extends: takes (spec/merge.go), and points the
// projects' environments at it:
//   - $defs/extendingEnvironment: the environment, extends required;
//   - $defs/<service>Overlay: a service of it, which inherits what it
//     leaves out, so that none of its keys is required;
//   - $defs/envOverlay: an env map, whose null values leave an inherited
//     key out.
//
// They are made again on every run, so they follow every change of the
// definitions they come from.
func overlays(root, defs *object) error {
	env, ok := defs.get("env").(*object)
	if !ok {
		return fmt.Errorf("$defs/env is missing")
	}
	eo := deepCopy(env).(*object)
	eo.set("title", "Environment variables (in an environment that extends another)")
	eo.set("description", "As env, and a key set to null is left out of what the environment extended has.")
	if ap, ok := eo.get("additionalProperties").(*object); ok {
		ap.set("type", []any{"string", "number", "boolean", "null"})
	}
	defs.set("envOverlay", eo)
	isEnv := func(v any) (string, bool) {
		p, ok := v.(*object)
		if !ok {
			return "", false
		}
		r, _ := p.get("$ref").(string)
		switch r {
		case "#/$defs/env":
			d, _ := p.get("description").(string)
			return d, true
		case "#/$defs/databaseEnv":
			d, _ := defs.get("databaseEnv").(*object).get("description").(string)
			return d, true
		}
		return "", false
	}
	environment, err := member(defs, "environment")
	if err != nil {
		return err
	}
	xe := deepCopy(environment).(*object)
	xe.set("title", "Environment that extends another")
	xe.set("description", "An environment with extends: it has the services, env and envFile of the environment it names, with what it declares itself merged over them. Its services need only the keys that differ.")
	xe.set("type", "object")
	xe.set("required", []any{"extends"})
	xprops, err := member(xe, "properties")
	if err != nil {
		return err
	}
	for i := 0; i < len(serviceDefs); i += 2 {
		key, name := serviceDefs[i], serviceDefs[i+1]
		def, err := member(defs, name)
		if err != nil {
			return err
		}
		ov := deepCopy(def).(*object)
		for _, k := range []string{"required", "oneOf", "anyOf", "dependentRequired"} {
			ov.del(k)
		}
		ov.set("title", def.get("title").(string)+" (in an environment that extends another)")
		ov.set("description", "The keys that differ from the service of the same name in the environment extended; the others are inherited. A new service needs what it needs anywhere.")
		ovProps, err := member(ov, "properties")
		if err != nil {
			return err
		}
		for _, k := range ovProps.keys {
			if d, ok := isEnv(ovProps.get(k)); ok {
				ovProps.set(k, obj("$ref", "#/$defs/envOverlay", "description", d+" A key set to null is left out of the inherited env."))
			}
		}
		defs.set(name+"Overlay", ov)
		prop, err := member(xprops, key)
		if err != nil {
			return err
		}
		prop.set("additionalProperties", obj("anyOf", []any{ref(name + "Overlay"), obj("type", "null", "description", "null: the service of this name that the environment extended has is not in this one.")}))
	}
	if d, ok := isEnv(xprops.get("env")); ok {
		xprops.set("env", obj("$ref", "#/$defs/envOverlay", "description", d+" A key set to null is left out of the inherited env."))
	}
	defs.set("extendingEnvironment", xe)
	project, err := member(defs, "project")
	if err != nil {
		return err
	}
	pprops, err := member(project, "properties")
	if err != nil {
		return err
	}
	envs, err := member(pprops, "environments")
	if err != nil {
		return err
	}
	envs.set("additionalProperties", obj(
		"if", obj("type", "object", "required", []any{"extends"}),
		"then", ref("extendingEnvironment"),
		"else", ref("environment")))
	return nil
}

// overlayDefs are the names of the definitions overlays makes.
func overlayDefs() []string {
	out := []string{"envOverlay", "extendingEnvironment"}
	for i := 1; i < len(serviceDefs); i += 2 {
		out = append(out, serviceDefs[i]+"Overlay")
	}
	return out
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case *object:
		c := &object{vals: make(map[string]any, len(x.keys))}
		for _, k := range x.keys {
			c.set(k, deepCopy(x.vals[k]))
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// deployNote says that a change needs a deploy of the service.
const deployNote = " Changes take effect when the service is deployed."

// itemDef is one definition of a kind's items: the fields its items have
// in the parents listed ("" for an instance kind).
type itemDef struct {
	name    string
	parents []string
	fields  []*kinds.Field
}

// itemDefs are the definitions of a kind's items: one, $defs/<kind>, when
// the items have the same fields in every parent; else one per distinct
// set of fields (kinds.Field.Parents), named after the first parent that
// has it, $defs/<parent><Kind> (composeDomain).
func itemDefs(k *kinds.Kind) []itemDef {
	if k.Instance() {
		return []itemDef{{name: k.Name, parents: []string{""}, fields: k.Fields}}
	}
	var out []itemDef
	index := map[string]int{}
	for _, p := range k.Parents {
		fields := fieldsFor(k, p)
		var names []string
		for _, f := range fields {
			names = append(names, f.Name)
		}
		key := strings.Join(names, ",")
		if i, ok := index[key]; ok {
			out[i].parents = append(out[i].parents, p)
			continue
		}
		index[key] = len(out)
		out = append(out, itemDef{name: parentDefName(p, k), parents: []string{p}, fields: fields})
	}
	if len(out) == 1 {
		out[0].name = k.Name
	}
	return out
}

// fieldsFor are the fields of a kind's items in a parent of kind p.
func fieldsFor(k *kinds.Kind, p string) []*kinds.Field {
	var out []*kinds.Field
	for _, f := range k.Fields {
		if f.For(p) {
			out = append(out, f)
		}
	}
	return out
}

func parentDefName(parent string, k *kinds.Kind) string {
	return parent + strings.ToUpper(k.Name[:1]) + k.Name[1:]
}

// defNames are the names of every definition the kind's items may have,
// whichever fields are for which parent.
func defNames(k *kinds.Kind) []string {
	out := []string{k.Name}
	for _, p := range k.Parents {
		out = append(out, parentDefName(p, k))
	}
	return out
}

// member finds the object under key in o.
func member(o *object, key string) (*object, error) {
	m, ok := o.get(key).(*object)
	if !ok {
		return nil, fmt.Errorf("the schema has no object %q", key)
	}
	return m, nil
}

// keysOf lists the keys a kind adds to a parent.
func keysOf(k *kinds.Kind) []string {
	if !k.Inline {
		return []string{k.Key}
	}
	var out []string
	for _, f := range k.Fields {
		out = append(out, f.Name)
	}
	return out
}

type generator struct {
	added map[*object]map[string]bool // the keys generated into each object
	kinds []*kinds.Kind               // the kinds generated, which fields may name
}

// kind finds a kind by name among those generated, or in package kinds.
func (g *generator) kind(name string) *kinds.Kind {
	for _, k := range g.kinds {
		if k.Name == name {
			return k
		}
	}
	return kinds.ByName(name)
}

// insert adds key to props after the key after (and after keys generated
// there before it), or at the end when after is "" or not there.
func (g *generator) insert(props *object, key string, v any, after string) {
	at := len(props.keys)
	if i := props.index(after); after != "" && i >= 0 {
		at = i + 1
		for at < len(props.keys) && g.added[props][props.keys[at]] {
			at++
		}
	}
	props.insert(at, key, v)
	if g.added[props] == nil {
		g.added[props] = map[string]bool{}
	}
	g.added[props][key] = true
}

func ref(def string) *object { return obj("$ref", "#/$defs/"+def) }

// nullable is a type that also accepts null when null is true.
func nullable(typ string, null bool) any {
	if null {
		return []any{typ, "null"}
	}
	return typ
}

// kindDef is the definition of one item of a kind with the fields of d.
// An instance item or a singleton may be null (empty) when no field is
// required; a list item may not. The fields of one variant
// (kinds.Field.Variant) are rejected in an item of another, and a field
// and the one that gives it from a file (kinds.Field.FileOf) in one item.
func (g *generator) kindDef(k *kinds.Kind, d itemDef) *object {
	null := (k.Instance() || k.Singleton) && !hasRequired(d.fields)
	doc := k.Doc
	if len(itemDefs(k)) > 1 {
		doc += " The fields for " + strings.Join(d.parents, ", ") + " services."
	}
	if k.Singleton && allNeedDeploy(k, d.parents) {
		doc += deployNote
	}
	s := g.objectSchema(doc, ownerOf(k), d.fields, null)
	var rules []any
	if vf := fieldNamed(d.fields, k.Variant); vf != nil {
		for _, value := range vf.Enum {
			other := obj()
			for _, f := range d.fields {
				if f.Variant != "" && f.Variant != value {
					other.set(f.Name, false)
				}
			}
			if len(other.keys) == 0 {
				continue
			}
			rules = append(rules, obj(
				"if", obj("properties", obj(vf.Name, obj("description", "For "+vf.Name+": "+value+".", "const", value)), "required", []any{vf.Name}),
				"then", obj("properties", other)))
		}
	}
	for _, f := range d.fields {
		if f.FileOf != "" && fieldNamed(d.fields, f.FileOf) != nil {
			// Rejected at the file's field, where spec's loader says it.
			rules = append(rules, obj(
				"if", obj("required", []any{f.FileOf}),
				"then", obj("properties", obj(f.Name, false))))
		}
	}
	if rules != nil {
		s.insert(s.index("properties")+1, "allOf", rules)
	}
	return s
}

func allNeedDeploy(k *kinds.Kind, parents []string) bool {
	for _, p := range parents {
		if !k.NeedsDeploy(p) {
			return false
		}
	}
	return len(parents) > 0
}

func fieldNamed(fields []*kinds.Field, name string) *kinds.Field {
	for _, f := range fields {
		if name != "" && f.Name == name {
			return f
		}
	}
	return nil
}

func hasRequired(fields []*kinds.Field) bool {
	for _, f := range fields {
		if f.Required {
			return true
		}
	}
	return false
}

// owner is what the description of a kind says of its fields besides
// each field's own.
type owner struct {
	noun    string            // the word for an item ("" for a nested object)
	variant string            // the kind's Variant field
	sides   map[string]string // a field and the one that gives it from a file (FileOf), each to the other
}

// ownerOf is the owner of a kind's own fields.
func ownerOf(k *kinds.Kind) owner {
	o := owner{noun: k.Duplicate.Noun, variant: k.Variant, sides: map[string]string{}}
	if o.noun == "" {
		o.noun = k.Name
	}
	for _, f := range k.Fields {
		if f.FileOf != "" {
			o.sides[f.Name], o.sides[f.FileOf] = f.FileOf, f.Name
		}
	}
	return o
}

// objectSchema is the schema of an object of fields, unknown keys
// rejected, described by doc (if not ""), the fields of own.
func (g *generator) objectSchema(doc string, own owner, fields []*kinds.Field, null bool) *object {
	s := obj()
	if doc != "" {
		s.set("description", doc)
	}
	s.set("type", nullable("object", null))
	var required []any
	props := obj()
	for _, f := range fields {
		if f.Required {
			required = append(required, f.Name)
		}
		props.set(f.Name, g.fieldSchema(own, f))
	}
	if required != nil {
		s.set("required", required)
	}
	s.set("properties", props)
	s.set("additionalProperties", false)
	return s
}

// clears says what null does to a field of a type that always accepts it.
var clears = map[kinds.Type]string{
	kinds.Strings: "; null or [] clears it",
	kinds.Map:     "; null or {} clears it",
	kinds.Env:     "; null or {} clears it",
	kinds.Objects: "; null or [] clears it",
}

const secretNote = "A secret: write it as ${VAR} (set VAR in the environment or a --var-file), never literally, since dokploy.yaml lives in git."

// durationPattern is what Go's time.ParseDuration reads, without a sign.
const durationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// describe is a field's description: its Doc, then what the description
// says of it besides. own is what is said of the fields of its kind.
func (g *generator) describe(own owner, f *kinds.Field) string {
	parts := []string{f.Doc}
	if f.Variant != "" && own.variant != "" {
		parts = append(parts, "For "+own.variant+": "+f.Variant+" only.")
	}
	if f.Required {
		parts = append(parts, "Required.")
	}
	if f.Identity && own.noun != "" {
		parts = append(parts, "It identifies the "+own.noun+".")
	}
	if f.Ref != "" {
		where := ""
		if k := g.kind(f.Ref); k != nil && k.ReadOnly {
			where = " (made in Dokploy, not in this file)"
		} else if k != nil {
			where = " (a key of the top-level " + k.Key + ")"
		}
		parts = append(parts, "The name of a "+f.Ref+where+".")
	}
	if f.PatternDoc != "" {
		each := "Must be "
		if f.Type == kinds.Strings {
			each = "Each must be "
		}
		parts = append(parts, each+f.PatternDoc+".")
	}
	if f.RangeDoc != "" && f.Max > f.Min {
		parts = append(parts, "Must be "+f.RangeDoc+".")
	}
	if f.Type == kinds.Duration {
		parts = append(parts, "A duration like 30s, 1m30s or 500ms, or 0.")
	}
	if other := own.sides[f.Name]; other != "" {
		a, b := f.Name, other
		if f.FileOf != "" {
			a, b = other, f.Name
		}
		parts = append(parts, "Set "+a+" or "+b+", not both.")
	}
	if f.Deploy {
		parts = append(parts, "A change takes effect when the service is deployed.")
	}
	if !f.Required && !f.Local {
		parts = append(parts, "Omit it to leave the live value alone"+clears[f.Type]+".")
	}
	if f.Secret {
		parts = append(parts, secretNote)
	}
	return strings.Join(parts, " ")
}

// fieldSchema is the schema of one field's value, as the decoder reads it
// (package spec): a ${VAR} stays valid where a string is checked against
// an enum or a pattern, since the value is checked once it is replaced.
// A field that names a file (kinds.Field.FileOf) must not be empty.
func (g *generator) fieldSchema(own owner, f *kinds.Field) *object {
	desc := g.describe(own, f)
	s := obj("description", desc)
	switch f.Type {
	case kinds.String, kinds.Text:
		s.set("type", nullable("string", f.Nullable))
		if f.Required || f.FileOf != "" {
			s.set("minLength", 1)
		}
		if alt := checked(f); alt != nil {
			if len(f.Enum) > 0 && f.Nullable {
				alt.set("enum", append(alt.get("enum").([]any), nil))
			}
			s.set("anyOf", []any{alt, ref("usesVariable")})
		}
	case kinds.Int:
		s.set("type", nullable("integer", f.Nullable))
		if f.Max > f.Min {
			s.set("minimum", f.Min)
			s.set("maximum", f.Max)
		}
	case kinds.Number:
		s.set("type", nullable("number", f.Nullable))
		if f.Max > f.Min {
			s.set("minimum", f.Min)
			s.set("maximum", f.Max)
		}
	case kinds.Bool:
		s.set("type", nullable("boolean", f.Nullable))
	case kinds.Strings:
		// null is an empty list, never an error.
		items := obj("type", "string")
		if alt := checked(f); alt != nil {
			items.set("anyOf", []any{alt, ref("usesVariable")})
		}
		s.set("type", []any{"array", "null"})
		s.set("items", items)
	case kinds.Map, kinds.Env:
		s = obj("$ref", "#/$defs/env", "description", desc)
	case kinds.Memory, kinds.CPU:
		def := "memory"
		if f.Type == kinds.CPU {
			def = "cpu"
		}
		if !f.Nullable {
			s = obj("$ref", "#/$defs/"+def, "description", desc)
			break
		}
		s.set("anyOf", []any{ref(def), obj("type", "null")})
	case kinds.Duration:
		alts := []any{obj("const", 0), obj("type", "string", "pattern", durationPattern)}
		if f.Nullable {
			alts = append(alts, obj("type", "null"))
		}
		s.set("anyOf", alts)
	case kinds.Object:
		// A flat object's fields are the service's own keys in the API;
		// in the file it is an object like any other.
		s = g.objectSchema(desc, owner{}, f.Fields, f.Nullable)
	case kinds.Objects:
		s.set("type", []any{"array", "null"})
		s.set("items", g.objectSchema("", owner{}, f.Fields, false))
	}
	return s
}

// checked is what a string must be besides a ${VAR}: one of the enum and
// the pattern; nil for anything.
func checked(f *kinds.Field) *object {
	if len(f.Enum) == 0 && f.Pattern == "" {
		return nil
	}
	alt := obj()
	if len(f.Enum) > 0 {
		enum := make([]any, len(f.Enum))
		for i, e := range f.Enum {
			enum[i] = e
		}
		alt.set("enum", enum)
	}
	if f.Pattern != "" {
		alt.set("pattern", f.Pattern)
	}
	return alt
}
