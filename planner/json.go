package planner

import (
	"bytes"
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
		Changes:       make([]JSONChange, 0, len(p.Changes)),
		Deploys:       make([]JSONDeploy, 0, len(p.Deploys)),
		Unmanaged:     make([]JSONResource, 0, len(p.Unmanaged)),
		Warnings:      append([]string{}, p.Warnings...),
		Errors:        append([]string{}, p.Errors...),
		UnsetVars:     append([]string{}, p.UnsetVars...),
		NotCompared:   p.NotCompared,
		Targets:       p.Targets,
		Pruned:        p.Pruned,
	}
	for _, c := range p.Changes {
		jc := jsonChange(c, opt, make([]JSONField, 0, len(c.Fields)))
		// The value is the plan's: own copies, not pointers into it.
		for i := range jc.Fields {
			jf := &jc.Fields[i]
			if jf.Before != nil {
				b := *jf.Before
				jf.Before = &b
			}
			if jf.After != nil {
				a := *jf.After
				jf.After = &a
			}
		}
		out.Changes = append(out.Changes, jc)
	}
	for _, d := range p.Deploys {
		out.Deploys = append(out.Deploys, JSONDeploy(d))
	}
	for _, r := range p.Unmanaged {
		out.Unmanaged = append(out.Unmanaged, JSONResource(r))
	}
	for _, r := range p.DataKept {
		out.DataKept = append(out.DataKept, JSONKept{JSONResource(r.Resource), r.Why})
	}
	return out
}

// jsonChange is the JSON form of c, its fields appended to fields. Before
// and After point into c's fields.
func jsonChange(c *Change, opt RenderOptions, fields []JSONField) JSONChange {
	jc := JSONChange{Address: c.Address, Kind: c.Kind, Name: c.Name, Action: actionNames[c.Action], ID: c.LiveID, Fields: fields, Warnings: c.Warnings, DataLoss: c.DataLoss}
	for _, f := range c.Fields {
		jf := JSONField{Name: f.Name, Action: actionNames[f.Action], Unknown: f.Unknown, AfterApply: f.AfterApply, Note: f.Note}
		hidden := f.Sensitive || f.Env && !opt.ShowValues
		jf.Sensitive = hidden
		if !hidden {
			if f.Action != Create {
				jf.Before = &f.Before
			}
			if f.Action != Delete && f.Unknown == "" && !f.AfterApply {
				jf.After = &f.After
			}
		}
		jc.Fields = append(jc.Fields, jf)
	}
	return jc
}

// RenderJSON writes the plan as indented JSON: the bytes that encoding
// p.JSON(opt) with a json.Encoder indented by two spaces writes, streamed
// element by element, so that a large plan is never held whole in memory
// (neither as a JSONPlan nor as its text).
func RenderJSON(w io.Writer, p *Plan, opt RenderOptions) error {
	s := newJSONStream(w)
	add, change, destroy := p.Counts()
	s.raw("{\n")
	s.field("formatVersion", FormatVersion)
	if opt.Instance != nil {
		s.field("instance", opt.Instance)
	}
	s.field("complete", len(p.Errors) == 0)
	s.field("summary", &JSONSummary{add, change, destroy, len(p.Deploys), len(p.Errors)})

	s.key("changes")
	var jc JSONChange
	fields := make([]JSONField, 0, 16) // never nil: "fields": [] for none
	s.array(len(p.Changes), func(i int) any {
		jc = jsonChange(p.Changes[i], opt, fields[:0])
		fields = jc.Fields // reused by the next change
		return &jc
	})
	s.key("deploys")
	var jd JSONDeploy
	s.array(len(p.Deploys), func(i int) any { jd = JSONDeploy(p.Deploys[i]); return &jd })
	s.key("unmanaged")
	var jr JSONResource
	s.array(len(p.Unmanaged), func(i int) any { jr = JSONResource(p.Unmanaged[i]); return &jr })
	s.strings("warnings", p.Warnings, false)
	s.strings("errors", p.Errors, false)
	s.strings("unsetVars", p.UnsetVars, false)
	s.strings("notCompared", p.NotCompared, true)
	s.strings("targets", p.Targets, true)
	if p.Pruned {
		s.field("pruned", true)
	}
	if len(p.DataKept) > 0 {
		s.key("dataKept")
		var jk JSONKept
		s.array(len(p.DataKept), func(i int) any {
			jk = JSONKept{JSONResource(p.DataKept[i].Resource), p.DataKept[i].Why}
			return &jk
		})
	}
	s.raw("\n}\n")
	return s.flush()
}

// jsonStream writes the top level of an indented JSON object by hand and
// each value in it with one json.Encoder (whose buffers are reused), into
// a buffer written out in chunks.
type jsonStream struct {
	w     io.Writer
	buf   bytes.Buffer // output not yet written to w
	value bytes.Buffer // the value being encoded
	enc   *json.Encoder
	first bool // no field written yet
	err   error
}

// jsonChunk is how much output jsonStream holds before writing it.
const jsonChunk = 32 << 10

func newJSONStream(w io.Writer) *jsonStream {
	s := &jsonStream{w: w, first: true}
	s.buf.Grow(jsonChunk + 4<<10)
	s.enc = json.NewEncoder(&s.value) // indented by encode
	return s
}

func (s *jsonStream) raw(text string) { s.buf.WriteString(text) }

// key starts the field named name (a name that needs no escaping).
func (s *jsonStream) key(name string) {
	if s.first {
		s.first = false
	} else {
		s.buf.WriteString(",\n")
	}
	s.buf.WriteString("  \"")
	s.buf.WriteString(name)
	s.buf.WriteString("\": ")
}

// field writes the field named name with the value v.
func (s *jsonStream) field(name string, v any) {
	s.key(name)
	s.encode(v, "  ")
}

// strings writes a list of strings: [] for none, or nothing when
// omitEmpty.
func (s *jsonStream) strings(name string, list []string, omitEmpty bool) {
	if omitEmpty && len(list) == 0 {
		return
	}
	s.key(name)
	s.array(len(list), func(i int) any { return &list[i] })
}

// array writes the n elements elem returns, as the value of a field.
func (s *jsonStream) array(n int, elem func(i int) any) {
	if n == 0 {
		s.buf.WriteString("[]")
		return
	}
	s.buf.WriteString("[\n")
	for i := range n {
		if i > 0 {
			s.buf.WriteString(",\n")
		}
		s.buf.WriteString("    ")
		s.encode(elem(i), "    ")
	}
	s.buf.WriteString("\n  ]")
}

// encode writes v indented, its lines after the first starting with
// prefix (the indentation of its depth: "  " for a field's value, "    "
// for an array element's), then writes the buffer out if it is full.
func (s *jsonStream) encode(v any, prefix string) {
	if s.err != nil {
		return
	}
	s.enc.SetIndent(prefix, "  ")
	s.value.Reset()
	if err := s.enc.Encode(v); err != nil {
		s.err = err
		return
	}
	b := s.value.Bytes()
	s.buf.Write(b[:len(b)-1]) // without the newline Encode ends a value with
	if s.buf.Len() >= jsonChunk {
		s.flushBuf()
	}
}

func (s *jsonStream) flushBuf() {
	if s.err == nil {
		_, s.err = s.w.Write(s.buf.Bytes())
	}
	s.buf.Reset()
}

func (s *jsonStream) flush() error {
	s.flushBuf()
	return s.err
}
