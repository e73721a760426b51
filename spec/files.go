package spec

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

// Files next to the spec that are read into it (besides env files):
//
//   - a field that names a file (kinds.Field.FileOf: a file mount's
//     contentFile), read into the value of the field it stands for (the
//     mount's content) when the item does not set that one;
//   - a compose service's composeFile: when the value spans several lines it
//     IS the compose file; otherwise it is a path, and the file is read into
//     Compose.ComposeContent.
//
// Paths are relative to the directory of dokploy.yaml (File.Dir), like
// envFile. The files are taken byte for byte: they are NOT interpolated
// (a compose file uses ${VAR} for its own variables, which Dokploy fills
// from the service's env at deploy time). An inline compose file is a
// value of dokploy.yaml and is interpolated like any other: write $${VAR}
// there for compose's own variables.
//
// A path that uses an unset ${VAR} is not read: the mount's content
// (Meta.Unknown["content"], with no value) or the compose file
// (Meta.Unknown["composeFile"], with ComposeContent holding the raw value)
// is then unknown.

// maxFileSize bounds a file read into the spec: Dokploy keeps mount contents
// and compose files as text in its database.
const maxFileSize = 4 << 20

// loadFiles reads the files the described items name (a mount's
// contentFile) and the composeFile of every compose service.
func (d *decoder) loadFiles(f *File) {
	f.WalkObjects(func(addr string, o *Object) {
		for _, fl := range o.Kind.Fields {
			if fl.FileOf != "" {
				d.loadField(f.Dir, addr, o, fl, itemField(o.Kind.Key, d.itemIdx[&o.Meta], fl.Name))
			}
		}
	})
	eachEnvironment(f, func(_, _, eaddr string, e *Environment) {
		for _, cn := range sortedKeys(e.Compose) {
			if c := e.Compose[cn]; c != nil {
				d.loadCompose(f.Dir, childAddress(eaddr, "compose", cn), c)
			}
		}
	})
}

// eachEnvironment calls fn for every environment of the file (those
// decoded: a null entry is none), in name order, with its address.
func eachEnvironment(f *File, fn func(project, env, addr string, e *Environment)) {
	for _, pn := range sortedKeys(f.Projects) {
		p := f.Projects[pn]
		if p == nil {
			continue
		}
		for _, en := range sortedKeys(p.Environments) {
			if e := p.Environments[en]; e != nil {
				fn(pn, en, childAddress(childAddress("", "", pn), "", en), e)
			}
		}
	}
}

// loadField reads the file the field fl of o names into the value of the
// field it stands for (fl.FileOf), unless o sets that one too (Validate
// reports both). field is fl's path in messages.
func (d *decoder) loadField(dir, addr string, o *Object, fl *kinds.Field, field string) {
	p, ok := o.Values[fl.Name].(string)
	if !ok || o.Values[fl.FileOf] != nil {
		return
	}
	if v := o.Unknown[fl.Name]; v != "" {
		if _, dup := o.Unknown[fl.FileOf]; !dup {
			o.Unknown[fl.FileOf] = v
		}
		return
	}
	pos := at(&o.Meta, fl.Name)
	if strings.TrimSpace(p) == "" {
		d.errorf(pos, addr, "%s: must not be empty: give the path of a file next to the spec, or use %s", field, fl.FileOf)
		return
	}
	text, err := readTextFile(d.root(dir), p, fl.Name)
	if err != nil {
		d.errorf(pos, addr, "%s %s: %s", field, strconv.Quote(p), err)
		return
	}
	o.Values[fl.FileOf] = text
}

func (d *decoder) loadCompose(dir, addr string, c *Compose) {
	if c.ComposeFile == nil {
		return
	}
	v := *c.ComposeFile
	if strings.Contains(v, "\n") || c.Unknown["composeFile"] != "" {
		c.ComposeContent = &v
		return
	}
	pos := at(&c.Meta, "composeFile")
	if strings.TrimSpace(v) == "" {
		d.errorf(pos, addr, "composeFile: must not be empty: give the path of a compose file next to the spec, or the compose file itself as a block (composeFile: |)")
		return
	}
	text, err := readTextFile(d.root(dir), v, "composeFile")
	if err != nil {
		if _, serr := os.Stat(resolvePath(dir, v)); serr != nil && (strings.ContainsAny(v, "{}") || strings.Contains(v, ": ")) {
			// A compose file on one line: it was read as a path.
			err = errors.New("no such file; a value on one line is the path of a compose file next to the spec: write a compose file inline as a block over several lines (composeFile: |)")
		}
		d.errorf(pos, addr, "composeFile %s: %s", quoteShort(v), err)
		return
	}
	c.ComposeContent = &text
}

// readTextFile reads a file next to the spec (contentFile, composeFile),
// which must be a regular UTF-8 text file of at most maxFileSize bytes.
func readTextFile(root fileRoot, path, what string) (string, error) {
	full, st, err := root.statRegular(path, what)
	if err != nil {
		return "", err
	}
	if st.Size() > maxFileSize {
		return "", fmt.Errorf("%s is larger than %d MiB; Dokploy keeps the content as text in its database", full, maxFileSize>>20)
	}
	b, err := os.ReadFile(full)
	if err != nil {
		return "", unwrapPathError(err)
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%s is not UTF-8 text", full)
	}
	return string(b), nil
}
