package kinds

// Backup is a scheduled database backup to a destination, matched by its
// prefix (captures 415-436). backup.create answers nothing; backup.update
// is not partial and needs serviceName and metadata even as null;
// includeEncryptionKey left out keeps its value.
var Backup = &Kind{
	Name: "backup", Key: "backups", Parents: []string{"postgres", "mysql", "mariadb", "mongo"},
	Doc:      "Scheduled backups of the database to a destination.",
	Identity: []string{"prefix"},
	Fields: []*Field{
		{Name: "prefix", Type: String, Required: true, Identity: true, Doc: "Folder in the destination's bucket that the backups go to."},
		{Name: "schedule", Type: String, Required: true, Doc: "When the backup runs, as a cron expression, e.g. 0 3 * * * (every day at 03:00)."},
		{Name: "destination", API: "destinationId", Type: String, Required: true, Ref: "destination", Doc: "Destination the backups go to."},
		{Name: "database", Type: String, Required: true, Doc: "Name of the database to back up."},
		{Name: "keepLatestCount", Type: Int, Nullable: true, Default: nil, Min: 1, Max: 1 << 20, Doc: "How many backups to keep, 1 or more; null keeps all."},
		{Name: "enabled", Type: Bool, Nullable: true, Default: nil, Doc: "Whether the schedule runs: false pauses the backup."},
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
