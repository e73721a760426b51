package kinds

// Backup is a scheduled database backup to a destination, matched by its
// prefix (captures 415-436). backup.create answers nothing; backup.update
// is not partial and needs serviceName and metadata even as null;
// includeEncryptionKey left out keeps its value.
var Backup = &Kind{
	Name: "backup", Key: "backups", Parents: []string{"postgres", "mysql", "mariadb", "mongo"},
	Doc:      "Scheduled backups of the database to a destination, matched by prefix.",
	Identity: []string{"prefix"},
	Fields: []*Field{
		{Name: "prefix", Type: String, Required: true, Identity: true, Doc: "The folder in the bucket the backups go to; it identifies the backup."},
		{Name: "schedule", Type: String, Required: true, Doc: "A cron expression: 0 3 * * * is every day at 03:00."},
		{Name: "destination", API: "destinationId", Type: String, Required: true, Ref: "destination", Doc: "The destination, by name."},
		{Name: "database", Type: String, Required: true, Doc: "The database to back up."},
		{Name: "keepLatestCount", Type: Int, Nullable: true, Default: nil, Min: 1, Max: 1 << 20, Doc: "How many backups to keep; null keeps all."},
		{Name: "enabled", Type: Bool, Nullable: true, Default: nil, Doc: "Whether the schedule runs."},
	},
	Read:   Read{In: "backups"},
	Router: "backup",
	IDKey:  "backupId",
	Create: Create{ParentKey: parentID, Answer: Nothing},
	Update: Update{Full: true, Keep: []string{"serviceName", "metadata", "databaseType"}},
	Hooks: Hooks{
		CreateInput: func(in map[string]any, parent string) { in["databaseType"] = parent },
	},
}
