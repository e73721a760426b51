// Package spec holds the desired state: the dokploy.yaml types, loading,
// ${VAR} interpolation, env files, normalization and validation with
// positions. It does no network I/O.
package spec

import "github.com/goccy/go-yaml/ast"

// APIVersion is the only apiVersion this version of dokploy-sync reads.
const APIVersion = "dokploy-sync/v1"

// DefaultEnvironment is the environment Dokploy creates with every project.
// It always exists: the spec may configure it but never creates or removes it.
const DefaultEnvironment = "production"

// Position is a place in a spec file. Line and Col are 1-based.
type Position struct {
	File string
	Line int
	Col  int
}

// Meta is filled by Load for every resource: where the resource's key is, and
// which of its keys the file sets (an explicit null counts as set, so a nil
// pointer with Has(key) true means "clear this field").
type Meta struct {
	Pos  Position            // position of the resource's name key
	Keys map[string]Position // keys present in the file, with the position of each value
	// Unknown maps a field ("image", "env.DATABASE_URL", ...) whose value
	// depends on an unset ${VAR} to the name of that variable. Such fields
	// are shown as unknown in plans and not compared.
	Unknown map[string]string
}

// Has reports whether the file sets key (possibly to null).
func (m *Meta) Has(key string) bool { _, ok := m.Keys[key]; return ok }

// HandsOff reports whether a service entry says only protect: true: the
// live service is kept as it is, never changed, created or pruned.
func HandsOff(m *Meta, protect *bool) bool {
	return protect != nil && *protect && len(m.Keys) == 1 && m.Has("protect")
}

// DeployPolicies are the values of deploy: onChange (the default) deploys a
// service when apply created it or changed its runtime settings, always on
// every apply, never leaves deploys to you.
var DeployPolicies = []string{"onChange", "always", "never"}

// Struct tags: `yaml:"name"` is the key in dokploy.yaml. `spec:"..."` holds
// loading rules, comma separated:
//
//   - required: the key must be present, and a string must not be empty.
//   - nullable: an explicit null is accepted (it clears the live value);
//     without it null is an error. Maps, env, envFile and lists
//     (watchPaths, and the lists of described kinds: domains, ...) always
//     accept null, which clears them like {} or [].
//   - literal: the string is read as written; a ${VAR} in it is an error.
//   - secret: the value is a secret. It is never printed in diagnostics, and
//     a value written literally in the file (not through ${VAR}) draws a
//     warning, since dokploy.yaml lives in git.

// File is a loaded, interpolated and validated dokploy.yaml.
type File struct {
	APIVersion string              `yaml:"apiVersion" spec:"required"`
	Projects   map[string]*Project `yaml:"projects" spec:"required"`
	// Secrets names variables whose values are secret although their
	// names do not say so and no secret field uses them (see SecretValues).
	Secrets []string `yaml:"secrets"`
	// Contexts are the Dokploy instances the spec is applied to, by name
	// (contexts.go); DefaultContext names the one used when neither the
	// command line nor the environment names an instance.
	Contexts       map[string]*Context `yaml:"contexts"`
	DefaultContext string              `yaml:"defaultContext" spec:"literal"`
	// Objects are the instance resources (package kinds): destinations,
	// registries, ..., by kind.
	Objects Objects `yaml:"-"`

	Path string `yaml:"-"` // as given by the user (for messages); "<stdin>" for "-"
	Dir  string `yaml:"-"` // directory relative paths (envFile) are resolved against

	keys  map[string]Position // top-level keys present, with their value positions
	start Position            // position of the first top-level key
	unset []string            // sorted names of ${VAR}s that were not set
	// secretVars are the values of the secret variables the spec uses.
	secretVars map[string]string
	// refPos is where each value that holds a ${ref:...} is, keyed by
	// refKey(address, field): for Validate's messages.
	refPos map[string]Position
	// failed and itemIdx are the decoder's notes for Validate: the keys
	// whose values could not be decoded, and the index in the file of each
	// list item (see decoder).
	failed  map[*Meta]map[string]bool
	itemIdx map[*Meta]int
	// tree is the merged YAML tree, with the secret values in it and the
	// aliases' targets: kept for Render only.
	tree        ast.Node
	secretNodes map[ast.Node]bool
	aliases     map[*ast.AliasNode]ast.Node
}

