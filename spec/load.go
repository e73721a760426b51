package spec

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Options controls where ${VAR} values and stdin come from.
type Options struct {
	// Vars come from --var-file; they win over the process environment.
	Vars map[string]string
	// LookupEnv reads the process environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Environ lists the process environment as KEY=VALUE (only the names
	// are used: for the did-you-mean of an unset ${VAR}); nil means
	// os.Environ when LookupEnv is nil, and no names otherwise.
	Environ func() []string
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// AllowOutsideFiles lets envFile, contentFile and composeFile name
	// files outside the spec's directory (--allow-outside-files). Special
	// files of the system (/proc, /sys, /dev) are refused all the same.
	AllowOutsideFiles bool
	// MaxSize is the largest spec, in bytes, that is parsed
	// (--max-spec-size); 0 means DefaultMaxSpecSize.
	MaxSize int

	keepTree bool // for Render
}

// StdinName is how the spec read from stdin ("-") is named in messages.
const StdinName = "<stdin>"

// Load reads, decodes, interpolates and validates a spec file. The path "-"
// reads opts.Stdin; the file is then called "<stdin>" and envFile paths are
// relative to the current directory. A directory is read as one spec made
// of its dokploy*.yaml files (merge.go).
//
// Diagnostics holds every problem found, sorted by position; check
// HasErrors. The File is nil only when there is nothing to decode (the file
// cannot be read, is empty, is not YAML, or is not a mapping). Otherwise it
// is returned even when there are errors, filled as far as the input
// allowed; it must not be used for planning or applying then.
func Load(path string, opts Options) (*File, Diagnostics) {
	if path == "-" {
		r := opts.Stdin
		if r == nil {
			r = os.Stdin
		}
		src, err := io.ReadAll(io.LimitReader(r, int64(maxSize(opts))+1))
		if err != nil {
			return nil, Diagnostics{{Pos: Position{File: StdinName}, Message: "cannot read the spec: " + err.Error()}}
		}
		dir, err := os.Getwd()
		if err != nil {
			dir = "."
		}
		return LoadBytes(StdinName, src, dir, opts)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return loadDir(path, opts)
	}
	src, err := readSpec(path, opts)
	if err != nil {
		return nil, Diagnostics{{Pos: Position{File: path}, Message: "cannot read the spec: " + err.Error()}}
	}
	return LoadBytes(path, src, filepath.Dir(path), opts)
}

// loadDir loads the spec files of a directory as one spec (merge.go).
func loadDir(dir string, opts Options) (*File, Diagnostics) {
	names, err := specFiles(dir)
	if err != nil {
		return nil, Diagnostics{{Pos: Position{File: dir}, Message: "cannot read the spec: " + unwrapPath(err).Error()}}
	}
	if len(names) == 0 {
		return nil, Diagnostics{{Pos: Position{File: dir}, Message: "cannot read the spec: the directory has no " + SpecFilePattern + " file; name the spec files dokploy.yaml, dokploy.staging.yaml, ..."}}
	}
	srcs := make([]source, 0, len(names))
	var ds Diagnostics
	for _, n := range names {
		src, err := readSpec(n, opts)
		if err != nil {
			ds = append(ds, Diagnostic{Pos: Position{File: n}, Message: "cannot read the spec: " + err.Error()})
			continue
		}
		srcs = append(srcs, source{n, src})
	}
	if len(ds) > 0 {
		return nil, ds
	}
	return loadSources(dir, srcs, dir, opts)
}

