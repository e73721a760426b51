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
				for _, name := range defNames(k) {
					defs.del(name)
				}
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
				for _, name := range defNames(k) {
					defs.insert(0, name, obj("type", "string"))
				}
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

// TestKeysAfterTheirPlace: in the file, each described kind's key in a
// parent comes after the key the kind names for that parent
// (kinds.Kind.AfterOf), with only other described kinds' keys between.
func TestKeysAfterTheirPlace(t *testing.T) {
	v, err := decode(JSON())
	if err != nil {
		t.Fatal(err)
	}
	defs := v.(*object).get("$defs").(*object)
	checked := 0
	for _, k := range kinds.Declared() {
		for _, p := range k.Parents {
			props := defs.get(p).(*object).get("properties").(*object)
			generated := map[string]bool{}
			for _, key := range kinds.Keys(p) {
				generated[key] = true
			}
			after := k.AfterOf(p)
			for _, key := range keysOf(k) {
				i, j := props.index(after), props.index(key)
				if after == "" {
					i = len(props.keys) - 1
					for i >= 0 && generated[props.keys[i]] {
						i--
					}
				}
				if i < 0 || j <= i {
					t.Errorf("%s: %s is key %d, %s key %d; want it after", p, key, j, after, i)
					continue
				}
				for _, between := range props.keys[i+1 : j] {
					if !generated[between] {
						t.Errorf("%s: %s comes after %s, with %s between", p, key, after, between)
					}
				}
				checked++
				after = key
			}
		}
	}
	if checked == 0 {
		t.Error("no described kind has a parent")
	}
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
			{Name: "vars", Type: kinds.Env, Doc: "Variables."},
			{Name: "check", Type: kinds.Object, Doc: "A check.", Fields: []*kinds.Field{
				{Name: "test", Type: kinds.Strings, Required: true, Doc: "The command."},
			}},
			{Name: "limits", Type: kinds.Object, Flat: true, Doc: "Limits.", Fields: []*kinds.Field{
				{Name: "cpus", Type: kinds.CPU, Nullable: true, Doc: "CPUs."},
			}},
			{Name: "steps", Type: kinds.Objects, Doc: "Steps.", Fields: []*kinds.Field{
				{Name: "name", Type: kinds.String, Required: true, Doc: "The step's name."},
			}},
		},
	}
	testSwarm = &kinds.Kind{
		Name: "testSwarm", Parents: []string{"application", "compose"}, Singleton: true, Inline: true, After: "command",
		Fields: []*kinds.Field{
			{Name: "stopGracePeriod", Type: kinds.Duration, Nullable: true, Doc: "How long a container may take to stop."},
			{Name: "placement", Type: kinds.Strings, Parents: []string{"application"}, Doc: "Placement constraints."},
		},
	}
	testServer = &kinds.Kind{
		Name: "server", Key: "servers", ReadOnly: true, Doc: "Remote servers.",
		Fields: []*kinds.Field{{Name: "ip", Type: kinds.String, Doc: "The address."}},
	}
	testRegistry = &kinds.Kind{
		Name: "registry", Key: "registries", Doc: "Docker registries.",
		Fields: []*kinds.Field{
			{Name: "url", Type: kinds.String, Pattern: "^https://", PatternDoc: "an https URL", Doc: "The registry's URL."},
			{Name: "server", Type: kinds.String, Ref: "server", Doc: "The server it is on."},
			kinds.Protect,
		},
	}
	// A list kind with fields for one parent, of one variant, and read
	// from a file.
	testVolume = &kinds.Kind{
		Name: "volume", Key: "volumes", Parents: []string{"application", "compose"},
		After: "security", AfterIn: map[string]string{"compose": "envFile"},
		Doc: "Volumes.", Identity: []string{"path"}, Variant: "kind", Deploy: true, DeployIn: []string{"compose"},
		Fields: []*kinds.Field{
			{Name: "path", Type: kinds.String, Required: true, Identity: true, Doc: "The path."},
			{Name: "kind", Type: kinds.String, Required: true, Enum: []string{"disk", "file", "tmp"}, Doc: "The kind."},
			{Name: "size", Type: kinds.Int, Variant: "disk", Min: 1, Max: 100, RangeDoc: "between 1 and 100 GiB", Doc: "The size."},
			{Name: "text", Type: kinds.Text, Variant: "file", Doc: "The text."},
			{Name: "textFile", Type: kinds.String, Variant: "file", Local: true, FileOf: "text", Doc: "A file with the text."},
			{Name: "service", Type: kinds.String, Parents: []string{"compose"}, Doc: "The compose service."},
		},
	}
)