// Project is a Dokploy project, matched by name.
type Project struct {
	Description  *string                 `yaml:"description" spec:"nullable"`
	Env          map[string]string       `yaml:"env"`
	EnvFile      StringList              `yaml:"envFile"`
	Environments map[string]*Environment `yaml:"environments"`
	// Protect keeps --prune from deleting anything in the project.
	Protect *bool `yaml:"protect"`
	// DeleteVolumes lets --prune delete the volumes of the compose services
	// it deletes in the project (kept by default).
	DeleteVolumes *bool `yaml:"deleteVolumes"`

	Meta `yaml:"-"`
	// EnvVars is Env merged over EnvFile (later files win, inline last); nil
	// when neither is set (env not managed). Filled by Load.
	EnvVars map[string]string `yaml:"-"`
}

// Environment is an environment inside a project, matched by name.
// "production" is the default environment.
type Environment struct {
	Description *string `yaml:"description" spec:"nullable"`
	// Extends names another environment of the project whose services and
	// env this one has too, merged with its own (merge.go).
	Extends      *string                 `yaml:"extends"`
	Env          map[string]string       `yaml:"env"`
	EnvFile      StringList              `yaml:"envFile"`
	Applications map[string]*Application `yaml:"applications"`
	Postgres     map[string]*Postgres    `yaml:"postgres"`
	MySQL        map[string]*MySQL       `yaml:"mysql"`
	MariaDB      map[string]*MariaDB     `yaml:"mariadb"`
	Mongo        map[string]*Mongo       `yaml:"mongo"`
	Redis        map[string]*Redis       `yaml:"redis"`
	LibSQL       map[string]*LibSQL      `yaml:"libsql"`
	Compose      map[string]*Compose     `yaml:"compose"`
	// Protect keeps --prune from deleting anything in the environment.
	Protect *bool `yaml:"protect"`
	// DeleteVolumes overrides the project's for this environment.
	DeleteVolumes *bool `yaml:"deleteVolumes"`

	Meta    `yaml:"-"`
	EnvVars map[string]string `yaml:"-"`
}

// Application is a Dokploy application.
type Application struct {
	// AppName is the prefix Dokploy gives the generated appName (hostname);
	// used on create only.
	AppName     *string           `yaml:"appName"`
	Description *string           `yaml:"description" spec:"nullable"`
	Source      *Source           `yaml:"source"`
	Command     *string           `yaml:"command" spec:"nullable"`
	Replicas    *int              `yaml:"replicas"`
	Resources   *Resources        `yaml:"resources" spec:"nullable"`
	Env         map[string]string `yaml:"env"`
	EnvFile     StringList        `yaml:"envFile"`
	Build       *Build            `yaml:"build"`
	// BuildArgs become --build-arg; BuildSecrets are Docker build secrets.
	BuildArgs    map[string]string `yaml:"buildArgs"`
	BuildSecrets map[string]string `yaml:"buildSecrets" spec:"secret"`
	Deploy       *string           `yaml:"deploy"`  // onChange (default) | always | never
	Protect      *bool             `yaml:"protect"` // never deleted by --prune; alone, a hands-off entry

	Meta    `yaml:"-"`
	EnvVars map[string]string `yaml:"-"`
	// Objects are the items of described kinds (package kinds): domains,
	// ports, mounts, redirects, security, ...
	Objects Objects `yaml:"-"`
}

// Source says where an application's code or image comes from. Exactly one
// member is set.
type Source struct {
	Docker    *DockerSource    `yaml:"docker"`
	Git       *GitSource       `yaml:"git"`
	GitHub    *GitHubSource    `yaml:"github"`
	GitLab    *GitLabSource    `yaml:"gitlab"`
	Bitbucket *BitbucketSource `yaml:"bitbucket"`
	Gitea     *GiteaSource     `yaml:"gitea"`
}

// DockerSource deploys a prebuilt image.
type DockerSource struct {
	Image       string  `yaml:"image" spec:"required"`
	Username    *string `yaml:"username" spec:"nullable"`
	Password    *string `yaml:"password" spec:"nullable,secret"`
	RegistryURL *string `yaml:"registryUrl" spec:"nullable"`

	Meta `yaml:"-"`
}

