package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/planner"
)

// TestResolveInstance: which instance a command talks to, for each
// combination of flags, environment, contexts and the spec's default.
func TestResolveInstance(t *testing.T) {
	const key = "dkp-secret-key-0001"
	spec := map[string]contextDecl{
		"production": {url: "https://panel.example.com", keyEnv: "PROD_KEY", where: "dokploy.yaml:4:3"},
		"staging":    {url: "https://staging.example.com", keyFile: "~/.config/dokploy-sync/staging.key", where: "dokploy.yaml:7:3"},
		"nokey":      {url: "https://nokey.example.com", keyEnv: "UNSET_KEY", where: "dokploy.yaml:9:3"},
		"emptykey":   {url: "https://empty.example.com", keyEnv: "EMPTY_KEY", where: "dokploy.yaml:11:3"},
		"nofile":     {url: "https://nofile.example.com", keyFile: "/etc/none.key", where: "dokploy.yaml:13:3"},
	}
	file := map[string]contextDecl{
		"personal":   {url: "https://me.example.com", keyEnv: "ME_KEY", where: "contexts.yaml:2:3"},
		"production": {url: "https://other.example.com", keyEnv: "PROD_KEY", where: "contexts.yaml:5:3"},
	}
	env := map[string]string{"PROD_KEY": "prod-key", "ME_KEY": "me-key", "EMPTY_KEY": " "}
	files := map[string]string{"/home/u/.config/dokploy-sync/staging.key": "staging-key\n"}
	base := instanceInput{
		specContexts: spec, contextsFile: "contexts.yaml", keyFrom: "DOKPLOY_API_KEY",
		getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		readFile: func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		},
		home: func() (string, error) { return "/home/u", nil },
	}
	for _, tc := range []struct {
		name string
		edit func(*instanceInput)
		// want is "URL KEY CONTEXT" or an error's text (a part of it).
		want string
	}{
		{"flags only", func(in *instanceInput) {
			in.url, in.urlFlag, in.key, in.keyFlag = "https://x.example.com", true, key, true
		}, "https://x.example.com " + key + " "},
		{"environment only", func(in *instanceInput) { in.url, in.key = "https://env.example.com", key }, "https://env.example.com " + key + " "},
		{"nothing", func(in *instanceInput) {}, "  "},
		{"--context", func(in *instanceInput) { in.context, in.contextFlag = "production", true }, "https://panel.example.com prod-key production"},
		{"DOKPLOY_CONTEXT", func(in *instanceInput) { in.context = "production" }, "https://panel.example.com prod-key production"},
		{"key file under ~/", func(in *instanceInput) { in.context, in.contextFlag = "staging", true }, "https://staging.example.com staging-key staging"},
		{"--context beats the environment", func(in *instanceInput) {
			in.context, in.contextFlag, in.url, in.key = "production", true, "https://env.example.com", key
		}, "https://panel.example.com prod-key production"},
		{"a key flag goes with --context", func(in *instanceInput) {
			in.context, in.contextFlag, in.key, in.keyFlag = "production", true, key, true
		}, "https://panel.example.com " + key + " production"},
		{"the spec's default", func(in *instanceInput) { in.defaultContext = "staging" }, "https://staging.example.com staging-key staging"},
		{"the environment beats the default", func(in *instanceInput) {
			in.defaultContext, in.url, in.key = "staging", "https://env.example.com", key
		}, "https://env.example.com " + key + " "},
		{"--url beats the default", func(in *instanceInput) {
			in.defaultContext, in.url, in.urlFlag, in.key, in.keyFlag = "staging", "https://x.example.com", true, key, true
		}, "https://x.example.com " + key + " "},
		{"--context beats the default", func(in *instanceInput) {
			in.defaultContext, in.context, in.contextFlag = "staging", "production", true
		}, "https://panel.example.com prod-key production"},
		{"a key flag goes with the default", func(in *instanceInput) {
			in.defaultContext, in.key, in.keyFlag = "production", key, true
		}, "https://panel.example.com " + key + " production"},
		{"a context of the contexts file", func(in *instanceInput) { in.context, in.contextFlag, in.fileContexts = "personal", true, file }, "https://me.example.com me-key personal"},

		{"--url with --context", func(in *instanceInput) {
			in.context, in.contextFlag, in.url, in.urlFlag = "production", true, "https://x.example.com", true
		},
			"--url and --context production both choose the Dokploy instance: drop one"},
		{"--url beats DOKPLOY_CONTEXT", func(in *instanceInput) {
			in.context, in.url, in.urlFlag, in.key = "production", "https://x.example.com", true, key
		}, "https://x.example.com " + key + " "},
		{"DOKPLOY_CONTEXT with DOKPLOY_URL", func(in *instanceInput) { in.context, in.url = "production", "https://env.example.com" },
			"DOKPLOY_CONTEXT=production and DOKPLOY_URL are both set and both choose the Dokploy instance: unset one"},
		{"DOKPLOY_CONTEXT with DOKPLOY_API_KEY", func(in *instanceInput) { in.context, in.key = "production", key },
			"DOKPLOY_CONTEXT=production takes its API key from its context, and DOKPLOY_API_KEY is set too: unset one"},
		{"the default with DOKPLOY_API_KEY only", func(in *instanceInput) { in.defaultContext, in.key = "production", key },
			"DOKPLOY_API_KEY is set but DOKPLOY_URL is not, and the spec's defaultContext production has a key of its own"},
		{"unknown, near a name", func(in *instanceInput) { in.context, in.contextFlag = "prodution", true },
			`--context prodution: no context "prodution" (did you mean "production"?); declare it under contexts: in the spec or in contexts.yaml`},
		{"unknown, far from every name", func(in *instanceInput) { in.context, in.contextFlag, in.fileContexts = "qa", true, file },
			`no context "qa"; the contexts declared are: emptykey, nofile, nokey, personal, production, staging`},
		{"in the spec and the file", func(in *instanceInput) { in.context, in.contextFlag, in.fileContexts = "production", true, file },
			"context production is declared both in the spec (dokploy.yaml:4:3) and in the contexts file (contexts.yaml:5:3): remove one"},
		{"key variable unset", func(in *instanceInput) { in.context, in.contextFlag = "nokey", true },
			"context nokey takes its API key from the environment variable UNSET_KEY, which is not set: set it, or pass --api-key-file"},
		{"key variable empty", func(in *instanceInput) { in.context, in.contextFlag = "emptykey", true },
			"the environment variable EMPTY_KEY, which is empty"},
		{"key file missing", func(in *instanceInput) { in.context, in.contextFlag = "nofile", true },
			"context nofile takes its API key from the file /etc/none.key, which cannot be read: file does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.edit(&in)
			got, err := resolveInstance(in)
			text := got.url + " " + got.key + " " + got.context
			if err != nil {
				text = err.Error()
				if strings.Contains(text, key) || strings.Contains(text, "prod-key") {
					t.Errorf("the error quotes a key: %s", text)
				}
			}
			if !strings.Contains(text, tc.want) || err == nil && text != tc.want {
				t.Errorf("got %q, want %q", text, tc.want)
			}
		})
	}
}

