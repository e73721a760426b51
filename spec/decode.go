package spec

import (
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// The decoder walks the YAML AST against the Go types by reflection and
// fills them in, reporting every problem instead of stopping at the first
// one (goccy/go-yaml's Strict decoder returns only the first error). It is
// the only decoding pass: there is no second yaml.Unmarshal.
//
// What it knows about the types:
//   - struct fields by their yaml tag, `,inline` embedded structs flattened
//     into the same mapping, `yaml:"-"` and untagged fields skipped;
//   - the `spec:"required,nullable,secret"` tag (see types.go);
//   - map[string]*T of resources keyed by name (the address grows by the
//     name), map[string]string for env, buildArgs and buildSecrets,
//     StringList (a string or a list), *Memory and *CPU (units.go),
//     strings, ints and bools, and pointers;
//   - lists: []string (watchPaths); a list set to null is an empty list
//     (it clears the live one);
//   - the keys of described kinds (package kinds: domains, backups,
//     destinations, ...), decoded from their descriptions (objects.go):
//     each item of a list gets its own Meta (Pos is the item's position,
//     Keys its keys, Unknown keyed by the item's own field names), and
//     messages name it by its 0-based index: "domains[1].port: ...".
//
// YAML features: anchors, aliases and merge keys (<<: *base, <<: [*a, *b];
// explicit keys win over merged ones, earlier merges over later ones), and
// the standard !!str/!!int/... tags. Other tags are an error. Top-level
// keys starting with "x-" are ignored, as in docker compose: a place to
// define anchors (x-db: &db {dockerImage: postgres:16}).

// maxNodes bounds the work done for one file, so that aliases nested in
// aliases ("billion laughs") cannot make loading explode.
const maxNodes = 200_000

// envKeyRE is what an env key may look like (inline env and env files).
var envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

var (
	stringListType = reflect.TypeOf(StringList(nil))
	envMapType     = reflect.TypeOf(map[string]string(nil))
	memoryType     = reflect.TypeOf(Memory(0))
	cpuType        = reflect.TypeOf(CPU(0))
	metaType       = reflect.TypeOf(Meta{})
	sourceType     = reflect.TypeOf(Source{})
	fileType       = reflect.TypeOf(File{})
	appType        = reflect.TypeOf(Application{})
	composeType    = reflect.TypeOf(Compose{})
	contextType    = reflect.TypeOf(Context{})
)

// refFieldNames are the fields of applications and compose services whose
// values may hold ${ref:...} references (see refs.go).
var refFieldNames = map[string]bool{"env": true, "buildArgs": true, "buildSecrets": true, "command": true}

// resourceKinds are the types that are resources with an address, and the
// kind word that goes into the address ("" for projects and environments).
var resourceKinds = map[reflect.Type]string{
	reflect.TypeOf(Project{}):     "",
	reflect.TypeOf(Environment{}): "",
	reflect.TypeOf(Application{}): "application",
	reflect.TypeOf(Postgres{}):    "postgres",
	reflect.TypeOf(MySQL{}):       "mysql",
	reflect.TypeOf(MariaDB{}):     "mariadb",
	reflect.TypeOf(Mongo{}):       "mongo",
	reflect.TypeOf(Redis{}):       "redis",
	reflect.TypeOf(LibSQL{}):      "libsql",
	reflect.TypeOf(Compose{}):     "compose",
}

// keyHints add advice to an unknown key that is a known mistake.
var keyHints = map[reflect.Type]map[string]string{
	reflect.TypeOf(File{}): {
		"servers": `remote servers are set up in Dokploy (Settings, Remote servers); a service names the one it runs on with server: NAME`,
		"apiKey":  literalKeyTop,
		"url":     `the panel's URL goes into a context: contexts: {production: {url: https://..., apiKeyEnv: PROD_DOKPLOY_KEY}}, or --url / DOKPLOY_URL`,
	},
	reflect.TypeOf(Application{}): {
		"image":       `the image goes under source: {docker: {image: ...}}`,
		"dockerImage": `an application's image goes under source: {docker: {image: ...}}`,
		"serviceName": `serviceName belongs to a domain of a compose service`,
	},
	contextType: {
		"apiKey":   literalKey,
		"key":      literalKey,
		"token":    literalKey,
		"apiToken": literalKey,
	},
	reflect.TypeOf(Compose{}): {
		"image":       `a compose service's images are in its compose file (composeFile)`,
		"dockerImage": `a compose service's images are in its compose file (composeFile)`,
		"ports":       `publish ports in the compose file, or route a domain to the service (domains)`,
		"replicas":    `set replicas in the compose file (deploy.replicas)`,
	},
}

type decoder struct {
	diagList
	file string // name used in positions
	// tokenFile names the file of the tokens of a spec's second and later
	// files (merge.go); the others are in file.
	tokenFile map[*token.Token]string
	max       int // the largest file parsed (Options.MaxSize)
	// keepTree keeps the merged tree in File, for Render.
	keepTree bool
	// secretNodes are the values of secret fields, and of env keys whose
	// names say they are secret (for Render; nil unless keepTree).
	secretNodes map[ast.Node]bool
	// outside lets the spec read files outside its directory
	// (Options.AllowOutsideFiles).
	outside bool
	lookup  func(string) (string, bool)
	// setVars are the names of the variables that are set (--var-file and
	// process environment), for the did-you-mean of an unset one.
	setVars func() []string
	aliases map[*ast.AliasNode]ast.Node

	nodes     int  // nodes visited, bounded by maxNodes
	exhausted bool // maxNodes was reached (reported once)

	warnedVars map[string]bool // unset variables already warned about
	// usedVars are the set variables the spec uses: true for those a
	// secret field uses.
	usedVars map[string]bool
	unset    map[string]bool
	// listItems says, for each envFile entry, where it is and whether it
	// uses an unset variable (env.go reads the files).
	listItems map[*StringList][]listItem
	// refPos is where each value holding a ${ref:...} is, keyed by
	// refKey(address, field); Validate checks the references.
	refPos map[string]Position
	// failed holds, per Meta, the keys whose values could not be decoded
	// (and were reported): Validate does not check them again.
	failed map[*Meta]map[string]bool
	// itemIdx is the index in the file of each list item that was decoded
	// (items that are not mappings are left out of the list).
	itemIdx map[*Meta]int
}

type listItem struct {
	pos     Position
	unknown bool
}

// ctx says where in the file and in the object tree a value is.
type ctx struct {
	addr  string // address of the resource the value belongs to
	field path   // path of the value inside that resource, for messages: "source.docker.image", "domains[1].port"
	// key is the path of the value inside meta, for Meta.Unknown: the same
	// as field in a resource, "port" in the item domains[1].
	key  path
	meta *Meta    // the Meta of the resource or list item, for Unknown; nil outside resources
	pos  Position // position of the key the value belongs to
	kind string   // the resource's kind word: "application", "compose", "postgres", ...
	// refsOK says that the value may hold ${ref:...} references.
	refsOK bool
}

func (c ctx) child(name string, pos Position) ctx {
	c.field = c.field.child(name)
	c.key = c.key.child(name)
	c.pos = pos
	return c
}

// path is a dotted path (joinField) whose last name is joined only when
// the path is read: most values (the keys of an env, say) are decoded
// without their paths being needed, in a message or a record.
type path struct{ parent, name string }

// String is the path: "source.docker.image".
func (p path) String() string { return joinField(p.parent, p.name) }

func (p path) child(name string) path { return path{p.String(), name} }

func joinField(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// fieldErr reports an error about the value at c, prefixed with its field path.
func (d *decoder) fieldErr(pos Position, c ctx, msg string) {
	d.errorf(pos, c.addr, "%s", fieldMsg(c.field.String(), msg))
}

// fieldWarn reports a warning about the value at c.
func (d *decoder) fieldWarn(pos Position, c ctx, msg string) {
	d.warnf(pos, c.addr, "%s", fieldMsg(c.field.String(), msg))
}

// ---- fields of a struct type ----

type fieldInfo struct {
	name     string // yaml key
	index    []int  // for reflect.Value.FieldByIndex
	typ      reflect.Type
	required bool
	nullable bool
	secret   bool
	literal  bool // read as written: no ${VAR}s (the fields of a context)
}

var fieldCache sync.Map // reflect.Type -> []fieldInfo

// fieldsOf lists the keys a struct type accepts, in declaration order.
func fieldsOf(t reflect.Type) []fieldInfo {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]fieldInfo)
	}
	var out []fieldInfo
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
			if name == "-" || !sf.IsExported() {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			if opts == "inline" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			if name == "" {
				continue
			}
			fi := fieldInfo{name: name, index: idx, typ: sf.Type}
			for _, o := range strings.Split(sf.Tag.Get("spec"), ",") {
				switch o {
				case "required":
					fi.required = true
				case "nullable":
					fi.nullable = true
				case "secret":
					fi.secret = true
				case "literal":
					fi.literal = true
				}
			}
			out = append(out, fi)
		}
	}
	walk(t, nil)
	fieldCache.Store(t, out)
	return out
}

