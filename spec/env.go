package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/joho/godotenv"
)

// Env files and env merging.
//
// A resource's env is managed when the spec has `env` or `envFile` (even
// `env: {}` or `env: null`, which clear it); EnvVars is then the merged map:
// the envFile files in order (a later file wins), then the inline `env`
// (which wins over every file). Without either key EnvVars is nil and the
// live env is left alone.
//
// envFile paths are relative to the directory of dokploy.yaml (File.Dir;
// the current directory for stdin). Files are read with godotenv v1.5.1
// (godotenv.Read, which never touches the process environment). Its rules,
// which differ from shell and from dokploy.yaml:
//
//   - Lines are KEY=VALUE, KEY: VALUE or export KEY=VALUE; whole-line #
//     comments; CRLF is fine. A line without = or : is an error.
//   - Unquoted values are trimmed; an inline comment starts at the last " #"
//     (so P=pa#ss keeps its #, and M=a # b # c gives "a # b").
//   - 'single-quoted' values are literal.
//   - "double-quoted" values may span lines and turn \n and \r into
//     newlines.
//   - In unquoted and double-quoted values, ${VAR} and $VAR are expanded
//     from keys defined EARLIER IN THE SAME FILE only, and only when the name
//     is upper case ([A-Z0-9_]+). Anything else, a process environment
//     variable or a --var-file variable included, becomes "" (so an unquoted
//     pa$SWORD is "pa"). The name in $(NAME) and ${NAME without "}" is
//     expanded too, and so are digits: an unquoted pa$1 is "pa". validate
//     warns about each of these (envscan.go). \$ escapes a dollar. dokploy.yaml's own ${VAR}
//     interpolation is NOT applied to env files. Dokploy references such as
//     ${{project.KEY}} pass through unchanged, but single quotes are the
//     safe way to write them and any value with a $.
//   - A later duplicate key wins. godotenv accepts odd keys (with spaces, or
//     starting with a digit); dokploy-sync rejects what is not
//     [A-Za-z_][A-Za-z0-9_.-]*.
//
// godotenv's errors carry no line and quote the rest of the file, secrets
// included; dokploy-sync prints "file:LINE: <error>" instead, without the
// quoted text.

// resolveEnv reads the env files and fills EnvVars for every resource.
func (d *decoder) resolveEnv(f *File) {
	for _, pn := range sortedKeys(f.Projects) {
		p := f.Projects[pn]
		if p == nil {
			continue
		}
		paddr := childAddress("", "", pn)
		p.EnvVars = d.mergeEnv(f.Dir, paddr, &p.Meta, p.Env, &p.EnvFile)
		for _, en := range sortedKeys(p.Environments) {
			e := p.Environments[en]
			if e == nil {
				continue
			}
			eaddr := childAddress(paddr, "", en)
			e.EnvVars = d.mergeEnv(f.Dir, eaddr, &e.Meta, e.Env, &e.EnvFile)
			for _, an := range sortedKeys(e.Applications) {
				a := e.Applications[an]
				if a == nil {
					continue
				}
				a.EnvVars = d.mergeEnv(f.Dir, childAddress(eaddr, "application", an), &a.Meta, a.Env, &a.EnvFile)
			}
			for _, db := range e.Databases() {
				c := db.DatabaseCommon
				c.EnvVars = d.mergeEnv(f.Dir, childAddress(eaddr, db.Kind, db.Name), &c.Meta, c.Env, &c.EnvFile)
			}
			for _, cn := range sortedKeys(e.Compose) {
				c := e.Compose[cn]
				if c == nil {
					continue
				}
				c.EnvVars = d.mergeEnv(f.Dir, childAddress(eaddr, "compose", cn), &c.Meta, c.Env, &c.EnvFile)
			}
		}
	}
}

