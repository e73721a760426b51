package dokploytest

// settings.getDokployVersion and user.get: the member that every API key of
// the fake belongs to, an owner (capture 002) unless Server.SetRole says
// otherwise.

var memberColumns = []string{
	"id", "organizationId", "userId", "role", "createdAt", "teamId", "isDefault",
	"canCreateProjects", "canAccessToSSHKeys", "canCreateServices", "canDeleteProjects",
	"canDeleteServices", "canAccessToDocker", "canAccessToAPI", "canAccessToGitProviders",
	"canAccessToTraefikFiles", "canDeleteEnvironments", "canCreateEnvironments",
	"accessedProjects", "accessedEnvironments", "accessedServices",
	"accessedGitProviders", "accessedServers",
}

var userColumns = []string{
	"id", "firstName", "lastName", "email", "image", "allowImpersonation",
	"twoFactorEnabled", "stripeCustomerId", "stripeSubscriptionId", "serversQuantity",
	"isEnterpriseCloud", "sendInvoiceNotifications",
}

var apiKeyColumns = []string{"id", "name", "prefix", "enabled", "expiresAt", "createdAt"}

// initMember creates the organization, its owner and the owner's API key.
func (s *Server) initMember() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.timestamp()
	s.st.OrganizationID = s.newID()
	userID := s.randString(32, alnum)
	s.st.Member = row{
		"id": s.newID(), "organizationId": s.st.OrganizationID, "userId": userID,
		"role": "owner", "createdAt": now, "teamId": nil, "isDefault": true,
		"accessedProjects": []any{}, "accessedEnvironments": []any{}, "accessedServices": []any{},
		"accessedGitProviders": []any{}, "accessedServers": []any{},
	}
	for _, c := range memberColumns[7:18] {
		s.st.Member[c] = false
	}
	s.st.User = row{
		"id": userID, "firstName": "Admin", "lastName": "User", "email": "admin@example.com",
		"image": nil, "allowImpersonation": false, "twoFactorEnabled": false,
		"stripeCustomerId": nil, "stripeSubscriptionId": nil, "serversQuantity": 0.0,
		"isEnterpriseCloud": false, "sendInvoiceNotifications": false,
	}
	s.st.APIKeys = []row{{
		"id": s.randString(32, alnum), "name": "dokploytest", "prefix": nil,
		"enabled": true, "expiresAt": nil, "createdAt": now,
	}}
}

func settingsProcedures() []*procedure {
	return []*procedure{
		query("settings.getDokployVersion", nil, func(s *Server, _ map[string]any) (any, error) {
			return s.opts.Version, nil
		}),
		query("user.get", nil, func(s *Server, _ map[string]any) (any, error) {
			user := pick(s.st.User, userColumns...)
			keys := make([]any, 0, len(s.st.APIKeys))
			for _, k := range s.st.APIKeys {
				keys = append(keys, pick(k, apiKeyColumns...))
			}
			user = append(user, kv{"apiKeys", keys})
			return append(pick(s.st.Member, memberColumns...), kv{"user", user}), nil
		}),
	}
}
