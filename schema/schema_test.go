package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/schema"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

const metaschemaURL = "https://json-schema.org/draft/2020-12/schema"

// ---- the schema as a document and as a compiled validator ----

func TestSchemaIsValidDraft2020_12(t *testing.T) {
	doc := document(t)
	if got := doc["$schema"]; got != metaschemaURL {
		t.Errorf("$schema = %v, want %s", got, metaschemaURL)
	}
	if got := doc["$id"]; got != schema.URL {
		t.Errorf("$id = %v, want schema.URL %s", got, schema.URL)
	}
	for _, k := range []string{"title", "description"} {
		if s, _ := doc[k].(string); s == "" {
			t.Errorf("the schema has no %s", k)
		}
	}
	meta, err := jsonschema.NewCompiler().Compile(metaschemaURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := meta.Validate(doc); err != nil {
		t.Fatalf("the schema is not valid under the 2020-12 metaschema:\n%v", err)
	}
	compile(t, doc) // every $ref resolves, every pattern compiles
}

// ---- in step with package spec ----

// goField is one key of a spec struct, as the decoder sees it.
type goField struct {
	key      string // yaml key
	goName   string // Type.Field, for messages
	typ      reflect.Type
	required bool
	nullable bool
}

// goFields lists the keys a spec struct accepts, the way spec's decoder
// reads the tags: yaml names, `,inline` embedded structs flattened, `yaml:"-"`
// and untagged fields skipped, and the spec:"required,nullable,secret" rules.
func goFields(t reflect.Type) []goField {
	var out []goField
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		if opts == "inline" && sf.Type.Kind() == reflect.Struct {
			out = append(out, goFields(sf.Type)...)
			continue
		}
		if name == "" {
			continue
		}
		f := goField{key: name, goName: t.Name() + "." + sf.Name, typ: sf.Type}
		for _, o := range strings.Split(sf.Tag.Get("spec"), ",") {
			switch o {
			case "required":
				f.required = true
			case "nullable":
				f.nullable = true
			}
		}
		out = append(out, f)
	}
	return out
}

func hasRequired(t reflect.Type) bool {
	return slices.ContainsFunc(goFields(t), func(f goField) bool { return f.required })
}

var (
	stringListType = reflect.TypeOf(spec.StringList(nil))
	envType        = reflect.TypeOf(map[string]string(nil))
	memoryType     = reflect.TypeOf(spec.Memory(0))
	cpuType        = reflect.TypeOf(spec.CPU(0))
)

// goTypes returns the JSON types the schema must accept for a spec field of
// type t, besides null. Strings are strings: the decoder also keeps a number
// or a boolean written in a string field as text, but the schema asks for a
// string there (quote it), as docker compose's schema does.
func goTypes(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case stringListType:
		return []string{"array", "string"}
	case envType:
		return []string{"object"}
	case memoryType:
		return []string{"integer", "string"} // bytes, or "512Mi"
	case cpuType:
		return []string{"integer", "number", "string"} // 0.5, 2, or "500m"
	}
	switch t.Kind() {
	case reflect.String:
		return []string{"string"}
	case reflect.Int:
		return []string{"integer"}
	case reflect.Bool:
		return []string{"boolean"}
	case reflect.Struct, reflect.Map:
		return []string{"object"}
	case reflect.Slice:
		return []string{"array"}
	}
	return []string{"unhandled Go type " + t.String()}
}

// goNullable says whether the decoder accepts an explicit null: with
// spec:"nullable", and always for maps (env included), StringList and lists
// (a null list is an empty one).
func goNullable(f goField) bool {
	return f.nullable || f.typ.Kind() == reflect.Map || f.typ.Kind() == reflect.Slice
}

// nullEntryIsError lists the resources without spec:"required" fields for
// which a null entry is still an error: a compose service needs composeFile
// or source (a rule of spec's validator, not of the tags).
var nullEntryIsError = map[reflect.Type]bool{reflect.TypeOf(spec.Compose{}): true}

// schemaWalker reads the schema document: $refs, types and object shapes.
type schemaWalker struct {
	root     map[string]any
	problems []string
	fields   int // spec fields checked
}

func (w *schemaWalker) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// ref returns the node a local $ref ("#/$defs/x") points to.
func (w *schemaWalker) ref(ref string) any {
	if !strings.HasPrefix(ref, "#/") {
		w.problem("$ref %q: only local references (#/...) are used in this schema", ref)
		return nil
	}
	var n any = w.root
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := n.(map[string]any)
		if !ok {
			w.problem("$ref %q does not resolve", ref)
			return nil
		}
		if n, ok = m[tok]; !ok {
			w.problem("$ref %q does not resolve", ref)
			return nil
		}
	}
	return n
}

var allTypes = []string{"array", "boolean", "integer", "null", "number", "object", "string"}

