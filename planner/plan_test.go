package planner

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func load(t *testing.T, yaml string, vars map[string]string) *spec.File {
	t.Helper()
	f, diags := spec.LoadBytes("dokploy.yaml", []byte(yaml), t.TempDir(), spec.Options{
		Vars:      vars,
		LookupEnv: func(string) (string, bool) { return "", false },
	})
	if diags.HasErrors() {
		t.Fatalf("spec errors:\n%s", diags)
	}
	return f
}

// liveJSON decodes a live state written as the projects project.one and
// <kind>.one return, keyed by project name.
func liveJSON(t *testing.T, js string) *dokploy.Live {
	t.Helper()
	var projects map[string][]*dokploy.Project
	if js != "" {
		if err := json.Unmarshal([]byte(js), &projects); err != nil {
			t.Fatalf("live JSON: %v", err)
		}
	}
	if projects == nil {
		projects = map[string][]*dokploy.Project{}
	}
	return &dokploy.Live{Version: "v0.30.2", Role: "owner", Projects: projects}
}

// summary is a compact, comparable form of a plan.
func summary(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		line := string(c.Action) + " " + c.Address
		for _, f := range c.Fields {
			line += " " + string(f.Action) + f.Name
		}
		out = append(out, line)
	}
	for _, r := range p.Unmanaged {
		out = append(out, "? "+r.Address)
	}
	for _, e := range p.Errors {
		out = append(out, "error: "+e)
	}
	return out
}

const shopSpec = `
apiVersion: dokploy-sync/v1
projects:
  shop:
    description: Online shop
    environments:
      production:
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: pw-1234
        applications:
          api:
            source: {docker: {image: "nginx:1.27"}}
            replicas: 2
            resources: {memoryLimit: 512Mi, cpuLimit: 0.5}
            env: {A: "1", B: two}
`

const shopLive = `{"shop": [{"projectId": "P1", "name": "shop", "description": "Online shop", "env": "",
  "environments": [{"environmentId": "E1", "name": "production", "isDefault": true, "env": "",
    "description": "Production environment",
    "postgres": [{"postgresId": "D1", "name": "db", "appName": "shop-db-abc123", "dockerImage": "postgres:16",
       "databaseName": "shop", "databaseUser": "shop", "databasePassword": "pw-1234", "applicationStatus": "done"}],
    "applications": [{"applicationId": "A1", "name": "api", "appName": "shop-api-abc123", "sourceType": "docker",
       "dockerImage": "nginx:1.27", "replicas": 2, "memoryLimit": "536870912", "cpuLimit": "500000000",
       "env": "B=two\nA=1", "applicationStatus": "done",
       "deployments": [{"deploymentId": "X1", "title": "Manual deployment", "description": "", "status": "done", "createdAt": "2026-01-01T00:00:00.000Z"}]}]}]}]}`

func TestCompute(t *testing.T) {
	tests := map[string]struct {
		spec string
		live string
		want []string
	}{
		"empty server creates everything": {
			spec: shopSpec,
			want: []string{
				"+ shop +description",
				"+ shop/production/postgres/db +dockerImage +databaseName +databaseUser +databasePassword",
				"+ shop/production/application/api +source.docker.image +replicas +resources.memoryLimit +resources.cpuLimit +env.A +env.B",
			},
		},
		"matching server: no changes, units and env order ignored": {
			spec: shopSpec, live: shopLive, want: nil,
		},
		"omitted fields are not managed": {
			spec: `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api: {}
`,
			live: strings.Replace(shopLive, `"replicas": 2`, `"replicas": 7`, 1),
			want: []string{"? shop/production/postgres/db"},
		},
		"field changes": {
			spec: strings.NewReplacer("replicas: 2", "replicas: 3", "pw-1234", "pw-5678", `B: two`, `C: "3"`).Replace(shopSpec),
			live: shopLive,
			want: []string{
				"~ shop/production/postgres/db ~databasePassword",
				"~ shop/production/application/api ~replicas -env.B +env.C",
			},
		},
		"explicit null clears, empty and null are equal": {
			spec: strings.Replace(shopSpec, "description: Online shop", "description: null", 1),
			live: shopLive,
			want: []string{"~ shop -description"},
		},
		"source switch to docker": {
			spec: shopSpec,
			live: strings.Replace(shopLive, `"sourceType": "docker"`, `"sourceType": "github"`, 1),
			want: []string{"~ shop/production/application/api ~source"},
		},
		"bad live units are shown and changed": {
			spec: shopSpec,
			live: strings.Replace(shopLive, `"536870912"`, `"512m"`, 1),
			want: []string{"~ shop/production/application/api ~resources.memoryLimit"},
		},
		"duplicate live names are an error, never a guess": {
			spec: shopSpec,
			live: strings.Replace(shopLive, `"postgres": [{`, `"postgres": [{"postgresId": "D2", "name": "db"}, {`, 1),
			want: []string{`error: shop/production/postgres/db: 2 live postgres services are named "db" (ids D2, D1); rename or remove all but one in Dokploy`},
		},
		"new environment in an existing project": {
			spec: shopSpec + `
      staging:
        description: Staging
        env: {X: "1"}
`,
			live: shopLive,
			want: []string{"+ shop/staging +description +env.X"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := Compute(load(t, tt.spec, nil), liveJSON(t, tt.live))
			if d := cmp.Diff(tt.want, summary(p)); d != "" {
				t.Errorf("plan (-want +got):\n%s", d)
			}
		})
	}
}