// metaOf returns the Meta of a struct value (promoted from an embedded
// struct too), or nil.
func metaOf(v reflect.Value) *Meta {
	f := structField(v, "Meta")
	if !f.IsValid() || f.Type() != metaType || !f.CanAddr() {
		return nil
	}
	return f.Addr().Interface().(*Meta)
}

// structField is v.FieldByName(name), the field's index looked up once per
// type (FieldByName allocates at each call).
func structField(v reflect.Value, name string) reflect.Value {
	key := namedField{v.Type(), name}
	idx, ok := namedFields.Load(key)
	if !ok {
		var index []int
		if sf, found := v.Type().FieldByName(name); found {
			index = sf.Index
		}
		idx, _ = namedFields.LoadOrStore(key, index)
	}
	if idx.([]int) == nil {
		return reflect.Value{}
	}
	return v.FieldByIndex(idx.([]int))
}

type namedField struct {
	t    reflect.Type
	name string
}

var namedFields sync.Map // namedField -> []int, nil for none

// ---- positions and node helpers ----

func (d *decoder) posOf(n ast.Node) Position {
	p := Position{File: d.file}
	switch x := n.(type) {
	case nil:
		return p
	case *ast.DocumentNode:
		return d.posOf(x.Body)
	case *ast.MappingNode:
		// A block mapping's token is the first ":"; point at its first key.
		if !x.IsFlowStyle && len(x.Values) > 0 {
			return d.posOf(x.Values[0])
		}
	case *ast.MappingValueNode:
		return d.posOf(x.Key)
	case *ast.AnchorNode:
		return d.posOf(x.Value)
	case *ast.MappingKeyNode:
		if x.Value != nil {
			return d.posOf(x.Value)
		}
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		p.Line, p.Col = tk.Position.Line, tk.Position.Column
		if f, ok := d.tokenFile[tk]; ok {
			p.File = f
		}
	}
	return p
}

