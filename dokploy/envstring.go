package dokploy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Dokploy stores env, buildArgs and buildSecrets as one dotenv text and
// reads it at deploy time with Node's dotenv.parse (prepareEnvironmentVariables
// in packages/server/src/utils/docker/utils.ts parses the service's, the
// environment's and the project's texts). ParseEnv and FormatEnv follow that
// parser (dotenv v16 lib/main.js: its LINE regular expression, trim, quote
// stripping, \n and \r in double quotes), not godotenv: what matters is what
// Dokploy will hand the container. Spaces are JavaScript's (jsSpace). One
// difference is left: JavaScript's multi-line ^ and $ also match at U+2028
// and U+2029, so for it a comment ends there and a quoted part before one
// is unquoted; FormatEnv never writes a value with those plain.

// jsSpace is JavaScript's \s (and the set String.prototype.trim removes):
// Go's \s lacks \v, NBSP, U+FEFF and the Unicode spaces, and
// unicode.IsSpace has U+0085, which JavaScript's has not.
const jsSpace = `[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`

var dotenvLine = regexp.MustCompile(strings.ReplaceAll(`(?m)(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`+"`(?:\\\\`|[^`])*`"+`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)`, `\s`, jsSpace))

func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// ParseEnv reads a Dokploy env text the way Dokploy's dotenv.parse does.
// Later duplicates win. A nil or empty text is an empty map.
func ParseEnv(text *string) map[string]string {
	out := map[string]string{}
	if text == nil {
		return out
	}
	src := strings.ReplaceAll(*text, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	for _, m := range dotenvLine.FindAllStringSubmatch(src, -1) {
		value := strings.TrimFunc(m[2], isJSSpace)
		if value != "" {
			q := value[0]
			if len(value) >= 2 && (q == '\'' || q == '"' || q == '`') && value[len(value)-1] == q {
				value = value[1 : len(value)-1]
			}
			// dotenv expands \n and \r when the value starts with a double
			// quote, closed or not.
			if q == '"' {
				value = strings.ReplaceAll(value, `\n`, "\n")
				value = strings.ReplaceAll(value, `\r`, "\r")
			}
		}
		out[m[1]] = value
	}
	return out
}

// FormatEnv writes env as a dotenv text that ParseEnv (and so Dokploy)
// reads back exactly, keys sorted. Values are quoted only when they must be.
func FormatEnv(env map[string]string) (string, error) {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v, err := formatEnvValue(env[k])
		if err != nil {
			return "", fmt.Errorf("env %s: %w", k, err)
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func formatEnvValue(v string) (string, error) {
	// Plain only when no parser trims it (either notion of space) and no
	// line terminator of JavaScript's is in it: its multi-line ^ and $
	// also stop at U+2028 and U+2029, which ParseEnv does not follow.
	plain := v == "" || (!strings.ContainsAny(v, "#\r\n\u2028\u2029") && strings.TrimSpace(v) == v && strings.TrimFunc(v, isJSSpace) == v &&
		!strings.ContainsAny(v[:1], `'"`+"`"))
	if plain {
		return v, nil
	}
	if strings.Contains(v, "\r") {
		// Dokploy turns every CR of the text into a newline before parsing,
		// so a CR survives only as the two characters \r inside double quotes.
		if !strings.ContainsAny(v, `"`) && !strings.Contains(v, `\n`) && !strings.Contains(v, `\r`) {
			r := strings.NewReplacer("\n", `\n`, "\r", `\r`)
			return `"` + r.Replace(v) + `"`, nil
		}
		return "", fmt.Errorf("value contains a carriage return and a double quote or a backslash sequence; Dokploy's dotenv parser cannot read such a value back unchanged")
	}
	for _, q := range []string{"'", "`"} {
		if !strings.Contains(v, q) {
			return q + v + q, nil
		}
	}
	if !strings.Contains(v, `"`) && !strings.Contains(v, `\n`) && !strings.Contains(v, `\r`) {
		return `"` + v + `"`, nil
	}
	return "", fmt.Errorf("value contains ', \" and ` together with special characters; Dokploy's dotenv parser cannot read such a value back unchanged")
}
