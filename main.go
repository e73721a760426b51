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
	"runtime/debug"

	"github.com/alecthomas/kong"

	"github.com/dokploy-sync/dokploy-sync/schema"
)

// version is set with -ldflags "-X main.version=..."; otherwise the module
// version from the build info is used.
var version = ""

// Globals are the flags every command takes.
type Globals struct {
	URL         string   `name:"url" env:"DOKPLOY_URL" help:"Dokploy panel base URL, e.g. https://dokploy.example.com." placeholder:"URL"`
	APIKey      string   `name:"api-key" env:"DOKPLOY_API_KEY,DOKPLOY_AUTH_TOKEN" help:"Dokploy API key (never printed)." placeholder:"KEY"`
	API         string   `name:"api" enum:"auto,trpc,rest" default:"auto" help:"HTTP face of the Dokploy API: auto (tRPC batches, REST when /api/trpc is refused), trpc or rest."`
	VarFile     []string `name:"var-file" type:"path" help:"dotenv file with values for the variables the spec uses (overrides the process environment); repeatable." placeholder:"FILE"`
	MaxRequests int      `name:"max-requests" default:"0" help:"Send at most N HTTP requests to Dokploy (0: no limit); a step that would need more is not sent at all." placeholder:"N"`
	URLBudget   int      `name:"url-budget" default:"8192" help:"Longest GET request line, in bytes; batched reads are split to stay under it (proxies often refuse over 8 KB)." placeholder:"BYTES"`
	Parallelism int      `name:"parallelism" default:"8" help:"HTTP requests in flight at once." placeholder:"N"`
	// MaxPoolCalls and MaxMutations: see dokploy.Options.
	MaxPoolCalls int              `name:"max-pool-calls" default:"4" help:"Calls that hold a connection of Dokploy's database pool (domain, redirect and basic-auth creates, ...) in flight at once, at most 9: Dokploy's 10-connection pool deadlocks, hanging the whole panel, at 10." placeholder:"N"`
	MaxMutations int              `name:"max-mutations" default:"16" help:"Changes (mutation calls) in flight at once." placeholder:"N"`
	Verbose      bool             `short:"v" help:"Log every HTTP request to stderr (never keys or bodies) and the request count."`
	NoColor      bool             `name:"no-color" help:"No colours (also when NO_COLOR is set or the output is not a terminal)."`
	Version      kong.VersionFlag `help:"Print the version and exit."`

	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// CLI is the command line.
type CLI struct {
	Globals

	Validate validateCmd `cmd:"" help:"Check dokploy.yaml offline: syntax, types, required fields, env files, variables."`
	Plan     planCmd     `cmd:"" help:"Read the live state of the declared projects and show what apply would change."`
	Apply    applyCmd    `cmd:"" help:"Make Dokploy match dokploy.yaml (shows the plan and asks first)."`
	Deploy   deployCmd   `cmd:"" help:"Deploy services of dokploy.yaml now, without changing their settings, and follow the deploys."`
	Export   exportCmd   `cmd:"" help:"Write a dokploy.yaml (with env files and secrets.env) from what the Dokploy server has now."`
	Schema   schemaCmd   `cmd:"" help:"Print the JSON Schema of dokploy.yaml (for editors) to stdout."`
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

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cli CLI
	cli.stdin, cli.stdout, cli.stderr = stdin, stdout, stderr
	exit := -1
	parser, err := kong.New(&cli,
		kong.Name("dokploy-sync"),
		kong.Description("Make a Dokploy server match a dokploy.yaml kept in git."),
		kong.Vars{"version": buildVersion()},
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exit = code; panic(exitSignal{}) }),
		kong.ShortUsageOnError(),
		kong.HelpOptions{Compact: true},
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
		kctx, err := parser.Parse(args)
		if err != nil {
			parser.Errorf("%s", err)
			parser.Exit(80) // kong's usage-error code
			return 80
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		kctx.BindTo(ctx, (*context.Context)(nil))
		err = kctx.Run(&cli.Globals)
		if err == nil {
			return 0
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintf(stderr, "Error: %s\n", ee.msg)
			}
			return ee.code
		}
		fmt.Fprintf(stderr, "Error: %s\n", err)
		return 1
	}()
	return code
}

type exitSignal struct{}
