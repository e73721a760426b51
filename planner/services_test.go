package planner

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const childSpec = `
apiVersion: dokploy-sync/v1
projects:
  shop:
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
            source: {git: {url: "https://github.com/acme/api.git", branch: main}}
            build: {type: dockerfile, dockerfile: Dockerfile}
            env:
              DB_HOST: ${ref:postgres/db.appName}
              DB_NAME: ${ref:postgres/db.databaseName}
            domains:
              - {host: api.example.com, port: 8080, https: true, certificateType: letsencrypt}
            ports:
              - {publishedPort: 9000, targetPort: 9000}
            redirects:
              - {regex: "^/old", replacement: "/new"}
            security:
              - {username: admin, password: pw-admin}
        compose:
          mon:
            composeFile: |
              services:
                grafana:
                  image: grafana/grafana:11.2.0
            domains:
              - {host: grafana.example.com, serviceName: grafana, port: 3000}
`

const childLive = `{"shop": [{"projectId": "P1", "name": "shop", "env": "",
  "environments": [{"environmentId": "E1", "name": "production", "isDefault": true, "env": "",
    "postgres": [{"postgresId": "D1", "name": "db", "appName": "shop-db-abc123", "dockerImage": "postgres:16",
       "databaseName": "shop", "databaseUser": "shop", "databasePassword": "pw-1234", "applicationStatus": "idle",
       "mounts": [{"mountId": "M0", "type": "volume", "volumeName": "shop-db-abc123-data", "mountPath": "/var/lib/postgresql/data"}]}],
    "applications": [{"applicationId": "A1", "name": "api", "appName": "shop-api-abc123", "sourceType": "git",
       "customGitUrl": "https://github.com/acme/api.git", "customGitBranch": "main", "buildType": "dockerfile", "dockerfile": "Dockerfile",
       "env": "DB_HOST=shop-db-abc123\nDB_NAME=shop",
       "domains": [{"domainId": "DM1", "host": "api.example.com", "path": "/", "port": 8080, "https": true, "certificateType": "letsencrypt"},
                   {"domainId": "DM2", "host": "old.example.com", "path": "/", "port": 80}],
       "ports": [{"portId": "PT1", "publishedPort": 9000, "targetPort": 9000, "protocol": "tcp", "publishMode": "ingress"}],
       "redirects": [{"redirectId": "R1", "regex": "^/old", "replacement": "/new", "permanent": false}],
       "security": [{"securityId": "S1", "username": "admin", "password": "pw-admin"}],
       "mounts": []}],
    "compose": [{"composeId": "C1", "name": "mon", "appName": "shop-mon-abc123", "sourceType": "raw",
       "composeFile": "services:\n  grafana:\n    image: grafana/grafana:11.2.0\n",
       "domains": [{"domainId": "DM3", "host": "grafana.example.com", "path": "/", "port": 3000, "serviceName": "grafana"}]}]}]}]}`

func TestComputeChildrenAndCompose(t *testing.T) {
	tests := map[string]struct {
		spec, live string
		want       []string
	}{
		"everything matches; the data volume and an extra domain are not changes": {
			spec: childSpec, live: childLive,
			want: []string{"? shop/production/application/api/domain[old.example.com]"},
		},
		"new server: children created after their parents": {
			spec: childSpec,
			want: []string{
				"+ shop",
				"+ shop/production/postgres/db +dockerImage +databaseName +databaseUser +databasePassword",
				"+ shop/production/application/api +source.git.url +source.git.branch +build.type +build.dockerfile +env.DB_HOST +env.DB_NAME",
				"+ shop/production/application/api/domain[api.example.com] +host +port +https +certificateType",
				"+ shop/production/application/api/port[9000/tcp] +publishedPort +targetPort",
				"+ shop/production/application/api/redirect[^/old] +regex +replacement",
				"+ shop/production/application/api/security[admin] +username +password",
				"+ shop/production/compose/mon +composeFile",
				"+ shop/production/compose/mon/domain[grafana.example.com] +host +port +serviceName",
			},
		},
		"field changes of children": {
			spec: strings.NewReplacer("port: 8080", "port: 8081", "pw-admin", "pw-other", "11.2.0", "11.3.0", "branch: main", "branch: dev").Replace(childSpec),
			live: childLive,
			want: []string{
				"~ shop/production/application/api ~source.git.branch",
				"~ shop/production/application/api/domain[api.example.com] ~port",
				"~ shop/production/application/api/security[admin] ~password",
				"~ shop/production/compose/mon ~composeFile",
				"? shop/production/application/api/domain[old.example.com]",
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := summary(Compute(load(t, tt.spec, nil), liveJSON(t, tt.live)))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("plan (-want +got):\n%s", d)
			}
		})
	}
}

