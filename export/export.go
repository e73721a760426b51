// Package export writes a dokploy.yaml from what a Dokploy server has now
// (dokploy-sync export), so that an existing server can be adopted: the
// spec it writes loads without errors and plans to "No changes." against
// the server it came from.
//
// What it writes:
//
//   - The spec: the chosen projects (all by default) with their
//     environments, applications, databases and compose services. The
//     default environment is always "production" in the spec, whatever its
//     live name. appName is never written (the live service is adopted by
//     name), nor is a database's data volume (<appName>-data).
//   - Only the fields whose live value differs from what Dokploy gives a new
//     resource (buildType nixpacks, replicas 1, a domain's path "/", port
//     3000, certificateType none, a port's tcp and ingress, ...), so the
//     file stays short. A field left out is not managed by dokploy-sync.
//   - Order: projects, environments and services by name (byte order);
//     the fields of each in the order of spec/types.go (the order the
//     JSON Schema and the README list them in); domains by host and path,
//     ports by published port, mounts by mount path, redirects by regex,
//     basic-auth users by username. The same server state always gives the
//     same bytes.
//   - Secrets never go into the spec: env values go to one dotenv file per
//     resource under the env directory (envFile:), written so that both
//     godotenv (spec.Load) and Dokploy read them back the same
//     (envfile.go); database, root, registry and basic-auth passwords and
//     build secrets become ${VAR}s with generated names (names.go) whose
//     values are in secrets.env (mode 0600). With IncludeSecrets everything
//     is inline instead.
//   - Env values that hold another exported service's appName become
//     references, inline in the spec (refs.go).
//
// Names that cannot be matched (two live projects, environments or
// services with one name) are skipped with a warning; so are values
// dokploy.yaml cannot hold, which then stay unmanaged.
package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/internal/atomicfile"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// SecretsFile is the name of the file with the secrets' values, next to
// the spec.
const SecretsFile = "secrets.env"

// Options control what is exported and where the files go.
type Options struct {
	// Projects are the names of the projects to export; none: every project
	// of the live state.
	Projects []string
	// EnvDir is the directory of the env files, relative to the spec's
	// directory (or absolute); default "env".
	EnvDir string
	// IncludeSecrets writes env values and passwords into the spec itself:
	// no env files, no secrets.env.
	IncludeSecrets bool
	// Split writes a directory spec: YAML (dokploy.yaml) holds apiVersion
	// and the instance resources, and each project goes to a file of its
	// own, dokploy.PROJECT.yaml, among Files (Result.Specs names them).
	Split bool
}

// Result is an export in memory: the spec and the files next to it.
type Result struct {
	YAML  []byte
	Files []File // env files, compose files, file contents, secrets.env
	// Vars are the values of the spec's ${VAR}s (what secrets.env holds).
	Vars     map[string]string
	Warnings []string
	Counts   Counts
	// Specs are the paths, among Files, of the spec's other files (Split).
	Specs []string
}

// File is a file written with the spec. Path is slash-separated, relative
// to the spec's directory unless absolute.
type File struct {
	Path string
	Data []byte
	Mode fs.FileMode
}

// Counts are what the spec declares.
type Counts struct {
	Projects, Environments, Applications, Databases, Compose int
	EnvFiles, Secrets                                        int
}

// ErrNothing is returned by Build when no project could be exported.
var ErrNothing = errors.New("nothing to export")

