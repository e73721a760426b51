package dokploytest

import (
	"fmt"
	"math"
	"regexp"
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
	kObject      // a JSON object (swarm settings)
	kObjectArray // an array of JSON objects (swarm settings)
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
func (f field) lenRange(min, max int) field {
	f.minLen, f.maxLen = min, max
	return f
}
func (f field) between(min, max float64) field {
	f.min, f.max = &min, &max
	return f
}
func (f field) dflt(v any) field { f.def, f.hasDef = v, true; return f }

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
	return issue{
		head:    object{{"expected", expected}, {"code", "invalid_type"}},
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
	out := map[string]any{}
	var issues []issue
	for _, f := range sc {
		v, ok := in[f.name]
		path := []any{f.name}
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
		return cloneJSON(a), issues
	case kAny:
		return cloneJSON(v), nil
	case kObject:
		if _, ok := v.(map[string]any); !ok {
			return nil, []issue{typeIssue(path, "object", jsType(v))}
		}
		return cloneJSON(v), nil
	case kObjectArray:
		a, ok := v.([]any)
		if !ok {
			return nil, []issue{typeIssue(path, "array", jsType(v))}
		}
		var issues []issue
		for i, e := range a {
			if _, ok := e.(map[string]any); !ok {
				issues = append(issues, typeIssue(append(append([]any{}, path...), float64(i)), "object", jsType(e)))
			}
		}
		return cloneJSON(a), issues
	}
	return cloneJSON(v), nil
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
