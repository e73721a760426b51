// Package schema holds the JSON Schema (draft 2020-12) of dokploy.yaml, for
// editors: with it, YAML language servers complete keys, show each field's
// documentation and flag unknown keys, wrong types, bad enums and
// out-of-range values as you type. Point an editor at it with a modeline on
// the first line of dokploy.yaml, with a path relative to that file (the
// examples use ../../schema/dokploy-sync.schema.json):
//
//	# yaml-language-server: $schema=./dokploy-sync.schema.json
//
// `dokploy-sync schema > dokploy-sync.schema.json` writes a copy.
//
// The Go decoder and validator in package spec are the source of truth: the
// schema is the editor artifact. The parts of the kinds that package kinds
// describes (destinations, backups, domains, ports, mounts, redirects,
// basic-auth users, ...) are generated from the descriptions by Generate,
// and the file holds them: `go test ./schema -update` rewrites it, and a
// test fails when it is not what Generate gives. What a description says
// of its fields is in the schema: types, required fields, enums, ranges
// and patterns; fields for some parents only (an item's definition has
// the fields of the parents that refer to it: a compose service's domains
// have serviceName, an application's do not); fields of one variant
// (volumeName for type: volume), rejected in an item of another; a field
// that gives another's value from a file (contentFile), rejected next to
// it. The rest is written by hand, kept in step with spec's types by this
// package's tests (every field, the required and nullable rules, nested
// objects included), as the generated parts are with the descriptions.
//
// Some checks stay in Go only: env files, contentFile and composeFile
// files, ${VAR}s that are not set, ${ref:...} references and where they
// may appear, Dokploy's password rule (a ${VAR} would not pass it), the
// sqldNode/sqldPrimaryUrl pairing, defaultContext naming one of the
// contexts, reservations not above limits,
// duplicate domains, ports, mounts, redirects, basic-auth users and
// backups, buildPath in a compose service's source, the warnings (build
// fields for another build type, https without a certificate), and the
// kinds' own checks (kinds.Hooks.Validate) beyond what their fields say:
// a compose service's domain needs serviceName, customCertResolver goes
// with certificateType: custom (which needs it), a volume mount needs
// volumeName, a bind mount hostPath and a file mount content or
// contentFile, redirect regexes must compile and basic-auth usernames must
// not contain ":". A string field that holds ${VAR} is valid in the schema
// wherever the decoder accepts it.
package schema

import (
	"bytes"
	_ "embed"
)

// URL is the schema's $id: its identity, which JSON Schema tools use to
// resolve its $refs.
const URL = "https://dokploy-sync.dev/schema/v1/dokploy-sync.schema.json"

//go:embed dokploy-sync.schema.json
var schemaJSON []byte

// JSON returns the schema document (a copy: the caller may modify it).
func JSON() []byte { return bytes.Clone(schemaJSON) }
