package spec

import (
	"regexp"
	"strings"
)

// Interpolation of scalar string values (never keys), DESIGN.md section 3:
//
//   - ${VAR}, VAR matching [A-Za-z_][A-Za-z0-9_]*, is replaced by the value
//     from Options.Vars (--var-file) or, failing that, the process
//     environment. An empty value counts as set.
//   - $${ writes a literal ${ (so $${{x}} gives ${{x}} and $${HOME} gives
//     ${HOME}). A $ anywhere else, $VAR without braces included, is literal.
//   - ${{...}} is one of Dokploy's own references (${{project.KEY}},
//     ${{environment.KEY}}, ${{KEY}}, ${{vault.provider.ref}}), resolved by
//     Dokploy at deploy time. It is passed through byte for byte.
//   - ${ref:...} is a reference to another resource (refs.go). It is kept
//     as written: the planner resolves it. Where it may appear and what it
//     may point at is checked by the decoder and Validate. A reference is
//     any ${ref:...} in the value after interpolation, so $${ref: (which
//     would write a literal "${ref:") is an error: there is no way to write
//     a literal ${ref:...}.
//   - A ${ without a closing }, or with a name that is not a variable name,
//     is an error.
//
// When a value uses a variable that is not set, the value keeps its raw
// text (nothing is replaced in it), the field is recorded in the resource's
// Meta.Unknown and a warning names the variable once. Replaced text is never
// scanned again.

var varNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// interpolation is the outcome of interpolating one string.
type interpolation struct {
	value string   // the result; the raw input when unset is not empty
	vars  bool     // the input used ${VAR} (set or not)
	unset []string // variables used but not set, in order of appearance
	set   []string // variables used and set
	errs  []string // malformed ${...}, as messages
}

// interpolate expands s. lookup returns a variable's value.
func interpolate(s string, lookup func(string) (string, bool)) interpolation {
	var res interpolation
	if !strings.Contains(s, "$") {
		res.value = s
		return res
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "$${ref:"):
			res.errs = append(res.errs, `"$${ref:" would write a literal "${ref:", which dokploy-sync reads as a reference; write ${ref:KIND/NAME.FIELD} for a reference`)
			b.WriteString(rest[:3])
			i += 3
		case strings.HasPrefix(rest, "$${"):
			b.WriteString("${")
			i += 3
		case strings.HasPrefix(rest, "${{"):
			end := strings.Index(rest[3:], "}}")
			if end < 0 {
				res.errs = append(res.errs, `unterminated "${{": Dokploy references look like ${{project.KEY}} (write $${ for a literal ${)`)
				b.WriteString(rest)
				i = len(s)
				continue
			}
			n := 3 + end + 2
			b.WriteString(rest[:n])
			i += n
		case strings.HasPrefix(rest, "${"):
			end := strings.IndexByte(rest[2:], '}')
			if end < 0 {
				res.errs = append(res.errs, `unterminated "${": expected ${NAME} (write $${ for a literal ${)`)
				b.WriteString(rest)
				i = len(s)
				continue
			}
			whole := rest[:2+end+1]
			name := rest[2 : 2+end]
			i += len(whole)
			switch {
			case strings.HasPrefix(name, "ref:"):
				b.WriteString(whole) // a reference: checked by the decoder
			case name != "" && strings.Trim(name, "0123456789") == "":
				res.errs = append(res.errs, quoteShort(whole)+" is not a variable: for a regular expression's capture group write $"+name+" or $${"+name+"} (write $${ for a literal ${)")
				b.WriteString(whole)
			case !varNameRE.MatchString(name):
				res.errs = append(res.errs, "invalid variable name "+quoteShort(name)+
					" in ${...}: a name is letters, digits and _, not starting with a digit (write $${ for a literal ${)")
				b.WriteString(whole)
			default:
				res.vars = true
				if v, ok := lookup(name); ok {
					b.WriteString(v)
					res.set = append(res.set, name)
				} else {
					res.unset = append(res.unset, name)
					b.WriteString(whole)
				}
			}
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	res.value = b.String()
	if len(res.unset) > 0 {
		res.value = s
	}
	return res
}

// usesVar reports whether s contains a ${VAR} (set or not).
func usesVar(s string) bool {
	return interpolate(s, func(string) (string, bool) { return "", true }).vars
}
