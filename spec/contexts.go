package spec

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Context is a Dokploy instance a spec is applied to: its URL and where
// its API key comes from, an environment variable or a file. Never the key
// itself: dokploy.yaml lives in git. Its fields are read as written (no
// ${VAR}s), so that no variable's value can end up where a name goes.
type Context struct {
	URL        string `yaml:"url" spec:"required,literal"`
	APIKeyEnv  string `yaml:"apiKeyEnv" spec:"literal"`
	APIKeyFile string `yaml:"apiKeyFile" spec:"literal"`

	Meta `yaml:"-"`
}

// ContextAddress names a context in messages: context[production].
func ContextAddress(name string) string { return "context[" + name + "]" }

// literalKey is the hint of a key field in a context.
const literalKey = "a context never holds the API key, since dokploy.yaml lives in git: name the variable that holds it (apiKeyEnv: PROD_DOKPLOY_KEY) or the file (apiKeyFile: ~/.config/dokploy-sync/production.key)"

// literalKeyTop is the hint of an API key at the top level of a spec.
const literalKeyTop = "the API key never goes into dokploy.yaml, which lives in git: declare a context that says where it is (contexts: {production: {url: https://..., apiKeyEnv: PROD_DOKPLOY_KEY}}), or set DOKPLOY_API_KEY or --api-key-file"

var contextNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// ContextNames are the names of the contexts of the spec, sorted.
func (f *File) ContextNames() []string { return sortedKeys(f.Contexts) }

// DefaultContextPos is where defaultContext is set, for messages.
func (f *File) DefaultContextPos() Position { return f.keys["defaultContext"] }

// contexts checks the contexts and defaultContext.
func (v *validator) contexts(f *File) {
	for _, name := range sortedKeys(f.Contexts) {
		c := f.Contexts[name]
		if c == nil {
			continue
		}
		addr := ContextAddress(name)
		if !contextNameRE.MatchString(name) {
			v.errorf(c.Pos, addr, "not a context name: letters, digits, _, . and -, starting with a letter or digit")
		}
		v.contextProblems(CheckContext(c.URL, c.APIKeyEnv, c.APIKeyFile), c, addr)
	}
	if f.DefaultContext == "" {
		if _, set := f.keys["defaultContext"]; set {
			v.errorf(f.keys["defaultContext"], "", "defaultContext: must not be empty; name one of the contexts, or remove the key")
		}
		return
	}
	if _, ok := f.Contexts[f.DefaultContext]; !ok {
		v.errorf(f.keys["defaultContext"], "", "defaultContext: %s", UnknownContext(f.DefaultContext, f.ContextNames(), "the spec declares"))
	}
}

// contextProblems reports what CheckContext found, each at its field.
func (v *validator) contextProblems(problems []ContextProblem, c *Context, addr string) {
	failed := v.failed[&c.Meta]
	for _, p := range problems {
		if p.Field == "" && (failed["apiKey"] || failed["apiKeyEnv"] || failed["apiKeyFile"]) || p.Field != "" && failed[p.Field] {
			continue // reported by the decoder
		}
		pos := c.Pos
		if p.Field != "" {
			pos = at(&c.Meta, p.Field)
		}
		if p.Field == "" {
			v.errorf(pos, addr, "%s", p.Message)
		} else {
			v.errorf(pos, addr, "%s: %s", p.Field, p.Message)
		}
	}
}

// ContextProblem is what is wrong with a context: Field is "" for the
// context as a whole.
type ContextProblem struct{ Field, Message string }

// CheckContext checks a context's fields, wherever it is declared (a spec
// or the contexts file). The messages never quote a key: at most the
// scheme and host of the URL, and the variable's name.
func CheckContext(rawURL, keyEnv, keyFile string) []ContextProblem {
	var out []ContextProblem
	switch u, err := url.Parse(rawURL); {
	case rawURL == "":
		out = append(out, ContextProblem{"url", "required: the panel's base URL, e.g. https://dokploy.example.com"})
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		out = append(out, ContextProblem{"url", "must be an http:// or https:// URL with a host, e.g. https://dokploy.example.com"})
	case u.User != nil:
		out = append(out, ContextProblem{"url", "must not hold credentials (user:password@); the key comes from apiKeyEnv or apiKeyFile"})
	case u.RawQuery != "" || u.Fragment != "":
		out = append(out, ContextProblem{"url", "must be the panel's base URL, without a query or fragment"})
	}
	switch {
	case keyEnv == "" && keyFile == "":
		out = append(out, ContextProblem{"", "says where the API key comes from: apiKeyEnv: VAR (the environment variable that holds it) or apiKeyFile: PATH; never the key itself"})
	case keyEnv != "" && keyFile != "":
		out = append(out, ContextProblem{"apiKeyFile", "set only one of apiKeyEnv and apiKeyFile"})
	case keyEnv != "" && !varNameRE.MatchString(keyEnv):
		out = append(out, ContextProblem{"apiKeyEnv", "must be the name of an environment variable (letters, digits and _, not starting with a digit), not the key itself"})
	case keyFile != "" && !strings.HasPrefix(keyFile, "/") && !strings.HasPrefix(keyFile, "~/"):
		out = append(out, ContextProblem{"apiKeyFile", "must be an absolute path or start with ~/ (a key file next to the spec would end up in git)"})
	}
	return out
}

// UnknownContext is the message about a context name that is not
// declared: with a did-you-mean, and the names that are.
func UnknownContext(name string, known []string, where string) string {
	msg := "no context " + strconv.Quote(name)
	if len(known) == 0 {
		return msg + "; " + where + " none"
	}
	if s := Suggest(name, known); s != "" {
		return msg + " (did you mean " + strconv.Quote(s) + "?)"
	}
	return msg + "; " + where + ": " + strings.Join(known, ", ")
}
