package export

import (
	"regexp"
	"sort"
	"strings"
)

// Cross-references. Dokploy services reach each other by appName, the
// hostname Dokploy generates ("shop-db-x7k2p9"). An env value that holds
// the appName of another exported service is written as a reference,
// ${ref:postgres/shop-db.appName} (same project and environment) or
// ${ref:shop/staging/postgres/shop-db.appName}, so that the spec says what
// it means and keeps working when the service is created anew elsewhere.
//
// A match must be unambiguous: the appName is at least minRefAppName
// characters long, belongs to exactly one exported service (not the one
// whose value it is), and occurs as a whole token (the characters around it
// are not letters, digits, "_", "-" or "."). Names that cannot appear in a
// reference ("/", "{", "}", "$") are never referenced.
//
// References are allowed only in inline values (env, buildArgs,
// buildSecrets and command of applications, env and command of compose
// services), so a rewritten env value moves from the env file into the
// spec. A value that also holds a password must not: a URL's password
// (scheme://user:PASSWORD@host) that is exactly an exported database's
// password, and any other occurrence of such a password, becomes that
// database's ${VAR}; a URL password that is not one of them keeps the whole
// value in the env file, without references.

// minRefAppName is the shortest appName matched in values: shorter ones
// (hand-made appNames like "db") would match ordinary words.
const minRefAppName = 8

// minPassword is the shortest password replaced by its ${VAR} where it
// occurs outside a URL.
const minPassword = 8

// target is an exported service, by its names in the spec.
type target struct {
	project, env, kind, name string
}

// ref returns the reference to t's appName from a value of the service
// from.
func (t target) ref(from target) string {
	if t.project == from.project && t.env == from.env {
		return "${ref:" + t.kind + "/" + t.name + ".appName}"
	}
	return "${ref:" + t.project + "/" + t.env + "/" + t.kind + "/" + t.name + ".appName}"
}

// referable says that t's names can be written in a reference.
func (t target) referable() bool {
	for _, s := range []string{t.project, t.env, t.name} {
		if s == "" || strings.ContainsAny(s, "/{}$") || hasControl(s, false) {
			return false
		}
	}
	return true
}

// refIndex finds references and passwords in values.
type refIndex struct {
	byAppName map[string][]target
	appNames  []string          // longest first
	passwords map[string]string // database password -> its ${VAR}; nil: passwords are written as they are
}

func newRefIndex() *refIndex {
	return &refIndex{byAppName: map[string][]target{}}
}

// add records an exported service.
func (ix *refIndex) add(appName string, t target) {
	if len(appName) < minRefAppName {
		return
	}
	if _, seen := ix.byAppName[appName]; !seen {
		ix.appNames = append(ix.appNames, appName)
	}
	ix.byAppName[appName] = append(ix.byAppName[appName], t)
}

// password records a database password and the variable that holds it
// (the first one wins when two databases share a password).
func (ix *refIndex) password(value, varName string) {
	if ix.passwords == nil {
		ix.passwords = map[string]string{}
	}
	if _, ok := ix.passwords[value]; !ok && value != "" {
		ix.passwords[value] = varName
	}
}

