package dokploytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestSchemasMatchOpenAPI checks the input schemas encoded in the fake
// against the OpenAPI document served by a real v0.30.2 server: the same
// keys in the same order, the same required keys, types, nullability, enums,
// length bounds, patterns and defaults, and the right HTTP method.
func TestSchemasMatchOpenAPI(t *testing.T) {
	dir := sharedDokployDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "openapi.json"))
	if err != nil {
		t.Skip(sharedSkip)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name     string         `json:"name"`
				Required bool           `json:"required"`
				Schema   map[string]any `json:"schema"`
			} `json:"parameters"`
			RequestBody *struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}

	var raw rawDoc
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}

	s := New(Options{})
	for _, name := range s.Procedures() {
		p := s.lookup(name)
		ops, ok := doc.Paths["/"+name]
		if !ok {
			t.Errorf("%s: not in openapi.json", name)
			continue
		}
		method := "get"
		if p.mutation {
			method = "post"
		}
		op, ok := ops[method]
		if !ok {
			t.Errorf("%s: openapi.json has no %s operation", name, method)
			continue
		}

		var want []apiProp
		if op.RequestBody != nil {
			sc := op.RequestBody.Content["application/json"].Schema
			required := map[string]bool{}
			if req, ok := sc["required"].([]any); ok {
				for _, r := range req {
					required[r.(string)] = true
				}
			}
			// Property order is not kept by a Go map: take it from the raw JSON.
			for _, pn := range propertyOrder(t, raw, name) {
				ps := sc["properties"].(map[string]any)[pn].(map[string]any)
				want = append(want, flattenProp(pn, required[pn], ps))
			}
		}
		for _, par := range op.Parameters {
			want = append(want, flattenProp(par.Name, par.Required, par.Schema))
		}

		var got []apiProp
		for _, f := range p.input {
			got = append(got, fieldProp(f))
		}
		// A zod default makes a key optional although openapi lists it as
		// required (libsql.create).
		for i := range want {
			if want[i].Default != nil && want[i].Required {
				want[i].Required = false
			}
		}
		if !reflect.DeepEqual(want, got) {
			for i := 0; i < len(want) || i < len(got); i++ {
				var w, g any = "-", "-"
				if i < len(want) {
					w = want[i]
				}
				if i < len(got) {
					g = got[i]
				}
				if !reflect.DeepEqual(w, g) {
					t.Errorf("%s: key %d: openapi %+v, fake %+v", name, i, w, g)
				}
			}
		}
	}
}

// apiProp is the comparable summary of one input key.
type apiProp struct {
	Name      string
	Required  bool
	Type      string // string, number, boolean, array<string>, object, array<object>
	Nullable  bool
	Enum      string
	MinLength float64
	MaxLength float64
	Pattern   string
	Min, Max  float64
	Default   any
}

func flattenProp(name string, required bool, sc map[string]any) apiProp {
	p := apiProp{Name: name, Required: required}
	var visit func(m map[string]any)
	visit = func(m map[string]any) {
		if alts, ok := m["anyOf"].([]any); ok {
			for _, a := range alts {
				visit(a.(map[string]any))
			}
			return
		}
		typ, _ := m["type"].(string)
		if typ == "null" {
			p.Nullable = true
			return
		}
		switch typ {
		case "integer":
			typ = "number"
		case "array":
			items, _ := m["items"].(map[string]any)
			typ = fmt.Sprintf("array<%v>", items["type"])
			p.Pattern, _ = items["pattern"].(string) // the fake checks it on each item
		}
		p.Type = typ
		if e, ok := m["enum"]; ok {
			p.Enum = fmt.Sprint(e)
		}
		p.MinLength, _ = m["minLength"].(float64)
		p.MaxLength, _ = m["maxLength"].(float64)
		if pat, ok := m["pattern"].(string); ok {
			p.Pattern = pat
		}
		p.Min, _ = m["minimum"].(float64)
		p.Max, _ = m["maximum"].(float64)
		if d, ok := m["default"]; ok {
			p.Default = d
		}
	}
	visit(sc)
	return p
}

