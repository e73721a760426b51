package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"sort"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/export"
	"github.com/dokploy-sync/dokploy-sync/internal/atomicfile"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// env pull and env push: the live env of one project, environment or
// service as a dotenv file, and back.
//
// Both run through the session of plan and apply: pull reads the live
// state as plan does and writes the env with export's writer (the one env
// writer: godotenv and Dokploy's parser both read its text back as the
// env); push replaces the spec's env of the address with the file's
// (spec.EnvOwner.Replace), plans with the plan narrowed to that env
// (planner.Plan.OnlyEnv, also in the check after apply) and applies and
// deploys as apply does.

type envCmd struct {
	Pull envPullCmd `cmd:"" help:"Write the env that Dokploy has for a project, an environment or a service as a dotenv file (stdout, or -o FILE)."`
	Push envPushCmd `cmd:"" help:"Make the env of a project, an environment or a service what a dotenv file says: shows the keys that change, asks, applies and deploys as apply does."`
}

type envPullCmd struct {
	fileFlag          // the spec names the projects to read
	Address    string `arg:"" help:"A project (shop), an environment (shop/staging) or a service (shop/production/application/api)." placeholder:"ADDRESS"`
	Output     string `short:"o" name:"output" help:"Write the dotenv file to FILE (mode 0600, replaced whole) instead of stdout." placeholder:"FILE"`
	ShowValues bool   `name:"show-values" help:"Print the values on a terminal too (on a terminal, without it, only the keys are shown; to a pipe or a file the values are always written)."`
}

type envPushCmd struct {
	fileFlag
	Address     string `arg:"" help:"A project (shop), an environment (shop/staging) or a service (shop/production/application/api)." placeholder:"ADDRESS"`
	EnvFile     string `arg:"" name:"file" help:"The dotenv file: the whole env the address gets (keys it lacks are removed)." placeholder:"FILE"`
	AutoApprove bool   `name:"auto-approve" help:"Push without asking (required when there is no terminal, e.g. in CI)."`
	ShowValues  bool   `name:"show-values" help:"Show env values in the plan. For debugging: the output is no longer safe to share."`
	Lock        bool   `name:"lock" negatable:"" default:"true" help:"Take the lease of apply on each declared project (--no-lock: do not)."`
	deployFlags
}

// pushedEnv is what env push puts in the place of the spec's env of one
// resource (specFlags.push).
type pushedEnv struct {
	addr string
	file string // the dotenv file, for messages
	vars map[string]string
	// Filled when the spec is loaded: the spec's own env of the resource,
	// before the file's replaced it.
	declared bool
	files    spec.StringList
	before   map[string]string
	pos      spec.Position
}

// replace puts the file's env in the place of the spec's, before the
// plan is computed.
func (pe *pushedEnv) replace(f *spec.File) error {
	o := f.EnvOwnerAt(pe.addr)
	if o == nil {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: no project, environment or service of dokploy.yaml is at this address; env push changes what dokploy.yaml declares (its deploy: policy decides the deploy), so declare it first (dokploy-sync export writes a dokploy.yaml from the server)%s", pe.addr, addressHint(f, pe.addr))}
	}
	if spec.HandsOff(o.Meta, o.Protect) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s says only protect: true in dokploy.yaml: dokploy-sync keeps it as it is and never changes its env; give it its settings in dokploy.yaml to manage it", pe.addr)}
	}
	pe.declared, pe.files, pe.pos = o.Declared(), o.Files, o.Meta.Pos
	for _, k := range []string{"env", "envFile"} { // where the spec says it
		if p, ok := o.Meta.Keys[k]; ok && (k == "env" || len(o.Files) > 0) {
			pe.pos = p
		}
	}
	pe.before = *o.Vars // Replace puts a new map in its place
	o.Replace(pe.vars)
	return nil
}

