// Package dokploy is the client of the Dokploy HTTP API: one call model that
// can carry many procedure calls in one round trip, two transports behind it
// (tRPC batches by default, REST as a fallback), typed errors, and Observe,
// which reads the live state of the declared projects.
//
// The client never hurts the server (DESIGN §10): at most
// Options.MaxPoolCalls calls that hold a connection of Dokploy's
// 10-connection database pool (PoolHolding) and Options.MaxMutations
// mutations are in flight at once, over every request of the client; a Do
// sends its calls as streams of waves under those bounds (schedule.go).
// Only reads are retried (whole, or the failed items of a batch); DNS and
// TLS verification failures are not retried.
package dokploy

import (
	"strings"
	"time"
)

// Call is one procedure call. Several calls given to Client.Do together form
// one round trip: on the tRPC transport they travel in as few batched HTTP
// requests as the URL budget allows, on REST one request each, concurrently.
type Call struct {
	Proc  string // "project.one", "application.saveEnvironment", ...
	Input any    // JSON-encodable input; nil for none
	Out   any    // pointer to decode the result into; nil to discard it
	// Timeout, when positive, replaces Options.Timeout for the request
	// carrying this call; a batch takes the longest timeout of its calls
	// (a synchronous database deploy can take minutes).
	Timeout time.Duration

	// Err is set by Client.Do when this call failed (an *Error for an
	// answer of the server, another error for a transport failure).
	Err error

	in []byte // Input as JSON, set by Do
}

// NewCall returns a call of proc with the given input, decoding into out.
func NewCall(proc string, input, out any) *Call { return &Call{Proc: proc, Input: input, Out: out} }

// IsQuery reports whether proc is a query (GET) rather than a mutation
// (POST). Dokploy names its reads one, all, byProjectId, get...; every
// procedure the client uses is listed in queries.
func IsQuery(proc string) bool {
	if queries[proc] {
		return true
	}
	_, name, _ := strings.Cut(proc, ".")
	return name == "one" || name == "all" || strings.HasPrefix(name, "get") || strings.HasPrefix(name, "by") ||
		strings.HasPrefix(name, "list") || strings.HasPrefix(name, "read")
}

var queries = map[string]bool{
	"settings.getDokployVersion": true,
	"user.get":                   true,
	"project.all":                true,
	"environment.byProjectId":    true,
	"deployment.all":             true,
	"deployment.allByCompose":    true,
	"deployment.readLogs":        true,
}
