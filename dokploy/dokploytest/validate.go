package dokploytest

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// This file is a small zod (v4) look-alike: enough of z.object parsing to
// give the same answers as Dokploy's input schemas. Unknown keys are
// stripped, absent keys are checked the way drizzle-zod builds them:
//
//   - optional: absent is fine (a default, if any, is filled in, which is how
//     zod 4 applies .default() even inside .partial(); see libsql.update);
//   - required: absent gives "expected <type>, received undefined";
//   - nonoptional (drizzle's nullable columns made required with
//     .required()): absent gives "expected nonoptional, received undefined",
//     null is accepted when the field is nullable.
//
// With coerce (the REST face, whose adapter sets coerce=true on every number
// and boolean of the schema), numbers take Number(v) and booleans Boolean(v),
// so "15432" is 15432, "false" is true and null is 0 or false. The tRPC face
// does not coerce.

type kind int

const (
	kString kind = iota
	kNumber
	kBool
	kEnum
	kStringArray
	kObject      // a JSON object (swarm settings); see field.shape and field.record
	kObjectArray // an array of JSON objects (swarm settings); see field.shape
	kAny         // any JSON value (z.any(): backup metadata)
)

var kindNames = map[kind]string{
	kString: "string", kNumber: "number", kBool: "boolean", kEnum: "string",
	kStringArray: "array", kObject: "object", kObjectArray: "array", kAny: "any",
}

type presence int

const (
	optional presence = iota
	required
	nonoptional
)

// field is one key of an input schema.
type field struct {
	name     string
	kind     kind
	presence presence
	nullable bool
	integer  bool
	min, max *float64 // number bounds
	minLen   int      // string length bounds; 0: none (of each item for a string array)
	minItems int      // array length lower bound; 0: none
	url      bool     // z.string().url()
	maxLen   int
	trim     bool           // zod .trim(): the string is trimmed before its checks
	pattern  *regexp.Regexp // of each item for a string array
	patSrc   string         // the JavaScript regex source, for the issue
	patMsg   string         // custom message; "" gives zod's default
	values   []string
	def      any
	hasDef   bool
	// Custom messages of the bounds (zod's .min(n, {message})); "" gives
	// zod's default. They apply to string lengths and number bounds alike.
	minMsg, maxMsg string
	refines        []refinement // zod .refine() checks, run with the others
	// pipe is a zod .transform() and whatever follows it: it runs only when
	// every check before it passed, and returns the output value.
	pipe func(v any, path []any) (any, []issue)
	// shape is the z.object of a kObject value or of each item of a
	// kObjectArray; nil accepts any object.
	shape *shape
	// record makes a kObject a z.record(z.string(), z.string()).
	record bool
	// exact turns off the REST face's coercion of a number or boolean:
	// trpc-openapi's coerceSchema does not reach inside the ZodNonOptional
	// that .required() wraps around a key (capture 498: server.create's
	// port "22" is "expected number, received string").
	exact bool
}

// shape is a nested z.object: its fields, and whether it is .strict() (an
// unknown key is an "unrecognized_keys" issue) or strips unknown keys.
type shape struct {
	fields schema
	strict bool
}

// refinement is one zod .refine(ok, message) check.
type refinement struct {
	ok  func(v any) bool
	msg string
}

// schema is a z.object: its fields in declaration order.
type schema []field

func text(name string) field    { return field{name: name, kind: kString} }
func num(name string) field     { return field{name: name, kind: kNumber} }
func boolean(name string) field { return field{name: name, kind: kBool} }
func enum(name string, values ...string) field {
	return field{name: name, kind: kEnum, values: values}
}
func strArr(name string) field   { return field{name: name, kind: kStringArray} }
func obj(name string) field      { return field{name: name, kind: kObject} }
func objArr(name string) field   { return field{name: name, kind: kObjectArray} }
func anyValue(name string) field { return field{name: name, kind: kAny} }

