package kinds

// Destination is an S3-compatible storage for backups (captures 400-414,
// 570). destination.update is not partial, and resets additionalFlags when
// they are left out; one and all return the keys in clear.
var Destination = &Kind{
	Name: "destination", Key: "destinations",
	Doc:       "S3-compatible storages that database and volume backups go to.",
	NameField: "name",
	Fields: []*Field{
		{Name: "provider", Type: String, Required: true, Doc: "S3 provider, as rclone names it, e.g. AWS, Cloudflare, Minio or DigitalOcean."},
		{Name: "accessKey", Type: String, Required: true, Secret: true, Doc: "Access key id of the storage."},
		{Name: "secretAccessKey", Type: String, Required: true, Secret: true, Doc: "Secret access key of the storage."},
		{Name: "bucket", Type: String, Required: true, Doc: "Bucket the backups go to."},
		{Name: "region", Type: String, Required: true, Doc: "Region of the bucket, e.g. us-east-1."},
		{Name: "endpoint", Type: String, Required: true, Doc: "URL of the S3 endpoint, e.g. https://s3.us-east-1.amazonaws.com."},
		{Name: "additionalFlags", Type: Strings, Default: []any{}, Pattern: `^--`, PatternDoc: "an rclone flag starting with --", Doc: "Extra flags of rclone, which copies the backups, e.g. --s3-force-path-style."},
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