func TestReferencesKnownAfterApply(t *testing.T) {
	p := Compute(load(t, childSpec, nil), liveJSON(t, ""))
	var api *Change
	for _, c := range p.Changes {
		if c.Address == "shop/production/application/api" {
			api = c
		}
	}
	if f := api.Field("env.DB_HOST"); f == nil || !f.AfterApply {
		t.Errorf("DB_HOST = %+v, want known after apply", f)
	}
	if f := api.Field("env.DB_NAME"); f == nil || f.AfterApply || f.After != "shop" {
		t.Errorf("DB_NAME = %+v, want the database name from the spec", f)
	}
	var buf bytes.Buffer
	Render(&buf, p, RenderOptions{ShowValues: true})
	if !regexp.MustCompile(`\+ env\.DB_HOST +\= \(known after apply\)`).MatchString(buf.String()) {
		t.Errorf("render:\n%s", buf.String())
	}
}

func TestComposeFileLineDiff(t *testing.T) {
	spec := strings.Replace(childSpec, "11.2.0", "11.3.0", 1)
	var buf bytes.Buffer
	Render(&buf, Compute(load(t, spec, nil), liveJSON(t, childLive)), RenderOptions{})
	for _, want := range []string{"~ composeFile:", "- " + "    image: grafana/grafana:11.2.0", "+ " + "    image: grafana/grafana:11.3.0", "    grafana:"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("render lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestTargetInANewProjectKeepsTheParentsToCreate(t *testing.T) {
	p := Compute(load(t, shopSpec, nil), liveJSON(t, ""))
	if err := p.Target([]string{"shop/production/application/api"}); err != nil {
		t.Fatal(err)
	}
	got := summary(p)
	want := []string{"+ shop +description", "+ shop/production/application/api +source.docker.image +replicas +resources.memoryLimit +resources.cpuLimit +env.A +env.B"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("targeted plan (-want +got):\n%s", d)
	}
}

func TestUnownedGitlabProjectIDIsNotAChange(t *testing.T) {
	spec := `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {gitlab: {providerId: G1, owner: acme, repository: api, branch: main}}
`
	live := `{"shop": [{"projectId": "P1", "name": "shop", "environments": [{"environmentId": "E1", "name": "production", "isDefault": true,
  "applications": [{"applicationId": "A1", "name": "api", "sourceType": "gitlab", "gitlabId": "G1", "gitlabOwner": "acme",
    "gitlabRepository": "api", "gitlabBranch": "main", "gitlabProjectId": 123}]}]}]}`
	if got := summary(Compute(load(t, spec, nil), liveJSON(t, live))); len(got) != 0 {
		t.Errorf("plan = %q, want no changes", got)
	}
}

func TestTargetMisspeltSuggestsTheNearestAddress(t *testing.T) {
	for _, c := range []struct{ target, want string }{
		{"shop/production/app/api", "--target shop/production/app/api: no such resource in dokploy.yaml or in the declared projects (did you mean shop/production/application/api?); addresses look like shop, shop/production or shop/production/application/api"},
		{"shop/prodution/postgres/db", "(did you mean shop/production/postgres/db?)"},
		{"shpo", "(did you mean shop?)"},
		{"nothing/near", "; addresses look like shop, shop/production or shop/production/application/api"},
	} {
		p := Compute(load(t, shopSpec, nil), liveJSON(t, shopLive))
		err := p.Target([]string{c.target})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Target(%s) = %v, want it to contain %q", c.target, err, c.want)
		}
		if c.target == "nothing/near" && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("Target(%s) suggests something: %v", c.target, err)
		}
	}
}