func (ix *refIndex) sort() {
	sort.Slice(ix.appNames, func(i, j int) bool {
		a, b := ix.appNames[i], ix.appNames[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
}

// span is a part of a value replaced by a reference or a ${VAR}.
type span struct {
	start, end int
	text       string
}

var urlPassword = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:]*:([^/?#@\s]*)@`)

// urlToken finds the user of a URL with a user and no password
// (https://TOKEN@github.com/...), which git hosts read as a token.
var urlToken = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@\s:]+)@`)

// rewriteEnv returns an env value of the service from with references,
// when it holds the appName of another exported service and can move into
// the spec without a password in clear (see above). ok is false when the
// value stays as it is, in the env file.
func (ix *refIndex) rewriteEnv(from target, value string) (string, bool) {
	refs := ix.refs(from, value)
	if len(refs) == 0 {
		return "", false
	}
	spans := refs
	if ix.passwords != nil {
		for _, m := range urlPassword.FindAllStringSubmatchIndex(value, -1) {
			pw := value[m[2]:m[3]]
			if pw == "" {
				continue
			}
			v, ok := ix.passwords[pw]
			if !ok {
				return "", false // a password that is not a database's
			}
			spans = append(spans, span{m[2], m[3], "${" + v + "}"})
		}
		spans = append(spans, ix.passwordSpans(value)...)
	}
	return join(value, spans)
}

// rewriteInline returns a value that is written in the spec anyway
// (command, buildArgs) with references, and with database passwords as
// their ${VAR}s; ok is false when nothing was replaced.
func (ix *refIndex) rewriteInline(from target, value string) (string, bool) {
	spans := ix.refs(from, value)
	if ix.passwords != nil {
		for _, m := range urlPassword.FindAllStringSubmatchIndex(value, -1) {
			if v, ok := ix.passwords[value[m[2]:m[3]]]; ok {
				spans = append(spans, span{m[2], m[3], "${" + v + "}"})
			}
		}
		spans = append(spans, ix.passwordSpans(value)...)
	}
	if len(spans) == 0 {
		return "", false
	}
	return join(value, spans)
}

// refs finds the appNames of other exported services in value.
func (ix *refIndex) refs(from target, value string) []span {
	var out []span
	for _, name := range ix.appNames {
		ts := ix.byAppName[name]
		if len(ts) != 1 || ts[0] == from || !ts[0].referable() {
			continue
		}
		for off := 0; ; {
			i := strings.Index(value[off:], name)
			if i < 0 {
				break
			}
			start := off + i
			end := start + len(name)
			off = start + 1
			if start > 0 && isNameByte(value[start-1]) || end < len(value) && isNameByte(value[end]) {
				continue
			}
			out = append(out, span{start, end, ts[0].ref(from)})
		}
	}
	return out
}

// passwordSpans finds the database passwords of at least minPassword
// characters in value.
func (ix *refIndex) passwordSpans(value string) []span {
	var out []span
	for pw, v := range ix.passwords {
		if len(pw) < minPassword {
			continue
		}
		for off := 0; ; {
			i := strings.Index(value[off:], pw)
			if i < 0 {
				break
			}
			out = append(out, span{off + i, off + i + len(pw), "${" + v + "}"})
			off += i + len(pw)
		}
	}
	return out
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// join writes value with the spans replaced and the rest escaped for the
// spec's interpolation. Spans that overlap are dropped but for the first
// (a URL password found twice is one span); ok is false when the result
// cannot be written: a literal "$" right before a ${...} (which the spec
// would read as "$${", a literal "${"), or a literal "${ref:".
func join(value string, spans []span) (string, bool) {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var b strings.Builder
	pos := 0
	var prev span
	for i, s := range spans {
		if s.start < pos {
			if i > 0 && s == prev {
				continue // found twice (a URL's password is also a password)
			}
			// Overlapping matches: an appName inside a password or the
			// other way round. Leave the value alone.
			return "", false
		}
		prev = s
		lit := value[pos:s.start]
		if strings.HasSuffix(lit, "$") || strings.Contains(lit, "${ref:") {
			return "", false
		}
		b.WriteString(escape(lit))
		b.WriteString(s.text)
		pos = s.end
	}
	lit := value[pos:]
	if strings.Contains(lit, "${ref:") {
		return "", false
	}
	b.WriteString(escape(lit))
	return b.String(), true
}

// escape writes s so that the spec's ${VAR} interpolation gives s back:
// "${" becomes "$${", except in Dokploy's own references ${{...}}, which
// interpolation passes through as they are (when no "$" comes right before
// them). A "${ref:" cannot be written (see expressible).
func escape(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		rest := s[i:]
		if strings.HasPrefix(rest, "${{") && (i == 0 || s[i-1] != '$') {
			if end := strings.Index(rest[3:], "}}"); end >= 0 {
				n := 3 + end + 2
				b.WriteString(rest[:n])
				i += n
				continue
			}
		}
		if strings.HasPrefix(rest, "${") {
			b.WriteString("$${")
			i += 2
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// expressible says that a string can be a value of dokploy.yaml: the spec
// reads any "${ref:" (after interpolation) as a reference, so a literal one
// cannot be written.
func expressible(s string) bool { return !strings.Contains(s, "${ref:") }
