package dokploy

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A service's .one answer is decoded into its typed struct by
// encoding/json, which validates all of it first. Its items and settings
// are then read from the same bytes by the scanner below rather than by
// json.Unmarshal again: it walks valid JSON only, and gives up (ok false)
// on anything it does not handle exactly as encoding/json does, for the
// caller to fall back to json.Unmarshal. Values it builds are the ones
// json.Unmarshal builds into an any: string, float64, bool, nil, []any,
// map[string]any.

// topValues calls fn with each key of the JSON object data and its raw
// value (a slice of data), in order; null is an object without keys. It
// reports false when data is neither or a key needs unescaping (fn may
// have been called for some keys).
func topValues(data []byte, fn func(key, raw []byte)) bool {
	i := skipSpace(data, 0)
	if hasLiteral(data, i, "null") {
		return skipSpace(data, i+4) == len(data)
	}
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return false
		}
		end, plain := stringEnd(data, i)
		if end < 0 || !plain {
			return false
		}
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		vend := valueEnd(data, i)
		if vend < 0 {
			return false
		}
		fn(key, data[i:vend])
		i = skipSpace(data, vend)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

func hasLiteral(data []byte, i int, lit string) bool {
	return i+len(lit) <= len(data) && string(data[i:i+len(lit)]) == lit
}

// stringEnd is the end (past the closing quote) of the string that begins
// at data[i], -1 when it has none; plain reports that it is its own text:
// no escapes, valid UTF-8.
func stringEnd(data []byte, i int) (end int, plain bool) {
	plain = true
	ascii := true
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			if !ascii && plain {
				plain = utf8.Valid(data[i+1 : j])
			}
			return j + 1, plain
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return -1, false
		case c >= 0x80:
			ascii = false
		}
	}
	return -1, false
}

// valueEnd is the end of the JSON value that begins at data[i], -1 when
// it is not one it can delimit.
func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch c := data[i]; {
	case c == '"':
		end, _ := stringEnd(data, i)
		return end
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			case '"':
				end, _ := stringEnd(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			}
		}
		return -1
	default: // a number or a literal
		j := i
		for j < len(data) && isScalarByte(data[j]) {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

func isScalarByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// parseAny is json.Unmarshal of raw into an any, for raw a valid JSON value.
func parseAny(raw []byte) (any, error) {
	p := scanner{data: raw}
	if v, ok := p.value(); ok && skipSpace(raw, p.i) == len(raw) {
		return v, nil
	}
	var v any
	err := json.Unmarshal(raw, &v)
	return v, err
}

// parseRows is json.Unmarshal of raw into []Row, for raw a valid JSON value.
func parseRows(raw []byte) ([]Row, error) {
	if rows, ok := scanRows(raw); ok {
		return rows, nil
	}
	var rows []Row
	err := json.Unmarshal(raw, &rows)
	return rows, err
}

func scanRows(raw []byte) ([]Row, bool) {
	p := scanner{data: raw}
	p.space()
	if hasLiteral(raw, p.i, "null") {
		p.i += 4
		return nil, skipSpace(raw, p.i) == len(raw)
	}
	if p.i >= len(raw) || raw[p.i] != '[' {
		return nil, false
	}
	v, ok := p.value()
	if !ok || skipSpace(raw, p.i) != len(raw) {
		return nil, false
	}
	list := v.([]any)
	rows := make([]Row, len(list))
	for i, x := range list {
		switch x := x.(type) {
		case map[string]any:
			rows[i] = x
		case nil:
		default:
			return nil, false // json.Unmarshal's error
		}
	}
	return rows, true
}

// scanner builds the any of a valid JSON value.
type scanner struct {
	data []byte
	i    int
}

func (p *scanner) space() { p.i = skipSpace(p.data, p.i) }

func (p *scanner) value() (any, bool) {
	p.space()
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; c {
	case '{':
		p.i++
		m := map[string]any{}
		p.space()
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.i++
			return m, true
		}
		for {
			p.space()
			key, ok := p.str()
			if !ok {
				return nil, false
			}
			p.space()
			if p.i >= len(p.data) || p.data[p.i] != ':' {
				return nil, false
			}
			p.i++
			v, ok := p.value()
			if !ok {
				return nil, false
			}
			m[key] = v
			if end, ok := p.next('}'); !ok {
				return nil, false
			} else if end {
				return m, true
			}
		}
	case '[':
		p.i++
		list := []any{}
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.i++
			return list, true
		}
		for {
			v, ok := p.value()
			if !ok {
				return nil, false
			}
			list = append(list, v)
			if end, ok := p.next(']'); !ok {
				return nil, false
			} else if end {
				return list, true
			}
		}
	case '"':
		return p.str()
	case 't':
		return true, p.literal("true")
	case 'f':
		return false, p.literal("false")
	case 'n':
		return nil, p.literal("null")
	default:
		end := valueEnd(p.data, p.i)
		if end < 0 {
			return nil, false
		}
		f, err := strconv.ParseFloat(string(p.data[p.i:end]), 64)
		if err != nil {
			return nil, false // out of range: json.Unmarshal's error
		}
		p.i = end
		return f, true
	}
}

