package kinds

// The switches of applications and compose services, among their own keys
// (captures 543, 550-551): they act when Dokploy next builds or hears a
// push, so their change needs no deploy, but for createEnvFile, which
// changes what the build writes (a .env file in the build context) and is
// part of the settings a deploy is checked against (planner's
// fingerprint).
//
// source.github.triggerType and the sources' watchPaths are the sources'
// own keys: Dokploy has a trigger type for GitHub only.

var (
	autoDeployField = &Field{Name: "autoDeploy", Type: Bool, Default: true,
		Doc: "Deploy when the source's branch gets a push (Dokploy's webhook)."}
	createEnvFileField = &Field{Name: "createEnvFile", Type: Bool, Default: true, Deploy: true,
		Doc: "Write the env into a .env file in the build context before the build."}
)

// ApplicationSettings are an application's switches.
var ApplicationSettings = &Kind{
	Name: "applicationSettings", Parents: []string{"application"},
	Doc:       "Switches of the application's builds and deploys.",
	Singleton: true, Inline: true,
	Fields: []*Field{
		autoDeployField,
		{Name: "cleanCache", Type: Bool, Default: false, Doc: "Build without Docker's build cache."},
		createEnvFileField,
		{Name: "rollbackActive", Type: Bool, Default: false, Doc: "Keep the image of each deployment, so that Dokploy can roll back to it."},
	},
}

// ComposeSettings are a compose service's switches.
var ComposeSettings = &Kind{
	Name: "composeSettings", Parents: []string{"compose"},
	Doc:       "Switches of the compose service's deploys.",
	Singleton: true, Inline: true,
	Fields: []*Field{autoDeployField, createEnvFileField},
}
