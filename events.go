package main

import (
	"encoding/json"
	"io"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// apply --json writes one JSON object per line (formatVersion 1):
//
//	{"type":"plan","formatVersion":"1","plan":{...}}                 the plan, as plan --json (with "instance")
//	{"type":"change","address":...,"action":...,"status":"done"}     per change: done, failed, not started
//	{"type":"deploy","address":...,"status":...,"deploymentId":...}  per deploy: done, error, cancelled, running, ...
//	{"type":"summary","ok":true,"add":1,"change":0,"destroy":0}      last; "error" when ok is false
//
// Error texts are redacted like the text output.
type event struct {
	Type          string            `json:"type"`
	FormatVersion string            `json:"formatVersion,omitempty"`
	Plan          *planner.JSONPlan `json:"plan,omitempty"`
	Address       string            `json:"address,omitempty"`
	Action        string            `json:"action,omitempty"`
	Status        string            `json:"status,omitempty"`
	DeploymentID  string            `json:"deploymentId,omitempty"`
	ElapsedMS     int64             `json:"elapsedMs,omitempty"`
	LogTail       string            `json:"logTail,omitempty"`
	OK            *bool             `json:"ok,omitempty"`
	Add           *int              `json:"add,omitempty"`
	Change        *int              `json:"change,omitempty"`
	Destroy       *int              `json:"destroy,omitempty"`
	Error         string            `json:"error,omitempty"`
}

type events struct {
	enc    *json.Encoder
	redact func(string) string
}

func newEvents(w io.Writer, redact func(string) string) *events {
	return &events{enc: json.NewEncoder(w), redact: redact}
}

func (e *events) emit(ev event) { e.enc.Encode(ev) }

func (e *events) plan(p *planner.Plan, inst *planner.JSONInstance) {
	jp := p.JSON(planner.RenderOptions{Instance: inst})
	e.emit(event{Type: "plan", FormatVersion: planner.FormatVersion, Plan: &jp})
}

var actionWords = map[planner.Action]string{planner.Create: "create", planner.Update: "update", planner.Delete: "delete"}

func (e *events) applied(res *apply.Result) {
	for _, c := range res.Done {
		e.emit(event{Type: "change", Address: c.Address, Action: actionWords[c.Action], Status: "done"})
	}
	for _, f := range res.Failed {
		e.emit(event{Type: "change", Address: f.Change.Address, Action: actionWords[f.Change.Action], Status: "failed", Error: e.redact(f.Err.Error())})
	}
	for _, c := range res.NotStarted {
		e.emit(event{Type: "change", Address: c.Address, Action: actionWords[c.Action], Status: "not started"})
	}
}

func (e *events) deployed(res *apply.DeployResult) {
	for _, list := range [][]apply.DeployOutcome{res.Done, res.Triggered, res.Failed, res.TimedOut} {
		for _, o := range list {
			ev := event{Type: "deploy", Address: o.Target.Address, Status: o.Status, DeploymentID: o.DeploymentID,
				ElapsedMS: o.Elapsed.Milliseconds(), LogTail: o.LogTail}
			if o.Err != nil {
				ev.Error = e.redact(o.Err.Error())
			}
			e.emit(ev)
		}
	}
}

func (e *events) summary(p *planner.Plan, err error) {
	ok := err == nil
	add, change, destroy := p.Counts()
	ev := event{Type: "summary", OK: &ok, Add: &add, Change: &change, Destroy: &destroy}
	if err != nil {
		ev.Error = e.redact(err.Error())
	}
	e.emit(ev)
}