// describe says what a node is, for "got ..." in messages. Strings are
// quoted and cut short; never use it on a secret's value.
func describe(n ast.Node) string {
	switch x := n.(type) {
	case nil, *ast.NullNode:
		return "null"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode:
		return quoteShort(x.Value)
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return x.GetToken().Value
	}
	return "a " + strings.ToLower(strings.TrimSuffix(n.Type().String(), "Type"))
}

// quoteShort quotes s for a message, cutting it at 40 characters.
func quoteShort(s string) string { return kinds.Quote(s) }

// varHint explains why ${VAR} did not help in a field that is not a string.
func varHint(n ast.Node) string {
	if s, ok := n.(*ast.StringNode); ok && strings.Contains(s.Value, "${") {
		return " (${VAR} is replaced only in string values)"
	}
	return ""
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok || n == nil
}

// standardTags are the YAML tags the decoder accepts (and otherwise ignores,
// except !!str, which makes a scalar a string).
var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true,
	"!!map": true, "!!seq": true, "!!timestamp": true,
}

// resolve follows anchors, aliases and tags to the node that holds the
// value. tag is the last standard tag seen. ok is false (and an error is
// reported) for an unknown alias or tag.
func (d *decoder) resolve(n ast.Node, c ctx) (_ ast.Node, tag string, ok bool) {
	for i := 0; i < 1000; i++ {
		switch x := n.(type) {
		case *ast.AnchorNode:
			n = x.Value
		case *ast.AliasNode:
			t, found := d.aliases[x]
			if !found {
				d.fieldErr(d.posOf(x), c, "alias *"+aliasName(x)+" refers to no anchor defined before it")
				return nil, "", false
			}
			n = t
		case *ast.TagNode:
			tg := ""
			if x.Start != nil {
				tg = x.Start.Value
			}
			if !standardTags[tg] {
				d.fieldErr(d.posOf(x), c, "unsupported YAML tag "+strconv.Quote(tg))
				return nil, "", false
			}
			tag = tg
			n = x.Value
		default:
			return n, tag, true
		}
	}
	d.fieldErr(d.posOf(n), c, "aliases nested too deeply")
	return nil, "", false
}

func aliasName(x *ast.AliasNode) string {
	if x.Value != nil && x.Value.GetToken() != nil {
		return x.Value.GetToken().Value
	}
	return ""
}

// collectAnchors records, for every alias, the anchored node it refers to:
// the closest anchor of that name before it in the document. An anchor is
// registered after its own content, so an alias can never refer to a node
// that contains it.
func collectAnchors(n ast.Node, anchors map[string]ast.Node, aliases map[*ast.AliasNode]ast.Node) {
	switch x := n.(type) {
	case *ast.DocumentNode:
		collectAnchors(x.Body, anchors, aliases)
	case *ast.MappingNode:
		for _, mv := range x.Values {
			collectAnchors(mv, anchors, aliases)
		}
	case *ast.MappingValueNode:
		collectAnchors(x.Key, anchors, aliases)
		collectAnchors(x.Value, anchors, aliases)
	case *ast.MappingKeyNode:
		collectAnchors(x.Value, anchors, aliases)
	case *ast.SequenceNode:
		for _, v := range x.Values {
			collectAnchors(v, anchors, aliases)
		}
	case *ast.TagNode:
		collectAnchors(x.Value, anchors, aliases)
	case *ast.AnchorNode:
		collectAnchors(x.Value, anchors, aliases)
		if x.Name != nil && x.Name.GetToken() != nil {
			anchors[x.Name.GetToken().Value] = x.Value
		}
	case *ast.AliasNode:
		if t, ok := anchors[aliasName(x)]; ok {
			aliases[x] = t
		}
	}
}

// spend counts one visited node; false once the budget is gone.
func (d *decoder) spend(pos Position) bool {
	d.nodes++
	if d.nodes <= maxNodes {
		return true
	}
	if !d.exhausted {
		d.exhausted = true
		d.errorf(pos, "", "the document is too large once its aliases are expanded (over %d values)", maxNodes)
	}
	return false
}

// ---- mappings ----

