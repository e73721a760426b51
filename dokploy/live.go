package dokploy

import "encoding/json"

// Live is what Observe read from the server: the declared projects (every
// project whose name the spec declares; names are not unique, so a name can
// match several) with their environments and services in full.
type Live struct {
	Version string // e.g. "v0.30.2"
	Role    string // the key's role in its organization: owner, admin, member...
	// Projects maps each declared project name to the live projects of that
	// name (none, one, or several when the name is ambiguous).
	Projects map[string][]*Project
}

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

	ids map[string]string
}

// UnmarshalJSON also picks up the <kind>Id keys.
func (d *Database) UnmarshalJSON(data []byte) error {
	type plain Database
	if err := json.Unmarshal(data, (*plain)(d)); err != nil {
		return err
	}
	var ids map[string]json.RawMessage
	if err := json.Unmarshal(data, &ids); err != nil {
		return err
	}
	d.ids = map[string]string{}
	for _, k := range DatabaseKinds {
		if raw, ok := ids[IDKey(k)]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				d.ids[k] = s
				if d.Kind == "" || d.Kind == k {
					d.ID = s
				}
			}
		}
	}
	return nil
}

// IDKey is the name of the id field of a service kind: applicationId,
// postgresId, ...
func IDKey(kind string) string {
	if kind == "application" {
		return "applicationId"
	}
	return kind + "Id"
}

// ID returns the live id of a database of the given kind after a decode
// into a Database whose Kind was not known beforehand.
func (d *Database) IDFor(kind string) string { return d.ids[kind] }