func (f field) req() field     { f.presence = required; return f }
func (f field) nonopt() field  { f.presence = nonoptional; return f }
func (f field) null() field    { f.nullable = true; return f }
func (f field) int() field     { f.integer = true; return f }
func (f field) min1() field    { f.minLen = 1; return f }
func (f field) trimmed() field { f.trim = true; return f }

// isURL marks a string that must parse as a URL (z.string().url()).
func (f field) isURL() field { f.url = true; return f }

// nonEmpty is zod's .min(1) on an array.
func (f field) nonEmpty() field { f.minItems = 1; return f }

func (f field) lenRange(min, max int) field {
	f.minLen, f.maxLen = min, max
	return f
}
func (f field) between(min, max float64) field {
	f.min, f.max = &min, &max
	return f
}
func (f field) dflt(v any) field { f.def, f.hasDef = v, true; return f }

// atLeast sets a lower bound only (zod's .min(n) on a number).
func (f field) atLeast(min float64) field { f.min = &min; return f }

// noCoerce marks a key wrapped by .required() (see field.exact).
func (f field) noCoerce() field { f.exact = true; return f }

// of gives a kObject or kObjectArray field the z.object of its values.
func (f field) of(fields schema, strict bool) field {
	f.shape = &shape{fields: fields, strict: strict}
	return f
}

// strMap makes a kObject field a record of strings.
func strMap(name string) field { return field{name: name, kind: kObject, record: true} }

// messages sets custom messages for the lower and upper bounds.
func (f field) messages(minMsg, maxMsg string) field {
	f.minMsg, f.maxMsg = minMsg, maxMsg
	return f
}

// refine adds a custom check; a failure is a "custom" issue with msg.
func (f field) refine(msg string, ok func(v any) bool) field {
	f.refines = append(append([]refinement{}, f.refines...), refinement{ok: ok, msg: msg})
	return f
}

// transform sets the field's pipe (see field.pipe).
func (f field) transform(fn func(v any, path []any) (any, []issue)) field {
	f.pipe = fn
	return f
}

// regex adds a pattern check; src is the JavaScript source of the pattern
// (it is also valid RE2 here), msg the custom message or "".
func (f field) regex(src, msg string) field {
	f.pattern = regexp.MustCompile(src)
	f.patSrc = "/" + src + "/"
	f.patMsg = msg
	return f
}

// issue is one zod issue: the issue-specific members in zod's key order,
// then path and message.
type issue struct {
	head    object
	path    []any
	message string
}

func (is issue) object() object {
	o := append(object{}, is.head...)
	return append(o, kv{"path", is.path}, kv{"message", is.message})
}

func issueList(issues []issue) []any {
	out := make([]any, len(issues))
	for i, is := range issues {
		out[i] = is.object()
	}
	return out
}

// jsType is zod's name for the type of a JSON value.
func jsType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case jsUndefined:
		return "undefined"
	case string:
		return "string"
	case float64:
		if math.IsNaN(v) {
			return "NaN"
		}
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	}
	return "object"
}

func typeIssue(path []any, expected, received string) issue {
	head := object{{"expected", expected}, {"code", "invalid_type"}}
	if received == "NaN" { // zod 4 names a NaN number (capture 542)
		head = append(head, kv{"received", "NaN"})
	}
	return issue{
		head:    head,
		path:    path,
		message: fmt.Sprintf("Invalid input: expected %s, received %s", expected, received),
	}
}

// customIssue is the issue of a failed .refine() or superRefine.
func customIssue(path []any, message string) issue {
	return issue{head: object{{"code", "custom"}}, path: path, message: message}
}

// parse validates input (present=false: undefined) against sc. It returns
// the parsed object, holding only the schema's keys, or the issues.
func (sc schema) parse(input any, present, coerce bool) (map[string]any, []issue) {
	in, ok := input.(map[string]any)
	if !present || !ok {
		received := "undefined"
		if present {
			received = jsType(input)
		}
		return nil, []issue{typeIssue([]any{}, "object", received)}
	}
	return sc.parseAt(in, []any{}, coerce)
}

