package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bigSpec returns a valid spec with n services spread over 10 projects of
// 3 environments each: applications (with resources and a 5-key env that
// uses ${VAR}s and a Dokploy reference) and every database kind in turn.
func bigSpec(n int) []byte {
	const projects, envs = 10, 3
	var b strings.Builder
	b.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n")
	services := 0
	for p := 0; p < projects; p++ {
		fmt.Fprintf(&b, "  project-%d:\n    description: Project %d\n    env:\n      REGION: eu-%d\n    environments:\n", p, p, p)
		for e := 0; e < envs; e++ {
			fmt.Fprintf(&b, "      env-%d:\n        env: {LOG_LEVEL: info}\n", e)
			// This environment's share of the services, the remainder to the last.
			share := n / (projects * envs)
			if p == projects-1 && e == envs-1 {
				share = n - services
			}
			var apps, dbs [7]strings.Builder // applications, then the 6 database kinds
			for i := 0; i < share; i++ {
				s := services + i
				if k := s % 10; k < 4 { // 40 % applications
					fmt.Fprintf(&apps[0], `          app-%d:
            source: {docker: {image: "ghcr.io/acme/app-%d:${TAG}"}}
            replicas: %d
            command: node server.js --port 80%02d
            resources: {memoryLimit: 512Mi, memoryReservation: 256Mi, cpuLimit: 0.5, cpuReservation: 250m}
            env:
              PORT: 80%02d
              LOG_LEVEL: ${{environment.LOG_LEVEL}}
              DATABASE_URL: postgresql://app:${DB_PASSWORD}@db-%d:5432/app
              FEATURE_FLAGS: "a,b,c"
              REGION: ${{project.REGION}}
`, s, s, 1+s%3, s%100, s%100, s)
				} else { // 10 % of each database kind
					kind := DatabaseKinds[(k-4)%len(DatabaseKinds)]
					w := &dbs[(k-4)%len(DatabaseKinds)]
					fmt.Fprintf(w, "          db-%d:\n            dockerImage: %s\n            databasePassword: ${DB_PASSWORD}\n            env: {TZ: UTC}\n", s, map[string]string{
						"postgres": "postgres:16", "mysql": "mysql:8", "mariadb": "mariadb:11",
						"mongo": "mongo:7", "redis": "redis:7", "libsql": "ghcr.io/tursodatabase/libsql-server:v0.24.32",
					}[kind])
					if kind != "redis" {
						fmt.Fprintf(w, "            databaseUser: u%d\n", s)
					}
					if kind == "postgres" || kind == "mysql" || kind == "mariadb" {
						fmt.Fprintf(w, "            databaseName: d%d\n", s)
					}
					if kind == "libsql" {
						fmt.Fprintf(w, "            sqldNode: primary\n            externalPort: %d\n", 20000+s)
					}
				}
			}
			if apps[0].Len() > 0 {
				b.WriteString("        applications:\n" + apps[0].String())
			}
			for i, kind := range DatabaseKinds {
				if dbs[i].Len() > 0 {
					b.WriteString("        " + kind + ":\n" + dbs[i].String())
				}
			}
			services += share
		}
	}
	return []byte(b.String())
}

// countServices counts the applications and databases of a loaded spec.
func countServices(f *File) int {
	n := 0
	for _, p := range f.Projects {
		for _, e := range p.Environments {
			n += len(e.Applications) + len(e.Databases())
		}
	}
	return n
}

func TestBigSpecIsValid(t *testing.T) {
	f, ds := LoadBytes("dokploy.yaml", bigSpec(1000), t.TempDir(), testOptions())
	if len(ds) != 0 {
		t.Fatalf("the benchmark spec has diagnostics:\n%s", ds)
	}
	if got := countServices(f); got != 1000 {
		t.Fatalf("%d services, want 1000", got)
	}
}

// BenchmarkValidate1000 loads (parse, decode, interpolate, validate) a spec
// of 1,000 services, about what one validate run costs on a large setup.
func BenchmarkValidate1000(b *testing.B) {
	src := bigSpec(1000)
	dir := b.TempDir()
	opts := testOptions()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := LoadBytes("dokploy.yaml", src, dir, opts); len(ds) != 0 {
			b.Fatalf("diagnostics:\n%s", ds)
		}
	}
}

// flatEnvSpec returns a spec with one application whose env has n keys.
func flatEnvSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n  shop:\n    environments:\n      production:\n        applications:\n          api:\n            source: {docker: {image: nginx:1.27}}\n            env:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "              KEY_%d: value-%d\n", i, i)
	}
	return []byte(b.String())
}

// BenchmarkLoadFlatEnv is the load of an env map of many keys (one
// application): it must grow linearly.
func BenchmarkLoadFlatEnv(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		src := flatEnvSpec(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, diags := LoadBytes("dokploy.yaml", src, b.TempDir(), Options{LookupEnv: func(string) (string, bool) { return "", false }})
				if diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}

// BenchmarkLoad loads specs of 1,000 and 5,000 services (bigSpec) and
// reports the allocations per service: they must not grow with the size.
//
// go test -run XXX -bench Load/ -benchmem ./spec
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		src := bigSpec(n)
		dir := b.TempDir()
		opts := testOptions()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				if _, ds := LoadBytes("dokploy.yaml", src, dir, opts); len(ds) != 0 {
					b.Fatalf("diagnostics:\n%s", ds)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*n), "allocs/service")
		})
	}
}

// splitSpec writes the spec src (bigSpec) as a directory of files, one per
// project, each with its own apiVersion: a spec split as a team splits it.
func splitSpec(tb testing.TB, src []byte) string {
	tb.Helper()
	dir := tb.TempDir()
	const head = "apiVersion: dokploy-sync/v1\nprojects:\n"
	parts := strings.Split(strings.TrimPrefix(string(src), head), "\n  project-")
	for i, p := range parts {
		if i > 0 {
			p = "  project-" + p
		}
		name := "dokploy.yaml"
		if i > 0 {
			name = fmt.Sprintf("dokploy.p%02d.yaml", i)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(head+p+"\n"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// The split spec is the spec.
func TestSplitBigSpec(t *testing.T) {
	f, ds := Load(splitSpec(t, bigSpec(1000)), testOptions())
	if len(ds) != 0 {
		t.Fatalf("the split benchmark spec has diagnostics:\n%s", ds)
	}
	if got := countServices(f); got != 1000 {
		t.Fatalf("%d services, want 1000", got)
	}
	if got := len(f.Projects); got != 10 {
		t.Fatalf("%d projects, want 10", got)
	}
}

// BenchmarkLoadDir is BenchmarkLoad for the spec split into one file per
// project (a directory spec, merged before it is decoded).
func BenchmarkLoadDir(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		dir := splitSpec(b, bigSpec(n))
		opts := testOptions()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				if _, ds := Load(dir, opts); len(ds) != 0 {
					b.Fatalf("diagnostics:\n%s", ds)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*n), "allocs/service")
		})
	}
}
