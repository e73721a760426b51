package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/schema"
)

var update = flag.Bool("update", false, "update testscript files")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dokploy-sync": func() {
			var stdout, stderr io.Writer = os.Stdout, os.Stderr
			// Every output of every command of a script is also kept, to be
			// checked for secrets when the script ends.
			if path := os.Getenv("DOKPLOY_SYNC_TEST_OUTPUT"); path != "" {
				if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
					stdout, stderr = io.MultiWriter(stdout, f), io.MultiWriter(stderr, f)
				}
			}
			os.Exit(run(os.Args[1:], os.Stdin, stdout, stderr))
		},
	})
}

// The API key the fake accepts in scripts. A script's output never contains
// it (checked after every script).
const testAPIKey = "test-key-7f3a9c2e"

// TestScript runs testdata/script/*.txtar: the built binary against a fresh
// fake Dokploy per script. Every request the binary sends is checked against
// ../shared/dokploy/openapi.json when that file is present.
func TestScript(t *testing.T) {
	var validator *contractValidator
	if _, ok := contractSharedDir(); ok {
		validator = loadContract(t)
	} else {
		t.Log("../shared/dokploy not found: requests are not checked against openapi.json")
	}
	examples, err := filepath.Abs("examples")
	if err != nil {
		t.Fatal(err)
	}
	var checkedRequests atomic.Int64
	t.Cleanup(func() { // after the parallel scripts
		if validator != nil {
			t.Logf("%d requests checked against openapi.json", checkedRequests.Load())
		}
	})
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			fake := dokploytest.New(dokploytest.Options{APIKey: testAPIKey, Seed: 1})
			var mu sync.Mutex
			var violations []string
			handler := http.Handler(fake)
			if validator != nil {
				handler = checked(validator, fake, &checkedRequests, func(v string) {
					mu.Lock()
					violations = append(violations, v)
					mu.Unlock()
				})
			}
			srv := httptest.NewServer(handler)
			output := filepath.Join(env.WorkDir, ".output")
			env.Setenv("DOKPLOY_SYNC_TEST_OUTPUT", output)
			env.Defer(func() { checkSecrets(env.T(), env.WorkDir, output) })
			env.Defer(func() { checkNoLeases(env.T(), fake) })
			env.Defer(func() {
				srv.Close()
				mu.Lock()
				defer mu.Unlock()
				if len(violations) > 0 {
					env.T().Fatal("requests that openapi.json rejects:\n" + strings.Join(violations, "\n"))
				}
			})
			env.Setenv("DOKPLOY_URL", srv.URL)
			env.Setenv("DOKPLOY_HOST", strings.TrimPrefix(srv.URL, "http://")) // host:port of the fake
			env.Setenv("DOKPLOY_API_KEY", testAPIKey)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("EXAMPLES", examples)
			env.Values["fake"] = fake
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"seed":       cmdSeed,
			"mutations":  cmdMutations,
			"called":     cmdCalled,
			"nosecrets":  cmdNoSecrets,
			"envis":      cmdEnvIs,
			"replace":    cmdReplace,
			"deploys":    cmdDeploys,
			"mutcount":   cmdMutCount,
			"secret":     cmdSecret,
			"loseanswer": cmdLoseAnswer,
			"failcalls":  cmdFailCalls,
			"redact":     cmdRedact,
			"requests":   cmdRequests,
			"provider":   cmdProvider,
			"mode":       cmdMode,
			"role":       cmdRole,
			"accessed":   cmdAccessed,
		},
	})
}

// checked validates each request against the OpenAPI document before the
// fake answers it.
func checked(v *contractValidator, next http.Handler, n *atomic.Int64, report func(string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		for _, err := range v.Check(r.Method, r.URL.Path, r.URL.RawQuery, body) {
			report(fmt.Sprintf("%s %s: %v", r.Method, r.URL.Path, err))
		}
		next.ServeHTTP(w, r)
	})
}

func fakeOf(ts *testscript.TestScript) *dokploytest.Server {
	return ts.Value("fake").(*dokploytest.Server)
}

// seed PROC JSON [VAR=path.to.field ...] runs a procedure on the fake (not
// through HTTP) and stores fields of its answer in environment variables:
// a string as it is, any other value as JSON.
func cmdSeed(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: seed PROC JSON [VAR=path ...]")
	}
	var input any
	if err := json.Unmarshal([]byte(args[1]), &input); err != nil {
		ts.Fatalf("seed %s: input: %v", args[0], err)
	}
	out, err := fakeOf(ts).Call(args[0], input)
	if neg {
		if err == nil {
			ts.Fatalf("seed %s: want an error", args[0])
		}
		return
	}
	if err != nil {
		ts.Fatalf("seed %s: %v", args[0], err)
	}
	var result any
	json.Unmarshal(out, &result)
	for _, a := range args[2:] {
		name, path, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("seed: %q is not VAR=path", a)
		}
		v := result
		for _, k := range strings.Split(path, ".") {
			if l, ok := v.([]any); ok {
				i, err := strconv.Atoi(k)
				if err != nil || i >= len(l) {
					ts.Fatalf("seed %s: %s: no item %s", args[0], path, k)
				}
				v = l[i]
				continue
			}
			m, _ := v.(map[string]any)
			v = m[k]
		}
		s, ok := v.(string)
		if !ok { // a number, boolean, null, list or object: as JSON
			b, _ := json.Marshal(v)
			s = string(b)
		}
		ts.Setenv(name, s)
	}
}

