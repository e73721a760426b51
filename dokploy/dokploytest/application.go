package dokploytest

// application.* (API.md §2.3, §3.5).

var (
	sourceTypes       = []string{"github", "docker", "git", "gitlab", "bitbucket", "gitea", "drop"}
	buildTypes        = []string{"dockerfile", "heroku_buildpacks", "paketo_buildpacks", "nixpacks", "static", "railpack"}
	serviceStatuses   = []string{"idle", "running", "done", "error"}
	certificateTypes  = []string{"letsencrypt", "none", "custom"}
	applicationIDOnly = schema{text("applicationId").min1().req()}
)

// nullTexts returns optional nullable string fields.
func nullTexts(names ...string) []field {
	out := make([]field, len(names))
	for i, n := range names {
		out[i] = text(n).null()
	}
	return out
}

// swarmFields are the Docker swarm settings of applications and databases
// (libsql has no ulimitsSwarm): the strict objects of Dokploy's
// schema/shared.ts, so that an unknown key is refused (capture 537).
func swarmFields(ulimits bool) []field {
	update := schema{
		num("Parallelism").req(), num("Delay"), text("FailureAction"), num("Monitor"), num("MaxFailureRatio"), text("Order").req(),
	}
	fs := []field{
		obj("healthCheckSwarm").of(schema{
			strArr("Test"), num("Interval"), num("Timeout"), num("StartPeriod"), num("Retries"),
		}, true).null(),
		obj("restartPolicySwarm").of(schema{text("Condition"), num("Delay"), num("MaxAttempts"), num("Window")}, true).null(),
		obj("placementSwarm").of(schema{
			strArr("Constraints"),
			objArr("Preferences").of(schema{obj("Spread").of(schema{text("SpreadDescriptor").req()}, false).req()}, true),
			num("MaxReplicas"),
			objArr("Platforms").of(schema{text("Architecture").req(), text("OS").req()}, true),
		}, true).null(),
		obj("updateConfigSwarm").of(update, true).null(),
		obj("rollbackConfigSwarm").of(update, true).null(),
		obj("modeSwarm").of(schema{
			obj("Replicated").of(schema{num("Replicas")}, true),
			obj("Global").of(schema{}, false),
			obj("ReplicatedJob").of(schema{num("MaxConcurrent"), num("TotalCompletions")}, true),
			obj("GlobalJob").of(schema{}, false),
		}, true).null(),
		strMap("labelsSwarm").null(),
		objArr("networkSwarm").of(schema{text("Target"), strArr("Aliases"), strMap("DriverOpts")}, true).null(),
		num("stopGracePeriodSwarm").null(),
		obj("endpointSpecSwarm").of(schema{
			text("Mode"),
			objArr("Ports").of(schema{text("Protocol"), num("TargetPort"), num("PublishedPort"), text("PublishMode")}, true),
		}, true).null(),
	}
	if ulimits {
		fs = append(fs, objArr("ulimitsSwarm").of(schema{
			text("Name").min1().req(), num("Soft").int().atLeast(-1).req(), num("Hard").int().atLeast(-1).req(),
		}, true).null())
	}
	return fs
}

// concat joins field lists into a schema.
func concat(parts ...[]field) schema {
	var sc schema
	for _, p := range parts {
		sc = append(sc, p...)
	}
	return sc
}

