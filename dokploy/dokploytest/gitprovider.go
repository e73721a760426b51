package dokploytest

import "fmt"

// gitProvider.getAll, github.githubProviders, gitlab.gitlabProviders,
// bitbucket.bitbucketProviders, gitea.giteaProviders, and github.one,
// gitlab.one, bitbucket.one, gitea.one
// (routers/git-provider.ts, github.ts, gitlab.ts, bitbucket.ts, gitea.ts;
// captures 555, 556 of a server with none). Providers are connected
// through OAuth and app installs in the UI, which the fake has not: tests
// seed them with Server.AddGitProvider. Each is a git_provider row (its
// name) and a row of its type's table (its githubId, gitlabId, ...), which
// the applications' and compose stacks' githubId, gitlabId, ... name. The
// key is the owner's, so every provider of the organization is accessible.

var gitProviderTable = &tableDef{name: "gitProvider", id: "gitProviderId", cols: []column{
	{"gitProviderId", nil},
	{"name", nil},
	{"providerType", "github"},
	{"createdAt", nil},
	{"organizationId", nil},
	{"userId", nil},
	{"sharedWithOrganization", false},
}}

var githubTable = &tableDef{name: "github", id: "githubId", cols: []column{
	{"githubId", nil},
	{"githubAppName", nil},
	{"githubAppId", nil},
	{"githubClientId", nil},
	{"githubClientSecret", nil},
	{"githubInstallationId", nil},
	{"githubPrivateKey", nil},
	{"githubWebhookSecret", nil},
	{"githubUrl", "https://github.com"},
	{"gitProviderId", nil},
}}

var gitlabTable = &tableDef{name: "gitlab", id: "gitlabId", cols: []column{
	{"gitlabId", nil},
	{"gitlabUrl", "https://gitlab.com"},
	{"gitlabInternalUrl", nil},
	{"applicationId", nil},
	{"redirectUri", nil},
	{"secret", nil},
	{"accessToken", nil},
	{"refreshToken", nil},
	{"groupName", nil},
	{"expiresAt", nil},
	{"gitProviderId", nil},
}}

var bitbucketTable = &tableDef{name: "bitbucket", id: "bitbucketId", cols: []column{
	{"bitbucketId", nil},
	{"bitbucketUsername", nil},
	{"bitbucketEmail", nil},
	{"appPassword", nil},
	{"apiToken", nil},
	{"bitbucketWorkspaceName", nil},
	{"gitProviderId", nil},
}}

var giteaTable = &tableDef{name: "gitea", id: "giteaId", cols: []column{
	{"giteaId", nil},
	{"giteaUrl", "https://gitea.com"},
	{"giteaInternalUrl", nil},
	{"redirectUri", nil},
	{"clientId", nil},
	{"clientSecret", nil},
	{"gitProviderId", nil},
	{"accessToken", nil},
	{"refreshToken", nil},
	{"expiresAt", nil},
	{"scopes", "repo,repo:status,read:user,read:org"},
	{"lastAuthenticatedAt", nil},
}}

// gitProviderKinds are the four provider tables with their URL column
// and the secret columns findApplicationById leaves out of the relation.
var gitProviderKinds = []struct {
	typ     string
	table   *tableDef
	url     string
	secrets []string
}{
	{"github", githubTable, "githubUrl", []string{"githubClientSecret", "githubPrivateKey", "githubWebhookSecret"}},
	{"gitlab", gitlabTable, "gitlabUrl", []string{"secret", "accessToken", "refreshToken"}},
	{"bitbucket", bitbucketTable, "", []string{"appPassword", "apiToken"}},
	{"gitea", giteaTable, "giteaUrl", []string{"clientSecret", "accessToken", "refreshToken"}},
}

// GitProvider is a git provider to seed with Server.AddGitProvider.
type GitProvider struct {
	Type string // "github", "gitlab", "bitbucket" or "gitea"
	Name string // the provider's name, as the UI shows it
	// URL is the githubUrl, gitlabUrl or giteaUrl; "" keeps the default
	// (https://github.com, ...). Bitbucket has none.
	URL string
	// Unconfigured leaves the credentials out, as for an app whose setup
	// was not finished: github.githubProviders, gitlab.gitlabProviders and
	// gitea.giteaProviders skip it, and gitProvider.getAll shows
	// isConfigured false.
	Unconfigured bool
}

