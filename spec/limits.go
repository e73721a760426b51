package spec

import (
	"bytes"
	"fmt"
)

// Limits checked before a spec is parsed. goccy/go-yaml's parser is
// quadratic on deeply nested flow collections (a 200 KB spec of nested
// "[" takes minutes and gigabytes), and validate runs on pull requests from
// strangers: such input is refused in a scan of its bytes, at once.
const (
	// DefaultMaxSpecSize is the largest spec Load parses unless
	// Options.MaxSize says otherwise (--max-spec-size).
	DefaultMaxSpecSize = 8 << 20
	// MaxDepth is the deepest nesting of mappings and sequences a spec
	// may have; a real dokploy.yaml needs about 10.
	MaxDepth = 64
)

// checkLimits reports why src is refused before parsing, with the position
// where the nesting passes MaxDepth, or ok.
func checkLimits(src []byte, maxSize int) (line, col int, msg string) {
	if len(src) > maxSize {
		return 0, 0, fmt.Sprintf("the spec is larger than the limit of %s; raise it with --max-spec-size if the file is right", size(maxSize))
	}
	if l, c := tooDeep(src, MaxDepth); l > 0 {
		return l, c, fmt.Sprintf("the spec nests mappings and sequences deeper than %d levels here; a dokploy.yaml needs about 10: is it the right file?", MaxDepth)
	}
	return 0, 0, ""
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// tooDeep returns the position (1-based) where the nesting of src passes
// max, or 0, 0. Nesting is counted the way YAML builds it: block levels by
// indentation (a "- " entry opens one more), flow levels by "[" and "{"
// outside quoted scalars and comments. Block scalars (| and >) are skipped.
// It is a conservative scan, not a parser: it only has to see that a spec
// is absurdly deep, in linear time.
func tooDeep(src []byte, max int) (int, int) {
	var indents []int // open block levels, by indentation
	flow := 0
	scalarIndent := -1 // inside a block scalar: lines indented more than this
	for lineNo, line := range bytes.Split(src, []byte("\n")) {
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		rest := bytes.TrimRight(line[indent:], " \t\r")
		if scalarIndent >= 0 {
			if len(rest) == 0 || indent > scalarIndent {
				continue
			}
			scalarIndent = -1
		}
		if len(rest) == 0 || rest[0] == '#' {
			continue
		}
		if flow == 0 {
			for len(indents) > 0 && indents[len(indents)-1] >= indent {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, indent)
			// "- - x": each entry indicator opens a level.
			for i := indent; i+1 < len(line) && line[i] == '-' && (line[i+1] == ' ' || line[i+1] == '\t'); {
				i += 2
				for i < len(line) && line[i] == ' ' {
					i++
				}
				indents = append(indents, i)
			}
			if len(indents) > max {
				return lineNo + 1, indent + 1
			}
		}
		var quote byte
		for i := indent; i < len(line); i++ {
			ch := line[i]
			if quote != 0 {
				switch {
				case quote == '"' && ch == '\\':
					i++
				case ch == quote && quote == '\'' && i+1 < len(line) && line[i+1] == '\'':
					i++
				case ch == quote:
					quote = 0
				}
				continue
			}
			prev := byte(' ')
			if i > 0 {
				prev = line[i-1]
			}
			switch {
			case ch == '#' && (prev == ' ' || prev == '\t'):
				i = len(line)
			case (ch == '"' || ch == '\'') && bytes.IndexByte([]byte(" \t[{,"), prev) >= 0:
				quote = ch
			case ch == '[' || ch == '{':
				flow++
				if len(indents)+flow > max {
					return lineNo + 1, i + 1
				}
			case (ch == ']' || ch == '}') && flow > 0:
				flow--
			}
		}
		if flow == 0 && quote == 0 {
			if t := bytes.TrimRight(rest, " \t"); len(t) > 0 {
				// "key: |", "- >-", "key: |2" start a block scalar.
				if j := bytes.LastIndexAny(t, "|>"); j >= 0 && (j == 0 || t[j-1] == ' ') && isScalarHeader(t[j+1:]) {
					scalarIndent = indent
				}
			}
		}
	}
	return 0, 0
}

// isScalarHeader reports whether s can follow | or > in a block scalar
// header: chomping and indentation indicators only.
func isScalarHeader(s []byte) bool {
	for _, c := range s {
		if c != '-' && c != '+' && (c < '1' || c > '9') {
			return false
		}
	}
	return true
}
