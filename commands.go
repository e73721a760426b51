package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// validateCmd checks specs given with -f (as plan and apply take them) or as
// arguments (as pre-commit passes them); both together check every one,
// the -f ones first.
type validateCmd struct {
	File        []string `short:"f" name:"file" sep:"none" help:"A spec to check, as plan and apply take it (repeatable; FILE arguments work too)." placeholder:"FILE|DIR"`
	Files       []string `arg:"" optional:"" help:"Specs to check: files, directories of dokploy*.yaml files (each directory one spec), or - for stdin (default dokploy.yaml)." placeholder:"FILE|DIR"`
	Format      string   `enum:"text,json,github" default:"text" help:"Output: text (diagnostics on stderr), json (one document on stdout) or github (workflow commands on stdout, for GitHub Actions annotations)."`
	RequireVars bool     `name:"require-vars" help:"Treat unset variables as errors instead of warnings."`
}

func (c *validateCmd) Run(g *Globals) error {
	files := append(append([]string{}, c.File...), c.Files...)
	if len(files) == 0 {
		files = []string{"dokploy.yaml"}
	}
	var all spec.Diagnostics
	for _, path := range files {
		f, diags, err := g.load(path)
		if err != nil {
			return err
		}
		if c.RequireVars {
			diags = requireVars(f, diags)
		}
		all = append(all, diags...)
	}
	// One order for every format: by file, then line and column (each
	// file's list is already sorted; unknown positions come first).
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].Pos, all[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	failed := all.HasErrors()
	switch c.Format {
	case "json":
		if err := writeJSON(g.stdout, all); err != nil {
			return err
		}
	case "github":
		writeGitHub(g.stdout, all)
		fmt.Fprintln(g.stdout, summary(all))
	default:
		writeText(g.stderr, all)
		if failed {
			return &exitError{code: 1, msg: summary(all)} // "Error: 2 errors, 1 warning" on stderr
		}
		fmt.Fprintln(g.stdout, summary(all))
	}
	if failed {
		return &exitError{code: 1}
	}
	return nil
}