type entry struct {
	key    string
	keyPos Position
	valPos Position
	value  ast.Node
	mv     *ast.MappingValueNode // the node of the entry
}

// mapping returns the entries of a resolved mapping node (merge keys
// expanded). A null is an empty mapping. Anything else is an error.
func (d *decoder) mapping(n ast.Node, pos Position, c ctx) ([]entry, bool) {
	switch n.(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.MappingNode, *ast.MappingValueNode:
		return d.entries(n, c, 0), true
	}
	d.fieldErr(pos, c, "must be a mapping, got "+describe(n))
	return nil, false
}

func (d *decoder) entries(n ast.Node, c ctx, depth int) []entry {
	var values []*ast.MappingValueNode
	var one [1]*ast.MappingValueNode
	switch x := n.(type) {
	case *ast.MappingNode:
		values = x.Values
	case *ast.MappingValueNode:
		one[0] = x
		values = one[:]
	}
	var explicit []entry
	if len(values) > 0 {
		explicit = make([]entry, 0, len(values))
	}
	var merges []*ast.MappingValueNode
	for _, mv := range values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			merges = append(merges, mv)
			continue
		}
		key, ok := d.keyString(mv.Key)
		if !ok {
			d.fieldErr(d.posOf(mv.Key), c, "a key must be a plain string, got "+describe(mv.Key))
			continue
		}
		explicit = append(explicit, entry{key: key, keyPos: d.posOf(mv.Key), valPos: d.posOf(mv.Value), value: mv.Value, mv: mv})
	}
	if len(merges) == 0 {
		return explicit
	}
	have := make(map[string]bool, len(explicit))
	for _, e := range explicit {
		have[e.key] = true
	}
	var merged []entry
	for _, mv := range merges {
		if depth > 50 {
			d.fieldErr(d.posOf(mv.Key), c, "merge keys (<<) nested too deeply")
			break
		}
		rv, _, ok := d.resolve(mv.Value, c)
		if !ok {
			continue
		}
		var sources []ast.Node
		switch x := rv.(type) {
		case *ast.MappingNode, *ast.MappingValueNode:
			sources = []ast.Node{x}
		case *ast.SequenceNode:
			for _, item := range x.Values {
				ri, _, ok := d.resolve(item, c)
				if !ok {
					continue
				}
				switch ri.(type) {
				case *ast.MappingNode, *ast.MappingValueNode:
					sources = append(sources, ri)
				default:
					d.fieldErr(d.posOf(item), c, "<<: must be a mapping or a list of mappings, got a list with "+describe(ri))
				}
			}
		default:
			d.fieldErr(d.posOf(mv.Value), c, "<<: must be a mapping or a list of mappings, got "+describe(rv))
		}
		for _, src := range sources {
			// Merges of merges can grow exponentially: count them.
			if !d.spend(d.posOf(src)) {
				return append(merged, explicit...)
			}
			for _, e := range d.entries(src, c, depth+1) {
				if !have[e.key] {
					have[e.key] = true
					merged = append(merged, e)
				}
			}
		}
	}
	return append(merged, explicit...)
}

// keyString returns a scalar key as text (numbers and booleans as written).
func (d *decoder) keyString(k ast.Node) (string, bool) {
	switch x := k.(type) {
	case *ast.StringNode:
		return x.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
		if tk := x.GetToken(); tk != nil {
			return tk.Value, true
		}
	case *ast.TagNode:
		return d.keyString(x.Value)
	case *ast.AnchorNode:
		return d.keyString(x.Value)
	case *ast.MappingKeyNode:
		return d.keyString(x.Value)
	case *ast.AliasNode:
		if t, ok := d.aliases[x]; ok {
			return d.keyString(t)
		}
	}
	return "", false
}

// ---- values ----

// value decodes the YAML node n into v (settable). It reports whether v was
// set; on false the problem has been reported and v is left as it was.
func (d *decoder) value(n ast.Node, v reflect.Value, c ctx, fi fieldInfo) bool {
	pos := d.posOf(n)
	if !d.spend(pos) {
		return false
	}
	rn, tag, ok := d.resolve(n, c)
	if !ok {
		return false
	}
	return d.resolved(rn, tag, pos, v, c, fi)
}

