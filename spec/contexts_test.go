package spec

import (
	"os"
	"strings"
	"testing"
)

// The keys written into the contexts of a broken spec never reach the
// diagnostics, and the contexts that are right load.
func TestContextsNeverQuoteAKey(t *testing.T) {
	path := "testdata/broken/98-context-literal-key.yaml"
	_, ds := Load(path, noVarsOptions())
	if !ds.HasErrors() {
		t.Fatal("a key in a context is not an error")
	}
	for _, key := range []string{"dkp_live_0123456789abcdef", "s3cr3t-token-value", "dkp_top_level_key_0123"} {
		if src, _ := os.ReadFile(path); !strings.Contains(string(src), key) {
			t.Fatalf("%s no longer holds %q; fix the test", path, key)
		}
		if strings.Contains(ds.String(), key) {
			t.Errorf("the diagnostics quote the key %q:\n%s", key, ds)
		}
	}
	for _, want := range []string{`6:5: context[production]: unknown field "apiKey" (a context never holds the API key`, "9:16: context[staging]: apiKeyEnv: is read as written, without ${VAR}s", `16:1: unknown field "apiKey" (the API key never goes into dokploy.yaml`} {
		if !strings.Contains(ds.String(), want) {
			t.Errorf("the diagnostics do not say %q:\n%s", want, ds)
		}
	}
}

func TestContextsLoad(t *testing.T) {
	src := `apiVersion: dokploy-sync/v1
defaultContext: staging
contexts:
  production: {url: https://panel.example.com, apiKeyEnv: PROD_DOKPLOY_KEY}
  staging: {url: "https://staging.example.com/", apiKeyFile: ~/.config/dokploy-sync/staging.key}
projects: {shop: {}}
`
	f, ds := Load("-", Options{Stdin: strings.NewReader(src), LookupEnv: func(string) (string, bool) { return "", false }})
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", ds)
	}
	if got := strings.Join(f.ContextNames(), ","); got != "production,staging" {
		t.Errorf("ContextNames() = %q", got)
	}
	if f.DefaultContext != "staging" || f.Contexts["production"].APIKeyEnv != "PROD_DOKPLOY_KEY" || f.Contexts["staging"].APIKeyFile != "~/.config/dokploy-sync/staging.key" {
		t.Errorf("contexts read wrong: default %q, %+v, %+v", f.DefaultContext, *f.Contexts["production"], *f.Contexts["staging"])
	}
	if p := f.DefaultContextPos(); p.Line != 2 || p.Col != 17 {
		t.Errorf("DefaultContextPos() = %+v, want line 2 col 17", p)
	}
}

// Two files of a directory spec may each declare contexts, but one
// context is declared in one file.
func TestContextsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(dir+"/"+name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("dokploy.yaml", "apiVersion: dokploy-sync/v1\ncontexts:\n  production: {url: https://panel.example.com, apiKeyEnv: PROD_KEY}\nprojects: {shop: {}}\n")
	write("dokploy.staging.yaml", "apiVersion: dokploy-sync/v1\ncontexts:\n  staging: {url: https://staging.example.com, apiKeyEnv: STAGING_KEY}\n  production: {url: https://other.example.com, apiKeyEnv: OTHER_KEY}\n")
	f, ds := Load(dir, noVarsOptions())
	if got := ds.String(); !strings.Contains(got, "dokploy.staging.yaml:4:3: context[production]: declared again: also at") {
		t.Errorf("a context declared twice is not reported:\n%s", got)
	}
	if f != nil && f.Contexts["staging"] == nil {
		t.Errorf("the contexts of the second file are lost: %v", f.ContextNames())
	}
}

func TestCheckContext(t *testing.T) {
	for _, tc := range []struct {
		url, env, file string
		want           string // "" for none; else in the joined problems
	}{
		{"https://panel.example.com", "K", "", ""},
		{"http://localhost:3000/sub", "", "/run/secrets/key", ""},
		{"https://panel.example.com", "", "~/k", ""},
		{"", "K", "", "url: required"},
		{"ftp://panel.example.com", "K", "", "url: must be an http:// or https:// URL"},
		{"https://u:pw@panel.example.com", "K", "", "url: must not hold credentials"},
		{"https://panel.example.com?x=1", "K", "", "url: must be the panel's base URL"},
		{"https://panel.example.com", "", "", "says where the API key comes from"},
		{"https://panel.example.com", "K", "/k", "apiKeyFile: set only one"},
		{"https://panel.example.com", "dkp-123", "", "apiKeyEnv: must be the name of an environment variable"},
		{"https://panel.example.com", "", "k.key", "apiKeyFile: must be an absolute path"},
	} {
		var got []string
		for _, p := range CheckContext(tc.url, tc.env, tc.file) {
			got = append(got, p.Field+": "+p.Message)
		}
		joined := strings.Join(got, "; ")
		if tc.want == "" && joined != "" || tc.want != "" && !strings.Contains(joined, tc.want) {
			t.Errorf("CheckContext(%q, %q, %q) = %q, want %q", tc.url, tc.env, tc.file, joined, tc.want)
		}
	}
	if strings.Contains(UnknownContext("prodution", []string{"production", "staging"}, "declared"), `did you mean "production"`) == false {
		t.Errorf("no did-you-mean: %s", UnknownContext("prodution", []string{"production", "staging"}, "declared"))
	}
}