func fieldProp(f field) apiProp {
	p := apiProp{
		Name:      f.name,
		Required:  f.presence != optional && !f.hasDef,
		Nullable:  f.nullable,
		MinLength: float64(f.minLen),
		MaxLength: float64(f.maxLen),
		Default:   f.def,
	}
	switch f.kind {
	case kString, kEnum:
		p.Type = "string"
	case kNumber:
		p.Type = "number"
	case kBool:
		p.Type = "boolean"
	case kStringArray:
		p.Type = "array<string>"
	case kObject:
		p.Type = "object"
	case kObjectArray:
		p.Type = "array<object>"
	case kAny: // z.any(): a schema without a type
	}
	if f.values != nil {
		vals := make([]any, len(f.values))
		for i, v := range f.values {
			vals[i] = v
		}
		p.Enum = fmt.Sprint(vals)
	}
	if f.pattern != nil {
		p.Pattern = f.patSrc[1 : len(f.patSrc)-1]
	}
	if f.min != nil {
		p.Min = *f.min
	}
	if f.max != nil {
		p.Max = *f.max
	}
	return p
}

// rawDoc keeps the request body properties of openapi.json as raw JSON.
type rawDoc struct {
	Paths map[string]map[string]struct {
		RequestBody struct {
			Content map[string]struct {
				Schema struct {
					Properties json.RawMessage `json:"properties"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
}

// propertyOrder returns the request body property names of proc in
// document order.
func propertyOrder(t *testing.T, raw rawDoc, proc string) []string {
	t.Helper()
	props := raw.Paths["/"+proc]["post"].RequestBody.Content["application/json"].Schema.Properties
	dec := json.NewDecoder(bytes.NewReader(props))
	var names []string
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// toolProcedures are the procedures dokploy-sync uses (API.md §2.1-2.11):
// the fake must implement every one of them, so that TestSchemasMatchOpenAPI
// checks their input schemas and TestCaptures their answers.
var toolProcedures = []string{
	"settings.getDokployVersion", "user.get",
	"project.all", "project.one", "project.create", "project.update", "project.remove",
	"environment.create", "environment.one", "environment.byProjectId", "environment.update", "environment.remove",
	"application.create", "application.one", "application.update", "application.delete", "application.deploy",
	"application.redeploy", "application.reload", "application.start", "application.stop",
	"application.saveEnvironment", "application.saveBuildType", "application.saveDockerProvider",
	"application.saveGitProvider", "application.saveGithubProvider", "application.saveGitlabProvider",
	"application.saveBitbucketProvider", "application.saveGiteaProvider", "application.disconnectGitProvider",
	"compose.create", "compose.one", "compose.update", "compose.saveEnvironment", "compose.delete",
	"compose.deploy", "compose.redeploy", "compose.start", "compose.stop", "compose.loadServices",
	"domain.create", "domain.update", "domain.delete", "domain.one", "domain.byApplicationId", "domain.byComposeId",
	"port.create", "port.one", "port.update", "port.delete",
	"mounts.create", "mounts.one", "mounts.update", "mounts.remove", "mounts.listByServiceId",
	"redirects.create", "redirects.one", "redirects.update", "redirects.delete",
	"security.create", "security.one", "security.update", "security.delete",
	"deployment.all", "deployment.allByCompose", "deployment.allByType", "deployment.readLogs",
}

func TestImplementsToolProcedures(t *testing.T) {
	s := New(Options{})
	for _, p := range toolProcedures {
		if s.lookup(p) == nil {
			t.Errorf("%s: not implemented", p)
		}
	}
	for _, k := range dbKinds {
		for _, p := range []string{"create", "one", "update", "remove", "saveEnvironment", "deploy", "reload", "start", "stop"} {
			if s.lookup(k.name+"."+p) == nil {
				t.Errorf("%s.%s: not implemented", k.name, p)
			}
		}
	}
}

// clientReads are read procedures that real clients (dokploy-sync, the
// Dokploy CLI, Terraform providers, scripts) call to find things: the fake
// must answer every one of them.
var clientReads = []string{
	"settings.getDokployVersion", "user.get",
	"project.all", "project.one", "project.search",
	"environment.one", "environment.byProjectId", "environment.search",
	"application.one", "application.search", "compose.one", "compose.search",
	"postgres.one", "postgres.search", "mysql.one", "mysql.search", "mariadb.one", "mariadb.search",
	"mongo.one", "mongo.search", "redis.one", "redis.search", "libsql.one",
	"domain.one", "domain.byApplicationId", "domain.byComposeId", "mounts.listByServiceId",
	"deployment.all", "deployment.allByCompose",
	"server.all", "server.one", "registry.all", "registry.one", "sshKey.all", "sshKey.one",
	"destination.all", "destination.one", "certificates.all", "certificates.one",
	"notification.all", "notification.one", "gitProvider.getAll", "github.githubProviders",
	"gitlab.gitlabProviders", "bitbucket.bitbucketProviders", "gitea.giteaProviders", "tag.all", "tag.one",
	"github.one", "gitlab.one", "bitbucket.one", "gitea.one",
}

// TestOpenAPIQueries goes through every query (GET operation) of the real
// server's openapi.json: the fake answers it, or, for the ones it does not
// implement, answers on both faces exactly like Dokploy for a procedure it
// does not have (REST: the body of capture 108, trpc-openapi's route miss;
// tRPC: NOT_FOUND "No procedure found on path"), so that a client sees a
// known error rather than something else. The response schemas of
// openapi.json are all an empty object ({"type":"object","properties":{},
// "additionalProperties":false} for every operation), so answers are
// compared with the captures (TestCaptures) rather than with them.
func TestOpenAPIQueries(t *testing.T) {
	dir := sharedDokployDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "openapi.json"))
	if err != nil {
		t.Skip(sharedSkip)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	capture, err := os.ReadFile(filepath.Join(dir, "captures", "108-project.all-post-on-query.json"))
	if err != nil {
		t.Fatal(err)
	}
	var routeMiss struct {
		Status       int             `json:"status"`
		ResponseBody json.RawMessage `json:"responseBody"`
	}
	if err := json.Unmarshal(capture, &routeMiss); err != nil {
		t.Fatal(err)
	}
	wantMiss := decode(t, routeMiss.ResponseBody)

	c := newClient(t, Options{})
	var queries []string
	for path, ops := range doc.Paths {
		if _, ok := ops["get"]; ok {
			queries = append(queries, strings.TrimPrefix(path, "/"))
		}
	}
	sort.Strings(queries)
	if len(queries) < 200 {
		t.Fatalf("%d queries in openapi.json, want the 200 and more of v0.30.2", len(queries))
	}
	isQuery := map[string]bool{}
	missing := 0
	for _, name := range queries {
		isQuery[name] = true
		restStatus, restBody := c.get(name, nil)
		trpcStatus, trpcBody := c.trpcGet([]string{name}, nil, false)
		trpcErr := at(decode(t, trpcBody), "error", "json")
		if p := c.s.lookup(name); p != nil {
			if p.mutation {
				t.Errorf("%s: a query in openapi.json, a mutation in the fake", name)
			}
			if restStatus == 404 && reflect.DeepEqual(decode(t, restBody), wantMiss) {
				t.Errorf("%s: implemented, but REST answers the route miss: %s", name, restBody)
			}
			if trpcStatus == 404 && strings.HasPrefix(fmt.Sprint(at(trpcErr, "message")), "No procedure found") {
				t.Errorf("%s: implemented, but tRPC answers %s", name, trpcBody)
			}
			continue
		}
		missing++
		if restStatus != routeMiss.Status || !reflect.DeepEqual(decode(t, restBody), wantMiss) {
			t.Errorf("%s: REST answers %d %s, want Dokploy's %d %s for a procedure it lacks", name, restStatus, restBody, routeMiss.Status, routeMiss.ResponseBody)
		}
		want := map[string]any{"message": `No procedure found on path "` + name + `"`, "code": -32004.0,
			"data": map[string]any{"code": "NOT_FOUND", "httpStatus": 404.0, "path": name, "zodError": nil}}
		if trpcStatus != 404 || !reflect.DeepEqual(trpcErr, want) {
			t.Errorf("%s: tRPC answers %d %s, want 404 %v", name, trpcStatus, trpcBody, want)
		}
	}
	t.Logf("%d queries in openapi.json, %d answered by the fake, %d answered as unknown", len(queries), len(queries)-missing, missing)
	for _, name := range clientReads {
		if !isQuery[name] {
			t.Errorf("%s: listed as a client read, but not a query of openapi.json", name)
		}
		if c.s.lookup(name) == nil {
			t.Errorf("%s: a read real clients call, not implemented by the fake", name)
		}
	}
}
