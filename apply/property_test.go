package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/apply"
	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// TestApplyConvergesUnderFaults is a property test of the whole loop a user
// runs: for random specs, random pre-existing live state and random faults
// of the server and the network, repeating Observe → Compute → Apply
// converges to an empty plan, never touches a project the spec does not
// declare, never panics, and never retries a mutation within one apply.
// Everything is seeded: a failure names its seed, and
//
//	go test ./apply/ -run 'TestPropertyApplyConvergesUnderFaults/seed=17$' -v
//
// replays it.
func TestPropertyApplyConvergesUnderFaults(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 8
	}
	// A longer hunt: DOKPLOY_SYNC_PROPERTY_SEEDS=2000 go test ./apply/ -run Property
	if n, err := strconv.Atoi(os.Getenv("DOKPLOY_SYNC_PROPERTY_SEEDS")); err == nil && n > 0 {
		seeds = n
	}
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			checkConvergence(t, uint64(seed), nil)
		})
	}
}

// propRuns is how many Observe → Compute → Apply rounds a seed gets; the
// last propClean of them run without faults.
const (
	propRuns  = 8
	propClean = 2
)

// checkConvergence runs the property for one seed. wrap, when not nil,
// wraps the client given to Apply (to check that the property catches a
// misbehaving apply).
func checkConvergence(t *testing.T, seed uint64, wrap func(apply.Doer) apply.Doer) {
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
	w := genWorld(rng)
	specText := w.yaml()
	dir := t.TempDir()
	for name, content := range w.files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(specText), dir, spec.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatalf("seed %d: the generated spec is invalid (a bug of the generator):\n%s\n%s", seed, diags, specText)
	}

	fake := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k", Seed: int64(seed)})
	seedLive(t, rng, fake, w)
	outside := snapshotOutside(t, fake, w)
	if len(outside.projects) == 0 || len(outside.ids) == 0 {
		t.Fatal("no undeclared project was seeded")
	}
	// Mostly tRPC batches; some seeds use REST, one request per call.
	api := dokploy.APITRPC
	if rng.IntN(4) == 0 {
		api = dokploy.APIREST
	}

	c, err := dokploy.New(dokploy.Options{
		BaseURL: fake.URL(), APIKey: "k", API: api, Timeout: 20 * time.Second, LostAnswerHold: 10 * time.Millisecond,
		Parallelism: 1, // one request at a time: the fake draws faults and ids in the same order on every run
		Sleep:       func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	faults := randomFaults(rng)
	fake.ResetRequests()
	fake.SetFaults(faults...)

	names := spec.SortedKeys(f.Projects)
	var history strings.Builder
	fmt.Fprintf(&history, "api: %s; faults: %+v\n", api, faults)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d: %s\n--- history:\n%s--- spec:\n%s", seed, fmt.Sprintf(format, args...), history.String(), specText)
	}
	var last *planner.Plan
	converged := false
	lastApplyOK := false
	for run := 0; run <= propRuns; run++ {
		if run == propRuns-propClean {
			fake.SetFaults()
		}
		live, err := c.Observe(context.Background(), names)
		if err != nil {
			fmt.Fprintf(&history, "run %d: observe: %v\n", run, err)
			if run >= propRuns-propClean {
				fail("observe failed without faults: %v", err)
			}
			lastApplyOK = false
			continue
		}
		p := planner.Compute(f, live)
		last = p
		if len(p.Errors) > 0 {
			fail("run %d: the plan has errors: %q", run, p.Errors)
		}
		if p.Empty() {
			converged = true
			fmt.Fprintf(&history, "run %d: no changes\n", run)
			faulted := 0
			for _, rq := range fake.Requests() {
				if rq.Fault != "" {
					faulted++
				}
			}
			t.Logf("seed %d (%s): converged after %d applies; %d requests, %d with a fault injected", seed, api, run, len(fake.Requests()), faulted)
			break
		}
		if lastApplyOK {
			fail("run %d: the previous apply reported success but the plan still has changes:\n%s", run, render(p))
		}
		if run == propRuns {
			break
		}
		add, change, destroy := p.Counts()
		if destroy > 0 {
			fail("run %d: a plan without --prune deletes %d resources:\n%s", run, destroy, render(p))
		}
		from := len(fake.Requests())
		var log bytes.Buffer
		var d apply.Doer = c
		if wrap != nil {
			d = wrap(c)
		}
		// Some faulty runs are interrupted (a Ctrl-C) at a random point:
		// the creates, the writes, the deploy trigger, the polling or the
		// check re-read.
		ctx, cancel := context.WithCancel(context.Background())
		if run < propRuns-propClean && rng.IntN(3) == 0 {
			d = &interrupter{Doer: d, left: rng.IntN(8), cancel: cancel}
		}
		res := applyNoPanic(t, seed, run, ctx, d, p, &log)
		err = res.Err()
		derr := deployAfter(ctx, t, c, d, f, p, res, live, &log)
		lastApplyOK = err == nil && derr == nil && ctx.Err() == nil
		cancel()
		fmt.Fprintf(&history, "run %d: plan +%d ~%d, %d owed deploys; apply: %v; deploy: %v\n%s", run, add, change, len(p.Deploys), err, derr, indent(log.String()))
		if dup := repeatedMutations(fake.Requests()[from:]); len(dup) > 0 {
			fail("run %d: one apply sent the same mutation twice (a retry after an uncertain outcome?): %s", run, strings.Join(dup, "; "))
		}
		if run >= propRuns-propClean && !lastApplyOK {
			fail("run %d: apply or its deploys failed without faults: %v, %v", run, err, derr)
		}
	}
	if !converged {
		if last == nil {
			fail("never planned")
		}
		fail("no empty plan after %d runs; the last plan:\n%s", propRuns, render(last))
	}

	// Every declared application and compose service runs its final
	// settings (the fake's record of what its newest deployment deployed,
	// not the tool's stamp), and every declared database was deployed.
	fake.SetFaults()
	live, err := c.Observe(context.Background(), names)
	if err != nil {
		fail("observe: %v", err)
	}
	for _, ls := range planner.LiveServices(live) {
		if !w.declares(ls.Address) {
			continue
		}
		switch svc := ls.Service.(type) {
		case *dokploy.Application:
			checkDeployed(fail, fake, ls.Address, "application", svc.ApplicationID)
		case *dokploy.Compose:
			checkDeployed(fail, fake, ls.Address, "compose", svc.ComposeID)
		case *dokploy.Database:
			if svc.ApplicationStatus != "done" {
				fail("%s: status %s after convergence, want done", ls.Address, svc.ApplicationStatus)
			}
		}
	}

	// Nothing outside the declared projects was touched.
	after := snapshotOutside(t, fake, w)
	for name, before := range outside.projects {
		if got := after.projects[name]; got != before {
			fail("the undeclared project %s changed:\nbefore: %s\nafter:  %s", name, before, got)
		}
	}
	for addr, before := range outside.unmanaged {
		if got := after.unmanaged[addr]; got != before {
			fail("the unmanaged service %s changed:\nbefore: %s\nafter:  %s", addr, before, got)
		}
	}
	if !slices.Equal(after.names, expectedNames(w, outside)) {
		fail("projects after apply: %q, want the undeclared ones and one of each declared: %q", after.names, expectedNames(w, outside))
	}
	for _, rq := range fake.Requests() {
		if rq.Method != "POST" {
			continue
		}
		for _, call := range requestCalls(rq) {
			for id := range outside.ids {
				if strings.Contains(call.input, `"`+id+`"`) {
					fail("%s was sent with the id %s of a resource outside the declared projects", call.proc, id)
				}
			}
		}
	}
}