func TestInstanceLine(t *testing.T) {
	for _, tc := range []struct {
		in   instance
		want string
	}{
		{instance{url: "https://panel.example.com/", key: "k-0123"}, "Dokploy: https://panel.example.com"},
		{instance{url: "https://panel.example.com", context: "production"}, "Dokploy: https://panel.example.com (context production)"},
		{instance{url: "https://p.example.com", context: "staging", why: "the spec's defaultContext"}, "Dokploy: https://p.example.com (context staging, the spec's defaultContext)"},
		{instance{url: "https://admin:hunter22@p.example.com"}, "Dokploy: https://admin:xxxxx@p.example.com"},
	} {
		if got := tc.in.line(); got != tc.want {
			t.Errorf("line() = %q, want %q", got, tc.want)
		}
	}
	if j := (instance{url: "https://p.example.com/", context: "c", key: "k-0123"}).json(); *j != (planner.JSONInstance{URL: "https://p.example.com", Context: "c"}) {
		t.Errorf("json() = %+v", *j)
	}
}

func TestSameInstance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://panel.example.com", "https://panel.example.com/", true},
		{"HTTPS://Panel.Example.com", "https://panel.example.com", true},
		{"https://panel.example.com/sub", "https://panel.example.com/Sub", false},
		{"https://panel.example.com", "https://staging.example.com", false},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3001", false},
	} {
		if got := sameInstance(tc.a, tc.b); got != tc.want {
			t.Errorf("sameInstance(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestReadContextsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "contexts:\n  production:\n    url: https://panel.example.com\n    apiKeyEnv: PROD_KEY\n  'my box':\n    url: http://localhost:3000\n    apiKeyFile: ~/k\n")
	got, err := readContextsFile(good, true)
	if err != nil {
		t.Fatal(err)
	}
	if d := got["production"]; d.url != "https://panel.example.com" || d.keyEnv != "PROD_KEY" || d.where != good+":2:3" {
		t.Errorf("production = %+v", d)
	}
	if d := got["my box"]; d.keyFile != "~/k" || d.where != good+":5:3" {
		t.Errorf("my box = %+v", d)
	}

	if got, err := readContextsFile(filepath.Join(dir, "none.yaml"), false); err != nil || len(got) != 0 {
		t.Errorf("a missing default contexts file: %v, %v; want no contexts", got, err)
	}
	if _, err := readContextsFile(filepath.Join(dir, "none.yaml"), true); err == nil || !strings.Contains(err.Error(), "reading the contexts file") {
		t.Errorf("a missing contexts file that was named: %v", err)
	}

	lit := write("lit.yaml", "contexts:\n  p:\n    url: https://p.example.com\n    apiKey: dkp-literal-0123456\n")
	_, err = readContextsFile(lit, true)
	if err == nil || strings.Contains(err.Error(), "dkp-literal-0123456") || !strings.Contains(err.Error(), lit+`:4:5: unknown field "apiKey"`) {
		t.Errorf("a key in the contexts file: %v", err)
	}
	vars := write("vars.yaml", "contexts:\n  p:\n    url: https://p.example.com\n    apiKeyEnv: ${KEY}\n")
	_, err = readContextsFile(vars, true)
	if err == nil || !strings.Contains(err.Error(), vars+":4:16: context[p]: apiKeyEnv: must be the name of an environment variable") || !strings.Contains(err.Error(), "without ${VAR}s") {
		t.Errorf("a variable in the contexts file: %v", err)
	}
}
