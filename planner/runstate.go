package planner

import (
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// The run state (kinds.RunState): state: running | stopped on a service.
// Its field is diffed as any setting (state: "running" -> "stopped"),
// then settled here against the deploys:
//
//   - stopped: the service is owed no deploy (a stopped service is never
//     deployed), and a running one is stopped by <kind>.stop.
//   - running, and the service is idle (stopped, never deployed, or
//     changed since its deploy): a deploy the plan owes it starts it, so
//     the field is no change; else an application or compose stack (whose
//     start is a deploy, see kinds.StartProc) is owed a deploy
//     (ReasonStopped), and the others are started by <kind>.start.

// ReasonStopped is why a stopped service that dokploy.yaml says runs is
// owed a deploy.
const ReasonStopped = "it is stopped and dokploy.yaml says state: running; a deploy starts it"

// DesiredState is the run state a service's described objects set, ""
// when they set none.
func DesiredState(objs spec.Objects) string {
	for _, o := range objs[kinds.RunState.Name] {
		if s, ok := o.Values["state"].(string); ok {
			return s
		}
	}
	return ""
}

// runState settles the run state of service change c, whose live row of
// the run state is row (nil for a create).
func (p *Plan) runState(c *Change, objs spec.Objects, row dokploy.Row) {
	want := DesiredState(objs)
	f := c.Field("state")
	switch {
	case want == kinds.StateStopped: // owe recorded no deploy
		if f != nil && c.Action == Update && row["state"] == nil {
			c.Fields = removeField(c.Fields, f) // never deployed: nothing runs
		} else if f != nil && c.Action == Update {
			f.Note = "apply stops it (" + c.Kind + ".stop)"
		} else if f != nil {
			f.Note = "created, not deployed"
		}
	case want == kinds.StateRunning && f != nil && c.Action == Update:
		for i, d := range p.Deploys {
			if d.Address == c.Address {
				c.Fields = removeField(c.Fields, f)
				p.Deploys[i].Reason += "; the deploy starts it (state: running)"
				return
			}
		}
		proc := kinds.StartProc(c.Kind, row)
		if proc == "" {
			c.Fields = removeField(c.Fields, f)
			p.Deploys = append(p.Deploys, Deploy{Address: c.Address, Kind: c.Kind, ID: c.LiveID, Reason: ReasonStopped})
			return
		}
		f.Note = "apply starts it (" + proc + ")"
	}
}

func removeField(fs []*FieldDiff, f *FieldDiff) []*FieldDiff {
	out := fs[:0]
	for _, x := range fs {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

// RunStateRow is a live service's run state row, nil for none.
func RunStateRow(items dokploy.Items) dokploy.Row {
	if rows := items[kinds.RunState.Name]; len(rows) > 0 {
		return rows[0]
	}
	return nil
}
