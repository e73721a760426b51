// Command fakedokploy serves the in-memory fake Dokploy server of package
// dokploytest, for trying dokploy-sync without a real server.
//
//	fakedokploy -addr 127.0.0.1:3000 -api-key KEY [-state FILE] [-v]
//	fakedokploy [flags] -- CMD ARGS...
//	fakedokploy -fault 503:rate=0.2 -seed 7 -- CMD ARGS...
//
// With -state, the state is loaded from FILE at start (if it exists) and
// saved after mutations, so that separate runs (plan, then apply) see each
// other's changes: in the background, at most once per -state-interval
// (default 1s), and at exit (end of CMD, SIGINT, SIGTERM). Each save
// replaces FILE whole through a temporary file renamed over it, so FILE is
// always a complete snapshot: a crash (SIGKILL, power loss) loses at most
// the mutations of the last interval, never the file. With a command after
// "--", the fake listens on a free loopback port, runs CMD with DOKPLOY_URL
// and DOKPLOY_API_KEY set, and exits with CMD's exit code.
//
// -fault KIND[:KEY=VALUE,...] (repeatable) injects a dokploytest.Fault, so
// that failures can be rehearsed: 5xx and 429 answers, resets, timeouts,
// lost answers, failed batch items, a 401 after N requests (see -h and
// faults.go).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
	"github.com/dokploy-sync/dokploy-sync/internal/atomicfile"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// defaultCommandKey is the API key given to CMD when -api-key is empty.
const defaultCommandKey = "fakedokploy"