// applicationUpdateSchema is apiUpdateApplication: the id and a partial of
// every column except serverId.
func applicationUpdateSchema() schema {
	return concat(
		[]field{text("applicationId").min1().req(), text("name").min1(), appNameField()},
		nullTexts("description", "env", "previewEnv"),
		[]field{strArr("watchPaths").null()},
		nullTexts("previewBuildArgs", "previewBuildSecrets"),
		[]field{strArr("previewLabels").null(), text("previewWildcard").null(), num("previewPort").null(),
			boolean("previewHttps"), text("previewPath").null(), enum("previewCertificateType", certificateTypes...),
			text("previewCustomCertResolver").null(), num("previewLimit").null(),
			boolean("isPreviewDeploymentsActive").null(), boolean("previewRequireCollaboratorPermissions").null(),
			boolean("rollbackActive").null()},
		nullTexts("buildArgs", "buildSecrets", "memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit", "title"),
		[]field{boolean("enabled").null(), text("subtitle").null(), text("command").null(), strArr("args").null(),
			text("icon").lenRange(0, 2097152).null(), text("refreshToken").null(), enum("sourceType", sourceTypes...),
			boolean("cleanCache").null()},
		nullTexts("repository", "owner", "branch", "buildPath"),
		[]field{enum("triggerType", "push", "tag").null(), boolean("autoDeploy").null(), num("gitlabProjectId").null()},
		nullTexts("gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabBuildPath", "gitlabPathNamespace",
			"giteaRepository", "giteaOwner", "giteaBranch", "giteaBuildPath",
			"bitbucketRepository", "bitbucketRepositorySlug", "bitbucketOwner", "bitbucketBranch", "bitbucketBuildPath",
			"username", "password", "dockerImage", "registryUrl",
			"customGitUrl", "customGitBranch", "customGitBuildPath", "customGitSSHKeyId"),
		[]field{boolean("enableSubmodules")},
		nullTexts("dockerfile", "dockerContextPath", "dockerBuildStage", "dropBuildPath"),
		swarmFields(true),
		[]field{num("replicas"), enum("applicationStatus", serviceStatuses...), enum("buildType", buildTypes...)},
		nullTexts("railpackVersion", "herokuVersion", "publishDirectory"),
		[]field{boolean("isStaticSpa").null(), boolean("createEnvFile"), text("createdAt")},
		nullTexts("registryId", "rollbackRegistryId"),
		[]field{text("environmentId")},
		nullTexts("githubId", "gitlabId", "giteaId", "bitbucketId", "buildServerId", "buildRegistryId"),
		[]field{strArr("networkIds").null(), boolean("detachDokployNetwork")},
	)
}

