package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// runStateFlags are the flags of stop and start.
type runStateFlags struct {
	fileFlag
	AutoApprove bool          `name:"auto-approve" help:"Act without asking (required when there is no terminal, e.g. in CI)."`
	Timeout     time.Duration `name:"timeout" default:"15m" help:"How long to wait for the services to reach the state (a start by a deploy follows the deploy)."`
	Poll        time.Duration `name:"poll" default:"2s" hidden:"" help:"Time between reads of the services' status."`
}

type stopCmd struct {
	Addresses []string `arg:"" help:"Services to stop, or a project or environment for all of its services (as dokploy.yaml declares them)." placeholder:"ADDRESS"`
	runStateFlags
}

type startCmd struct {
	Addresses []string `arg:"" help:"Services to start, or a project or environment for all of its services (as dokploy.yaml declares them)." placeholder:"ADDRESS"`
	runStateFlags
}

// Run stops the chosen services (<kind>.stop) without changing
// dokploy.yaml or their settings.
func (c *stopCmd) Run(ctx context.Context, g *Globals) error {
	return runState(ctx, g, c.Addresses, c.runStateFlags, kinds.StateStopped)
}

// Run starts the chosen services without changing dokploy.yaml or their
// settings: <kind>.start, or a deploy where that is how a service starts
// (kinds.StartProc).
func (c *startCmd) Run(ctx context.Context, g *Globals) error {
	return runState(ctx, g, c.Addresses, c.runStateFlags, kinds.StateRunning)
}

// stateAct is what stop or start does to one service.
type stateAct struct {
	target apply.DeployTarget
	proc   string // the procedure; "" for a start by a deploy
	why    string // why a deploy starts it
	call   *dokploy.Call
	err    error
	done   bool
}

// verbs word the commands: stop, stopped; start, started.
func verbs(want string) (verb, past string) {
	if want == kinds.StateStopped {
		return "stop", "stopped"
	}
	return "start", "started"
}

// runState brings the services at addrs to the run state want: it shows
// what it will do, asks (or --auto-approve), calls the procedures in one
// round trip and reads the services until each shows the state, or
// follows the deploys that start the others.
func runState(ctx context.Context, g *Globals, addrs []string, f runStateFlags, want string) error {
	verb, past := verbs(want)
	s, err := g.prepare(ctx, specFlags{fileFlag: f.fileFlag}, false, nil)
	if err != nil {
		return err
	}
	defer s.requests()
	targets, err := s.servicesAt(addrs)
	if err != nil {
		return err
	}
	rows := runStateRows(s.live)
	var acts []*stateAct
	var already []string
	for _, t := range targets {
		row := rows[t.Address]
		if row["state"] == want {
			already = append(already, t.Address)
			continue
		}
		if row["state"] == nil && want == kinds.StateStopped {
			already = append(already, t.Address+" (never deployed)")
			continue
		}
		a := &stateAct{target: t, proc: kinds.RunState.Hooks.Act(t.Kind, want, row)}
		a.why = startByDeploy(t.Kind)
		if row["state"] == nil {
			a.proc, a.why = "", "it was never deployed" // its first deploy starts it
		}
		acts = append(acts, a)
	}
	out := g.stdout
	for _, a := range already {
		fmt.Fprintf(out, "%s: already %s\n", a, past)
	}
	if len(acts) == 0 {
		fmt.Fprintf(out, "Nothing to %s.\n", verb)
		return nil
	}
	fmt.Fprintf(out, "dokploy-sync will %s %d %s:\n", verb, len(acts), plural(len(acts), "service", "services"))
	for _, a := range acts {
		how := a.proc
		if how == "" {
			how = "a deploy: " + a.why
		}
		fmt.Fprintf(out, "  %s %s (%s)\n", map[string]string{kinds.StateStopped: "-", kinds.StateRunning: "+"}[want], a.target.Address, how)
	}
	drift(out, acts, want)
	if !f.AutoApprove {
		if !terminal(g) {
			return &exitError{code: 1, msg: fmt.Sprintf("refusing to %s without confirmation: there is no terminal to ask on; review the list above and run %s --auto-approve; nothing was changed", verb, verb)}
		}
		if err := askYes(g, fmt.Sprintf("Do you want to %s these services?", verb)); err != nil {
			fmt.Fprintf(out, "%s cancelled.\n", strings.ToUpper(verb[:1])+verb[1:])
			return err
		}
	}
	fmt.Fprintln(out)
	var calls []*dokploy.Call
	var deploys []apply.DeployTarget
	for _, a := range acts {
		if a.proc == "" {
			deploys = append(deploys, a.target)
			continue
		}
		a.call = dokploy.NewCall(a.proc, map[string]any{dokploy.IDKey(a.target.Kind): a.target.ID}, nil)
		a.call.Timeout = f.Timeout
		calls = append(calls, a.call)
	}
	if len(calls) > 0 {
		s.client.Do(ctx, calls...) // each call's own error is read below
		for _, a := range acts {
			if a.call != nil && a.call.Err != nil {
				a.err = fmt.Errorf("%s failed: %s", a.proc, s.secret.redact(a.call.Err.Error()))
			}
		}
		s.follow(ctx, acts, want, f)
	}
	failed := 0
	for _, a := range acts {
		if a.call == nil {
			continue
		}
		if a.err != nil {
			failed++
			fmt.Fprintf(out, "%s: FAILED: %s\n", a.target.Address, a.err)
		} else {
			fmt.Fprintf(out, "%s: %s\n", a.target.Address, past)
		}
	}
	var deployErr error
	if len(deploys) > 0 {
		apply.Stamp(deploys, s.live)
		deployErr = s.deploy(ctx, deploys, deployFlags{Wait: true, DeployTimeout: f.Timeout, DeployPoll: f.Poll}, out, nil)
	}
	if failed > 0 {
		msg := fmt.Sprintf("%d of %d services not %s (above); run dokploy-sync plan to see their state", failed, len(acts), past)
		if deployErr != nil {
			msg += "\n" + deployErr.Error()
		}
		return &exitError{code: 1, msg: msg}
	}
	return deployErr
}