// types returns the JSON types a schema node accepts (integer included
// with number), following $ref, anyOf, oneOf, allOf, const and enum.
func (w *schemaWalker) types(n any) []string {
	switch n := n.(type) {
	case bool:
		if n {
			return allTypes
		}
		return nil
	case map[string]any:
		out := allTypes
		if t, ok := n["type"]; ok {
			var ts []string
			switch t := t.(type) {
			case string:
				ts = []string{t}
			case []any:
				for _, x := range t {
					ts = append(ts, fmt.Sprint(x))
				}
			}
			if slices.Contains(ts, "number") {
				ts = append(ts, "integer")
			}
			out = intersect(out, ts)
		}
		if c, ok := n["const"]; ok {
			out = intersect(out, []string{jsonType(c)})
		}
		if e, ok := n["enum"].([]any); ok {
			var ts []string
			for _, v := range e {
				ts = append(ts, jsonType(v))
			}
			out = intersect(out, ts)
		}
		if r, ok := n["$ref"].(string); ok {
			out = intersect(out, w.types(w.ref(r)))
		}
		for _, kw := range []string{"anyOf", "oneOf"} {
			if bs, ok := n[kw].([]any); ok {
				var union []string
				for _, b := range bs {
					union = append(union, w.types(b)...)
				}
				out = intersect(out, union)
			}
		}
		if bs, ok := n["allOf"].([]any); ok {
			for _, b := range bs {
				out = intersect(out, w.types(b))
			}
		}
		return out
	}
	return nil
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// intersect returns the sorted, distinct values in both a and b.
func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func without(ts []string, t string) []string {
	return slices.DeleteFunc(slices.Clone(ts), func(x string) bool { return x == t })
}

// items finds the "items" schema of an array schema n: in n itself, where
// its $ref points, or the one branch of its anyOf/oneOf that has items.
func (w *schemaWalker) items(n any) (any, bool) {
	m, ok := n.(map[string]any)
	if !ok {
		return nil, false
	}
	if it, ok := m["items"]; ok {
		return it, true
	}
	if r, ok := m["$ref"].(string); ok {
		return w.items(w.ref(r))
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		bs, _ := m[kw].([]any)
		var found []any
		for _, b := range bs {
			if it, ok := w.items(b); ok {
				found = append(found, it)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return nil, false
}

// object finds the object schema in n: n itself, where its $ref points, or
// the one branch of its anyOf/oneOf that has properties (for "X or null").
func (w *schemaWalker) object(n any) (map[string]any, bool) {
	m, ok := n.(map[string]any)
	if !ok {
		return nil, false
	}
	if _, ok := m["properties"]; ok {
		return m, true
	}
	if _, ok := m["additionalProperties"]; ok {
		return m, true
	}
	if r, ok := m["$ref"].(string); ok {
		return w.object(w.ref(r))
	}
	// An environment is $defs/environment unless it says extends: (its
	// overlay form is made from it: TestFileIsGenerated).
	if e, ok := m["else"]; ok && m["if"] != nil {
		return w.object(e)
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		bs, _ := m[kw].([]any)
		var found []map[string]any
		for _, b := range bs {
			// A service may also be a hands-off entry ({protect: true}),
			// which is not a separate spec type.
			if bm, _ := b.(map[string]any); bm["$ref"] == "#/$defs/handsOff" {
				continue
			}
			if o, ok := w.object(b); ok {
				found = append(found, o)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return nil, false
}

// rejectsEmpty says whether a string schema rejects "" (minLength or a
// non-empty const).
func (w *schemaWalker) rejectsEmpty(n any) bool {
	m, ok := n.(map[string]any)
	if !ok {
		return false
	}
	if l, ok := m["minLength"].(json.Number); ok && l.String() != "0" {
		return true
	}
	if c, ok := m["const"].(string); ok && c != "" {
		return true
	}
	if r, ok := m["$ref"].(string); ok {
		return w.rejectsEmpty(w.ref(r))
	}
	return false
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// parentKinds are the spec types that hold the keys of described kinds,
// and the kind they are a parent of ("" for the top level), as for spec's
// decoder (its resourceKinds): those keys are not Go fields, and
// kindsOutOfStep checks them.
var parentKinds = map[reflect.Type]string{
	reflect.TypeOf(spec.File{}):        "",
	reflect.TypeOf(spec.Application{}): "application",
	reflect.TypeOf(spec.Compose{}):     "compose",
	reflect.TypeOf(spec.Postgres{}):    "postgres",
	reflect.TypeOf(spec.MySQL{}):       "mysql",
	reflect.TypeOf(spec.MariaDB{}):     "mariadb",
	reflect.TypeOf(spec.Mongo{}):       "mongo",
	reflect.TypeOf(spec.Redis{}):       "redis",
	reflect.TypeOf(spec.LibSQL{}):      "libsql",
}

// describedKeys are the keys that described kinds add to the spec struct t.
func describedKeys(t reflect.Type) []string {
	if parent, ok := parentKinds[t]; ok {
		return kinds.Keys(parent)
	}
	return nil
}

// walkStruct checks that the object schema n and the spec struct t have the
// same keys (besides those of described kinds), the same required keys,
// and that each key accepts the same types and null, recursing into nested
// structs and maps of resources. path is the place in dokploy.yaml, with *
// for a name.
func (w *schemaWalker) walkStruct(path string, t reflect.Type, n any) {
	where := path
	if where == "" {
		where = "(top level)"
	}
	obj, ok := w.object(n)
	if !ok {
		w.problem("%s: no object schema with properties for spec.%s", where, t.Name())
		return
	}
	props, _ := obj["properties"].(map[string]any)
	if obj["additionalProperties"] != false && obj["unevaluatedProperties"] != false {
		w.problem("%s: the schema for spec.%s does not reject unknown keys (additionalProperties: false)", where, t.Name())
	}
	var required []string
	if rs, ok := obj["required"].([]any); ok {
		for _, r := range rs {
			required = append(required, fmt.Sprint(r))
		}
	}
	known := map[string]bool{}
	for _, f := range goFields(t) {
		known[f.key] = true
		fp := joinPath(path, f.key)
		prop, ok := props[f.key]
		if !ok {
			w.problem("%s: spec field %s (%s) has no property in the schema", fp, f.goName, f.typ)
			continue
		}
		w.field(fp, f, prop, slices.Contains(required, f.key))
	}
	for _, key := range sortedKeys(props) {
		if !known[key] && !slices.Contains(describedKeys(t), key) {
			w.problem("%s: schema property is not a field of spec.%s", joinPath(path, key), t.Name())
		}
	}
	for _, key := range required {
		if !known[key] {
			w.problem("%s: the schema requires a key that spec.%s does not have", joinPath(path, key), t.Name())
		}
	}
}

func (w *schemaWalker) field(path string, f goField, prop any, schemaRequired bool) {
	w.fields++
	switch {
	case f.required && !schemaRequired:
		w.problem(`%s: spec field %s is spec:"required" but the schema does not list it in "required"`, path, f.goName)
	case !f.required && schemaRequired:
		w.problem(`%s: the schema lists it in "required" but spec field %s is not spec:"required"`, path, f.goName)
	}
	if f.required && f.typ.Kind() == reflect.String && !w.rejectsEmpty(prop) {
		w.problem(`%s: spec field %s is spec:"required", so "" is an error: the schema needs "minLength": 1`, path, f.goName)
	}
	types := w.types(prop)
	switch schemaNull := slices.Contains(types, "null"); {
	case goNullable(f) && !schemaNull:
		w.problem(`%s: spec field %s accepts null (spec:"nullable", or a map or list) but the schema does not (add "null" to its type)`, path, f.goName)
	case !goNullable(f) && schemaNull:
		w.problem(`%s: the schema accepts null but spec field %s does not (it is not spec:"nullable")`, path, f.goName)
	}
	if got, want := without(types, "null"), goTypes(f.typ); !slices.Equal(got, want) {
		w.problem("%s: the schema accepts %v but spec field %s (%s) takes %v", path, got, f.goName, f.typ, want)
	}

	t := f.typ
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct:
		w.walkStruct(path, t, prop)
	case t.Kind() == reflect.Map && t != envType:
		// A map of resources keyed by name: each value is a resource.
		elem := t.Elem()
		if elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		obj, ok := w.object(prop)
		values, hasValues := obj["additionalProperties"].(map[string]any)
		if !ok || !hasValues {
			w.problem(`%s: spec field %s is a map of spec.%s by name: the schema needs "additionalProperties" with that resource`, path, f.goName, elem.Name())
			return
		}
		ep := path + ".*"
		// The decoder reads a null entry as an empty resource, which is
		// fine unless the resource has required fields.
		goNull := !hasRequired(elem) && !nullEntryIsError[elem]
		switch schemaNull := slices.Contains(w.types(values), "null"); {
		case goNull && !schemaNull:
			w.problem("%s: spec reads a null entry as an empty %s (it has no required fields) but the schema rejects null", ep, elem.Name())
		case !goNull && schemaNull:
			w.problem("%s: the schema accepts a null entry but spec.%s has required fields, so null is an error", ep, elem.Name())
		}
		w.walkStruct(ep, elem, values)
	case t.Kind() == reflect.Slice:
		// A list: of strings, or of structs that each item is decoded into.
		elem := t.Elem()
		if elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		items, ok := w.items(prop)
		if !ok {
			w.problem(`%s: spec field %s is a list: the schema needs "items"`, path, f.goName)
			return
		}
		ip := path + "[]"
		// The decoder rejects a null item.
		if slices.Contains(w.types(items), "null") {
			w.problem("%s: the schema accepts a null item but spec's decoder rejects it", ip)
		}
		switch elem.Kind() {
		case reflect.Struct:
			w.walkStruct(ip, elem, items)
		default:
			if got, want := without(w.types(items), "null"), goTypes(elem); !slices.Equal(got, want) {
				w.problem("%s: the schema accepts items of %v but spec field %s takes items of %v", ip, got, f.goName, want)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// outOfStep returns every difference between the schema and spec.File.
func outOfStep(doc map[string]any) (problems []string, fields int) {
	w := &schemaWalker{root: doc}
	w.walkStruct("", reflect.TypeOf(spec.File{}), doc)
	return w.problems, w.fields
}

func TestSchemaInStepWithSpec(t *testing.T) {
	problems, fields := outOfStep(document(t))
	if len(problems) > 0 {
		t.Errorf("schema/dokploy-sync.schema.json is out of step with the types of package spec (spec is the source of truth; fix the schema):\n  %s",
			strings.Join(problems, "\n  "))
	}
	// Guard against a walker that stops short: it checks every field of
	// every spec type that dokploy.yaml reaches.
	if want := specFields(reflect.TypeOf(spec.File{})); fields != want || want == 0 {
		t.Errorf("checked %d spec fields, want %d; the walk is broken", fields, want)
	}
}

// specFields counts the keys of the spec struct t and of the structs its
// keys hold (a struct, a map of them by name, or a list of them), each as
// often as dokploy.yaml reaches it: the fields walkStruct checks.
func specFields(t reflect.Type) int {
	n := 0
	for _, f := range goFields(t) {
		n++
		ft := f.typ
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft != envType && (ft.Kind() == reflect.Map || ft.Kind() == reflect.Slice) {
			ft = ft.Elem()
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
		}
		if ft.Kind() == reflect.Struct {
			n += specFields(ft)
		}
	}
	return n
}

// ---- in step with package kinds ----

// kindTypes returns the JSON types the schema must accept for a described
// field of type t, besides null (as goTypes does for spec's Go types).
func kindTypes(t kinds.Type) []string {
	switch t {
	case kinds.String, kinds.Text:
		return []string{"string"}
	case kinds.Int:
		return []string{"integer"}
	case kinds.Number:
		return []string{"integer", "number"}
	case kinds.Bool:
		return []string{"boolean"}
	case kinds.Strings, kinds.Objects:
		return []string{"array"}
	case kinds.Map, kinds.Env, kinds.Object:
		return []string{"object"}
	case kinds.Memory, kinds.Duration:
		return []string{"integer", "string"} // bytes or "512Mi"; 0 or "30s"
	case kinds.CPU:
		return []string{"integer", "number", "string"}
	}
	return []string{"unhandled kinds.Type " + t.String()}
}

// kindNullable says whether spec's decoder accepts an explicit null for a
// described field: Nullable ones, and lists and maps (null is empty).
func kindNullable(f *kinds.Field) bool {
	return f.Nullable || f.Type == kinds.Strings || f.Type == kinds.Map || f.Type == kinds.Env || f.Type == kinds.Objects
}

// enums collects the enum values a schema node lists, following $ref,
// anyOf, oneOf and allOf (null left out).
func (w *schemaWalker) enums(n any) []string {
	m, ok := n.(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	if e, ok := m["enum"].([]any); ok {
		for _, v := range e {
			if v != nil {
				out = append(out, fmt.Sprint(v))
			}
		}
	}
	if r, ok := m["$ref"].(string); ok {
		out = append(out, w.enums(w.ref(r))...)
	}
	for _, kw := range []string{"anyOf", "oneOf", "allOf"} {
		bs, _ := m[kw].([]any)
		for _, b := range bs {
			out = append(out, w.enums(b)...)
		}
	}
	return out
}

// walkFields checks that the object schema n has a property for each of
// fields and no other, the same required ones, and that each accepts what
// spec's decoder reads for the field. path names the place: kind.field.
// notHere says why a key that is not one of fields is not (a field of the
// kind for other parents), "" for a key the kind does not have.
func (w *schemaWalker) walkFields(path, kind string, fields []*kinds.Field, n any, notHere func(key string) string) {
	obj, ok := w.object(n)
	if !ok {
		w.problem("%s: no object schema with properties for the fields of kind %s", path, kind)
		return
	}
	if obj["additionalProperties"] != false {
		w.problem("%s: the schema does not reject unknown keys (additionalProperties: false)", path)
	}
	props, _ := obj["properties"].(map[string]any)
	required, _ := obj["required"].([]any)
	names := map[string]bool{}
	for _, f := range fields {
		names[f.Name] = true
		prop, ok := props[f.Name]
		if !ok {
			w.problem("%s: field %s of kind %s has no property in the schema", joinPath(path, f.Name), f.Name, kind)
			continue
		}
		w.kindField(joinPath(path, f.Name), kind, f, prop, slices.Contains(required, any(f.Name)))
	}
	for _, key := range sortedKeys(props) {
		if names[key] {
			continue
		}
		why := ""
		if notHere != nil {
			why = notHere(key)
		}
		if why == "" {
			w.problem("%s: schema property is not a field of kind %s", joinPath(path, key), kind)
		} else {
			w.problem("%s: schema property %s", joinPath(path, key), why)
		}
	}
	for _, r := range required {
		if !names[fmt.Sprint(r)] {
			w.problem("%s: the schema requires a key that kind %s does not have", joinPath(path, fmt.Sprint(r)), kind)
		}
	}
}

func (w *schemaWalker) kindField(path, kind string, f *kinds.Field, prop any, schemaRequired bool) {
	w.fields++
	switch {
	case f.Required && !schemaRequired:
		w.problem(`%s: the field is Required but the schema does not list it in "required"`, path)
	case !f.Required && schemaRequired:
		w.problem(`%s: the schema lists it in "required" but the field is not Required`, path)
	}
	if f.Required && (f.Type == kinds.String || f.Type == kinds.Text) && !w.rejectsEmpty(prop) {
		w.problem(`%s: the field is Required, so "" is an error: the schema needs "minLength": 1`, path)
	}
	if f.FileOf != "" && !w.rejectsEmpty(prop) {
		w.problem(`%s: the field names a file, so "" is an error: the schema needs "minLength": 1`, path)
	}
	types := w.types(prop)
	switch schemaNull := slices.Contains(types, "null"); {
	case kindNullable(f) && !schemaNull:
		w.problem(`%s: the field accepts null (Nullable, or a list or map) but the schema does not`, path)
	case !kindNullable(f) && schemaNull:
		w.problem(`%s: the schema accepts null but the field is not Nullable`, path)
	}
	if got, want := without(types, "null"), kindTypes(f.Type); !slices.Equal(got, want) {
		w.problem("%s: the schema accepts %v but the field (%s) takes %v", path, got, f.Type, want)
	}
	if got, want := sorted(w.enums(prop)), sorted(f.Enum); !slices.Equal(got, want) {
		w.problem("%s: the schema's enum is %v but the field's Enum is %v", path, got, want)
	}
	switch f.Type {
	case kinds.String, kinds.Text, kinds.Strings:
		var want []string
		if f.Pattern != "" {
			want = []string{f.Pattern}
		}
		n := prop
		if f.Type == kinds.Strings {
			n, _ = w.items(prop)
		}
		if got := w.patterns(n); !slices.Equal(got, want) {
			w.problem("%s: the schema's patterns are %q but the field's Pattern is %q", path, got, f.Pattern)
		}
	case kinds.Int:
		m, _ := prop.(map[string]any)
		got := fmt.Sprint(m["minimum"], " ", m["maximum"])
		want := "<nil> <nil>"
		if f.Max > f.Min {
			want = fmt.Sprint(f.Min, " ", f.Max)
		}
		if got != want {
			w.problem("%s: the schema's minimum and maximum are %s but the field's Min and Max %s", path, got, want)
		}
	}
	switch f.Type {
	case kinds.Object:
		w.walkFields(path, kind, f.Fields, prop, nil)
	case kinds.Objects, kinds.Strings:
		items, ok := w.items(prop)
		if !ok {
			w.problem(`%s: the field is a list: the schema needs "items"`, path)
			return
		}
		if slices.Contains(w.types(items), "null") {
			w.problem("%s[]: the schema accepts a null item but spec's decoder rejects it", path)
		}
		if f.Type == kinds.Objects {
			w.walkFields(path+"[]", kind, f.Fields, items, nil)
		} else if got := without(w.types(items), "null"); !slices.Equal(got, []string{"string"}) {
			w.problem("%s[]: the schema accepts items of %v but the field takes strings", path, got)
		}
	}
}

// patterns collects the patterns a string must match, following $ref and
// anyOf, but for a ${VAR} (usesVariable), which is always accepted.
func (w *schemaWalker) patterns(n any) []string {
	m, ok := n.(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	if p, ok := m["pattern"].(string); ok {
		out = append(out, p)
	}
	if r, ok := m["$ref"].(string); ok && r != "#/$defs/usesVariable" {
		out = append(out, w.patterns(w.ref(r))...)
	}
	for _, kw := range []string{"anyOf", "oneOf", "allOf"} {
		bs, _ := m[kw].([]any)
		for _, b := range bs {
			out = append(out, w.patterns(b)...)
		}
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// refersTo reports whether n is a $ref to $defs/def.
func refersTo(n any, def string) bool {
	m, _ := n.(map[string]any)
	return m["$ref"] == "#/$defs/"+def
}

// defName is the definition n refers to ($ref #/$defs/<name>).
func defName(n any) (string, bool) {
	m, _ := n.(map[string]any)
	r, _ := m["$ref"].(string)
	name, ok := strings.CutPrefix(r, "#/$defs/")
	return name, ok && !strings.Contains(name, "/")
}

// fieldsFor are the fields of a kind's items in a resource of kind parent
// ("" for the top level): those for it (kinds.Field.Parents).
func fieldsFor(k *kinds.Kind, parent string) []*kinds.Field {
	if parent == "" {
		return k.Fields
	}
	return slices.DeleteFunc(slices.Clone(k.Fields), func(f *kinds.Field) bool { return !f.For(parent) })
}

// fieldSet names a set of fields.
func fieldSet(fields []*kinds.Field) string {
	var names []string
	for _, f := range fields {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

// elsewhere says why a field of kind k is not in its items in a resource of
// kind parent: it is for other parents' items only.
func elsewhere(k *kinds.Kind, parent string) func(key string) string {
	return func(key string) string {
		if f := k.Field(key); f != nil && !f.For(parent) {
			return fmt.Sprintf("is field %s of kind %s, which is only for items of %s, not of %s", key, k.Name, strings.Join(f.Parents, ", "), parent)
		}
		return ""
	}
}

// kindsOutOfStep returns every difference between the schema and the
// described kinds: each definition of a kind's items against the fields
// its items have in the parents that refer to it, and the property that
// holds the kind in each parent.
func kindsOutOfStep(doc map[string]any) (problems []string, fields int) {
	w := &schemaWalker{root: doc}
	defs, _ := doc["$defs"].(map[string]any)
	for _, k := range kinds.Declared() {
		// spec reads a null instance item or singleton as an empty one (an
		// error only for its required fields); a null list item is an
		// error.
		places := map[string]any{"": doc}
		if !k.Instance() {
			places = map[string]any{}
			for _, p := range k.Parents {
				places[p] = defs[p]
			}
		}
		sets := map[string]bool{}
		for p := range places {
			sets[fieldSet(fieldsFor(k, p))] = true
		}
		walked := map[string]bool{}  // definition and field set
		defOf := map[string]string{} // field set: the definition of the first parent with it
		for _, p := range sortedKeys(places) {
			parent, _ := w.object(places[p])
			props, _ := parent["properties"].(map[string]any)
			fs := fieldsFor(k, p)
			if k.Inline {
				for _, f := range k.Fields {
					path := joinPath(p, f.Name)
					prop, ok := props[f.Name]
					switch {
					case !f.For(p) && ok:
						w.problem("%s: schema property %s", path, elsewhere(k, p)(f.Name))
					case !f.For(p):
					case !ok:
						w.problem("%s: field %s of kind %s has no property in the schema", path, f.Name, k.Name)
					default:
						w.kindField(path, k.Name, f, prop, false)
					}
				}
				continue
			}
			path := joinPath(p, k.Key)
			prop, ok := props[k.Key]
			if !ok {
				w.problem("%s: kind %s has no property in the schema", path, k.Name)
				continue
			}
			null := (k.Instance() || k.Singleton) && !slices.ContainsFunc(fs, func(f *kinds.Field) bool { return f.Required })
			var want []string
			var items any
			switch {
			case k.Singleton:
				want, items = []string{"object"}, prop
				if null {
					want = []string{"null", "object"}
				}
			case k.Instance():
				want = []string{"null", "object"}
				obj, _ := w.object(prop)
				items = obj["additionalProperties"]
			default:
				want = []string{"array", "null"}
				items, _ = w.items(prop)
			}
			if got := w.types(prop); !slices.Equal(got, want) {
				w.problem("%s: the schema accepts %v, spec's decoder %v", path, got, want)
			}
			name, ok := defName(items)
			switch {
			case len(sets) == 1 && !refersTo(items, k.Name):
				w.problem("%s: the kind's items are not $defs/%s", path, k.Name)
				continue
			case !ok || defs[name] == nil:
				w.problem("%s: the kind's items are no definition of $defs", path)
				continue
			}
			set := fieldSet(fs)
			if first, ok := defOf[set]; ok && first != name {
				w.problem("%s: the kind's items are $defs/%s, another definition than in a parent with the same fields ($defs/%s)", path, name, first)
			}
			if _, ok := defOf[set]; !ok {
				defOf[set] = name
			}
			if walked[name+" "+set] {
				continue
			}
			walked[name+" "+set] = true
			def := defs[name]
			w.walkFields(name, k.Name, fs, def, elsewhere(k, p))
			if schemaNull := slices.Contains(w.types(def), "null"); null != schemaNull {
				w.problem("$defs/%s: the schema accepts null: %v, spec's decoder: %v", name, schemaNull, null)
			}
			w.rules(name, k, fs, def)
		}
	}
	return w.problems, w.fields
}

// rules checks what the definition def of a kind's items with fields says
// of the fields of a variant (kinds.Field.Variant), rejected in an item of
// another variant, and of a field and the one that gives it from a file
// (kinds.Field.FileOf), not both in an item: as the generator writes
// them, rules of allOf, "if" the variant field is a value (or the field is
// set), "then" the fields rejected (false).
func (w *schemaWalker) rules(path string, k *kinds.Kind, fields []*kinds.Field, def any) {
	m, _ := def.(map[string]any)
	rejected := map[string]map[string]bool{} // if: the variant's value, or "set <field>"; the fields rejected
	all, _ := m["allOf"].([]any)
	for _, r := range all {
		r, _ := r.(map[string]any)
		cond, _ := r["if"].(map[string]any)
		then, _ := r["then"].(map[string]any)
		props, _ := then["properties"].(map[string]any)
		var when string
		req, _ := cond["required"].([]any)
		if cp, _ := cond["properties"].(map[string]any); k.Variant != "" && cp[k.Variant] != nil {
			c, _ := cp[k.Variant].(map[string]any)
			if len(req) == 1 && req[0] == k.Variant {
				when = fmt.Sprint(c["const"])
			}
		} else if len(req) == 1 && cond["properties"] == nil {
			when = "set " + fmt.Sprint(req[0])
		}
		for key, v := range props {
			if v == false && when != "" {
				if rejected[when] == nil {
					rejected[when] = map[string]bool{}
				}
				rejected[when][key] = true
			}
		}
	}
	has := func(name string) bool {
		return slices.ContainsFunc(fields, func(f *kinds.Field) bool { return f.Name == name })
	}
	if k.Variant != "" && has(k.Variant) {
		for _, value := range k.Field(k.Variant).Enum {
			for _, f := range fields {
				other := f.Variant != "" && f.Variant != value
				switch got := rejected[value][f.Name]; {
				case other && !got:
					w.problem("%s.%s: the schema does not reject it in a %s %s (%s: %s), but the field is for %s %ss only", path, f.Name, value, k.Name, k.Variant, value, f.Variant, k.Name)
				case !other && got:
					w.problem("%s.%s: the schema rejects it in a %s %s (%s: %s), but the field is for them", path, f.Name, value, k.Name, k.Variant, value)
				}
			}
		}
	}
	for _, f := range fields {
		if f.FileOf != "" && has(f.FileOf) && !rejected["set "+f.FileOf][f.Name] {
			w.problem("%s.%s: the schema accepts it together with %s, which it gives from a file: spec's loader takes one or the other", path, f.Name, f.FileOf)
		}
	}
}

// describedFields counts the fields kindsOutOfStep checks: those of each
// definition of a kind's items (one per set of fields its items have in
// its parents), nested ones too, and an inline kind's in each parent.
func describedFields() int {
	var count func([]*kinds.Field) int
	count = func(fs []*kinds.Field) int {
		n := len(fs)
		for _, f := range fs {
			n += count(f.Fields)
		}
		return n
	}
	n := 0
	for _, k := range kinds.Declared() {
		parents := k.Parents
		if k.Instance() {
			parents = []string{""}
		}
		sets := map[string]bool{}
		for _, p := range parents {
			fs := fieldsFor(k, p)
			switch {
			case k.Inline:
				n += count(fs)
			case !sets[fieldSet(fs)]:
				sets[fieldSet(fs)] = true
				n += count(fs)
			}
		}
	}
	return n
}

func TestSchemaInStepWithKinds(t *testing.T) {
	problems, fields := kindsOutOfStep(document(t))
	if len(problems) > 0 {
		t.Errorf("schema/dokploy-sync.schema.json is out of step with the descriptions of package kinds (go test ./schema -update generates the kinds' parts):\n  %s",
			strings.Join(problems, "\n  "))
	}
	if want := describedFields(); fields != want || want == 0 {
		t.Errorf("checked %d described fields, want %d; the walk is broken", fields, want)
	}
}

// TestInStepCatchesDrift breaks a copy of the schema in each way the
// in-step tests must notice, and checks that they name the exact path.
func TestInStepCatchesDrift(t *testing.T) {
	defs := func(doc map[string]any, name string) map[string]any {
		return doc["$defs"].(map[string]any)[name].(map[string]any)
	}
	props := func(doc map[string]any, name string) map[string]any {
		return defs(doc, name)["properties"].(map[string]any)
	}
	// The definitions of the items of a described kind in a parent, as
	// the schema names them.
	itemsOf := func(doc map[string]any, parent, key string) map[string]any {
		return props(doc, parent)[key].(map[string]any)["items"].(map[string]any)
	}
	itemDef := func(parent, key string) string {
		name, ok := defName(itemsOf(document(t), parent, key))
		if !ok {
			t.Fatalf("%s.%s: the items are no definition", parent, key)
		}
		return name
	}
	appDomain, composeDomain := itemDef("application", kinds.Domain.Key), itemDef("compose", kinds.Domain.Key)
	if appDomain == composeDomain {
		t.Fatalf("the domains of applications and compose services have one definition, %s", appDomain)
	}
	mount := itemDef("application", kinds.Mount.Key)
	// variantRule is the rule of the mount definition for mounts of a type.
	variantRule := func(d map[string]any, value string) map[string]any {
		for _, r := range defs(d, mount)["allOf"].([]any) {
			cond := r.(map[string]any)["if"].(map[string]any)
			if c, ok := cond["properties"].(map[string]any)[kinds.Mount.Variant].(map[string]any); ok && c["const"] == value {
				return r.(map[string]any)["then"].(map[string]any)["properties"].(map[string]any)
			}
		}
		t.Fatalf("$defs/%s has no rule for mounts of type %s", mount, value)
		return nil
	}
	for _, tc := range []struct {
		name   string
		mutate func(doc map[string]any)
		want   string // the start of the problem reported
	}{{
		name:   "missing property",
		mutate: func(d map[string]any) { delete(props(d, "dockerSource"), "registryUrl") },
		want:   "projects.*.environments.*.applications.*.source.docker.registryUrl: spec field DockerSource.RegistryURL (*string) has no property in the schema",
	}, {
		name: "extra property",
		mutate: func(d map[string]any) {
			props(d, "mongo")["databaseName"] = map[string]any{"$ref": "#/$defs/databaseName"}
		},
		want: "projects.*.environments.*.mongo.*.databaseName: schema property is not a field of spec.Mongo",
	}, {
		name:   "not nullable",
		mutate: func(d map[string]any) { props(d, "application")["command"].(map[string]any)["type"] = "string" },
		want:   "projects.*.environments.*.applications.*.command: spec field Application.Command accepts null",
	}, {
		name: "wrongly nullable",
		mutate: func(d map[string]any) {
			props(d, "application")["replicas"].(map[string]any)["type"] = []any{"integer", "null"}
		},
		want: "projects.*.environments.*.applications.*.replicas: the schema accepts null but spec field Application.Replicas does not",
	}, {
		name:   "not required",
		mutate: func(d map[string]any) { defs(d, "redis")["required"] = []any{"dockerImage"} },
		want:   `projects.*.environments.*.redis.*.databasePassword: spec field Redis.DatabasePassword is spec:"required" but the schema does not list it`,
	}, {
		name: "wrongly required",
		mutate: func(d map[string]any) {
			defs(d, "libsql")["required"] = []any{"dockerImage", "databaseUser", "databasePassword", "sqldNode"}
		},
		want: `projects.*.environments.*.libsql.*.sqldNode: the schema lists it in "required" but spec field LibSQL.SqldNode is not`,
	}, {
		name:   "open object",
		mutate: func(d map[string]any) { delete(defs(d, "resources"), "additionalProperties") },
		want:   "projects.*.environments.*.applications.*.resources: the schema for spec.Resources does not reject unknown keys",
	}, {
		name:   "wrong type",
		mutate: func(d map[string]any) { props(d, "mongo")["replicaSets"].(map[string]any)["type"] = "string" },
		want:   "projects.*.environments.*.mongo.*.replicaSets: the schema accepts [string] but spec field Mongo.ReplicaSets (*bool) takes [boolean]",
	}, {
		name:   "null entry of a resource with required fields",
		mutate: func(d map[string]any) { defs(d, "postgres")["type"] = []any{"object", "null"} },
		want:   "projects.*.environments.*.postgres.*: the schema accepts a null entry but spec.Postgres has required fields",
	}, {
		name:   "missing property of a nested object",
		mutate: func(d map[string]any) { delete(props(d, "resources"), "cpuReservation") },
		want:   "projects.*.environments.*.applications.*.resources.cpuReservation: spec field Resources.CPUReservation (*spec.CPU) has no property in the schema",
	}, {
		name:   "nested object not required",
		mutate: func(d map[string]any) { delete(defs(d, "build"), "required") },
		want:   `projects.*.environments.*.applications.*.build.type: spec field Build.Type is spec:"required" but the schema does not list it`,
	}, {
		name:   "list not nullable",
		mutate: func(d map[string]any) { defs(d, "watchPaths")["type"] = "array" },
		want:   "projects.*.environments.*.applications.*.source.git.watchPaths: spec field GitSource.WatchPaths accepts null",
	}, {
		name:   "list without items",
		mutate: func(d map[string]any) { delete(defs(d, "stringList"), "items") },
		want:   `projects.*.environments.*.applications.*.envFile: spec field Application.EnvFile is a list: the schema needs "items"`,
	}, {
		name:   "list of strings with items of another type",
		mutate: func(d map[string]any) { defs(d, "watchPaths")["items"] = map[string]any{"type": "integer"} },
		want:   "projects.*.environments.*.applications.*.source.git.watchPaths[]: the schema accepts items of [integer] but spec field GitSource.WatchPaths takes items of [string]",
	}, {
		name: "open list item of a described kind",
		mutate: func(d map[string]any) {
			delete(defs(d, itemDef("application", kinds.Port.Key)), "additionalProperties")
		},
		want: itemDef("application", kinds.Port.Key) + ": the schema does not reject unknown keys",
	}, {
		name:   "missing property of an inlined provider field",
		mutate: func(d map[string]any) { delete(props(d, "giteaSource"), "owner") },
		want:   "projects.*.environments.*.applications.*.source.gitea.owner: spec field ProviderSource.Owner (string) has no property in the schema",
	}, {
		name:   "missing compose property",
		mutate: func(d map[string]any) { delete(props(d, "compose"), "isolatedDeployment") },
		want:   "projects.*.environments.*.compose.*.isolatedDeployment: spec field Compose.IsolatedDeployment (*bool) has no property in the schema",
	}, {
		name:   "empty required string",
		mutate: func(d map[string]any) { delete(defs(d, "dockerImage"), "minLength") },
		want:   `projects.*.environments.*.postgres.*.dockerImage: spec field DatabaseCommon.DockerImage is spec:"required", so "" is an error`,
	}, {
		name: "described key in a service without the kind",
		mutate: func(d map[string]any) {
			props(d, "redis")[kinds.Backup.Key] = props(d, kinds.Backup.Parents[0])[kinds.Backup.Key]
		},
		want: "projects.*.environments.*.redis.*.backups: schema property is not a field of spec.Redis",
	}, {
		// The described kinds' parts, against package kinds.
		name:   "missing property of a described kind",
		mutate: func(d map[string]any) { delete(props(d, "backup"), "database") },
		want:   "backup.database: field database of kind backup has no property in the schema",
	}, {
		name: "extra property of a described kind",
		mutate: func(d map[string]any) {
			props(d, "redirect")["statusCode"] = map[string]any{"type": "integer"}
		},
		want: "redirect.statusCode: schema property is not a field of kind redirect",
	}, {
		name:   "described field not required",
		mutate: func(d map[string]any) { defs(d, "destination")["required"] = []any{"provider"} },
		want:   `destination.bucket: the field is Required but the schema does not list it in "required"`,
	}, {
		name:   "described field not nullable",
		mutate: func(d map[string]any) { props(d, "backup")["keepLatestCount"].(map[string]any)["type"] = "integer" },
		want:   "backup.keepLatestCount: the field accepts null",
	}, {
		name:   "described field of another type",
		mutate: func(d map[string]any) { props(d, "redirect")["permanent"].(map[string]any)["type"] = "string" },
		want:   "redirect.permanent: the schema accepts [string] but the field (boolean) takes [boolean]",
	}, {
		name: "described field with an enum it does not have",
		mutate: func(d map[string]any) {
			props(d, "backup")["schedule"].(map[string]any)["enum"] = []any{"daily", "weekly"}
		},
		want: "backup.schedule: the schema's enum is [daily weekly] but the field's Enum is []",
	}, {
		name:   "described list missing in a parent",
		mutate: func(d map[string]any) { delete(props(d, "mariadb"), "backups") },
		want:   "mariadb.backups: kind backup has no property in the schema",
	}, {
		name: "instance map of other items",
		mutate: func(d map[string]any) {
			d["properties"].(map[string]any)["destinations"].(map[string]any)["additionalProperties"] = map[string]any{"$ref": "#/$defs/backup"}
		},
		want: "destinations: the kind's items are not $defs/destination",
	}, {
		name:   "null list item of a described kind",
		mutate: func(d map[string]any) { defs(d, "security")["type"] = []any{"object", "null"} },
		want:   "$defs/security: the schema accepts null: true, spec's decoder: false",
	}, {
		// Fields for some parents only (kinds.Field.Parents).
		name: "field of a parent in another parent's definition",
		mutate: func(d map[string]any) {
			props(d, appDomain)["serviceName"] = props(d, composeDomain)["serviceName"]
		},
		want: appDomain + ".serviceName: schema property is field serviceName of kind domain, which is only for items of compose, not of application",
	}, {
		name:   "field of a parent missing in its definition",
		mutate: func(d map[string]any) { delete(props(d, composeDomain), "serviceName") },
		want:   composeDomain + ".serviceName: field serviceName of kind domain has no property in the schema",
	}, {
		name: "parent's items of another parent's definition",
		mutate: func(d map[string]any) {
			itemsOf(d, "application", kinds.Domain.Key)["$ref"] = "#/$defs/" + composeDomain
		},
		want: composeDomain + ".serviceName: schema property is field serviceName of kind domain, which is only for items of compose, not of application",
	}, {
		// Fields of one variant (kinds.Field.Variant).
		name:   "variant field missing",
		mutate: func(d map[string]any) { delete(props(d, mount), "hostPath") },
		want:   mount + ".hostPath: field hostPath of kind mount has no property in the schema",
	}, {
		name:   "variant field not rejected in another variant",
		mutate: func(d map[string]any) { delete(variantRule(d, "volume"), "hostPath") },
		want:   mount + ".hostPath: the schema does not reject it in a volume mount (type: volume), but the field is for bind mounts only",
	}, {
		name:   "variant field rejected in its variant",
		mutate: func(d map[string]any) { variantRule(d, "volume")["volumeName"] = false },
		want:   mount + ".volumeName: the schema rejects it in a volume mount (type: volume), but the field is for them",
	}, {
		name:   "variant rules missing",
		mutate: func(d map[string]any) { delete(defs(d, mount), "allOf") },
		want:   mount + ".volumeName: the schema does not reject it in a bind mount (type: bind)",
	}, {
		// A field that gives another from a file (kinds.Field.FileOf).
		name: "field and its file together",
		mutate: func(d map[string]any) {
			rules := defs(d, mount)["allOf"].([]any)
			defs(d, mount)["allOf"] = rules[:len(rules)-1]
		},
		want: mount + ".contentFile: the schema accepts it together with content",
	}, {
		name:   "empty file name",
		mutate: func(d map[string]any) { delete(props(d, mount)["contentFile"].(map[string]any), "minLength") },
		want:   mount + `.contentFile: the field names a file, so "" is an error`,
	}, {
		// Patterns and ranges.
		name: "described field with another pattern",
		mutate: func(d map[string]any) {
			props(d, appDomain)["host"].(map[string]any)["anyOf"].([]any)[0].(map[string]any)["pattern"] = "^.+$"
		},
		want: appDomain + `.host: the schema's patterns are ["^.+$"] but the field's Pattern is`,
	}, {
		name:   "described field without its pattern",
		mutate: func(d map[string]any) { delete(props(d, mount)["volumeName"].(map[string]any), "anyOf") },
		want:   mount + `.volumeName: the schema's patterns are [] but the field's Pattern is`,
	}, {
		name: "described field with another range",
		mutate: func(d map[string]any) {
			props(d, composeDomain)["port"].(map[string]any)["maximum"] = json.Number("65536")
		},
		want: composeDomain + ".port: the schema's minimum and maximum are 1 65536 but the field's Min and Max 1 65535",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			doc := document(t)
			tc.mutate(doc)
			problems, _ := outOfStep(doc)
			described, _ := kindsOutOfStep(doc)
			problems = append(problems, described...)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, tc.want) }) {
				t.Errorf("want a problem starting with\n  %s\ngot:\n  %s", tc.want, strings.Join(problems, "\n  "))
			}
		})
	}
}

// TestEveryPropertyIsDocumented: descriptions are what editors show on
// hover, so every property (but one that is not allowed: false) and every
// definition has one; and every definition is used.
func TestEveryPropertyIsDocumented(t *testing.T) {
	doc := document(t)
	w := &schemaWalker{root: doc}
	var described func(n any) bool
	described = func(n any) bool {
		m, _ := n.(map[string]any)
		if s, _ := m["description"].(string); strings.TrimSpace(s) != "" {
			return true
		}
		if r, ok := m["$ref"].(string); ok {
			return described(w.ref(r))
		}
		return false
	}
	refs := map[string]bool{}
	var walk func(path string, n any)
	walk = func(path string, n any) {
		switch n := n.(type) {
		case map[string]any:
			for _, k := range sortedKeys(n) {
				v := n[k]
				if k == "$ref" {
					refs[fmt.Sprint(v)] = true
				}
				if k == "properties" || k == "patternProperties" || (k == "$defs" && path == "") {
					for _, name := range sortedKeys(v.(map[string]any)) {
						// false: the key is not allowed there (a field of
						// another variant), which its message says.
						if x := v.(map[string]any)[name]; x != false && !described(x) {
							t.Errorf("%s/%s/%s has no description", path, k, name)
						}
					}
				}
				walk(path+"/"+k, v)
			}
		case []any:
			for i, v := range n {
				walk(fmt.Sprintf("%s/%d", path, i), v)
			}
		}
	}
	walk("", doc)
	for _, name := range sortedKeys(doc["$defs"].(map[string]any)) {
		if !refs["#/$defs/"+name] {
			t.Errorf("$defs/%s is never used", name)
		}
	}
	if len(w.problems) > 0 {
		t.Error(strings.Join(w.problems, "\n"))
	}
}

// ---- validating documents ----

// errorLocations lists the instance locations ("/projects/shop/...") of a
// validation error and all its causes, and the keys that failed
// propertyNames. (jsonschema v6.0.3 may report a wrong location for a
// propertyNames error, santhosh-tekuri/jsonschema#269: it keeps a slice that
// later siblings overwrite; so for those the key is checked instead.)
func errorLocations(err error) (locations, badNames []string) {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, nil
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		locations = append(locations, "/"+strings.Join(e.InstanceLocation, "/"))
		if pn, ok := e.ErrorKind.(*kind.PropertyNames); ok {
			badNames = append(badNames, pn.Property)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return locations, badNames
}

const modelinePrefix = "# yaml-language-server: $schema="

func TestExamplesValidate(t *testing.T) {
	sch := compile(t, document(t))
	paths, _ := filepath.Glob("../examples/*/dokploy*.yaml")
	if len(paths) == 0 {
		t.Fatal("no examples found in ../examples/*/dokploy*.yaml")
	}
	for _, path := range paths {
		t.Run(strings.TrimPrefix(path, "../examples/"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(parseYAML(t, src)); err != nil {
				t.Errorf("%s does not validate against the schema:\n%v", path, err)
			}
			// The first line points editors at the schema.
			first, _, _ := strings.Cut(string(src), "\n")
			rel, ok := strings.CutPrefix(strings.TrimSpace(first), modelinePrefix)
			if !ok {
				t.Fatalf("%s: the first line must be the modeline %q, got %q", path, modelinePrefix+"../../schema/dokploy-sync.schema.json", first)
			}
			target, err := os.ReadFile(filepath.Join(filepath.Dir(path), filepath.FromSlash(rel)))
			if err != nil || !bytes.Equal(target, schema.JSON()) {
				t.Errorf("%s: the modeline's $schema=%s does not lead to schema/dokploy-sync.schema.json (%v)", path, rel, err)
			}
		})
	}
}

// TestREADMEValidates checks the README's full specs (yaml blocks with an
// apiVersion; fragments are skipped).
func TestREADMEValidates(t *testing.T) {
	src, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sch := compile(t, document(t))
	blocks := regexp.MustCompile("(?ms)^```yaml[ \t]*\n(.*?)^```").FindAllSubmatch(src, -1)
	full := 0
	for i, b := range blocks {
		if !regexp.MustCompile(`(?m)^apiVersion:`).Match(b[1]) {
			continue
		}
		full++
		if err := sch.Validate(parseYAML(t, b[1])); err != nil {
			t.Errorf("README.md yaml block %d does not validate against the schema:\n%v\n%s", i+1, err, b[1])
		}
	}
	if full == 0 {
		t.Error("README.md has no yaml block with a full spec (apiVersion: ...)")
	}
}

// inProduction builds a dokploy.yaml with body inside projects.shop.environments.production.
func inProduction(body string) string {
	var b strings.Builder
	b.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    environments:\n      production:\n")
	for _, line := range strings.Split(strings.Trim(body, "\n"), "\n") {
		b.WriteString("        " + line + "\n")
	}
	return b.String()
}

// goLoad runs spec's loader on src (env files a.env and b.env exist) and
// returns its errors.
func goLoad(t *testing.T, src string, vars map[string]string) spec.Diagnostics {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"a.env", "b.env"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("FROM_FILE=1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, diags := spec.LoadBytes("dokploy.yaml", []byte(src), dir, spec.Options{
		Vars:      vars,
		LookupEnv: func(string) (string, bool) { return "", false },
	})
	return diags.Errors()
}

// withDestinations adds top-level destinations to a spec built by
// inProduction: s3-main, and more from body (indented as their entries).
func withDestinations(src, body string) string {
	const s3 = "  s3-main: {provider: AWS, accessKey: \"${USER}\", secretAccessKey: \"${PW}\", bucket: b, region: us-east-1, endpoint: https://s3.amazonaws.com}\n"
	return strings.Replace(src, "projects:\n", "destinations:\n"+s3+body+"projects:\n", 1)
}

// db is a postgres database for backups to go into.
const db = "postgres:\n  db:\n    dockerImage: postgres:16\n    databaseName: d\n    databaseUser: u\n    databasePassword: p\n"

const app = `applications:
  api:
    source: {docker: {image: nginx:1.27}}
`

// TestBrokenSpecsAreRejected: each spec is an error for spec's loader, and
// the schema rejects it at the same place.
func TestBrokenSpecsAreRejected(t *testing.T) {
	sch := compile(t, document(t))
	const apiPath = "/projects/shop/environments/production/applications/api"
	const dbPath = "/projects/shop/environments/production"
	for _, tc := range []struct {
		name string
		src  string
		// at is the instance location the schema must report, or
		// "key:NAME" for a key (a name) that propertyNames must reject.
		at string
	}{
		{"unknown top-level key", "apiVersion: dokploy-sync/v1\nproject: {}\nprojects: {}\n", "/"},
		{"unknown key in an application", inProduction(app + "    image: nginx:1.27\n"), apiPath},
		{"misspelt key in docker source", inProduction("applications:\n  api:\n    source: {docker: {image: nginx, registryURL: ghcr.io}}\n"), apiPath + "/source/docker"},
		{"unknown resource kind", inProduction("stacks:\n  mon: {}\n"), "/projects/shop/environments/production"},
		{"wrong type: replicas", inProduction(app + "    replicas: two\n"), apiPath + "/replicas"},
		{"wrong type: replicas from ${VAR}", inProduction(app + "    replicas: ${N}\n"), apiPath + "/replicas"},
		{"wrong type: env is a list", inProduction(app + "    env: [A=1]\n"), apiPath + "/env"},
		{"wrong type: env value is a mapping", inProduction(app + "    env: {A: {b: 1}}\n"), apiPath + "/env/A"},
		{"wrong type: env value is null", inProduction(app + "    env: {A: null}\n"), apiPath + "/env/A"},
		{"wrong type: envFile is a mapping", inProduction(app + "    envFile: {a: a.env}\n"), apiPath + "/envFile"},
		{"wrong type: source is a string", inProduction("applications:\n  api:\n    source: nginx\n"), apiPath + "/source"},
		{"memory from ${VAR}", inProduction(app + "    resources: {memoryLimit: \"${MEM}\"}\n"), apiPath + "/resources/memoryLimit"},
		{"memory unit", inProduction(app + "    resources: {memoryLimit: 512MB}\n"), apiPath + "/resources/memoryLimit"},
		{"memory zero", inProduction(app + "    resources: {memoryLimit: 0}\n"), apiPath + "/resources/memoryLimit"},
		{"cpu words", inProduction(app + "    resources: {cpuLimit: half}\n"), apiPath + "/resources/cpuLimit"},
		{"cpu negative", inProduction(app + "    resources: {cpuLimit: -1}\n"), apiPath + "/resources/cpuLimit"},
		{"bad enum: sqldNode", inProduction("libsql:\n  edge: {dockerImage: libsql, databaseUser: u, databasePassword: p, sqldNode: leader}\n"), dbPath + "/libsql/edge/sqldNode"},
		{"bad const: apiVersion", "apiVersion: dokploy-sync/v2\nprojects: {}\n", "/apiVersion"},
		{"port above 65535", inProduction("redis:\n  cache: {dockerImage: redis:7, databasePassword: p, externalPort: 70000}\n"), dbPath + "/redis/cache/externalPort"},
		{"port 0", inProduction("libsql:\n  edge: {dockerImage: libsql, databaseUser: u, databasePassword: p, externalGRPCPort: 0}\n"), dbPath + "/libsql/edge/externalGRPCPort"},
		{"negative replicas", inProduction(app + "    replicas: -1\n"), apiPath + "/replicas"},
		{"missing apiVersion", "projects: {}\n", "/"},
		{"missing projects", "apiVersion: dokploy-sync/v1\n", "/"},
		{"missing databasePassword", inProduction("postgres:\n  db: {dockerImage: postgres:16, databaseName: d, databaseUser: u}\n"), dbPath + "/postgres/db"},
		{"missing dockerImage", inProduction("redis:\n  cache: {databasePassword: p}\n"), dbPath + "/redis/cache"},
		{"missing image", inProduction("applications:\n  api:\n    source: {docker: {username: me}}\n"), apiPath + "/source/docker"},
		{"empty dockerImage", inProduction("redis:\n  cache: {dockerImage: \"\", databasePassword: p}\n"), dbPath + "/redis/cache/dockerImage"},
		{"no source member", inProduction("applications:\n  api:\n    source: {}\n"), apiPath + "/source"},
		{"null source", inProduction("applications:\n  api:\n    source: null\n"), apiPath + "/source"},
		{"null database", inProduction("postgres:\n  db:\n"), dbPath + "/postgres/db"},
		{"null replicas", inProduction(app + "    replicas: null\n"), apiPath + "/replicas"},
		{"null root password", inProduction("mysql:\n  db: {dockerImage: mysql:8, databaseName: d, databaseUser: u, databasePassword: p, databaseRootPassword: null}\n"), dbPath + "/mysql/db/databaseRootPassword"},
		{"mongo has no databaseName", inProduction("mongo:\n  m: {dockerImage: mongo:7, databaseName: d, databaseUser: u, databasePassword: p}\n"), dbPath + "/mongo/m"},
		{"appName with a space", inProduction(app + "    appName: my api\n"), apiPath + "/appName"},
		{"appName too long", inProduction(app + "    appName: " + strings.Repeat("a", 57) + "\n"), apiPath + "/appName"},
		{"env key starts with a digit", inProduction(app + "    env: {1BAD: x}\n"), "key:1BAD"},
		{"project name with spaces", "apiVersion: dokploy-sync/v1\nprojects:\n  ' shop ': {}\n", "key: shop "},
		// Sources, build and lists.
		{"two source members", inProduction("applications:\n  api:\n    source: {docker: {image: nginx}, git: {url: https://github.com/a/b.git, branch: main}}\n"), apiPath + "/source"},
		{"git without branch", inProduction("applications:\n  api:\n    source: {git: {url: https://github.com/a/b.git}}\n"), apiPath + "/source/git"},
		{"git url without scheme", inProduction("applications:\n  api:\n    source: {git: {url: github.com/a/b, branch: main}}\n"), apiPath + "/source/git/url"},
		{"branch with a space", inProduction("applications:\n  api:\n    source: {git: {url: https://github.com/a/b.git, branch: my branch}}\n"), apiPath + "/source/git/branch"},
		{"github without providerId", inProduction("applications:\n  api:\n    source: {github: {owner: a, repository: b, branch: main}}\n"), apiPath + "/source/github"},
		{"github with provider and providerId", inProduction("applications:\n  api:\n    source: {github: {provider: acme, providerId: p1, owner: a, repository: b, branch: main}}\n"), apiPath + "/source/github"},
		{"git with sshKey and sshKeyId", inProduction("applications:\n  api:\n    source: {git: {url: git@github.com:a/b.git, branch: main, sshKey: deploy, sshKeyId: k1}}\n"), apiPath + "/source/git"},
		{"bad triggerType", inProduction("applications:\n  api:\n    source: {github: {providerId: p, owner: a, repository: b, branch: main, triggerType: release}}\n"), apiPath + "/source/github/triggerType"},
		{"gitlab projectId 0", inProduction("applications:\n  api:\n    source: {gitlab: {providerId: p, owner: a, repository: b, branch: main, projectId: 0}}\n"), apiPath + "/source/gitlab/projectId"},
		{"watchPaths is a string", inProduction("applications:\n  api:\n    source: {git: {url: https://github.com/a/b.git, branch: main, watchPaths: src}}\n"), apiPath + "/source/git/watchPaths"},
		{"bad build type", inProduction(app + "    build: {type: docker}\n"), apiPath + "/build/type"},
		{"build without type", inProduction(app + "    build: {dockerfile: Dockerfile}\n"), apiPath + "/build"},
		{"domains is a mapping", inProduction(app + "    domains: {host: a.example.com}\n"), apiPath + "/domains"},
		{"domain host with an underscore", inProduction(app + "    domains: [{host: my_app.example.com}]\n"), apiPath + "/domains/0/host"},
		{"domain without host", inProduction(app + "    domains: [{port: 80}]\n"), apiPath + "/domains/0"},
		{"domain port 0", inProduction(app + "    domains: [{host: a.example.com, port: 0}]\n"), apiPath + "/domains/0/port"},
		{"domain path without slash", inProduction(app + "    domains: [{host: a.example.com, path: api}]\n"), apiPath + "/domains/0/path"},
		{"domain internalPath without slash", inProduction("compose:\n  mon: {composeFile: a.env, domains: [{host: a.example.com, serviceName: web, internalPath: v1}]}\n"), dbPath + "/compose/mon/domains/0/internalPath"},
		{"domain host with a scheme", inProduction(app + "    domains: [{host: \"https://a.example.com\"}]\n"), apiPath + "/domains/0/host"},
		{"domain host without a dot", inProduction(app + "    domains: [{host: localhost}]\n"), apiPath + "/domains/0/host"},
		{"bad certificateType", inProduction(app + "    domains: [{host: a.example.com, certificateType: acme}]\n"), apiPath + "/domains/0/certificateType"},
		{"application domain with serviceName", inProduction(app + "    domains: [{host: a.example.com, serviceName: web}]\n"), apiPath + "/domains/0"},
		{"null domain item", inProduction(app + "    domains: [~]\n"), apiPath + "/domains/0"},
		{"bad port protocol", inProduction(app + "    ports: [{publishedPort: 80, targetPort: 80, protocol: http}]\n"), apiPath + "/ports/0/protocol"},
		{"port without targetPort", inProduction(app + "    ports: [{publishedPort: 80}]\n"), apiPath + "/ports/0"},
		{"bad mount type", inProduction(app + "    mounts: [{type: tmpfs, mountPath: /tmp}]\n"), apiPath + "/mounts/0/type"},
		{"relative mountPath", inProduction(app + "    mounts: [{type: volume, mountPath: data, volumeName: data}]\n"), apiPath + "/mounts/0/mountPath"},
		{"bind with a volumeName", inProduction(app + "    mounts: [{type: bind, mountPath: /data, hostPath: /srv, volumeName: x1}]\n"), apiPath + "/mounts/0/volumeName"},
		{"volume with a file's content", inProduction(app + "    mounts: [{type: volume, mountPath: /data, volumeName: x1, content: a}]\n"), apiPath + "/mounts/0/content"},
		{"file mount with content and contentFile", inProduction(app + "    mounts: [{type: file, mountPath: /etc/x, content: a, contentFile: a.env}]\n"), apiPath + "/mounts/0/contentFile"},
		{"empty contentFile", inProduction(app + "    mounts: [{type: file, mountPath: /etc/x, contentFile: \"\"}]\n"), apiPath + "/mounts/0/contentFile"},
		{"bad volumeName", inProduction(app + "    mounts: [{type: volume, mountPath: /data, volumeName: my data}]\n"), apiPath + "/mounts/0/volumeName"},
		{"relative hostPath", inProduction(app + "    mounts: [{type: bind, mountPath: /data, hostPath: srv/data}]\n"), apiPath + "/mounts/0/hostPath"},
		{"redirect without replacement", inProduction(app + "    redirects: [{regex: ^/a}]\n"), apiPath + "/redirects/0"},
		{"security without password", inProduction(app + "    security: [{username: admin}]\n"), apiPath + "/security/0"},
		{"database mount without mountPath", inProduction("redis:\n  cache: {dockerImage: redis:7, databasePassword: p, mounts: [{type: volume, volumeName: v1}]}\n"), dbPath + "/redis/cache/mounts/0"},
		// Compose services.
		{"compose without composeFile or source", inProduction("compose:\n  mon: {description: x}\n"), dbPath + "/compose/mon"},
		{"null compose entry", inProduction("compose:\n  mon:\n"), dbPath + "/compose/mon"},
		{"compose with composeFile and source", inProduction("compose:\n  mon: {composeFile: a.env, source: {git: {url: https://github.com/a/b.git, branch: main}}}\n"), dbPath + "/compose/mon"},
		{"compose with a docker source", inProduction("compose:\n  mon: {source: {docker: {image: nginx}}}\n"), dbPath + "/compose/mon/source"},
		{"composePath without source", inProduction("compose:\n  mon: {composeFile: a.env, composePath: ./docker-compose.yml}\n"), dbPath + "/compose/mon"},
		{"bad composeType", inProduction("compose:\n  mon: {composeFile: a.env, composeType: swarm}\n"), dbPath + "/compose/mon/composeType"},
		{"compose has no replicas", inProduction("compose:\n  mon: {composeFile: a.env, replicas: 2}\n"), dbPath + "/compose/mon"},
		// Destinations and backups.
		{"unknown key in a backup", withDestinations(inProduction(db+"    backups: [{prefix: daily, schedule: 0 3 * * *, destination: s3-main, database: d, retention: 7}]\n"), ""), dbPath + "/postgres/db/backups/0"},
		{"backup without destination", withDestinations(inProduction(db+"    backups: [{prefix: daily, schedule: 0 3 * * *, database: d}]\n"), ""), dbPath + "/postgres/db/backups/0"},
		{"backup keeps none", withDestinations(inProduction(db+"    backups: [{prefix: daily, schedule: 0 3 * * *, destination: s3-main, database: d, keepLatestCount: 0}]\n"), ""), dbPath + "/postgres/db/backups/0/keepLatestCount"},
		{"null backup item", withDestinations(inProduction(db+"    backups: [~]\n"), ""), dbPath + "/postgres/db/backups/0"},
		{"backups of a redis", withDestinations(inProduction("redis:\n  cache: {dockerImage: redis:7, databasePassword: p, backups: []}\n"), ""), dbPath + "/redis/cache"},
		{"destination without bucket", withDestinations(inProduction(db), "  r2: {provider: Cloudflare, accessKey: \"${USER}\", secretAccessKey: \"${PW}\", region: auto, endpoint: https://r2.example.com}\n"), "/destinations/r2"},
		{"empty destination endpoint", withDestinations(inProduction(db), "  r2: {provider: Cloudflare, accessKey: \"${USER}\", secretAccessKey: \"${PW}\", bucket: b, region: auto, endpoint: \"\"}\n"), "/destinations/r2/endpoint"},
		{"rclone flag without --", withDestinations(inProduction(db), "  r2: {provider: Cloudflare, accessKey: \"${USER}\", secretAccessKey: \"${PW}\", bucket: b, region: auto, endpoint: https://r2.example.com, additionalFlags: [fast-list]}\n"), "/destinations/r2/additionalFlags/0"},
		{"null destination", withDestinations(inProduction(db), "  r2:\n"), "/destinations/r2"},
		// Contexts: never a key, one key source, names as written.
		{"key in a context", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: https://p.example.com, apiKey: dkp_0123}\nprojects: {}\n", "/contexts/prod"},
		{"context without a key source", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: https://p.example.com}\nprojects: {}\n", "/contexts/prod"},
		{"context with two key sources", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: https://p.example.com, apiKeyEnv: K, apiKeyFile: /k}\nprojects: {}\n", "/contexts/prod"},
		{"context key from a variable", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: https://p.example.com, apiKeyEnv: \"${K}\"}\nprojects: {}\n", "/contexts/prod/apiKeyEnv"},
		{"context key file in the repository", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: https://p.example.com, apiKeyFile: keys/prod.key}\nprojects: {}\n", "/contexts/prod/apiKeyFile"},
		{"context url without scheme", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: p.example.com, apiKeyEnv: K}\nprojects: {}\n", "/contexts/prod/url"},
		{"context url with credentials", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod: {url: \"https://u:pw@p.example.com\", apiKeyEnv: K}\nprojects: {}\n", "/contexts/prod/url"},
		{"null context", "apiVersion: dokploy-sync/v1\ncontexts:\n  prod:\nprojects: {}\n", "/contexts/prod"},
		{"key at the top level", "apiVersion: dokploy-sync/v1\napiKey: dkp_0123\nprojects: {}\n", "/"},
		{"destinations is a list", strings.Replace(inProduction(db), "projects:\n", "destinations: [s3-main]\nprojects:\n", 1), "/destinations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"N": "2", "MEM": "512Mi"}
			if errs := goLoad(t, tc.src, vars); len(errs) == 0 {
				t.Fatalf("spec's loader accepts this spec, so the schema must too; fix the test case:\n%s", tc.src)
			}
			err := sch.Validate(parseYAML(t, []byte(tc.src)))
			if err == nil {
				t.Fatalf("the schema accepts a spec that spec's loader rejects:\n%s", tc.src)
			}
			locs, badNames := errorLocations(err)
			if key, ok := strings.CutPrefix(tc.at, "key:"); ok {
				if !slices.Contains(badNames, key) {
					t.Errorf("the schema rejects it, but not for the key %q:\n%v", key, err)
				}
			} else if !slices.Contains(locs, tc.at) {
				t.Errorf("the schema rejects it, but not at %s:\n%v", tc.at, err)
			}
		})
	}
}

// TestGoOnlyChecks: specs that spec's loader rejects for a check the
// schema does not make, each named in the package doc's list of Go-only
// checks. When the schema learns one, the case moves to
// TestBrokenSpecsAreRejected and the check leaves the list.
func TestGoOnlyChecks(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "schema.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(f.Doc.Text()), " ")
	sch := compile(t, document(t))
	for _, tc := range []struct {
		name, src string
		loader    string // in the loader's error
		check     string // in the package doc
	}{
		{"compose domain without serviceName", inProduction("compose:\n  mon: {composeFile: a.env, domains: [{host: a.example.com}]}\n"), "serviceName: required", "a compose service's domain needs serviceName"},
		{"custom certificate without resolver", inProduction(app + "    domains: [{host: a.example.com, certificateType: custom}]\n"), "customCertResolver: required", "customCertResolver goes with certificateType: custom (which needs it)"},
		{"resolver without a custom certificate", inProduction(app + "    domains: [{host: a.example.com, customCertResolver: ca}]\n"), "customCertResolver: only used", "customCertResolver goes with certificateType: custom"},
		{"volume without volumeName", inProduction(app + "    mounts: [{type: volume, mountPath: /data}]\n"), "volumeName: required", "a volume mount needs volumeName"},
		{"bind without hostPath", inProduction(app + "    mounts: [{type: bind, mountPath: /data}]\n"), "hostPath: required", "a bind mount hostPath"},
		{"file mount without content", inProduction(app + "    mounts: [{type: file, mountPath: /etc/x}]\n"), "needs content", "a file mount content or contentFile"},
		{"redirect regex that does not compile", inProduction(app + "    redirects: [{regex: \"^(a\", replacement: /b}]\n"), "regex: does not compile", "redirect regexes must compile"},
		{"username with a colon", inProduction(app + "    security: [{username: \"a:b\", password: p}]\n"), "username: must not contain", "basic-auth usernames must not contain \":\""},
		{"unknown defaultContext", "apiVersion: dokploy-sync/v1\ndefaultContext: prodution\ncontexts:\n  production: {url: https://p.example.com, apiKeyEnv: K}\nprojects: {}\n", `no context "prodution"`, "defaultContext naming one of the contexts"},
		{"duplicate domains", inProduction(app + "    domains: [{host: a.example.com}, {host: A.example.com, path: /}]\n"), "duplicate domain", "duplicate domains, ports, mounts"},
		{"duplicate mounts", inProduction(app + "    mounts: [{type: volume, mountPath: /data, volumeName: a1}, {type: volume, mountPath: /data/, volumeName: b1}]\n"), "duplicate mount", "duplicate domains, ports, mounts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if errs := goLoad(t, tc.src, nil); !strings.Contains(errs.String(), tc.loader) {
				t.Fatalf("spec's loader does not reject this spec with %q; fix the test case:\n%s\n%s", tc.loader, errs, tc.src)
			}
			if !strings.Contains(doc, tc.check) {
				t.Errorf("the package doc's list of Go-only checks does not say %q", tc.check)
			}
			if err := sch.Validate(parseYAML(t, []byte(tc.src))); err != nil {
				t.Errorf("the schema rejects it now: move the case to TestBrokenSpecsAreRejected and the check off the Go-only list:\n%v", err)
			}
		})
	}
}

// TestValidSpecsAreAccepted: specs at the edges of what spec's loader
// accepts (variables in strings, nulls that clear, units, YAML anchors)
// validate against the schema too.
func TestValidSpecsAreAccepted(t *testing.T) {
	sch := compile(t, document(t))
	vars := map[string]string{"PREFIX": "shop", "NODE": "primary", "IMAGE": "nginx:1.27", "PW": "s3cret", "USER": "me", "URL": "http://edge-primary:5001",
		"BUILD": "nixpacks", "BRANCH": "main", "HOST": "c.example.com", "FLAG": "--fast-list"}
	for _, tc := range []struct{ name, src string }{
		{"variables in strings", inProduction(`
applications:
  api:
    appName: ${PREFIX}-api
    source: {docker: {image: "${IMAGE}", username: "${USER}", password: "${PW}", registryUrl: ghcr.io}}
    command: ${PREFIX} --serve
postgres:
  db: {dockerImage: "${IMAGE}", databaseName: "${PREFIX}", databaseUser: "${USER}", databasePassword: "${PW}"}
libsql:
  edge: {dockerImage: libsql, databaseUser: u, databasePassword: "${PW}", sqldNode: "${NODE}"}
`)},
		{"contexts", "apiVersion: dokploy-sync/v1\ndefaultContext: staging\ncontexts:\n  production: {url: https://panel.example.com, apiKeyEnv: PROD_DOKPLOY_KEY}\n  staging: {url: \"http://localhost:3000/sub/\", apiKeyFile: ~/.config/dokploy-sync/staging.key}\n  ci.run-1: {url: https://ci.example.com, apiKeyFile: /run/secrets/dokploy}\nprojects: {}\n"},
		{"env values and env files", inProduction(`
applications:
  api:
    source: {docker: {image: nginx}}
    envFile: a.env
    env: {PORT: 8080, DEBUG: true, RATIO: 0.5, EMPTY: "", my.key-1: x, _X: "${{project.X}}", DSN: "postgres://u:${PW}@db/x"}
  worker:
    envFile: [a.env, b.env]
    env: null
redis:
  cache: {dockerImage: redis:7, databasePassword: p, env: {A: 1}, envFile: [a.env]}
`)},
		{"nulls that clear", inProduction(`
description: null
env: null
envFile: null
applications:
  api:
    description: null
    command: null
    source: {docker: {image: nginx, username: null, password: null, registryUrl: null}}
    resources: {memoryLimit: null, memoryReservation: null, cpuLimit: null, cpuReservation: null}
  worker:
    resources: null
postgres:
  db: {dockerImage: postgres:16, databaseName: d, databaseUser: u, databasePassword: p, description: null, externalPort: null}
libsql:
  edge: {dockerImage: libsql, databaseUser: u, databasePassword: p, sqldPrimaryUrl: null, externalGRPCPort: null, externalAdminPort: null}
`)},
		{"units", inProduction(`
applications:
  a:
    resources: {memoryLimit: 2Gi, memoryReservation: 1.5Gi, cpuLimit: "1.5", cpuReservation: 500m}
  b:
    resources: {memoryLimit: 536870912, memoryReservation: 256M, cpuLimit: 2, cpuReservation: 0.25}
  c:
    replicas: 0
    resources: {memoryLimit: 100k, cpuLimit: 1000m}
`)},
		{"every database kind and field", inProduction(`
postgres:
  pg: {dockerImage: postgres:16, databaseName: d, databaseUser: u, databasePassword: p, appName: shop-pg, externalPort: 1}
mysql:
  my: {dockerImage: mysql:8, databaseName: d, databaseUser: u, databasePassword: p, databaseRootPassword: r, externalPort: 65535}
mariadb:
  ma: {dockerImage: mariadb:11, databaseName: d, databaseUser: u, databasePassword: p, databaseRootPassword: "${PW}"}
mongo:
  mo: {dockerImage: mongo:7, databaseUser: u, databasePassword: p, replicaSets: true}
redis:
  re: {dockerImage: redis:7, databasePassword: p}
libsql:
  primary: {dockerImage: libsql, databaseUser: u, databasePassword: p, sqldNode: primary, enableNamespaces: true, externalPort: 18080, externalGRPCPort: 5001, externalAdminPort: 8081}
  replica: {dockerImage: libsql, databaseUser: u, databasePassword: p, sqldNode: replica, sqldPrimaryUrl: "${URL}"}
`)},
		{"empty and null resources", `apiVersion: dokploy-sync/v1
projects:
  blog:
  shop:
    environments:
      production:
      staging: {}
      preview:
        applications:
          api:
`},
		{"appName of 56 characters", inProduction(app + "    appName: " + strings.Repeat("a", 56) + "\n")},
		{"every source kind and build type", inProduction(`
applications:
  a:
    source: {git: {url: "git@github.com:acme/a.git", branch: "release/1.4#x", buildPath: /, sshKeyId: k, submodules: true, watchPaths: [src/**]}}
    build: {type: dockerfile, dockerfile: Dockerfile, dockerContextPath: ., dockerBuildStage: null}
    buildArgs: {NODE: 22, DB: "${ref:postgres/db.appName}"}
    buildSecrets: {TOKEN: "${PW}"}
  b:
    source: {github: {providerId: p, owner: o, repository: r, branch: main, triggerType: tag, watchPaths: null}}
    build: {type: static, publishDirectory: dist, isStaticSpa: true}
  c:
    source: {gitlab: {providerId: p, owner: o, repository: r, branch: main, projectId: 7, pathNamespace: null}}
    build: {type: railpack, railpackVersion: null}
  d:
    source: {bitbucket: {providerId: p, owner: o, repository: r, branch: main, repositorySlug: r}}
    build: {type: heroku_buildpacks, herokuVersion: "24"}
  e:
    source: {gitea: {providerId: p, owner: o, repository: r, branch: main, buildPath: null, submodules: false}}
    build: {type: "${BUILD}"}
  f:
    source: {git: {url: "ssh://git@git.example.com:2222/acme/f.git", branch: "${BRANCH}"}}
    build: {type: paketo_buildpacks}
postgres:
  db: {dockerImage: postgres:16, databaseName: d, databaseUser: u, databasePassword: p}
`)},
		{"domains, ports, mounts, redirects, security", inProduction(`
applications:
  api:
    source: {docker: {image: nginx}}
    command: "wait ${ref:postgres/db.appName}"
    env: {DB: "postgres://${ref:postgres/db.databaseUser}@${ref:postgres/db.appName}/${ref:shop/production/postgres/db.databaseName}"}
    domains:
      - {host: api.example.com, path: /v1, port: 8080, https: true, certificateType: letsencrypt, stripPath: true, internalPath: /}
      - {host: b.example.com, https: true, certificateType: custom, customCertResolver: ca}
      - {host: "${HOST}", customCertResolver: null}
    ports:
      - {publishedPort: 53, targetPort: 53, protocol: udp, publishMode: host}
      - {publishedPort: 8080, targetPort: 80}
    mounts:
      - {type: volume, mountPath: /data, volumeName: data}
      - {type: bind, mountPath: /logs, hostPath: /var/log/api}
      - {type: file, mountPath: /etc/a.conf, filePath: a.conf, content: "a = 1"}
      - {type: file, mountPath: /etc/b.conf, contentFile: a.env}
    redirects:
      - {regex: "^https://www\\.example\\.com/(.*)", replacement: "https://example.com/$1", permanent: true}
    security:
      - {username: admin, password: "${PW}"}
  web:
    source: {docker: {image: nginx}}
    domains: null
    ports: []
    mounts: ~
    redirects: null
    security: []
postgres:
  db: {dockerImage: postgres:16, databaseName: d, databaseUser: u, databasePassword: p, mounts: [{type: bind, mountPath: /backups, hostPath: /srv/b}]}
`)},
		{"destinations and backups", withDestinations(inProduction(db+`    backups:
      - {prefix: daily, schedule: 0 3 * * *, destination: s3-main, database: d, keepLatestCount: 7, enabled: true}
      - {prefix: "${PREFIX}/weekly", schedule: 0 4 * * 0, destination: r2, database: "${PREFIX}", keepLatestCount: null, enabled: null}
mysql:
  my: {dockerImage: mysql:8, databaseName: d, databaseUser: u, databasePassword: p, backups: null}
mariadb:
  ma: {dockerImage: mariadb:11, databaseName: d, databaseUser: u, databasePassword: p, backups: []}
mongo:
  mo: {dockerImage: mongo:7, databaseUser: u, databasePassword: p, backups: [{prefix: m, schedule: 0 5 * * *, destination: s3-main, database: admin}]}
`), `  r2:
    provider: Cloudflare
    accessKey: "${USER}"
    secretAccessKey: "${PW}"
    bucket: "${PREFIX}-backups"
    region: auto
    endpoint: https://r2.example.com
    additionalFlags: [--s3-no-check-bucket, "${FLAG}"]
    protect: true
  minio: {provider: Minio, accessKey: "${USER}", secretAccessKey: "${PW}", bucket: b, region: r, endpoint: http://minio:9000, additionalFlags: null, protect: false}
`)},
		{"no destinations", strings.Replace(inProduction(db), "projects:\n", "destinations: null\nprojects:\n", 1)},
		{"compose services", inProduction(`
compose:
  file:
    composeFile: a.env
    composeType: stack
    env: {A: "${ref:application/api.appName}"}
    command: "${ref:application/api.appName}"
    domains: [{host: grafana.example.com, serviceName: grafana, port: 3000}]
    mounts: [{type: volume, mountPath: /data, volumeName: data}]
    randomize: true
    isolatedDeployment: false
  inline:
    description: null
    composeFile: |
      services:
        web: {image: nginx}
  repo:
    source: {github: {providerId: p, owner: o, repository: r, branch: main}}
    composePath: ./deploy/compose.yml
applications:
  api:
    source: {docker: {image: nginx}}
`)},
		{"x- keys, anchors and merge keys", `x-db: &db
  dockerImage: postgres:16
  databaseUser: shop
  databasePassword: ${PW}
x-notes: anything goes here
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          a:
            <<: *db
            databaseName: a
          b:
            <<: *db
            databaseName: b
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if errs := goLoad(t, tc.src, vars); len(errs) > 0 {
				t.Fatalf("spec's loader rejects this spec; fix the test case:\n%s\n%s", errs, tc.src)
			}
			if err := sch.Validate(parseYAML(t, []byte(tc.src))); err != nil {
				t.Errorf("the schema rejects a spec that spec's loader accepts:\n%v\n%s", err, tc.src)
			}
		})
	}
}

// TestOverlaysValidate: the forms of an environment that extends another
// (spec/merge.go) validate against the schema, and the schema still finds
// the mistakes in them. The multi-file cases of spec's tests that load
// without errors validate file by file.
func TestOverlaysValidate(t *testing.T) {
	sch := compile(t, document(t))
	files, _ := filepath.Glob("../spec/testdata/multi/*/dokploy*.yaml")
	var checked int
	for _, f := range files {
		golden, err := os.ReadFile(filepath.Dir(f) + ".golden")
		if err != nil || strings.Contains(string(golden), "\nerror: ") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if err := sch.Validate(parseYAML(t, src)); err != nil {
			t.Errorf("%s loads without errors but does not validate against the schema:\n%v", f, err)
		}
	}
	if checked < 4 {
		t.Errorf("validated %d files of ../spec/testdata/multi, want at least 4", checked)
	}
	spec := func(staging string) string {
		return `apiVersion: dokploy-sync/v1
projects:
  blog:
    environments:
      production:
        env: {A: "1"}
        applications:
          web: {source: {docker: {image: nginx}}}
        postgres:
          db: {dockerImage: postgres:16, databaseName: b, databaseUser: b, databasePassword: "${PW}"}
      staging:
` + staging
	}
	for _, tc := range []struct {
		name, staging string
		ok            bool
	}{
		{"only what differs", "        extends: production\n        applications:\n          web: {replicas: 1}\n        postgres:\n          db: {externalPort: 5433}\n", true},
		{"null leaves out", "        extends: production\n        env: {A: null}\n        applications:\n          web: {env: {X: null}}\n        postgres:\n          db: null\n", true},
		{"a new service in full", "        extends: production\n        redis:\n          cache: {dockerImage: redis:7, databasePassword: \"${PW}\"}\n", true},
		{"an unknown key in an overlay", "        extends: production\n        applications:\n          web: {replica: 1}\n", false},
		{"a wrong type in an overlay", "        extends: production\n        applications:\n          web: {replicas: one}\n", false},
		{"empty extends", "        extends: \"\"\n", false},
		{"required fields without extends", "        applications:\n          web: {replicas: 1}\n        postgres:\n          db: {externalPort: 5433}\n", false},
		{"null env value without extends", "        env: {A: null}\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sch.Validate(parseYAML(t, []byte(spec(tc.staging))))
			if tc.ok && err != nil {
				t.Errorf("rejected:\n%v", err)
			}
			if !tc.ok && err == nil {
				t.Errorf("accepted")
			}
		})
	}
}