// TestGenerateEveryType generates the schema of kinds of every shape and
// field type and validates documents against it: what spec's decoder
// accepts for such a field (package spec, objects.go and units.go) is
// valid, what it rejects is not.
func TestGenerateEveryType(t *testing.T) {
	out, err := generate(JSON(), []*kinds.Kind{testServer, testRegistry, testSettings, testSwarm, testVolume})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := decode(out)
	root := v.(*object)
	defs := root.get("$defs").(*object)
	props := func(def string) *object { return defs.get(def).(*object).get("properties").(*object) }
	app, compose := props("application"), props("compose")
	if i, j := app.index("replicas"), app.index("settings"); j != i+1 {
		t.Errorf("settings is key %d of the application, want %d (after replicas)", j, i+1)
	}
	if i, j, k := app.index("command"), app.index("stopGracePeriod"), app.index("placement"); j != i+1 || k != j+1 {
		t.Errorf("the inline fields are keys %d and %d of the application, want %d and %d (after command)", j, k, i+1, i+2)
	}
	if i, j := compose.index("command"), compose.index("stopGracePeriod"); j != i+1 || compose.index("placement") >= 0 {
		t.Errorf("the compose service has stopGracePeriod as key %d (want %d, after command) and placement at %d (want none: it is for applications)", j, i+1, compose.index("placement"))
	}
	// Read-only kinds are only named.
	if root.get("properties").(*object).index("servers") >= 0 || defs.index("server") >= 0 {
		t.Error("the read-only servers are in the schema")
	}
	if d := props("registry").get("server").(*object).get("description").(string); !strings.Contains(d, "made in Dokploy") || strings.Contains(d, "top-level") {
		t.Errorf("a reference to a read-only kind is described %q", d)
	}
	// The volumes: a definition for each parent's fields, after the key
	// of each parent.
	for parent, after := range map[string]string{"application": "security", "compose": "envFile"} {
		p := props(parent)
		if i, j := p.index(after), p.index("volumes"); j != i+1 {
			t.Errorf("volumes is key %d of the %s, want %d (after %s)", j, parent, i+1, after)
		}
	}
	itemsRef := func(p *object) string {
		return p.get("volumes").(*object).get("items").(*object).get("$ref").(string)
	}
	if itemsRef(app) == itemsRef(compose) {
		t.Errorf("the volumes of applications and compose services are both %s, which has service or not", itemsRef(app))
	}
	if d := compose.get("volumes").(*object).get("description").(string); !strings.Contains(d, strings.TrimSpace(deployNote)) {
		t.Errorf("the compose service's volumes need its deploy, but are described %q", d)
	}
	if d := app.get("volumes").(*object).get("description").(string); strings.Contains(d, strings.TrimSpace(deployNote)) {
		t.Errorf("the application's volumes act at once, but are described %q", d)
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
		top, application, compose string
		valid                     bool
	}{
		{"", `"settings": {"note": "x\ny", "mode": null, "memory": "512Mi", "cpu": null, "interval": "1m30s", "labels": {"A": 1}, "vars": {"A": "x", "B": 2}, "check": {"test": ["CMD", "true"]}, "limits": {"cpus": 0.5}, "steps": [{"name": "s"}]}`, "", true},
		{"", `"settings": {"mode": "${MODE}", "memory": 1024, "cpu": "500m", "interval": 0, "labels": null, "vars": null, "limits": {"cpus": null}, "steps": null}`, "", true},
		{"", `"settings": null`, "", true},
		{"", `"settings": {"mode": "c"}`, "", false},
		{"", `"settings": {"memory": null}`, "", false},
		{"", `"settings": {"memory": "512MB"}`, "", false},
		{"", `"settings": {"interval": "30 seconds"}`, "", false},
		{"", `"settings": {"interval": 5}`, "", false},
		{"", `"settings": {"interval": null}`, "", false},
		{"", `"settings": {"check": null}`, "", false},
		{"", `"settings": {"check": {}}`, "", false},
		{"", `"settings": {"check": {"test": null, "retries": 3}}`, "", false},
		{"", `"settings": {"vars": {"1A": "x"}}`, "", false},
		{"", `"settings": {"vars": ["A=x"]}`, "", false},
		{"", `"settings": {"limits": {"cpus": 1, "memory": 5}}`, "", false},
		{"", `"settings": {"limits": null}`, "", false},
		{"", `"settings": {"steps": [null]}`, "", false},
		{"", `"settings": {"steps": [{"name": ""}]}`, "", false},
		{"", `"settings": {"timeout": "5s"}`, "", false},
		{"", `"stopGracePeriod": "10s", "placement": ["node.role==manager", "${WHERE}"]`, "", true},
		{"", `"stopGracePeriod": null, "placement": null`, "", true},
		{"", `"placement": "node.role==manager"`, "", false},
		{"", `"placement": [null]`, "", false},
		{"", "", `"stopGracePeriod": "10s"`, true},
		{"", "", `"placement": ["node.role==manager"]`, false},
		{`"registries": {"r": null, "s": {"url": "${URL}", "protect": true}, "t": {"url": "https://ghcr.io", "server": "s1"}}, `, "", "", true},
		{`"registries": {"r": {"url": "http://ghcr.io"}}, `, "", "", false},
		{`"registries": {"r": {"protect": "yes"}}, `, "", "", false},
		{`"servers": {"s1": {"ip": "10.0.0.1"}}, `, "", "", false},
		// Names are checked as projects' are (resourceName), as spec's
		// validator does.
		{`"registries": {" r": {}}, `, "", "", false},
		// Variants, files, ranges and fields for some parents.
		{"", `"volumes": [{"path": "/a", "kind": "disk", "size": 5}, {"path": "/b", "kind": "file", "text": "x"}, {"path": "/c", "kind": "file", "textFile": "c.txt"}, {"path": "/d", "kind": "tmp"}]`, "", true},
		{"", `"volumes": [{"path": "/a", "kind": "${KIND}", "size": 1, "text": "x"}]`, "", true},
		{"", "", `"volumes": [{"path": "/a", "kind": "tmp", "service": "web"}, {"path": "/b", "kind": "disk", "size": 100, "service": "db"}]`, true},
		{"", `"volumes": [{"path": "/a", "kind": "disk", "text": "x"}]`, "", false},
		{"", `"volumes": [{"path": "/a", "kind": "file", "size": 1}]`, "", false},
		{"", `"volumes": [{"path": "/a", "kind": "tmp", "textFile": "a.txt"}]`, "", false},
		{"", `"volumes": [{"path": "/a", "kind": "file", "text": "x", "textFile": "a.txt"}]`, "", false},
		{"", `"volumes": [{"path": "/a", "kind": "file", "textFile": ""}]`, "", false},
		{"", `"volumes": [{"path": "/a", "kind": "disk", "size": 101}]`, "", false},
		{"", `"volumes": [{"path": "/a", "kind": "disk", "service": "web"}]`, "", false},
		{"", `"volumes": [{"path": "/a"}]`, "", false},
		{"", "", `"volumes": [{"path": "/a", "kind": "disk", "size": 0}]`, false},
	} {
		var services []string
		if tc.application != "" || tc.compose == "" {
			services = append(services, `"applications": {"a": {`+tc.application+`}}`)
		}
		if tc.compose != "" {
			services = append(services, `"compose": {"c": {"composeFile": "compose.yml", `+tc.compose+`}}`)
		}
		src := `{` + tc.top + `"apiVersion": "dokploy-sync/v1", "projects": {"p": {"environments": {"e": {` + strings.Join(services, ", ") + `}}}}}`
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
		if err != nil {
			t.Fatalf("%v:\n%s", err, src)
		}
		if err := sch.Validate(inst); (err == nil) != tc.valid {
			t.Errorf("valid: %v, want %v:\n%s\n%v", err == nil, tc.valid, src, err)
		}
	}
}
