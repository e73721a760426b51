package spec

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Sensitive stands for a secret written in the file, in Render's output.
const Sensitive = "(sensitive)"

// Render loads a spec like Load and writes it out as one YAML document, the
// way plan reads it: its files merged, extends resolved, anchors, aliases
// and merge keys expanded, x- keys and extends left out. ${VAR}s stay as
// written (nothing is read from the environment into the output), and a
// secret written in the file itself (a password, an env value whose name
// says it is secret) is shown as "(sensitive)". The output is nil when the
// spec has errors.
func Render(path string, opts Options) ([]byte, Diagnostics) {
	opts.keepTree = true
	f, ds := Load(path, opts)
	if f == nil || ds.HasErrors() {
		return nil, ds
	}
	r := renderer{secret: f.secretNodes, d: &decoder{aliases: f.aliases}}
	v := r.value(f.tree, 0)
	var b bytes.Buffer
	b.WriteString("# " + path + ", as dokploy-sync reads it (dokploy-sync render)\n")
	out, err := yaml.MarshalWithOptions(v, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		ds = append(ds, Diagnostic{Pos: Position{File: path}, Message: "cannot write the spec out: " + err.Error()})
		return nil, ds
	}
	b.Write(out)
	if !bytes.HasSuffix(out, []byte("\n")) {
		b.WriteByte('\n')
	}
	return b.Bytes(), ds
}

type renderer struct {
	secret map[ast.Node]bool
	d      *decoder // for entries and resolve; it reports nothing that Load did not
}

// value turns a node into what goccy/go-yaml writes back: yaml.MapSlice
// for mappings (in the file's order), lists and scalars.
func (r renderer) value(n ast.Node, depth int) any {
	rn, tag, ok := r.d.resolve(n, ctx{})
	if !ok {
		return nil
	}
	if r.secret[rn] && !strings.Contains(rn.GetToken().Value, "${") {
		return Sensitive
	}
	switch x := rn.(type) {
	case nil, *ast.NullNode:
		if tag == "!!str" {
			return ""
		}
		return nil
	case *ast.MappingNode, *ast.MappingValueNode:
		var out yaml.MapSlice
		for _, e := range r.d.entries(x, ctx{}, 0) {
			if depth == 0 && strings.HasPrefix(e.key, "x-") || depth == 4 && e.key == "extends" {
				continue
			}
			out = append(out, yaml.MapItem{Key: e.key, Value: r.value(e.value, depth+1)})
		}
		if out == nil {
			return yaml.MapSlice{}
		}
		return out
	case *ast.SequenceNode:
		out := make([]any, 0, len(x.Values))
		for _, it := range x.Values {
			out = append(out, r.value(it, depth+1))
		}
		return out
	case *ast.StringNode:
		return x.Value
	case *ast.LiteralNode:
		if x.Value == nil {
			return ""
		}
		return x.Value.Value
	case *ast.BoolNode:
		if tag == "!!str" {
			return x.GetToken().Value
		}
		return x.Value
	case *ast.IntegerNode, *ast.FloatNode:
		text := x.GetToken().Value
		if tag == "!!str" {
			return text
		}
		if i, err := strconv.ParseInt(text, 0, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
		return text
	}
	return rn.GetToken().Value
}