// applyNoPanic runs Apply, turning a panic into a test failure with the seed.
func applyNoPanic(t *testing.T, seed uint64, run int, ctx context.Context, c apply.Doer, p *planner.Plan, log *bytes.Buffer) (res *apply.Result) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("seed %d, run %d: apply panicked: %v\nplan:\n%s", seed, run, r, render(p))
		}
	}()
	return apply.Apply(ctx, c, p, apply.Options{Log: log})
}

// deployAfter does what the CLI does after Apply: read the live state
// again (the check of a successful apply, the stamps of a failed one),
// then deploy what the apply and the plan owe, stamped from that state (or
// from the state before the apply when the read fails), on a fake clock.
func deployAfter(ctx context.Context, t *testing.T, c *dokploy.Client, d apply.Doer, f *spec.File, p *planner.Plan, res *apply.Result, before *dokploy.Live, log *bytes.Buffer) error {
	t.Helper()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	done := *p
	done.Changes = res.Written(p)
	targets := apply.DeployTargets(f, &done, res.IDs)
	live, err := c.Observe(ctx, spec.SortedKeys(f.Projects))
	if err != nil {
		live = before
	}
	if res.Err() == nil && err == nil {
		after := planner.Compute(f, live)
		want := map[string]bool{}
		for _, tg := range targets {
			want[tg.Address] = true
		}
		for _, dp := range after.Deploys {
			if !want[dp.Address] {
				t.Errorf("after a successful apply %s is owed a deploy (%s) that is not among its targets", dp.Address, dp.Reason)
			}
		}
	}
	apply.Stamp(targets, live)
	var now time.Time
	r := apply.Deploy(ctx, d, targets, apply.DeployOptions{Wait: true, Log: log,
		Now:   func() time.Time { return now },
		Sleep: func(ctx context.Context, dt time.Duration) error { now = now.Add(dt); return ctx.Err() }})
	return r.Err()
}

