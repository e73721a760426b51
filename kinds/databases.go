package kinds

// The settings of a database's container, among its own keys: resources
// (grouped as an application's are), command and args (captures 538-542).
// Dokploy stores sizes and CPUs as decimal strings of bytes and nano-CPUs
// (a number is refused, capture 542), args as a list (a string is
// refused); null clears each (capture 541). libsql has no args.

// resourcesField groups the limits and reservations, which are the
// database's own keys in the API: as an application's resources, each
// set key is managed, and null clears the four.
var resourcesField = &Field{Name: "resources", Type: Object, Flat: true, Nullable: true,
	Doc: "Swarm limits and reservations of the container; null clears the four.", Fields: []*Field{
		{Name: "memoryLimit", Type: Memory, Nullable: true, Doc: "The most memory the container may use: 512Mi, 1Gi."},
		{Name: "memoryReservation", Type: Memory, Nullable: true, Doc: "The memory swarm reserves for the container."},
		{Name: "cpuLimit", Type: CPU, Nullable: true, Doc: "The most CPUs the container may use: 0.5, 2, 500m."},
		{Name: "cpuReservation", Type: CPU, Nullable: true, Doc: "The CPUs swarm reserves for the container."},
	}}

var commandField = &Field{Name: "command", Type: String, Nullable: true,
	Doc: "The command the container runs instead of the image's; null for the image's."}

// DatabaseSettings are the container settings of the databases that take
// args.
var DatabaseSettings = &Kind{
	Name: "databaseSettings", Parents: []string{"postgres", "mysql", "mariadb", "mongo", "redis"},
	Doc:       "The database container's resources, command and arguments.",
	Singleton: true, Inline: true, Deploy: true,
	Fields: []*Field{
		resourcesField,
		commandField,
		{Name: "args", Type: Strings, Nullable: true, Doc: "The arguments of the command (or of the image's); null or [] clears them."},
	},
}

// LibSQLSettings are libsql's: it has no args.
var LibSQLSettings = &Kind{
	Name: "libsqlSettings", Parents: []string{"libsql"},
	Doc:       "The libsql container's resources and command.",
	Singleton: true, Inline: true, Deploy: true,
	Fields: []*Field{resourcesField, commandField},
}