// summary is "N errors, M warnings", "No errors, M warnings." or "No errors.".
func summary(ds spec.Diagnostics) string {
	errs, warns := len(ds.Errors()), len(ds.Warnings())
	switch {
	case errs > 0:
		return fmt.Sprintf("%d %s, %d %s", errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
	case warns > 0:
		return fmt.Sprintf("No errors, %d %s.", warns, plural(warns, "warning", "warnings"))
	}
	return "No errors."
}

// requireVars turns the warnings about unset ${VAR}s into errors.
func requireVars(f *spec.File, ds spec.Diagnostics) spec.Diagnostics {
	if f == nil {
		return ds
	}
	left := map[string]bool{}
	for _, v := range f.UnsetVars() {
		left[v] = true
	}
	for i, d := range ds {
		for v := range left {
			// "... ${V} is not set; fields that use it are shown as unknown"
			m := "${" + v + "} is not set"
			if k := strings.Index(d.Message, m); k >= 0 && d.Severity == spec.Warning {
				ds[i].Severity, ds[i].Message = spec.Error, d.Message[:k+len(m)]
				delete(left, v)
				break
			}
		}
	}
	if len(left) > 0 { // every unset variable has a warning; this is a safety net
		ds = append(ds, spec.Diagnostic{Pos: spec.Position{File: f.Path}, Message: "these variables are not set: " + strings.Join(spec.SortedKeys(left), ", ")})
	}
	return ds
}

// writeText prints "error: file:line:col: address: message" lines.
func writeText(w io.Writer, ds spec.Diagnostics) {
	fmt.Fprint(w, ds.String())
}

// writeJSON prints one document (formatVersion "1") for editors and tools.
// line and column are 0 when the position is unknown, address is "" for
// problems of the whole file.
func writeJSON(w io.Writer, ds spec.Diagnostics) error {
	type diag struct {
		Severity string `json:"severity"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Column   int    `json:"column"`
		Address  string `json:"address"`
		Message  string `json:"message"`
	}
	out := struct {
		FormatVersion string `json:"formatVersion"` // a string, like plan --json's
		Valid         bool   `json:"valid"`
		ErrorCount    int    `json:"errorCount"`
		WarningCount  int    `json:"warningCount"`
		Diagnostics   []diag `json:"diagnostics"`
	}{"1", !ds.HasErrors(), len(ds.Errors()), len(ds.Warnings()), make([]diag, 0, len(ds))}
	for _, d := range ds {
		out.Diagnostics = append(out.Diagnostics, diag{d.Severity.String(), d.Pos.File, d.Pos.Line, d.Pos.Col, d.Address, d.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// GitHub workflow commands escape their message and, more strictly, their
// properties.
var (
	ghData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProp = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// writeGitHub prints "::error file=F,line=L,col=C,title=dokploy-sync::ADDRESS: MESSAGE"
// lines, which GitHub Actions shows as annotations on the pull request.
func writeGitHub(w io.Writer, ds spec.Diagnostics) {
	for _, d := range ds {
		var props []string
		if d.Pos.File != "" {
			props = append(props, "file="+ghProp.Replace(d.Pos.File))
		}
		if d.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d,col=%d", d.Pos.Line, d.Pos.Col))
		}
		msg := d.Message
		if d.Address != "" {
			msg = d.Address + ": " + msg
		}
		fmt.Fprintf(w, "::%s %s::%s\n", d.Severity, strings.Join(append(props, "title=dokploy-sync"), ","), ghData.Replace(msg))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// renderCmd prints the merged spec.
type renderCmd struct {
	fileFlag
}

func (c *renderCmd) Run(g *Globals) error {
	vars, err := g.vars()
	if err != nil {
		return err
	}
	out, diags := spec.Render(c.File, g.specOptions(vars))
	writeText(g.stderr, diags)
	if diags.HasErrors() {
		return &exitError{code: 1, msg: summary(diags)}
	}
	_, err = g.stdout.Write(out)
	return err
}

// load reads a spec with the --var-file values. It prints nothing: the
// caller reports the diagnostics (validate in its --format, plan and apply
// as text on stderr).
func (g *Globals) load(path string) (*spec.File, spec.Diagnostics, error) {
	vars, err := g.vars()
	if err != nil {
		return nil, nil, err
	}
	f, diags := spec.Load(path, g.specOptions(vars))
	return f, diags, nil
}

// vars are the values of the --var-files.
func (g *Globals) vars() (map[string]string, error) {
	vars := map[string]string{}
	for _, vf := range g.VarFile {
		m, err := spec.ReadVarFile(vf)
		if err != nil {
			return nil, &exitError{code: 1, msg: err.Error()}
		}
		for k, v := range m {
			vars[k] = v
		}
	}
	return vars, nil
}

func (g *Globals) specOptions(vars map[string]string) spec.Options {
	return spec.Options{Vars: vars, Stdin: g.stdin, AllowOutsideFiles: g.AllowOutsideFiles, MaxSize: g.MaxSpecSize}
}

// confirm asks on the terminal; only "yes" proceeds. Without a terminal it
// refuses: closed stdin is never consent. Deletions are listed again right
// above the question.
// again is the command line to run again with --auto-approve.
func confirm(g *Globals, p *planner.Plan, again string) error {
	if !terminal(g) {
		return &exitError{code: 1, msg: fmt.Sprintf("refusing to apply without confirmation: there is no terminal to ask on; review the plan and run %s --auto-approve (e.g. in CI); nothing was changed", again)}
	}
	if _, _, destroy := p.Counts(); destroy > 0 {
		fmt.Fprintf(g.stdout, "\nThis will DELETE %d %s:\n", destroy, plural(destroy, "resource", "resources"))
		for _, c := range p.Changes {
			if c.Action == planner.Delete {
				fmt.Fprintf(g.stdout, "  - %s (id %s)\n", c.Address, c.LiveID)
			}
		}
		fmt.Fprintln(g.stdout)
		planner.RenderDataLoss(g.stdout, p, planner.RenderOptions{Color: g.color(g.stdout)})
	}
	if err := askYes(g, "Do you want to perform these actions?"); err != nil {
		fmt.Fprintln(g.stdout, "Apply cancelled.")
		return err
	}
	return nil
}

func terminal(g *Globals) bool {
	f, ok := g.stdin.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// askYes asks question on the terminal: only "yes" proceeds, and without a
// terminal the answer is no.
func askYes(g *Globals, question string) error {
	if !terminal(g) {
		return &exitError{code: 1, msg: "there is no terminal to ask on: add --auto-approve"}
	}
	fmt.Fprintf(g.stdout, "\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	line, _ := bufio.NewReader(g.stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return &exitError{code: 1}
	}
	return nil
}

// redactor hides secrets (the API key, passwords and env values of the
// spec and of the live state) in error messages: Dokploy's errors can quote
// submitted values.
type redactor struct{ values []string }

func newRedactor(key string) *redactor {
	r := &redactor{}
	r.add(key)
	return r
}

// add adds a secret in every form a server may echo it back in: as it is,
// JSON-escaped (a multi-line value inside an error's JSON) and
// URL-encoded (in a query or a URL).
func (r *redactor) add(v string) {
	if len(v) < 4 {
		return
	}
	r.values = append(r.values, v)
	if b, err := json.Marshal(v); err == nil {
		if esc := string(b[1 : len(b)-1]); esc != v {
			r.values = append(r.values, esc)
		}
	}
	for _, esc := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		if esc != v {
			r.values = append(r.values, esc)
		}
	}
}

func (r *redactor) addEnv(env map[string]string) {
	for _, v := range env {
		r.add(v)
	}
}

// addURL adds the password of a URL with credentials (a git URL with a
// token, a libsql primary URL).
func (r *redactor) addURL(raw *string) {
	if raw == nil {
		return
	}
	if u, err := url.Parse(*raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			r.add(pw)
		}
	}
}

func (r *redactor) addPtr(ps ...*string) {
	for _, p := range ps {
		if p != nil {
			r.add(*p)
		}
	}
}

func (r *redactor) addSpec(f *spec.File) {
	for _, v := range f.SecretValues() {
		r.add(v)
	}
	f.WalkObjects(func(_ string, o *spec.Object) {
		for _, v := range o.SecretValues() {
			r.add(v)
		}
	})
	for _, p := range f.Projects {
		r.addEnv(p.EnvVars)
		for _, e := range p.Environments {
			r.addEnv(e.EnvVars)
			for _, a := range e.Applications {
				r.addEnv(a.EnvVars)
				r.addEnv(a.BuildArgs)
				r.addEnv(a.BuildSecrets)
				if a.Source != nil && a.Source.Docker != nil {
					r.addPtr(a.Source.Docker.Password)
				}
				if a.Source != nil && a.Source.Git != nil {
					r.addURL(&a.Source.Git.URL)
				}
			}
			for _, c := range e.Compose {
				r.addEnv(c.EnvVars)
				if c.Source != nil && c.Source.Git != nil {
					r.addURL(&c.Source.Git.URL)
				}
			}
			for _, d := range e.Databases() {
				r.addEnv(d.EnvVars)
				r.addPtr(d.DatabasePassword, d.DatabaseRootPassword)
				r.addURL(d.SqldPrimaryURL)
			}
		}
	}
}

func (r *redactor) addLive(l *dokploy.Live) {
	for _, v := range l.ItemSecrets() {
		r.add(v)
	}
	for _, ps := range l.Projects {
		for _, p := range ps {
			r.addEnv(dokploy.ParseEnv(&p.Env))
			for _, e := range p.Environments {
				r.addEnv(dokploy.ParseEnv(&e.Env))
				for _, a := range e.Applications {
					r.addEnv(dokploy.ParseEnv(a.Env))
					r.addEnv(dokploy.ParseEnv(a.BuildArgs))
					r.addEnv(dokploy.ParseEnv(a.BuildSecrets))
					r.addPtr(a.Password)
					r.addURL(a.CustomGitURL)
				}
				for _, c := range e.Compose {
					r.addEnv(dokploy.ParseEnv(c.Env))
					r.addURL(c.CustomGitURL)
				}
				for _, d := range e.Databases {
					r.addEnv(dokploy.ParseEnv(d.Env))
					r.addPtr(d.DatabasePassword, d.DatabaseRootPassword)
					r.addURL(d.SqldPrimaryURL)
				}
			}
		}
	}
}

func (r *redactor) redact(s string) string {
	// Longest first, so a secret that contains another is hidden whole.
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, "(sensitive)")
	}
	return s
}

// newClient is the Dokploy client of every command, from the global flags
// and the contexts (of the spec f, nil for a command that reads none).
// ctx is the command's: its abort context (the second Ctrl-C) cuts the
// requests under way; the first Ctrl-C only stops new ones.
func (g *Globals) newClient(ctx context.Context, f *spec.File) (*dokploy.Client, error) {
	if err := g.resolveInstance(f); err != nil {
		return nil, err
	}
	var log io.Writer
	if g.Verbose {
		log = g.stderr
	}
	if g.MaxPoolCalls >= 10 {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("--max-pool-calls=%d: at most 9; Dokploy's database pool has 10 connections, and 10 of these calls in flight (each holding one while it waits for another) deadlock it, hanging the whole panel for every user until Postgres backends are killed", g.MaxPoolCalls)}
	}
	c, err := dokploy.New(dokploy.Options{BaseURL: g.URL, APIKey: g.APIKey, API: g.API, Log: log, Notice: g.stderr,
		UserAgent: "dokploy-sync/" + buildVersion(), MaxRequests: g.MaxRequests, URLBudget: g.URLBudget, BodyBudget: g.BodyBudget,
		Parallelism: g.Parallelism, MaxPoolCalls: g.MaxPoolCalls, MaxHostCalls: g.MaxHostCalls, MaxMutations: g.MaxMutations,
		MaxReadBatches: g.MaxReadBatches,
		Abort:          abortOf(ctx), AllowHTTP: g.AllowHTTP})
	if err != nil {
		return nil, &exitError{code: 1, msg: err.Error()}
	}
	return c, nil
}
