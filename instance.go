package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Several Dokploy instances: a context is a panel URL and where its API key
// comes from (an environment variable or a file, never the key itself).
// Contexts are declared in the spec (contexts:, shared with the team,
// which may name a defaultContext) or in the contexts file outside the
// repository (per user; for export and force-unlock, which read no spec).
//
// Which instance a command talks to, most explicit first:
//
//  1. --url (and --api-key or --api-key-file) on the command line;
//  2. --context NAME, or DOKPLOY_CONTEXT;
//  3. DOKPLOY_URL (and DOKPLOY_API_KEY or DOKPLOY_API_KEY_FILE);
//  4. the spec's defaultContext.
//
// A key given on the command line is used with the URL of a context. Two
// choices of one rank are refused, not chosen between: --url with
// --context, DOKPLOY_CONTEXT with DOKPLOY_URL or an API key in the
// environment, an API key in the environment with only the defaultContext
// to say where it goes, and a context declared both in the spec and in the
// contexts file.

// contextDecl is a context as declared, with where.
type contextDecl struct {
	url, keyEnv, keyFile string
	where                string // "dokploy.yaml:4:3", for messages
}

// instanceInput is what decides the instance: the global flags, where
// their values came from, and the contexts.
type instanceInput struct {
	url, key         string
	urlFlag, keyFlag bool   // given on the command line (not the environment)
	keyFrom          string // where an environment key came from: DOKPLOY_API_KEY, ...
	context          string
	contextFlag      bool // --context, not DOKPLOY_CONTEXT
	specContexts     map[string]contextDecl
	fileContexts     map[string]contextDecl
	contextsFile     string // for messages
	defaultContext   string // the spec's
	getenv           func(string) (string, bool)
	readFile         func(string) ([]byte, error)
	home             func() (string, error)
}

// instance is the Dokploy server a command talks to.
type instance struct {
	url, key string
	context  string // "" without a context
	// why says how the context was chosen, for the line commands print:
	// "" (--context, DOKPLOY_CONTEXT) or "the spec's defaultContext".
	why string
}

// line is what commands print first: the instance, never the key.
func (in instance) line() string {
	s := "Dokploy: " + dokploy.HideURLPassword(strings.TrimRight(in.url, "/"))
	switch {
	case in.context != "" && in.why != "":
		s += fmt.Sprintf(" (context %s, %s)", in.context, in.why)
	case in.context != "":
		s += fmt.Sprintf(" (context %s)", in.context)
	}
	return s
}

// json is the instance as plan --json, apply --json and saved plans give it.
func (in instance) json() *planner.JSONInstance {
	return &planner.JSONInstance{URL: dokploy.HideURLPassword(strings.TrimRight(in.url, "/")), Context: in.context}
}

// describeInstance is "https://panel.example.com (context production)".
func describeInstance(j *planner.JSONInstance) string {
	if j.Context != "" {
		return fmt.Sprintf("%s (context %s)", j.URL, j.Context)
	}
	return j.URL
}

// chooseInstance says how to talk to the instance j again.
func chooseInstance(j *planner.JSONInstance) string {
	if j.Context != "" {
		return "--context " + j.Context
	}
	return "--url " + j.URL
}

// resolveInstance chooses the instance (see above).
func resolveInstance(in instanceInput) (instance, error) {
	name, fromDefault := in.context, false
	if in.urlFlag && !in.contextFlag {
		name = "" // --url on the command line beats DOKPLOY_CONTEXT
	}
	contextWord := "--context " + name
	if !in.contextFlag {
		contextWord = "DOKPLOY_CONTEXT=" + name
	}
	if name == "" && in.url == "" && in.defaultContext != "" {
		name, fromDefault = in.defaultContext, true
		contextWord = "the spec's defaultContext " + name
	}
	if name == "" {
		return instance{url: in.url, key: in.key}, nil // no contexts: as given
	}
	switch {
	case in.urlFlag:
		return instance{}, fmt.Errorf("--url and --context %s both choose the Dokploy instance: drop one", name)
	case !in.contextFlag && !fromDefault && in.url != "":
		return instance{}, fmt.Errorf("DOKPLOY_CONTEXT=%s and DOKPLOY_URL are both set and both choose the Dokploy instance: unset one (or pass --context %s to override DOKPLOY_URL)", name, name)
	case !in.contextFlag && !in.keyFlag && in.key != "":
		if fromDefault {
			return instance{}, fmt.Errorf("%s is set but DOKPLOY_URL is not, and the spec's defaultContext %s has a key of its own: unset %s, or set DOKPLOY_URL too, or pass --context %s", in.keyFrom, name, in.keyFrom, name)
		}
		return instance{}, fmt.Errorf("DOKPLOY_CONTEXT=%s takes its API key from its context, and %s is set too: unset one (or pass --context %s to override %s)", name, in.keyFrom, name, in.keyFrom)
	}
	d, inSpec := in.specContexts[name]
	fd, inFile := in.fileContexts[name]
	switch {
	case inSpec && inFile:
		return instance{}, fmt.Errorf("context %s is declared both in the spec (%s) and in the contexts file (%s): remove one", name, d.where, fd.where)
	case inFile:
		d = fd
	case !inSpec:
		known := map[string]bool{}
		for n := range in.specContexts {
			known[n] = true
		}
		for n := range in.fileContexts {
			known[n] = true
		}
		return instance{}, fmt.Errorf("%s: %s; declare it under contexts: in the spec or in %s", contextWord, spec.UnknownContext(name, spec.SortedKeys(known), "the contexts declared are"), in.contextsFile)
	}
	out := instance{url: d.url, context: name}
	if fromDefault {
		out.why = "the spec's defaultContext"
	}
	if in.keyFlag {
		out.key = in.key // a key on the command line goes with the context's URL
		return out, nil
	}
	key, err := contextKey(name, d, in)
	if err != nil {
		return instance{}, err
	}
	out.key = key
	return out, nil
}

