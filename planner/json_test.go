package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// encodeWhole is how plan --json was written before it was streamed: the
// whole JSONPlan through one indented json.Encoder. RenderJSON must write
// the same bytes.
func encodeWhole(t *testing.T, p *Plan, opt RenderOptions) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p.JSON(opt)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// everyFieldPlan uses every field of the JSON plan, optional ones set, with
// strings that need escaping.
func everyFieldPlan() *Plan {
	return &Plan{
		Changes: []*Change{
			{Action: Create, Address: "shop", Kind: "project", Name: "shop"},
			{Action: Update, Address: "shop/production/application/api", Kind: "application", Name: "api", LiveID: "A1",
				Warnings: []string{"a <warning> & \"quotes\""},
				Fields: []*FieldDiff{
					{Name: "replicas", Action: Update, Before: "1", After: "2", Note: "apply stops it (application.stop)"},
					{Name: "env.KEY", Action: Update, Before: "a\nb", After: "ünïcødé \u2028 \x01", Env: true},
					{Name: "databasePassword", Action: Create, After: "secret", Sensitive: true},
					{Name: "source.docker.image", Action: Create, Unknown: "TAG"},
					{Name: "env.URL", Action: Update, Before: "x", After: "y", AfterApply: true},
					{Name: "command", Action: Delete, Before: "run\tit"},
				}},
			{Action: Delete, Address: "shop/production/postgres/db", Kind: "postgres", Name: "db", LiveID: "D1", DataLoss: "its data"},
		},
		Unmanaged:   []Resource{{"shop/production/redis/cache", "redis", "R1"}},
		Warnings:    []string{"w1", "w2"},
		Errors:      []string{"e1"},
		UnsetVars:   []string{"TAG"},
		NotCompared: []string{"shop/production/application/api: source.docker.image"},
		Targets:     []string{"shop/production/application/api"},
		Deploys:     []Deploy{{"shop/production/application/web", "application", "A2", "its env changed"}},
		Pruned:      true,
		DataKept:    []KeptResource{{Resource{"shop/production/mysql/old", "mysql", "M1"}, "deleting it loses its data"}},
	}
}

func TestRenderJSONIsTheWholeEncoding(t *testing.T) {
	shop := Compute(load(t, shopSpec, nil), liveJSON(t, shopLive))
	inst := &JSONInstance{URL: "https://panel.example.com/<x>&", Context: "prod"}
	for _, tc := range []struct {
		name string
		p    *Plan
		opt  RenderOptions
	}{
		{"empty", &Plan{}, RenderOptions{}},
		{"shop", shop, RenderOptions{}},
		{"shop with values and instance", shop, RenderOptions{ShowValues: true, Instance: inst}},
		{"every field", everyFieldPlan(), RenderOptions{}},
		{"every field with values", everyFieldPlan(), RenderOptions{ShowValues: true, Instance: &JSONInstance{URL: "u"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got strings.Builder
			if err := RenderJSON(&got, tc.p, tc.opt); err != nil {
				t.Fatal(err)
			}
			if want := encodeWhole(t, tc.p, tc.opt); got.String() != want {
				t.Errorf("RenderJSON wrote\n%s\nwant\n%s", got.String(), want)
			}
		})
	}
}

// The fields of a change point into the plan only while it is rendered:
// the value JSON returns has its own strings.
func TestJSONOwnsItsValues(t *testing.T) {
	p := everyFieldPlan()
	jp := p.JSON(RenderOptions{})
	p.Changes[1].Fields[0].Before = "changed"
	if got := *jp.Changes[1].Fields[0].Before; got != "1" {
		t.Errorf("the JSON plan's before = %q after the plan changed, want %q", got, "1")
	}
	if jp.Changes[0].Fields == nil {
		t.Error("a change without fields has nil fields (null in JSON, not [])")
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

func TestRenderJSONReportsTheWriteError(t *testing.T) {
	var w failingWriter
	if err := RenderJSON(&w, everyFieldPlan(), RenderOptions{}); err == nil || err.Error() != "disk full" {
		t.Errorf("RenderJSON to a failing writer: %v, want disk full", err)
	}
	if w.n != 1 {
		t.Errorf("%d writes after the first failed one, want none", w.n-1)
	}
}

// RenderJSON writes the fields of JSONPlan by hand: everyFieldPlan, which
// the test above renders, must have every one of them (a field added to
// JSONPlan and not to RenderJSON fails here).
func TestEveryFieldPlanHasEveryField(t *testing.T) {
	var b strings.Builder
	if err := RenderJSON(&b, everyFieldPlan(), RenderOptions{Instance: &JSONInstance{URL: "u"}}); err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(JSONPlan{})
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if _, ok := got[name]; !ok {
			t.Errorf("the JSON of everyFieldPlan has no %q", name)
		}
	}
	if len(got) != typ.NumField() {
		t.Errorf("%d fields written, JSONPlan has %d", len(got), typ.NumField())
	}
}
