package planner_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// The generated world of BenchmarkCompute5000: benchProjects projects of
// benchEnvs environments, each environment with benchApps applications
// (each with two domains and a volume mount) and benchDBs databases (half
// postgres, half redis): 10·5·(20·4 + 20) = 5,000 resources below the
// environments.
const (
	benchProjects = 10
	benchEnvs     = 5
	benchApps     = 20
	benchDBs      = 20
)

var benchEnvNames = []string{"production", "staging", "dev", "qa", "preview"}

// BenchmarkCompute5000 plans a spec of 5,000 resources (services and their
// children across projects and environments) against a generated live
// state, then renders the plan as text and as JSON, all to io.Discard:
// everything `dokploy-sync plan` does after reading the server. The target
// is under 100 ms per Compute (the compute-ns/op metric).
//
//   - half-live: every other service exists, with its children; a quarter
//     of those differ (image, an env value, a domain's port, a database
//     image), so the plan creates about half the resources and updates some.
//   - no-changes: everything exists and matches; the plan is empty.
//
// go test -run XXX -bench Compute5000 -benchtime 3x ./planner/
func BenchmarkCompute5000(b *testing.B) {
	f := benchSpec(b)
	for _, tc := range []struct {
		name string
		live *dokploy.Live
	}{
		{"half-live", benchLive(true)},
		{"no-changes", benchLive(false)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := planner.Compute(f, tc.live)
			checkBenchPlan(b, tc.name, p)
			b.ReportAllocs()
			var compute time.Duration
			for b.Loop() {
				start := time.Now()
				p = planner.Compute(f, tc.live)
				compute += time.Since(start)
				planner.Render(io.Discard, p, planner.RenderOptions{})
				if err := planner.RenderJSON(io.Discard, p, planner.RenderOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(compute.Nanoseconds())/float64(b.N), "compute-ns/op")
			b.ReportMetric(float64(len(p.Changes)), "changes")
		})
	}
}

// checkBenchPlan makes sure the benchmark plans what it claims to.
func checkBenchPlan(b *testing.B, name string, p *planner.Plan) {
	b.Helper()
	if len(p.Errors) > 0 || len(p.UnsetVars) > 0 {
		b.Fatalf("plan errors %q, unset variables %q", p.Errors, p.UnsetVars)
	}
	add, change, _ := p.Counts()
	switch name {
	case "no-changes":
		if !p.Empty() {
			var buf strings.Builder
			planner.Render(&buf, p, planner.RenderOptions{})
			b.Fatalf("the matching live state plans %d changes:\n%.3000s", len(p.Changes), buf.String())
		}
	case "half-live":
		// Half the services are created with their children (2,500); a
		// quarter of the other half are updated (their domain too).
		if add != 2500 || change == 0 {
			b.Fatalf("plan: %d to add, %d to change; want 2500 to add and some changes", add, change)
		}
	}
}

func benchSpec(b testing.TB) *spec.File {
	b.Helper()
	var y strings.Builder
	y.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n")
	for pi := range benchProjects {
		pn := fmt.Sprintf("proj%02d", pi)
		fmt.Fprintf(&y, "  %s:\n    description: Project %d\n    env: {LOG_LEVEL: info, REGION: eu-west}\n    environments:\n", pn, pi)
		for _, en := range benchEnvNames[:benchEnvs] {
			fmt.Fprintf(&y, "      %s:\n", en)
			if en != spec.DefaultEnvironment {
				fmt.Fprintf(&y, "        description: the %s environment\n", en)
			}
			fmt.Fprintf(&y, "        env: {TIER: %s}\n", en)
			y.WriteString("        postgres:\n")
			for i := 0; i < benchDBs; i += 2 {
				fmt.Fprintf(&y, "          pg%02d: {dockerImage: \"postgres:16\", databaseName: app, databaseUser: app, databasePassword: pw%d}\n", i, i)
			}
			y.WriteString("        redis:\n")
			for i := 1; i < benchDBs; i += 2 {
				fmt.Fprintf(&y, "          rd%02d: {dockerImage: \"redis:7\", databasePassword: pw%d}\n", i, i)
			}
			y.WriteString("        applications:\n")
			for i := range benchApps {
				host := fmt.Sprintf("app%02d-%s.%s.example.com", i, en, pn)
				fmt.Fprintf(&y, `          app%02d:
            source: {docker: {image: "ghcr.io/acme/app%02d:1.0.0"}}
            replicas: 2
            resources: {memoryLimit: 512Mi, cpuLimit: 0.5}
            env:
              PORT: "8080"
              LOG: info
              DATABASE_URL: "postgresql://app:pw@${ref:postgres/pg00.appName}:5432/app"
              MULTI: "line one\nline two # not a comment"
            domains:
              - {host: %s, port: 8080, https: true, certificateType: letsencrypt}
              - {host: %s, path: /api, port: 8081}
            mounts:
              - {type: volume, mountPath: /data, volumeName: %s-%s-app%02d-data}
`, i, i, host, host, pn, en, i)
			}
		}
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(y.String()), b.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		b.Fatalf("benchmark spec:\n%s", diags)
	}
	return f
}

