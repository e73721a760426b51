package spec

import (
	"bytes"
	"regexp"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// goccy/go-yaml's parser takes time quadratic in the number of entries of
// one block mapping (parseMap recurses once per entry and copies the
// entries of the rest at each level): an env map of 10,000 keys takes half
// a second, of 100,000 over a minute. parseSpec parses such a mapping in
// chunks instead and joins them, when its entries are all simple lines
// ("KEY: value" at one indentation, plain or quoted on the line, no
// comment, anchor, alias, tag or block scalar), which is what a large env
// map looks like. The chunks are parsed on their own and their tokens moved
// to their lines in the file, so positions are those of a whole parse.
// Anything else, or any doubt (a duplicate key, a chunk that does not
// parse), falls back to parsing the file whole.

const (
	bigMapMin = 2000 // entries from which a mapping is parsed in chunks
	chunkSize = 500
)

// chunked turns the chunked parse on; tests compare it with a whole parse.
var chunked = true

var (
	simpleEntry = regexp.MustCompile(`^( +)([A-Za-z0-9_.-]+): (?:[^\s#{}\[\]&*!|>'"%@` + "`" + `,][^#\t]*|"[^"\\]*"|'[^']*')$`)
	parentKey   = regexp.MustCompile(`^( *)[^\s#][^#]*:$`)
)

// bigMap is a run of simple entries that is the whole value of the key on
// the line before it.
type bigMap struct {
	parent      int // line index of the key whose value the run is
	first, last int // line indexes of the run: [first, last)
}

func findBigMaps(lines [][]byte) []bigMap {
	var out []bigMap
	for i := 1; i < len(lines); {
		indent, ok := simpleIndent(lines[i])
		if !ok || !isParentKey(lines[i-1], indent) {
			i++
			continue
		}
		j := i
		for j < len(lines) {
			if e, ok := simpleIndent(lines[j]); !ok || e != indent {
				break
			}
			j++
		}
		// The run must end the mapping: the next line is blank, less
		// indented, or the end of the file.
		end := j == len(lines) || len(bytes.TrimSpace(lines[j])) == 0 || leadingSpaces(lines[j]) < indent
		if end && j-i >= bigMapMin {
			out = append(out, bigMap{parent: i - 1, first: i, last: j})
		}
		i = j + 1
	}
	return out
}

// simpleIndent reports whether line is a simple entry, and its indentation
// (simpleEntry's first group: its leading spaces, as a key cannot start
// with one). Match, unlike FindSubmatch, allocates nothing.
func simpleIndent(line []byte) (int, bool) {
	if len(line) == 0 || line[0] != ' ' || !simpleEntry.Match(line) {
		return 0, false
	}
	return leadingSpaces(line), true
}

// isParentKey reports whether line is a key whose value is on the next
// lines, indented less than indent (parentKey's first group is its
// leading spaces).
func isParentKey(line []byte, indent int) bool {
	line = bytes.TrimRight(line, " \r")
	if len(line) == 0 || line[len(line)-1] != ':' || leadingSpaces(line) >= indent {
		return false
	}
	return parentKey.Match(line)
}

// simpleKey is the key of a simple entry (simpleEntry's second group: a
// key has no colon).
func simpleKey(line []byte) []byte {
	line = line[leadingSpaces(line):]
	return line[:bytes.IndexByte(line, ':')]
}

func leadingSpaces(b []byte) int {
	n := 0
	for n < len(b) && b[n] == ' ' {
		n++
	}
	return n
}

// parseSpec parses src like parser.ParseBytes(src, 0), in chunks where a
// large simple mapping makes that quadratic.
func parseSpec(src []byte) (*ast.File, error) {
	lines := bytes.Split(src, []byte("\n"))
	maps := findBigMaps(lines)
	if !chunked || len(maps) == 0 || hasDuplicateKeys(lines, maps) {
		return parser.ParseBytes(src, 0)
	}
	// The file with the runs blanked out: their keys' values parse as null.
	offsets := make([]int, len(lines)+1)
	for i, l := range lines {
		offsets[i+1] = offsets[i] + len(l) + 1
	}
	blank := make([][]byte, len(lines))
	copy(blank, lines)
	for _, m := range maps {
		for i := m.first; i < m.last; i++ {
			blank[i] = nil
		}
	}
	f, err := parser.ParseBytes(bytes.Join(blank, []byte("\n")), 0)
	if err != nil {
		return parser.ParseBytes(src, 0) // the whole parse says what is wrong
	}
	for _, m := range maps {
		var values []*ast.MappingValueNode
		for a := m.first; a < m.last; a += chunkSize {
			b := min(a+chunkSize, m.last)
			chunk, err := parser.ParseBytes(append(bytes.Join(lines[a:b], []byte("\n")), '\n'), 0)
			if err != nil || len(chunk.Docs) != 1 {
				return parser.ParseBytes(src, 0)
			}
			vs := mappingValues(chunk.Docs[0].Body)
			if len(vs) != b-a {
				return parser.ParseBytes(src, 0)
			}
			shiftTokens(vs[0].GetToken(), a, offsets[a])
			values = append(values, vs...)
		}
		if !attach(f, m.parent+1, values) {
			return parser.ParseBytes(src, 0)
		}
	}
	return f, nil
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch n := n.(type) {
	case *ast.MappingNode:
		return n.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{n}
	}
	return nil
}

// shiftTokens moves every token of the list tk is in down by lines lines
// and offset bytes.
func shiftTokens(tk *token.Token, lines, offset int) {
	for tk.Prev != nil {
		tk = tk.Prev
	}
	seen := map[*token.Position]bool{}
	for ; tk != nil; tk = tk.Next {
		if p := tk.Position; p != nil && !seen[p] {
			seen[p] = true
			p.Line += lines
			p.Offset += offset
		}
	}
}

// attach makes values the value of the mapping entry whose key is on line
// (1-based) and whose value parsed as null (its run was blanked out).
func attach(f *ast.File, line int, values []*ast.MappingValueNode) bool {
	var target *ast.MappingValueNode
	for _, doc := range f.Docs {
		ast.Walk(visitFunc(func(n ast.Node) bool {
			if mv, ok := n.(*ast.MappingValueNode); ok && target == nil && mv.Key != nil &&
				mv.Key.GetToken() != nil && mv.Key.GetToken().Position.Line == line {
				if _, null := mv.Value.(*ast.NullNode); null {
					target = mv
				}
			}
			return target == nil
		}), doc)
	}
	if target == nil {
		return false
	}
	target.Value = ast.Mapping(values[0].GetToken(), false, values...)
	return true
}

type visitFunc func(ast.Node) bool

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if n == nil || !f(n) {
		return nil
	}
	return f
}

// hasDuplicateKeys reports whether a run repeats a key: the whole parse
// then reports it, with both positions.
func hasDuplicateKeys(lines [][]byte, maps []bigMap) bool {
	for _, m := range maps {
		seen := map[string]bool{}
		for i := m.first; i < m.last; i++ {
			k := simpleKey(lines[i])
			if seen[string(k)] {
				return true
			}
			seen[string(k)] = true
		}
	}
	return false
}