// contextKey reads a context's API key from its variable or its file. The
// messages name the variable or the file, never the key.
func contextKey(name string, d contextDecl, in instanceInput) (string, error) {
	if d.keyEnv != "" {
		v, ok := in.getenv(d.keyEnv)
		if !ok || strings.TrimSpace(v) == "" {
			state := "is not set"
			if ok {
				state = "is empty"
			}
			return "", fmt.Errorf("context %s takes its API key from the environment variable %s, which %s: set it, or pass --api-key-file", name, d.keyEnv, state)
		}
		return v, nil
	}
	path := d.keyFile
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		home, err := in.home()
		if err != nil {
			return "", fmt.Errorf("context %s: its apiKeyFile %s starts with ~/, but the home directory is unknown: %v", name, d.keyFile, err)
		}
		path = filepath.Join(home, rest)
	}
	b, err := in.readFile(path)
	if err != nil {
		return "", fmt.Errorf("context %s takes its API key from the file %s, which cannot be read: %v", name, d.keyFile, unwrapPath(err))
	}
	key := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(key) == "" {
		return "", fmt.Errorf("context %s takes its API key from the file %s, which is empty", name, d.keyFile)
	}
	return key, nil
}

// unwrapPath drops the path of an *fs.PathError (the message names the
// file as the user wrote it).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// specContexts are the contexts a spec declares.
func specContexts(f *spec.File) map[string]contextDecl {
	out := map[string]contextDecl{}
	if f == nil {
		return out
	}
	for name, c := range f.Contexts {
		if c != nil {
			out[name] = contextDecl{url: c.URL, keyEnv: c.APIKeyEnv, keyFile: c.APIKeyFile, where: c.Pos.String()}
		}
	}
	return out
}

// defaultContextsFile is $XDG_CONFIG_HOME/dokploy-sync/contexts.yaml (on
// Linux; os.UserConfigDir elsewhere), or "" when there is no such place.
func defaultContextsFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "dokploy-sync", "contexts.yaml")
}

// contextsFileDoc is the contexts file: contexts, as in a spec.
type contextsFileDoc struct {
	Contexts map[string]struct {
		URL        string `yaml:"url"`
		APIKeyEnv  string `yaml:"apiKeyEnv"`
		APIKeyFile string `yaml:"apiKeyFile"`
	} `yaml:"contexts"`
}

