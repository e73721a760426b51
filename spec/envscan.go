package spec

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Variables in env files that come out empty.
//
// godotenv v1.5.1 expands $VAR and ${VAR} (VAR of [A-Z0-9_]) in unquoted
// and double-quoted values from the keys defined earlier in the same file
// only; any other name, a variable of the process environment or of a
// --var-file included, becomes "" without a word. It also expands the
// name in $(VAR) (leaving the ")"), ${VAR without its "}", and $1. \$
// keeps a literal $, and single-quoted values are literal. scanEnv walks
// an env file the way godotenv's parser does (parser.go, ported step by
// step so that the values agree; a fuzz test compares them) and says
// where each such variable is, so that validate can warn.

// envRef is a variable of an env file value that godotenv expands to "".
type envRef struct {
	Key       string // the key whose value holds it
	Name      string // the variable, as godotenv reads it: DB_HOST
	Text      string // as written: $DB_HOST, ${DB_HOST}
	Line, Col int    // of its "$", 1-based; Col counts characters
}

var (
	envEscapeRE   = regexp.MustCompile(`\\.`)
	envExpandRE   = regexp.MustCompile(`(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?`)
	envUnescapeRE = regexp.MustCompile(`\\([^$])`)
)

// scanEnv parses src as godotenv.UnmarshalBytes does and returns the
// values and the variables that come out empty. err is not nil where
// godotenv fails (its message is not kept: it quotes the file).
func scanEnv(src []byte) (map[string]string, []envRef, error) {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	out := map[string]string{}
	var refs []envRef
	cut := src
	for {
		cut = envStatementStart(cut)
		if cut == nil {
			break
		}
		key, left, err := envKeyName(cut)
		if err != nil {
			return nil, nil, err
		}
		value, rest, found, err := envValue(src, left, out)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range found {
			r.Key = key
			refs = append(refs, r)
		}
		out[key] = value
		cut = rest
	}
	return out, refs, nil
}

func envStatementStart(src []byte) []byte {
	for {
		pos := bytes.IndexFunc(src, func(r rune) bool { return !unicode.IsSpace(r) })
		if pos == -1 {
			return nil
		}
		src = src[pos:]
		if src[0] != '#' {
			return src
		}
		pos = bytes.IndexByte(src, '\n')
		if pos == -1 {
			return nil
		}
		src = src[pos:]
	}
}

func envKeyName(src []byte) (string, []byte, error) {
	src = bytes.TrimLeftFunc(src, envIsSpace)
	if rest, ok := bytes.CutPrefix(src, []byte("export")); ok && bytes.IndexFunc(rest, envIsSpace) == 0 {
		src = bytes.TrimLeftFunc(rest, envIsSpace)
	}
	key, offset := "", 0
loop:
	for i, char := range src {
		r := rune(char)
		if envIsSpace(r) {
			continue
		}
		switch char {
		case '=', ':':
			key, offset = string(src[:i]), i+1
			break loop
		case '_':
		default:
			if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '.' {
				continue
			}
			return "", nil, errors.New("unexpected character in variable name")
		}
	}
	if len(src) == 0 {
		return "", nil, errors.New("zero length string")
	}
	key = strings.TrimRightFunc(key, unicode.IsSpace)
	return key, bytes.TrimLeftFunc(src[offset:], envIsSpace), nil
}

// envValue reads the value at the start of src (a suffix of all) and
// returns it, the rest, and the variables in it that come out empty.
func envValue(all, src []byte, vars map[string]string) (string, []byte, []envRef, error) {
	start := len(all) - len(src)
	if len(src) == 0 || src[0] != '"' && src[0] != '\'' {
		end := bytes.IndexFunc(src, func(r rune) bool { return r == '\n' || r == '\r' })
		if end == -1 {
			end = len(src)
			if end == 0 {
				return "", nil, nil, nil
			}
		}
		line := []rune(string(src[:end]))
		endOfVar := len(line)
		if endOfVar == 0 {
			return "", src[end:], nil, nil
		}
		for i := endOfVar - 1; i >= 0; i-- {
			if line[i] == '#' && i > 0 && envIsSpace(line[i-1]) {
				endOfVar = i
				break
			}
		}
		trimmed := strings.TrimFunc(string(line[:endOfVar]), envIsSpace)
		refs := envEmpty(all, start, src[:end], trimmed, vars)
		return envExpand(trimmed, vars), src[end:], refs, nil
	}
	quote := src[0]
	for i := 1; i < len(src); i++ {
		if src[i] != quote || src[i-1] == '\\' {
			continue
		}
		isQuote := func(r rune) bool { return r == rune(quote) }
		value := string(bytes.TrimLeftFunc(bytes.TrimRightFunc(src[:i], isQuote), isQuote))
		var refs []envRef
		if quote == '"' {
			value = envEscapes(value)
			refs = envEmpty(all, start, src[:i], value, vars)
			value = envExpand(value, vars)
		}
		return value, src[i+1:], refs, nil
	}
	return "", nil, nil, errors.New("unterminated quoted value")
}

func envEscapes(s string) string {
	out := envEscapeRE.ReplaceAllStringFunc(s, func(m string) string {
		switch m[1:] {
		case "n":
			return "\n"
		case "r":
			return "\r"
		}
		return m
	})
	return envUnescapeRE.ReplaceAllString(out, "$1")
}

func envExpand(v string, m map[string]string) string {
	return envExpandRE.ReplaceAllStringFunc(v, func(s string) string {
		sub := envExpandRE.FindStringSubmatch(s)
		switch {
		case sub == nil:
			return s
		case sub[1] == "\\" || sub[2] == "(": // as godotenv: sub[2] is always "$"
			return sub[0][1:]
		case sub[4] != "":
			return m[sub[4]]
		}
		return s
	})
}

// envEmpty finds the variables of value (the text godotenv expands) that
// are not among vars, and places each in all: raw is the value's text
// as written, at offset start of all. Escapes neither add nor remove a
// "$", so the k-th "$" of value is the k-th of raw.
func envEmpty(all []byte, start int, raw []byte, value string, vars map[string]string) []envRef {
	var refs []envRef
	for _, loc := range envExpandRE.FindAllStringSubmatchIndex(value, -1) {
		if loc[2] >= 0 || loc[8] < 0 { // escaped, or no name
			continue
		}
		name := value[loc[8]:loc[9]]
		if _, ok := vars[name]; ok {
			continue
		}
		k := strings.Count(value[:loc[4]], "$")
		off := start + nthIndex(raw, '$', k)
		if off < start {
			continue
		}
		line := 1 + bytes.Count(all[:off], []byte("\n"))
		bol := bytes.LastIndexByte(all[:off], '\n') + 1
		refs = append(refs, envRef{Name: name, Text: value[loc[0]:loc[1]], Line: line, Col: 1 + utf8.RuneCount(all[bol:off])})
	}
	return refs
}

// nthIndex is the index of the n-th (from 0) c in b, or -1.
func nthIndex(b []byte, c byte, n int) int {
	for i, x := range b {
		if x == c {
			if n == 0 {
				return i
			}
			n--
		}
	}
	return -1
}

func envIsSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}
