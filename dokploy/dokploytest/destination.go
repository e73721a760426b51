package dokploytest

import (
	"strings"
	"unicode"
)

// destination.create, one, all, update, remove, testConnection
// (routers/destination.ts; captures 400-414, 570). A destination is an S3
// bucket the backups upload to. one, all, create, update and remove answer
// the row with accessKey and secretAccessKey in clear; the relations of
// backups and volume backups leave them out (destinationPublic). Removing
// a destination deletes the backups and volume backups that use it (ON
// DELETE CASCADE, captures 570-572).

var destinationTable = &tableDef{name: "destination", id: "destinationId", cols: []column{
	{"destinationId", nil},
	{"name", nil},
	{"provider", nil},
	{"accessKey", nil},
	{"secretAccessKey", nil},
	{"bucket", nil},
	{"region", nil},
	{"endpoint", nil},
	{"additionalFlags", nil},
	{"organizationId", nil},
	{"createdAt", nil},
}}

// additionalFlags are extra rclone flags (validations/destination.ts); the
// zod default fills in [] when the key is omitted, on update too (407).
func additionalFlagsField() field {
	return strArr("additionalFlags").null().dflt([]any{}).
		regex(`^--[a-zA-Z0-9-]+(=[a-zA-Z0-9._:/@-]+)?$`, "Invalid flag format. Must start with -- (e.g. --s3-sign-accept-encoding=false)")
}

// destinationFields are the keys of create and testConnection
// (apiCreateDestination); update has them in another order.
func destinationFields() schema {
	return schema{
		text("name").min1().req(), text("provider").null().nonopt(), text("accessKey").req(), text("bucket").req(),
		text("region").req(), text("endpoint").req(), text("secretAccessKey").req(), additionalFlagsField(),
		text("serverId"),
	}
}

func destinationProcedures() []*procedure {
	return []*procedure{
		mutation("destination.create", destinationFields(), destinationCreate),
		mutation("destination.testConnection", destinationFields(), destinationTestConnection),
		query("destination.one", schema{text("destinationId").min1().req()}, func(s *Server, in map[string]any) (any, error) {
			d, err := s.destination(in)
			if err != nil {
				return nil, err
			}
			return destinationTable.object(d), nil
		}),
		query("destination.all", nil, func(s *Server, _ map[string]any) (any, error) {
			return objects(destinationTable, newestFirst(s.rows(destinationTable))), nil
		}),
		mutation("destination.update", schema{
			text("name").min1().req(), text("accessKey").req(), text("bucket").req(), text("region").req(),
			text("endpoint").req(), text("secretAccessKey").req(), text("destinationId").req(),
			text("provider").null().nonopt(), additionalFlagsField(), text("serverId"),
		}, destinationUpdate),
		mutation("destination.remove", schema{text("destinationId").req()}, func(s *Server, in map[string]any) (any, error) {
			d, err := s.destination(in)
			if err != nil {
				return nil, err
			}
			s.deleteWhere(destinationTable, "destinationId", d["destinationId"])
			s.cascade(destinationTable, str(d["destinationId"]))
			return destinationTable.object(d), nil
		}),
	}
}

// destination finds the destination of in["destinationId"].
func (s *Server) destination(in map[string]any) (row, error) {
	d := s.find(destinationTable, str(in["destinationId"]))
	if d == nil {
		return nil, errNotFound("Destination not found")
	}
	return d, nil
}

// destinationPublic is the destination a backup or volume backup names,
// without its keys, or nil.
func (s *Server) destinationPublic(id any) any {
	d := s.find(destinationTable, str(id))
	if d == nil {
		return nil
	}
	return pick(d, "destinationId", "name", "provider", "bucket", "region", "endpoint",
		"additionalFlags", "organizationId", "createdAt")
}

func destinationCreate(s *Server, in map[string]any) (any, error) {
	d := destinationTable.newRow()
	set(destinationTable, d, in)
	d["destinationId"] = s.newID()
	d["organizationId"] = s.st.OrganizationID
	d["createdAt"] = s.timestamp()
	s.insert(destinationTable, d)
	return destinationTable.object(d), nil
}

// destinationUpdate writes every key (additionalFlags reset to [] when
// omitted) and answers the row. The router turns every error into a 400,
// a missing destination's included.
func destinationUpdate(s *Server, in map[string]any) (any, error) {
	d, err := s.destination(in)
	if err != nil {
		return nil, errBadRequest("%s", err.(*apiError).message)
	}
	set(destinationTable, d, in, "destinationId")
	return destinationTable.object(d), nil
}

// destinationTestConnection runs `rclone ls` on the bucket. The fake has no
// rclone: the listing succeeds (an empty answer) unless
// Options.RcloneError is set, which is then rclone's output and the
// answer a 400 quoting the command line, keys included, like the server's
// (capture 411).
func destinationTestConnection(s *Server, in map[string]any) (any, error) {
	if out := s.opts.RcloneError; out != "" {
		return nil, errBadRequest("%s", execFailure(rcloneCommand(in), out))
	}
	return undefined, nil
}

// rcloneCommand is the command line of testConnection.
func rcloneCommand(in map[string]any) string {
	var flags []string
	if p := str(in["provider"]); p != "" {
		flags = append(flags, "--s3-provider="+shellQuote(p))
	}
	flags = append(flags,
		"--s3-access-key-id="+shellQuote(str(in["accessKey"])),
		"--s3-secret-access-key="+shellQuote(str(in["secretAccessKey"])),
		"--s3-region="+shellQuote(str(in["region"])),
		"--s3-endpoint="+shellQuote(str(in["endpoint"])),
		"--s3-no-check-bucket", "--s3-force-path-style", "--retries 1", "--low-level-retries 1",
		"--timeout 10s", "--contimeout 5s",
	)
	extra, _ := in["additionalFlags"].([]any)
	for _, f := range extra {
		flags = append(flags, str(f))
	}
	return "rclone ls " + strings.Join(flags, " ") + " " + shellQuote(":s3:"+str(in["bucket"]))
}

// execFailure is the message of a failed execAsync: Node's exec error
// ("Command failed: <command>\n<stderr>") behind Dokploy's prefix.
func execFailure(command, stderr string) string {
	return "Command execution failed: Command failed: " + command + "\n" + stderr
}

// shellQuote quotes one word the way the shell-quote package's quote()
// does: a pair of single quotes for the empty word, single quotes around a
// word with white space, a double quote or a backslash but no single
// quote, double quotes around one with white space or quotes, else a
// backslash before each shell metacharacter (a letter's colon before one,
// as in C:\, is kept).
func shellQuote(w string) string {
	const special = "#!\"$&'()*,:;<=>?@[\\]^`{|}"
	hasSpace := strings.IndexFunc(w, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }) >= 0
	switch {
	case w == "":
		return "''"
	case (hasSpace || strings.ContainsAny(w, "\"\\")) && !strings.Contains(w, "'"):
		return "'" + w + "'"
	case hasSpace || strings.ContainsAny(w, "\"'"):
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range w {
			if strings.ContainsRune("\"\\$`!", r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
		return b.String()
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		driveColon := c == ':' && i > 0 && isASCIILetter(w[i-1]) && i+1 < len(w) && strings.IndexByte(special, w[i+1]) >= 0
		if strings.IndexByte(special, c) >= 0 && !driveColon {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
