package dokploytest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func decodeInto(b []byte, v any) error { return json.Unmarshal(b, v) }

// script creates a few resources and returns the answers, for comparing
// runs.
func script(t *testing.T, s *Server) []string {
	t.Helper()
	var out []string
	do := func(proc string, in any) map[string]any {
		raw, err := s.Call(proc, in)
		if err != nil {
			t.Fatalf("%s: %v", proc, err)
		}
		out = append(out, string(raw))
		var m map[string]any
		json.Unmarshal(raw, &m) //nolint:errcheck // not every answer is an object
		return m
	}
	p := do("project.create", map[string]any{"name": "p"})
	envID := at(p, "environment", "environmentId")
	// The compose file on disk and the serial counters are state too.
	cmp := do("compose.create", map[string]any{"name": "c", "environmentId": envID, "sourceType": "raw", "composeFile": "services:\n  web: {}\n"})
	do("compose.deploy", map[string]any{"composeId": cmp["composeId"]})
	do("domain.create", map[string]any{"host": "c.example.com", "domainType": "compose", "composeId": cmp["composeId"], "serviceName": "web"})
	do("compose.loadServices", map[string]any{"composeId": cmp["composeId"]})
	do("project.all", nil)
	return out
}

func TestSeedIsDeterministic(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	a := script(t, New(Options{Seed: 3, Now: clock}))
	b := script(t, New(Options{Seed: 3, Now: clock}))
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("same seed, different answers:\n%s\n%s", a, b)
	}
	c := script(t, New(Options{Seed: 4, Now: clock}))
	if strings.Join(a, "\n") == strings.Join(c, "\n") {
		t.Error("different seeds, same ids")
	}
}

func TestSaveLoadState(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	// One uninterrupted run...
	whole := New(Options{Seed: 9, Now: clock})
	want := append(script(t, whole), script(t, whole)...)

	// ... equals a run saved and loaded into a new server halfway.
	first := New(Options{Seed: 9, Now: clock})
	got := script(t, first)
	var buf bytes.Buffer
	if err := first.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	second := New(Options{Seed: 1234, Now: clock})
	if err := second.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	got = append(got, script(t, second)...)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after LoadState:\n got %s\nwant %s", got, want)
	}
	// The compose deployed before the snapshot still has its file.
	var cmp map[string]any
	if err := json.Unmarshal([]byte(got[1]), &cmp); err != nil {
		t.Fatal(err)
	}
	if raw, err := second.Call("compose.loadServices", map[string]any{"composeId": cmp["composeId"]}); err != nil || string(raw) != `["web"]` {
		t.Errorf("loadServices after LoadState: %s %v", raw, err)
	}

	if err := second.LoadState(strings.NewReader(`{"version":99}`)); err == nil {
		t.Error("a snapshot of another version was accepted")
	}
	if err := second.LoadState(strings.NewReader(`not json`)); err == nil {
		t.Error("a broken snapshot was accepted")
	}
}

func TestLoadStateFinishesRunningDeployments(t *testing.T) {
	s := New(Options{DeployDuration: time.Hour})
	defer s.Close()
	res, _ := s.Call("project.create", map[string]any{"name": "p"})
	var created struct {
		Environment struct{ EnvironmentID string } `json:"environment"`
	}
	json.Unmarshal(res, &created)
	app, err := s.Call("application.create", map[string]any{"name": "a", "environmentId": created.Environment.EnvironmentID})
	if err != nil {
		t.Fatal(err)
	}
	var a struct{ ApplicationID string }
	json.Unmarshal(app, &a)
	s.Call("application.deploy", map[string]any{"applicationId": a.ApplicationID})
	var buf bytes.Buffer
	s.SaveState(&buf)

	// A loader with no deploy duration finishes it at once.
	loaded := New(Options{})
	if err := loaded.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	raw, _ := loaded.Call("deployment.all", map[string]any{"applicationId": a.ApplicationID})
	if !strings.Contains(string(raw), `"status":"done"`) {
		t.Errorf("deployment after load: %s", raw)
	}
}

func TestCompareJSONFindsDifferences(t *testing.T) {
	var want, got any
	json.Unmarshal([]byte(`{"a":1,"b":{"c":"x","d":[{"e":true}]},"id":"q","f":[1,2]}`), &want)
	json.Unmarshal([]byte(`{"a":"1","b":{"c":"y","d":[{"e":false,"z":1}]},"id":"other","f":[1],"g":null}`), &got)
	diffs := compareJSON("$", "", want, got)
	joined := strings.Join(diffs, "\n")
	for _, w := range []string{"$.a: number in capture, string", `$.b.c: "x" in capture, "y" in fake`,
		`$.b.d[0].e: "true" in capture, "false"`, `extra key "z"`, "$.f: 2 items in capture, 1 in fake", `extra key "g"`} {
		if !strings.Contains(joined, w) {
			t.Errorf("difference %q not reported in:\n%s", w, joined)
		}
	}
	if strings.Contains(joined, "$.id") {
		t.Errorf("an id was compared:\n%s", joined)
	}
}

func TestCoercionOfAbsentRequiredKeys(t *testing.T) {
	sc := schema{boolean("deleteVolumes").req(), num("n").req(), num("opt"), boolean("optBool")}
	// REST: Boolean(undefined) is false, Number(undefined) is NaN.
	_, issues := sc.parse(map[string]any{}, true, true)
	if len(issues) != 1 || issues[0].message != "Invalid input: expected number, received NaN" {
		t.Errorf("REST issues %+v", issues)
	}
	out, issues := sc.parse(map[string]any{"n": "2"}, true, true)
	if issues != nil || out["deleteVolumes"] != false || out["n"] != 2.0 {
		t.Errorf("REST parse %v %+v", out, issues)
	}
	if _, ok := out["opt"]; ok {
		t.Error("an absent optional key was coerced")
	}
	// tRPC: both are missing.
	_, issues = sc.parse(map[string]any{}, true, false)
	if len(issues) != 2 || issues[0].message != "Invalid input: expected boolean, received undefined" {
		t.Errorf("tRPC issues %+v", issues)
	}
}