// interrupter cancels the context after left round trips, as a Ctrl-C
// would.
type interrupter struct {
	apply.Doer
	left   int
	cancel func()
}

func (i *interrupter) Do(ctx context.Context, calls ...*dokploy.Call) error {
	if i.left == 0 {
		i.cancel()
	}
	i.left--
	return i.Doer.Do(ctx, calls...)
}

func render(p *planner.Plan) string {
	var b bytes.Buffer
	planner.Render(&b, p, planner.RenderOptions{ShowValues: true})
	return b.String()
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n    ") + "\n"
}

// randomFaults draws the faults of a seed: 5xx and 429 answers (nothing
// run), dropped connections (nothing run), mutations run whose answer is
// lost, and batches with some calls failed (not run), at a seeded rate.
// The fake draws whether each request gets one from its own seeded
// generator.
func randomFaults(rng *rand.Rand) []dokploytest.Fault {
	rate := 0.04 + rng.Float64()*0.16
	statuses := []int{500, 502, 503, 504, 429}
	var items []int
	for i := range 4 {
		if rng.IntN(3) == 0 {
			items = append(items, i)
		}
	}
	if len(items) == 0 {
		items = []int{rng.IntN(3)}
	}
	return []dokploytest.Fault{
		{Kind: dokploytest.FaultLoseAnswer, Method: "POST", Rate: rate},
		{Kind: dokploytest.FaultFailItems, Method: "POST", Items: items, Status: []int{500, 409, 429}[rng.IntN(3)], Rate: rate},
		{Kind: dokploytest.FaultStatus, Status: statuses[rng.IntN(len(statuses))], Rate: rate},
		{Kind: dokploytest.FaultReset, Rate: rate / 2},
	}
}

// ---- the request log ----

type loggedCall struct{ proc, input string }

