package kinds

import (
	"regexp"
	"strconv"
	"strings"
)

// Domain routes a host (and path) to an application or a compose service
// through Traefik, matched by host and path (API.md §2.6, QUIRKS
// DM1-DM8). domain.update is partial but needs the host. An application's
// domains act at once (Traefik reads them); a compose service's are labels
// its deploy writes into the compose file.
//
// domain.create holds a pool connection while it needs a second one:
// createDomain opens db.transaction (domain.ts:18) and, inside it, reads
// findApplicationById (domain.ts:36) through the global db
// (application.ts:95), not through tx.
var Domain = &Kind{
	Name: "domain", Key: "domains", Parents: []string{"application", "compose"},
	After: "buildSecrets", AfterIn: map[string]string{"compose": "envFile"},
	Doc:      "Hosts (and paths) that Traefik routes to the service.",
	Identity: []string{"host", "path"},
	Fields: []*Field{
		{Name: "host", Type: String, Required: true, Identity: true, Pattern: hostPattern,
			PatternDoc: `a host name: labels of letters, digits and "-" separated by dots, with no "_", scheme or path`,
			Doc:        "Host name, e.g. api.example.com; point its DNS at the Dokploy server."},
		{Name: "path", Type: String, Identity: true, Default: "/", Pattern: `^/`, PatternDoc: `a path starting with "/"`,
			Doc: "Path prefix that is routed; Dokploy's default is /."},
		{Name: "port", Type: Int, Default: 3000.0, Min: 1, Max: 65535,
			RangeDoc: "a port between 1 and 65535 (the container port Traefik sends requests to)",
			Doc:      "Container port that Traefik sends the requests to; Dokploy's default is 3000."},
		{Name: "https", Type: Bool, Default: false, Doc: "Serve the domain over HTTPS (and redirect HTTP to it), with the certificate certificateType says; Dokploy's default is false."},
		{Name: "certificateType", Type: String, Enum: []string{"none", "letsencrypt", "custom"}, Default: "none",
			Doc: "Certificate for HTTPS: none (Dokploy's default; Traefik's self-signed certificate), letsencrypt, or custom (a Traefik certificate resolver named in customCertResolver)."},
		{Name: "customCertResolver", Type: String, Nullable: true, Doc: "Name of the Traefik certificate resolver, with certificateType: custom only (where it is required)."},
		{Name: "serviceName", Type: String, Parents: []string{"compose"},
			ParentsDoc: "only for domains of compose services; an application's domain routes to the application itself, remove it",
			Doc:        "The service of the compose file that receives the requests; required for a compose service's domain."},
		{Name: "stripPath", Type: Bool, Default: false, Doc: "Remove the path prefix before passing the request on; Dokploy's default is false."},
		{Name: "internalPath", Type: String, Default: "/", Pattern: `^/`, PatternDoc: `a path starting with "/"`,
			Doc: "Path that requests are sent to inside the container; Dokploy's default is /."},
	},
	Read:        Read{In: "domains"},
	Router:      "domain",
	IDKey:       "domainId",
	Create:      Create{ParentKey: parentID},
	Update:      Update{Keep: []string{"host"}},
	Delete:      Delete{Proc: "domain.delete"},
	PoolHolding: []string{"domain.create"},
	Deploy:      true,
	DeployIn:    []string{"compose"},
	Hashed: &Hashed{Key: "Domains", Columns: map[string]string{
		"domainId": "DomainID", "host": "Host", "path": "Path", "port": "Port", "https": "HTTPS",
		"certificateType": "CertificateType", "customCertResolver": "CustomCertResolver", "serviceName": "ServiceName",
		"stripPath": "StripPath", "internalPath": "InternalPath", "domainType": "DomainType",
	}},
	Duplicate: Duplicate{
		Verb: "declared", Hint: "; each host and path may appear once",
		Key: func(v Values) string {
			host, _ := v["host"].(string)
			if hostProblem(host) != "" {
				return "" // reported: no duplicate to tell
			}
			return strings.ToLower(host) + domainPath(v)
		},
		Text: func(v Values) string {
			host, _ := v["host"].(string)
			return "host " + host + " with path " + domainPath(v)
		},
		// Each Dokploy server runs its own Traefik: on one server two
		// routers with the same Host and PathPrefix rule have the same
		// priority (the rule's length), and Traefik sends every request
		// to one of them. Services on different servers have different
		// Traefiks, so their domains do not clash there.
		Across:     true,
		AcrossHint: "; on one server Traefik routes a host and path to one service only: give each service its own host or path",
	},
	Hooks: Hooks{
		Identify: func(id []string) string {
			if id[1] == "" || id[1] == "/" {
				return id[0]
			}
			return id[0] + id[1]
		},
		CreateInput: func(in map[string]any, parent string) { in["domainType"] = parent },
		Validate:    validateDomain,
		Unexportable: func(row map[string]any, parent string) string {
			if s, _ := row["serviceName"].(string); parent == "compose" && s == "" {
				return "has no service name, which dokploy.yaml requires for a compose service's domain"
			}
			return ""
		},
	},
}

