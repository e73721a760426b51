package kinds

// Preview is an application's preview deployments: one per pull request
// of its GitHub source (captures 543-545). Dokploy keeps them in the
// application's own columns (isPreviewDeploymentsActive, preview*), read
// from application.one (previewEnv in clear) and written by
// application.update. They shape the previews Dokploy makes of later pull
// requests, so a change needs no deploy of the application.
var Preview = &Kind{
	Name: "preview", Key: "preview", Parents: []string{"application"},
	Doc:       "Preview deployments: a deployment of each pull request of the GitHub source, on a subdomain of a wildcard domain.",
	Singleton: true,
	Fields: []*Field{
		{Name: "enabled", API: "isPreviewDeploymentsActive", Type: Bool, Default: false, Doc: "Deploy pull requests."},
		{Name: "wildcard", API: "previewWildcard", Type: String, Nullable: true, Doc: "The wildcard domain whose subdomains the previews get: *.preview.example.com."},
		{Name: "port", API: "previewPort", Type: Int, Default: float64(3000), Min: 1, Max: 65535, Doc: "The container port the previews' domains route to."},
		{Name: "https", API: "previewHttps", Type: Bool, Default: false, Doc: "Serve the previews over HTTPS."},
		{Name: "path", API: "previewPath", Type: String, Default: "/", Doc: "The path of the previews' domains."},
		{Name: "certificateType", API: "previewCertificateType", Type: String, Enum: []string{"none", "letsencrypt", "custom"}, Default: "none",
			Doc: "The certificate of the previews' domains: none, letsencrypt or custom (customCertResolver)."},
		{Name: "customCertResolver", API: "previewCustomCertResolver", Type: String, Nullable: true, Doc: "The Traefik certificate resolver of certificateType custom."},
		{Name: "limit", API: "previewLimit", Type: Int, Default: float64(3), Min: 0, Max: 1 << 20, Doc: "How many previews may exist at once."},
		{Name: "env", API: "previewEnv", Type: Env, Doc: "The previews' env, instead of the application's; null or {} clears it."},
		{Name: "buildArgs", API: "previewBuildArgs", Type: Env, Doc: "The previews' build args; null or {} clears them."},
		{Name: "labels", API: "previewLabels", Type: Strings, Nullable: true, Doc: "Only pull requests with one of these labels get a preview; null or [] for all."},
		{Name: "requireCollaboratorPermissions", API: "previewRequireCollaboratorPermissions", Type: Bool, Default: true,
			Doc: "Only pull requests of the repository's collaborators get a preview."},
	},
}