func (d *decoder) resolved(n ast.Node, tag string, pos Position, v reflect.Value, c ctx, fi fieldInfo) bool {
	t := v.Type()
	switch t {
	case stringListType:
		return d.stringList(n, tag, pos, v, c)
	case envMapType:
		return d.envMap(n, pos, v, c, fi)
	case memoryType:
		m, err := memoryFromNode(n)
		if err != nil {
			d.fieldErr(pos, c, err.Error()+varHint(n))
			return false
		}
		v.SetInt(int64(m))
		return true
	case durationType:
		dur, err := durationFromNode(n)
		if err != nil {
			d.fieldErr(pos, c, err.Error()+varHint(n))
			return false
		}
		v.SetInt(int64(dur))
		return true
	case cpuType:
		cpu, err := cpuFromNode(n)
		if err != nil {
			d.fieldErr(pos, c, err.Error()+varHint(n))
			return false
		}
		v.SetInt(int64(cpu))
		return true
	}
	switch t.Kind() {
	case reflect.Pointer:
		if isNull(n) && tag != "!!str" {
			if fi.nullable {
				v.Set(reflect.Zero(t))
				return true
			}
			d.fieldErr(pos, c, "must be "+expected(t.Elem())+", got null (leave the key out to keep the live value)")
			return false
		}
		nv := reflect.New(t.Elem())
		if !d.resolved(n, tag, pos, nv.Elem(), c, fi) {
			return false
		}
		v.Set(nv)
		return true
	case reflect.String:
		s, _, ok := d.str(n, tag, pos, c, fi)
		if !ok {
			return false
		}
		if fi.required && s == "" {
			d.fieldErr(pos, c, "must not be empty")
			return false
		}
		v.SetString(s)
		return true
	case reflect.Int:
		x, isInt := n.(*ast.IntegerNode)
		if !isInt {
			d.fieldErr(pos, c, "must be an integer, got "+describe(n)+varHint(n))
			return false
		}
		i, ok := intValue(x)
		if !ok || int64(int(i)) != i {
			d.fieldErr(pos, c, "must be an integer, got "+describe(n)+" (out of range)")
			return false
		}
		v.SetInt(i)
		return true
	case reflect.Float64:
		var x float64
		switch num := n.(type) {
		case *ast.IntegerNode:
			i, ok := intValue(num)
			x = float64(i)
			if !ok {
				d.fieldErr(pos, c, "must be a number, got "+describe(n)+" (out of range)")
				return false
			}
		case *ast.FloatNode:
			x = num.Value
		default:
			d.fieldErr(pos, c, "must be a number, got "+describe(n)+varHint(n))
			return false
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			d.fieldErr(pos, c, "must be a number, got "+describe(n))
			return false
		}
		v.SetFloat(x)
		return true
	case reflect.Bool:
		b, isBool := n.(*ast.BoolNode)
		if !isBool {
			d.fieldErr(pos, c, "must be true or false, got "+describe(n)+varHint(n))
			return false
		}
		v.SetBool(b.Value)
		return true
	case reflect.Struct:
		_, ok := d.structValue(n, pos, v, c)
		return ok
	case reflect.Map:
		return d.resourceMap(n, pos, v, c)
	case reflect.Slice:
		return d.list(n, tag, pos, v, c)
	}
	panic("spec: the decoder does not handle " + t.String())
}

// expected names what a type takes, for "must be ..." messages.
func expected(t reflect.Type) string {
	switch t {
	case memoryType:
		return "a size like 512Mi or 1Gi"
	case cpuType:
		return "a number of CPUs like 0.5"
	case durationType:
		return "a duration like 30s"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	}
	return "a mapping"
}

// str decodes a string field: strings are interpolated, numbers and
// booleans are kept as written.
//
// unknown is true when the value uses a ${VAR} that is not set (the value
// is then the raw text).
func (d *decoder) str(n ast.Node, tag string, pos Position, c ctx, fi fieldInfo) (s string, unknown, ok bool) {
	if d.secretNodes != nil && fi.secret {
		d.secretNodes[n] = true // Render masks it unless it is a ${VAR}
	}
	switch x := n.(type) {
	case *ast.StringNode:
		return d.interp(x.Value, pos, c, fi)
	case *ast.LiteralNode:
		if x.Value == nil {
			return "", false, true
		}
		return d.interp(x.Value.Value, pos, c, fi)
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode, *ast.NullNode:
		if _, null := x.(*ast.NullNode); null && tag != "!!str" {
			break
		}
		s := x.GetToken().Value
		if fi.secret {
			d.fieldWarn(pos, c, literalSecret)
		}
		return s, false, true
	}
	d.fieldErr(pos, c, "must be a string, got "+describe(n))
	return "", false, false
}

const literalSecret = "the secret is written in the file; use ${VAR} and set VAR in the environment or a --var-file, so that it stays out of git"

// interp interpolates raw (interpolate.go) and records what it finds.
func (d *decoder) interp(raw string, pos Position, c ctx, fi fieldInfo) (s string, unknown, ok bool) {
	if fi.literal {
		if strings.Contains(raw, "${") {
			d.fieldErr(pos, c, "is read as written, without ${VAR}s: a variable here would put its value (perhaps the key) where the name or the path goes; write the name of the variable (apiKeyEnv: PROD_DOKPLOY_KEY), a path (~/ is your home) or the URL itself")
			return "", false, false
		}
		return raw, false, true
	}
	r := interpolate(raw, d.lookup)
	for _, e := range r.errs {
		d.fieldErr(pos, c, e)
	}
	if len(r.errs) > 0 {
		return "", false, false
	}
	hasRefs, ok := d.refs(r.value, pos, c)
	if !ok {
		return "", false, false
	}
	if fi.secret && !r.vars && !hasRefs && raw != "" {
		d.fieldWarn(pos, c, literalSecret)
	}
	for _, name := range r.set {
		if d.usedVars == nil {
			d.usedVars = map[string]bool{}
		}
		d.usedVars[name] = d.usedVars[name] || fi.secret
	}
	if len(r.unset) > 0 && c.meta != nil {
		if c.meta.Unknown == nil {
			c.meta.Unknown = map[string]string{}
		}
		if _, dup := c.meta.Unknown[c.key.String()]; !dup {
			c.meta.Unknown[c.key.String()] = r.unset[0]
		}
	}
	for _, name := range r.unset {
		d.unset[name] = true
		if !d.warnedVars[name] {
			d.warnedVars[name] = true
			d.fieldWarn(pos, c, "${"+name+"} is not set"+d.varHint(name)+"; fields that use it are shown as unknown")
		}
	}
	return r.value, len(r.unset) > 0, true
}