// parseAt parses the object in found at path (the issues' path prefix).
func (sc schema) parseAt(in map[string]any, at []any, coerce bool) (map[string]any, []issue) {
	out := map[string]any{}
	var issues []issue
	for _, f := range sc {
		v, ok := in[f.name]
		path := append(append([]any{}, at...), f.name)
		coerce := coerce && !f.exact
		if !ok && coerce && f.presence == required && (f.kind == kNumber || f.kind == kBool) {
			// z.coerce.number()/boolean() see undefined too: Number(undefined)
			// is NaN (an error), Boolean(undefined) is false (no error: an
			// absent required boolean is false on REST).
			v, ok = undefinedValue, true
		}
		if !ok {
			switch {
			case f.hasDef:
				out[f.name] = cloneJSON(f.def)
			case f.presence == nonoptional:
				issues = append(issues, issue{
					head:    object{{"code", "invalid_type"}, {"expected", "nonoptional"}},
					path:    path,
					message: "Invalid input: expected nonoptional, received undefined",
				})
			case f.presence == required && f.kind == kEnum:
				issues = append(issues, enumIssue(path, f.values))
			case f.presence == required:
				issues = append(issues, typeIssue(path, kindNames[f.kind], "undefined"))
			}
			continue
		}
		val, fis := f.check(v, path, coerce)
		if len(fis) > 0 {
			issues = append(issues, fis...)
			continue
		}
		out[f.name] = val
	}
	if len(issues) > 0 {
		return nil, issues
	}
	return out, nil
}

func enumIssue(path []any, values []string) issue {
	quoted := make([]string, len(values))
	vals := make([]any, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
		vals[i] = v
	}
	msg := "Invalid option: expected one of " + strings.Join(quoted, "|")
	if len(values) == 1 { // zod's message for a single value
		msg = "Invalid input: expected " + quoted[0]
	}
	return issue{
		head:    object{{"code", "invalid_value"}, {"values", vals}},
		path:    path,
		message: msg,
	}
}

// check validates one present value: its type and bounds, then the
// refinements, then the pipe.
func (f field) check(v any, path []any, coerce bool) (any, []issue) {
	if v == nil && f.nullable {
		return nil, nil
	}
	out, issues := f.checkType(v, path, coerce)
	if typeFailed(issues) {
		return nil, issues
	}
	for _, r := range f.refines {
		if !r.ok(out) {
			issues = append(issues, customIssue(path, r.msg))
		}
	}
	if len(issues) > 0 || f.pipe == nil {
		return out, issues
	}
	return f.pipe(out, path)
}

// typeFailed reports whether issues hold a type issue, after which zod
// runs no further check of the value.
func typeFailed(issues []issue) bool {
	for _, is := range issues {
		if code, _ := is.head.get("code"); code == "invalid_type" || code == "invalid_value" {
			return true
		}
	}
	return false
}