func readSpec(path string, opts Options) ([]byte, error) {
	src, err := readLimited(path, maxSize(opts))
	return src, unwrapPath(err)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var utf8BOM = []byte("\xef\xbb\xbf")

// LoadBytes is Load for a spec already in memory: name is used in messages
// and File.Path, dir is what envFile paths are relative to.
func LoadBytes(name string, src []byte, dir string, opts Options) (*File, Diagnostics) {
	return loadSources(name, []source{{name, src}}, dir, opts)
}

// loadSources loads the files of one spec, called name.
func loadSources(name string, srcs []source, dir string, opts Options) (*File, Diagnostics) {
	d := newDecoder(srcs[0].name, opts)
	f := d.load(name, srcs, dir)
	return f, d.ds.sortAndDedup()
}

func newDecoder(name string, opts Options) *decoder {
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	environ := opts.Environ
	if environ == nil && opts.LookupEnv == nil {
		environ = os.Environ
	}
	var names []string
	setVars := func() []string {
		if names != nil {
			return names
		}
		seen := map[string]bool{}
		for k := range opts.Vars {
			seen[k] = true
		}
		if environ != nil {
			for _, kv := range environ() {
				if k, _, ok := strings.Cut(kv, "="); ok && varNameRE.MatchString(k) {
					if _, set := lookup(k); set {
						seen[k] = true
					}
				}
			}
		}
		names = sortedKeys(seen)
		if names == nil {
			names = []string{}
		}
		return names
	}
	return &decoder{
		setVars: setVars,
		file:    name,
		outside: opts.AllowOutsideFiles,
		max:     maxSize(opts),
		lookup: func(k string) (string, bool) {
			if v, ok := opts.Vars[k]; ok {
				return v, true
			}
			return lookup(k)
		},
		aliases:    map[*ast.AliasNode]ast.Node{},
		warnedVars: map[string]bool{},
		unset:      map[string]bool{},
		listItems:  map[*StringList][]listItem{},
		refPos:     map[string]Position{},
		failed:     map[*Meta]map[string]bool{},
		itemIdx:    map[*Meta]int{},
		keepTree:   opts.keepTree,
	}
}

// load decodes the files of a spec: each is parsed, their trees are merged
// and the environments that extend others resolved (merge.go), then the
// whole is decoded and validated.
func (d *decoder) load(name string, srcs []source, dir string) *File {
	first := d.file
	tops := make([]ast.Node, 0, len(srcs))
	for i, s := range srcs {
		d.file = s.name
		top := d.parseTop(s.src)
		if top == nil {
			continue
		}
		if i > 0 {
			d.markFile(top, s.name)
		}
		tops = append(tops, top)
	}
	d.file = first
	if len(tops) < len(srcs) {
		return nil
	}
	top := tops[0]
	if len(tops) > 1 {
		top = d.union(tops)
	}
	top = d.extend(top)
	start := d.posOf(top)
	f := &File{Path: name, Dir: dir, start: start}
	if d.keepTree {
		d.secretNodes = map[ast.Node]bool{}
		f.tree, f.secretNodes, f.aliases = top, d.secretNodes, d.aliases
	}
	f.keys, _ = d.structValue(top, start, reflect.ValueOf(f).Elem(), ctx{pos: start})
	d.resolveEnv(f)
	d.loadFiles(f)
	f.unset = sortedSet(d.unset)
	f.secretVars = d.secretVars(f.Secrets)
	f.refPos, f.failed, f.itemIdx = d.refPos, d.failed, d.itemIdx
	d.ds = append(d.ds, Validate(f)...)
	return f
}

// parseTop parses one file (d.file) and returns its top mapping, or nil
// after reporting why there is none.
func (d *decoder) parseTop(src []byte) ast.Node {
	filePos := Position{File: d.file}
	src = bytes.TrimPrefix(src, utf8BOM)
	if line, col, msg := checkLimits(src, d.max); msg != "" {
		d.errorf(Position{File: d.file, Line: line, Col: col}, "", "%s", msg)
		return nil
	}
	const empty = "empty file: expected apiVersion and projects"
	if len(bytes.TrimSpace(src)) == 0 {
		d.errorf(filePos, "", empty)
		return nil
	}
	doc, err := parseYAML(src)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			pos := filePos
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				pos.Line, pos.Col = tk.Position.Line, tk.Position.Column
			}
			d.errorf(pos, "", "%s%s", ye.GetMessage(), flowHint(src, pos.Line))
		} else {
			d.errorf(filePos, "", "%s", err.Error())
		}
		return nil
	}
	var body ast.Node
	for _, dn := range doc.Docs {
		if dn == nil || dn.Body == nil {
			continue
		}
		if body != nil {
			d.errorf(d.posOf(dn.Body), "", "a second YAML document: the spec must be a single document (remove the \"---\" separator)")
			break
		}
		body = dn.Body
		collectAnchors(dn, map[string]ast.Node{}, d.aliases)
	}
	if body == nil {
		d.errorf(filePos, "", empty)
		return nil
	}
	top, _, ok := d.resolve(body, ctx{})
	if !ok {
		return nil
	}
	switch top.(type) {
	case *ast.NullNode:
		d.errorf(filePos, "", empty)
		return nil
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		d.errorf(d.posOf(body), "", "the document must be a mapping with apiVersion and projects, got %s", describe(top))
		return nil
	}
	return top
}

// flowHint explains the most common syntax error with ${VAR}: in a { } or
// [ ] collection the braces of an unquoted ${VAR} end the value.
func flowHint(src []byte, line int) string {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	l := lines[line-1]
	if i := bytes.Index(l, []byte("${")); i >= 0 && bytes.ContainsAny(l[:i], "{[") {
		return ` (inside { } or [ ], quote values that use ${...}: "${VAR}")`
	}
	return ""
}

// parseYAML parses with goccy/go-yaml, turning a panic in the parser into an
// error so that no input can crash the tool.
func parseYAML(src []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, errors.New("the YAML parser failed on this input (internal error); check the file's syntax")
		}
	}()
	return parseSpec(src)
}

// UnsetVars returns the sorted names of the ${VAR}s the spec uses that were
// not set.
func (f *File) UnsetVars() []string {
	return append([]string(nil), f.unset...)
}

func maxSize(opts Options) int {
	if opts.MaxSize > 0 {
		return opts.MaxSize
	}
	return DefaultMaxSpecSize
}

// readLimited reads at most max+1 bytes of a file: enough to tell that it
// is too large without reading all of it.
func readLimited(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, int64(max)+1))
}