// mergeEnv merges the env files and the inline env of one resource.
func (d *decoder) mergeEnv(dir, addr string, meta *Meta, env map[string]string, files *StringList) map[string]string {
	if !meta.Has("env") && !meta.Has("envFile") {
		return nil
	}
	out := map[string]string{}
	items := d.listItems[files]
	for i, path := range *files {
		pos := meta.Keys["envFile"]
		var unknown bool
		if i < len(items) {
			pos, unknown = items[i].pos, items[i].unknown
		}
		if unknown {
			// The path uses an unset variable (already warned about and
			// recorded in Meta.Unknown["envFile"]).
			continue
		}
		if path == "" {
			d.errorf(pos, addr, "envFile: the path must not be empty")
			continue
		}
		vars, full, src, err := readEnvFile(d.root(dir), path)
		if err != nil {
			d.errorf(pos, addr, "envFile %s: %s", strconv.Quote(path), err)
			continue
		}
		d.emptyEnvVars(full, src, path, addr)
		for _, k := range sortedKeys(vars) {
			if !envKeyRE.MatchString(k) {
				d.errorf(pos, addr, "envFile %s: %s", strconv.Quote(path), invalidEnvKey(k))
				continue
			}
			out[k] = vars[k]
		}
	}
	for k, v := range env {
		out[k] = v
	}
	return out
}

// resolvePath returns path relative to dir (unless it is absolute).
func resolvePath(dir, path string) string {
	if filepath.IsAbs(path) || dir == "" {
		return path
	}
	return filepath.Join(dir, path)
}

// readEnvFile reads one env file and parses it with godotenv, returning
// its values, its resolved path and its text. Errors name the resolved
// path and, where it can be found, the line.
func readEnvFile(root fileRoot, path string) (map[string]string, string, []byte, error) {
	full, _, err := root.statRegular(path, "envFile")
	if err != nil {
		return nil, full, nil, err
	}
	src, err := os.ReadFile(full)
	if err != nil {
		return nil, full, nil, errors.New(dotenvError(err, full))
	}
	vars, err := godotenv.UnmarshalBytes(src)
	if err != nil {
		return nil, full, nil, errors.New(dotenvError(err, full))
	}
	return vars, full, src, nil
}

// emptyEnvVars warns about each $VAR and ${VAR} of the env file full, whose
// text is src, that godotenv turns into "" (envscan.go), at its line and
// column in the file. The variable's value, when the process environment or
// a --var-file sets it, is never shown.
func (d *decoder) emptyEnvVars(full string, src []byte, path, addr string) {
	_, refs, err := scanEnv(src)
	if err != nil {
		return
	}
	for _, r := range refs {
		pos := Position{File: full, Line: r.Line, Col: r.Col}
		quote := "put the value in single quotes to keep it as written (" + r.Key + "='...')"
		if r.Name[0] >= '0' && r.Name[0] <= '9' {
			d.warnf(pos, addr, "envFile %s: %s: %s comes out empty: godotenv reads a $ followed by digits as a variable; %s, or write \\$",
				strconv.Quote(path), r.Key, r.Text, quote)
			continue
		}
		why := r.Name + " is not defined above it in the file"
		if _, set := d.lookup(r.Name); set {
			why = "env files read only the keys defined above them in the same file, not the environment or --var-file where " + r.Name + " is set"
		}
		d.warnf(pos, addr, "envFile %s: %s: %s comes out empty: %s; %s, or define %s on a line above",
			strconv.Quote(path), r.Key, r.Text, why, quote, r.Name)
	}
}

// fileRoot is where the files a spec names (envFile, contentFile,
// composeFile) may be: dir, the directory of the spec file, and below it,
// symlinks resolved, unless outside (--allow-outside-files). A spec comes
// from a repository, maybe from a stranger's pull request: without this,
// `envFile: /proc/self/environ` or a symlink would put the API key or any
// file of the machine into a plan, a CI log or a Dokploy file mount.
type fileRoot struct {
	dir     string
	outside bool
}

// specialDirs hold files of the system, not of a project: never read,
// whatever --allow-outside-files says (/proc/self/environ passes as a
// regular file).
var specialDirs = []string{"/proc", "/sys", "/dev"}

