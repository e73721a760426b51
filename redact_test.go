package main

import "testing"

// A secret is hidden in the forms a server echoes it in: raw, JSON-escaped
// (a multi-line value quoted in an error's JSON) and URL-encoded.
func TestRedactorHidesEncodedForms(t *testing.T) {
	r := newRedactor("")
	r.add("line one\nline \"two\"")
	r.add("p@ss w/rd")
	for _, leak := range []string{`line one\nline \"two\"`, "line one\nline \"two\"", "p%40ss+w%2Frd", "p@ss%20w%2Frd", "p@ss w/rd"} {
		if got := r.redact("error: " + leak + " end"); got != "error: (sensitive) end" {
			t.Errorf("redact(%q) = %q", leak, got)
		}
	}
}
