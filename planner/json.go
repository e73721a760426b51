package planner

import (
	"encoding/json"
	"io"
)

// FormatVersion is the version of the JSON plan format. It changes only
// when a field changes meaning or is removed; new fields may appear within
// a version.
const FormatVersion = "1"

// JSONPlan is the machine-readable plan that `plan --json` prints. Secret
// values never appear: fields marked sensitive carry no before/after, and
// env values appear only with ShowValues. Changes are in apply order
// (parents first), the other lists sorted as the text plan shows them.
type JSONPlan struct {
	FormatVersion string `json:"formatVersion"`
	// Instance is the Dokploy instance the plan was read from (set by
	// the command, from RenderOptions.Instance).
	Instance *JSONInstance `json:"instance,omitempty"`
	// Complete is false when the plan has errors and cannot be applied.
	Complete bool         `json:"complete"`
	Summary  JSONSummary  `json:"summary"`
	Changes  []JSONChange `json:"changes"`
	// Deploys are the deploys owed to existing services (apply makes
	// them, besides those its changes need).
	Deploys   []JSONDeploy   `json:"deploys"`
	Unmanaged []JSONResource `json:"unmanaged"`
	Warnings  []string       `json:"warnings"`
	Errors    []string       `json:"errors"`
	UnsetVars []string       `json:"unsetVars"`
	// NotCompared lists "address: field" of existing resources that depend
	// on an unset variable.
	NotCompared []string `json:"notCompared,omitempty"`
	// Targets are the --target addresses the plan is limited to.
	Targets []string `json:"targets,omitempty"`
	// Pruned: deletions of unmanaged resources are part of the plan; the
	// resources left in unmanaged are protected.
	Pruned bool `json:"pruned,omitempty"`
	// DataKept are the resources --prune keeps because deleting them
	// loses data and --delete-data was not given.
	DataKept []JSONKept `json:"dataKept,omitempty"`
}

// JSONInstance names a Dokploy instance: its URL (never with credentials)
// and the context it was chosen by, if any. Never the key.
type JSONInstance struct {
	URL     string `json:"url"`
	Context string `json:"context,omitempty"`
}

// JSONKept is a resource --prune keeps, and why.
type JSONKept struct {
	JSONResource
	Why string `json:"why"`
}

// JSONSummary counts the changes, and the errors: a summary of 0 changes
// means "no changes" only when errors is 0 too.
type JSONSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Deploy  int `json:"deploy"` // owed deploys
	Errors  int `json:"errors"`
}

// JSONDeploy is a deploy owed to an existing service, and why.
type JSONDeploy struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Reason  string `json:"reason"`
}

// JSONChange is one change.
type JSONChange struct {
	Address  string      `json:"address"`
	Kind     string      `json:"kind"`
	Name     string      `json:"name"`
	Action   string      `json:"action"` // create, update, delete
	ID       string      `json:"id,omitempty"`
	Fields   []JSONField `json:"fields"`
	Warnings []string    `json:"warnings,omitempty"`
	// DataLoss says what data a deletion loses (a database, a compose
	// service with its volumes).
	DataLoss string `json:"dataLoss,omitempty"`
}

// JSONField is the change of one field. Before and After are omitted for
// sensitive values; Unknown names an unset variable; AfterApply marks a
// value known only once apply has created what it references.
type JSONField struct {
	Name       string  `json:"name"`
	Action     string  `json:"action"`
	Before     *string `json:"before,omitempty"`
	After      *string `json:"after,omitempty"`
	Sensitive  bool    `json:"sensitive,omitempty"`
	Unknown    string  `json:"unknown,omitempty"`
	AfterApply bool    `json:"afterApply,omitempty"`
	// Note says what apply does for the change beyond writing it ("apply
	// stops it (application.stop)").
	Note string `json:"note,omitempty"`
}

// JSONResource names a live resource.
type JSONResource struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
}

var actionNames = map[Action]string{Create: "create", Update: "update", Delete: "delete"}

// JSON returns the machine-readable form of the plan.
func (p *Plan) JSON(opt RenderOptions) JSONPlan {
	add, change, destroy := p.Counts()
	out := JSONPlan{
		FormatVersion: FormatVersion,
		Instance:      opt.Instance,
		Complete:      len(p.Errors) == 0,
		Summary:       JSONSummary{add, change, destroy, len(p.Deploys), len(p.Errors)},
		Changes:       []JSONChange{},
		Deploys:       []JSONDeploy{},
		Unmanaged:     []JSONResource{},
		Warnings:      append([]string{}, p.Warnings...),
		Errors:        append([]string{}, p.Errors...),
		UnsetVars:     append([]string{}, p.UnsetVars...),
		NotCompared:   p.NotCompared,
		Targets:       p.Targets,
		Pruned:        p.Pruned,
	}
	for _, c := range p.Changes {
		jc := JSONChange{Address: c.Address, Kind: c.Kind, Name: c.Name, Action: actionNames[c.Action], ID: c.LiveID, Fields: []JSONField{}, Warnings: c.Warnings, DataLoss: c.DataLoss}
		for _, f := range c.Fields {
			jf := JSONField{Name: f.Name, Action: actionNames[f.Action], Unknown: f.Unknown, AfterApply: f.AfterApply, Note: f.Note}
			hidden := f.Sensitive || f.Env && !opt.ShowValues
			jf.Sensitive = hidden
			if !hidden {
				if f.Action != Create {
					b := f.Before
					jf.Before = &b
				}
				if f.Action != Delete && f.Unknown == "" && !f.AfterApply {
					a := f.After
					jf.After = &a
				}
			}
			jc.Fields = append(jc.Fields, jf)
		}
		out.Changes = append(out.Changes, jc)
	}
	for _, d := range p.Deploys {
		out.Deploys = append(out.Deploys, JSONDeploy(d))
	}
	for _, r := range p.Unmanaged {
		out.Unmanaged = append(out.Unmanaged, JSONResource{r.Address, r.Kind, r.ID})
	}
	for _, r := range p.DataKept {
		out.DataKept = append(out.DataKept, JSONKept{JSONResource{r.Address, r.Kind, r.ID}, r.Why})
	}
	return out
}

// RenderJSON writes the plan as indented JSON.
func RenderJSON(w io.Writer, p *Plan, opt RenderOptions) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p.JSON(opt))
}
