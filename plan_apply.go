package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/internal/atomicfile"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// fileFlag is the -f of the commands that read a spec.
type fileFlag struct {
	File string `short:"f" default:"dokploy.yaml" help:"The spec: a file, a directory of dokploy*.yaml files (merged), or - for stdin." placeholder:"FILE|DIR"`
}

type specFlags struct {
	fileFlag
	ShowValues bool     `name:"show-values" help:"Show env values in the plan (never passwords). For debugging: the output is no longer safe to share."`
	Target     []string `name:"target" sep:"none" help:"Limit the plan to this address (a project, an environment or a resource, with what is under it and the parents it needs); repeatable." placeholder:"ADDRESS"`
	Prune      bool     `name:"prune" help:"Delete the resources inside the declared projects that dokploy.yaml does not list (never protect: true ones, never the default environment, never other projects)."`
	DeleteData bool     `name:"delete-data" help:"With --prune: also delete databases and compose services (Dokploy removes a compose service's directory, with its bind-mounted files, and with deleteVolumes its volumes). Their data is lost."`

	planFile string // the saved plan being applied, if any: named when its spec is missing
	// push, for env push: the env put in the place of the spec's at one
	// address, with every plan (the one applied and the check after it)
	// narrowed to that env.
	push *pushedEnv
	// planInstance is the instance the saved plan was made against: apply
	// refuses another.
	planInstance *planner.JSONInstance
}

type planCmd struct {
	specFlags
	DetailedExitcode bool   `name:"detailed-exitcode" help:"Exit 0 when there are no changes, 2 when there are (or deploys are owed), 1 on errors."`
	RequireVars      bool   `name:"require-vars" help:"Treat unset variables as errors instead of unknown values."`
	Format           string `name:"format" enum:"text,json,markdown" default:"text" help:"Output: text, json (formatVersion 1) or markdown (for a pull request comment: no colour, cut to fit GitHub's 65,536 characters)."`
	JSON             bool   `name:"json" help:"Same as --format json."`
	Out              string `name:"out" help:"Also save the plan to FILE, for apply FILE." placeholder:"FILE"`
}

type applyCmd struct {
	specFlags
	PlanFile    string `arg:"" optional:"" help:"A plan saved with plan --out: applied as it is, without asking, unless the spec or the live state changed since." placeholder:"PLANFILE"`
	AutoApprove bool   `name:"auto-approve" help:"Apply without asking (required when there is no terminal, e.g. in CI)."`
	JSON        bool   `name:"json" help:"Write events as JSON lines instead of text: the plan, each change, each deploy, a summary."`
	Lock        bool   `name:"lock" negatable:"" default:"true" help:"Take a lease on each declared project (a Dokploy tag dokploy-sync-lock:PROJECT) before reading the live state, so that a second apply at the same time refuses instead of duplicating resources (--no-lock: do not)."`
	NoDeploy    bool   `name:"no-deploy" help:"Do not deploy anything after applying."`
	deployFlags

	// review, when set, prints more under the plan, before the question
	// (env push: the keys it removes).
	review func(*session, io.Writer)
}

// deployFlags control how the deploys are followed, after apply and in the
// deploy command. Only flags both commands read belong here (--no-deploy is
// apply's own: deploy always deploys).
type deployFlags struct {
	Wait          bool          `name:"wait" negatable:"" default:"true" help:"Follow each deploy to its end (--no-wait: start the deploys and return)."`
	DeployTimeout time.Duration `name:"deploy-timeout" default:"15m" help:"How long to follow the deploys (they go on in Dokploy after it)."`
	DeployPoll    time.Duration `name:"deploy-poll" default:"3s" hidden:"" help:"Time between polls of the deployments."`
}

type deployCmd struct {
	fileFlag
	Addresses []string `arg:"" help:"Services to deploy, or a project or environment for all of its services (as dokploy.yaml declares them)." placeholder:"ADDRESS"`
	deployFlags
}

// Run deploys the chosen services without changing anything else.
func (c *deployCmd) Run(ctx context.Context, g *Globals) error {
	s, err := g.prepare(ctx, specFlags{fileFlag: c.fileFlag}, false, nil)
	if err != nil {
		return err
	}
	defer s.requests()
	targets, err := s.servicesAt(c.Addresses)
	if err != nil {
		return err
	}
	if targets, err = deployable(c.Addresses, targets, g.stderr); err != nil {
		return err
	}
	apply.Stamp(targets, s.live) // the live state just read: what these deploys deploy
	return s.deploy(ctx, targets, c.deployFlags, g.stdout, nil)
}