// resourceMutations counts the mutation calls the fake has executed,
// except those of apply's leases (tag.*): a lease taken and released
// leaves Dokploy as it was.
func resourceMutations(fake *dokploytest.Server) int {
	n := 0
	for proc, k := range fake.MutationCounts() {
		if !strings.HasPrefix(proc, "tag.") {
			n += k
		}
	}
	return n
}

// mutations N asserts how many mutation calls the fake has executed,
// apart from the leases' (resourceMutations).
func cmdMutations(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: mutations N")
	}
	got := fmt.Sprint(resourceMutations(fakeOf(ts)))
	if (got == args[0]) == neg {
		ts.Fatalf("fake executed %s mutations, want %s%s", got, map[bool]string{true: "not ", false: ""}[neg], args[0])
	}
}

// called PROC N asserts how many times the fake has executed the
// mutation PROC.
func cmdCalled(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: called PROC N")
	}
	got := fmt.Sprint(fakeOf(ts).MutationCounts()[args[0]])
	if (got == args[1]) == neg {
		ts.Fatalf("fake executed %s %s times, want %s%s", args[0], got, map[bool]string{true: "not ", false: ""}[neg], args[1])
	}
}

// nosecrets VALUE... fails if stdout or stderr of the last command, or the
// API key, contain any of the values.
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	out := ts.ReadFile("stdout") + ts.ReadFile("stderr")
	for _, s := range append(args, testAPIKey) {
		if strings.Contains(out, s) {
			ts.Fatalf("output contains the secret %q", s)
		}
	}
}

// envis NAME VALUE asserts the value of an environment variable (\n in
// VALUE stands for a newline).
func cmdEnvIs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: envis NAME VALUE")
	}
	want := strings.ReplaceAll(args[1], `\n`, "\n")
	if got := ts.Getenv(args[0]); (got == want) == neg {
		ts.Fatalf("$%s is %q, want %s%q", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

func TestSchemaCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"schema"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !bytes.Equal(out.Bytes(), schema.JSON()) {
		t.Errorf("dokploy-sync schema printed something else than schema.JSON()")
	}
}

// role ROLE sets the role of the fake's member, whose key the scripts use:
// owner (the default), admin, member or a custom role's name.
func cmdRole(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: role ROLE")
	}
	fakeOf(ts).SetRole(args[0])
}

// accessed LIST N asserts how many ids the member's access list LIST
// (accessedProjects, accessedEnvironments, accessedServices) holds.
func cmdAccessed(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: accessed LIST N")
	}
	got := fmt.Sprint(len(fakeOf(ts).Accessed(args[0])))
	if (got == args[1]) == neg {
		ts.Fatalf("the member's %s holds %s ids, want %s%s", args[0], got, map[bool]string{true: "not ", false: ""}[neg], args[1])
	}
}

// mode FILE PERM asserts the permission bits of a file (PERM in octal,
// e.g. 0600).
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mode FILE PERM")
	}
	st, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	if got := st.Mode().Perm(); (uint64(got) == want) == neg {
		ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// replace FILE OLD NEW replaces the one occurrence of OLD in FILE by NEW
// (\n in OLD and NEW stands for a newline).
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	old, new := strings.ReplaceAll(args[1], `\n`, "\n"), strings.ReplaceAll(args[2], `\n`, "\n")
	if n := strings.Count(string(data), old); n != 1 {
		ts.Fatalf("replace: %q occurs %d times in %s, want once", old, n, args[0])
	}
	ts.Check(os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// deploys DURATION [ERROR] sets how long the fake's deployments take and
// the error every deploy fails with.
func cmdDeploys(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: deploys DURATION [ERROR]")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	failure := ""
	if len(args) == 2 {
		failure = args[1]
	}
	fakeOf(ts).SetDeploys(d, failure)
}

// mutcount VAR stores how many mutations the fake has executed, apart
// from the leases', in VAR.
// requests reset forgets the requests the fake received; requests match
// asserts that the count the last command printed with -v ("dokploy: N
// HTTP requests") is the number of requests the fake received since.
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	switch {
	case len(args) == 1 && args[0] == "reset":
		fakeOf(ts).ResetRequests()
	case len(args) == 1 && args[0] == "match":
		m := regexp.MustCompile(`dokploy: (\d+) HTTP requests in`).FindStringSubmatch(ts.ReadFile("stderr"))
		if m == nil {
			ts.Fatalf("the last command printed no request count (run it with -v)")
		}
		got := fmt.Sprint(len(fakeOf(ts).Requests()))
		if (m[1] == got) == neg {
			ts.Fatalf("the command counted %s HTTP requests, the fake received %s", m[1], got)
		}
	default:
		ts.Fatalf("usage: requests reset|match")
	}
}

// mutcount VAR stores how many mutations the fake has executed in VAR.
func cmdMutCount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: mutcount VAR")
	}
	ts.Setenv(args[0], fmt.Sprint(resourceMutations(fakeOf(ts))))
}