// varHint suggests the set variables whose names are near an unset one's:
// ` (did you mean ${DB_PASSWORD}?)`, or "". Names only, never values.
func (d *decoder) varHint(name string) string {
	if d.setVars == nil {
		return ""
	}
	near := Closest(name, d.setVars())
	if len(near) == 0 {
		return ""
	}
	for i, n := range near {
		near[i] = "${" + n + "}"
	}
	return " (did you mean " + orList(near) + "?)"
}

// refs checks the ${ref:...} references in an interpolated value: they are
// allowed only where c.refsOK, and must be well formed. Whether their
// targets exist is checked by Validate, once the whole file is read; the
// value's position is recorded for it. ok is false when the value must be
// dropped.
func (d *decoder) refs(value string, pos Position, c ctx) (has, ok bool) {
	if !HasRef(value) {
		return false, true
	}
	refs, err := FindRefs(value)
	if len(refs) == 0 && err == nil {
		return false, true // "${ref:" without its "}": plain text
	}
	if !c.refsOK {
		raw := refPattern.FindString(value)
		msg := raw + ": " + refsNotHere
		if contains(DatabaseKinds, c.kind) {
			msg += "; a database cannot use references, so that references never form a cycle"
		}
		d.fieldErr(pos, c, msg)
		return true, false
	}
	if err != nil {
		d.fieldErr(pos, c, err.Error())
		return true, false
	}
	d.refPos[refKey(c.addr, c.field.String())] = pos
	return true, true
}

// refsNotHere is the error for a reference where none is allowed.
const refsNotHere = "references are allowed only in env, buildArgs, buildSecrets and command of applications, and in env and command of compose services"

func refKey(addr, field string) string { return addr + "\x00" + field }

// structValue decodes a mapping into a struct and returns the keys it set.
// A null is an empty mapping (an empty environment, say).
func (d *decoder) structValue(n ast.Node, pos Position, v reflect.Value, c ctx) (map[string]Position, bool) {
	t := v.Type()
	meta := metaOf(v)
	if _, isResource := resourceKinds[t]; isResource {
		c.meta, c.field, c.key = meta, path{}, path{}
	}
	entries, ok := d.mapping(n, pos, c)
	if !ok {
		return nil, false
	}
	fields := fieldsOf(t)
	keys := make(map[string]Position, len(entries))
	var suggested map[string]bool // known keys offered for a misspelt one
	for _, e := range entries {
		fi, found := findField(fields, e.key)
		if !found && t == fileType && strings.HasPrefix(e.key, "x-") {
			continue // extension keys, a place for YAML anchors
		}
		if !found {
			if objs := objectsOf(v); objs != nil && d.described(e, parentOf(t), objs, c) {
				keys[e.key] = e.valPos
				continue
			}
			if suggested == nil {
				suggested = map[string]bool{}
			}
			suggested[d.unknownField(e, fields, t, c)] = true
			if t == contextType && keyHints[t][e.key] != "" && meta != nil {
				d.markFailed(meta, "apiKey") // a key written in: its source is not missing too
			}
			continue
		}
		keys[e.key] = e.valPos
		fc := c.child(e.key, e.keyPos)
		fc.refsOK = (t == appType || t == composeType) && refFieldNames[e.key]
		if !d.value(e.value, v.FieldByIndex(fi.index), fc, fi) && meta != nil {
			d.markFailed(meta, e.key)
		}
	}
	// A resource that only says protect: true is a hands-off entry: it
	// needs none of the required fields.
	_, protect := keys["protect"]
	handsOff := meta != nil && protect && len(keys) == 1
	for _, fi := range fields {
		// A missing key that a misspelt one was taken for is not reported
		// twice.
		if _, ok := keys[fi.name]; fi.required && !ok && !suggested[fi.name] && !handsOff {
			msg := "required field is missing"
			if t == fileType && fi.name == "apiVersion" {
				msg += `; add "apiVersion: ` + APIVersion + `" at the top`
			}
			d.errorf(c.pos, c.addr, "%s", fieldMsg(joinField(c.field.String(), fi.name), msg))
		}
	}
	if t == sourceType {
		d.oneOf(keys, fields, pos, c)
	}
	if meta != nil {
		meta.Pos = c.pos
		meta.Keys = keys
	}
	return keys, true
}