// servicesAt returns the services of the spec at or under each address (a
// service, an environment or a project), with their ids from the plan: the
// one reading of addresses of deploy and of the commands that act on
// services by address. A service not created yet is an error.
func (s *session) servicesAt(addrs []string) ([]apply.DeployTarget, error) {
	var targets []apply.DeployTarget
	for _, a := range addrs {
		found := apply.ServicesUnder(s.spec, []string{a})
		if len(found) == 0 {
			return nil, &exitError{code: 1, msg: fmt.Sprintf("%s: no service of dokploy.yaml is at or under this address%s", a, addressHint(s.spec, a))}
		}
		for _, t := range found {
			t.ID = s.plan.IDs[t.Address]
			if t.ID == "" {
				return nil, &exitError{code: 1, msg: fmt.Sprintf("%s does not exist in Dokploy yet: run apply first", t.Address)}
			}
			targets = append(targets, t)
		}
	}
	return targets, nil
}

// addressHint is the did-you-mean and the examples, drawn from the spec's
// own projects, environments and services, of an address that names none.
func addressHint(f *spec.File, addr string) string {
	var services []string
	for _, t := range apply.ServicesUnder(f, spec.SortedKeys(f.Projects)) {
		services = append(services, t.Address)
	}
	if len(services) == 0 {
		return "; dokploy.yaml declares no service"
	}
	return spec.AddressHint(addr, spec.WithParents(services))
}

// session is what plan and apply share: the spec, the client and the plan.
type session struct {
	g       *Globals
	flags   specFlags
	spec    *spec.File
	client  *dokploy.Client
	live    *dokploy.Live
	plan    *planner.Plan
	secret  *redactor
	targets []string
	leases  []dokploy.Lease // taken by apply, released at its end
}

// prepare loads the spec, reads the live state and computes the plan: the
// one code path of plan and apply. lock, when not nil, runs before the live
// state is read (apply takes its leases there, so that the plan it applies
// is computed under them); when prepare fails after it, the leases are
// released.
func (g *Globals) prepare(ctx context.Context, sf specFlags, requireVars bool, lock func(context.Context, *session) error) (*session, error) {
	if sf.DeleteData && !sf.Prune {
		return nil, &exitError{code: 1, msg: "--delete-data only means something with --prune: it lets --prune delete databases and compose volumes"}
	}
	f, diags, err := g.load(sf.File)
	if err != nil {
		return nil, err
	}
	writeText(g.stderr, diags)
	if !diags.HasErrors() && sf.push != nil {
		if err := sf.push.replace(f); err != nil {
			return nil, err
		}
	}
	if diags.HasErrors() {
		if f == nil && len(diags.Errors()) == 1 && strings.Contains(diags.Errors()[0].Message, "cannot read") {
			if sf.planFile != "" {
				return nil, &exitError{code: 1, msg: fmt.Sprintf("no spec at %s, the spec %s was made from: run apply %s from the directory plan ran in", sf.File, sf.planFile, sf.planFile)}
			}
			return nil, &exitError{code: 1, msg: fmt.Sprintf("no spec at %s: pass -f FILE, or write one from a server with dokploy-sync export", sf.File)}
		}
		n := len(diags.Errors())
		name := sf.File
		if name == "-" {
			name = spec.StdinName
		}
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s has %d %s (above); nothing was read from Dokploy", name, n, plural(n, "error", "errors"))}
	}
	if requireVars && len(f.UnsetVars()) > 0 {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("these variables are not set: %s", strings.Join(f.UnsetVars(), ", "))}
	}
	s := &session{g: g, flags: sf, spec: f, secret: newRedactor(g.APIKey), targets: sf.Target}
	s.secret.addSpec(f)
	s.client, err = g.newClient(ctx, f)
	if err != nil {
		return nil, err
	}
	s.secret.add(g.APIKey) // the key may come from a context
	if p := sf.planInstance; p != nil && !sameInstance(p.URL, g.URL) {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s was made against the Dokploy instance %s, and this apply talks to %s: apply it there (%s), or run plan --out again against this one; nothing was changed",
			sf.planFile, describeInstance(p), describeInstance(g.instance.json()), chooseInstance(p))}
	}
	if lock != nil {
		if err := lock(ctx, s); err != nil {
			return nil, err
		}
	}
	if err := s.observe(ctx); err != nil {
		s.unlock(ctx)
		return nil, err
	}
	return s, nil
}

