package dokploytest

import "strings"

// RedactedSecret is what a Dokploy with the redaction change (an open pull
// request, #4581) answers in place of every secret of a .one read.
const RedactedSecret = "__DOKPLOY_REDACTED_SECRET__"

// redactedKeys are the keys whose values Options.Redact hides: env texts,
// build secrets and passwords.
var redactedKeys = map[string]bool{
	"env": true, "buildArgs": true, "buildSecrets": true, "previewEnv": true,
	"previewBuildArgs": true, "previewBuildSecrets": true,
	"password": true, "databasePassword": true, "databaseRootPassword": true,
}

// redact replaces the secrets in v (an answer of a .one procedure) with
// RedactedSecret, in nested objects and arrays too. Null values stay null.
func redact(v any) any {
	switch x := v.(type) {
	case object:
		out := make(object, len(x))
		for i, e := range x {
			if redactedKeys[e.k] && e.v != nil {
				out[i] = kv{e.k, RedactedSecret}
				continue
			}
			out[i] = kv{e.k, redact(e.v)}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redact(e)
		}
		return out
	case []object:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redact(e)
		}
		return out
	}
	return v
}

// SetRedact turns Options.Redact on or off.
func (s *Server) SetRedact(on bool) { s.redact.Store(on) }

// redacts reports whether the answers of proc are redacted.
func (s *Server) redacts(proc string) bool {
	return s.redact.Load() && strings.HasSuffix(proc, ".one")
}