// statRegular resolves path against the root and checks that it is a
// regular file inside it; what ("envFile", "contentFile", ...) names the
// field in the message for a missing file.
func (root fileRoot) statRegular(path, what string) (string, fs.FileInfo, error) {
	full := resolvePath(root.dir, path)
	if err := root.check(full); err != nil {
		return full, nil, err
	}
	st, err := os.Stat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return full, nil, fmt.Errorf("file %s not found (%s paths are relative to the directory of the spec file)", full, what)
	case err != nil:
		return full, nil, unwrapPathError(err)
	case st.IsDir():
		return full, nil, fmt.Errorf("%s is a directory, not a file", full)
	case !st.Mode().IsRegular():
		// A device or a pipe (/dev/stdin, /dev/zero) could block or never end.
		return full, nil, fmt.Errorf("%s is not a regular file", full)
	}
	return full, st, nil
}

// check refuses a path that is, or resolves through symlinks to, a
// special file of the system, or (unless root.outside) a file outside the
// root.
func (root fileRoot) check(full string) error {
	abs, err := filepath.Abs(full)
	if err != nil {
		return err
	}
	for _, d := range specialDirs {
		if within(d, abs) {
			return fmt.Errorf("%s is a special file of the system (under %s); dokploy-sync never reads those", full, d)
		}
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // os.Stat says so, with the usual message
	} else if err != nil {
		return unwrapPathError(err)
	}
	is := full + " is"
	if real != abs {
		is = full + " resolves to " + real + ", which is"
	}
	for _, d := range specialDirs {
		if within(d, real) {
			return fmt.Errorf("%s a special file of the system (under %s); dokploy-sync never reads those", is, d)
		}
	}
	for dir := filepath.Dir(real); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if filepath.Base(dir) == ".git" {
			// actions/checkout keeps the job's token in .git/config
			return fmt.Errorf("%s inside a .git directory (%s), which holds the repository's credentials; dokploy-sync never reads from there", is, dir)
		}
	}
	if root.outside {
		return nil
	}
	base, err := filepath.Abs(root.dir)
	if err != nil {
		return err
	}
	if b, err := filepath.EvalSymlinks(base); err == nil {
		base = b
	}
	if !within(base, real) {
		return fmt.Errorf("%s outside the directory of the spec file (%s); files a spec reads must be in its directory or below it, so that a spec cannot read other files of this machine; move the file there, or pass --allow-outside-files", is, base)
	}
	return nil
}

// within reports whether path is dir or below it (both absolute, clean).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

// dotenvError rewrites a godotenv error as "FILE:LINE: message". godotenv
// quotes the rest of the file ("... near \"KEY=...\"") or the bad value; that
// text may hold secrets, so it is dropped and only used to find the line.
func dotenvError(err error, full string) string {
	msg := err.Error()
	content, rerr := os.ReadFile(full)
	if rerr != nil {
		return full + ": " + msg
	}
	// godotenv works on the file with CRLF turned into LF.
	text := strings.ReplaceAll(string(content), "\r\n", "\n")
	line := 0
	const near = " in variable name near "
	const unterminated = "unterminated quoted value "
	switch {
	case strings.HasPrefix(msg, "unexpected character ") && strings.Contains(msg, near):
		i := strings.Index(msg, near)
		// The quoted text is the rest of the file from the bad key on.
		if rest, err := strconv.Unquote(msg[i+len(near):]); err == nil && strings.HasSuffix(text, rest) {
			line = lineAt(text, len(text)-len(rest))
		}
		msg = msg[:i] + " in variable name (each line must be KEY=VALUE)"
	case strings.HasPrefix(msg, unterminated):
		// The quoted text is the value's first line, opening quote included.
		if v := msg[len(unterminated):]; v != "" {
			if k := strings.Index(text, v); k >= 0 {
				line = lineAt(text, k)
			}
		}
		msg = "unterminated quoted value"
	}
	if line > 0 {
		return fmt.Sprintf("%s:%d: %s", full, line, msg)
	}
	return full + ": " + msg
}

// lineAt returns the 1-based line of byte offset off in text.
func lineAt(text string, off int) int {
	return 1 + strings.Count(text[:off], "\n")
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// ReadVarFile reads a --var-file (KEY=VALUE lines, godotenv rules, see
// above) without touching the process environment.
//
// Unlike envFile, a var file may be a pipe or a device, so that
// --var-file <(pass show env) and --var-file /dev/stdin work.
func ReadVarFile(path string) (map[string]string, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("var file %s: is a directory, not a file", path)
	}
	vars, err := readDotenv(path)
	if err != nil {
		return nil, fmt.Errorf("var file %w", err)
	}
	return vars, nil
}

