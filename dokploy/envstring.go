package dokploy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Dokploy stores env, buildArgs and buildSecrets as one dotenv text and
// reads it at deploy time with Node's dotenv.parse. ParseEnv and FormatEnv
// follow that parser (dotenv v16 lib/main.js), not godotenv: what matters is
// what Dokploy will hand the container.

var dotenvLine = regexp.MustCompile(`(?m)(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*` + "`(?:\\\\`|[^`])*`" + `|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)`)

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
		value := strings.TrimSpace(m[2])
		if len(value) >= 2 {
			q := value[0]
			if (q == '\'' || q == '"' || q == '`') && value[len(value)-1] == q {
				value = value[1 : len(value)-1]
				if q == '"' {
					value = strings.ReplaceAll(value, `\n`, "\n")
					value = strings.ReplaceAll(value, `\r`, "\r")
				}
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
	plain := v == "" || (!strings.ContainsAny(v, "#\r\n") && strings.TrimSpace(v) == v && !strings.ContainsAny(v[:1], `'"`+"`"))
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
