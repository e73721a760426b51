package schema_test

// Validating YAML documents against the schema, for the tests of this
// package. Test files only: santhosh-tekuri/jsonschema is compiled by
// `go test`, never by a build of the binary. The specs other packages'
// tests produce are validated here from their golden files
// (TestExportGoldenValidates, TestOverlaysValidate).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dokploy-sync/dokploy-sync/schema"
)

// document returns the schema as generic JSON (numbers as json.Number).
func document(tb testing.TB) map[string]any {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSON()))
	if err != nil {
		tb.Fatalf("dokploy-sync.schema.json is not JSON: %v", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		tb.Fatalf("dokploy-sync.schema.json is not a JSON object")
	}
	return m
}

// compile compiles a schema document (document, or a changed copy).
func compile(tb testing.TB, doc map[string]any) *jsonschema.Schema {
	tb.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schema.URL, doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile(schema.URL)
	if err != nil {
		tb.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

// parseYAML reads YAML into the generic value a JSON Schema validates:
// objects with string keys, arrays, strings, numbers, booleans and null.
func parseYAML(tb testing.TB, src []byte) any {
	tb.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		tb.Fatalf("YAML: %v", err)
	}
	return jsonValue(v)
}

// jsonValue converts a value decoded from YAML into its JSON form.
func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonValue(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = jsonValue(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonValue(x)
		}
		return out
	case nil, bool, string, int, int64, float64:
		return v
	case uint64:
		return int64(v)
	}
	return fmt.Sprint(v) // timestamps and other scalars YAML may produce
}

// TestExportGoldenValidates: the specs export writes (its golden files,
// which export's tests keep equal to what it writes, with and without
// --include-secrets) validate against the schema.
func TestExportGoldenValidates(t *testing.T) {
	sch := compile(t, document(t))
	files, _ := filepath.Glob("../export/testdata/*/dokploy.yaml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(parseYAML(t, src)); err != nil {
			t.Errorf("%s does not validate against the schema:\n%v", f, err)
		}
	}
	if len(files) < 2 {
		t.Errorf("validated %d specs of ../export/testdata, want golden and include-secrets", len(files))
	}
}
