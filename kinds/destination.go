package kinds

// Destination is an S3-compatible storage for backups (captures 400-414,
// 570). destination.update is not partial, and resets additionalFlags when
// they are left out; one and all return the keys in clear.
var Destination = &Kind{
	Name: "destination", Key: "destinations",
	Doc:       "S3-compatible storage for database and volume backups, by name.",
	NameField: "name",
	Fields: []*Field{
		{Name: "provider", Type: String, Required: true, Doc: "The S3 provider as rclone names it: AWS, Cloudflare, Minio, DigitalOcean, ..."},
		{Name: "accessKey", Type: String, Required: true, Secret: true, Doc: "The access key id; use ${VAR}."},
		{Name: "secretAccessKey", Type: String, Required: true, Secret: true, Doc: "The secret access key; use ${VAR}."},
		{Name: "bucket", Type: String, Required: true, Doc: "The bucket."},
		{Name: "region", Type: String, Required: true, Doc: "The region."},
		{Name: "endpoint", Type: String, Required: true, Doc: "The S3 endpoint URL."},
		{Name: "additionalFlags", Type: Strings, Default: []any{}, Pattern: `^--`, PatternDoc: "an rclone flag starting with --", Doc: "Extra rclone flags."},
		Protect,
	},
	Used:     true,
	Read:     Read{Proc: "destination.all"},
	Router:   "destination",
	IDKey:    "destinationId",
	Create:   Create{Answer: Row, Full: true},
	Update:   Update{Full: true},
	DataLoss: "its backups in Dokploy (the files in the bucket stay)",
}
