package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/export"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// exportCmd writes a dokploy.yaml from the live state of the server.
type exportCmd struct {
	Project        []string `name:"project" sep:"none" help:"Export this project (repeatable; default: every project on the server)." placeholder:"NAME"`
	Output         string   `short:"o" name:"output" default:"dokploy.yaml" help:"The spec file to write; the env files and secrets.env go next to it. A directory (one that exists, or a path ending in /) gets a directory spec: dokploy.yaml with the instance resources and one dokploy.PROJECT.yaml per project." placeholder:"FILE|DIR"`
	EnvDir         string   `name:"env-dir" help:"Directory for the env files (default: env next to the output)." placeholder:"DIR"`
	IncludeSecrets bool     `name:"include-secrets" help:"Write env values and passwords into the spec itself (mode 0600) instead of env files and secrets.env."`
	Force          bool     `name:"force" help:"Overwrite files that already exist."`
}

func (c *exportCmd) Run(ctx context.Context, g *Globals) error {
	if c.Output == "-" || c.Output == "" {
		return &exitError{code: 1, msg: "-o: give the path of the spec to write (the env files and secrets.env go next to it)"}
	}
	output, split := c.Output, false
	if st, err := os.Stat(c.Output); err == nil && st.IsDir() || strings.HasSuffix(c.Output, "/") || strings.HasSuffix(c.Output, string(filepath.Separator)) {
		output, split = filepath.Join(c.Output, "dokploy.yaml"), true
	}
	specArg := output // what plan -f takes
	if split {
		specArg = filepath.Clean(c.Output)
	}
	client, err := g.newClient(ctx, nil)
	if err != nil {
		return err
	}
	secret := newRedactor(g.APIKey)
	if g.Verbose {
		defer func() {
			fmt.Fprintf(g.stderr, "dokploy: %d HTTP requests in %d round trips (%s)\n", client.Requests(), client.RoundTrips(), client.Transport())
		}()
	}
	names := c.Project
	if len(names) == 0 {
		if names, err = export.ProjectNames(ctx, client); err != nil {
			return &exitError{code: 1, msg: secret.redact("reading the projects: " + err.Error())}
		}
	}
	live, err := client.Observe(ctx, names, export.InstanceKinds()...)
	if err != nil {
		return &exitError{code: 1, msg: secret.redact("reading the live state: " + err.Error())}
	}
	secret.addLive(live)

	envDir := ""
	if c.EnvDir != "" {
		envDir = c.EnvDir
		if !filepath.IsAbs(envDir) {
			// --env-dir is relative to the current directory; the spec
			// refers to the files relative to its own directory.
			specDir, err1 := filepath.Abs(filepath.Dir(output))
			abs, err2 := filepath.Abs(envDir)
			if err := errors.Join(err1, err2); err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			if rel, err := filepath.Rel(specDir, abs); err == nil {
				envDir = rel
			} else {
				envDir = abs
			}
		}
		specDir, err1 := filepath.Abs(filepath.Dir(output))
		abs, err2 := filepath.Abs(c.EnvDir)
		rel, err3 := filepath.Rel(specDir, abs)
		if (errors.Join(err1, err2, err3) != nil || !filepath.IsLocal(rel)) && !g.AllowOutsideFiles {
			return &exitError{code: 1, msg: fmt.Sprintf("--env-dir %s is outside the directory of %s, and a spec reads only files in its directory or below it; choose a directory there, or pass --allow-outside-files (to every plan and apply of that spec too)", c.EnvDir, output)}
		}
	}
	res, err := export.Build(live, export.Options{Projects: c.Project, EnvDir: envDir, IncludeSecrets: c.IncludeSecrets, Split: split})
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintf(g.stderr, "Warning: %s\n", w)
		}
	}
	if errors.Is(err, export.ErrNothing) {
		return &exitError{code: 1, msg: "nothing to export; nothing was written"}
	}
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	if err := export.Write(res, output, c.Force, c.IncludeSecrets); err != nil {
		return &exitError{code: 1, msg: "writing the export: " + err.Error()}
	}
	c.report(g, res, output)

	check, err := export.Verify(res, output, live, g.AllowOutsideFiles)
	if err != nil {
		return &exitError{code: 1, msg: "checking the export: " + err.Error()}
	}
	varFile := ""
	for _, f := range res.Files {
		if f.Path == export.SecretsFile {
			varFile = " --var-file " + export.FilePath(output, f)
		}
	}
	// Warnings of validate (say, https without a certificate) describe the
	// live state as it is; errors and changes mean the export is wrong.
	// With --include-secrets, every secret written in the file is a warning
	// the user asked for: those are left out.
	var diags spec.Diagnostics
	for _, d := range check.Diagnostics {
		if c.IncludeSecrets && d.Severity == spec.Warning && strings.Contains(d.Message, "the secret is written in the file") {
			continue
		}
		diags = append(diags, d)
	}
	fmt.Fprint(g.stderr, diags.String())
	for _, ch := range check.Changes {
		fmt.Fprintf(g.stderr, "Warning: %s\n", secret.redact(ch))
	}
	if check.OK() {
		fmt.Fprintf(g.stdout, "\nChecked: dokploy-sync plan -f %s%s shows no changes.\n", specArg, varFile)
	} else {
		fmt.Fprintf(g.stderr, "Warning: dokploy-sync plan -f %s%s does not show \"No changes.\" (above): edit the spec by hand, and please report what dokploy-sync could not export\n", specArg, varFile)
	}
	return nil
}

