package spec

import (
	"regexp"
	"sort"
)

// Which variables are secret: one definition, used by every output that
// must hold no secret (plans, JSON plans, saved plans, apply events, error
// messages). A variable the spec uses is secret when
//   - a secret field uses it (a password, a build secret, ...);
//   - its name says so (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL,
//     PRIVATE, as a word of the name: DB_PASSWORD, API_KEY, GH_TOKEN);
//   - or the spec lists it under secrets:.
// Any value that contains a secret variable's value is masked.

var secretName = regexp.MustCompile(`(?i)(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRETS|TOKEN|KEY|APIKEY|CREDENTIAL|CREDENTIALS|PRIVATE|AUTH|DSN|SALT)(_|$)`)

// IsSecretName reports whether a variable's name says it is secret.
func IsSecretName(name string) bool { return secretName.MatchString(name) }

// minSecretLen is the shortest value masked: shorter ones would garble the
// output and hide nothing worth guessing.
const minSecretLen = 4

func (d *decoder) secretVars(listed []string) map[string]string {
	out := map[string]string{}
	isListed := map[string]bool{}
	for _, n := range listed {
		isListed[n] = true
	}
	for name, secretField := range d.usedVars {
		if !secretField && !IsSecretName(name) && !isListed[name] {
			continue
		}
		if v, ok := d.lookup(name); ok && len(v) >= minSecretLen {
			out[name] = v
		}
	}
	return out
}

// SecretValues returns the values of the secret variables the spec uses,
// longest first (so that a secret that contains another is masked whole).
func (f *File) SecretValues() []string {
	out := make([]string, 0, len(f.secretVars))
	for _, v := range f.secretVars {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out
}
