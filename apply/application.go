package apply

import (
	"fmt"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// freshApplication holds the values Dokploy gives a new application (capture
// 016): a create resends them for the keys the spec does not own.
func freshApplication() *dokploy.Application {
	s := func(v string) *string { return &v }
	t := true
	f := false
	return &dokploy.Application{
		SourceType: "github", BuildType: s("nixpacks"), Dockerfile: s("Dockerfile"),
		HerokuVersion: s("24"), RailpackVersion: s("0.15.4"), BuildPath: s("/"),
		GitlabBuildPath: s("/"), GiteaBuildPath: s("/"), BitbucketBuildPath: s("/"),
		GithubColumns: dokploy.GithubColumns{TriggerType: s("push")}, CreateEnvFile: &t, GitSource: dokploy.GitSource{EnableSubmodules: &f},
	}
}

func (r *run) application(o *op) error {
	c := o.c
	want := c.Desired.(*spec.Application)
	live, _ := c.Live.(*dokploy.Application)
	if live == nil {
		live = freshApplication()
	}
	o.writes = func(id string) ([]*dokploy.Call, error) { return r.applicationWrites(c, id, want, live) }
	if c.Action != planner.Create {
		return nil
	}
	in, err := r.serviceInput(c, want.AppName, want.Description)
	if err != nil {
		return err
	}
	if k := planner.SourceKind(want.Source); k != "" {
		in["sourceType"] = k
	}
	r.serviceCreate(o, in)
	return nil
}

// liveRedacted reports whether any of the live values is the server's
// placeholder for a secret it hid (dokploy.IsRedacted).
func liveRedacted(vs ...*string) bool {
	for _, v := range vs {
		if dokploy.IsRedacted(v) || v != nil && dokploy.HasRedacted(*v) {
			return true
		}
	}
	return false
}

// pick returns the desired value of an owned key, else the live one.
func pick[T any](m *spec.Meta, key string, want, live *T) any {
	if m.Has(key) {
		return nullable(want)
	}
	return nullable(live)
}

func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func listOrNull(owned bool, want, live []string) any {
	l := live
	if owned {
		l = want
	}
	if l == nil {
		return nil
	}
	return l
}

// envText resolves the references in a managed env map and renders it as
// the dotenv text Dokploy stores; unmanaged (nil) returns the live text.
func (r *run) envText(addr string, want map[string]string, live *string) (any, error) {
	if want == nil {
		return nullable(live), nil
	}
	resolved, later := r.res.Env(addr, want)
	for k := range later {
		return nil, fmt.Errorf("env %s: a reference is still unknown after the creates", k)
	}
	return dokploy.FormatEnv(resolved)
}

// applicationWrites sets the changed fields of an application: its source
// through the matching save*Provider, its build through saveBuildType, its
// env, build args and secrets through saveEnvironment, and the rest through
// application.update. Each save* call requires keys the spec may not own:
// they are resent as they are live, so nothing set elsewhere is wiped. An
// application this apply creates gets all of them in its one
// application.update (foldCreated), with the source type the save would
// set (a new row is idle already, the status a save*Provider sets) and
// only the env texts the spec manages.
func (r *run) applicationWrites(c *planner.Change, id string, want *spec.Application, live *dokploy.Application) ([]*dokploy.Call, error) {
	var calls []*dokploy.Call
	in := map[string]any{"applicationId": id}
	create := c.Action == planner.Create
	if c.HasField("source") {
		src, err := r.resolveSource(c, want.Source)
		if err != nil {
			return nil, err
		}
		calls = append(calls, sourceCall(id, src, live))
		if create {
			in["sourceType"] = planner.SourceKind(src)
		}
	}
	if b := want.Build; b != nil && c.HasField("build") {
		m := &b.Meta
		in := map[string]any{
			"applicationId":     id,
			"buildType":         b.Type,
			"dockerfile":        pick(m, "dockerfile", b.Dockerfile, live.Dockerfile),
			"dockerContextPath": pick(m, "dockerContextPath", b.DockerContextPath, live.DockerContextPath),
			"dockerBuildStage":  pick(m, "dockerBuildStage", b.DockerBuildStage, live.DockerBuildStage),
			"herokuVersion":     pick(m, "herokuVersion", b.HerokuVersion, live.HerokuVersion),
			"railpackVersion":   pick(m, "railpackVersion", b.RailpackVersion, live.RailpackVersion),
		}
		if m.Has("publishDirectory") {
			in["publishDirectory"] = nullable(b.PublishDirectory)
		}
		if m.Has("isStaticSpa") {
			in["isStaticSpa"] = nullable(b.IsStaticSpa)
		}
		calls = append(calls, dokploy.NewCall("application.saveBuildType", in, nil))
	}
	if c.HasField("env") || c.HasField("buildArgs") || c.HasField("buildSecrets") {
		env, err := r.envText(c.Address, want.EnvVars, live.Env)
		if err != nil {
			return nil, err
		}
		args, err := r.envText(c.Address, want.BuildArgs, live.BuildArgs)
		if err != nil {
			return nil, err
		}
		secrets, err := r.envText(c.Address, want.BuildSecrets, live.BuildSecrets)
		if err != nil {
			return nil, err
		}
		createEnvFile := true // Dokploy's default for a new application
		if live.CreateEnvFile != nil {
			createEnvFile = *live.CreateEnvFile
		}
		if want, ok := setting(want.Objects, kinds.ApplicationSettings, "createEnvFile").(bool); ok {
			createEnvFile = want // the spec's, when it sets it
		}
		if create || liveRedacted(live.Env, live.BuildArgs, live.BuildSecrets) {
			// saveEnvironment needs all three texts, and the server hid one
			// it does not own: application.update keeps what it is not sent.
			// A new application's are Dokploy's own (createEnvFile, when the
			// spec sets it, is among its settings).
			in := map[string]any{"applicationId": id}
			for key, v := range map[string]struct {
				want map[string]string
				text any
			}{"env": {want.EnvVars, env}, "buildArgs": {want.BuildArgs, args}, "buildSecrets": {want.BuildSecrets, secrets}} {
				if v.want != nil {
					in[key] = v.text
				}
			}
			calls = append(calls, dokploy.NewCall("application.update", in, nil))
		} else {
			calls = append(calls, dokploy.NewCall("application.saveEnvironment", map[string]any{
				"applicationId": id, "env": env, "buildArgs": args, "buildSecrets": secrets, "createEnvFile": createEnvFile,
			}, nil))
		}
	}
	if c.Action == planner.Update && c.HasField("description") {
		in["description"] = nullable(want.Description)
	}
	if c.HasField("command") {
		cmd, _ := r.res.Resolve(c.Address, deref(want.Command))
		if want.Command == nil {
			in["command"] = nil
		} else {
			in["command"] = cmd
		}
	}
	if c.HasField("replicas") && want.Replicas != nil {
		in["replicas"] = *want.Replicas
	}
	res := want.Resources
	if res == nil { // resources: null clears the limits
		res = &spec.Resources{}
	}
	for _, m := range []struct {
		field, key string
		v          *int64
	}{
		{"resources.memoryLimit", "memoryLimit", (*int64)(res.MemoryLimit)},
		{"resources.memoryReservation", "memoryReservation", (*int64)(res.MemoryReservation)},
		{"resources.cpuLimit", "cpuLimit", (*int64)(res.CPULimit)},
		{"resources.cpuReservation", "cpuReservation", (*int64)(res.CPUReservation)},
	} {
		if c.HasField(m.field) {
			if m.v == nil {
				in[m.key] = nil
			} else {
				in[m.key] = fmt.Sprint(*m.v) // Dokploy stores bytes and nano-CPUs as strings
			}
		}
	}
	if err := r.settingsInput(c, want.Objects, planner.KindApplication, in); err != nil {
		return nil, err
	}
	calls = foldCreated(c, in, calls)
	if len(in) > 1 {
		calls = append(calls, dokploy.NewCall("application.update", in, nil))
	}
	return calls, nil
}

// sourceCall is the save*Provider call that sets an application's source,
// with every key the procedure requires.
func sourceCall(id string, src *spec.Source, live *dokploy.Application) *dokploy.Call {
	in := map[string]any{"applicationId": id}
	proc := ""
	git := func(ps *spec.ProviderSource) {
		if ps.Meta.Has("submodules") {
			in["enableSubmodules"] = nullable(ps.Submodules)
		}
		if ps.Meta.Has("watchPaths") {
			in["watchPaths"] = listOrNull(true, ps.WatchPaths, nil)
		}
	}
	switch planner.SourceKind(src) {
	case spec.SourceDocker:
		dk := src.Docker
		proc = "application.saveDockerProvider"
		in["dockerImage"] = dk.Image
		in["username"] = pick(&dk.Meta, "username", dk.Username, live.Username)
		in["password"] = pick(&dk.Meta, "password", dk.Password, live.Password)
		in["registryUrl"] = pick(&dk.Meta, "registryUrl", dk.RegistryURL, live.RegistryURL)
		if !dk.Meta.Has("password") && dokploy.IsRedacted(live.Password) {
			// saveDockerProvider needs the password, which the server hid:
			// application.update keeps it.
			proc = "application.update"
			in["sourceType"] = spec.SourceDocker
			delete(in, "password")
		}
	case spec.SourceGit:
		g := src.Git
		proc = "application.saveGitProvider"
		in["customGitUrl"] = g.URL
		in["customGitBranch"] = g.Branch
		in["customGitBuildPath"] = pick(&g.Meta, "buildPath", g.BuildPath, live.CustomGitBuildPath)
		in["customGitSSHKeyId"] = pick(&g.Meta, "sshKeyId", g.SSHKeyID, live.CustomGitSSHKeyID)
		in["watchPaths"] = listOrNull(g.Meta.Has("watchPaths"), g.WatchPaths, live.WatchPaths)
		if g.Meta.Has("submodules") {
			in["enableSubmodules"] = nullable(g.Submodules)
		}
	case spec.SourceGitHub:
		g := src.GitHub
		proc = "application.saveGithubProvider"
		in["githubId"], in["owner"], in["repository"], in["branch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		in["buildPath"] = pick(&g.Meta, "buildPath", g.BuildPath, live.BuildPath)
		// triggerType has a default the server writes when it is missing.
		in["triggerType"] = pick(&g.Meta, "triggerType", g.TriggerType, live.TriggerType)
		if in["triggerType"] == nil {
			in["triggerType"] = "push"
		}
		git(&g.ProviderSource)
	case spec.SourceGitLab:
		g := src.GitLab
		proc = "application.saveGitlabProvider"
		in["gitlabId"], in["gitlabOwner"], in["gitlabRepository"], in["gitlabBranch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		in["gitlabBuildPath"] = pick(&g.Meta, "buildPath", g.BuildPath, live.GitlabBuildPath)
		in["gitlabProjectId"] = pick(&g.Meta, "projectId", g.ProjectID, live.GitlabProjectID)
		in["gitlabPathNamespace"] = pick(&g.Meta, "pathNamespace", g.PathNamespace, live.GitlabPathNamespace)
		git(&g.ProviderSource)
	case spec.SourceBitbucket:
		g := src.Bitbucket
		proc = "application.saveBitbucketProvider"
		in["bitbucketId"], in["bitbucketOwner"], in["bitbucketRepository"], in["bitbucketBranch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		in["bitbucketBuildPath"] = pick(&g.Meta, "buildPath", g.BuildPath, live.BitbucketBuildPath)
		slug := pick(&g.Meta, "repositorySlug", g.RepositorySlug, live.BitbucketRepositorySlug)
		if slug == nil {
			slug = g.Repository
		}
		in["bitbucketRepositorySlug"] = slug
		git(&g.ProviderSource)
	case spec.SourceGitea:
		g := src.Gitea
		proc = "application.saveGiteaProvider"
		in["giteaId"], in["giteaOwner"], in["giteaRepository"], in["giteaBranch"] = g.ProviderID, g.Owner, g.Repository, g.Branch
		in["giteaBuildPath"] = pick(&g.Meta, "buildPath", g.BuildPath, live.GiteaBuildPath)
		git(&g.ProviderSource)
	}
	return dokploy.NewCall(proc, in, nil)
}