// run is the whole command; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// The handlers' log lines, this function and the command all write to
	// stderr, from their own goroutines.
	stderr = &syncWriter{w: stderr}
	fs := flag.NewFlagSet("fakedokploy", flag.ContinueOnError)
	// The flag package writes its error and the usage to this buffer: -h
	// copies it to stderr, a bad flag prints only the error.
	var parseOut strings.Builder
	fs.SetOutput(&parseOut)
	addr := fs.String("addr", "127.0.0.1:3000", "listen `address` (with a command: a free loopback port unless given)")
	apiKey := fs.String("api-key", "", "the accepted x-api-key `value`; empty accepts any non-empty key")
	stateFile := fs.String("state", "", "load the state from `FILE` at start if it exists; save it after mutations (see -state-interval) and at exit")
	stateInterval := fs.Duration("state-interval", time.Second, "with -state, save at most once per `interval`, in the background; each save replaces FILE atomically, so a crash loses only the mutations not saved yet (about one interval's) and never corrupts FILE (0: save after every mutation)")
	verbose := fs.Bool("v", false, "log one line per request (method, path, status, the fault injected) to stderr")
	seed := fs.Int64("seed", 0, "seed of generated ids, appName suffixes and the draws of -fault rate= (0: 1)")
	version := fs.String("version", "v0.30.2", "Dokploy `version` to report")
	deployDuration := fs.Duration("deploy-duration", 0, "how long an application deployment runs")
	deployError := fs.String("deploy-error", "", "make every deploy fail with this `message`")
	latency := fs.Duration("latency", 0, "delay added to every request")
	redact := fs.Bool("redact", false, "answer every .one with "+dokploytest.RedactedSecret+" in place of env and passwords, like a Dokploy with pull request #4581")
	var servers []string
	fs.Func("server", "make sure a remote server of this `name` exists (repeatable): the spec names servers, it cannot create them", func(v string) error {
		servers = append(servers, v)
		return nil
	})
	role := fs.String("role", "", "the API key's `role` in the organization: owner (the default), admin, member or a custom role's name; a role other than owner and admin is held to its access lists as on Dokploy, and its creates sent together lose entries")
	poolSize := fs.Int("pool-size", dokploytest.DefaultPoolSize, "modelled Postgres pool `size`: this many pool-holding calls (domain.create, ...) in flight wedge the server, as on Dokploy")
	var faults faultFlags
	fs.Var(&faults, "fault", "inject a fault: `KIND[:KEY=VALUE,...]`, repeatable (see fault injection below)")
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: fakedokploy [flags]\n       fakedokploy [flags] -- CMD ARGS...\n\nflags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(out, "\n%s", faultHelp)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stderr, parseOut.String()) //nolint:errcheck // best effort
			return 0
		}
		fmt.Fprintf(stderr, "fakedokploy: %v\nrun fakedokploy -h for the flags\n", err)
		return 2
	}
	command := fs.Args()
	addrSet := false
	fs.Visit(func(f *flag.Flag) { addrSet = addrSet || f.Name == "addr" })
	if len(command) > 0 && !addrSet {
		*addr = "127.0.0.1:0"
	}

	h := &handler{stateFile: *stateFile, interval: *stateInterval, verbose: *verbose, log: stderr}
	fake := dokploytest.New(dokploytest.Options{
		APIKey: *apiKey, Version: *version, Seed: *seed,
		Latency: *latency, PoolSize: *poolSize, DeployDuration: *deployDuration, DeployError: *deployError, Redact: *redact,
		Faults: faults.faults, OnRequest: h.observe,
	})
	h.fake = fake
	if err := faults.checkProcs(fake.Procedures()); err != nil {
		fmt.Fprintf(stderr, "fakedokploy: %v\nrun fakedokploy -h for the flags\n", err)
		return 2
	}
	if err := h.load(); err != nil {
		fmt.Fprintf(stderr, "fakedokploy: %v\n", err)
		return 1
	}
	if *role != "" {
		fake.SetRole(*role)
	}
	for _, name := range servers {
		if err := fake.EnsureServer(name); err != nil {
			fmt.Fprintf(stderr, "fakedokploy: -server %s: %v\n", name, err)
			return 1
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "fakedokploy: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stderr, "fake Dokploy %s listening on %s\n", *version, url)

	code := 0
	if len(command) > 0 {
		code = runCommand(ctx, command, url, *apiKey, stdin, stdout, stderr)
	} else {
		select {
		case <-ctx.Done():
		case err := <-served:
			fmt.Fprintf(stderr, "fakedokploy: %v\n", err)
			code = 1
		}
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx) //nolint:errcheck // exiting anyway
	fake.Close()
	if err := h.close(); err != nil {
		fmt.Fprintf(stderr, "fakedokploy: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// runCommand runs CMD against the fake and returns its exit code.
func runCommand(ctx context.Context, command []string, url, apiKey string, stdin io.Reader, stdout, stderr io.Writer) int {
	if apiKey == "" {
		apiKey = defaultCommandKey
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(), "DOKPLOY_URL="+url, "DOKPLOY_API_KEY="+apiKey)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "fakedokploy: %v\n", err)
		return 127
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done(): // an interrupt reaches the command too; wait for it
		err = <-done
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if exit.ExitCode() >= 0 {
			return exit.ExitCode()
		}
		return 1
	default:
		fmt.Fprintf(stderr, "fakedokploy: %v\n", err)
		return 1
	}
}

// handler logs the fake's requests with -v and saves its state after
// mutations with -state.
type handler struct {
	fake      *dokploytest.Server
	stateFile string
	interval  time.Duration // between saves; 0: after every mutation
	verbose   bool
	log       io.Writer

	mu        sync.Mutex // serialises log lines; guards the fields below
	mutations int
	timer     *time.Timer // the save scheduled, or nil
	closed    bool

	saveMu sync.Mutex // serialises saves
	saves  int        // state files written
}

// observe logs a request with -v and, after a mutation, saves the state or
// schedules a save.
func (h *handler) observe(r dokploytest.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.verbose { // never bodies, queries or keys
		fault := ""
		if r.Fault != "" {
			fault = " fault: " + r.Fault
		}
		fmt.Fprintf(h.log, "%s %s %d %s%s\n", r.Method, r.Path, r.Status, r.Duration.Round(time.Microsecond), fault)
	}
	n := h.fake.MutationCount()
	if n == h.mutations || h.stateFile == "" || h.closed {
		return
	}
	h.mutations = n
	if h.interval <= 0 {
		if err := h.save(); err != nil {
			fmt.Fprintf(h.log, "fakedokploy: %v\n", err)
		}
		return
	}
	if h.timer == nil { // a save is due in interval: it takes this mutation too
		h.timer = time.AfterFunc(h.interval, h.flush)
	}
}

// flush is the scheduled save. A mutation observed from here on schedules
// the next one; those before are in the snapshot this one takes.
func (h *handler) flush() {
	h.mu.Lock()
	h.timer = nil
	closed := h.closed
	h.mu.Unlock()
	if closed { // close saves
		return
	}
	if err := h.save(); err != nil {
		h.mu.Lock()
		fmt.Fprintf(h.log, "fakedokploy: %v\n", err)
		h.mu.Unlock()
	}
}

// close cancels the scheduled save and saves the state a last time.
func (h *handler) close() error {
	h.mu.Lock()
	h.closed = true
	if h.timer != nil {
		h.timer.Stop()
		h.timer = nil
	}
	h.mu.Unlock()
	return h.save()
}

// load reads the state file, if there is one.
func (h *handler) load() error {
	if h.stateFile == "" {
		return nil
	}
	f, err := os.Open(h.stateFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := h.fake.LoadState(f); err != nil {
		return fmt.Errorf("%s: %w", h.stateFile, err)
	}
	return nil
}

// save writes the state file atomically (a temporary file renamed over
// it). It holds passwords and env values, so it is private to the user.
func (h *handler) save() error {
	if h.stateFile == "" {
		return nil
	}
	h.saveMu.Lock()
	defer h.saveMu.Unlock()
	var buf bytes.Buffer
	if err := h.fake.SaveState(&buf); err != nil {
		return err
	}
	if err := atomicfile.Write(h.stateFile, buf.Bytes(), 0o600); err != nil {
		return err
	}
	h.saves++
	return nil
}

// syncWriter serialises the writes of several goroutines to one writer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