// readContextsFile reads the contexts file at path. A missing file is no
// contexts, unless the user named it (explicit). Errors carry
// file:line:col and never the file's text (no source snippet: a key
// written in by mistake stays out of the message).
func readContextsFile(path string, explicit bool) (map[string]contextDecl, error) {
	out := map[string]contextDecl{}
	if path == "" {
		return out, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return out, nil
		}
		return nil, fmt.Errorf("reading the contexts file: %v", err)
	}
	var doc contextsFileDoc
	if err := yaml.UnmarshalWithOptions(src, &doc, yaml.Strict()); err != nil {
		msg := yaml.FormatError(err, false, false)
		var ye yaml.Error
		if errors.As(err, &ye) {
			p := ye.GetToken().Position
			msg = fmt.Sprintf("%s:%d:%d: %s", path, p.Line, p.Column, ye.GetMessage())
			if strings.Contains(ye.GetMessage(), `"apiKey"`) || strings.Contains(ye.GetMessage(), `"token"`) {
				msg += ": a context names where the key is (apiKeyEnv: VAR or apiKeyFile: PATH), never the key itself"
			}
		}
		return nil, errors.New("the contexts file: " + msg)
	}
	file, _ := parser.ParseBytes(src, 0)
	posOf := func(p string) string {
		if file != nil {
			if yp, err := yaml.PathString(p); err == nil {
				if n, err := yp.FilterFile(file); err == nil && n != nil {
					t := n.GetToken().Position
					return fmt.Sprintf("%s:%d:%d", path, t.Line, t.Column)
				}
			}
		}
		return path
	}
	// keyPos is where a context's name is.
	keyPos := func(name string) string {
		if file == nil {
			return path
		}
		yp, err := yaml.PathString("$.contexts")
		if err != nil {
			return path
		}
		if n, err := yp.FilterFile(file); err == nil {
			if m, ok := n.(*ast.MappingNode); ok {
				for _, v := range m.Values {
					if k := v.Key.GetToken(); k != nil && k.Value == name {
						return fmt.Sprintf("%s:%d:%d", path, k.Position.Line, k.Position.Column)
					}
				}
			}
		}
		return path
	}
	var problems []string
	for _, name := range spec.SortedKeys(doc.Contexts) {
		c := doc.Contexts[name]
		at := "$.contexts." + quotePathKey(name)
		out[name] = contextDecl{url: c.URL, keyEnv: c.APIKeyEnv, keyFile: c.APIKeyFile, where: keyPos(name)}
		for _, p := range spec.CheckContext(c.URL, c.APIKeyEnv, c.APIKeyFile) {
			where, field := keyPos(name), ""
			if p.Field != "" {
				where, field = posOf(at+"."+p.Field), p.Field+": "
			}
			if strings.Contains(c.URL+c.APIKeyEnv+c.APIKeyFile, "${") {
				p.Message += " (a contexts file is read as written, without ${VAR}s)"
			}
			problems = append(problems, fmt.Sprintf("%s: %s: %s%s", where, spec.ContextAddress(name), field, p.Message))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("the contexts file has %d %s:\n  %s", len(problems), plural(len(problems), "error", "errors"), strings.Join(problems, "\n  "))
	}
	return out, nil
}

// quotePathKey quotes a key for a YAMLPath when it is not a plain word.
func quotePathKey(k string) string {
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "'" + k + "'"
		}
	}
	return k
}

// flagsGiven are the global flags given on the command line (not taken
// from the environment): kong puts those in the parse path.
func flagsGiven(kctx *kong.Context) map[string]bool {
	out := map[string]bool{}
	for _, p := range kctx.Path {
		if p.Flag != nil && !p.Resolved {
			out[p.Flag.Name] = true
		}
	}
	return out
}

// resolveInstance chooses the instance of the command from the flags, the
// environment, the contexts file and the spec f (nil for the commands that
// read none), once: the URL and key it gives replace g.URL and g.APIKey.
func (g *Globals) resolveInstance(f *spec.File) error {
	if g.instance != nil {
		return nil
	}
	path, explicit := g.ContextsFile, g.ContextsFile != ""
	if !explicit {
		path = defaultContextsFile()
	}
	fileContexts, err := readContextsFile(path, explicit)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	in := instanceInput{
		url: g.URL, key: g.APIKey,
		urlFlag: g.given["url"], keyFlag: g.given["api-key"] || g.given["api-key-file"],
		keyFrom: envKeyName(), context: g.Context, contextFlag: g.given["context"],
		specContexts: specContexts(f), fileContexts: fileContexts, contextsFile: path,
		getenv: os.LookupEnv, readFile: os.ReadFile, home: os.UserHomeDir,
	}
	if in.contextsFile == "" {
		in.contextsFile = "the contexts file (--contexts-file)"
	}
	if f != nil {
		in.defaultContext = f.DefaultContext
	}
	inst, err := resolveInstance(in)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	g.URL, g.APIKey, g.instance = inst.url, inst.key, &inst
	if inst.url != "" && !g.quietInstance {
		fmt.Fprintln(g.stderr, inst.line())
	}
	return nil
}

// envKeyName names the variable an API key from the environment came from.
func envKeyName() string {
	for _, v := range []string{"DOKPLOY_API_KEY", "DOKPLOY_AUTH_TOKEN", "DOKPLOY_API_KEY_FILE"} {
		if os.Getenv(v) != "" {
			return v
		}
	}
	return "DOKPLOY_API_KEY"
}

// sameInstance says whether two URLs name the same panel (a trailing
// slash and the case of the scheme and host aside).
func sameInstance(a, b string) bool { return normalURL(a) == normalURL(b) }

func normalURL(s string) string {
	s = strings.TrimRight(s, "/")
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	host, path, _ := strings.Cut(rest, "/")
	if path != "" {
		path = "/" + path
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + path
}