// observe reads the live state and (re)computes the plan.
func (s *session) observe(ctx context.Context) error {
	live, err := s.client.Observe(ctx, spec.SortedKeys(s.spec.Projects), planner.ReadKinds(s.spec)...)
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, msg: "interrupted while reading the live state"}
		}
		return &exitError{code: 1, msg: s.secret.redact("reading the live state: " + err.Error())}
	}
	s.live = live
	s.secret.addLive(live)
	s.plan = planner.Compute(s.spec, live)
	// Target first: an unmanaged resource is a valid target of --prune.
	if err := s.plan.Target(s.targets); err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	if s.flags.Prune {
		s.plan.Prune(planner.PruneOptions{Data: s.flags.DeleteData})
	}
	if s.flags.push != nil {
		s.plan.OnlyEnv(s.flags.push.addr, s.flags.push.file)
	}
	return nil
}

func (s *session) renderOptions(w io.Writer) planner.RenderOptions {
	return planner.RenderOptions{Color: s.g.color(w), ShowValues: s.flags.ShowValues, Instance: s.g.instance.json()}
}

func (s *session) render(w io.Writer) { planner.Render(w, s.plan, s.renderOptions(w)) }

func (s *session) requests() {
	if s.g.Verbose {
		fmt.Fprintf(s.g.stderr, "dokploy: %d HTTP requests in %d round trips (%s)\n", s.client.Requests(), s.client.RoundTrips(), s.client.Transport())
	}
}

// color: only on a terminal, never with NO_COLOR or --no-color.
func (g *Globals) color(w io.Writer) bool {
	if g.NoColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

func (c *planCmd) Run(ctx context.Context, g *Globals) error {
	if c.Out != "" && c.File == "-" {
		return &exitError{code: 1, msg: "--out needs a spec file, not stdin: apply reads the spec again to check that it did not change"}
	}
	if c.JSON {
		if c.Format != "text" && c.Format != "json" {
			return &exitError{code: 1, msg: fmt.Sprintf("--json is --format json: it cannot go with --format %s", c.Format)}
		}
		c.Format = "json"
	}
	g.quietInstance = c.Format == "json" // the plan names it
	s, err := g.prepare(ctx, c.specFlags, c.RequireVars, nil)
	if err != nil {
		return err
	}
	defer s.requests()
	switch c.Format {
	case "json":
		if err := planner.RenderJSON(g.stdout, s.plan, s.renderOptions(g.stdout)); err != nil {
			return err
		}
	case "markdown":
		if err := planner.RenderMarkdown(g.stdout, s.plan, s.renderOptions(g.stdout)); err != nil {
			return err
		}
	default:
		s.render(g.stdout)
	}
	if c.Out != "" {
		if err := s.save(c.Out); err != nil {
			return err
		}
		if c.Format == "text" {
			fmt.Fprintf(g.stdout, "\nSaved the plan to %s. Apply exactly this plan with: dokploy-sync apply %s\n", c.Out, c.Out)
		}
	}
	if len(s.plan.Errors) > 0 {
		return &exitError{code: 1, msg: "the plan has errors (above); nothing can be applied until they are fixed"}
	}
	if c.DetailedExitcode && !s.plan.Empty() {
		return &exitError{code: 2}
	}
	return nil
}

// save writes the plan with the fingerprints of what it was made from.
func (s *session) save(path string) error {
	salt := planner.NewSalt()
	saved := &planner.SavedPlan{
		FormatVersion:   planner.FormatVersion,
		ToolVersion:     buildVersion(),
		SpecFile:        s.flags.File,
		VarFiles:        s.g.VarFile,
		Targets:         s.targets,
		Prune:           s.flags.Prune,
		DeleteData:      s.flags.DeleteData,
		Salt:            salt,
		SpecFingerprint: planner.SpecFingerprint(salt, s.spec),
		LiveFingerprint: planner.LiveFingerprint(salt, s.live),
		Instance:        s.g.instance.json(),
		Plan:            s.plan.JSON(planner.RenderOptions{}),
	}
	// Written whole or not at all, 0600 whatever was there, never through
	// a symlink at path: the file holds hashes over secrets.
	var b bytes.Buffer
	if err := planner.WriteSaved(&b, saved); err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("saving the plan: %v", err)}
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o600); err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("saving the plan: %v", err)}
	}
	return nil
}

