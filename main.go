// Command dokploy-sync makes a Dokploy server match a dokploy.yaml kept in
// git: validate (offline), plan (read live state, show the changes) and
// apply (make them).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/schema"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Globals are the flags every command takes.
type Globals struct {
	URL          string   `name:"url" env:"DOKPLOY_URL" help:"Dokploy panel base URL, e.g. https://dokploy.example.com." placeholder:"URL"`
	APIKey       string   `name:"api-key" env:"DOKPLOY_API_KEY,DOKPLOY_AUTH_TOKEN" help:"Dokploy API key (never printed). On the command line it is visible to other users of this machine (ps): prefer the environment or --api-key-file." placeholder:"KEY"`
	APIKeyFile   string   `name:"api-key-file" env:"DOKPLOY_API_KEY_FILE" help:"Read the Dokploy API key from FILE (a trailing newline is trimmed)." placeholder:"FILE"`
	Context      string   `name:"context" env:"DOKPLOY_CONTEXT" help:"Talk to the Dokploy instance of this context (declared under contexts: in the spec, or in the contexts file): its URL and where its key is." placeholder:"NAME"`
	ContextsFile string   `name:"contexts-file" env:"DOKPLOY_CONTEXTS_FILE" help:"The contexts file, outside the repository (default $XDG_CONFIG_HOME/dokploy-sync/contexts.yaml)." placeholder:"FILE"`
	API          string   `name:"api" enum:"auto,trpc,rest" default:"auto" help:"HTTP face of the Dokploy API: auto (tRPC batches, REST when /api/trpc is refused), trpc or rest."`
	VarFile      []string `name:"var-file" type:"path" help:"dotenv file with values for the variables the spec uses (overrides the process environment); repeatable." placeholder:"FILE"`
	MaxRequests  int      `name:"max-requests" default:"0" help:"Send at most N HTTP requests to Dokploy (0: no limit); a step that would need more is not sent at all (default ${default})." placeholder:"N"`
	URLBudget    int      `name:"url-budget" default:"8192" help:"Longest HTTP request line (GET, URL, HTTP/1.1 and CRLF), in bytes; batched reads are split to stay under it (nginx refuses over 8 KB by default) (default ${default})." placeholder:"BYTES"`
	BodyBudget   int      `name:"body-budget" default:"${bodyBudget}" help:"Largest HTTP request body, in bytes; batched writes are split to stay under it (nginx refuses over 1 MB by default) (default ${default})." placeholder:"BYTES"`
	Parallelism  int      `name:"parallelism" default:"8" help:"HTTP requests in flight at once (default ${default})." placeholder:"N"`
	// MaxPoolCalls, MaxHostCalls and MaxMutations: see dokploy.Options.
	MaxPoolCalls   int  `name:"max-pool-calls" default:"${maxPoolCalls}" help:"Calls that hold a connection of Dokploy's database pool (domain, redirect and basic-auth creates, ...) in flight at once, at most 9: Dokploy's 10-connection pool deadlocks, hanging the whole panel, at 10 (default ${default})." placeholder:"N"`
	MaxHostCalls   int  `name:"max-host-calls" default:"${maxHostCalls}" help:"Calls that make Dokploy run commands on its host before answering (deletes, stops, starts, database deploys) in flight at once (default ${default})." placeholder:"N"`
	MaxReadBatches int  `name:"max-read-batches" default:"${maxReadBatches}" help:"Batches of reads (tRPC GETs) in flight at once; reads hold no database connection across queries, so the reads of a step go together (default ${default})." placeholder:"N"`
	MaxMutations   int  `name:"max-mutations" default:"${maxMutations}" help:"Changes (mutation calls) in flight at once (default ${default})." placeholder:"N"`
	Verbose        bool `short:"v" help:"Log every HTTP request to stderr (never keys or bodies) and the request count."`
	NoColor        bool `name:"no-color" help:"No colours (also when NO_COLOR is set or the output is not a terminal)."`

	AllowHTTP         bool             `name:"allow-http" help:"Allow a plain http:// DOKPLOY_URL to a machine other than this one (the API key then travels in clear)."`
	AllowOutsideFiles bool             `name:"allow-outside-files" help:"Let envFile, contentFile and composeFile name files outside the spec's directory (symlinks included). Never /proc, /sys or /dev."`
	MaxSpecSize       int              `name:"max-spec-size" default:"${maxSpecSize}" help:"Largest spec parsed, in bytes; a larger or absurdly nested one is refused before parsing (default ${default})." placeholder:"BYTES"`
	Version           kong.VersionFlag `help:"Print the version and exit."`

	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	given         map[string]bool // the flags given on the command line (flagsGiven)
	instance      *instance       // chosen by resolveInstance
	quietInstance bool            // the instance goes into JSON output, not on a line of its own
}

