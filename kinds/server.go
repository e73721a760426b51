package kinds

// Server is a remote server that Dokploy deploys to (captures 488-504).
// Servers are set up in Dokploy (Settings, Remote servers: SSH access,
// Docker, Traefik), so the spec never declares one: services and
// certificates name it (server: edge-1), and the plan resolves the name
// through server.all.
var Server = &Kind{
	Name: "server", Key: "servers", ReadOnly: true,
	Doc:       "Remote servers, set up in Dokploy; services and certificates name them.",
	NameField: "name",
	Read:      Read{Proc: "server.all"},
	Router:    "server",
	IDKey:     "serverId",
}

// ServiceServer is the server a service runs on: its serverId, among the
// service's own keys. Every <kind>.create takes a serverId; no update
// changes it, so a different server on a live service is a plan error.
var ServiceServer = &Kind{
	Name: "serviceServer", Key: "server", Parents: ServiceKinds, Singleton: true, Inline: true, After: "description",
	Doc: "The remote server the service runs on.",
	Fields: []*Field{
		{Name: "server", API: "serverId", Type: String, Ref: "server", CreateOnly: true,
			Frozen: "move a live service to another server: delete it (in Dokploy, or by leaving it out of the spec and applying with --prune), then apply to create it there; or keep its live server",
			Doc:    "The remote server the service runs on, by name (Dokploy: Settings, Remote servers); none: the Dokploy server. Set when the service is created."},
	},
}
