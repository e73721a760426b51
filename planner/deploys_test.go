package planner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

func deployment(id, title, desc, status, at string) *dokploy.Deployment {
	return &dokploy.Deployment{DeploymentID: id, Title: title, Description: &desc, Status: status, CreatedAt: at}
}

// TestOwedReason covers every branch of the owed-deploy rule of an
// application or compose service.
func TestOwedReason(t *testing.T) {
	const addr = "shop/production/application/api"
	ours := func(fp, status, at string) *dokploy.Deployment {
		return deployment("D-"+at, StampTitle, StampDescription(addr, fp), status, at)
	}
	old := ours("aaaaaaaaaaaa", "done", "2026-01-01T00:00:00.000Z")
	tests := map[string]struct {
		deployments []*dokploy.Deployment
		status      string
		want        string
	}{
		"never deployed":                      {nil, "idle", ReasonNeverDeployed},
		"newest failed":                       {[]*dokploy.Deployment{old, ours("fp", "error", "2026-01-02T00:00:00.000Z")}, "error", ReasonFailed},
		"newest cancelled":                    {[]*dokploy.Deployment{ours("fp", "cancelled", "2026-01-02T00:00:00.000Z"), old}, "idle", ReasonCancelled},
		"ours, same settings":                 {[]*dokploy.Deployment{ours("fp", "done", "2026-01-02T00:00:00.000Z"), old}, "done", ""},
		"ours, same settings, still running":  {[]*dokploy.Deployment{ours("fp", "running", "2026-01-02T00:00:00.000Z")}, "running", ""},
		"ours, settings changed since":        {[]*dokploy.Deployment{old}, "done", ReasonSettingsChanged},
		"ours, settings changed, running":     {[]*dokploy.Deployment{ours("other", "running", "2026-01-02T00:00:00.000Z")}, "running", ReasonSettingsChanged},
		"the newest one counts, not the list": {[]*dokploy.Deployment{ours("fp", "error", "2026-01-01T00:00:00.000Z"), ours("fp", "done", "2026-01-03T00:00:00.000Z")}, "done", ""},
		"stamped for another address":         {[]*dokploy.Deployment{deployment("D", StampTitle, StampDescription("shop/production/application/web", "fp"), "done", "2026-01-02T00:00:00.000Z")}, "done", ""},
		// Started from the UI: trusted, or every run would redeploy it.
		"UI deploy, done":      {[]*dokploy.Deployment{old, deployment("U", "Manual deployment", "", "done", "2026-01-02T00:00:00.000Z")}, "done", ""},
		"UI deploy, then idle": {[]*dokploy.Deployment{deployment("U", "Manual deployment", "", "done", "2026-01-02T00:00:00.000Z")}, "idle", ReasonIdle},
		// A git deployment of ours: Dokploy replaced the stamp with the commit.
		"git deploy, stamp overwritten":                {[]*dokploy.Deployment{deployment("G", "Fix the login", "Commit: 0123abc", "done", "2026-01-02T00:00:00.000Z")}, "done", ""},
		"git deploy, stamp overwritten, then idle":     {[]*dokploy.Deployment{deployment("G", "Fix the login", "Commit: 0123abc", "done", "2026-01-02T00:00:00.000Z")}, "idle", ReasonIdle},
		"stamp of an older version, no settings":       {[]*dokploy.Deployment{deployment("O", StampTitle, addr, "done", "2026-01-02T00:00:00.000Z")}, "done", ""},
		"stamp of an older version, no settings, idle": {[]*dokploy.Deployment{deployment("O", StampTitle, addr, "done", "2026-01-02T00:00:00.000Z")}, "idle", ReasonIdle},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			// without deploy markers (no tags on the server, or a member's key)
			if got := OwedReason(addr, tt.deployments, tt.status, func() string { return "fp" }, markers{}); got != tt.want {
				t.Errorf("OwedReason = %q, want %q", got, tt.want)
			}
		})
	}
	// With deploy markers, idle alone (a service stopped on purpose) owes
	// nothing; a marker owes the deploy whatever the status.
	git := []*dokploy.Deployment{deployment("G", "Fix the login", "Commit: 0123abc", "done", "2026-01-02T00:00:00.000Z")}
	usable := markers{usable: true, set: map[string]bool{}}
	marked := markers{usable: true, set: map[string]bool{addr: true}}
	for _, tc := range []struct {
		name        string
		deployments []*dokploy.Deployment
		status      string
		m           markers
		want        string
	}{
		{"stopped", git, "idle", usable, ""},
		{"marked, then deploy lost", git, "done", marked, ReasonMarked},
		{"marked and idle", git, "idle", marked, ReasonMarked},
		{"never deployed, no marker", nil, "idle", usable, ReasonNeverDeployed},
		{"failed, no marker", []*dokploy.Deployment{ours("fp", "error", "2026-01-02T00:00:00.000Z")}, "error", usable, ReasonFailed},
		{"ours, same settings, stale marker", []*dokploy.Deployment{ours("fp", "done", "2026-01-02T00:00:00.000Z")}, "done", marked, ""},
	} {
		if got := OwedReason(addr, tc.deployments, tc.status, func() string { return "fp" }, tc.m); got != tc.want {
			t.Errorf("%s: OwedReason = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestOwedDatabaseReason(t *testing.T) {
	for status, want := range map[string]string{"idle": ReasonDatabaseIdle, "error": ReasonDatabaseFailed, "done": "", "running": ""} {
		if got := OwedDatabaseReason(status); got != want {
			t.Errorf("OwedDatabaseReason(%q) = %q, want %q", status, got, want)
		}
	}
}

func TestParseStamp(t *testing.T) {
	d := StampDescription("shop/production/compose/stack", "3f2a9c1b7d4e")
	addr, fp, ok := ParseStamp(StampTitle, &d)
	if !ok || addr != "shop/production/compose/stack" || fp != "3f2a9c1b7d4e" {
		t.Errorf("ParseStamp = %q, %q, %v", addr, fp, ok)
	}
	if _, _, ok := ParseStamp("Manual deployment", &d); ok {
		t.Error("another title is no stamp")
	}
}

// TestFingerprint: the fingerprint changes with the settings a deploy
// applies (and the shared variables they use), not with the rest, nor
// with the order Dokploy lists children in.
func TestFingerprint(t *testing.T) {
	s := func(v string) *string { return &v }
	base := func() *dokploy.Application {
		return &dokploy.Application{ApplicationID: "A1", Name: "api", SourceType: "docker", DockerImage: s("nginx:1"),
			Env: s("A=${{project.SHARED}}\nB=2"), ApplicationStatus: "done",
			Items: dokploy.Items{
				"port":  {{"portId": "p1", "publishedPort": 80.0, "targetPort": 8080.0}, {"portId": "p2", "publishedPort": 81.0, "targetPort": 8081.0}},
				"mount": {{"mountId": "m1", "type": "volume", "mountPath": "/data", "volumeName": "v"}},
			}}
	}
	project := &dokploy.Project{Env: "SHARED=one\nOTHER=x"}
	env := &dokploy.Environment{}
	fp := Fingerprint(base(), project, env)
	if len(fp) != 12 {
		t.Fatalf("fingerprint %q is not 12 hex digits", fp)
	}
	same := map[string]func(a *dokploy.Application, p *dokploy.Project){
		"status":      func(a *dokploy.Application, _ *dokploy.Project) { a.ApplicationStatus = "idle" },
		"description": func(a *dokploy.Application, _ *dokploy.Project) { a.Description = s("new") },
		"domains":     func(a *dokploy.Application, _ *dokploy.Project) { a.Items["domain"] = []dokploy.Row{{"host": "x"}} },
		"redirects": func(a *dokploy.Application, _ *dokploy.Project) {
			a.Items["redirect"] = []dokploy.Row{{"regex": "^/a$", "replacement": "/b", "permanent": true}}
		},
		"deployments": func(a *dokploy.Application, _ *dokploy.Project) {
			a.Deployments = []*dokploy.Deployment{{DeploymentID: "D"}}
		},
		"port order and ids": func(a *dokploy.Application, _ *dokploy.Project) {
			ps := a.Items["port"]
			ps[0], ps[1] = ps[1], ps[0]
			ps[0]["portId"] = "p9"
		},
		// Columns the fingerprint never hashed.
		"a port's createdAt":       func(a *dokploy.Application, _ *dokploy.Project) { a.Items["port"][0]["createdAt"] = "2026-01-01" },
		"an unused project var":    func(_ *dokploy.Application, p *dokploy.Project) { p.Env = "SHARED=one\nOTHER=y" },
		"a mount's id (recreated)": func(a *dokploy.Application, _ *dokploy.Project) { a.Items["mount"][0]["mountId"] = "m2" },
		// the UI stores "" where the API leaves null, fresh rows read []
		"an empty dockerfile":  func(a *dokploy.Application, _ *dokploy.Project) { a.Dockerfile = s("") },
		"empty watchPaths":     func(a *dokploy.Application, _ *dokploy.Project) { a.WatchPaths = []string{} },
		"an empty registryUrl": func(a *dokploy.Application, _ *dokploy.Project) { a.RegistryURL = s("") },
		"env re-saved": func(a *dokploy.Application, _ *dokploy.Project) {
			a.Env = s("B=2\n# comment\nA=\"${{project.SHARED}}\"\n")
		},
		"the webhook's filters": func(a *dokploy.Application, _ *dokploy.Project) { a.TriggerType = s("tag") },
	}
	changed := map[string]func(a *dokploy.Application, p *dokploy.Project){
		"image":              func(a *dokploy.Application, _ *dokploy.Project) { a.DockerImage = s("nginx:2") },
		"env":                func(a *dokploy.Application, _ *dokploy.Project) { a.Env = s("A=${{project.SHARED}}\nB=3") },
		"a used project var": func(_ *dokploy.Application, p *dokploy.Project) { p.Env = "SHARED=two" },
		"a port":             func(a *dokploy.Application, _ *dokploy.Project) { a.Items["port"][1]["targetPort"] = 9.0 },
		"a port's protocol":  func(a *dokploy.Application, _ *dokploy.Project) { a.Items["port"][1]["protocol"] = "udp" },
		"a mount":            func(a *dokploy.Application, _ *dokploy.Project) { delete(a.Items, "mount") },
		"a mount's service type": func(a *dokploy.Application, _ *dokploy.Project) {
			a.Items["mount"][0]["serviceType"] = "application"
		},
		"replicas": func(a *dokploy.Application, _ *dokploy.Project) { n := 2; a.Replicas = &n },
	}
	for name, f := range same {
		a, p := base(), &dokploy.Project{Env: project.Env}
		f(a, p)
		if got := Fingerprint(a, p, env); got != fp {
			t.Errorf("%s: fingerprint changed (%s -> %s)", name, fp, got)
		}
	}
	for name, f := range changed {
		a, p := base(), &dokploy.Project{Env: project.Env}
		f(a, p)
		if got := Fingerprint(a, p, env); got == fp {
			t.Errorf("%s: fingerprint did not change", name)
		}
	}
}

// TestComputeOwedDeploys: owed deploys are part of the plan, its text, its
// JSON and --target, never for deploy: never, hands-off or new services.
func TestComputeOwedDeploys(t *testing.T) {
	live := strings.Replace(shopLive, `"title": "Manual deployment", "description": "", "status": "done"`, `"title": "Manual deployment", "description": "", "status": "error"`, 1)
	live = strings.Replace(live, `"applicationStatus": "done"}]`, `"applicationStatus": "idle"}]`, 1) // the postgres
	p := Compute(load(t, shopSpec, nil), liveJSON(t, live))
	want := []Deploy{
		{Address: "shop/production/postgres/db", Kind: "postgres", ID: "D1", Reason: ReasonDatabaseIdle},
		{Address: "shop/production/application/api", Kind: "application", ID: "A1", Reason: ReasonFailed},
	}
	if d := cmp.Diff(want, p.Deploys); d != "" {
		t.Fatalf("deploys (-want +got):\n%s", d)
	}
	if p.Empty() {
		t.Error("a plan that owes deploys is not empty")
	}
	var buf bytes.Buffer
	Render(&buf, p, RenderOptions{})
	for _, line := range []string{
		"  # shop/production/application/api will be deployed: its newest deployment failed\n",
		"Plan: 0 to add, 0 to change, 0 to destroy, 2 to deploy.\n",
	} {
		if !strings.Contains(buf.String(), line) {
			t.Errorf("the text plan lacks %q:\n%s", line, buf.String())
		}
	}
	j := p.JSON(RenderOptions{})
	if j.Summary.Deploy != 2 || len(j.Deploys) != 2 || j.Deploys[1].Reason != ReasonFailed {
		t.Errorf("JSON summary %+v, deploys %+v", j.Summary, j.Deploys)
	}

	tp := Compute(load(t, shopSpec, nil), liveJSON(t, live))
	if err := tp.Target([]string{"shop/production/application/api"}); err != nil {
		t.Fatal(err)
	}
	if len(tp.Deploys) != 1 || tp.Deploys[0].Address != "shop/production/application/api" {
		t.Errorf("--target keeps %+v", tp.Deploys)
	}

	never := strings.Replace(shopSpec, "dockerImage: postgres:16", "dockerImage: postgres:16\n            deploy: never", 1)
	never = strings.Replace(never, `env: {A: "1", B: two}`, `env: {A: "1", B: two}`+"\n            deploy: never", 1)
	if p := Compute(load(t, never, nil), liveJSON(t, live)); len(p.Deploys) != 0 {
		t.Errorf("deploy: never services owe no deploy, got %+v", p.Deploys)
	}
	if p := Compute(load(t, shopSpec, nil), liveJSON(t, `{}`)); len(p.Deploys) != 0 {
		t.Errorf("services being created owe no deploy (apply deploys them anyway), got %+v", p.Deploys)
	}
}