func applicationProcedures() []*procedure {
	deployInput := schema{text("applicationId").min1().req(), text("title"), text("description")}
	return []*procedure{
		mutation("application.create", schema{
			text("name").min1().req(),
			appNameField(),
			text("description").null(),
			text("environmentId").req(),
			text("serverId").null(),
			enum("sourceType", sourceTypes...),
		}, applicationCreate),
		query("application.one", applicationIDOnly, func(s *Server, in map[string]any) (any, error) {
			a, err := s.application(in)
			if err != nil {
				return nil, err
			}
			return s.applicationObject(a, true), nil
		}),
		mutation("application.update", applicationUpdateSchema(), applicationUpdate),
		mutation("application.delete", applicationIDOnly, applicationDelete),
		mutation("application.saveEnvironment", schema{
			text("applicationId").nonopt(),
			text("env").null().nonopt(),
			text("buildArgs").null().nonopt(),
			text("buildSecrets").null().nonopt(),
			boolean("createEnvFile").nonopt(),
		}, applicationSave(nil)),
		mutation("application.saveDockerProvider", schema{
			text("dockerImage").null().nonopt(),
			text("applicationId").nonopt(),
			text("username").null().nonopt(),
			text("password").null().nonopt(),
			text("registryUrl").null().nonopt(),
		}, applicationSave(gitSource("docker"))),
		mutation("application.saveGitProvider", schema{
			text("applicationId").nonopt(),
			text("customGitBuildPath").null().nonopt(),
			text("customGitUrl").null().nonopt(),
			strArr("watchPaths").null().nonopt(),
			boolean("enableSubmodules"),
			branchField("customGitBranch"),
			text("customGitSSHKeyId").null(),
		}, applicationSave(gitSource("git"))),
		// The four git provider saves (QUIRKS A8): the keys of the provider
		// are required but nullable except the branch; enableSubmodules and
		// watchPaths are optional and kept when omitted. saveGithubProvider's
		// triggerType has a zod default, so omitting it writes "push".
		mutation("application.saveGithubProvider", schema{
			text("applicationId").nonopt(),
			text("repository").null().nonopt(),
			text("owner").null().nonopt(),
			text("buildPath").null().nonopt(),
			text("githubId").null().nonopt(),
			branchField("branch"),
			enum("triggerType", "push", "tag").dflt("push"),
			boolean("enableSubmodules"),
			strArr("watchPaths").null(),
		}, applicationSave(gitSource("github"))),
		mutation("application.saveGitlabProvider", schema{
			text("applicationId").nonopt(),
			text("gitlabBuildPath").null().nonopt(),
			text("gitlabOwner").null().nonopt(),
			text("gitlabRepository").null().nonopt(),
			text("gitlabId").null().nonopt(),
			num("gitlabProjectId").null().nonopt(),
			text("gitlabPathNamespace").null().nonopt(),
			branchField("gitlabBranch"),
			boolean("enableSubmodules"),
			strArr("watchPaths").null(),
		}, applicationSave(gitSource("gitlab"))),
		mutation("application.saveBitbucketProvider", schema{
			text("bitbucketBuildPath").null().nonopt(),
			text("bitbucketOwner").null().nonopt(),
			text("bitbucketRepository").null().nonopt(),
			text("bitbucketRepositorySlug").null().nonopt(),
			text("bitbucketId").null().nonopt(),
			text("applicationId").nonopt(),
			branchField("bitbucketBranch"),
			boolean("enableSubmodules"),
			strArr("watchPaths").null(),
		}, applicationSave(gitSource("bitbucket"))),
		mutation("application.saveGiteaProvider", schema{
			text("applicationId").nonopt(),
			text("giteaBuildPath").null().nonopt(),
			text("giteaOwner").null().nonopt(),
			text("giteaRepository").null().nonopt(),
			text("giteaId").null().nonopt(),
			branchField("giteaBranch"),
			boolean("enableSubmodules"),
			strArr("watchPaths").null(),
		}, applicationSave(gitSource("gitea"))),
		mutation("application.disconnectGitProvider", applicationIDOnly, applicationDisconnectGitProvider),
		mutation("application.saveBuildType", schema{
			text("applicationId").nonopt(),
			enum("buildType", buildTypes...).nonopt(),
			text("dockerfile").null().nonopt(),
			text("dockerContextPath").null().nonopt(),
			text("dockerBuildStage").null().nonopt(),
			text("herokuVersion").null().nonopt(),
			text("railpackVersion").null().nonopt(),
			text("publishDirectory").null(),
			boolean("isStaticSpa").null(),
		}, applicationSave(nil)),
		mutation("application.deploy", deployInput, applicationDeploy("Manual deployment")),
		mutation("application.redeploy", deployInput, applicationDeploy("Rebuild deployment")),
		mutation("application.reload", schema{
			appNameField().req(),
			text("applicationId").req(),
		}, applicationReload),
		mutation("application.start", applicationIDOnly, applicationScale(true)),
		mutation("application.stop", applicationIDOnly, applicationScale(false)),
	}
}

// application finds the application of in["applicationId"].
func (s *Server) application(in map[string]any) (row, error) {
	a := s.find(applicationTable, str(in["applicationId"]))
	if a == nil {
		return nil, errNotFound("Application not found")
	}
	return a, nil
}