// secret VALUE... declares secret values of a script: no output of any
// command of the script may contain one (checked when the script ends).
func cmdSecret(ts *testscript.TestScript, neg bool, args []string) {
	f, err := os.OpenFile(ts.MkAbs(".secrets"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	ts.Check(err)
	defer f.Close()
	for _, a := range args {
		fmt.Fprintln(f, a)
	}
}

// checkSecrets fails the script when any output of its commands holds the
// API key or a value declared with secret.
func checkSecrets(t testscript.T, work, output string) {
	out, _ := os.ReadFile(output)
	secrets := []string{testAPIKey}
	if data, err := os.ReadFile(filepath.Join(work, ".secrets")); err == nil {
		secrets = append(secrets, strings.Fields(string(data))...)
	}
	for _, s := range secrets {
		if strings.Contains(string(out), s) {
			t.Fatal(fmt.Sprintf("an output of the script contains the secret %q", s))
		}
	}
}

// checkNoLeases fails a script that ends with a lease tag in the fake:
// every apply releases its leases, whatever its outcome.
func checkNoLeases(t testscript.T, fake *dokploytest.Server) {
	out, err := fake.Call("tag.all", nil)
	if err != nil {
		t.Fatal(err.Error())
	}
	if strings.Contains(string(out), `"name":"`+dokploy.LeasePrefix) {
		t.Fatal("the script ends with a lease held: " + string(out))
	}
}

// fatalT records Fatal calls, to test checkSecrets.
type fatalT struct {
	testscript.T
	msg string
}

func (f *fatalT) Fatal(args ...any) { f.msg = fmt.Sprint(args...) }

func TestCheckSecretsCatchesALeak(t *testing.T) {
	work := t.TempDir()
	output := filepath.Join(work, ".output")
	os.WriteFile(filepath.Join(work, ".secrets"), []byte("hunter2-pw\n"), 0o600)
	os.WriteFile(output, []byte("all fine\n"), 0o600)
	ft := &fatalT{}
	checkSecrets(ft, work, output)
	if ft.msg != "" {
		t.Fatalf("clean output reported: %s", ft.msg)
	}
	for _, leak := range []string{"password hunter2-pw here", "key " + testAPIKey} {
		os.WriteFile(output, []byte(leak), 0o600)
		ft := &fatalT{}
		checkSecrets(ft, work, output)
		if !strings.Contains(ft.msg, "contains the secret") {
			t.Errorf("leak %q not reported", leak)
		}
	}
}

// loseanswer PROC makes the fake run the next call of PROC and then drop the
// connection, so that the client cannot know whether it was applied.
func cmdLoseAnswer(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: loseanswer PROC")
	}
	fakeOf(ts).SetFaults(dokploytest.Fault{Kind: dokploytest.FaultLoseAnswer, Procs: args, Times: 1})
}

// failcalls PROC makes the fake refuse the calls of PROC (500) in the next
// request that carries them, leaving the other calls of the batch alone.
func cmdFailCalls(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: failcalls PROC")
	}
	fakeOf(ts).SetFaults(dokploytest.Fault{Kind: dokploytest.FaultFailItems, Procs: args, Times: 1})
}

// redact on|off makes the fake answer its .one reads with the placeholder
// of a Dokploy that hides secrets (pull request #4581), or not.
func cmdRedact(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || args[0] != "on" && args[0] != "off" {
		ts.Fatalf("usage: redact on|off")
	}
	fakeOf(ts).SetRedact(args[0] == "on")
}

// provider TYPE NAME [VAR] connects a git provider of TYPE (github,
// gitlab, bitbucket, gitea) named NAME to the fake, as the UI would, and
// stores its id (the githubId, gitlabId, ... that sources hold) in VAR.
func cmdProvider(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: provider TYPE NAME [VAR]")
	}
	_, id, err := fakeOf(ts).AddGitProvider(dokploytest.GitProvider{Type: args[0], Name: args[1]})
	ts.Check(err)
	if len(args) == 3 {
		ts.Setenv(args[2], id)
	}
}