// CLI is the command line.
type CLI struct {
	Globals

	Validate validateCmd `cmd:"" help:"Check dokploy.yaml offline: syntax, types, required fields, env files, variables."`
	Plan     planCmd     `cmd:"" help:"Read the live state of the declared projects and show what apply would change."`
	Apply    applyCmd    `cmd:"" help:"Make Dokploy match dokploy.yaml (shows the plan and asks first)."`
	Deploy   deployCmd   `cmd:"" help:"Deploy services of dokploy.yaml now, without changing their settings, and follow the deploys."`
	Stop     stopCmd     `cmd:"" help:"Stop services of dokploy.yaml now (dokploy.yaml is not changed: set state: stopped there to keep them stopped)."`
	Start    startCmd    `cmd:"" help:"Start stopped services of dokploy.yaml now (dokploy.yaml is not changed)."`
	Env      envCmd      `cmd:"" help:"Pull the live env of a project, an environment or a service into a dotenv file, or push one, through plan and apply."`
	Export   exportCmd   `cmd:"" help:"Write a dokploy.yaml (with env files and secrets.env) from what the Dokploy server has now."`
	Render   renderCmd   `cmd:"" help:"Print the spec as plan reads it: its files merged, extends resolved, anchors expanded (offline; variables as written, secrets hidden)."`

	ForceUnlock forceUnlockCmd `cmd:"" name:"force-unlock" help:"Remove the lease of a project left by an apply that did not end cleanly (the Dokploy tag dokploy-sync-lock:PROJECT)."`
	Schema      schemaCmd      `cmd:"" help:"Print the JSON Schema of dokploy.yaml (for editors) to stdout."`
	Completion  completionCmd  `cmd:"" help:"Print a shell completion script: bash, zsh or fish."`
	Doctor      doctorCmd      `cmd:"" help:"Check the connection to Dokploy: URL, DNS, TCP, TLS, the API faces, the server version and the key (one line each, with the fix)."`
}

// schemaCmd prints the JSON Schema of dokploy.yaml, for editors.
type schemaCmd struct{}

func (c *schemaCmd) Run(g *Globals) error {
	_, err := g.stdout.Write(schema.JSON())
	return err
}

// exitError ends the program with a code and, when msg is set, a message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// ExitCode is read by kong.
func (e *exitError) ExitCode() int { return e.code }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cleanup := interrupts(stderr)
	defer cleanup()
	return runContext(ctx, args, stdin, stdout, stderr)
}

// exitInterrupted is the exit code of a run ended by Ctrl-C (128+SIGINT).
const exitInterrupted = 130

// interrupts returns the context of a run: the first Ctrl-C (or SIGTERM)
// cancels it, so that nothing new is started while the requests in flight
// finish (a mutation cut off halfway has an unknown outcome); the second
// cancels the requests too (abortOf). The commands then say what exists.
func interrupts(stderr io.Writer) (context.Context, func()) {
	hard, abort := context.WithCancel(context.Background())
	soft, stop := context.WithCancel(hard)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		n := 0
		for range sigs {
			n++
			if n == 1 {
				fmt.Fprintln(stderr, "\nInterrupted: starting nothing new and letting the requests under way finish; press Ctrl-C again to abort them.")
				stop()
				continue
			}
			fmt.Fprintln(stderr, "\nInterrupted again: aborting the requests under way (their outcome is unknown).")
			abort()
			return
		}
	}()
	return withAbort(soft, hard), func() { signal.Stop(sigs); stop(); abort() }
}