// markFailed notes that the value of key could not be decoded (and was
// reported): Validate does not check it again.
func (d *decoder) markFailed(meta *Meta, key string) {
	if d.failed[meta] == nil {
		d.failed[meta] = map[string]bool{}
	}
	d.failed[meta][key] = true
}

// oneOf checks that exactly one member of a union (Source) is given. A
// compose service's source cannot be docker.
func (d *decoder) oneOf(keys map[string]Position, fields []fieldInfo, pos Position, c ctx) {
	var names, set []string
	dockerInCompose := false
	for _, f := range fields {
		p, ok := keys[f.name]
		if c.kind == "compose" && f.name == SourceDocker {
			if ok {
				d.fieldErr(p, c.child(f.name, p), "compose sources are git or a provider; a compose service has no docker image source")
				dockerInCompose = true
			}
			continue
		}
		names = append(names, f.name)
		if ok {
			set = append(set, f.name)
		}
	}
	if dockerInCompose && len(set) == 0 {
		return // the docker member was reported
	}
	switch {
	case len(set) == 0:
		d.fieldErr(pos, c, "must set one of: "+strings.Join(names, ", "))
	case len(set) > 1:
		d.fieldErr(pos, c, "must set only one of "+strings.Join(names, ", ")+", got "+strings.Join(set, " and "))
	}
}

