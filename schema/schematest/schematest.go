// Package schematest validates YAML documents against the JSON Schema of
// dokploy.yaml, for tests (it compiles the schema with
// santhosh-tekuri/jsonschema, which the binary does not need).
package schematest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dokploy-sync/dokploy-sync/schema"
)

// Document returns the schema as generic JSON (numbers as json.Number).
func Document(tb testing.TB) map[string]any {
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

// Compile compiles a schema document (Document, or a changed copy).
func Compile(tb testing.TB, doc map[string]any) *jsonschema.Schema {
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

// ParseYAML reads YAML into the generic value a JSON Schema validates:
// objects with string keys, arrays, strings, numbers, booleans and null.
func ParseYAML(tb testing.TB, src []byte) any {
	tb.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		tb.Fatalf("YAML: %v", err)
	}
	return JSONValue(v)
}

// JSONValue converts a value decoded from YAML into its JSON form.
func JSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = JSONValue(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = JSONValue(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = JSONValue(x)
		}
		return out
	case nil, bool, string, int, int64, float64:
		return v
	case uint64:
		return int64(v)
	}
	return fmt.Sprint(v) // timestamps and other scalars YAML may produce
}
