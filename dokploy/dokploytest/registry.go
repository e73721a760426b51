package dokploytest

import (
	"regexp"
	"strings"
)

// registry.create, one, all, update, remove (routers/registry.ts;
// captures 463-474). A registry holds the credentials of a Docker
// registry; applications name one in registryId, buildRegistryId and
// rollbackRegistryId (their answers show it without the password).
//
// create and update run `docker login` with the registry's credentials:
// create inside the INSERT's transaction, so a failed login leaves no row
// (capture 465); update after its UPDATE, so the change is kept (470,
// 472). The fake has no Docker: the login succeeds unless
// Options.DockerLoginError is set, which is then docker's output and the
// answer a 400 quoting the command with the password masked (464).

var registryTable = &tableDef{name: "registry", id: "registryId", cols: []column{
	{"registryId", nil},
	{"registryName", nil},
	{"imagePrefix", nil},
	{"username", nil},
	{"password", nil},
	{"registryUrl", ""},
	{"createdAt", nil},
	{"registryType", "cloud"},
	{"organizationId", nil},
}}

var registryURLPattern = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$`)

// registryURLField is hostname[:port] or "" (Docker Hub).
func registryURLField() field {
	return text("registryUrl").refine(
		"Registry URL must be a valid hostname or hostname:port (e.g. registry.example.com or localhost:5000)",
		func(v any) bool { u := v.(string); return u == "" || registryURLPattern.MatchString(u) })
}

func registryProcedures() []*procedure {
	return []*procedure{
		mutation("registry.create", schema{
			text("registryName").min1().req(), text("username").trimmed().min1().req(), text("password").min1().req(),
			registryURLField().req(), enum("registryType", "cloud").req(), text("imagePrefix").null().nonopt(),
			text("serverId"),
		}, registryCreate),
		query("registry.one", schema{text("registryId").min1().req()}, func(s *Server, in map[string]any) (any, error) {
			r, err := s.registry(in)
			if err != nil {
				return nil, err
			}
			return registryPublic(r), nil
		}),
		query("registry.all", nil, func(s *Server, _ map[string]any) (any, error) {
			return objects(registryTable, s.rows(registryTable)), nil
		}),
		mutation("registry.update", schema{
			text("registryId").min1().req(), text("registryName").min1(), text("imagePrefix").null(),
			text("username").trimmed().min1(), text("password").min1(), registryURLField(), text("createdAt"),
			enum("registryType", "cloud"), text("organizationId").min1(), text("serverId"),
		}, registryUpdate),
		mutation("registry.remove", schema{text("registryId").min1().req()}, registryRemove),
	}
}

func (s *Server) registry(in map[string]any) (row, error) {
	r := s.find(registryTable, str(in["registryId"]))
	if r == nil {
		return nil, errNotFound("Registry not found")
	}
	return r, nil
}

// registryPublic is the registry without its password (registry.one, the
// registries of application.one).
func registryPublic(r row) object {
	o := object{}
	for _, e := range registryTable.object(r) {
		if e.k != "password" {
			o = append(o, e)
		}
	}
	return o
}

// dockerLogin is the login of create and update: a serverId logs in on
// that server, which the fake never has; otherwise Options.DockerLoginError
// decides. Its error is a 400 with the password masked everywhere.
func (s *Server) dockerLogin(serverID any, r row) error {
	if id := str(serverID); id != "" && id != "none" {
		return errBadRequest("Server not found")
	}
	out := s.opts.DockerLoginError
	if out == "" {
		return nil
	}
	password := str(r["password"])
	cmd := "printf %s " + shEscape(password) + " | docker login " + shEscape(str(r["registryUrl"])) +
		" -u " + shEscape(str(r["username"])) + " --password-stdin"
	msg := execFailure(cmd, out)
	if password != "" {
		msg = strings.ReplaceAll(msg, password, "***")
	}
	return errBadRequest("%s", msg)
}

// shEscape is services/registry.ts's single-quoting of a shell word.
func shEscape(w string) string {
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// registryCreate answers the new row, password included. A failed login
// rolls the insert back.
func registryCreate(s *Server, in map[string]any) (any, error) {
	r := registryTable.newRow()
	set(registryTable, r, in)
	r["registryId"] = s.newID()
	r["createdAt"] = s.timestamp()
	r["organizationId"] = s.st.OrganizationID
	if err := s.dockerLogin(in["serverId"], r); err != nil {
		return nil, err
	}
	s.insert(registryTable, r)
	return registryTable.object(r), nil
}

// registryUpdate writes the given keys, then logs in again; it answers
// true, or the login's error with the change kept. Every error is a 400.
func registryUpdate(s *Server, in map[string]any) (any, error) {
	r, err := s.registry(in)
	if err != nil {
		return nil, err
	}
	values := map[string]any{}
	for k, v := range in {
		if k != "registryId" && registryTable.has(k) {
			values[k] = v
		}
	}
	if len(values) == 0 {
		return nil, errBadRequest("No values to set")
	}
	if org, ok := values["organizationId"]; ok && org != s.st.OrganizationID {
		return nil, errBadRequest("%s", failedUpdate(registryTable, r["registryId"], values))
	}
	for k, v := range values {
		r[k] = v
	}
	s.touch(registryTable, r)
	if err := s.dockerLogin(in["serverId"], r); err != nil {
		return nil, err
	}
	return true, nil
}

// registryRemove answers the deleted row, password included; the
// applications that named it keep none (ON DELETE SET NULL).
func registryRemove(s *Server, in map[string]any) (any, error) {
	r, err := s.registry(in)
	if err != nil {
		return nil, err
	}
	s.deleteWhere(registryTable, "registryId", r["registryId"])
	for _, a := range s.rows(applicationTable) {
		for _, c := range []string{"registryId", "buildRegistryId", "rollbackRegistryId"} {
			if a[c] == r["registryId"] {
				a[c] = nil
			}
		}
	}
	return registryTable.object(r), nil
}

// registryOf is the registry an application's column names, without its
// password, or nil.
func (s *Server) registryOf(a row, col string) any {
	r := s.find(registryTable, str(a[col]))
	if r == nil {
		return nil
	}
	return registryPublic(r)
}
