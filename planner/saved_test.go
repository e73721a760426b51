package planner

import (
	"strings"
	"testing"
)

func TestFingerprints(t *testing.T) {
	a := load(t, shopSpec, nil)
	reformatted := load(t, strings.Replace(shopSpec, "    description: Online shop\n", "    description:   \"Online shop\"   # the same\n", 1), nil)
	changed := load(t, strings.Replace(shopSpec, "pw-1234", "pw-1235", 1), nil)
	if SpecFingerprint("s", a) != SpecFingerprint("s", reformatted) {
		t.Error("reformatting the spec changed its fingerprint")
	}
	if SpecFingerprint("s", a) == SpecFingerprint("s", changed) {
		t.Error("a changed secret did not change the fingerprint")
	}
	if SpecFingerprint("s", a) == SpecFingerprint("t", a) {
		t.Error("the salt does not change the fingerprint")
	}
	l := liveJSON(t, shopLive)
	l2 := liveJSON(t, shopLive)
	envs := l2.Projects["shop"][0].Environments
	envs[0].Databases = append(envs[0].Databases[1:], envs[0].Databases[0])
	if LiveFingerprint("s", l) != LiveFingerprint("s", l2) {
		t.Error("the order of live lists changed the live fingerprint")
	}
	l2.Projects["shop"][0].Environments[0].Applications[0].Replicas = new(int)
	if LiveFingerprint("s", l) == LiveFingerprint("s", l2) {
		t.Error("a live change did not change the live fingerprint")
	}
}

// The instance is additive: a JSON plan names it when the command gives
// it, and a saved plan keeps it through a write and a read; a plan saved
// without one still reads.
func TestInstanceInJSONAndSavedPlans(t *testing.T) {
	p := Compute(load(t, shopSpec, nil), liveJSON(t, shopLive))
	inst := &JSONInstance{URL: "https://panel.example.com", Context: "production"}
	var b strings.Builder
	if err := RenderJSON(&b, p, RenderOptions{Instance: inst}); err != nil {
		t.Fatal(err)
	}
	if want := "  \"formatVersion\": \"1\",\n  \"instance\": {\n    \"url\": \"https://panel.example.com\",\n    \"context\": \"production\"\n  },\n"; !strings.Contains(b.String(), want) {
		t.Errorf("plan --json does not name the instance as %q:\n%.300s", want, b.String())
	}
	b.Reset()
	if err := RenderJSON(&b, p, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `"instance"`) {
		t.Errorf("a plan without an instance has the field:\n%.300s", b.String())
	}

	saved := &SavedPlan{FormatVersion: FormatVersion, Salt: "s", SpecFingerprint: "a", LiveFingerprint: "b", Instance: inst, Plan: p.JSON(RenderOptions{})}
	var w strings.Builder
	if err := WriteSaved(&w, saved); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSaved(strings.NewReader(w.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Instance == nil || *got.Instance != *inst {
		t.Errorf("the saved plan's instance = %+v, want %+v", got.Instance, inst)
	}
	saved.Instance = nil
	w.Reset()
	if err := WriteSaved(&w, saved); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadSaved(strings.NewReader(w.String())); err != nil || got.Instance != nil {
		t.Errorf("a saved plan without an instance: %+v, %v", got, err)
	}
}