// check refuses a push to a resource that does not exist live: apply
// creates it, with its env.
func (pe *pushedEnv) check(s *session) error {
	if s.plan.LiveID(pe.addr) == "" {
		if e := planErrorAt(s.plan, pe.addr); e != "" {
			return &exitError{code: 1, msg: s.secret.redact(e) + "; nothing was changed"}
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%s does not exist in Dokploy yet: run apply first (it creates it with the env of dokploy.yaml); nothing was changed", pe.addr)}
	}
	if _, text, _ := planner.LiveEnv(s.live, s.plan.LiveID(pe.addr)); dokploy.IsRedacted(text) {
		// The plan cannot compare it, so it would push nothing.
		return &exitError{code: 1, msg: fmt.Sprintf("%s: Dokploy answered a placeholder in place of its env (it hides secrets from this API key), so the keys that change cannot be shown; nothing was changed; push with a key that may read the env, or set it in the Dokploy UI", pe.addr)}
	}
	return nil
}

// review prints, under the plan, the keys the push removes and what
// dokploy.yaml says of this env.
func (pe *pushedEnv) review(s *session, w io.Writer) {
	for _, c := range s.plan.Changes {
		if dropped := planner.DroppedEnvKeys(c.Fields); len(dropped) > 0 {
			fmt.Fprintf(w, "\nWARNING: %s has no %s, which %s has in Dokploy now: env push REMOVES %s (Dokploy replaces the whole env). Add %s to %s to keep %s.\n",
				pe.file, strings.Join(dropped, ", "), pe.addr, plural(len(dropped), "it", "them"), plural(len(dropped), "it", "them"), pe.file, plural(len(dropped), "it", "them"))
		}
	}
	if note := pe.specNote(); note != "" {
		fmt.Fprintf(w, "\nNote: %s\n", note)
	}
}

// specNote says what the next plan makes of the pushed env: nothing when
// dokploy.yaml does not manage it or says the same, a difference when it
// does (the env of envFile files, or inline).
func (pe *pushedEnv) specNote() string {
	if !pe.declared {
		return fmt.Sprintf("dokploy.yaml does not manage the env of %s (no env or envFile): plan and apply leave the pushed env as it is.", pe.addr)
	}
	if maps.Equal(pe.before, pe.vars) {
		return ""
	}
	where := fmt.Sprintf("%s:%d", pe.pos.File, pe.pos.Line)
	if len(pe.files) > 0 {
		return fmt.Sprintf("the env of %s comes from envFile %s (%s), which says otherwise: the next plan shows the difference and apply undoes this push. To keep it, write it into that file instead (dokploy-sync env pull %s -o FILE gives the live env) and run apply.",
			pe.addr, strings.Join(pe.files, ", "), where, pe.addr)
	}
	return fmt.Sprintf("dokploy.yaml declares the env of %s inline (%s) and says otherwise: the next plan shows the difference and apply undoes this push; copy the change into dokploy.yaml to keep it.", pe.addr, where)
}

// Run pushes the file's env through the plan and apply of apply.
func (c *envPushCmd) Run(ctx context.Context, g *Globals) error {
	vars, err := spec.ReadEnvFile(c.EnvFile)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("env push %s: %s; nothing was read from Dokploy", c.Address, err)}
	}
	pe := &pushedEnv{addr: c.Address, file: c.EnvFile, vars: vars}
	a := &applyCmd{
		specFlags:   specFlags{fileFlag: c.fileFlag, Target: []string{c.Address}, ShowValues: c.ShowValues, push: pe},
		AutoApprove: c.AutoApprove, Lock: c.Lock, deployFlags: c.deployFlags,
		review: pe.review,
	}
	return a.Run(ctx, g)
}