// checkType validates the type and the bounds of one present value.
func (f field) checkType(v any, path []any, coerce bool) (any, []issue) {
	if coerce {
		switch f.kind {
		case kNumber:
			v = jsNumber(v)
		case kBool:
			v = jsBoolean(v)
		}
	}
	switch f.kind {
	case kString:
		s, ok := v.(string)
		if !ok {
			return nil, []issue{typeIssue(path, "string", jsType(v))}
		}
		if f.trim {
			s = jsTrim(s)
		}
		return s, f.checkString(s, path)
	case kNumber:
		n, ok := v.(float64)
		if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, []issue{typeIssue(path, "number", jsType(v))}
		}
		return n, f.checkNumber(n, path)
	case kBool:
		if _, ok := v.(bool); !ok {
			return nil, []issue{typeIssue(path, "boolean", jsType(v))}
		}
		return v, nil
	case kEnum:
		s, ok := v.(string)
		if !ok || !contains(f.values, s) {
			return nil, []issue{enumIssue(path, f.values)}
		}
		return s, nil
	case kStringArray:
		a, ok := v.([]any)
		if !ok {
			return nil, []issue{typeIssue(path, "array", jsType(v))}
		}
		var issues []issue
		for i, e := range a {
			ipath := append(append([]any{}, path...), float64(i))
			s, ok := e.(string)
			if !ok {
				issues = append(issues, typeIssue(ipath, "string", jsType(e)))
				continue
			}
			issues = append(issues, f.checkString(s, ipath)...)
		}
		if len(a) < f.minItems {
			issues = append(issues, issue{
				head:    object{{"origin", "array"}, {"code", "too_small"}, {"minimum", f.minItems}, {"inclusive", true}},
				path:    path,
				message: fmt.Sprintf("Too small: expected array to have >=%d items", f.minItems),
			})
		}
		return cloneJSON(a), issues
	case kAny:
		return cloneJSON(v), nil
	case kObject:
		return f.checkObject(v, path, coerce)
	case kObjectArray:
		a, ok := v.([]any)
		if !ok {
			return nil, []issue{typeIssue(path, "array", jsType(v))}
		}
		var issues []issue
		out := make([]any, len(a))
		for i, e := range a {
			var is []issue
			out[i], is = f.checkObject(e, append(append([]any{}, path...), float64(i)), coerce)
			issues = append(issues, is...)
		}
		return out, issues
	}
	return cloneJSON(v), nil
}

// checkObject validates one object: a record of strings, the field's
// shape, or any object.
func (f field) checkObject(v any, path []any, coerce bool) (any, []issue) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, []issue{typeIssue(path, "object", jsType(v))}
	}
	switch {
	case f.record:
		var issues []issue
		for _, k := range sortedMapKeys(m) {
			if _, ok := m[k].(string); !ok {
				issues = append(issues, typeIssue(append(append([]any{}, path...), k), "string", jsType(m[k])))
			}
		}
		return cloneJSON(m), issues
	case f.shape == nil:
		return cloneJSON(m), nil
	}
	out, issues := f.shape.fields.parseAt(m, path, coerce)
	if f.shape.strict {
		var unknown []string
		for _, k := range sortedMapKeys(m) {
			if !f.shape.fields.has(k) {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			issues = append(issues, unrecognizedKeys(path, unknown))
		}
	}
	return out, issues
}

// unrecognizedKeys is the issue of a strict object's unknown keys. The
// fake lists them sorted: a Go map does not keep the input's order.
func unrecognizedKeys(path []any, keys []string) issue {
	quoted := make([]string, len(keys))
	list := make([]any, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
		list[i] = k
	}
	msg := "Unrecognized key: "
	if len(keys) > 1 {
		msg = "Unrecognized keys: "
	}
	return issue{
		head:    object{{"code", "unrecognized_keys"}, {"keys", list}},
		path:    path,
		message: msg + strings.Join(quoted, ", "),
	}
}

