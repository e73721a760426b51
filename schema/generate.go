package schema

import (
	"fmt"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Generate returns the schema document doc with the parts that package
// kinds describes set from the descriptions, the rest kept as it is, in its
// order: for every described kind, the definition $defs/<kind> of an item
// (an inline singleton has none), and the property that holds the kind in
// each parent, listed after the key the kind names (kinds.Kind.After) or
// last: at the top level a map of items by name (an instance kind), in
// the definition of each parent service kind ($defs/postgres, ...) a list
// of items, or a singleton's object, or an inline singleton's fields. The
// generated parts doc already has are replaced, wherever they are: the
// definitions go at the end of $defs, in the order of kinds.All.
// Read-only kinds (made elsewhere, only named) have no place in the file.
func Generate(doc []byte) ([]byte, error) { return generate(doc, kinds.Declared()) }

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
	g := generator{added: map[*object]map[string]bool{}}
	defs, err := member(root, "$defs")
	if err != nil {
		return nil, err
	}
	// The properties each kind is added to: the top level's for an
	// instance kind, its parents' definitions' for the others.
	places := map[*kinds.Kind][]*object{}
	for _, k := range all {
		parents := []*object{root}
		if !k.Instance() {
			parents = nil
			for _, p := range k.Parents {
				def, err := member(defs, p)
				if err != nil {
					return nil, err
				}
				parents = append(parents, def)
			}
		}
		for _, p := range parents {
			props, err := member(p, "properties")
			if err != nil {
				return nil, err
			}
			places[k] = append(places[k], props)
			for _, key := range keysOf(k) {
				props.del(key)
			}
		}
		defs.del(k.Name)
	}
	for _, k := range all {
		if !k.Inline {
			defs.set(k.Name, kindDef(k))
		}
		for _, props := range places[k] {
			switch {
			case k.Inline:
				after := k.After
				for _, f := range k.Fields {
					g.insert(props, f.Name, fieldSchema("", f), after)
					after = f.Name
				}
			case k.Singleton:
				g.insert(props, k.Key, ref(k.Name), k.After)
			case k.Instance():
				g.insert(props, k.Key, obj(
					"description", k.Doc+" Keyed by name: each is matched to the live one by name. null or {} declares none.",
					"type", []any{"object", "null"},
					"propertyNames", ref("resourceName"),
					"additionalProperties", ref(k.Name)), k.After)
			default:
				g.insert(props, k.Key, obj(
					"description", k.Doc+" Each is matched to a live one by "+strings.Join(k.Identity, " and ")+". null or [] declares none.",
					"type", []any{"array", "null"},
					"items", ref(k.Name)), k.After)
			}
		}
	}
	return encode(root)
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

// kindDef is the definition of one item of a kind. An instance item or a
// singleton may be null (empty) when no field is required; a list item
// may not.
func kindDef(k *kinds.Kind) *object {
	null := (k.Instance() || k.Singleton) && !hasRequired(k.Fields)
	noun := k.Duplicate.Noun
	if noun == "" {
		noun = k.Name
	}
	return objectSchema(k.Doc, noun, k.Fields, null)
}

func hasRequired(fields []*kinds.Field) bool {
	for _, f := range fields {
		if f.Required {
			return true
		}
	}
	return false
}

// objectSchema is the schema of an object of fields, unknown keys
// rejected, described by doc (if not ""). owner is the word for an item
// of the kind whose fields they are ("" for a nested object).
func objectSchema(doc, owner string, fields []*kinds.Field, null bool) *object {
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
		props.set(f.Name, fieldSchema(owner, f))
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
	kinds.Objects: "; null or [] clears it",
}

const secretNote = "A secret: write it as ${VAR} (set VAR in the environment or a --var-file), never literally, since dokploy.yaml lives in git."

// durationPattern is what Go's time.ParseDuration reads, without a sign.
const durationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// describe is a field's description: its Doc, then what the description
// says of it besides. owner is the word for an item the field identifies.
func describe(owner string, f *kinds.Field) string {
	parts := []string{f.Doc}
	if f.Required {
		parts = append(parts, "Required.")
	}
	if f.Identity && owner != "" {
		parts = append(parts, "It identifies the "+owner+".")
	}
	if f.Ref != "" {
		where := ""
		if k := kinds.ByName(f.Ref); k != nil {
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
	if f.Type == kinds.Duration {
		parts = append(parts, "A duration like 30s, 1m30s or 500ms, or 0.")
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
func fieldSchema(owner string, f *kinds.Field) *object {
	desc := describe(owner, f)
	s := obj("description", desc)
	switch f.Type {
	case kinds.String, kinds.Text:
		s.set("type", nullable("string", f.Nullable))
		if f.Required {
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
		s = objectSchema(desc, "", f.Fields, f.Nullable)
	case kinds.Objects:
		s.set("type", []any{"array", "null"})
		s.set("items", objectSchema("", "", f.Fields, false))
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
