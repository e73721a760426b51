package kinds

import (
	"path"
	"regexp"
	"strings"
)

// Mount is a volume, bind or file mount of a service, matched by its
// mount path (API.md §2.8). mounts.create takes the service as serviceId
// and serviceType; mounts.update is partial. A mount takes effect when
// the service is deployed. The data volume Dokploy gives every database
// (<appName>-data) is Dokploy's: never shown, never touched.
//
// mounts.update holds a pool connection while it needs a second one:
// updateMount opens db.transaction (mount.ts:179), then findMountById at
// :196 queries through the global db (:122).
var Mount = &Kind{
	Name: "mount", Key: "mounts", Parents: ServiceKinds, After: "ports",
	AfterIn: map[string]string{"compose": "domains",
		"postgres": "externalPort", "mysql": "externalPort", "mariadb": "externalPort",
		"mongo": "externalPort", "redis": "externalPort", "libsql": "externalPort"},
	Doc:      "Volume, bind and file mounts of the service (a database's own data volume is never shown nor touched).",
	Identity: []string{"mountPath"},
	Variant:  "type",
	Fields: []*Field{
		{Name: "type", Type: String, Required: true, Enum: []string{"volume", "bind", "file"},
			Doc: "volume (a named Docker volume), bind (a directory of the Dokploy host) or file (a file whose content dokploy-sync sets)."},
		{Name: "mountPath", Type: String, Required: true, Identity: true, Pattern: `^/`, PatternDoc: `an absolute path in the container, starting with "/"`,
			Doc: "Path in the container, e.g. /app/uploads."},
		{Name: "volumeName", Type: String, Variant: "volume", Pattern: volumeNamePattern,
			PatternDoc: `a Docker volume name: at least 2 letters, digits, "_", "." or "-", starting with a letter or digit`,
			Doc:        "Name of the Docker volume; a volume mount needs it."},
		{Name: "hostPath", Type: String, Variant: "bind", Pattern: `^/`, PatternDoc: `an absolute path on the Dokploy host, starting with "/"`,
			Doc: "Path on the Dokploy host, e.g. /srv/shop/logs; a bind mount needs it."},
		{Name: "filePath", Type: String, Variant: "file", Doc: "Name of the file in the service's files directory on the Dokploy host, e.g. features.json."},
		{Name: "content", Type: Text, Variant: "file", Doc: "Content of the file, usually a block (content: |); a file mount needs content or contentFile."},
		{Name: "contentFile", Type: String, Variant: "file", Local: true, FileOf: "content",
			Doc: "A file next to this dokploy.yaml (a path relative to it) whose text becomes the content, read as it is: ${VAR} in it is not replaced."},
	},
	Read:        Read{In: "mounts"},
	Router:      "mounts",
	IDKey:       "mountId",
	Create:      Create{ParentKey: func(string) string { return "serviceId" }},
	PoolHolding: []string{"mounts.update"},
	Deploy:      true,
	Hashed: &Hashed{Key: "Mounts", Columns: map[string]string{
		"mountId": "MountID", "type": "Type", "mountPath": "MountPath", "volumeName": "VolumeName", "hostPath": "HostPath",
		"filePath": "FilePath", "content": "Content", "serviceType": "ServiceType",
	}},
	Duplicate: Duplicate{Verb: "mounted",
		Key: func(v Values) string {
			p, _ := v["mountPath"].(string)
			return strings.TrimSuffix(p, "/")
		},
		Text: func(v Values) string {
			p, _ := v["mountPath"].(string)
			return "mountPath " + p
		},
	},
	Hooks: Hooks{
		CreateInput: func(in map[string]any, parent string) { in["serviceType"] = parent },
		Validate:    validateMount,
		Hidden: func(row map[string]any, parent Parent) bool {
			name, _ := row["volumeName"].(string)
			return isDatabase(parent.Kind) && parent.AppName != "" && row["type"] == "volume" && name == parent.AppName+"-data"
		},
		FileName: func(row map[string]any) string {
			fp, _ := row["filePath"].(string)
			name := path.Base(strings.TrimRight(fp, "/"))
			if name == "." || name == "/" {
				mp, _ := row["mountPath"].(string)
				name = path.Base(strings.TrimRight(mp, "/"))
			}
			return name
		},
	},
}

// volumeNamePattern is Docker's rule for named volumes.
const volumeNamePattern = `^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`

var volumeNameRE = regexp.MustCompile(volumeNamePattern)

func validateMount(it Item) []Problem {
	var out []Problem
	v := it.Values
	typ, _ := v["type"].(string)
	switch typ {
	case "volume":
		name, ok := v["volumeName"].(string)
		switch {
		case !it.Keys["volumeName"]:
			out = append(out, Problem{Field: "volumeName", Message: "required for a volume mount: the name of the Docker volume"})
		case ok && !volumeNameRE.MatchString(name):
			out = append(out, Problem{Field: "volumeName",
				Message: "must be a Docker volume name: at least 2 letters, digits, \"_\", \".\" or \"-\", starting with a letter or digit; got " + Quote(name)})
		}
	case "bind":
		if !it.Keys["hostPath"] {
			out = append(out, Problem{Field: "hostPath", Message: "required for a bind mount: the absolute path on the Dokploy host"})
		}
	case "file":
		if !it.Keys["content"] && !it.Keys["contentFile"] {
			out = append(out, Problem{Message: "a file mount needs content (the text) or contentFile (a file next to the spec)"})
		}
	}
	given := func(k string) bool { return it.Keys[k] && (v[k] != nil || it.Unknown[k]) }
	if given("content") && given("contentFile") {
		out = append(out, Problem{Field: "contentFile", Message: "set content or contentFile, not both"})
	}
	return out
}

func isDatabase(kind string) bool {
	for _, k := range DatabaseKinds {
		if k == kind {
			return true
		}
	}
	return false
}