// loadSaved reads a saved plan and points the flags at what it was made
// from.
func (c *applyCmd) loadSaved(g *Globals) (*planner.SavedPlan, error) {
	f, err := os.Open(c.PlanFile)
	if err != nil {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("reading the saved plan: %v", err)}
	}
	defer f.Close()
	saved, err := planner.ReadSaved(f)
	if err != nil {
		if strings.HasSuffix(c.PlanFile, ".yaml") || strings.HasSuffix(c.PlanFile, ".yml") {
			return nil, &exitError{code: 1, msg: fmt.Sprintf("%s looks like a spec, not a saved plan: apply a spec with apply -f %s", c.PlanFile, c.PlanFile)}
		}
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s: %v", c.PlanFile, err)}
	}
	if c.File != "dokploy.yaml" && c.File != saved.SpecFile || len(c.Target) > 0 || c.Prune || c.DeleteData {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("%s applies the spec, targets and prune settings it was made with (%s); do not pass -f, --target, --prune or --delete-data with a saved plan", c.PlanFile, saved.SpecFile)}
	}
	c.File, c.Target, c.Prune, c.DeleteData, g.VarFile = saved.SpecFile, saved.Targets, saved.Prune, saved.DeleteData, saved.VarFiles
	c.planFile, c.planInstance = c.PlanFile, saved.Instance
	return saved, nil
}

// stale says why a saved plan no longer applies, or "" when it does.
func stale(saved *planner.SavedPlan, s *session) string {
	switch {
	case planner.SpecFingerprint(saved.Salt, s.spec) != saved.SpecFingerprint:
		return fmt.Sprintf("%s (or its env files or variables) changed since the plan was made", saved.SpecFile)
	case planner.LiveFingerprint(saved.Salt, s.live) != saved.LiveFingerprint:
		return "the live state of the declared projects changed in Dokploy since the plan was made"
	case !reflect.DeepEqual(jsonRoundTrip(s.plan.JSON(planner.RenderOptions{})), jsonRoundTrip(saved.Plan)):
		return "this version of dokploy-sync computes a different plan from the same inputs"
	}
	return ""
}