type abortKey struct{}

// withAbort gives ctx the context that aborts the requests under way:
// ctx itself only stops new work.
func withAbort(ctx, hard context.Context) context.Context {
	return context.WithValue(ctx, abortKey{}, hard)
}

// abortOf is the context that aborts the requests of a run, or nil.
func abortOf(ctx context.Context) context.Context {
	hard, _ := ctx.Value(abortKey{}).(context.Context)
	return hard
}

// runContext runs the command line with ctx, which ends on an interrupt.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cli CLI
	cli.stdin, cli.stdout, cli.stderr = stdin, stdout, stderr
	exit := -1
	parser, err := newParser(&cli,
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exit = code; panic(exitSignal{}) }),
	)
	if err != nil {
		fmt.Fprintf(stderr, "dokploy-sync: %v\n", err)
		return 1
	}
	code := func() (code int) {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(exitSignal); ok {
					code = exit
					return
				}
				panic(r)
			}
		}()
		if err := singleDash(parser.Model, args); err != nil {
			parser.Errorf("%s", err)
			parser.Exit(80) // a usage error, like kong's
			return 80
		}
		kctx, err := parser.Parse(args)
		var hookErr *exitError
		if errors.As(err, &hookErr) { // from a hook (AfterApply), not a usage error
			fmt.Fprintf(stderr, "Error: %s\n", hookErr.msg)
			return hookErr.code
		}
		if err != nil {
			parser.Errorf("%s", err)
			parser.Exit(80) // kong's usage-error code
			return 80
		}
		cli.Globals.given = flagsGiven(kctx)
		kctx.BindTo(ctx, (*context.Context)(nil))
		err = kctx.Run(&cli.Globals)
		if err == nil {
			return 0
		}
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintf(stderr, "Error: %s\n", ee.msg)
			}
			code = ee.code
		} else {
			fmt.Fprintf(stderr, "Error: %s\n", err)
		}
		if ctx.Err() != nil && code != 0 {
			return exitInterrupted
		}
		return code
	}()
	return code
}

type exitSignal struct{}

// newParser is the kong parser of the command line (also the model that
// completion and the tests walk), with extra options such as the writers.
func newParser(cli *CLI, extra ...kong.Option) (*kong.Kong, error) {
	return kong.New(cli, append([]kong.Option{
		kong.Name("dokploy-sync"),
		kong.Description("Make a Dokploy server match a dokploy.yaml kept in git."),
		kong.Vars{"version": versionText(version, commit, date, buildInfo()), // the defaults where they are defined
			"maxPoolCalls": strconv.Itoa(dokploy.DefaultMaxPoolCalls), "maxHostCalls": strconv.Itoa(dokploy.DefaultMaxHostCalls), "maxMutations": strconv.Itoa(dokploy.DefaultMaxMutations), "maxReadBatches": strconv.Itoa(dokploy.DefaultMaxReadBatches), "bodyBudget": strconv.Itoa(dokploy.DefaultBodyBudget),
			"maxSpecSize": strconv.Itoa(spec.DefaultMaxSpecSize)},
		kong.ShortUsageOnError(),
		kong.HelpOptions{Compact: true},
	}, extra...)...)
}

// AfterApply reads the API key from --api-key-file (DOKPLOY_API_KEY_FILE)
// once the flags are parsed. A key given both ways is refused rather than
// one of them chosen silently.
func (g *Globals) AfterApply() error {
	if g.APIKeyFile == "" {
		return nil
	}
	if g.APIKey != "" {
		return &exitError{code: 1, msg: "the API key is given twice (DOKPLOY_API_KEY or --api-key, and DOKPLOY_API_KEY_FILE or --api-key-file); give it once"}
	}
	b, err := os.ReadFile(g.APIKeyFile)
	if err != nil {
		return &exitError{code: 1, msg: "reading the API key file: " + err.Error()}
	}
	g.APIKey = strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(g.APIKey) == "" {
		return &exitError{code: 1, msg: fmt.Sprintf("the API key file %s is empty", g.APIKeyFile)}
	}
	return nil
}
