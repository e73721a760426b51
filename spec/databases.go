package spec

import "sort"

// DatabaseKinds are the database kinds Dokploy has, in the order plans list them.
var DatabaseKinds = []string{"postgres", "mysql", "mariadb", "mongo", "redis", "libsql"}

// Database is a kind-independent view of one database of an environment.
// Fields a kind does not have are nil.
type Database struct {
	Kind string
	Name string
	*DatabaseCommon

	DatabaseName         *string
	DatabaseUser         *string
	DatabasePassword     *string
	DatabaseRootPassword *string
	ReplicaSets          *bool
	SqldNode             *string
	SqldPrimaryURL       *string
	EnableNamespaces     *bool
	ExternalGRPCPort     *int
	ExternalAdminPort    *int
}

// Databases lists the environment's databases of every kind, sorted by kind
// (in DatabaseKinds order) and then by name.
func (e *Environment) Databases() []Database {
	var out []Database
	if n := len(e.Postgres) + len(e.MySQL) + len(e.MariaDB) + len(e.Mongo) + len(e.Redis) + len(e.LibSQL); n > 0 {
		out = make([]Database, 0, n)
	}
	for _, n := range sortedKeys(e.Postgres) {
		d := e.Postgres[n]
		out = append(out, Database{Kind: "postgres", Name: n, DatabaseCommon: &d.DatabaseCommon,
			DatabaseName: &d.DatabaseName, DatabaseUser: &d.DatabaseUser, DatabasePassword: &d.DatabasePassword})
	}
	for _, n := range sortedKeys(e.MySQL) {
		d := e.MySQL[n]
		out = append(out, Database{Kind: "mysql", Name: n, DatabaseCommon: &d.DatabaseCommon,
			DatabaseName: &d.DatabaseName, DatabaseUser: &d.DatabaseUser, DatabasePassword: &d.DatabasePassword,
			DatabaseRootPassword: d.DatabaseRootPassword})
	}
	for _, n := range sortedKeys(e.MariaDB) {
		d := e.MariaDB[n]
		out = append(out, Database{Kind: "mariadb", Name: n, DatabaseCommon: &d.DatabaseCommon,
			DatabaseName: &d.DatabaseName, DatabaseUser: &d.DatabaseUser, DatabasePassword: &d.DatabasePassword,
			DatabaseRootPassword: d.DatabaseRootPassword})
	}
	for _, n := range sortedKeys(e.Mongo) {
		d := e.Mongo[n]
		out = append(out, Database{Kind: "mongo", Name: n, DatabaseCommon: &d.DatabaseCommon,
			DatabaseUser: &d.DatabaseUser, DatabasePassword: &d.DatabasePassword, ReplicaSets: d.ReplicaSets})
	}
	for _, n := range sortedKeys(e.Redis) {
		d := e.Redis[n]
		out = append(out, Database{Kind: "redis", Name: n, DatabaseCommon: &d.DatabaseCommon,
			DatabasePassword: &d.DatabasePassword})
	}
	for _, n := range sortedKeys(e.LibSQL) {
		d := e.LibSQL[n]
		out = append(out, Database{Kind: "libsql", Name: n, DatabaseCommon: &d.DatabaseCommon,
			DatabaseUser: &d.DatabaseUser, DatabasePassword: &d.DatabasePassword, SqldNode: d.SqldNode,
			SqldPrimaryURL: d.SqldPrimaryURL, EnableNamespaces: d.EnableNamespaces,
			ExternalGRPCPort: d.ExternalGRPCPort, ExternalAdminPort: d.ExternalAdminPort})
	}
	return out
}

// SortedKeys returns the keys of m in lexical order.
func SortedKeys[V any](m map[string]V) []string { return sortedKeys(m) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
