package kinds

import "regexp"

// SSHKey is an SSH key pair that git sources (sshKey: in a git source)
// and remote servers use (captures 475-487, 505-507). sshKey.create needs
// an organizationId in the body, whatever its value (the server stores
// the caller's), and answers nothing: the id is found by name. sshKey.update
// writes only name and description and drops the keys silently, so a
// changed key is a plan error, never a replace: deleting a key sets the
// key of every source and server that uses it to none, which would cut
// them off between the delete and the create.
var SSHKey = &Kind{
	Name: "sshKey", Key: "sshKeys",
	Doc:       "SSH keys that git sources and remote servers use, by name.",
	NameField: "name",
	Fields: []*Field{
		{Name: "privateKey", Type: String, Required: true, Secret: true, CreateOnly: true, Frozen: frozenKey,
			Doc: "The private key (OpenSSH or RSA PEM); use ${VAR}."},
		{Name: "publicKey", Type: String, Required: true, CreateOnly: true, Frozen: frozenKey,
			Pattern: `^(ssh-rsa|ssh-ed25519)\s+[A-Za-z0-9+/=]+(\s.*)?$`, PatternDoc: "an ssh-rsa or ssh-ed25519 public key",
			Doc: "The public key, as in authorized_keys: ssh-ed25519 AAAA... comment."},
		{Name: "description", Type: String, Nullable: true, Doc: "What the key is for."},
		Protect,
	},
	Used:     true,
	Read:     Read{Proc: "sshKey.all"},
	Router:   "sshKey",
	IDKey:    "sshKeyId",
	Create:   Create{Fixed: map[string]any{"organizationId": ""}, Answer: Nothing},
	DataLoss: "the key of the git sources and servers that use it (Dokploy sets it to none)",
	Hooks: Hooks{Validate: func(item Item) []Problem {
		v := item.Values
		// The key is a secret: the problem never quotes it.
		if k, ok := v["privateKey"].(string); ok && k != "" && !privateKeyRe.MatchString(k) {
			return []Problem{{Field: "privateKey", Message: "is not a private key Dokploy accepts: it must be a PEM block -----BEGIN OPENSSH PRIVATE KEY----- (or RSA PRIVATE KEY) with the key on the lines after it"}}
		}
		return nil
	}},
}

const frozenKey = "change the keys of a live SSH key (sshKey.update drops them); add the new pair under another name, point the git sources to it, then remove this one"

// privateKeyRe is the private key check of Dokploy's sshKeyCreate
// (db/validations/index.ts).
var privateKeyRe = regexp.MustCompile(`^(-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----|-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----)\s*$`)