func findField(fields []fieldInfo, key string) (fieldInfo, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// unknownField reports a key the type does not have, with the closest known
// key when one is near (edit distance 2 at most), or else the list of keys.
// It returns the suggested key, if any.
func (d *decoder) unknownField(e entry, fields []fieldInfo, t reflect.Type, c ctx) string {
	msg := "unknown field " + strconv.Quote(e.key)
	if hint, ok := keyHints[t][e.key]; ok {
		d.fieldErr(e.keyPos, c, msg+" ("+hint+")")
		return ""
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	names = withDescribed(names, parentOf(t))
	if s := Suggest(e.key, names); s != "" {
		d.fieldErr(e.keyPos, c, msg+" (did you mean "+strconv.Quote(s)+"?)")
		return s
	}
	d.fieldErr(e.keyPos, c, msg+"; expected one of: "+strings.Join(names, ", "))
	return ""
}

// resourceMap decodes a map of resources keyed by name (projects,
// environments, applications, postgres, ...). Each entry is a resource with
// its own address.
func (d *decoder) resourceMap(n ast.Node, pos Position, v reflect.Value, c ctx) bool {
	t := v.Type()
	elem := t.Elem()
	if elem.Kind() != reflect.Pointer || elem.Elem().Kind() != reflect.Struct {
		panic("spec: the decoder does not handle " + t.String())
	}
	kind, isResource := resourceKinds[elem.Elem()]
	isContext := elem.Elem() == contextType
	if !isResource && !isContext {
		panic("spec: map of non-resource type " + t.String())
	}
	entries, ok := d.mapping(n, pos, c)
	if !ok {
		return false
	}
	m := reflect.MakeMapWithSize(t, len(entries))
	for _, e := range entries {
		rc := ctx{addr: childAddress(c.addr, kind, e.key), pos: e.keyPos, kind: kind}
		if isContext {
			rc.addr = ContextAddress(e.key)
		}
		if !d.spend(e.keyPos) {
			return false
		}
		rn, _, ok := d.resolve(e.value, rc)
		if !ok {
			continue
		}
		p := reflect.New(elem.Elem())
		if _, ok := d.structValue(rn, e.valPos, p.Elem(), rc); !ok {
			// Keep the resource with what could be read: its Meta still
			// gives later checks a position.
			if meta := metaOf(p.Elem()); meta != nil && meta.Keys == nil {
				meta.Pos, meta.Keys = e.keyPos, map[string]Position{}
			}
		}
		m.SetMapIndex(reflect.ValueOf(e.key), p)
	}
	v.Set(m)
	return true
}

// childAddress builds "project/environment/kind/name" one level at a time.
func childAddress(parent, kind, name string) string {
	parts := make([]string, 0, 3)
	if parent != "" {
		parts = append(parts, parent)
	}
	if kind != "" {
		parts = append(parts, kind)
	}
	if name == "" {
		name = `""`
	}
	return strings.Join(append(parts, name), "/")
}

// stringList decodes a string or a list of strings (envFile). Null is an
// empty list.
func (d *decoder) stringList(n ast.Node, tag string, pos Position, v reflect.Value, c ctx) bool {
	type item struct {
		node ast.Node
		tag  string
		pos  Position
	}
	var items []item
	switch x := n.(type) {
	case nil, *ast.NullNode:
		return true
	case *ast.MappingNode, *ast.MappingValueNode:
		d.fieldErr(pos, c, "must be a string or a list of strings, got a mapping")
		return false
	case *ast.SequenceNode:
		ok := true
		for i, it := range x.Values {
			ipos := d.posOf(it)
			if !d.spend(ipos) {
				return false
			}
			ri, tag, rok := d.resolve(it, c)
			if !rok {
				ok = false
				continue
			}
			switch ri.(type) {
			case nil, *ast.NullNode, *ast.SequenceNode, *ast.MappingNode, *ast.MappingValueNode:
				if tag != "!!str" {
					d.fieldErr(ipos, c, "item "+strconv.Itoa(i+1)+" must be a string, got "+describe(ri))
					ok = false
					continue
				}
			}
			items = append(items, item{ri, tag, ipos})
		}
		if !ok {
			return false
		}
	default:
		items = []item{{n, tag, pos}}
	}
	list := make(StringList, 0, len(items))
	info := make([]listItem, 0, len(items))
	for _, it := range items {
		s, unknown, ok := d.str(it.node, it.tag, it.pos, c, fieldInfo{})
		if !ok {
			return false
		}
		list = append(list, s)
		info = append(info, listItem{pos: it.pos, unknown: unknown})
	}
	v.Set(reflect.ValueOf(list))
	d.listItems[v.Addr().Interface().(*StringList)] = info
	return true
}

// envMap decodes env: a mapping of variable names to scalar values.
// Numbers and booleans are kept as written (PORT: 8080 is "8080"). A null
// env is an empty, managed env ("clear it").
func (d *decoder) envMap(n ast.Node, pos Position, v reflect.Value, c ctx, fi fieldInfo) bool {
	entries, ok := d.mapping(n, pos, c)
	if !ok {
		return false
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		ec := c.child(e.key, e.valPos)
		if !envKeyRE.MatchString(e.key) {
			d.fieldErr(e.keyPos, c, invalidEnvKey(e.key))
			continue
		}
		if !d.spend(e.valPos) {
			return false
		}
		rn, tag, ok := d.resolve(e.value, ec)
		if !ok {
			continue
		}
		switch rn.(type) {
		case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
			d.fieldErr(e.valPos, ec, "must be a string, number or boolean, got "+describe(rn))
			continue
		case nil, *ast.NullNode:
			if tag != "!!str" {
				d.fieldErr(e.valPos, ec, `must be a string, number or boolean, got null (write "" for an empty value)`)
				continue
			}
		}
		if d.secretNodes != nil && IsSecretName(e.key) {
			d.secretNodes[rn] = true
		}
		s, _, ok := d.str(rn, tag, e.valPos, ec, fieldInfo{secret: fi.secret})
		if ok {
			m[e.key] = s
		}
	}
	v.Set(reflect.ValueOf(m))
	return true
}

// list decodes a []string. Null is an empty list (it clears the live
// one). Lists of items are described kinds (objects.go).
func (d *decoder) list(n ast.Node, tag string, pos Position, v reflect.Value, c ctx) bool {
	t := v.Type()
	if t.Elem().Kind() != reflect.String {
		panic("spec: the decoder does not handle " + t.String())
	}
	var values []ast.Node
	switch x := n.(type) {
	case nil, *ast.NullNode:
		if tag != "!!str" {
			v.Set(reflect.MakeSlice(t, 0, 0))
			return true
		}
	case *ast.SequenceNode:
		values = x.Values
	}
	if _, isSeq := n.(*ast.SequenceNode); !isSeq {
		got := describe(n)
		if tag == "!!str" && isNull(n) {
			got = `""`
		}
		d.fieldErr(pos, c, "must be a list of strings, got "+got)
		return false
	}
	out := reflect.MakeSlice(t, 0, len(values))
	ok := d.eachItem(values, c, func(_ int, ic ctx, ri ast.Node, itag string) {
		ipos := ic.pos
		// Unknown is recorded for the whole list (c.key): a list is
		// compared as a whole.
		switch ri.(type) {
		case nil, *ast.NullNode, *ast.SequenceNode, *ast.MappingNode, *ast.MappingValueNode:
			if itag != "!!str" {
				d.fieldErr(ipos, ic, "must be a string, got "+describe(ri))
				return
			}
		}
		s, _, ok := d.str(ri, itag, ipos, ic, fieldInfo{})
		if ok {
			out = reflect.Append(out, reflect.ValueOf(s))
		}
	})
	if !ok {
		return false
	}
	v.Set(out)
	return true
}

// eachItem resolves the items of a list and calls fn with each that
// resolves (its ctx names it list[i]); false when the node budget ran out.
func (d *decoder) eachItem(values []ast.Node, c ctx, fn func(i int, ic ctx, n ast.Node, tag string)) bool {
	for i, item := range values {
		ipos := d.posOf(item)
		if !d.spend(ipos) {
			return false
		}
		ic := c
		ic.field = path{name: c.field.String() + "[" + strconv.Itoa(i) + "]"}
		ic.pos = ipos
		if ri, tag, ok := d.resolve(item, ic); ok {
			fn(i, ic, ri, tag)
		}
	}
	return true
}

func invalidEnvKey(key string) string {
	return "invalid variable name " + quoteShort(key) + `: use letters, digits, "_", "." and "-", not starting with a digit`
}

// sortedSet returns the keys of a set, sorted.
func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// root is where the files the spec names may be read from.
func (d *decoder) root(dir string) fileRoot { return fileRoot{dir: dir, outside: d.outside} }
