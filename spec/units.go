package spec

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Memory sizes: a plain integer is bytes; a string is a number (decimals
// allowed) followed by an optional suffix, binary Ki Mi Gi Ti (powers of
// 1024) or decimal k K M G T (powers of 1000). The result must be a whole
// number of bytes: 1.5Gi is fine, 1.5 is not.
//
// CPUs: a number of CPUs (2, 0.5, "1.5") or millicores ("500m"), kept as
// nano-CPUs, the unit Docker and Dokploy use: 0.5 is 500000000.

var memorySuffixes = map[string]int64{
	"":   1,
	"k":  1e3,
	"K":  1e3,
	"M":  1e6,
	"G":  1e9,
	"T":  1e12,
	"Ki": 1 << 10,
	"Mi": 1 << 20,
	"Gi": 1 << 30,
	"Ti": 1 << 40,
}

var quantityRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([A-Za-z]*)$`)

const (
	memoryExpect = "must be a size like 512Mi or 1Gi"
	cpuExpect    = `must be a number of CPUs like 0.5 or 2, or millicores like "500m"`
	suffixHint   = "suffixes are Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000)"
)

// ParseMemory parses a memory size written as a string ("512Mi", "1Gi",
// "256M", "100k", "1.5Gi", "1024").
func ParseMemory(s string) (Memory, error) {
	if num, suffix, ok := splitQuantity(s); ok {
		if mult, ok := memorySuffixes[suffix]; ok {
			if n, ok := scaleFast(num, mult); ok {
				return Memory(n), nil
			}
		}
	}
	m := quantityRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%s, got %s", memoryExpect, quoteShort(s))
	}
	mult, ok := memorySuffixes[m[2]]
	if !ok {
		return 0, fmt.Errorf("%s, got %s (%s)", memoryExpect, quoteShort(s), suffixHint)
	}
	n, err := scaleExact(m[1], big.NewRat(mult, 1), "bytes")
	if err != nil {
		return 0, fmt.Errorf("%s, got %s (%s)", memoryExpect, quoteShort(s), err)
	}
	return Memory(n), nil
}

// ParseCPU parses a CPU amount written as a string ("0.5", "2", "500m").
func ParseCPU(s string) (CPU, error) {
	if num, suffix, ok := splitQuantity(s); ok && (suffix == "" || suffix == "m") {
		mult := int64(1e9)
		if suffix == "m" {
			mult = 1e6
		}
		if n, ok := scaleFast(num, mult); ok {
			return CPU(n), nil
		}
	}
	m := quantityRE.FindStringSubmatch(s)
	if m == nil || (m[2] != "" && m[2] != "m") {
		return 0, fmt.Errorf("%s, got %s", cpuExpect, quoteShort(s))
	}
	mult := big.NewRat(1e9, 1)
	if m[2] == "m" {
		mult = big.NewRat(1e6, 1)
	}
	n, err := scaleExact(m[1], mult, "nano-CPUs")
	if err != nil {
		return 0, fmt.Errorf("%s, got %s (%s)", cpuExpect, quoteShort(s), err)
	}
	return CPU(n), nil
}

// splitQuantity splits s as quantityRE does (number, then letters), without
// the allocations of a regexp match.
func splitQuantity(s string) (num, suffix string, ok bool) {
	i, digits := 0, 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return "", "", false
	}
	for j := i; j < len(s); j++ {
		if c := s[j] | 0x20; c < 'a' || c > 'z' {
			return "", "", false
		}
	}
	return s[:i], s[i:], true
}

// scaleFast is scaleExact(num, mult) for the values that int64 arithmetic
// gets exactly (num a quantityRE number, mult positive); ok is false for
// the others, and for those that are not whole or too large, which
// scaleExact then reports.
func scaleFast(num string, mult int64) (int64, bool) {
	intPart, frac, _ := strings.Cut(num, ".")
	if len(intPart)+len(frac) > 18 {
		return 0, false // might not fit an int64 before scaling
	}
	n := int64(0)
	for i := 0; i < len(intPart); i++ {
		n = n*10 + int64(intPart[i]-'0')
	}
	div := int64(1)
	for i := 0; i < len(frac); i++ {
		n = n*10 + int64(frac[i]-'0')
		div *= 10
	}
	// num*mult = n*mult/div.
	if n != 0 && mult > math.MaxInt64/n {
		return 0, false
	}
	if n*mult%div != 0 {
		return 0, false
	}
	return n * mult / div, true
}

// scaleExact returns num*mult, which must be a whole number fitting int64.
func scaleExact(num string, mult *big.Rat, unit string) (int64, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSuffix(num, "."))
	if !ok {
		return 0, fmt.Errorf("not a number")
	}
	r.Mul(r, mult)
	if !r.IsInt() {
		return 0, fmt.Errorf("not a whole number of %s", unit)
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("too large")
	}
	return r.Num().Int64(), nil
}

// memoryFromNode reads a Memory from a YAML scalar: an integer (bytes) or a
// string with a unit.
func memoryFromNode(n ast.Node) (Memory, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		v, ok := intValue(n)
		if !ok {
			return 0, fmt.Errorf("%s, got %s (too large)", memoryExpect, n.GetToken().Value)
		}
		return Memory(v), nil
	case *ast.StringNode:
		return ParseMemory(n.Value)
	case *ast.FloatNode:
		m, err := ParseMemory(n.GetToken().Value)
		if err != nil {
			return 0, fmt.Errorf("%s, got %s (a plain number is bytes and must be whole)", memoryExpect, n.GetToken().Value)
		}
		return m, nil
	}
	return 0, fmt.Errorf("%s, got %s", memoryExpect, describe(n))
}

// cpuFromNode reads a CPU from a YAML scalar: a number of CPUs or a string
// ("0.5", "500m").
func cpuFromNode(n ast.Node) (CPU, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		v, ok := intValue(n)
		if !ok || v > math.MaxInt64/int64(1e9) || v < math.MinInt64/int64(1e9) {
			return 0, fmt.Errorf("%s, got %s (too large)", cpuExpect, n.GetToken().Value)
		}
		return CPU(v * 1e9), nil
	case *ast.FloatNode:
		return ParseCPU(n.GetToken().Value)
	case *ast.StringNode:
		return ParseCPU(n.Value)
	}
	return 0, fmt.Errorf("%s, got %s", cpuExpect, describe(n))
}

// intValue returns an IntegerNode's value when it fits an int64.
func intValue(n *ast.IntegerNode) (int64, bool) {
	switch v := n.Value.(type) {
	case int64:
		return v, true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	case int:
		return int64(v), true
	}
	return 0, false
}

// String returns the shortest exact form: "512Mi", "256M", "1.5Gi" is
// "1536Mi"; plain bytes when no suffix divides the size.
func (m Memory) String() string {
	best := strconv.FormatInt(int64(m), 10)
	if m <= 0 {
		return best
	}
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}, {"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}} {
		if int64(m)%u.size == 0 {
			s := strconv.FormatInt(int64(m)/u.size, 10) + u.suffix
			if len(s) < len(best) {
				best = s
			}
		}
	}
	return best
}

// String returns the number of CPUs as a decimal: "0.5", "2", "0.25".
func (c CPU) String() string {
	n := int64(c)
	sign := ""
	if n < 0 {
		sign = "-"
		if n == math.MinInt64 {
			return strconv.FormatInt(n, 10) + "n"
		}
		n = -n
	}
	whole, frac := n/1e9, n%1e9
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	f := strings.TrimRight(fmt.Sprintf("%09d", frac), "0")
	return sign + strconv.FormatInt(whole, 10) + "." + f
}

// UnmarshalYAML lets goccy/go-yaml decode a Memory directly (yaml.NodeUnmarshaler).
func (m *Memory) UnmarshalYAML(n ast.Node) error {
	v, err := memoryFromNode(unwrapNode(n))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// UnmarshalYAML lets goccy/go-yaml decode a CPU directly (yaml.NodeUnmarshaler).
func (c *CPU) UnmarshalYAML(n ast.Node) error {
	v, err := cpuFromNode(unwrapNode(n))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// MarshalYAML writes a Memory in its String form ("512Mi"), or as a plain
// number of bytes when no suffix fits.
func (m Memory) MarshalYAML() (any, error) {
	s := m.String()
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return int64(m), nil
	}
	return s, nil
}

// MarshalYAML writes a CPU as a number of CPUs (2, 0.5).
func (c CPU) MarshalYAML() (any, error) {
	if int64(c)%1e9 == 0 {
		return int64(c) / 1e9, nil
	}
	f, err := strconv.ParseFloat(c.String(), 64)
	if err != nil {
		return c.String(), nil
	}
	return f, nil
}

// unwrapNode strips anchors and tags (aliases cannot be resolved here).
func unwrapNode(n ast.Node) ast.Node {
	for {
		switch x := n.(type) {
		case *ast.AnchorNode:
			n = x.Value
		case *ast.TagNode:
			n = x.Value
		default:
			return n
		}
	}
}
