package planner

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// An env value set to "" (or from "") is a value like any other: the plan
// shows "", in text and in JSON, never null or nothing.
func TestEmptyEnvValueShowsAsEmptyString(t *testing.T) {
	spec := strings.Replace(shopSpec, `env: {A: "1", B: two}`, `env: {A: "", B: two, C: ""}`, 1)
	live := strings.Replace(shopLive, `"env": "B=two\nA=1"`, `"env": "B=two\nA=1\nD="`, 1)
	p := Compute(load(t, spec, nil), liveJSON(t, live))

	var buf bytes.Buffer
	Render(&buf, p, RenderOptions{ShowValues: true})
	text := buf.String()
	for _, re := range []string{
		`~ env\.A += "1" -> ""\n`,
		`\+ env\.C += ""\n`,
		`- env\.D\n`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("render lacks %s:\n%s", re, text)
		}
	}
	if strings.Contains(text, "null") {
		t.Errorf("render shows null for an empty value:\n%s", text)
	}

	js, err := json.Marshal(p.JSON(RenderOptions{ShowValues: true}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"name":"env.A","action":"update","before":"1","after":""}`,
		`{"name":"env.C","action":"create","after":""}`,
		`{"name":"env.D","action":"delete","before":""}`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if strings.Contains(string(js), "null") {
		t.Errorf("JSON has a null:\n%s", js)
	}
}