// AddGitProvider stores a git provider of the organization, owned by the
// key's user, and returns its gitProviderId and its id in its type's table
// (the githubId, gitlabId, bitbucketId or giteaId that applications and
// compose stacks name).
func (s *Server) AddGitProvider(p GitProvider) (gitProviderID, id string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t *tableDef
	var urlCol string
	for _, k := range gitProviderKinds {
		if k.typ == p.Type {
			t, urlCol = k.table, k.url
		}
	}
	if t == nil {
		return "", "", fmt.Errorf("dokploytest: unknown git provider type %q", p.Type)
	}
	g := gitProviderTable.newRow()
	g["gitProviderId"] = s.newID()
	g["name"] = p.Name
	g["providerType"] = p.Type
	g["createdAt"] = s.timestamp()
	g["organizationId"] = s.st.OrganizationID
	g["userId"] = s.st.User["id"]
	r := t.newRow()
	r[t.id] = s.newID()
	r["gitProviderId"] = g["gitProviderId"]
	if p.URL != "" && urlCol != "" {
		r[urlCol] = p.URL
	}
	if !p.Unconfigured {
		secret := func() string { return s.randString(32, alnum) }
		switch p.Type {
		case "github":
			r["githubAppName"] = cleanAppName(p.Name)
			r["githubAppId"] = float64(100000 + s.rng.IntN(900000))
			r["githubClientId"] = "Iv1." + s.randString(16, lowerAlnum)
			r["githubClientSecret"] = secret()
			r["githubInstallationId"] = fmt.Sprint(10000000 + s.rng.IntN(90000000))
			r["githubPrivateKey"] = "-----BEGIN RSA PRIVATE KEY-----\n" + secret() + "\n-----END RSA PRIVATE KEY-----\n"
			r["githubWebhookSecret"] = secret()
		case "gitlab":
			r["applicationId"] = secret()
			r["redirectUri"] = "http://localhost:3000/api/providers/gitlab/callback?gitlabId=" + str(r["gitlabId"])
			r["secret"] = secret()
			r["accessToken"] = secret()
			r["refreshToken"] = secret()
			r["expiresAt"] = float64(s.now().Unix() + 7200)
		case "bitbucket":
			r["bitbucketUsername"] = cleanAppName(p.Name)
			r["apiToken"] = secret()
			r["bitbucketWorkspaceName"] = cleanAppName(p.Name)
		case "gitea":
			r["redirectUri"] = "http://localhost:3000/api/providers/gitea/callback"
			r["clientId"] = secret()
			r["clientSecret"] = secret()
			r["accessToken"] = secret()
			r["refreshToken"] = secret()
			r["expiresAt"] = float64(s.now().Unix() + 7200)
		}
	}
	s.insert(gitProviderTable, g)
	s.insert(t, r)
	return str(g["gitProviderId"]), str(r[t.id]), nil
}

func gitProviderProcedures() []*procedure {
	return []*procedure{
		query("gitProvider.getAll", nil, gitProviderAll),
		query("github.githubProviders", nil, providerList(githubTable, func(r row) bool {
			return truthy(r["githubAppId"]) && truthy(r["githubPrivateKey"]) && truthy(r["githubInstallationId"])
		}, "githubId", "githubUrl", "gitProvider")),
		query("gitlab.gitlabProviders", nil, providerList(gitlabTable, tokens, "gitlabId", "gitProvider", "gitlabUrl")),
		query("bitbucket.bitbucketProviders", nil, providerList(bitbucketTable, nil, "bitbucketId", "gitProvider")),
		query("gitea.giteaProviders", nil, providerList(giteaTable, func(r row) bool {
			return truthy(r["clientId"]) && truthy(r["clientSecret"])
		}, "giteaId", "gitProvider")),
		providerOne(githubTable, "Github Provider not found"),
		providerOne(gitlabTable, "Gitlab Provider not found"),
		providerOne(bitbucketTable, "Bitbucket Provider not found"),
		providerOne(giteaTable, "Gitea Provider not found"),
	}
}

