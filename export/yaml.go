package export

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/printer"
	"github.com/goccy/go-yaml/token"
)

// The spec is built as a tree of yaml.MapSlice (ordered mappings), []any
// (lists) and scalars (string, int, bool, number) and written with
// goccy/go-yaml, the library spec.Load reads it with. The library decides
// how each scalar is written (plain, quoted, a literal block for multi-line
// text) and quotes what YAML would read as something else ("on", "1.0",
// "a: b", " x", "x #y", ...). Where its choice would not read back (a key
// starting with "? ", a block whose lines end in spaces, control
// characters...), the scalar is written double-quoted instead. Every
// document is parsed again and compared with the tree, scalar by scalar,
// the way spec's decoder reads scalars; a scalar that does not read back is
// double-quoted and the document written again.

// number is a YAML number written as given (a CPU amount such as 0.5).
type number string

// MarshalYAML writes the number as it is.
func (n number) MarshalYAML() ([]byte, error) { return []byte(n), nil }

var encodeOptions = []yaml.EncodeOption{
	yaml.Indent(2),
	yaml.IndentSequence(true),
	yaml.UseLiteralStyleIfMultiline(true),
}

// marshal writes the tree as YAML that reads back to the same tree.
func marshal(root yaml.MapSlice) ([]byte, error) {
	forced := map[string]bool{}
	for {
		node, err := yaml.ValueToNode(root, encodeOptions...)
		if err != nil {
			return nil, err
		}
		node = fix(node, root, "", forced)
		var p printer.Printer
		out := p.PrintNode(node)
		bad, err := verify(out, root)
		if err != nil {
			return nil, fmt.Errorf("internal error: the YAML written does not parse: %w", err)
		}
		if len(bad) == 0 {
			return out, nil
		}
		n := len(forced)
		for _, b := range bad {
			forced[b] = true
		}
		if len(forced) == n {
			return nil, fmt.Errorf("internal error: a value at %s does not read back from the YAML written", bad[0])
		}
	}
}

// fix replaces the scalars of node that must be double-quoted (by rule or
// because an earlier attempt did not read back) and returns the node.
func fix(node ast.Node, v any, path string, forced map[string]bool) ast.Node {
	switch v := v.(type) {
	case yaml.MapSlice:
		m, ok := node.(*ast.MappingNode)
		if !ok {
			return node
		}
		for i, item := range v {
			if i >= len(m.Values) {
				break
			}
			mv := m.Values[i]
			p := path + "/" + strconv.Itoa(i)
			if k, _ := item.Key.(string); forced[p+"k"] || keyNeedsQuotes(k) {
				mv.Key = doubleQuoted(k, mv.Key.GetToken())
			}
			mv.Value = fix(mv.Value, item.Value, p, forced)
		}
	case []any:
		s, ok := node.(*ast.SequenceNode)
		if !ok {
			return node
		}
		for i, item := range v {
			if i < len(s.Values) {
				s.Values[i] = fix(s.Values[i], item, path+"/"+strconv.Itoa(i), forced)
			}
		}
	case string:
		if forced[path] || valueNeedsQuotes(v) {
			return doubleQuoted(v, node.GetToken())
		}
	}
	return node
}

// doubleQuoted returns a double-quoted string node for s in the place of
// the token old.
func doubleQuoted(s string, old *token.Token) *ast.StringNode {
	tk := &token.Token{}
	if old != nil {
		*tk = *old
	}
	tk.Type = token.DoubleQuoteType
	tk.CharacterType = token.CharacterTypeMiscellaneous
	tk.Indicator = token.QuotedScalarIndicator
	tk.Value = s
	tk.Origin = strconv.Quote(s)
	return ast.String(tk)
}

// keyNeedsQuotes lists what goccy/go-yaml writes plain but reads back as
// something else when it is a key.
func keyNeedsQuotes(k string) bool {
	if k == "" || k == "<<" || strings.HasPrefix(k, "?") || strings.HasPrefix(k, "---") || strings.HasPrefix(k, "...") {
		return true
	}
	return hasControl(k, false)
}

// valueNeedsQuotes says that a string value must be double-quoted: it has
// control characters, or it spans lines in a way a literal block cannot
// hold (goccy/go-yaml writes no indentation indicator and keeps no
// trailing spaces).
func valueNeedsQuotes(s string) bool {
	if strings.HasPrefix(s, "?") || strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		return true
	}
	if !strings.Contains(s, "\n") {
		return hasControl(s, false)
	}
	return !literalSafe(s)
}

// literalSafe says that goccy/go-yaml writes s, a multi-line string, as a
// literal block that reads back as s.
func literalSafe(s string) bool {
	if hasControl(s, true) || strings.Contains(s, "\r") {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[0] == '\n' {
		return false
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
			return false
		}
	}
	return true
}

// hasControl reports control or non-printable characters (newlines and
// tabs allowed in a block when multiline).
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if (r == '\n' || r == '\t') && multiline {
			continue
		}
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) && r != ' ' {
			return true
		}
	}
	return false
}

// verify parses the YAML written and returns the paths of the scalars that
// do not read back as in the tree.
func verify(src []byte, root yaml.MapSlice) ([]string, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, err
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, errors.New("expected one document")
	}
	var bad []string
	compare(f.Docs[0].Body, root, "", &bad)
	return bad, nil
}

func compare(n ast.Node, v any, path string, bad *[]string) {
	switch v := v.(type) {
	case yaml.MapSlice:
		var values []*ast.MappingValueNode
		switch m := n.(type) {
		case *ast.MappingNode:
			values = m.Values
		case *ast.MappingValueNode:
			values = []*ast.MappingValueNode{m}
		default:
			*bad = append(*bad, path)
			return
		}
		if len(values) != len(v) {
			*bad = append(*bad, path)
			return
		}
		for i, item := range v {
			p := path + "/" + strconv.Itoa(i)
			if k, ok := scalarText(values[i].Key); !ok || k != item.Key.(string) {
				*bad = append(*bad, p+"k")
			}
			compare(values[i].Value, item.Value, p, bad)
		}
	case []any:
		s, ok := n.(*ast.SequenceNode)
		if !ok || len(s.Values) != len(v) {
			*bad = append(*bad, path)
			return
		}
		for i, item := range v {
			compare(s.Values[i], item, path+"/"+strconv.Itoa(i), bad)
		}
	case string:
		if s, ok := n.(*ast.StringNode); !ok || s.Value != v {
			if l, ok := n.(*ast.LiteralNode); !ok || l.Value == nil || l.Value.Value != v {
				*bad = append(*bad, path)
			}
		}
	case int, int64:
		if _, ok := n.(*ast.IntegerNode); !ok || n.GetToken().Value != fmt.Sprint(v) {
			*bad = append(*bad, path)
		}
	case bool:
		if b, ok := n.(*ast.BoolNode); !ok || b.Value != v {
			*bad = append(*bad, path)
		}
	case number:
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
			if n.GetToken().Value != string(v) {
				*bad = append(*bad, path)
			}
		default:
			*bad = append(*bad, path)
		}
	default:
		*bad = append(*bad, path)
	}
}

// scalarText is a key as spec's decoder reads it: a string's value, or the
// text of a number, boolean or null as written.
func scalarText(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		return x.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
		if tk := x.GetToken(); tk != nil {
			return tk.Value, true
		}
	case *ast.MappingKeyNode:
		return scalarText(x.Value)
	}
	return "", false
}
