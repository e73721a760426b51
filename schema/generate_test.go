package schema

import (
	"bytes"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

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
			for _, k := range kinds.Declared() {
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
			for _, k := range kinds.Declared() {
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

// Kinds of every shape and field type, beyond those package kinds has.
var (
	testSettings = &kinds.Kind{
		Name: "settings", Key: "settings", Parents: []string{"application"}, Singleton: true, After: "replicas",
		Doc: "Settings of the application.",
		Fields: []*kinds.Field{
			{Name: "note", Type: kinds.Text, Doc: "A note."},
			{Name: "mode", Type: kinds.String, Enum: []string{"a", "b"}, Nullable: true, Doc: "The mode."},
			{Name: "memory", Type: kinds.Memory, Doc: "Memory."},
			{Name: "cpu", Type: kinds.CPU, Nullable: true, Doc: "CPUs."},
			{Name: "interval", Type: kinds.Duration, Doc: "How often."},
			{Name: "labels", Type: kinds.Map, Doc: "Labels."},
			{Name: "check", Type: kinds.Object, Doc: "A check.", Fields: []*kinds.Field{
				{Name: "test", Type: kinds.Strings, Required: true, Doc: "The command."},
			}},
			{Name: "steps", Type: kinds.Objects, Doc: "Steps.", Fields: []*kinds.Field{
				{Name: "name", Type: kinds.String, Required: true, Doc: "The step's name."},
			}},
		},
	}
	testSwarm = &kinds.Kind{
		Name: "swarm", Parents: []string{"application"}, Singleton: true, Inline: true, After: "command",
		Fields: []*kinds.Field{
			{Name: "stopGracePeriod", Type: kinds.Duration, Nullable: true, Doc: "How long a container may take to stop."},
			{Name: "placement", Type: kinds.Strings, Doc: "Placement constraints."},
		},
	}
	testRegistry = &kinds.Kind{
		Name: "registry", Key: "registries", Doc: "Docker registries.",
		Fields: []*kinds.Field{
			{Name: "url", Type: kinds.String, Pattern: "^https://", PatternDoc: "an https URL", Doc: "The registry's URL."},
			kinds.Protect,
		},
	}
)

// TestGenerateEveryType generates the schema of kinds of every shape and
// field type and validates documents against it: what spec's decoder
// accepts for such a field (package spec, objects.go and units.go) is
// valid, what it rejects is not.
func TestGenerateEveryType(t *testing.T) {
	out, err := generate(JSON(), []*kinds.Kind{testRegistry, testSettings, testSwarm})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := decode(out)
	app := v.(*object).get("$defs").(*object).get("application").(*object).get("properties").(*object)
	if i, j := app.index("replicas"), app.index("settings"); j != i+1 {
		t.Errorf("settings is key %d of the application, want %d (after replicas)", j, i+1)
	}
	if i, j, k := app.index("command"), app.index("stopGracePeriod"), app.index("placement"); j != i+1 || k != j+1 {
		t.Errorf("the inline fields are keys %d and %d of the application, want %d and %d (after command)", j, k, i+1, i+2)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(URL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		top, application string
		valid            bool
	}{
		{"", `"settings": {"note": "x\ny", "mode": null, "memory": "512Mi", "cpu": null, "interval": "1m30s", "labels": {"A": 1}, "check": {"test": ["CMD", "true"]}, "steps": [{"name": "s"}]}`, true},
		{"", `"settings": {"mode": "${MODE}", "memory": 1024, "cpu": "500m", "interval": 0, "labels": null, "steps": null}`, true},
		{"", `"settings": null`, true},
		{"", `"settings": {"mode": "c"}`, false},
		{"", `"settings": {"memory": null}`, false},
		{"", `"settings": {"memory": "512MB"}`, false},
		{"", `"settings": {"interval": "30 seconds"}`, false},
		{"", `"settings": {"interval": 5}`, false},
		{"", `"settings": {"interval": null}`, false},
		{"", `"settings": {"check": null}`, false},
		{"", `"settings": {"check": {}}`, false},
		{"", `"settings": {"check": {"test": null, "retries": 3}}`, false},
		{"", `"settings": {"steps": [null]}`, false},
		{"", `"settings": {"steps": [{"name": ""}]}`, false},
		{"", `"settings": {"timeout": "5s"}`, false},
		{"", `"stopGracePeriod": "10s", "placement": ["node.role==manager", "${WHERE}"]`, true},
		{"", `"stopGracePeriod": null, "placement": null`, true},
		{"", `"placement": "node.role==manager"`, false},
		{"", `"placement": [null]`, false},
		{`"registries": {"r": null, "s": {"url": "${URL}", "protect": true}, "t": {"url": "https://ghcr.io"}}, `, "", true},
		{`"registries": {"r": {"url": "http://ghcr.io"}}, `, "", false},
		{`"registries": {"r": {"protect": "yes"}}, `, "", false},
		// Names are checked as projects' are (resourceName), as spec's
		// validator does.
		{`"registries": {" r": {}}, `, "", false},
	} {
		src := `{` + tc.top + `"apiVersion": "dokploy-sync/v1", "projects": {"p": {"environments": {"e": {"applications": {"a": {` + tc.application + `}}}}}}}`
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
		if err != nil {
			t.Fatalf("%v:\n%s", err, src)
		}
		if err := sch.Validate(inst); (err == nil) != tc.valid {
			t.Errorf("valid: %v, want %v:\n%s\n%v", err == nil, tc.valid, src, err)
		}
	}
}
