package dokploytest

import "testing"

func TestGitProviderOne(t *testing.T) {
	c := newClient(t, Options{})
	for _, tt := range []struct{ typ, idKey, notFound string }{
		{"github", "githubId", "Github Provider not found"},
		{"gitlab", "gitlabId", "Gitlab Provider not found"},
		{"bitbucket", "bitbucketId", "Bitbucket Provider not found"},
		{"gitea", "giteaId", "Gitea Provider not found"},
	} {
		gpID, id, err := c.s.AddGitProvider(GitProvider{Type: tt.typ, Name: "acme-" + tt.typ})
		if err != nil {
			t.Fatal(err)
		}
		status, body := c.get(tt.typ+".one", map[string]string{tt.idKey: id})
		wantStatus(t, status, body, 200)
		got := decodeMap(t, body)
		if got[tt.idKey] != id || at(got, "gitProvider", "gitProviderId") != gpID || at(got, "gitProvider", "name") != "acme-"+tt.typ {
			t.Errorf("%s.one: %s", tt.typ, body)
		}
		// The whole row, as find<Type>ById returns it: every column.
		for _, col := range []string{"gitProviderId", tt.idKey} {
			if _, ok := got[col]; !ok {
				t.Errorf("%s.one lacks %s: %s", tt.typ, col, body)
			}
		}
		status, body = c.get(tt.typ+".one", map[string]string{tt.idKey: "nope"})
		wantStatus(t, status, body, 404)
		if msg := restMessage(t, body); msg != tt.notFound {
			t.Errorf("%s.one of an unknown id: %v, want %q", tt.typ, msg, tt.notFound)
		}
		status, body = c.get(tt.typ+".one", nil)
		wantStatus(t, status, body, 400)
	}
	if got := at(c.call("github.one", map[string]any{"githubId": firstID(c, githubTable)}), "githubPrivateKey"); got == nil {
		t.Error("github.one leaves out the private key; Dokploy answers it")
	}
}

func firstID(c *client, t *tableDef) string {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return str(c.s.rows(t)[0][t.id])
}
