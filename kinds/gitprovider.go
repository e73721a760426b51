package kinds

// The git providers of Dokploy (Settings, Git: a GitHub App, a GitLab or
// Gitea OAuth application, a Bitbucket API token) are connected in the
// UI, so the spec never declares one: a github, gitlab, bitbucket or gitea
// source names it (provider: acme). One list gives them all with their
// names: gitProvider.getAll (captures 555, 556), each row a git_provider
// (its name, its providerType) with a summary of its type's row, where the
// id the sources hold is (github.githubId, gitlab.gitlabId, ...). The
// per-type lists (github.githubProviders, ...) leave out providers whose
// setup is not finished, so a name would then match nothing, with no
// hint why. One kind per type, since a name is unique only within its
// type; they share the one read.

// GitHubProvider, GitLabProvider, BitbucketProvider and GiteaProvider
// are the git providers of each type.
var (
	GitHubProvider    = gitProvider("github")
	GitLabProvider    = gitProvider("gitlab")
	BitbucketProvider = gitProvider("bitbucket")
	GiteaProvider     = gitProvider("gitea")
)

// ProviderKind is the kind of the git providers a source of type
// sourceType (github, gitlab, bitbucket, gitea) names; "" for another.
func ProviderKind(sourceType string) string {
	switch sourceType {
	case "github", "gitlab", "bitbucket", "gitea":
		return sourceType + "Provider"
	}
	return ""
}

func gitProvider(typ string) *Kind {
	id := typ + "Id"
	return &Kind{
		Name: ProviderKind(typ), Key: typ + "Providers", ReadOnly: true,
		Doc:       "The " + typ + " providers connected in Dokploy (Settings, Git); " + typ + " sources name them.",
		NameField: "name",
		Read:      Read{Proc: "gitProvider.getAll"},
		Router:    "gitProvider",
		IDKey:     id,
		Hooks: Hooks{Row: func(row map[string]any) map[string]any {
			sub, _ := row[typ].(map[string]any)
			if sub == nil || row["providerType"] != nil && row["providerType"] != typ {
				return nil
			}
			return map[string]any{"name": row["name"], id: sub[id], "gitProviderId": row["gitProviderId"]}
		}},
	}
}
