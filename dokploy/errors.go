package dokploy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is an error answer of the Dokploy server to one procedure call.
type Error struct {
	Proc   string // procedure called
	Status int    // HTTP status (per item in a tRPC batch)
	Code   string // tRPC code string: UNAUTHORIZED, NOT_FOUND, BAD_REQUEST, CONFLICT, ...
	// Message is the server's message. It is never shown unredacted: some
	// Dokploy errors quote submitted values (SQL with passwords).
	Message string
	// FieldErrors are zod's per-field messages of a 400 validation error.
	FieldErrors map[string][]string
}

// UnauthorizedHint is added to every 401: Dokploy answers a bad, expired,
// disabled and rate-limited key alike.
const UnauthorizedHint = "the API key is invalid, expired, disabled or rate-limited; check DOKPLOY_API_KEY and that the key was created with rate limiting off"

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.Proc)
	switch {
	case e.Status == 401:
		b.WriteString("unauthorized: ")
		if e.Message != "" && e.Message != "Unauthorized" && e.Message != "UNAUTHORIZED" {
			b.WriteString(e.Message)
			b.WriteString(" (")
			b.WriteString(UnauthorizedHint)
			b.WriteString(")")
		} else {
			b.WriteString(UnauthorizedHint)
		}
		return b.String()
	case e.Status == 404:
		b.WriteString("not found: ")
	case e.Status == 409:
		b.WriteString("conflict: ")
	case e.Status == 400:
		b.WriteString("bad request: ")
	default:
		fmt.Fprintf(&b, "HTTP %d: ", e.Status)
	}
	msg := e.Message
	if len(e.FieldErrors) > 0 {
		// zod's tRPC message is the JSON of the issues; the field list says it better.
		var parts []string
		for _, f := range sortedFieldKeys(e.FieldErrors) {
			parts = append(parts, f+": "+strings.Join(e.FieldErrors[f], "; "))
		}
		msg = "invalid input: " + strings.Join(parts, ", ")
	}
	b.WriteString(msg)
	return b.String()
}

func sortedFieldKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsUnauthorized reports whether err is a 401 answer.
func IsUnauthorized(err error) bool { return statusOf(err) == 401 }

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return statusOf(err) == 404 }

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return statusOf(err) == 409 }

// IsBadRequest reports whether err is a 400 answer.
func IsBadRequest(err error) bool { return statusOf(err) == 400 }
