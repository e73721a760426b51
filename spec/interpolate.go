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
	// Only replacements are written to b, with the text before them since
	// the last one (s[last:]): a value without any (${{...}}, ${ref:...})
	// is s itself, not a copy.
	var b strings.Builder
	last, replaced := 0, false
	replace := func(from, to int, with string) {
		if !replaced {
			b.Grow(len(s))
			replaced = true
		}
		b.WriteString(s[last:from])
		b.WriteString(with)
		last = to
	}
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "$${ref:"):
			res.errs = append(res.errs, `"$${ref:" would write a literal "${ref:", which dokploy-sync reads as a reference; write ${ref:KIND/NAME.FIELD} for a reference`)
			i += 3 // kept as written
		case strings.HasPrefix(rest, "$${"):
			replace(i, i+3, "${")
			i += 3
		case strings.HasPrefix(rest, "${{"):
			end := strings.Index(rest[3:], "}}")
			if end < 0 {
				res.errs = append(res.errs, `unterminated "${{": Dokploy references look like ${{project.KEY}} (write $${ for a literal ${)`)
				i = len(s)
				continue
			}
			i += 3 + end + 2 // passed through
		case strings.HasPrefix(rest, "${"):
			end := strings.IndexByte(rest[2:], '}')
			if end < 0 {
				res.errs = append(res.errs, `unterminated "${": expected ${NAME} (write $${ for a literal ${)`)
				i = len(s)
				continue
			}
			whole := rest[:2+end+1]
			name := rest[2 : 2+end]
			from := i
			i += len(whole)
			switch {
			case strings.HasPrefix(name, "ref:"):
				// a reference, kept: checked by the decoder
			case name != "" && strings.Trim(name, "0123456789") == "":
				res.errs = append(res.errs, quoteShort(whole)+" is not a variable: for a regular expression's capture group write $"+name+" or $${"+name+"} (write $${ for a literal ${)")
			case !varNameRE.MatchString(name):
				res.errs = append(res.errs, "invalid variable name "+quoteShort(name)+
					" in ${...}: a name is letters, digits and _, not starting with a digit (write $${ for a literal ${)")
			default:
				res.vars = true
				if v, ok := lookup(name); ok {
					replace(from, i, v)
					res.set = append(res.set, name)
				} else {
					res.unset = append(res.unset, name) // kept as written
				}
			}
		default:
			i++
		}
	}
	res.value = s
	if replaced && len(res.unset) == 0 {
		b.WriteString(s[last:])
		res.value = b.String()
	}
	return res
}

// usesVar reports whether s contains a ${VAR} (set or not).
func usesVar(s string) bool {
	return interpolate(s, func(string) (string, bool) { return "", true }).vars
}
