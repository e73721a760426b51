package spec

// Source kinds an application or compose service can have.
const (
	SourceDocker    = "docker"
	SourceGit       = "git"
	SourceGitHub    = "github"
	SourceGitLab    = "gitlab"
	SourceBitbucket = "bitbucket"
	SourceGitea     = "gitea"
)

// GitSource builds from any git repository reachable from the Dokploy
// server (Dokploy's "Git" provider, customGit* columns).
type GitSource struct {
	URL       string  `yaml:"url" spec:"required"`
	Branch    string  `yaml:"branch" spec:"required"`
	BuildPath *string `yaml:"buildPath" spec:"nullable"`
	// SSHKey names the SSH key (sshKeys, or made in Dokploy); SSHKeyID is
	// its id. At most one of them.
	SSHKey     *string  `yaml:"sshKey"`
	SSHKeyID   *string  `yaml:"sshKeyId" spec:"nullable"`
	Submodules *bool    `yaml:"submodules"`
	WatchPaths []string `yaml:"watchPaths" spec:"nullable"`

	Meta `yaml:"-"`
}

// ProviderSource holds what the GitHub, GitLab, Bitbucket and Gitea
// providers share. Provider is the name of the provider configured in
// Dokploy (Settings, Git providers), ProviderID its id: exactly one of
// them.
type ProviderSource struct {
	Provider   *string  `yaml:"provider"`
	ProviderID string   `yaml:"providerId"`
	Owner      string   `yaml:"owner" spec:"required"`
	Repository string   `yaml:"repository" spec:"required"`
	Branch     string   `yaml:"branch" spec:"required"`
	BuildPath  *string  `yaml:"buildPath" spec:"nullable"`
	Submodules *bool    `yaml:"submodules"`
	WatchPaths []string `yaml:"watchPaths" spec:"nullable"`

	Meta `yaml:"-"`
}

// GitHubSource builds from a repository of a GitHub App provider.
type GitHubSource struct {
	ProviderSource `yaml:",inline"`
	TriggerType    *string `yaml:"triggerType"` // push (default) | tag
}

// GitLabSource builds from a GitLab repository.
type GitLabSource struct {
	ProviderSource `yaml:",inline"`
	ProjectID      *int    `yaml:"projectId" spec:"nullable"`
	PathNamespace  *string `yaml:"pathNamespace" spec:"nullable"`
}

// BitbucketSource builds from a Bitbucket repository.
type BitbucketSource struct {
	ProviderSource `yaml:",inline"`
	RepositorySlug *string `yaml:"repositorySlug" spec:"nullable"`
}

// GiteaSource builds from a Gitea repository.
type GiteaSource struct {
	ProviderSource `yaml:",inline"`
}

// Build says how Dokploy builds an application from source.
type Build struct {
	Type              string  `yaml:"type" spec:"required"` // dockerfile | nixpacks | heroku_buildpacks | paketo_buildpacks | railpack | static
	Dockerfile        *string `yaml:"dockerfile" spec:"nullable"`
	DockerContextPath *string `yaml:"dockerContextPath" spec:"nullable"`
	DockerBuildStage  *string `yaml:"dockerBuildStage" spec:"nullable"`
	HerokuVersion     *string `yaml:"herokuVersion" spec:"nullable"`
	RailpackVersion   *string `yaml:"railpackVersion" spec:"nullable"`
	PublishDirectory  *string `yaml:"publishDirectory" spec:"nullable"`
	IsStaticSpa       *bool   `yaml:"isStaticSpa" spec:"nullable"`

	Meta `yaml:"-"`
}

// BuildTypes are the values of build.type.
var BuildTypes = []string{"dockerfile", "nixpacks", "heroku_buildpacks", "paketo_buildpacks", "railpack", "static"}

// Compose is a Docker Compose (or swarm stack) service.
type Compose struct {
	AppName     *string `yaml:"appName"`
	Description *string `yaml:"description" spec:"nullable"`
	ComposeType *string `yaml:"composeType"` // docker-compose (default) | stack
	// ComposeFile is the path of a compose file next to the spec, or the
	// compose file itself when the value spans several lines.
	ComposeFile *string `yaml:"composeFile"`
	// Source is where the compose file comes from when it is not raw
	// (git or a provider; docker is not a compose source).
	Source             *Source           `yaml:"source"`
	ComposePath        *string           `yaml:"composePath"` // in the repository; default ./docker-compose.yml
	Command            *string           `yaml:"command"`
	Env                map[string]string `yaml:"env"`
	EnvFile            StringList        `yaml:"envFile"`
	Randomize          *bool             `yaml:"randomize"`
	IsolatedDeployment *bool             `yaml:"isolatedDeployment"`
	Deploy             *string           `yaml:"deploy"`  // onChange (default) | always | never
	Protect            *bool             `yaml:"protect"` // never deleted by --prune; alone, a hands-off entry

	Meta    `yaml:"-"`
	EnvVars map[string]string `yaml:"-"`
	Objects Objects           `yaml:"-"` // items of described kinds: domains, mounts, ...
	// ComposeContent is the compose file's text when ComposeFile is set.
	// Filled by Load.
	ComposeContent *string `yaml:"-"`
}
