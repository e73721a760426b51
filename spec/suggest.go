package spec

import (
	"sort"
	"strings"
)

// Suggestions: the did-you-mean of every message that names something
// unknown (a key, an enum value, a reference, an address, a variable, a
// project on the server). The distance is the optimal string alignment
// distance (Levenshtein with the swap of two neighbouring characters
// counted as one edit, so "stagign" is one edit from "staging"), case
// insensitive.

// Suggest returns the candidate closest to key (case-insensitive edit
// distance at most 2, and less than the key's length), or "".
func Suggest(key string, candidates []string) string {
	if c := Closest(key, candidates); len(c) > 0 {
		return c[0]
	}
	return ""
}

// Closest returns the candidates nearest to key, in the order given: all
// those at the smallest distance, when that distance is at most 2 and
// less than the key's length; nil when none is that near.
func Closest(key string, candidates []string) []string {
	var best []string
	bestD := maxSuggestDistance
	for _, c := range candidates {
		d, ok := near(key, c)
		if !ok || d > bestD {
			continue
		}
		if d < bestD || best == nil {
			best, bestD = nil, d
		}
		if !contains(best, c) {
			best = append(best, c)
		}
	}
	return best
}

// maxSuggestDistance is the farthest a suggestion may be.
const maxSuggestDistance = 2

// near is the distance of key and candidate c, ignoring case, and whether
// c is near enough to suggest: at most maxSuggestDistance edits, and fewer
// than the runes of key.
func near(key, c string) (int, bool) {
	d := Distance(strings.ToLower(key), strings.ToLower(c))
	return d, d <= maxSuggestDistance && d < len([]rune(key))
}

// Distance is the optimal string alignment distance between a and b, in
// runes: the insertions, deletions, substitutions and swaps of two
// neighbouring runes that turn a into b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows: the one before the previous is for swaps.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// WithParents returns addrs with the project and environment addresses
// above each (shop and shop/production for
// shop/production/application/api), sorted, each once.
func WithParents(addrs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range addrs {
		parts := strings.Split(a, "/")
		for i := 1; i <= len(parts); i++ {
			if i == 3 && len(parts) > 3 {
				continue // project/environment/kind is not an address
			}
			p := strings.Join(parts[:i], "/")
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// SuggestAddresses returns the known addresses nearest to addr, best
// first, at most three; nil when none is near. An address is compared
// segment by segment with the known addresses of as many segments: each
// segment must be equal or near (Closest's rule), and a kind segment may
// be a prefix of the kind's name (app for application). A single name
// (api) is also compared with the last segment of every known address.
func SuggestAddresses(addr string, known []string) []string {
	type scored struct {
		addr string
		d    int
	}
	var found []scored
	segs := strings.Split(addr, "/")
	for _, k := range known {
		if k == addr {
			continue
		}
		ks := strings.Split(k, "/")
		if len(ks) != len(segs) {
			continue
		}
		total, ok := 0, true
		for i := range segs {
			d, near := segmentDistance(segs[i], ks[i], i == 2 && len(ks) > 3)
			if !near {
				ok = false
				break
			}
			total += d
		}
		if ok {
			found = append(found, scored{k, total})
		}
	}
	if len(found) == 0 && len(segs) == 1 {
		for _, k := range known {
			ks := strings.Split(k, "/")
			if len(ks) < 4 {
				continue
			}
			if d, near := segmentDistance(addr, ks[len(ks)-1], false); near {
				found = append(found, scored{k, d})
			}
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].addr < found[j].addr
	})
	var out []string
	for _, s := range found {
		if len(out) == 3 || s.d > found[0].d+1 {
			break
		}
		out = append(out, s.addr)
	}
	return out
}

// segmentDistance compares one segment of an address with the segment
// of a known address: the edit distance, and whether it is near enough.
// A kind segment (kind) also matches a prefix of at least 2 characters,
// or another kind's name where the service kinds are near (postgress).
func segmentDistance(seg, known string, kind bool) (int, bool) {
	if seg == known {
		return 0, true
	}
	if kind && len(seg) >= 2 && strings.HasPrefix(known, strings.ToLower(seg)) {
		return 1, true
	}
	return near(seg, known)
}

// AddressHint ends a message about an address that names nothing: the
// nearest known addresses, then examples drawn from the known ones (the
// first project, environment and service), or "" when none is known.
func AddressHint(addr string, known []string) string {
	var b strings.Builder
	if near := SuggestAddresses(addr, known); len(near) > 0 {
		b.WriteString(" (did you mean " + orList(near) + "?)")
	}
	if ex := AddressExamples(known); len(ex) > 0 {
		b.WriteString("; addresses look like " + orList(ex))
	}
	return b.String()
}

// AddressExamples picks from the known addresses (sorted) the first of
// one, two and four segments: a project, an environment, a service; then,
// when there are any, the first item of a service (.../domain[host]) and
// the first server-wide resource (destination[s3-main]).
func AddressExamples(known []string) []string {
	var out []string
	for _, n := range []int{1, 2, 4, 5} {
		for _, k := range known {
			if strings.Count(k, "/") == n-1 && strings.Contains(k, "[") == (n == 5) {
				out = append(out, k)
				break
			}
		}
	}
	for _, k := range known {
		if !strings.Contains(k, "/") && strings.Contains(k, "[") {
			out = append(out, k)
			break
		}
	}
	return out
}

// orList says "a", "a or b", "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