// applicationObject is the application with its relations, as
// application.one answers it (withAccess) or as delete, start and stop
// return it (findApplicationById, without the two access keys).
func (s *Server) applicationObject(a row, withAccess bool) object {
	id := a["applicationId"]
	children := func(t *tableDef) []any { return objects(t, s.where(t, "applicationId", id)) }
	git := s.gitRelations(a, false)
	o := applicationTable.object(a)
	o = append(o,
		kv{"environment", s.environmentWithProject(str(a["environmentId"]))},
		kv{"domains", children(domainTable)},
		kv{"deployments", children(deploymentTable)},
		kv{"mounts", children(mountTable)},
		kv{"redirects", children(redirectTable)},
		kv{"security", children(securityTable)},
		kv{"ports", children(portTable)},
		kv{"gitlab", git["gitlab"]}, kv{"github", git["github"]}, kv{"bitbucket", git["bitbucket"]}, kv{"gitea", git["gitea"]},
		kv{"server", s.serverRow(a["serverId"])},
		kv{"previewDeployments", []any{}},
		kv{"registry", s.registryOf(a, "registryId")}, kv{"buildRegistry", s.registryOf(a, "buildRegistryId")},
		kv{"rollbackRegistry", s.registryOf(a, "rollbackRegistryId")},
	)
	if withAccess {
		o = append(o, kv{"hasGitProviderAccess", true}, kv{"unauthorizedProvider", nil})
	}
	return o
}

func applicationCreate(s *Server, in map[string]any) (any, error) {
	if s.find(environmentTable, str(in["environmentId"])) == nil {
		return nil, errNotFound("Environment not found")
	}
	if err := s.checkServer(in); err != nil {
		return nil, err
	}
	appName := s.buildAppName("app", in["appName"])
	if s.appNameTaken(appName) {
		return nil, errConflict("Application with this 'AppName' already exists")
	}
	a := applicationTable.newRow()
	a["applicationId"] = s.newID()
	a["name"] = in["name"]
	a["appName"] = appName
	a["description"] = in["description"]
	a["refreshToken"] = s.newID()
	if st, ok := in["sourceType"]; ok {
		a["sourceType"] = st
	}
	a["createdAt"] = s.timestamp()
	a["environmentId"] = in["environmentId"]
	a["serverId"] = serverID(in)
	s.insert(applicationTable, a)
	s.grantAccess("accessedServices", str(a["applicationId"]))
	return applicationTable.object(a), nil
}

// applicationUpdate keeps omitted keys, clears explicit nulls, ignores
// appName and answers true. A provider or SSH key id that names nothing
// fails in the database, as in the save procedures (the same UPDATE).
func applicationUpdate(s *Server, in map[string]any) (any, error) {
	if len(in) <= 1+boolToInt(in["appName"] != nil) {
		return nil, errInternal("No values to set") // drizzle: an UPDATE without columns
	}
	a := s.find(applicationTable, str(in["applicationId"]))
	if a == nil {
		return nil, errBadRequest("Error updating application")
	}
	if err := s.checkMove(in); err != nil {
		return nil, err
	}
	values := map[string]any{}
	for k, v := range in {
		if k != "applicationId" && k != "appName" && applicationTable.has(k) {
			values[k] = v
		}
	}
	if s.danglingRef(values) != "" {
		return nil, errInternal("%s", failedUpdate(applicationTable, a["applicationId"], values))
	}
	set(applicationTable, a, in, "applicationId", "appName")
	return true, nil
}

