package export

import (
	"maps"
	"regexp"
	"sort"
	"strings"

	"github.com/joho/godotenv"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// Env files and secrets.env.
//
// spec.Load reads env files and --var-file files with godotenv v1.5.1;
// Dokploy reads env texts with Node's dotenv (dokploy.ParseEnv). The two
// differ: godotenv expands $VAR and ${VAR} in unquoted and double-quoted
// values, reads a backtick as an ordinary character, turns \X into X in
// double quotes, and refuses keys with "-". Each line is written in the
// first of these forms that godotenv reads back exactly, preferring one
// that Dokploy's parser also reads back exactly (so the file can be pasted
// into Dokploy's env editor too):
//
//  1. what dokploy.FormatEnv writes (plain when nothing needs quoting,
//     else single quotes, backticks or double quotes);
//  2. single quotes (literal in both parsers; may span lines);
//  3. double quotes with \\, \", \n, \r and \$ escaped (godotenv only).
//
// A key godotenv cannot read (one with "-") cannot be in an env file: its
// value goes to secrets.env under a generated name and the key into the
// spec's inline env as ${NAME}. A value no form can hold (say, a multi-line
// value ending in a backslash) cannot be exported: the caller leaves the
// env unmanaged and warns.

// godotenvKey is what godotenv accepts as a key (and spec as an env key).
var godotenvKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// envLine returns the line KEY=VALUE that godotenv reads back as value,
// and whether Dokploy's parser reads it back too. ok is false when no
// form works.
func envLine(key, value string) (line string, dokployToo, ok bool) {
	if !godotenvKey.MatchString(key) {
		return "", false, false
	}
	var candidates []string
	if text, err := dokploy.FormatEnv(map[string]string{key: value}); err == nil {
		candidates = append(candidates, text)
	}
	if !strings.Contains(value, "'") {
		candidates = append(candidates, key+"='"+value+"'")
	}
	candidates = append(candidates, key+`="`+godotenvEscaper.Replace(value)+`"`)
	fallback := ""
	for _, c := range candidates {
		if !readsBack(c, key, value) {
			continue
		}
		if m := dokploy.ParseEnv(&c); len(m) == 1 && m[key] == value {
			return c, true, true
		}
		if fallback == "" {
			fallback = c
		}
	}
	return fallback, false, fallback != ""
}

var godotenvEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "$", `\$`)

// readsBack says that godotenv reads text as exactly {key: value}.
func readsBack(text, key, value string) bool {
	m, err := godotenv.Unmarshal(text)
	return err == nil && len(m) == 1 && m[key] == value
}

// EnvFile renders env as a dotenv file: the header as comment lines, then
// one line per key, sorted. It is the one env writer of dokploy-sync:
// export's env files and env pull. godotenv (spec.Load, env push) reads
// the text back as env without the keys in bad, which no line can hold
// (they are left out). Dokploy's parser reads it back the same too, but
// for the keys in godotenvOnly (whose values it cannot read back from any
// form): such a file is for dokploy-sync, not for pasting into Dokploy.
func EnvFile(header []string, env map[string]string) (text string, bad, godotenvOnly []string) {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + oneLine(h) + "\n")
	}
	keys := sortedKeys(env)
	written := map[string]string{}
	for _, k := range keys {
		line, dokployToo, ok := envLine(k, env[k])
		if !ok {
			bad = append(bad, k)
			continue
		}
		if !dokployToo {
			godotenvOnly = append(godotenvOnly, k)
		}
		written[k] = env[k]
		b.WriteString(line + "\n")
	}
	text = b.String()
	// The lines were checked one by one; check the whole file too.
	if m, err := godotenv.Unmarshal(text); err != nil || !maps.Equal(m, written) {
		return "", keys, nil
	}
	parsed := dokploy.ParseEnv(&text)
	only := map[string]bool{}
	for _, k := range godotenvOnly {
		only[k] = true
	}
	for k, v := range written {
		if parsed[k] != v {
			only[k] = true
		}
	}
	return text, bad, sortedKeys(only)
}

// oneLine makes s safe for a comment line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