func TestComputeUnknownVariable(t *testing.T) {
	f := load(t, strings.Replace(shopSpec, "pw-1234", "${DB_PASSWORD}", 1), nil)
	p := Compute(f, liveJSON(t, shopLive))
	if d := cmp.Diff([]string{"DB_PASSWORD"}, p.UnsetVars); d != "" {
		t.Errorf("UnsetVars (-want +got):\n%s", d)
	}
	if len(p.Changes) != 0 {
		t.Errorf("an unknown field is no change, got %q", summary(p))
	}
	if d := cmp.Diff([]string{"shop/production/postgres/db: databasePassword"}, p.NotCompared); d != "" {
		t.Errorf("NotCompared (-want +got):\n%s", d)
	}
}

func TestComputeMemberWarning(t *testing.T) {
	l := liveJSON(t, shopLive)
	l.Role = "member"
	p := Compute(load(t, shopSpec, nil), l)
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "member role") {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

// TestRenderGolden renders typical plans; run with -update to rewrite.
func TestRenderGolden(t *testing.T) {
	cases := map[string]struct {
		spec, live string
		opt        RenderOptions
	}{
		"create":      {spec: shopSpec},
		"nochange":    {spec: shopSpec, live: shopLive},
		"errors":      {spec: shopSpec, live: strings.Replace(shopLive, `"postgres": [{`, `"postgres": [{"postgresId": "D2", "name": "db"}, {`, 1)},
		"update":      {spec: strings.NewReplacer("replicas: 2", "replicas: 3", "pw-1234", "pw-5678", `B: two`, `C: "3"`, "cpuLimit: 0.5", "cpuLimit: 2").Replace(shopSpec), live: shopLive},
		"show-values": {spec: strings.NewReplacer(`B: two`, `B: three`, "pw-1234", "pw-5678").Replace(shopSpec), live: shopLive, opt: RenderOptions{ShowValues: true}},
		"color":       {spec: strings.Replace(shopSpec, "replicas: 2", "replicas: 3", 1), live: shopLive, opt: RenderOptions{Color: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			Render(&buf, Compute(load(t, tc.spec, nil), liveJSON(t, tc.live)), tc.opt)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./planner -update)", err)
			}
			if d := cmp.Diff(string(want), buf.String()); d != "" {
				t.Errorf("render (-want +got):\n%s", d)
			}
			if strings.Contains(buf.String(), "pw-") {
				t.Error("a password appears in the rendered plan")
			}
		})
	}
}

func TestResourcesNullClearsAllLimits(t *testing.T) {
	spec := strings.Replace(shopSpec, "resources: {memoryLimit: 512Mi, cpuLimit: 0.5}", "resources: null", 1)
	p := Compute(load(t, spec, nil), liveJSON(t, shopLive))
	want := []string{"~ shop/production/application/api -resources.memoryLimit -resources.cpuLimit"}
	if d := cmp.Diff(want, summary(p)); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
}

// A plan whose live state has duplicates has errors and maybe no changes:
// it must never read as "No changes", in text or in JSON.
func TestPlanWithErrorsIsNeverNoChanges(t *testing.T) {
	live := strings.Replace(shopLive, `"postgres": [{`, `"postgres": [{"postgresId": "D2", "name": "db"}, {`, 1)
	p := Compute(load(t, shopSpec, nil), liveJSON(t, live))
	if len(p.Errors) == 0 || !p.Empty() {
		t.Fatalf("want errors and no changes, got %q", summary(p))
	}
	var buf bytes.Buffer
	Render(&buf, p, RenderOptions{})
	if strings.Contains(buf.String(), "No changes") {
		t.Errorf("a plan with errors says No changes:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "1 error") {
		t.Errorf("the last line does not count the errors:\n%s", buf.String())
	}
	if js := p.JSON(RenderOptions{}); js.Summary.Errors != 1 || js.Complete {
		t.Errorf("JSON summary %+v, complete %v: want 1 error, not complete", js.Summary, js.Complete)
	}
}