// checkMove refuses an environmentId that does not exist (the foreign key).
func (s *Server) checkMove(in map[string]any) error {
	if id, ok := in["environmentId"]; ok && s.find(environmentTable, str(id)) == nil {
		return errInternal(`insert or update violates foreign key constraint: environment %q not found`, str(id))
	}
	return nil
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// branchField is the required branch of the git provider saves.
func branchField(name string) field {
	return text(name).min1().regex(branchPattern, "").nonopt()
}

// gitSource is what every provider save writes besides its keys: the
// source type, and the status back to idle.
func gitSource(sourceType string) map[string]any {
	return map[string]any{"sourceType": sourceType, "applicationStatus": "idle"}
}

// applicationSave writes every parsed key (the save* procedures send whole
// groups of columns; omitted optional keys are left out of the SET list
// and so kept) plus fixed values, and answers true. A provider, registry
// or SSH key id that names nothing fails in the database (QUIRKS X16).
func applicationSave(fixed map[string]any) func(*Server, map[string]any) (any, error) {
	return func(s *Server, in map[string]any) (any, error) {
		a, err := s.application(in)
		if err != nil {
			return nil, err
		}
		values := map[string]any{}
		for k, v := range in {
			if k != "applicationId" && applicationTable.has(k) {
				values[k] = v
			}
		}
		for k, v := range fixed {
			values[k] = v
		}
		if s.danglingRef(values) != "" {
			return nil, errInternal("%s", failedUpdate(applicationTable, a["applicationId"], values))
		}
		for k, v := range values {
			a[k] = v
		}
		return true, nil
	}
}

// applicationDisconnectGitProvider clears every git source setting and
// goes back to the default source, github.
func applicationDisconnectGitProvider(s *Server, in map[string]any) (any, error) {
	a, err := s.application(in)
	if err != nil {
		return nil, err
	}
	for _, c := range []string{
		"repository", "branch", "owner", "githubId",
		"gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabBuildPath", "gitlabId", "gitlabProjectId", "gitlabPathNamespace",
		"bitbucketRepository", "bitbucketOwner", "bitbucketBranch", "bitbucketBuildPath", "bitbucketId",
		"giteaRepository", "giteaOwner", "giteaBranch", "giteaBuildPath", "giteaId",
		"customGitBranch", "customGitBuildPath", "customGitUrl", "customGitSSHKeyId", "watchPaths",
	} {
		a[c] = nil
	}
	a["buildPath"] = "/"
	a["triggerType"] = "push"
	a["sourceType"] = "github"
	a["applicationStatus"] = "idle"
	a["enableSubmodules"] = false
	return true, nil
}

// applicationDelete answers the application as it was, then deletes it with
// its domains, mounts, ports, redirects, security and deployments.
func applicationDelete(s *Server, in map[string]any) (any, error) {
	a, err := s.application(in)
	if err != nil {
		return nil, err
	}
	before := s.applicationObject(a, false)
	s.deleteService(applicationTable, str(a["applicationId"]))
	return before, nil
}

// applicationReload re-applies the service spec without a build.
func applicationReload(s *Server, in map[string]any) (any, error) {
	a, err := s.application(in)
	if err != nil {
		return nil, err
	}
	if msg := s.opts.DeployError; msg != "" {
		return nil, errInternal("%s", msg)
	}
	a["applicationStatus"] = "done"
	return true, nil
}

// applicationScale is start and stop: `docker service scale <appName>=1`
// (or =0), then the status done (or idle). Both answer the application as
// read before the status write. stopService swallows a failed scale, so
// stop always succeeds (captures 546, 547); a failed start is a 500 and
// leaves the status (548, 549).
func applicationScale(start bool) func(*Server, map[string]any) (any, error) {
	return func(s *Server, in map[string]any) (any, error) {
		a, err := s.application(in)
		if err != nil {
			return nil, err
		}
		return s.scale(a, s.applicationObject(a, false), start)
	}
}

// scale runs start or stop on service r and answers before.
func (s *Server) scale(r row, before object, start bool) (any, error) {
	status := "idle"
	if start {
		if msg := s.opts.DeployError; msg != "" {
			app := str(r["appName"])
			return nil, errInternal("Command execution failed: Command failed: docker service scale %s=1 \n%s: %s", app, app, msg)
		}
		status = "done"
	}
	r["applicationStatus"] = status
	return before, nil
}

// applicationDeploy queues a deployment; the procedure answers undefined.
func applicationDeploy(defaultTitle string) func(*Server, map[string]any) (any, error) {
	return func(s *Server, in map[string]any) (any, error) {
		a, err := s.application(in)
		if err != nil {
			return nil, err
		}
		title := str(in["title"])
		if title == "" {
			title = defaultTitle
		}
		s.startDeployment(applicationTable, a, title, str(in["description"]))
		return undefined, nil
	}
}
