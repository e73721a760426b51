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
