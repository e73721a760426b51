package spec

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadEnvFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.env":   "# pulled\nA=1\nB='pa$SWORD'\nC=\"two\\nlines\"\n",
		"bad.env":    "A=1\nB=\"unterminated secret-value\n",
		"badkey.env": "A=1\n1BAD=2\n",
	})
	got, err := ReadEnvFile(filepath.Join(dir, "good.env"))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"A": "1", "B": "pa$SWORD", "C": "two\nlines"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, tc := range []struct{ file, want string }{
		{"bad.env", "bad.env:2: unterminated quoted value"},
		{"badkey.env", `badkey.env: invalid variable name "1BAD"`},
		{"missing.env", "missing.env: no such file"},
		{".", "is a directory, not a dotenv file"},
	} {
		_, err := ReadEnvFile(filepath.Join(dir, tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.file, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret-value") {
			t.Errorf("%s: the error quotes the file: %v", tc.file, err)
		}
	}
}

func TestEnvOwnerAt(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"api.env": "FROM_FILE=1\n"})
	src := `apiVersion: dokploy-sync/v1
projects:
  shop:
    env: { P: "1" }
    environments:
      production:
        postgres:
          db: { dockerImage: "postgres:16", databaseName: d, databaseUser: u, databasePassword: "${PW}", env: { SECRET: "${PW}" } }
        applications:
          api:
            source: { docker: { image: nginx } }
            envFile: api.env
            env: { INLINE: x }
          web:
            source: { docker: { image: nginx } }
`
	f, diags := LoadBytes("dokploy.yaml", []byte(src), dir, Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, tc := range []struct {
		addr, kind string
		declared   bool
		vars       map[string]string
	}{
		{"shop", "project", true, map[string]string{"P": "1"}},
		{"shop/production", "environment", false, nil},
		{"shop/production/application/api", "application", true, map[string]string{"FROM_FILE": "1", "INLINE": "x"}},
		{"shop/production/application/web", "application", false, nil},
		{"shop/production/postgres/db", "postgres", true, map[string]string{"SECRET": "${PW}"}},
	} {
		o := f.EnvOwnerAt(tc.addr)
		if o == nil {
			t.Errorf("%s: no owner", tc.addr)
			continue
		}
		if o.Kind != tc.kind || o.Declared() != tc.declared || !reflect.DeepEqual(*o.Vars, tc.vars) {
			t.Errorf("%s: kind %s declared %v vars %q, want %s %v %q", tc.addr, o.Kind, o.Declared(), *o.Vars, tc.kind, tc.declared, tc.vars)
		}
	}
	for _, addr := range []string{"nope", "shop/staging", "shop/production/application", "shop/production/application/nope", "shop/production/redis/db", "shop/production/application/api/domain[x]"} {
		if o := f.EnvOwnerAt(addr); o != nil {
			t.Errorf("%s: owner %+v, want none", addr, o)
		}
	}

	// Replace sets the env the planner reads, and forgets unknown values.
	db := f.EnvOwnerAt("shop/production/postgres/db")
	if db.Meta.Unknown["env.SECRET"] == "" {
		t.Fatalf("test spec: env.SECRET is not unknown: %v", db.Meta.Unknown)
	}
	db.Replace(map[string]string{"NEW": "v"})
	pg := f.Projects["shop"].Environments["production"].Postgres["db"]
	if !reflect.DeepEqual(pg.EnvVars, map[string]string{"NEW": "v"}) || pg.Meta.Unknown["env.SECRET"] != "" {
		t.Errorf("after Replace: env %q, unknown %q", pg.EnvVars, pg.Meta.Unknown)
	}
	if pg.Meta.Unknown["databasePassword"] == "" {
		t.Errorf("Replace forgot an unknown value that is not the env's: %q", pg.Meta.Unknown)
	}
	web := f.EnvOwnerAt("shop/production/application/web")
	web.Replace(map[string]string{})
	if a := f.Projects["shop"].Environments["production"].Applications["web"]; a.EnvVars == nil {
		t.Errorf("an empty env replaced is not managed (nil)")
	}
}