func jsonRoundTrip(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

func (c *applyCmd) Run(ctx context.Context, g *Globals) error {
	var saved *planner.SavedPlan
	if c.PlanFile != "" {
		var err error
		if saved, err = c.loadSaved(g); err != nil {
			return err
		}
	}
	if c.JSON && !c.AutoApprove && saved == nil {
		return &exitError{code: 1, msg: "apply --json cannot ask for confirmation: add --auto-approve, or apply a saved plan"}
	}
	g.quietInstance = c.JSON // the plan event names it
	var lock func(context.Context, *session) error
	if c.Lock {
		lock = func(ctx context.Context, s *session) error { return s.lock(ctx, c.DeployTimeout+time.Hour) }
	}
	s, err := g.prepare(ctx, c.specFlags, false, lock)
	if err != nil {
		return err
	}
	defer s.requests()
	// Held through the apply, its check and its deploys; released also on
	// failure and on interrupt (with a context of its own).
	defer s.unlock(ctx)
	if c.push != nil {
		if err := c.push.check(s); err != nil {
			return err
		}
	}
	if saved != nil {
		if len(s.spec.UnsetVars()) > 0 {
			return &exitError{code: 1, msg: fmt.Sprintf("apply needs every variable the spec uses; not set: %s (set them in the environment or pass --var-file); nothing was changed", strings.Join(s.spec.UnsetVars(), ", "))}
		}
		if why := stale(saved, s); why != "" {
			return &exitError{code: 1, msg: fmt.Sprintf("saved plan is stale: %s; nothing was changed; run plan --out again and review the new plan", why)}
		}
	}
	// Human output, or with --json one event per line.
	out := g.stdout
	var ev *events
	if c.JSON {
		out, ev = io.Discard, newEvents(g.stdout, s.secret.redact)
		ev.plan(s.plan, g.instance.json())
	}
	err = c.run(ctx, s, saved, out, ev)
	if ev != nil {
		ev.summary(s.plan, err)
	}
	return err
}

// run applies the session's plan and deploys, writing human output to out
// and events to ev (when not nil).
func (c *applyCmd) run(ctx context.Context, s *session, saved *planner.SavedPlan, out io.Writer, ev *events) error {
	g := s.g
	planner.Render(out, s.plan, s.renderOptions(out))
	if c.review != nil {
		c.review(s, out)
	}
	if len(s.plan.Errors) > 0 {
		return &exitError{code: 1, msg: "the plan has errors (above); nothing was changed"}
	}
	if len(s.plan.UnsetVars) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("apply needs every variable the spec uses; not set: %s (set them in the environment or pass --var-file); nothing was changed", strings.Join(s.plan.UnsetVars, ", "))}
	}
	if s.plan.Empty() {
		return nil
	}
	if !c.AutoApprove && saved == nil {
		again := "apply"
		if c.push != nil {
			again = "env push " + c.push.addr + " " + c.push.file
		}
		if err := confirm(g, s.plan, again); err != nil {
			return err
		}
		if err := s.stillLocked(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	applied := s.plan
	if n := apply.SerialCreates(applied, s.live.Role); n > 0 {
		fmt.Fprintf(g.stderr, "Note: %s: its %d %s one at a time (Dokploy adds each to the member's access list by read-modify-write; creates sent together lose entries and the key loses access to what it created)\n",
			roleNote(s.live.Role), n, plural(n, "create goes", "creates go"))
	}
	res := apply.Apply(ctx, s.client, applied, apply.Options{Log: out, Redact: s.secret.redact})
	if ev != nil {
		ev.applied(res)
	}
	// The services whose changes were made are deployed even when other
	// changes failed: the next plan would show them owed, but this apply
	// owes them now. So are the deploys the plan owed.
	done := *applied
	done.Changes = res.Written(applied)
	targets := apply.DeployTargets(s.spec, &done, res.IDs)
	deploy := func() error {
		if c.NoDeploy || ctx.Err() != nil {
			return nil
		}
		// The stamps come from s.live, the state read after the writes.
		apply.Stamp(targets, s.live)
		return s.deploy(ctx, targets, c.deployFlags, out, ev)
	}
	if err := res.Redacted(s.secret.redact); err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, msg: res.Interrupted(s.secret.redact).Error()}
		}
		// Read the live state again before deploying, so that the stamps
		// say what the deploys deploy. If that read fails, s.live is the
		// state from before the writes: a stamp from it can only make a
		// later plan owe a deploy again, never hide one.
		s.reread(ctx, out, res.Uncertain())
		deploy() // its own failures are reported as it goes; the apply error is the one to return
		return &exitError{code: 1, msg: err.Error()}
	}
	add, change, destroy := applied.Counts()
	// The second run: after a successful apply a new plan must be empty,
	// but for the deploys this apply is about to make (it makes them
	// after this check): each must be one of its targets.
	if err := s.observe(ctx); err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, msg: fmt.Sprintf("interrupted while checking the result: every change was applied (%d added, %d changed, %d destroyed), but the check that nothing is left did not finish, and nothing was deployed; run plan to see what is left, apply to deploy", add, change, destroy)}
		}
		return err
	}
	if len(s.plan.Errors) > 0 {
		return duplicatesAfterApply(g.stderr, s.plan.Errors, c.NoDeploy)
	}
	if extra := unexpected(s.plan, targets); len(s.plan.Changes) > 0 || len(extra) > 0 {
		fmt.Fprintln(g.stderr, "\nA new plan after apply still shows changes:")
		s.plan.Deploys = extra
		s.render(g.stderr)
		deploy()
		return &exitError{code: 1, msg: "apply finished but Dokploy still differs from dokploy.yaml (expected 0 changes); this is a bug in dokploy-sync or a field Dokploy does not keep, please report it with the plan above"}
	}
	s.plan = applied // the summary counts what was applied
	fmt.Fprintf(out, "\nApply complete! Resources: %d added, %d changed, %d destroyed.\n", add, change, destroy)
	if c.NoDeploy && len(targets) > 0 {
		fmt.Fprintf(out, "\n--no-deploy: %d %s not deployed; plan shows %s owed until a deploy.\n", len(targets), plural(len(targets), "service is", "services are"), plural(len(targets), "it", "them"))
	}
	return deploy()
}

