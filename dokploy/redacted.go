package dokploy

import "strings"

// Placeholders that a Dokploy server may answer in place of a secret: an
// open Dokploy change (pull request #4581) makes every .one answer
// "__DOKPLOY_REDACTED_SECRET__" for env texts, passwords and build
// secrets; "[REDACTED]" is the other common spelling.
var redactionPlaceholders = []string{"__DOKPLOY_REDACTED_SECRET__", "[REDACTED]"}

// IsRedacted reports whether a live value is the server's placeholder for
// a secret it did not return. Such a value is never compared and never
// written back.
func IsRedacted(v *string) bool {
	if v == nil {
		return false
	}
	s := strings.TrimSpace(*v)
	for _, p := range redactionPlaceholders {
		if s == p {
			return true
		}
	}
	return false
}

// HasRedacted reports whether s holds Dokploy's placeholder anywhere (an
// env text with one value hidden, a request input about to be sent).
// "[REDACTED]" is not looked for inside values: a real value may hold it.
func HasRedacted(s string) bool {
	return strings.Contains(s, redactionPlaceholders[0])
}
