package export

import (
	"strconv"
	"strings"
)

// varNames hands out the names of the ${VAR}s that stand for secrets:
// the parts of the address and the field in upper snake case
// (shop/production/postgres/shop-db's password is
// SHOP_PRODUCTION_POSTGRES_SHOP_DB_PASSWORD), made unique with _2, _3, ...
// in the order they are asked for (the export walks the live state in a
// fixed order, so the names are stable).
type varNames map[string]bool

// name returns a new unique variable name made of parts.
func (v varNames) name(parts ...string) string {
	base := upperSnake(strings.Join(parts, "_"))
	n := base
	for i := 2; v[n]; i++ {
		n = base + "_" + strconv.Itoa(i)
	}
	v[n] = true
	return n
}

// upperSnake turns s into a variable name: ASCII letters and digits upper
// case, every other run of characters one "_", never starting with a
// digit.
func upperSnake(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
			fallthrough
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		default:
			sep = true
		}
	}
	out := b.String()
	switch {
	case out == "":
		return "SECRET"
	case out[0] >= '0' && out[0] <= '9':
		return "_" + out
	}
	return out
}

// fileNames hands out file and directory names that are unique in their
// directory, case-insensitively (macOS and Windows file systems), in the
// order they are asked for.
type fileNames map[string]bool // lower-case "dir/name" taken

// name returns dir/base+ext (slash-separated), base made safe for a file
// name and made unique in dir with -2, -3, ...
func (f fileNames) name(dir, base, ext string) string {
	base = safeFileName(base)
	n := base + ext
	for i := 2; f[strings.ToLower(dir+"/"+n)]; i++ {
		n = base + "-" + strconv.Itoa(i) + ext
	}
	f[strings.ToLower(dir+"/"+n)] = true
	if dir == "" {
		return n
	}
	return dir + "/" + n
}

// safeFileName keeps ASCII letters, digits, ".", "_" and "-" of a name and
// turns every other run of characters into one "_"; it never starts with
// a dot (no hidden files, no "..").
func safeFileName(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			if sep {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
			continue
		}
		sep = true
	}
	if sep {
		b.WriteByte('_')
	}
	out := strings.TrimLeft(b.String(), ".")
	if out == "" {
		return "_"
	}
	return out
}