// Resources are swarm limits and reservations, in human units in the file and
// in bytes / nano-CPUs once loaded.
type Resources struct {
	MemoryLimit       *Memory `yaml:"memoryLimit" spec:"nullable"`
	MemoryReservation *Memory `yaml:"memoryReservation" spec:"nullable"`
	CPULimit          *CPU    `yaml:"cpuLimit" spec:"nullable"`
	CPUReservation    *CPU    `yaml:"cpuReservation" spec:"nullable"`

	Meta `yaml:"-"`
}

// Memory is a size in bytes. The file may say 512Mi, 1Gi, 256M, 100k or a
// plain number of bytes.
type Memory int64

// CPU is a number of nano-CPUs. The file may say 0.5, 2 or 500m.
type CPU int64

// StringList is one string or a list of strings in the file.
type StringList []string

// DatabaseCommon holds the fields every database kind has.
type DatabaseCommon struct {
	AppName      *string           `yaml:"appName"`
	Description  *string           `yaml:"description" spec:"nullable"`
	DockerImage  string            `yaml:"dockerImage" spec:"required"` // required: Dokploy's defaults for mariadb and mongo are not real images
	Env          map[string]string `yaml:"env"`
	EnvFile      StringList        `yaml:"envFile"`
	ExternalPort *int              `yaml:"externalPort" spec:"nullable"`
	Deploy       *string           `yaml:"deploy"`  // onChange (default) | always | never
	Protect      *bool             `yaml:"protect"` // never deleted by --prune; alone, a hands-off entry

	Meta    `yaml:"-"`
	EnvVars map[string]string `yaml:"-"`
	Objects Objects           `yaml:"-"` // items of described kinds: mounts, backups, ...
}

// Postgres is a postgres database.
type Postgres struct {
	DatabaseCommon   `yaml:",inline"`
	DatabaseName     string `yaml:"databaseName" spec:"required"`
	DatabaseUser     string `yaml:"databaseUser" spec:"required"`
	DatabasePassword string `yaml:"databasePassword" spec:"required,secret"`
}

// MySQL is a mysql database.
type MySQL struct {
	DatabaseCommon       `yaml:",inline"`
	DatabaseName         string  `yaml:"databaseName" spec:"required"`
	DatabaseUser         string  `yaml:"databaseUser" spec:"required"`
	DatabasePassword     string  `yaml:"databasePassword" spec:"required,secret"`
	DatabaseRootPassword *string `yaml:"databaseRootPassword" spec:"secret"`
}

// MariaDB is a mariadb database.
type MariaDB struct {
	DatabaseCommon       `yaml:",inline"`
	DatabaseName         string  `yaml:"databaseName" spec:"required"`
	DatabaseUser         string  `yaml:"databaseUser" spec:"required"`
	DatabasePassword     string  `yaml:"databasePassword" spec:"required,secret"`
	DatabaseRootPassword *string `yaml:"databaseRootPassword" spec:"secret"`
}

// Mongo is a mongo database (it has no databaseName).
type Mongo struct {
	DatabaseCommon   `yaml:",inline"`
	DatabaseUser     string `yaml:"databaseUser" spec:"required"`
	DatabasePassword string `yaml:"databasePassword" spec:"required,secret"`
	ReplicaSets      *bool  `yaml:"replicaSets"`
}

// Redis is a redis database (password only).
type Redis struct {
	DatabaseCommon   `yaml:",inline"`
	DatabasePassword string `yaml:"databasePassword" spec:"required,secret"`
}

// LibSQL is a libsql (sqld) database.
type LibSQL struct {
	DatabaseCommon    `yaml:",inline"`
	DatabaseUser      string  `yaml:"databaseUser" spec:"required"`
	DatabasePassword  string  `yaml:"databasePassword" spec:"required,secret"`
	SqldNode          *string `yaml:"sqldNode"` // primary (default) | replica
	SqldPrimaryURL    *string `yaml:"sqldPrimaryUrl" spec:"nullable"`
	EnableNamespaces  *bool   `yaml:"enableNamespaces"`
	ExternalGRPCPort  *int    `yaml:"externalGRPCPort" spec:"nullable"`
	ExternalAdminPort *int    `yaml:"externalAdminPort" spec:"nullable"`
}