// has reports whether sc has a key named name.
func (sc schema) has(name string) bool {
	for _, f := range sc {
		if f.name == name {
			return true
		}
	}
	return false
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (f field) checkString(s string, path []any) []issue {
	var issues []issue
	n := len(utf16.Encode([]rune(s)))
	if f.minLen > 0 && n < f.minLen {
		issues = append(issues, issue{
			head:    object{{"origin", "string"}, {"code", "too_small"}, {"minimum", f.minLen}, {"inclusive", true}},
			path:    path,
			message: orDefault(f.minMsg, fmt.Sprintf("Too small: expected string to have >=%d characters", f.minLen)),
		})
	}
	if f.maxLen > 0 && n > f.maxLen {
		issues = append(issues, issue{
			head:    object{{"origin", "string"}, {"code", "too_big"}, {"maximum", f.maxLen}, {"inclusive", true}},
			path:    path,
			message: orDefault(f.maxMsg, fmt.Sprintf("Too big: expected string to have <=%d characters", f.maxLen)),
		})
	}
	if f.url && !parsesAsURL(s) {
		issues = append(issues, issue{
			head:    object{{"code", "invalid_format"}, {"format", "url"}},
			path:    path,
			message: "Invalid URL",
		})
	}
	if f.pattern != nil && !f.pattern.MatchString(s) {
		msg := f.patMsg
		if msg == "" {
			msg = "Invalid string: must match pattern " + f.patSrc
		}
		issues = append(issues, issue{
			head:    object{{"origin", "string"}, {"code", "invalid_format"}, {"format", "regex"}, {"pattern", f.patSrc}},
			path:    path,
			message: msg,
		})
	}
	return issues
}

func (f field) checkNumber(n float64, path []any) []issue {
	if f.integer && n != math.Trunc(n) {
		return []issue{typeIssue(path, "int", "number")}
	}
	var issues []issue
	if f.min != nil && n < *f.min {
		issues = append(issues, issue{
			head:    object{{"origin", "number"}, {"code", "too_small"}, {"minimum", *f.min}, {"inclusive", true}},
			path:    path,
			message: orDefault(f.minMsg, fmt.Sprintf("Too small: expected number to be >=%v", *f.min)),
		})
	}
	if f.max != nil && n > *f.max {
		issues = append(issues, issue{
			head:    object{{"origin", "number"}, {"code", "too_big"}, {"maximum", *f.max}, {"inclusive", true}},
			path:    path,
			message: orDefault(f.maxMsg, fmt.Sprintf("Too big: expected number to be <=%v", *f.max)),
		})
	}
	return issues
}

// parsesAsURL approximates JavaScript's new URL(s): a scheme, and a host
// for the schemes that need one.
func parsesAsURL(s string) bool {
	u, err := url.Parse(jsTrim(s))
	if err != nil || !urlScheme.MatchString(u.Scheme) {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ws", "wss", "ftp":
		return u.Host != ""
	}
	return true
}

var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// orDefault returns msg, or def when msg is "".
func orDefault(msg, def string) string {
	if msg != "" {
		return msg
	}
	return def
}

// jsTrim is JavaScript's String.prototype.trim: white space and line
// terminators, including U+FEFF.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// jsUndefined marks JavaScript's undefined where a value is coerced.
type jsUndefined struct{}

var undefinedValue = jsUndefined{}

// jsNumber is JavaScript's Number(v).
func jsNumber(v any) any {
	switch v := v.(type) {
	case jsUndefined:
		return math.NaN()
	case nil:
		return 0.0
	case float64:
		return v
	case bool:
		if v {
			return 1.0
		}
		return 0.0
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return 0.0
		}
		if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
			if n, err := strconv.ParseUint(s[2:], 16, 64); err == nil {
				return float64(n)
			}
			return math.NaN()
		}
		if strings.ContainsAny(s, "_pP") || strings.HasPrefix(s, "+0x") || strings.HasPrefix(s, "-0x") {
			return math.NaN()
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.NaN()
		}
		return n
	case []any:
		switch len(v) {
		case 0:
			return 0.0
		case 1:
			return jsNumber(v[0])
		}
	}
	return math.NaN()
}

// jsBoolean is JavaScript's Boolean(v).
func jsBoolean(v any) any {
	switch v := v.(type) {
	case nil, jsUndefined:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// Patterns and messages shared by several schemas (Dokploy schema/utils.ts).
const (
	appNamePattern  = `^[a-zA-Z0-9._-]+$`
	passwordPattern = "^[a-zA-Z0-9@#%^&*()_+\\-=[\\]{}|;:,.<>?~`]*$"
	passwordMessage = `Password contains invalid characters. Please avoid: $ ! ' " \ / and space characters for database compatibility`
	branchPattern   = `^[a-zA-Z0-9._\-/#]+$`
)

// appNameField is the optional appName of every create (1-63 characters).
func appNameField() field {
	return text("appName").lenRange(1, 63).regex(appNamePattern, "")
}

func passwordField(name string) field {
	return text(name).regex(passwordPattern, passwordMessage)
}
