package kinds

import (
	"regexp"
	"strings"
)

// The children of applications that act at once (Traefik reads them): no
// deploy needed.

// Redirect is a Traefik redirect of an application, matched by regex
// (API.md §2.9, QUIRKS C1-C6). redirects.update needs every key.
var Redirect = &Kind{
	Name: "redirect", Key: "redirects", Parents: []string{"application"}, After: "mounts",
	Doc:      "Traefik redirects, matched by regex.",
	Identity: []string{"regex"},
	Fields: []*Field{
		{Name: "regex", Type: String, Required: true, Identity: true, Doc: "The regular expression matched against the request URL."},
		{Name: "replacement", Type: String, Required: true, Doc: "The URL the request is redirected to; $1... are the regex's groups."},
		{Name: "permanent", Type: Bool, Default: false, Doc: "A permanent (301) redirect instead of a temporary (302) one."},
	},
	Read:        Read{In: "redirects"},
	Router:      "redirects",
	IDKey:       "redirectId",
	Create:      Create{ParentKey: parentID},
	Update:      Update{Full: true},
	Delete:      Delete{Proc: "redirects.delete"},
	PoolHolding: []string{"redirects.create"},
	Hooks: Hooks{Validate: func(v Values, _ string) []Problem {
		re, ok := v["regex"].(string)
		if !ok || re == "" {
			return nil
		}
		if _, err := regexp.Compile(re); err != nil {
			return []Problem{{Field: "regex", Message: "does not compile: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ") +
				" (Traefik, which runs the redirect, uses Go's regular expression syntax)"}}
		}
		return nil
	}},
}

// Security is an HTTP basic-auth user of an application, matched by
// username.
var Security = &Kind{
	Name: "security", Key: "security", Parents: []string{"application"}, After: "redirects",
	Doc:      "HTTP basic-auth users, matched by username.",
	Identity: []string{"username"},
	Fields: []*Field{
		{Name: "username", Type: String, Required: true, Identity: true, Doc: "The user name."},
		{Name: "password", Type: String, Required: true, Secret: true, Doc: "The password; use ${VAR}."},
	},
	Read:        Read{In: "security"},
	Router:      "security",
	IDKey:       "securityId",
	Create:      Create{ParentKey: parentID},
	Update:      Update{Full: true},
	Delete:      Delete{Proc: "security.delete"},
	PoolHolding: []string{"security.create", "security.update"},
	Var:         "BASIC_AUTH",
	Duplicate:   Duplicate{Noun: "user", Verb: "declared", Hint: "; Dokploy keeps usernames unique per application"},
	Hooks: Hooks{Validate: func(v Values, _ string) []Problem {
		if u, _ := v["username"].(string); strings.Contains(u, ":") {
			return []Problem{{Field: "username", Message: "must not contain \":\", which separates the user from the password in basic auth"}}
		}
		return nil
	}},
}

// parentID is the create input key of the parent's id: applicationId,
// postgresId, composeId...
func parentID(parent string) string { return parent + "Id" }
