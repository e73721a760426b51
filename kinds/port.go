package kinds

import "strconv"

// Port publishes a container port of an application, matched by its
// published port and protocol (API.md §2.7). port.update needs every key.
// A port takes effect when the application is deployed.
var Port = &Kind{
	Name: "port", Key: "ports", Parents: []string{"application"}, After: "domains",
	Doc:      "Ports of the Docker Swarm service published on the Dokploy host.",
	Identity: []string{"publishedPort", "protocol"},
	Fields: []*Field{
		{Name: "publishedPort", Type: Int, Required: true, Identity: true, Min: 1, Max: 65535, RangeDoc: portRange, Doc: "Port on the Dokploy host."},
		{Name: "targetPort", Type: Int, Required: true, Min: 1, Max: 65535, RangeDoc: portRange, Doc: "Port in the container."},
		{Name: "protocol", Type: String, Identity: true, Enum: []string{"tcp", "udp"}, Default: "tcp", Doc: "tcp (the default) or udp."},
		{Name: "publishMode", Type: String, Enum: []string{"ingress", "host"}, Default: "ingress", Doc: "ingress (the default: Docker Swarm's routing mesh, the port answers on every node) or host (only on the node that runs the container)."},
	},
	Read:   Read{In: "ports"},
	Router: "port",
	IDKey:  "portId",
	Create: Create{ParentKey: parentID, Full: true},
	Update: Update{Full: true},
	Delete: Delete{Proc: "port.delete"},
	Deploy: true,
	Hashed: &Hashed{Key: "Ports", Columns: map[string]string{
		"portId": "PortID", "publishedPort": "PublishedPort", "targetPort": "TargetPort", "protocol": "Protocol", "publishMode": "PublishMode",
	}},
	Duplicate: Duplicate{Verb: "published", Text: func(v Values) string {
		p, _ := v["publishedPort"].(int)
		proto, _ := v["protocol"].(string)
		return "publishedPort " + portIdentity([]string{strconv.Itoa(p), proto})
	}},
	Hooks: Hooks{Identify: portIdentity},
}

const portRange = "a port between 1 and 65535"

// portIdentity is a port's identity: 8080/tcp (tcp by default).
func portIdentity(id []string) string { return id[0] + "/" + or(id[1], "tcp") }