// report prints what was written.
func (c *exportCmd) report(g *Globals, res *export.Result, output string) {
	n := res.Counts
	var parts []string
	for _, p := range []struct {
		n          int
		one, other string
	}{
		{n.Environments, "environment", "environments"}, {n.Applications, "application", "applications"},
		{n.Databases, "database", "databases"}, {n.Compose, "compose service", "compose services"},
	} {
		parts = append(parts, fmt.Sprintf("%d %s", p.n, plural(p.n, p.one, p.other)))
	}
	fmt.Fprintf(g.stdout, "Exported %d %s (%s).\n", n.Projects, plural(n.Projects, "project", "projects"), strings.Join(parts, ", "))
	mode := ""
	if c.IncludeSecrets {
		mode = " (mode 0600: it holds env values and passwords)"
	}
	fmt.Fprintf(g.stdout, "Wrote %s%s\n", output, mode)
	envDirs := map[string]bool{}
	secretsPath := ""
	for _, f := range res.Files {
		p := export.FilePath(output, f)
		switch {
		case f.Path == export.SecretsFile:
			secretsPath = p
		case strings.HasSuffix(f.Path, ".env"):
			envDirs[filepath.Dir(p)] = true
		default:
			fmt.Fprintf(g.stdout, "Wrote %s\n", p)
		}
	}
	if n.EnvFiles > 0 {
		fmt.Fprintf(g.stdout, "Wrote %d env %s under %s (mode 0600)\n", n.EnvFiles, plural(n.EnvFiles, "file", "files"), envRoot(c, output))
	}
	if secretsPath != "" {
		fmt.Fprintf(g.stdout, "Wrote %s: %d %s (mode 0600)\n", secretsPath, n.Secrets, plural(n.Secrets, "secret", "secrets"))
	}
	fmt.Fprintln(g.stdout)
	switch {
	case c.IncludeSecrets:
		held := output + " holds"
		if len(res.Specs) > 0 {
			held = filepath.Join(filepath.Dir(output), "dokploy*.yaml") + " hold"
		}
		fmt.Fprintf(g.stdout, "%s secrets in clear: keep it out of git.\n", held)
	case secretsPath != "" || n.EnvFiles > 0:
		var keep []string
		if secretsPath != "" {
			keep = append(keep, secretsPath)
		}
		if n.EnvFiles > 0 {
			keep = append(keep, envRoot(c, output)+" (env values)")
		}
		fmt.Fprintf(g.stdout, "Keep %s out of git (add %s to .gitignore, or encrypt them).\n", strings.Join(keep, " and "), plural(len(keep), "it", "them"))
		if secretsPath != "" {
			fmt.Fprintf(g.stdout, "Pass the secrets to plan and apply with: --var-file %s\n", secretsPath)
		}
	}
}

// envRoot is the env file directory, as given or next to the output.
func envRoot(c *exportCmd, output string) string {
	if c.EnvDir != "" {
		return c.EnvDir
	}
	return filepath.Join(filepath.Dir(output), "env")
}