// startByDeploy says why a service of kind starts by a deploy.
func startByDeploy(kind string) string {
	if kind == planner.KindApplication {
		return "application.start would run one replica whatever replicas says, and fails for one never deployed"
	}
	return "compose.start does not bring a stack back"
}

// drift says where dokploy.yaml disagrees with the state the command
// gives: the command does not change the file, so the next plan shows it.
func drift(w io.Writer, acts []*stateAct, want string) {
	var differs, unmanaged []string
	for _, a := range acts {
		switch a.target.State {
		case want:
		case "":
			unmanaged = append(unmanaged, a.target.Address)
		default:
			differs = append(differs, a.target.Address)
		}
	}
	if len(differs) > 0 {
		fmt.Fprintf(w, "\nNote: dokploy.yaml says state: %s for %s; this command does not change dokploy.yaml, so the next plan shows the difference and apply undoes it; set state: %s there to keep it.\n",
			map[string]string{kinds.StateStopped: kinds.StateRunning, kinds.StateRunning: kinds.StateStopped}[want], strings.Join(differs, ", "), want)
	}
	if len(unmanaged) > 0 && want == kinds.StateStopped {
		fmt.Fprintf(w, "\nNote: dokploy.yaml does not set state for %s; a deploy (apply's owed deploys, deploy) starts it again; set state: stopped there to keep it stopped.\n", strings.Join(unmanaged, ", "))
	}
}

// follow reads the services whose procedure succeeded until each shows
// the state want, or the timeout: a stop or start answers once its Docker
// command ran, so the first read normally shows it.
func (s *session) follow(ctx context.Context, acts []*stateAct, want string, f runStateFlags) {
	deadline := time.Now().Add(f.Timeout)
	for {
		var calls []*dokploy.Call
		outs := map[*stateAct]*map[string]any{}
		for _, a := range acts {
			if a.call == nil || a.err != nil || a.done {
				continue
			}
			o := &map[string]any{}
			outs[a] = o
			calls = append(calls, dokploy.NewCall(a.target.Kind+".one", map[string]any{dokploy.IDKey(a.target.Kind): a.target.ID}, o))
		}
		if len(calls) == 0 {
			return
		}
		s.client.Do(ctx, calls...)
		i := 0
		for _, a := range acts {
			o, ok := outs[a]
			if !ok {
				continue
			}
			call := calls[i]
			i++
			if call.Err != nil {
				continue // read again
			}
			key := kinds.StatusKey(a.target.Kind)
			status, _ := (*o)[key].(string)
			if kinds.LiveState(status) == want {
				a.done = true
			} else if status == "error" {
				a.err = fmt.Errorf("%s answered, but Dokploy shows it in error (%s is %q); see its logs in Dokploy", a.proc, key, status)
			}
		}
		pending := false
		for _, a := range acts {
			pending = pending || a.call != nil && a.err == nil && !a.done
		}
		if !pending {
			return
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			for _, a := range acts {
				if a.call != nil && a.err == nil && !a.done {
					a.err = fmt.Errorf("%s answered, but it did not show %s within --timeout %s", a.proc, want, f.Timeout)
				}
			}
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(f.Poll):
		}
	}
}

// runStateRows maps the address of every live service to its run state
// row (kinds.RunState).
func runStateRows(live *dokploy.Live) map[string]dokploy.Row {
	out := map[string]dokploy.Row{}
	for _, s := range planner.LiveServices(live) {
		if row := planner.RunStateRow(planner.LiveItems(s.Service)); row != nil {
			out[s.Address] = row
		}
	}
	return out
}

// deployable drops from the deploy command's targets the services that
// dokploy.yaml says are stopped: named alone it refuses (nothing is
// deployed), under a project or environment it leaves them out and says
// so.
func deployable(addrs []string, targets []apply.DeployTarget, w io.Writer) ([]apply.DeployTarget, error) {
	named := map[string]bool{}
	for _, a := range addrs {
		named[a] = true
	}
	var out []apply.DeployTarget
	for _, t := range targets {
		if t.State != kinds.StateStopped {
			out = append(out, t)
			continue
		}
		if named[t.Address] {
			return nil, &exitError{code: 1, msg: fmt.Sprintf("%s: dokploy.yaml says state: stopped, and a stopped service is not deployed; set state: running (or remove state) and run apply, or start it with dokploy-sync start %s; nothing was deployed", t.Address, t.Address)}
		}
		fmt.Fprintf(w, "%s: not deployed: dokploy.yaml says state: stopped\n", t.Address)
	}
	return out, nil
}