// next reads what follows a member or an element: a comma (more follow)
// or close (the end).
func (p *scanner) next(close byte) (end, ok bool) {
	p.space()
	if p.i >= len(p.data) {
		return false, false
	}
	switch p.data[p.i] {
	case ',':
		p.i++
		return false, true
	case close:
		p.i++
		return true, true
	}
	return false, false
}

func (p *scanner) literal(lit string) bool {
	if !hasLiteral(p.data, p.i, lit) {
		return false
	}
	p.i += len(lit)
	return true
}

// str reads a string; one with escapes or invalid UTF-8 is unquoted by
// json.Unmarshal.
func (p *scanner) str() (string, bool) {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return "", false
	}
	end, plain := stringEnd(p.data, p.i)
	if end < 0 {
		return "", false
	}
	raw := p.data[p.i:end]
	p.i = end
	if plain {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// fieldNames are the JSON names of a struct's fields as encoding/json
// decodes them, in ASCII lower case: a key of an answer that is ASCII and
// not one of them, whatever its case, is none of the struct's.
type fieldNames map[string]bool

func fieldsOf(t reflect.Type) fieldNames {
	names := fieldNames{}
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() && !f.Anonymous || tag == "-" || f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		names[strings.ToLower(tag)] = true
	}
	return names
}

// may reports whether key may match a field (ASCII keys compare in lower
// case, as encoding/json folds them; any other is kept).
func (n fieldNames) may(key []byte) bool {
	var buf [64]byte
	if len(key) > len(buf) {
		return true
	}
	for i, c := range key {
		switch {
		case c >= 0x80:
			return true
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return n[string(buf[:len(key)])]
}

var typedBuffers = sync.Pool{New: func() any { return new([]byte) }}

// decodeService decodes data, the answer of a service, into typed (its
// struct less its UnmarshalJSON) by json.Unmarshal, and reads the values
// of the plan's keys, in one scan of data: json.Unmarshal only reads the
// keys that may be typed's fields (names), since it skips the others.
func decodeService(data []byte, typed any, names fieldNames, plan *readPlan) (rawKeys, error) {
	bp := typedBuffers.Get().(*[]byte)
	defer typedBuffers.Put(bp)
	b := append((*bp)[:0], '{')
	r := rawKeys{data: data, plan: plan, vals: make([]json.RawMessage, len(plan.keys))}
	ok := topValues(data, func(key, raw []byte) {
		r.set(key, raw)
		if names.may(key) {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, key...)
			b = append(b, '"', ':')
			b = append(b, raw...)
		}
	})
	b = append(b, '}')
	*bp = b
	if !ok {
		if err := json.Unmarshal(data, typed); err != nil {
			return r, err
		}
		return allKeys(data)
	}
	return r, json.Unmarshal(b, typed)
}
