package schema

import (
	"bytes"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/kinds"
)

var update = flag.Bool("update", false, "rewrite dokploy-sync.schema.json with the parts generated from package kinds")

const file = "dokploy-sync.schema.json"

// TestFileIsGenerated: the committed schema holds what Generate makes of
// it, since editors read the file. `go test ./schema -update` rewrites it.
func TestFileIsGenerated(t *testing.T) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(data)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, data) {
		t.Errorf("%s is not what Generate makes of it (run go test ./schema -update and review the diff); first difference:\n%s", file, firstDiff(data, got))
	}
}

// TestGenerateReplacesGeneratedParts: what the file holds of the described
// kinds does not matter: without it, or with stale parts, Generate gives
// the same document.
func TestGenerateReplacesGeneratedParts(t *testing.T) {
	want := JSON()
	for _, tc := range []struct {
		name   string
		change func(defs, top *object, parent func(string) *object)
	}{{
		name: "without the generated parts",
		change: func(defs, top *object, parent func(string) *object) {
			for _, k := range kinds.All() {
				defs.del(k.Name)
				for _, key := range keysOf(k) {
					top.del(key)
					for _, p := range k.Parents {
						parent(p).del(key)
					}
				}
			}
		},
	}, {
		name: "with stale parts in other places",
		change: func(defs, top *object, parent func(string) *object) {
			for _, k := range kinds.All() {
				defs.insert(0, k.Name, obj("type", "string"))
				for _, key := range keysOf(k) {
					if k.Instance() {
						top.insert(0, key, true)
					}
					for _, p := range k.Parents {
						parent(p).insert(0, key, true)
					}
				}
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := decode(want)
			if err != nil {
				t.Fatal(err)
			}
			root := v.(*object)
			defs := root.get("$defs").(*object)
			parent := func(name string) *object { return defs.get(name).(*object).get("properties").(*object) }
			tc.change(defs, root.get("properties").(*object), parent)
			base, err := encode(root)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(base, want) {
				t.Fatal("the change changed nothing")
			}
			got, err := Generate(base)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Generate gives another document; first difference:\n%s", firstDiff(want, got))
			}
		})
	}
}

// TestGenerateNeedsTheParents: a document without the definition of a
// parent kind is an error, not a schema without the kind.
func TestGenerateNeedsTheParents(t *testing.T) {
	v, err := decode(JSON())
	if err != nil {
		t.Fatal(err)
	}
	defs := v.(*object).get("$defs").(*object)
	defs.del(kinds.Backup.Parents[0])
	base, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(base); err == nil || !strings.Contains(err.Error(), kinds.Backup.Parents[0]) {
		t.Errorf("Generate without $defs/%s: error %v, want one naming it", kinds.Backup.Parents[0], err)
	}
	if _, err := Generate([]byte(`[]`)); err == nil {
		t.Error("Generate of a JSON array: no error")
	}
}

// TestOrderedRoundTrip: decode and encode give back the file byte for
// byte (the order of keys, numbers and <, >, & as written).
func TestOrderedRoundTrip(t *testing.T) {
	for _, src := range [][]byte{JSON(), []byte("{\n  \"b\": [\n    1.50,\n    \"<a & b>\"\n  ],\n  \"a\": {},\n  \"c\": []\n}\n")} {
		v, err := decode(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encode(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, src) {
			t.Errorf("the round trip changed the document; first difference:\n%s", firstDiff(src, got))
		}
	}
}

// firstDiff shows the first line where a and b differ, with its number.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(none)"
}