// benchLive is the live state of benchSpec: all of it and equal, or (half)
// every other service, a quarter of them with other values.
func benchLive(half bool) *dokploy.Live {
	s := func(v string) *string { return &v }
	i := func(v int) *int { return &v }
	env := func(m map[string]string) *string {
		text, err := dokploy.FormatEnv(m)
		if err != nil {
			panic(err)
		}
		return &text
	}
	// exists and differs say, for the n-th service, whether it is live and
	// whether it has other values.
	exists := func(n int) bool { return !half || n%2 == 0 }
	differs := func(n int) bool { return half && n%8 == 0 }
	live := &dokploy.Live{Version: "v0.30.2", Role: "owner", Projects: map[string][]*dokploy.Project{}}
	id := 0
	newID := func(prefix string) string { id++; return fmt.Sprintf("%s%07d", prefix, id) }
	for pi := range benchProjects {
		pn := fmt.Sprintf("proj%02d", pi)
		p := &dokploy.Project{ProjectID: newID("P"), Name: pn, Description: s(fmt.Sprintf("Project %d", pi)),
			Env: *env(map[string]string{"LOG_LEVEL": "info", "REGION": "eu-west"})}
		for _, en := range benchEnvNames[:benchEnvs] {
			e := &dokploy.Environment{EnvironmentID: newID("E"), Name: en, Env: *env(map[string]string{"TIER": en})}
			if en == spec.DefaultEnvironment {
				e.IsDefault, e.Description = true, s("Production environment")
			} else {
				e.Description = s("the " + en + " environment")
			}
			pgAppName := pn + "-pg00-x7k2p9"
			for n := range benchDBs {
				if !exists(n) {
					continue
				}
				d := &dokploy.Database{ID: newID("D"), ApplicationStatus: "done", DatabasePassword: s(fmt.Sprintf("pw%d", n))}
				if n%2 == 0 {
					d.Kind, d.Name, d.AppName = "postgres", fmt.Sprintf("pg%02d", n), fmt.Sprintf("%s-pg%02d-x7k2p9", pn, n)
					d.DockerImage, d.DatabaseName, d.DatabaseUser = s("postgres:16"), s("app"), s("app")
				} else {
					d.Kind, d.Name, d.AppName = "redis", fmt.Sprintf("rd%02d", n), fmt.Sprintf("%s-rd%02d-x7k2p9", pn, n)
					d.DockerImage = s("redis:7")
				}
				if differs(n + 2) {
					d.DockerImage = s(*d.DockerImage + "-old")
				}
				// Its data volume: left out on read (kinds.Mount's Hidden).
				d.Items = dokploy.Items{"mount": {}}
				e.Databases = append(e.Databases, d)
			}
			for n := range benchApps {
				if !exists(n) {
					continue
				}
				host := fmt.Sprintf("app%02d-%s.%s.example.com", n, en, pn)
				image, log, port := fmt.Sprintf("ghcr.io/acme/app%02d:1.0.0", n), "info", 8080
				if differs(n) {
					image, log, port = fmt.Sprintf("ghcr.io/acme/app%02d:0.9.0", n), "debug", 80
				}
				e.Applications = append(e.Applications, &dokploy.Application{
					ApplicationID: newID("A"), Name: fmt.Sprintf("app%02d", n), AppName: fmt.Sprintf("%s-app%02d-x7k2p9", pn, n),
					ApplicationStatus: "done", SourceType: "docker", DockerImage: s(image),
					Replicas: i(2), MemoryLimit: s("536870912"), CPULimit: s("500000000"),
					Env: env(map[string]string{"PORT": "8080", "LOG": log, "MULTI": "line one\nline two # not a comment",
						"DATABASE_URL": "postgresql://app:pw@" + pgAppName + ":5432/app"}),
					Items: dokploy.Items{
						"domain": {
							{"domainId": newID("DM"), "host": host, "path": "/", "port": float64(port), "https": true, "certificateType": "letsencrypt"},
							{"domainId": newID("DM"), "host": host, "path": "/api", "port": 8081.0, "https": false, "certificateType": "none"},
						},
						"mount": {{"mountId": newID("M"), "type": "volume", "mountPath": "/data", "volumeName": fmt.Sprintf("%s-%s-app%02d-data", pn, en, n)}},
					},
				})
			}
			p.Environments = append(p.Environments, e)
		}
		live.Projects[pn] = []*dokploy.Project{p}
	}
	stampDeployed(live)
	return live
}