// ProjectNames lists the names of the server's projects (one project.all
// call), sorted, each once.
func ProjectNames(ctx context.Context, c *dokploy.Client) ([]string, error) {
	var all []struct {
		Name string `json:"name"`
	}
	call := dokploy.NewCall("project.all", nil, &all)
	if err := c.Do(ctx, call); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, p := range all {
		if !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Build writes the spec of the live state in memory. It returns ErrNothing
// (with the warnings that explain why) when no project could be exported.
func Build(live *dokploy.Live, opts Options) (*Result, error) {
	envDir := opts.EnvDir
	if envDir == "" {
		envDir = "env"
	}
	envDir = filepath.ToSlash(filepath.Clean(envDir))
	b := &builder{
		opts:     opts,
		res:      &Result{Vars: map[string]string{}},
		vars:     varNames{},
		files:    fileNames{},
		index:    newRefIndex(),
		dirs:     map[string]string{},
		dbVars:   map[*dokploy.Database][2]string{},
		envDir:   envDir,
		filesDir: "files",
		live:     live,
		refNames: map[string]map[string]string{},
	}
	b.refShared = map[string]map[string]bool{}
	for _, kind := range InstanceKinds() {
		switch err := live.ItemErrors[kind]; {
		case err == nil:
		case kinds.ByName(kind).ReadOnly:
			b.warnf(kind, "%v; the fields that name one are written as ids, or left out where the spec takes no id", err)
		default:
			b.warnf(kind, "%v; none exported", err)
		}
	}
	for kind, rows := range live.Items {
		if k := kinds.ByName(kind); k != nil {
			b.refNames[kind], b.refShared[kind] = map[string]string{}, map[string]bool{}
			seen := map[string]bool{}
			for _, r := range rows {
				name, _ := r[k.NameField].(string)
				b.refNames[kind][r.ID(k.IDKey)] = name
				b.refShared[kind][name] = seen[name]
				seen[name] = true
			}
		}
	}
	projects := b.choose(live)
	if len(projects) == 0 {
		if len(live.Projects) == 0 && len(opts.Projects) == 0 {
			b.warnf("", "the server has no projects")
		}
		return b.res, ErrNothing
	}
	root := b.build(projects)
	header := "# Written by dokploy-sync export from the live state of a Dokploy server.\n"
	if opts.IncludeSecrets {
		header += "# It holds env values and passwords in clear (--include-secrets): keep it out of git.\n"
	} else if len(b.secrets) > 0 {
		header += "# Secrets are ${VAR}s: pass their values with --var-file " + SecretsFile + " (keep that file out of git).\n"
	}
	if opts.Split {
		if err := b.split(&root, header); err != nil {
			return nil, err
		}
		header += "# The projects are in the dokploy.*.yaml files next to this one: the directory is one spec (-f DIR).\n"
	}
	body, err := marshal(root)
	if err != nil {
		return nil, err
	}
	b.res.YAML = append([]byte(header), body...)
	if len(b.secrets) > 0 {
		var sb strings.Builder
		sb.WriteString("# Secrets of the dokploy.yaml written by dokploy-sync export. Keep this file out of git.\n")
		sb.WriteString("# Use it with: dokploy-sync plan --var-file " + SecretsFile + "\n")
		last := ""
		for _, s := range b.secrets {
			if s.addr != last {
				sb.WriteString("# " + oneLine(s.addr) + "\n")
				last = s.addr
			}
			line, _, ok := envLine(s.name, s.value)
			if !ok {
				continue // warned about in addSecret
			}
			sb.WriteString(line + "\n")
			b.res.Vars[s.name] = s.value
		}
		b.addFile(SecretsFile, sb.String(), 0o600)
		b.res.Counts.Secrets = len(b.secrets)
	}
	return b.res, nil
}

// split moves each project of root to a file of its own, dokploy.NAME.yaml
// (NAME made safe for a file name), which repeats apiVersion as every file
// of a directory spec does.
func (b *builder) split(root *yaml.MapSlice, header string) error {
	var rest yaml.MapSlice
	for _, it := range *root {
		if it.Key != "projects" {
			rest = append(rest, it)
			continue
		}
		for _, p := range it.Value.(yaml.MapSlice) {
			body, err := marshal(yaml.MapSlice{{Key: "apiVersion", Value: spec.APIVersion}, {Key: "projects", Value: yaml.MapSlice{p}}})
			if err != nil {
				return err
			}
			mode := fs.FileMode(0o644)
			if b.opts.IncludeSecrets {
				mode = 0o600
			}
			name := b.files.name("", "dokploy."+p.Key.(string), ".yaml")
			b.addFile(name, header+string(body), mode)
			b.res.Specs = append(b.res.Specs, name)
		}
	}
	*root = rest
	return nil
}

// Write writes the spec to specPath and the other files next to it. It
// refuses to replace an existing file unless force. Files are written
// whole (a temporary file renamed), with their modes; the spec is 0600
// when it holds secrets.
func Write(res *Result, specPath string, force bool, includeSecrets bool) error {
	dir := filepath.Dir(specPath)
	type out struct {
		path string
		data []byte
		mode fs.FileMode
	}
	specMode := fs.FileMode(0o644)
	if includeSecrets {
		specMode = 0o600
	}
	outs := []out{{specPath, res.YAML, specMode}}
	for _, f := range res.Files {
		outs = append(outs, out{FilePath(specPath, f), f.Data, f.Mode})
	}
	seen := map[string]bool{}
	for _, o := range outs {
		clean := filepath.Clean(o.path)
		if seen[clean] {
			return fmt.Errorf("%s would be written twice; choose another --env-dir or output", o.path)
		}
		seen[clean] = true
		if force {
			continue
		}
		if _, err := os.Lstat(o.path); err == nil {
			return fmt.Errorf("%s already exists; nothing was written (pass --force to overwrite)", o.path)
		}
	}
	for _, o := range outs {
		dmode := fs.FileMode(0o755)
		if o.mode&0o077 == 0 && filepath.Dir(o.path) != filepath.Clean(dir) {
			dmode = 0o700 // the env file directories hold secrets
		}
		if err := os.MkdirAll(filepath.Dir(o.path), dmode); err != nil {
			return err
		}
		if err := atomicfile.Write(o.path, o.data, o.mode); err != nil {
			return err
		}
	}
	return nil
}

// FilePath is where a file of the result goes for a spec at specPath.
func FilePath(specPath string, f File) string {
	p := filepath.FromSlash(f.Path)
	if filepath.IsAbs(p) || path.IsAbs(f.Path) {
		return p
	}
	return filepath.Join(filepath.Dir(specPath), p)
}

// Check is the outcome of Verify.
type Check struct {
	Diagnostics spec.Diagnostics
	// Changes are the plan's changes (each "address: fields"), and its
	// errors; none when the export round-trips.
	Changes []string
}

// OK reports that the spec loads without errors and plans to no changes.
func (c *Check) OK() bool { return !c.Diagnostics.HasErrors() && len(c.Changes) == 0 }

// Verify loads the spec written at specPath with the secrets written next
// to it, as plan --var-file secrets.env would (the process environment is
// not read), and plans it against the live state it came from; a split
// export is loaded as the directory spec it is. An export
// that round-trips has no error diagnostics and an empty plan.
// allowOutside is --allow-outside-files: the env files may be outside the
// spec's directory.
func Verify(res *Result, specPath string, live *dokploy.Live, allowOutside bool) (*Check, error) {
	vars := map[string]string{}
	for _, f := range res.Files {
		if f.Path == SecretsFile {
			v, err := spec.ReadVarFile(FilePath(specPath, f))
			if err != nil {
				return nil, err
			}
			vars = v
		}
	}
	load := specPath
	if len(res.Specs) > 0 {
		load = filepath.Dir(specPath) // a directory spec
	}
	f, diags := spec.Load(load, spec.Options{Vars: vars, LookupEnv: func(string) (string, bool) { return "", false }, AllowOutsideFiles: allowOutside})
	c := &Check{Diagnostics: diags}
	if f == nil || diags.HasErrors() {
		return c, nil
	}
	p := planner.Compute(f, live)
	c.Changes = append(c.Changes, p.Errors...)
	for _, ch := range p.Changes {
		var fields []string
		for _, fd := range ch.Fields {
			fields = append(fields, fd.Name)
		}
		c.Changes = append(c.Changes, fmt.Sprintf("%s would be %s (%s)", ch.Address, map[planner.Action]string{
			planner.Create: "created", planner.Update: "updated", planner.Delete: "deleted"}[ch.Action], strings.Join(fields, ", ")))
	}
	if len(p.UnsetVars) > 0 {
		c.Changes = append(c.Changes, "variables not set: "+strings.Join(p.UnsetVars, ", "))
	}
	return c, nil
}