// readDotenv reads a dotenv file named by the user with godotenv: errors
// begin with path ("PATH: no such file", "PATH:LINE: message").
func readDotenv(path string) (map[string]string, error) {
	vars, err := godotenv.Read(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", path, pe.Err)
		}
		return nil, errors.New(dotenvError(err, path))
	}
	return vars, nil
}

// ReadEnvFile reads a dotenv file named on the command line (env push
// FILE) with the rules of envFile (above): godotenv, errors as
// "FILE:LINE: message" without the file's text, keys that dokploy.yaml
// accepts. Unlike an envFile it may be anywhere, a pipe included
// (<(pass show ...)): the user names it, not a spec.
func ReadEnvFile(path string) (map[string]string, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file", path)
	case err != nil:
		return nil, unwrapPathError(err)
	case st.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a dotenv file", path)
	}
	vars, err := readDotenv(path)
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(vars) {
		if !envKeyRE.MatchString(k) {
			return nil, fmt.Errorf("%s: %s", path, invalidEnvKey(k))
		}
	}
	return vars, nil
}

// EnvOwner is a resource of the spec that has an env: a project, an
// environment or a service.
type EnvOwner struct {
	Address string
	Kind    string // project, environment, application, compose or a database kind
	Meta    *Meta
	// Vars is the resource's merged env (its EnvVars field): nil when the
	// spec does not manage it.
	Vars *map[string]string
	// Files are its envFile paths, relative to the spec's directory.
	Files StringList
	// Protect is its protect setting (with HandsOff: a hands-off entry).
	Protect *bool
}

// Declared says whether the spec declares the env (env or envFile).
func (o *EnvOwner) Declared() bool { return o.Meta.Has("env") || o.Meta.Has("envFile") }

// Replace makes vars the whole env of the resource, as if the spec
// declared exactly it: env push plans and applies a file's env this way.
// The spec's own env, its files and its unknown values are set aside.
func (o *EnvOwner) Replace(vars map[string]string) {
	m := make(map[string]string, len(vars))
	for k, v := range vars {
		m[k] = v
	}
	*o.Vars = m
	for k := range o.Meta.Unknown {
		if k == "env" || k == "envFile" || strings.HasPrefix(k, "env.") {
			delete(o.Meta.Unknown, k)
		}
	}
}

// EnvOwnerAt returns the project, environment or service of the spec at
// addr (shop, shop/staging, shop/production/application/api), or nil.
func (f *File) EnvOwnerAt(addr string) *EnvOwner {
	parts := strings.Split(addr, "/")
	p := f.Projects[parts[0]]
	if p == nil || len(parts) == 3 || len(parts) > 4 {
		return nil
	}
	if len(parts) == 1 {
		return &EnvOwner{Address: addr, Kind: "project", Meta: &p.Meta, Vars: &p.EnvVars, Files: p.EnvFile, Protect: p.Protect}
	}
	e := p.Environments[parts[1]]
	if e == nil {
		return nil
	}
	if len(parts) == 2 {
		return &EnvOwner{Address: addr, Kind: "environment", Meta: &e.Meta, Vars: &e.EnvVars, Files: e.EnvFile, Protect: e.Protect}
	}
	kind, name := parts[2], parts[3]
	switch kind {
	case "application":
		if a := e.Applications[name]; a != nil {
			return &EnvOwner{Address: addr, Kind: kind, Meta: &a.Meta, Vars: &a.EnvVars, Files: a.EnvFile, Protect: a.Protect}
		}
	case "compose":
		if c := e.Compose[name]; c != nil {
			return &EnvOwner{Address: addr, Kind: kind, Meta: &c.Meta, Vars: &c.EnvVars, Files: c.EnvFile, Protect: c.Protect}
		}
	default:
		for _, d := range e.Databases() {
			if d.Kind == kind && d.Name == name {
				c := d.DatabaseCommon
				return &EnvOwner{Address: addr, Kind: kind, Meta: &c.Meta, Vars: &c.EnvVars, Files: c.EnvFile, Protect: c.Protect}
			}
		}
	}
	return nil
}
