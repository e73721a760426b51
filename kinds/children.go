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
	Doc:      "Traefik redirects (redirectRegex middlewares) on the application's domains.",
	Identity: []string{"regex"},
	Fields: []*Field{
		{Name: "regex", Type: String, Required: true, Identity: true, Doc: "Regular expression matched against the whole request URL, in Go's syntax (Traefik's), e.g. ^https://www\\.example\\.com/(.*)."},
		{Name: "replacement", Type: String, Required: true, Doc: "URL to redirect to; $1 (or $${1}) is the first capture group, e.g. https://example.com/$1."},
		{Name: "permanent", Type: Bool, Default: false, Doc: "Redirect with 301 (permanent) instead of 302."},
	},
	Read:        Read{In: "redirects"},
	Router:      "redirects",
	IDKey:       "redirectId",
	Create:      Create{ParentKey: parentID, Full: true},
	Update:      Update{Full: true},
	Delete:      Delete{Proc: "redirects.delete"},
	PoolHolding: []string{"redirects.create"},
	Hooks: Hooks{Validate: func(it Item) []Problem {
		re, ok := it.Values["regex"].(string)
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
	Doc:      "HTTP basic-auth users that Traefik asks for before it lets a request through to the application.",
	Identity: []string{"username"},
	Fields: []*Field{
		{Name: "username", Type: String, Required: true, Identity: true, Doc: "User name, without \":\"; usernames are unique per application."},
		{Name: "password", Type: String, Required: true, Secret: true, Doc: "Password of the user."},
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
	Hooks: Hooks{Validate: func(it Item) []Problem {
		if u, _ := it.Values["username"].(string); strings.Contains(u, ":") {
			return []Problem{{Field: "username", Message: "must not contain \":\", which separates the user from the password in basic auth"}}
		}
		return nil
	}},
}

// parentID is the create input key of the parent's id: applicationId,
// postgresId, composeId...
func parentID(parent string) string { return parent + "Id" }
