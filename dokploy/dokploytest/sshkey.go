package dokploytest

import "regexp"

// sshKey.create, all, allForApps, one, update, remove (routers/ssh-key.ts,
// services/ssh-key.ts; captures 475-487, 505-507). create needs an
// organizationId in the body although the server stores the caller's, and
// answers nothing: the id is found by name in sshKey.all. The private key
// comes back in clear from all, one, update and remove. Removing a key sets
// the customGitSSHKeyId of applications and compose stacks and the
// sshKeyId of servers to null (ON DELETE SET NULL).

var sshKeyTable = &tableDef{name: "sshKey", id: "sshKeyId", cols: []column{
	{"sshKeyId", nil},
	{"privateKey", ""},
	{"publicKey", nil},
	{"name", nil},
	{"description", nil},
	{"createdAt", nil},
	{"lastUsedAt", nil},
	{"organizationId", nil},
}}

// The key formats of validations/index.ts sshKeyCreate.
var (
	publicKeyRe  = regexp.MustCompile(`^(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/=]+)\s*(.*)?\s*$`)
	privateKeyRe = regexp.MustCompile(`^(-----BEGIN RSA PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END RSA PRIVATE KEY-----|-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END OPENSSH PRIVATE KEY-----)\s*$`)
)

func matches(re *regexp.Regexp) func(any) bool {
	return func(v any) bool { return re.MatchString(str(v)) }
}

func sshKeyProcedures() []*procedure {
	id := schema{text("sshKeyId").min1().req()}
	return []*procedure{
		mutation("sshKey.create", schema{
			text("name").min1().req(),
			text("description").null(),
			text("privateKey").req().refine("Invalid private key format", matches(privateKeyRe)),
			text("publicKey").req().refine("Invalid public key format", matches(publicKeyRe)),
			text("organizationId").req(),
		}, sshKeyCreate),
		query("sshKey.all", nil, func(s *Server, _ map[string]any) (any, error) {
			return objects(sshKeyTable, newestFirst(s.rows(sshKeyTable))), nil
		}),
		query("sshKey.allForApps", nil, func(s *Server, _ map[string]any) (any, error) {
			out := []any{}
			for _, k := range newestFirst(s.rows(sshKeyTable)) {
				out = append(out, pick(k, "sshKeyId", "name"))
			}
			return out, nil
		}),
		query("sshKey.one", id, func(s *Server, in map[string]any) (any, error) {
			k, err := s.sshKey(in)
			if err != nil {
				return nil, err
			}
			return sshKeyTable.object(k), nil
		}),
		mutation("sshKey.update", schema{
			text("name").min1(),
			text("description").null(),
			text("lastUsedAt").null(),
			text("sshKeyId").req(),
		}, sshKeyUpdate),
		mutation("sshKey.remove", schema{text("sshKeyId").req()}, sshKeyRemove),
	}
}

func (s *Server) sshKey(in map[string]any) (row, error) {
	k := s.find(sshKeyTable, str(in["sshKeyId"]))
	if k == nil {
		return nil, errNotFound("SSH Key not found")
	}
	return k, nil
}

func sshKeyCreate(s *Server, in map[string]any) (any, error) {
	k := sshKeyTable.newRow()
	set(sshKeyTable, k, in)
	k["sshKeyId"] = s.newID()
	k["createdAt"] = s.timestamp()
	k["organizationId"] = s.st.OrganizationID
	s.insert(sshKeyTable, k)
	return undefined, nil
}

// sshKeyUpdate writes name, description and lastUsedAt (any other key is
// stripped) and answers the row. The router turns every failure, a
// missing key or nothing to set, into one 400.
func sshKeyUpdate(s *Server, in map[string]any) (any, error) {
	k := s.find(sshKeyTable, str(in["sshKeyId"]))
	if k == nil || len(in) == 1 {
		return nil, errBadRequest("Error updating this SSH key")
	}
	set(sshKeyTable, k, in, "sshKeyId")
	return sshKeyTable.object(k), nil
}

// sshKeyRemove answers the deleted row.
func sshKeyRemove(s *Server, in map[string]any) (any, error) {
	k, err := s.sshKey(in)
	if err != nil {
		return nil, err
	}
	id := k["sshKeyId"]
	s.deleteWhere(sshKeyTable, "sshKeyId", id)
	s.setNull(applicationTable, "customGitSSHKeyId", id)
	s.setNull(composeTable, "customGitSSHKeyId", id)
	s.setNull(serverTable, "sshKeyId", id)
	return sshKeyTable.object(k), nil
}

// setNull is ON DELETE SET NULL: the rows of t whose col is val get null.
func (s *Server) setNull(t *tableDef, col string, val any) {
	for _, r := range s.where(t, col, val) {
		r[col] = nil
	}
}