// duplicatesAfterApply fails an apply whose check found errors in the plan
// read again: two live resources for one address, most likely made by
// another apply (or a UI user) at the same time as this one. Nothing is
// deployed: which copy stays is the user's choice.
func duplicatesAfterApply(w io.Writer, errs []string, noDeploy bool) error {
	fmt.Fprintln(w, "\nThe live state read again after apply has errors:")
	for _, e := range errs {
		fmt.Fprintf(w, "  %s\n", e)
	}
	deployed := ""
	if !noDeploy {
		deployed = " Nothing was deployed: deploy the services you keep with dokploy-sync deploy ADDRESS."
	}
	n := len(errs)
	return &exitError{code: 1, msg: fmt.Sprintf("apply made its changes, but Dokploy now has duplicates (%d %s above, with their ids): another apply or a Dokploy UI user probably created the same resources at the same time. "+
		"For each, delete the extra one in the Dokploy UI, or rename it, then run dokploy-sync plan.%s", n, plural(n, "error", "errors"), deployed)}
}

// unexpected lists the deploys p owes that are not among targets.
func unexpected(p *planner.Plan, targets []apply.DeployTarget) []planner.Deploy {
	expected := map[string]bool{}
	for _, t := range targets {
		expected[t.Address] = true
	}
	var out []planner.Deploy
	for _, d := range p.Deploys {
		if !expected[d.Address] {
			out = append(out, d)
		}
	}
	return out
}

// reread reads the live state again after a failed apply: for the
// stamps of the deploys that follow, and, after a change whose outcome is
// unknown (its answer was lost), to say what is left to do: the next
// apply starts from there, and never resends blindly.
func (s *session) reread(ctx context.Context, out io.Writer, uncertain bool) {
	if err := s.observe(ctx); err != nil {
		if uncertain {
			fmt.Fprintf(out, "\nThe outcome of a change is unknown, and reading the live state again failed too: %v\n", err)
		}
		return
	}
	if !uncertain {
		return
	}
	add, change, destroy := s.plan.Counts()
	fmt.Fprintf(out, "\nThe outcome of a change is unknown (its answer was lost); the live state read again leaves %d to add, %d to change, %d to destroy. Run apply again to finish.\n", add, change, destroy)
}

// deploy deploys the targets and follows them, with the session's client
// (database deploys are synchronous: apply.Deploy gives their calls a
// timeout as long as the deploys).
func (s *session) deploy(ctx context.Context, targets []apply.DeployTarget, f deployFlags, out io.Writer, ev *events) error {
	if len(targets) == 0 {
		return nil
	}
	fmt.Fprintf(out, "\nDeploying %d %s:\n", len(targets), plural(len(targets), "service", "services"))
	terminal := false
	if f, ok := out.(*os.File); ok && !s.g.Verbose {
		terminal = isatty.IsTerminal(f.Fd())
	}
	res := apply.Deploy(ctx, s.client, targets, apply.DeployOptions{
		Wait: f.Wait, Timeout: f.DeployTimeout, Poll: f.DeployPoll, Log: out, Terminal: terminal, Redact: s.secret.redact,
	})
	if ev != nil {
		ev.deployed(res)
	}
	s.clearMarkers(ctx, res)
	if err := res.Err(); err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, msg: err.Error() + "\nthe deploys not followed go on in Dokploy; the next plan shows any that did not end well"}
		}
		return &exitError{code: 1, msg: err.Error()}
	}
	return nil
}

// clearMarkers removes the deploy markers (dokploy.DeployMarker) of the
// services whose deploy succeeded; s.live, read after the writes, holds
// the markers apply left. A marker left by accident only costs one more
// deploy of its service.
func (s *session) clearMarkers(ctx context.Context, res *apply.DeployResult) {
	ids := map[string]string{}
	for _, t := range s.live.Tags {
		if addr, ok := strings.CutPrefix(t.Name, dokploy.DeployMarkerPrefix); ok {
			ids[addr] = t.TagID
		}
	}
	var calls []*dokploy.Call
	for _, o := range res.Done {
		if id := ids[o.Target.Address]; id != "" {
			calls = append(calls, dokploy.NewCall("tag.remove", map[string]string{"tagId": id}, nil))
		}
	}
	if len(calls) == 0 || ctx.Err() != nil {
		return
	}
	if err := s.client.Do(ctx, calls...); err != nil {
		fmt.Fprintf(s.g.stderr, "Warning: a deploy marker could not be removed (%s); the next apply deploys its service once more\n", s.secret.redact(err.Error()))
	}
}

// roleNote says the key's role, which is neither owner nor admin.
func roleNote(role string) string {
	if role == "member" {
		return "the API key has the member role"
	}
	return fmt.Sprintf("the API key has the role %q (a custom role)", role)
}
