package kinds

// VolumeBackup is a scheduled copy of a Docker volume of an application
// or compose service to a destination, matched by name
// (routers/volume-backups.ts; captures 437-449).
//
// The API takes the eight service kinds (serviceType), but Dokploy
// v0.30.2 runs volume backups of applications and compose services only:
// backupVolume (utils/volume-backups/backup.ts) builds no command at all
// for another kind with turnOff, and runVolumeBackup takes the server
// only from an application or a compose service (utils.ts), so the
// backup of a database on a remote server would run on the wrong host.
// Hence the two parents.
//
// volumeBackups.list takes {id, volumeBackupType}: one call per service,
// in the round trip of the services' .one. create needs serviceType for a
// compose service (it defaults to application) and answers the row;
// update is not partial (name, volumeName, prefix, cronExpression and
// destinationId are required, what is left out is kept; the live
// serviceType is sent too, since the captures show only that an
// application's is kept); delete answers "". Dokploy does not keep names
// unique.
var VolumeBackup = &Kind{
	Name: "volumeBackup", Key: "volumeBackups", Parents: []string{"application", "compose"},
	After:    "schedules",
	Doc:      "Scheduled backups of Docker volumes of the service to a destination (a key of the top-level destinations), matched by name.",
	Identity: []string{"name"},
	Fields: []*Field{
		{Name: "name", Type: String, Required: true, Identity: true, Doc: "Name of the volume backup; it identifies the backup among the service's."},
		{Name: "volumeName", Type: String, Required: true, Pattern: `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`,
			PatternDoc: "a Docker volume name (a letter or digit, then letters, digits, dots, underscores and hyphens)",
			Doc:        "Docker volume to back up, as docker volume ls names it; a compose file's volumes are named <appName>_<volume>."},
		{Name: "prefix", Type: String, Default: "", Doc: "Folder, in the bucket, under the service's appName, that the backups go to."},
		{Name: "schedule", API: "cronExpression", Type: String, Required: true, Doc: "When the backup runs, as a cron expression, e.g. 0 3 * * * (every day at 03:00)."},
		{Name: "destination", API: "destinationId", Type: String, Required: true, Ref: "destination", Doc: "Destination the backups go to."},
		{Name: "keepLatestCount", Type: Int, Nullable: true, Default: nil, Min: 1, Max: 1 << 20, Doc: "How many backups to keep, 1 or more; null keeps all."},
		{Name: "enabled", Type: Bool, Nullable: true, Default: nil, Doc: "Whether the schedule runs; Dokploy stores null when it is left out, and then the backup never runs: set true."},
		{Name: "turnOff", Type: Bool, Default: false, Doc: "Stop the service while its volume is copied (for databases and other writers), and start it again after."},
		{Name: "serviceName", Type: String, Nullable: true, Default: nil, Doc: "Compose services only: the service of the compose file that uses the volume; required with turnOff: true (the service stopped)."},
	},
	Read:      Read{Proc: "volumeBackups.list", ParentKey: "id", ParentType: "volumeBackupType"},
	Router:    "volumeBackups",
	IDKey:     "volumeBackupId",
	Create:    Create{ParentKey: parentID, Answer: Row, Full: true},
	Update:    Update{Full: true, Keep: []string{"serviceType"}},
	Delete:    Delete{Proc: "volumeBackups.delete"},
	Duplicate: Duplicate{Hint: "; dokploy-sync tells a service's volume backups apart by name"},
	Hooks: Hooks{
		CreateInput: func(in map[string]any, parent string) { in["serviceType"] = parent },
		Validate: func(it Item) []Problem {
			v, parent := it.Values, it.Parent
			// backupVolume stops <appName>_<serviceName>: without a
			// service, a compose backup with turnOff stops nothing it
			// can find and fails.
			turnOff, _ := v["turnOff"].(bool)
			return composeService(v, parent, turnOff, "required with turnOff: true: Dokploy stops the service of the compose file that uses the volume")
		},
	},
}