// requestCalls splits a logged request into its calls, each input in a
// canonical JSON form (keys sorted).
func requestCalls(rq dokploytest.Request) []loggedCall {
	canon := func(raw json.RawMessage) string {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return string(raw)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	// Procs is empty for a request refused before it was read (an
	// injected fault): the path names the procedures.
	name, trpc := strings.CutPrefix(rq.Path, "/api/trpc/")
	if !trpc {
		return []loggedCall{{strings.TrimPrefix(rq.Path, "/api/"), canon(rq.Body)}}
	}
	procs := strings.Split(name, ",")
	type wrapped struct {
		JSON json.RawMessage `json:"json"`
	}
	if !strings.Contains(rq.RawQuery, "batch=1") {
		var w wrapped
		json.Unmarshal(rq.Body, &w) //nolint:errcheck // a bad body compares as empty
		return []loggedCall{{name, canon(w.JSON)}}
	}
	var batch map[string]wrapped
	json.Unmarshal(rq.Body, &batch) //nolint:errcheck
	var out []loggedCall
	for i, proc := range procs {
		out = append(out, loggedCall{proc, canon(batch[fmt.Sprint(i)].JSON)})
	}
	return out
}

// repeatedMutations lists the mutations sent twice with the same input
// among reqs (one apply's requests). Apply never resends a mutation: after
// an uncertain outcome it is the next plan's job.
func repeatedMutations(reqs []dokploytest.Request) []string {
	seen := map[loggedCall]int{}
	var out []string
	for _, rq := range reqs {
		if rq.Method != "POST" {
			continue
		}
		for _, c := range requestCalls(rq) {
			seen[c]++
			if seen[c] == 2 {
				out = append(out, fmt.Sprintf("%s %s", c.proc, c.input))
			}
		}
	}
	return out
}

// ---- the generated world ----

// world is a generated spec, with what seedLive needs to know about it.
type world struct {
	files    map[string]string // env files next to the spec
	projects []*genProject
	others   []string // undeclared projects seeded live
}

type genProject struct {
	name string
	doc  omap
	envs []*genEnv
}

type genEnv struct {
	name string
	apps []*genApp
	dbs  []genDB
}

type genApp struct {
	name, host string // host: the first domain's, or ""
}

type genDB struct{ kind, name string }

var envValues = []string{
	"plain", "with spaces inside", "multi\nline\nvalue", "has # a hash", "#starts-with-hash", "a=b=c",
	"it's", `say "hi"`, "", " padded ", "https://example.com/?q=1#frag", "line1\n# not a comment\nline3",
	"${{project.SHARED}}", "$${LITERAL}", "tab\there", "ünïcödé",
}

func genEnvMap(rng *rand.Rand, prefix string, max int) omap {
	var m omap
	n := rng.IntN(max + 1)
	for i := range n {
		m = append(m, kv{fmt.Sprintf("%s_%d", prefix, i), envValues[rng.IntN(len(envValues))]})
	}
	return m
}

var dbKinds = []string{"postgres", "mysql", "mariadb", "mongo", "redis", "libsql"}

var dbImages = map[string][]string{
	"postgres": {"postgres:16", "postgres:17"},
	"mysql":    {"mysql:8", "mysql:8.4"},
	"mariadb":  {"mariadb:11", "mariadb:10.11"},
	"mongo":    {"mongo:7", "mongo:8"},
	"redis":    {"redis:7", "redis:8"},
	"libsql":   {"ghcr.io/tursodatabase/libsql-server:v0.24.32"},
}

func genWorld(rng *rand.Rand) *world {
	w := &world{files: map[string]string{}}
	port := 20000 + rng.IntN(1000)*10
	nextPort := func() int { port++; return port }
	pick := func(list ...string) string { return list[rng.IntN(len(list))] }
	for pi := range 1 + rng.IntN(3) {
		gp := &genProject{name: fmt.Sprintf("prop%d", pi)}
		w.projects = append(w.projects, gp)
		if rng.IntN(2) == 0 {
			gp.doc = append(gp.doc, kv{"description", pick("Project one", "multi\nline description", "")})
		}
		if rng.IntN(2) == 0 {
			gp.doc = append(gp.doc, kv{"env", append(omap{{"SHARED", "yes"}}, genEnvMap(rng, "P", 3)...)})
		}
		envNames := []string{"production"}
		for _, n := range []string{"staging", "dev"} {
			if rng.IntN(3) == 0 {
				envNames = append(envNames, n)
			}
		}
		var envs omap
		for _, en := range envNames {
			ge := &genEnv{name: en}
			gp.envs = append(gp.envs, ge)
			var ed omap
			if en != "production" && rng.IntN(2) == 0 {
				ed = append(ed, kv{"description", pick("Staging", "", "for tests # not a comment")})
			}
			if rng.IntN(2) == 0 {
				ed = append(ed, kv{"env", genEnvMap(rng, "E", 3)})
			}
			// databases
			var pgName string
			byKind := map[string]omap{}
			for di := range rng.IntN(4) {
				kind := dbKinds[rng.IntN(len(dbKinds))]
				name := fmt.Sprintf("db%d", di)
				ge.dbs = append(ge.dbs, genDB{kind, name})
				d := omap{{"dockerImage", pick(dbImages[kind]...)}}
				pw := fmt.Sprintf("pw%dX%d", rng.IntN(1000), di)
				switch kind {
				case "postgres", "mysql", "mariadb":
					d = append(d, kv{"databaseName", "data"}, kv{"databaseUser", "user" + fmt.Sprint(di)}, kv{"databasePassword", pw})
					if kind != "postgres" && rng.IntN(2) == 0 {
						d = append(d, kv{"databaseRootPassword", "root" + pw})
					}
					if kind == "postgres" {
						pgName = name
					}
				case "mongo":
					d = append(d, kv{"databaseUser", "user"}, kv{"databasePassword", pw})
					if rng.IntN(3) == 0 {
						d = append(d, kv{"replicaSets", rng.IntN(2) == 0})
					}
				case "redis":
					d = append(d, kv{"databasePassword", pw})
				case "libsql":
					d = append(d, kv{"databaseUser", "user"}, kv{"databasePassword", pw})
				}
				if rng.IntN(2) == 0 {
					d = append(d, kv{"env", genEnvMap(rng, "D", 2)})
				}
				if rng.IntN(3) == 0 {
					d = append(d, kv{"externalPort", nextPort()})
				}
				if rng.IntN(4) == 0 {
					d = append(d, kv{"description", pick("the data", "")})
				}
				byKind[kind] = append(byKind[kind], kv{name, d})
			}
			for _, kind := range dbKinds {
				if len(byKind[kind]) > 0 {
					ed = append(ed, kv{kind, byKind[kind]})
				}
			}
			// applications
			var apps omap
			for ai := range rng.IntN(5) {
				ga := &genApp{name: fmt.Sprintf("app%d", ai)}
				ge.apps = append(ge.apps, ga)
				a := omap{{"source", omap{{"docker", omap{{"image", pick("nginx:1.27", "nginx:1.28", "ghcr.io/acme/api:1.4.2", "busybox:1")}}}}}}
				if rng.IntN(2) == 0 {
					a = append(a, kv{"replicas", 1 + rng.IntN(3)})
				}
				if rng.IntN(4) == 0 {
					a = append(a, kv{"appName", fmt.Sprintf("custom-%s-%s", en, ga.name)})
				}
				if rng.IntN(4) == 0 {
					a = append(a, kv{"description", pick3[any](rng, "the app", nil, "")}) // nil: an explicit null
				}
				if rng.IntN(4) == 0 {
					file := fmt.Sprintf("env/%s-%s-%s.env", gp.name, en, ga.name)
					w.files[file] = "# written by hand\nexport FROM_FILE=1\nQUOTED=\"two\\nlines\"\nSINGLE='x # y'\nA_0=from-file\n"
					a = append(a, kv{"envFile", file})
				}
				if rng.IntN(3) == 0 {
					a = append(a, kv{"command", pick("node server.js", "sleep 1000", "sh -c 'echo # hi'")})
				}
				if rng.IntN(3) == 0 {
					a = append(a, kv{"resources", pick3(rng,
						omap{{"memoryLimit", "512Mi"}, {"cpuLimit", 0.5}},
						omap{{"memoryLimit", "1Gi"}, {"memoryReservation", "256Mi"}},
						omap{{"cpuLimit", "250m"}, {"cpuReservation", "100m"}})})
				}
				if rng.IntN(4) != 0 {
					env := genEnvMap(rng, "A", 4)
					if env == nil {
						env = omap{} // env: {} owns the env: it clears it
					}
					if pgName != "" && rng.IntN(2) == 0 {
						env = append(env, kv{"DB_HOST", "${ref:postgres/" + pgName + ".appName}"})
					}
					a = append(a, kv{"env", env})
				}
				if rng.IntN(2) == 0 {
					var domains []any
					for i := range 1 + rng.IntN(2) {
						host := fmt.Sprintf("%s-%d.%s.%s.example.com", ga.name, i, en, gp.name)
						if i == 0 {
							ga.host = host
						}
						d := omap{{"host", host}, {"port", pick3(rng, 80, 3000, 8080)}}
						if rng.IntN(2) == 0 {
							d = append(d, kv{"https", true}, kv{"certificateType", "letsencrypt"})
						}
						if i == 1 {
							d = append(d, kv{"path", "/api"})
						}
						domains = append(domains, d)
					}
					a = append(a, kv{"domains", domains})
				}
				if rng.IntN(4) == 0 {
					p := nextPort()
					a = append(a, kv{"ports", []any{omap{{"publishedPort", p}, {"targetPort", 8080}}}})
				}
				if rng.IntN(4) == 0 {
					mounts := []any{omap{{"type", "volume"}, {"mountPath", "/data"}, {"volumeName", fmt.Sprintf("%s-%s-%s-data", gp.name, en, ga.name)}}}
					if rng.IntN(2) == 0 {
						mounts = append(mounts, omap{{"type", "file"}, {"mountPath", "/etc/app.conf"}, {"filePath", "app.conf"}, {"content", "key = value\n# comment\nother = 2\n"}})
					}
					a = append(a, kv{"mounts", mounts})
				}
				if rng.IntN(4) == 0 {
					a = append(a, kv{"redirects", []any{omap{{"regex", "^https?://www\\.(.*)"}, {"replacement", "https://$${1}"}, {"permanent", rng.IntN(2) == 0}}}})
				}
				if rng.IntN(4) == 0 {
					a = append(a, kv{"security", []any{omap{{"username", "admin"}, {"password", fmt.Sprintf("secret-%d", rng.IntN(100))}}}})
				}
				apps = append(apps, kv{ga.name, a})
			}
			if len(apps) > 0 {
				ed = append(ed, kv{"applications", apps})
			}
			if rng.IntN(4) == 0 {
				cmp := omap{
					{"composeFile", "services:\n  web:\n    image: nginx:1.27\n    # a comment\n"},
					{"domains", []any{omap{{"host", fmt.Sprintf("web.%s.%s.example.com", en, gp.name)}, {"serviceName", "web"}, {"port", 80}}}},
				}
				if rng.IntN(2) == 0 {
					cmp = append(cmp, kv{"env", genEnvMap(rng, "C", 2)})
				}
				ed = append(ed, kv{"compose", omap{{"stack", cmp}}})
			}
			envs = append(envs, kv{en, ed})
		}
		gp.doc = append(gp.doc, kv{"environments", envs})
	}
	for i := range 1 + rng.IntN(2) {
		w.others = append(w.others, fmt.Sprintf("other%d", i))
	}
	return w
}

func pick3[T any](rng *rand.Rand, a, b, c T) T { return []T{a, b, c}[rng.IntN(3)] }

func (w *world) yaml() string {
	var projects omap
	for _, p := range w.projects {
		projects = append(projects, kv{p.name, p.doc})
	}
	var b strings.Builder
	emitYAML(&b, omap{{"apiVersion", spec.APIVersion}, {"projects", projects}}, 0)
	return b.String()
}

// omap is an ordered YAML mapping; emitYAML writes it in block style, with
// every string double-quoted (JSON strings are YAML strings).
type kv struct {
	k string
	v any
}

type omap []kv

func emitYAML(b *strings.Builder, m omap, depth int) {
	pad := strings.Repeat("  ", depth)
	for _, e := range m {
		b.WriteString(pad + e.k + ":")
		switch v := e.v.(type) {
		case omap:
			if len(v) == 0 {
				b.WriteString(" {}\n")
				continue
			}
			b.WriteString("\n")
			emitYAML(b, v, depth+1)
		case []any:
			b.WriteString("\n")
			for _, item := range v {
				var sub strings.Builder
				emitYAML(&sub, item.(omap), depth+2)
				s := sub.String()
				b.WriteString(pad + "  - " + s[len(pad)+4:])
			}
		default:
			b.WriteString(" " + scalar(v) + "\n")
		}
	}
}

func scalar(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // strings, numbers and bools
	return strings.TrimSuffix(buf.String(), "\n")
}

// ---- the live state before the first apply ----

// call runs a procedure on the fake in process and decodes its answer.
func call(t *testing.T, fake *dokploytest.Server, proc string, in map[string]any) map[string]any {
	t.Helper()
	raw, err := fake.Call(proc, in)
	if err != nil {
		t.Fatalf("seeding: %s: %v", proc, err)
	}
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// seedLive fills the fake before the first run: some declared projects,
// environments, applications and databases already exist with other
// values (and a deployed database or two), declared projects hold
// services the spec does not list, and undeclared projects hold services
// with the same names as declared ones.
func seedLive(t *testing.T, rng *rand.Rand, fake *dokploytest.Server, w *world) {
	t.Helper()
	for _, p := range w.projects {
		if rng.IntN(2) == 0 {
			continue
		}
		proj := call(t, fake, "project.create", map[string]any{"name": p.name, "description": "old description", "env": "OLD=1\nSHARED=no"})
		pid := proj["project"].(map[string]any)["projectId"].(string)
		envIDs := map[string]string{"production": proj["environment"].(map[string]any)["environmentId"].(string)}
		for _, e := range p.envs[1:] {
			if rng.IntN(2) == 0 {
				envIDs[e.name] = call(t, fake, "environment.create", map[string]any{"name": e.name, "projectId": pid, "description": "old"})["environmentId"].(string)
			}
		}
		for _, e := range p.envs {
			eid := envIDs[e.name]
			if eid == "" {
				continue
			}
			for _, a := range e.apps {
				if rng.IntN(2) == 0 {
					seedApp(t, rng, fake, eid, p.name, a.name, a.host)
				}
			}
			for _, d := range e.dbs {
				if rng.IntN(2) == 0 {
					seedDB(t, rng, fake, eid, p.name, d.kind, d.name)
				}
			}
			if rng.IntN(3) == 0 {
				seedApp(t, rng, fake, eid, p.name, "legacy", "")
			}
		}
	}
	for _, name := range w.others {
		proj := call(t, fake, "project.create", map[string]any{"name": name, "description": "not ours", "env": "MINE=1"})
		eid := proj["environment"].(map[string]any)["environmentId"].(string)
		// Same names as the spec's services, in another project.
		seedApp(t, rng, fake, eid, name, "app0", "app0.other.example.com")
		seedDB(t, rng, fake, eid, name, "postgres", "db0")
		seedDB(t, rng, fake, eid, name, dbKinds[rng.IntN(len(dbKinds))], "db1")
		stage := call(t, fake, "environment.create", map[string]any{"name": "staging", "projectId": proj["project"].(map[string]any)["projectId"]})
		seedApp(t, rng, fake, stage["environmentId"].(string), name, "app1", "")
	}
}

func seedApp(t *testing.T, rng *rand.Rand, fake *dokploytest.Server, eid, project, name, host string) {
	t.Helper()
	id := call(t, fake, "application.create", map[string]any{"name": name, "environmentId": eid, "appName": project + "-" + name})["applicationId"].(string)
	call(t, fake, "application.saveDockerProvider", map[string]any{"applicationId": id, "dockerImage": "old/image:0",
		"username": nil, "password": nil, "registryUrl": nil})
	call(t, fake, "application.saveEnvironment", map[string]any{"applicationId": id, "env": "STALE=1\nA_0=old # comment",
		"buildArgs": "ARG=1", "buildSecrets": nil, "createEnvFile": rng.IntN(2) == 0})
	call(t, fake, "application.update", map[string]any{"applicationId": id, "replicas": 1 + rng.IntN(4), "command": "old command", "memoryLimit": "268435456"})
	if host != "" {
		call(t, fake, "domain.create", map[string]any{"host": host, "port": 9999, "https": false, "applicationId": id, "domainType": "application"})
	}
}

func seedDB(t *testing.T, rng *rand.Rand, fake *dokploytest.Server, eid, project, kind, name string) {
	t.Helper()
	in := map[string]any{"name": name, "environmentId": eid, "appName": project + "-" + name, "dockerImage": dbImages[kind][0] + "-old",
		"databasePassword": "oldpass1", "description": "old"}
	switch kind {
	case "postgres", "mysql", "mariadb":
		in["databaseName"], in["databaseUser"] = "olddb", "olduser"
	case "mongo":
		in["databaseUser"] = "olduser"
	case "libsql":
		in["databaseUser"] = "olduser"
		in["sqldNode"], in["sqldPrimaryUrl"], in["serverId"] = "primary", nil, nil
	}
	out := call(t, fake, kind+".create", in)
	if kind == "libsql" || rng.IntN(2) == 0 {
		return // libsql.create answers true: its id is unknown here
	}
	id := out[dokploy.IDKey(kind)].(string)
	call(t, fake, kind+".saveEnvironment", map[string]any{dokploy.IDKey(kind): id, "env": "OLD=1"})
	call(t, fake, kind+".deploy", map[string]any{dokploy.IDKey(kind): id}) // running: passwords change through changePassword
}

// outside is what the runs must leave alone: the full content of the
// undeclared projects and of the services in declared projects that the
// spec does not list, and the ids in them.
type outside struct {
	projects  map[string]string // name → project.one and the .one of each service
	unmanaged map[string]string // address → .one
	ids       map[string]bool
	names     []string // every project's name, sorted
}

func snapshotOutside(t *testing.T, fake *dokploytest.Server, w *world) *outside {
	t.Helper()
	out := &outside{projects: map[string]string{}, unmanaged: map[string]string{}, ids: map[string]bool{}}
	declared := map[string]*genProject{}
	for _, p := range w.projects {
		declared[p.name] = p
	}
	raw, err := fake.Call("project.all", nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []struct {
		ProjectID string `json:"projectId"`
		Name      string `json:"name"`
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		out.names = append(out.names, p.Name)
		one, err := fake.Call("project.one", map[string]any{"projectId": p.ProjectID})
		if err != nil {
			t.Fatal(err)
		}
		var proj dokploy.Project
		if err := json.Unmarshal(one, &proj); err != nil {
			t.Fatal(err)
		}
		gp := declared[p.Name]
		var text strings.Builder
		text.Write(one)
		for _, e := range proj.Environments {
			en := e.Name
			if e.IsDefault {
				en = spec.DefaultEnvironment
			}
			services := map[string]string{} // address → .one
			for _, a := range e.Applications {
				services[p.Name+"/"+en+"/application/"+a.Name] = serviceOne(t, fake, "application", a.ApplicationID)
			}
			for _, c := range e.Compose {
				services[p.Name+"/"+en+"/compose/"+c.Name] = serviceOne(t, fake, "compose", c.ComposeID)
			}
			for _, d := range e.Databases {
				services[p.Name+"/"+en+"/"+d.Kind+"/"+d.Name] = serviceOne(t, fake, d.Kind, d.ID)
			}
			for _, addr := range spec.SortedKeys(services) {
				if gp == nil {
					text.WriteString("\n" + services[addr])
				} else if !gp.declares(addr) {
					out.unmanaged[addr] = withoutParents(t, services[addr])
				}
			}
		}
		if gp == nil {
			out.projects[p.Name] = text.String()
			for _, line := range strings.Split(text.String(), "\n") {
				collectIDs(json.RawMessage(line), out.ids)
			}
		}
	}
	slices.Sort(out.names)
	return out
}

func serviceOne(t *testing.T, fake *dokploytest.Server, kind, id string) string {
	t.Helper()
	raw, err := fake.Call(kind+".one", map[string]any{dokploy.IDKey(kind): id})
	if err != nil {
		t.Fatalf("%s.one: %v", kind, err)
	}
	return string(raw)
}

// withoutParents drops the environment (with its project) that a service's
// .one carries: a service the spec does not list lives in a declared
// project, which apply changes.
func withoutParents(t *testing.T, one string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(one), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "environment")
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkDeployed(fail func(string, ...any), fake *dokploytest.Server, addr, kind, id string) {
	deployed, current, ok := fake.DeployedSettings(kind, id)
	if !ok {
		fail("%s: its newest deployment is missing or not done after convergence", addr)
	}
	if deployed != current {
		fail("%s: its newest deployment deployed other settings than it has:\ndeployed: %s\ncurrent:  %s", addr, deployed, current)
	}
}

func (w *world) declares(addr string) bool {
	for _, gp := range w.projects {
		if gp.declares(addr) {
			return true
		}
	}
	return false
}

func (gp *genProject) declares(addr string) bool {
	for _, e := range gp.envs {
		for _, a := range e.apps {
			if addr == gp.name+"/"+e.name+"/application/"+a.name {
				return true
			}
		}
		for _, d := range e.dbs {
			if addr == gp.name+"/"+e.name+"/"+d.kind+"/"+d.name {
				return true
			}
		}
		if addr == gp.name+"/"+e.name+"/compose/stack" {
			return true
		}
	}
	return false
}

// collectIDs adds the values of the *Id keys in a JSON document to ids.
func collectIDs(raw json.RawMessage, ids map[string]bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && strings.HasSuffix(k, "Id") && k != "organizationId" && k != "serverId" && len(s) >= 8 {
					ids[s] = true
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
}

// expectedNames are the project names after convergence: the undeclared
// ones as they were, and each declared one once.
func expectedNames(w *world, before *outside) []string {
	var out []string
	for name := range before.projects {
		out = append(out, name)
	}
	for _, p := range w.projects {
		out = append(out, p.name)
	}
	slices.Sort(out)
	return out
}