// providerOne is github.one, gitlab.one, bitbucket.one and gitea.one
// (routers/github.ts, gitlab.ts, bitbucket.ts, gitea.ts; services
// find<Type>ById): the whole row, secrets included, and its gitProvider.
// No capture exists.
func providerOne(t *tableDef, notFound string) *procedure {
	return query(t.name+".one", schema{text(t.id).min1().req()}, func(s *Server, in map[string]any) (any, error) {
		r := s.find(t, str(in[t.id]))
		if r == nil {
			return nil, errNotFound("%s", notFound)
		}
		g := s.find(gitProviderTable, str(r["gitProviderId"]))
		if g == nil || g["organizationId"] != s.st.OrganizationID {
			return nil, errNotFound("Git provider not found")
		}
		return append(t.object(r), kv{"gitProvider", gitProviderTable.object(g)}), nil
	})
}

func truthy(v any) bool { return v != nil && v != "" && v != false && v != 0.0 }

// tokens is haveGitlabRequirements and the isConfigured of gitlab and
// gitea: both OAuth tokens are set.
func tokens(r row) bool { return truthy(r["accessToken"]) && truthy(r["refreshToken"]) }

// providerList answers the rows of t that have their requirements (ok; nil
// for all), in table order, as the given keys: columns of the row, and
// gitProvider, the git_provider row.
func providerList(t *tableDef, ok func(row) bool, keys ...string) func(*Server, map[string]any) (any, error) {
	return func(s *Server, _ map[string]any) (any, error) {
		out := []any{}
		for _, r := range s.rows(t) {
			if ok != nil && !ok(r) {
				continue
			}
			var o object
			for _, k := range keys {
				if k == "gitProvider" {
					o = append(o, kv{k, gitProviderTable.object(s.find(gitProviderTable, str(r["gitProviderId"])))})
				} else {
					o = append(o, kv{k, r[k]})
				}
			}
			out = append(out, o)
		}
		return out, nil
	}
}

// gitProviderAll lists the providers newest first with a summary of their
// type's row (no secrets) and isOwner.
func gitProviderAll(s *Server, _ map[string]any) (any, error) {
	out := []any{}
	for _, g := range newestFirst(s.rows(gitProviderTable)) {
		id := g["gitProviderId"]
		summary := func(t *tableDef, f func(r row) object) any {
			if rs := s.where(t, "gitProviderId", id); len(rs) > 0 {
				return f(rs[0])
			}
			return nil
		}
		o := gitProviderTable.object(g)
		o = append(o,
			kv{"gitlab", summary(gitlabTable, func(r row) object {
				return append(pick(r, "gitlabId", "applicationId", "gitlabUrl"), kv{"isConfigured", tokens(r)})
			})},
			kv{"bitbucket", summary(bitbucketTable, func(r row) object {
				return append(pick(r, "bitbucketId", "bitbucketUsername"),
					kv{"isConfigured", false}, kv{"isDeprecated", truthy(r["appPassword"]) && !truthy(r["apiToken"])})
			})},
			kv{"github", summary(githubTable, func(r row) object {
				return append(pick(r, "githubId", "githubAppName", "githubAppId", "githubInstallationId", "githubUrl"),
					kv{"isConfigured", truthy(r["githubPrivateKey"]) && truthy(r["githubAppId"]) && truthy(r["githubInstallationId"])})
			})},
			kv{"gitea", summary(giteaTable, func(r row) object {
				return append(pick(r, "giteaId", "giteaUrl", "clientId"), kv{"isConfigured", tokens(r)})
			})},
			kv{"isOwner", g["userId"] == s.st.User["id"]},
		)
		out = append(out, o)
	}
	return out, nil
}

// gitRelations are the github, gitlab, bitbucket and gitea relations of a
// service by type; withSecrets false leaves out the secret columns
// as findApplicationById does (findComposeById keeps them).
func (s *Server) gitRelations(svc row, withSecrets bool) map[string]any {
	out := map[string]any{}
	for _, k := range gitProviderKinds {
		r := s.find(k.table, str(svc[k.table.id]))
		if r == nil {
			out[k.typ] = nil
			continue
		}
		var o object
		for _, e := range k.table.object(r) {
			if withSecrets || !contains(k.secrets, e.k) {
				o = append(o, e)
			}
		}
		out[k.typ] = o
	}
	return out
}
