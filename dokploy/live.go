package dokploy

import (
	"encoding/json"
	"reflect"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Live is what Observe read from the server: the declared projects (every
// project whose name the spec declares; names are not unique, so a name can
// match several) with their environments and services in full.
type Live struct {
	Version string // e.g. "v0.30.2"
	Role    string // the key's role in its organization: owner, admin, member...
	// Projects maps each declared project name to the live projects of that
	// name (none, one, or several when the name is ambiguous).
	Projects map[string][]*Project
	// Tags are the organization's tags (tag.all), where dokploy-sync keeps
	// its leases and its deploy markers; nil when they could not be read
	// (Dokploy before v0.29.0).
	Tags []Tag
	// Items are the instance resources of the kinds Observe was asked to
	// read (destinations, ...), by kind name.
	Items Items
	// ItemErrors are the instance kinds that could not be read, with why.
	ItemErrors map[string]error
	// Undeclared are the names of the other live projects, sorted: the
	// ones Observe was not asked for, never read beyond project.all.
	Undeclared []string
}

// DeployMarkerPrefix begins the name of a deploy marker: a tag
// "dokploy-sync-deploy:ADDRESS" that apply creates when it writes settings
// of an existing service that need a deploy, and removes once a deploy of
// the service succeeded. A later plan owes a deploy to a service that has
// one (planner), whatever its deployments can tell.
const DeployMarkerPrefix = "dokploy-sync-deploy:"

// DeployMarker is the name of the deploy marker of the service at addr.
func DeployMarker(addr string) string { return DeployMarkerPrefix + addr }

// Project is a live project as project.one answers it.
type Project struct {
	ProjectID    string         `json:"projectId"`
	Name         string         `json:"name"`
	Description  *string        `json:"description"`
	Env          string         `json:"env"`
	Environments []*Environment `json:"environments"`
}

// Environment is a live environment with its services.
type Environment struct {
	EnvironmentID string  `json:"environmentId"`
	Name          string  `json:"name"`
	Description   *string `json:"description"`
	Env           string  `json:"env"`
	IsDefault     bool    `json:"isDefault"`

	Applications []*Application `json:"applications"`
	Compose      []*Compose     `json:"compose"`
	// Databases of every kind, each with Kind set.
	Databases []*Database `json:"-"`
}

// UnmarshalJSON reads the six database arrays of an environment into
// Databases.
func (e *Environment) UnmarshalJSON(data []byte) error {
	type plain Environment
	var aux struct {
		plain
		Postgres []*Database `json:"postgres"`
		MySQL    []*Database `json:"mysql"`
		MariaDB  []*Database `json:"mariadb"`
		Mongo    []*Database `json:"mongo"`
		Redis    []*Database `json:"redis"`
		LibSQL   []*Database `json:"libsql"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*e = Environment(aux.plain)
	for i, list := range [][]*Database{aux.Postgres, aux.MySQL, aux.MariaDB, aux.Mongo, aux.Redis, aux.LibSQL} {
		kind := DatabaseKinds[i]
		for _, d := range list {
			d.Kind = kind
			d.ID = d.ids[kind]
			e.Databases = append(e.Databases, d)
		}
	}
	return nil
}

// DatabaseKinds are the database kinds, in the order Dokploy's API lists them.
var DatabaseKinds = []string{"postgres", "mysql", "mariadb", "mongo", "redis", "libsql"}

// Application is a live application: the columns dokploy-sync manages.
type Application struct {
	ApplicationID     string  `json:"applicationId"`
	Name              string  `json:"name"`
	AppName           string  `json:"appName"`
	Description       *string `json:"description"`
	ApplicationStatus string  `json:"applicationStatus"`

	SourceType  string  `json:"sourceType"`
	DockerImage *string `json:"dockerImage"`
	Username    *string `json:"username"`
	Password    *string `json:"password"`
	RegistryURL *string `json:"registryUrl"`

	Command           *string `json:"command"`
	Replicas          *int    `json:"replicas"`
	MemoryLimit       *string `json:"memoryLimit"`
	MemoryReservation *string `json:"memoryReservation"`
	CPULimit          *string `json:"cpuLimit"`
	CPUReservation    *string `json:"cpuReservation"`

	Env           *string `json:"env"`
	BuildArgs     *string `json:"buildArgs"`
	BuildSecrets  *string `json:"buildSecrets"`
	CreateEnvFile *bool   `json:"createEnvFile"`

	GitSource
	GithubColumns
	GitlabColumns
	BitbucketColumns
	GiteaColumns
	// Applications also have a build path per provider.
	BuildPath          *string `json:"buildPath"`
	GitlabBuildPath    *string `json:"gitlabBuildPath"`
	BitbucketBuildPath *string `json:"bitbucketBuildPath"`
	GiteaBuildPath     *string `json:"giteaBuildPath"`

	// build
	BuildType         *string `json:"buildType"`
	Dockerfile        *string `json:"dockerfile"`
	DockerContextPath *string `json:"dockerContextPath"`
	DockerBuildStage  *string `json:"dockerBuildStage"`
	HerokuVersion     *string `json:"herokuVersion"`
	RailpackVersion   *string `json:"railpackVersion"`
	PublishDirectory  *string `json:"publishDirectory"`
	IsStaticSpa       *bool   `json:"isStaticSpa"`

	// Deployments are the service's newest deployments (about 10, in no
	// particular order), as application.one embeds them.
	Deployments []*Deployment `json:"deployments"`

	// Items are the described kinds' items: domains, ports, mounts,
	// redirects, security, ...
	Items Items `json:"-"`
}

// UnmarshalJSON also reads the items of the described kinds.
func (a *Application) UnmarshalJSON(data []byte) error {
	type plain Application
	keys, err := decodeService(data, (*plain)(a), applicationFields, planFor("application"))
	if err != nil {
		return err
	}
	items, err := readItems(data, &keys, kinds.Parent{Kind: "application", AppName: a.AppName})
	a.Items = items
	return err
}

// Deployment is one deployment row of an application or compose service.
// Title and description are what the deploy call passed, until a git
// deployment ends: Dokploy then overwrites them with the commit's message
// and "Commit: <hash>" (API.md §7.2).
type Deployment struct {
	DeploymentID string  `json:"deploymentId"`
	Title        string  `json:"title"`
	Description  *string `json:"description"`
	Status       string  `json:"status"`    // running, done, error, cancelled
	CreatedAt    string  `json:"createdAt"` // ISO 8601 in UTC, so it sorts as text
}

// GitSource holds the custom git and common source columns, shared by
// applications and compose.
type GitSource struct {
	CustomGitURL       *string  `json:"customGitUrl"`
	CustomGitBranch    *string  `json:"customGitBranch"`
	CustomGitBuildPath *string  `json:"customGitBuildPath"`
	CustomGitSSHKeyID  *string  `json:"customGitSSHKeyId"`
	EnableSubmodules   *bool    `json:"enableSubmodules"`
	WatchPaths         []string `json:"watchPaths"`
}

// GithubColumns are the GitHub source columns of an application or compose.
type GithubColumns struct {
	Repository  *string `json:"repository"`
	Owner       *string `json:"owner"`
	Branch      *string `json:"branch"`
	GithubID    *string `json:"githubId"`
	TriggerType *string `json:"triggerType"`
}

// GitlabColumns are the GitLab source columns of an application or compose.
type GitlabColumns struct {
	GitlabID            *string `json:"gitlabId"`
	GitlabProjectID     *int    `json:"gitlabProjectId"`
	GitlabRepository    *string `json:"gitlabRepository"`
	GitlabOwner         *string `json:"gitlabOwner"`
	GitlabBranch        *string `json:"gitlabBranch"`
	GitlabPathNamespace *string `json:"gitlabPathNamespace"`
}

// BitbucketColumns are the Bitbucket source columns of an application or
// compose.
type BitbucketColumns struct {
	BitbucketID             *string `json:"bitbucketId"`
	BitbucketRepository     *string `json:"bitbucketRepository"`
	BitbucketRepositorySlug *string `json:"bitbucketRepositorySlug"`
	BitbucketOwner          *string `json:"bitbucketOwner"`
	BitbucketBranch         *string `json:"bitbucketBranch"`
}

// GiteaColumns are the Gitea source columns of an application or compose.
type GiteaColumns struct {
	GiteaID         *string `json:"giteaId"`
	GiteaRepository *string `json:"giteaRepository"`
	GiteaOwner      *string `json:"giteaOwner"`
	GiteaBranch     *string `json:"giteaBranch"`
}

// Compose is a live compose service: the columns dokploy-sync manages.
type Compose struct {
	ComposeID     string  `json:"composeId"`
	Name          string  `json:"name"`
	AppName       string  `json:"appName"`
	Description   *string `json:"description"`
	ComposeStatus string  `json:"composeStatus"`

	SourceType  string  `json:"sourceType"`
	ComposeType string  `json:"composeType"`
	ComposeFile *string `json:"composeFile"`
	ComposePath *string `json:"composePath"`
	Command     *string `json:"command"`
	Env         *string `json:"env"`

	GitSource
	GithubColumns
	GitlabColumns
	BitbucketColumns
	GiteaColumns

	Randomize          *bool `json:"randomize"`
	IsolatedDeployment *bool `json:"isolatedDeployment"`

	// Deployments: as Application.Deployments (compose.one embeds them).
	Deployments []*Deployment `json:"deployments"`

	Items Items `json:"-"` // the described kinds' items: domains, mounts, ...
}

// UnmarshalJSON also reads the items of the described kinds.
func (c *Compose) UnmarshalJSON(data []byte) error {
	type plain Compose
	keys, err := decodeService(data, (*plain)(c), composeFields, planFor("compose"))
	if err != nil {
		return err
	}
	items, err := readItems(data, &keys, kinds.Parent{Kind: "compose", AppName: c.AppName})
	c.Items = items
	return err
}

// Database is a live database of any kind: the columns dokploy-sync manages.
type Database struct {
	Kind string `json:"-"` // postgres, mysql, mariadb, mongo, redis, libsql
	ID   string `json:"-"` // the <kind>Id

	Name              string  `json:"name"`
	AppName           string  `json:"appName"`
	Description       *string `json:"description"`
	ApplicationStatus string  `json:"applicationStatus"`
	DockerImage       *string `json:"dockerImage"`
	Env               *string `json:"env"`
	ExternalPort      *int    `json:"externalPort"`

	DatabaseName         *string `json:"databaseName"`
	DatabaseUser         *string `json:"databaseUser"`
	DatabasePassword     *string `json:"databasePassword"`
	DatabaseRootPassword *string `json:"databaseRootPassword"`
	ReplicaSets          *bool   `json:"replicaSets"`
	SqldNode             *string `json:"sqldNode"`
	SqldPrimaryURL       *string `json:"sqldPrimaryUrl"`
	EnableNamespaces     *bool   `json:"enableNamespaces"`
	ExternalGRPCPort     *int    `json:"externalGRPCPort"`
	ExternalAdminPort    *int    `json:"externalAdminPort"`

	Items Items `json:"-"` // the described kinds' items (<kind>.one only): mounts, backups, ...

	ids map[string]string
}

// UnmarshalJSON also picks up the <kind>Id keys.
func (d *Database) UnmarshalJSON(data []byte) error {
	type plain Database
	plan := idPlan
	if d.Kind != "" {
		plan = planFor(d.Kind)
	}
	keys, err := decodeService(data, (*plain)(d), databaseFields, plan) // read once for the ids and the items
	if err != nil {
		return err
	}
	d.ids = map[string]string{}
	for _, k := range DatabaseKinds {
		if raw, ok := keys.lookup(IDKey(k)); ok {
			if s, ok := idString(raw); ok {
				d.ids[k] = s
				if d.Kind == "" || d.Kind == k {
					d.ID = s
				}
			}
		}
	}
	if d.Kind != "" {
		// A <kind>.one answer (the environments' lists have no items).
		items, err := readItems(data, &keys, kinds.Parent{Kind: d.Kind, AppName: d.AppName})
		d.Items = items
		return err
	}
	return nil
}

// idPlan reads the ids of a database of the environments' lists.
var idPlan = func() *readPlan {
	p := &readPlan{keys: map[string]int{}}
	p.addIDKeys()
	return p
}()

// idString is json.Unmarshal of raw, a valid JSON value, into a string:
// false when it fails (not a string nor null).
func idString(raw []byte) (string, bool) {
	switch v, err := parseAny(raw); v := v.(type) {
	case string:
		return v, err == nil
	case nil:
		return "", err == nil
	}
	return "", false
}

// The fields of the services' structs (decodeService).
var (
	applicationFields = fieldsOf(reflect.TypeFor[Application]())
	composeFields     = fieldsOf(reflect.TypeFor[Compose]())
	databaseFields    = fieldsOf(reflect.TypeFor[Database]())
)

// IDKey is the name of the id field of a service kind: applicationId,
// postgresId, ...
func IDKey(kind string) string {
	if kind == "application" {
		return "applicationId"
	}
	return kind + "Id"
}