// Run writes the live env of the address.
func (c *envPullCmd) Run(ctx context.Context, g *Globals) error {
	s, err := g.prepare(ctx, specFlags{fileFlag: c.fileFlag}, false, nil)
	if err != nil {
		return err
	}
	defer s.requests()
	text, err := s.liveEnv(c.Address)
	if err != nil {
		return err
	}
	env := dokploy.ParseEnv(text)
	content, bad, only := export.EnvFile([]string{c.Address + ": env in Dokploy (dokploy-sync env pull)"}, env)
	if content == "" && len(env) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: the env cannot be written as a dotenv file that reads back the same (keys %s); nothing was written", c.Address, strings.Join(bad, ", "))}
	}
	if len(bad) > 0 {
		fmt.Fprintf(g.stderr, "Warning: %s: %s left out: no dotenv line that godotenv reads back holds %s (a key with \"-\", or a multi-line value ending in a backslash); env push of this file removes %s\n",
			c.Address, strings.Join(bad, ", "), plural(len(bad), "it", "them"), plural(len(bad), "it", "them"))
	}
	if len(only) > 0 {
		fmt.Fprintf(g.stderr, "Warning: %s: the lines of %s read back right in dokploy-sync (env push, envFile) but not in Dokploy's env editor: push the file, do not paste it\n", c.Address, strings.Join(only, ", "))
	}
	if len(env) == 0 {
		fmt.Fprintf(g.stderr, "Note: %s has no env in Dokploy; the file holds only a comment\n", c.Address)
	}
	n := len(env) - len(bad)
	if c.Output != "" && c.Output != "-" {
		if err := atomicfile.Write(c.Output, []byte(content), 0o600); err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("writing the env of %s: %v", c.Address, err)}
		}
		fmt.Fprintf(g.stdout, "Wrote the env of %s (%d %s) to %s (mode 0600).\n", c.Address, n, plural(n, "key", "keys"), c.Output)
		return nil
	}
	if isTerminal(g.stdout) && !c.ShowValues {
		writeKeys(g.stdout, env, bad)
		fmt.Fprintf(g.stderr, "Values hidden on a terminal: add --show-values to print them, or write them to a file with -o FILE (mode 0600) or through a pipe.\n")
		return nil
	}
	_, err = io.WriteString(g.stdout, content)
	return err
}

// writeKeys prints the keys of env with their values hidden.
func writeKeys(w io.Writer, env map[string]string, bad []string) {
	left := map[string]bool{}
	for _, k := range bad {
		left[k] = true
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		if !left[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s=(sensitive)\n", k)
	}
}

// isTerminal says whether w is a terminal (a variable: tests stand in for one).
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// liveEnv is the live env text of the project, environment or service at
// addr (nil: none set), as the plan matched it.
func (s *session) liveEnv(addr string) (*string, error) {
	id := s.plan.LiveID(addr)
	if id == "" {
		if e := planErrorAt(s.plan, addr); e != "" {
			return nil, &exitError{code: 1, msg: s.secret.redact(e)}
		}
		if s.spec.EnvOwnerAt(addr) != nil {
			return nil, &exitError{code: 1, msg: fmt.Sprintf("%s does not exist in Dokploy yet: run apply first", addr)}
		}
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s: no project, environment or service of dokploy.yaml or of its projects in Dokploy is at this address%s", addr, addressHint(s.spec, addr))}
	}
	kind, text, ok := planner.LiveEnv(s.live, id)
	if !ok {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s has no env: env pull reads the env of a project, an environment or a service", addr)}
	}
	if dokploy.IsRedacted(text) {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s: Dokploy answered a placeholder in place of the env of this %s (it hides secrets from this API key); nothing was written", addr, kind)}
	}
	return text, nil
}

// planErrorAt is the plan's error about addr or one of its parents (two
// live resources of one name), or "".
func planErrorAt(p *planner.Plan, addr string) string {
	for a := addr; a != ""; {
		for _, e := range p.Errors {
			if strings.HasPrefix(e, a+":") {
				return e
			}
		}
		i := strings.LastIndex(a, "/")
		if i < 0 {
			break
		}
		a = a[:i]
	}
	return ""
}
