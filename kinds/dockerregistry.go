package kinds

import "strings"

// Registry holds the credentials of a Docker registry that applications
// pull from and push to, by name (routers/registry.ts; captures 463-474).
// registry.all answers the passwords in clear. create needs
// registryType "cloud" and the key imagePrefix even as null, runs
// `docker login` and answers the row; update is partial, logs in again
// and answers true; remove answers the deleted row, and the applications
// that named the registry are left with none.
//
// registry.create holds a pool connection (dokploy/pool.go):
// createRegistry opens db.transaction (services/registry.ts:44), inserts
// through tx (:45) and runs `docker login` inside it (:76): a connection
// held for the login; with a serverId the login goes through
// execAsyncRemote (:74), which reads findServerById
// (utils/process/execAsync.ts:148, services/server.ts:40) through the
// global db: a second connection.
var Registry = &Kind{
	Name: "registry", Key: "registries",
	Doc:       "Docker registries, with the credentials Dokploy logs in with to pull and push images.",
	NameField: "registryName",
	Fields: []*Field{
		{Name: "username", Type: String, Required: true, Doc: "User name to log in with (AWS for Amazon ECR)."},
		{Name: "password", Type: String, Required: true, Secret: true, Doc: "Password or access token to log in with."},
		{Name: "registryUrl", Type: String, Default: "",
			Pattern:    `^$|^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$`,
			PatternDoc: `a hostname or hostname:port (e.g. ghcr.io or localhost:5000), or "" for Docker Hub`,
			Doc:        `Host of the registry, e.g. ghcr.io or registry.example.com:5000; "" (the default) is Docker Hub.`},
		{Name: "imagePrefix", Type: String, Nullable: true, Default: nil, Doc: "Namespace that images built by Dokploy are pushed under, e.g. acme; null for none."},
		Protect,
	},
	Used:        true,
	Read:        Read{Proc: "registry.all"},
	Router:      "registry",
	IDKey:       "registryId",
	Create:      Create{Answer: Row, Full: true, Fixed: map[string]any{"registryType": "cloud"}},
	PoolHolding: []string{"registry.create"},
	Hooks: Hooks{
		CreateInput: func(in map[string]any, _ string) {
			if _, ok := in["imagePrefix"]; !ok {
				in["imagePrefix"] = nil // required, null allowed (capture 463)
			}
		},
		Validate: func(it Item) []Problem {
			v := it.Values
			if u, _ := v["username"].(string); u != strings.TrimSpace(u) {
				return []Problem{{Field: "username", Message: "must not begin or end with spaces: Dokploy trims them, and the plan would never match"}}
			}
			return nil
		},
	},
}