// countingWriter discards what it is given and counts the bytes.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkRenderJSON5000 renders the half-live plan of
// BenchmarkCompute5000 (2,500 creations and some updates) as JSON, the
// output of `plan --json`. alloc-B/out-B is the bytes allocated per byte
// written: a streamed rendering keeps it well below 1.
//
// go test -run XXX -bench RenderJSON5000 ./planner/
func BenchmarkRenderJSON5000(b *testing.B) {
	p := planner.Compute(benchSpec(b), benchLive(true))
	checkBenchPlan(b, "half-live", p)
	var out countingWriter
	if err := planner.RenderJSON(&out, p, planner.RenderOptions{}); err != nil {
		b.Fatal(err)
	}
	size := out.n
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		out.n = 0
		if err := planner.RenderJSON(&out, p, planner.RenderOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(int64(b.N)*size), "alloc-B/out-B")
	b.ReportMetric(float64(size), "out-B")
}

// The streamed JSON of the 5,000-resource plan is the whole encoding of
// its JSONPlan, byte for byte (several chunks of output).
func TestRenderJSON5000IsTheWholeEncoding(t *testing.T) {
	p := planner.Compute(benchSpec(t), benchLive(true))
	for _, opt := range []planner.RenderOptions{{}, {ShowValues: true}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p.JSON(opt)); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := planner.RenderJSON(&got, p, opt); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("ShowValues %v: RenderJSON wrote %d bytes, not the %d of the whole encoding", opt.ShowValues, got.Len(), want.Len())
		}
	}
}

// BenchmarkComputeOneEnvironment plans n applications of one environment,
// all live with the image the spec gives and deployed by dokploy-sync
// (each settings fingerprint is computed, and matches): matching the spec's services to
// the live ones must cost about n, not n² (it was a scan of the live
// services per name).
//
//	go test -run XXX -bench ComputeOneEnvironment ./planner/
func BenchmarkComputeOneEnvironment(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var y strings.Builder
			y.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    environments:\n      production:\n        applications:\n")
			env := &dokploy.Environment{EnvironmentID: "E1", Name: "production", IsDefault: true}
			for i := range n {
				image := fmt.Sprintf("ghcr.io/acme/app:1.%d.0", i)
				fmt.Fprintf(&y, "          app%05d: {source: {docker: {image: %q}}}\n", i, image)
				env.Applications = append(env.Applications, &dokploy.Application{ApplicationID: fmt.Sprint("A", i),
					Name: fmt.Sprintf("app%05d", i), AppName: fmt.Sprintf("shop-app%05d-x1", i), SourceType: "docker", DockerImage: &image,
					ApplicationStatus: "done"})
			}
			f, diags := spec.LoadBytes("dokploy.yaml", []byte(y.String()), b.TempDir(), spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
			if diags.HasErrors() {
				b.Fatal(diags)
			}
			live := &dokploy.Live{Version: "v0.30.2", Role: "owner", Projects: map[string][]*dokploy.Project{
				"shop": {{ProjectID: "P1", Name: "shop", Environments: []*dokploy.Environment{env}}}}}
			stampDeployed(live)
			if p := planner.Compute(f, live); len(p.Errors) > 0 || len(p.Unmanaged) > 0 || len(p.Deploys) > 0 {
				b.Fatalf("errors %q, %d unmanaged, %d deploys owed", p.Errors, len(p.Unmanaged), len(p.Deploys))
			}
			b.ReportAllocs()
			for b.Loop() {
				planner.Compute(f, live)
			}
		})
	}
}

// stampDeployed gives every live application a done deployment stamped by
// dokploy-sync with its current settings fingerprint, as an apply leaves
// them: no deploy is owed.
func stampDeployed(live *dokploy.Live) {
	fps := planner.Fingerprints(live)
	for _, s := range planner.LiveServices(live) {
		if a, ok := s.Service.(*dokploy.Application); ok {
			desc := planner.StampDescription(s.Address, fps[s.Address])
			a.Deployments = []*dokploy.Deployment{{DeploymentID: "D" + a.ApplicationID, Title: planner.StampTitle, Description: &desc,
				Status: "done", CreatedAt: "2026-12-01T10:00:00.000Z"}}
		}
	}
}