func domainPath(v Values) string {
	if p, _ := v["path"].(string); p != "" {
		return p
	}
	return "/"
}

func validateDomain(it Item) []Problem {
	var out []Problem
	v := it.Values
	if host, _ := v["host"].(string); host != "" {
		if msg := hostProblem(host); msg != "" {
			out = append(out, Problem{Field: "host", Message: msg})
		}
	}
	for _, key := range []string{"path", "internalPath"} {
		if p, ok := v[key].(string); ok && !strings.HasPrefix(p, "/") {
			out = append(out, Problem{Field: key, Message: "must start with \"/\", got " + Quote(p)})
		}
	}
	certKnown := !it.Skipped("certificateType")
	cert, _ := v["certificateType"].(string)
	resolver, _ := v["customCertResolver"].(string)
	switch {
	case !certKnown || it.Skipped("customCertResolver"):
	case cert == "custom" && resolver == "":
		out = append(out, Problem{Field: "customCertResolver", At: "certificateType",
			Message: "required when certificateType is custom; set the name of the Traefik certificate resolver"})
	case cert != "custom" && resolver != "":
		out = append(out, Problem{Field: "customCertResolver",
			Message: "only used with certificateType: custom (certificateType is " + strconv.Quote(or(cert, "none")) + "); remove it or set certificateType: custom"})
	}
	if https, _ := v["https"].(bool); https && certKnown && (cert == "none" || !it.Keys["certificateType"]) {
		how := "certificateType is none"
		if !it.Keys["certificateType"] {
			how = "certificateType is not set and Dokploy's default is none"
		}
		out = append(out, Problem{Field: "https", Warning: true,
			Message: "https without a certificate: " + how + ", so Traefik serves its default self-signed certificate; set certificateType: letsencrypt (or custom)"})
	}
	if s, _ := v["serviceName"].(string); it.Parent == "compose" && !it.Skipped("serviceName") && strings.TrimSpace(s) == "" {
		out = append(out, Problem{Field: "serviceName", AtItem: true,
			Message: "required for a compose service's domain: the name of the service in the compose file that receives the requests"})
	}
	return out
}

// hostPattern is Dokploy's host name rule (RFC 1123, no underscores),
// with at least one dot: the host field's Pattern, which hostProblem
// words case by case.
const hostPattern = `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`

var hostRE = regexp.MustCompile(hostPattern)

// hostProblem says what is wrong with a domain's host, or "".
func hostProblem(h string) string {
	const rule = "; a host is labels of letters, digits and \"-\" separated by dots, like api.example.com"
	switch {
	case strings.TrimSpace(h) != h:
		return "must not start or end with spaces; did you mean " + strconv.Quote(strings.TrimSpace(h)) + "?"
	case strings.Contains(h, "://") || strings.Contains(h, "/"):
		return "must be a host name only, without a scheme or a path (the path goes in path), got " + Quote(h)
	case strings.Contains(h, "_"):
		return "must not contain \"_\", which Dokploy rejects in host names, got " + Quote(h)
	case !strings.Contains(h, "."):
		return "must have at least one dot, like app.example.com, got " + Quote(h)
	case !hostRE.MatchString(h):
		return "is not a valid host name, got " + Quote(h) + rule
	}
	return ""
}
