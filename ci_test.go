package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/dokploy-sync/dokploy-sync/planner"
)

// actionFile is the metadata of a composite action (decoded strictly: an
// unknown key is an error).
type actionFile struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Author      string            `yaml:"author"`
	Branding    map[string]string `yaml:"branding"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`

	WorkingDirectory string `yaml:"working-directory"`
}

func readAction(t *testing.T) (*actionFile, string) {
	t.Helper()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.UnmarshalWithOptions(data, &a, yaml.Strict()); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a, string(data)
}

func (a *actionFile) step(t *testing.T, name string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("action.yml has no step %q", name)
	return actionStep{}
}

var releaseTag = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)

// The action is a composite whose steps use only the inputs and step
// outputs that exist, and take expressions through env, never inside a
// script.
func TestActionYAML(t *testing.T) {
	a, text := readAction(t)
	if a.Runs.Using != "composite" || len(a.Runs.Steps) < 4 {
		t.Fatalf("runs.using %q with %d steps, want a composite", a.Runs.Using, len(a.Runs.Steps))
	}
	for _, name := range []string{"version", "working-directory", "file", "var-file", "comment", "github-token"} {
		if _, ok := a.Inputs[name]; !ok {
			t.Errorf("no input %q", name)
		}
	}
	if v := a.Inputs["version"].Default; !releaseTag.MatchString(v) {
		t.Errorf("the default version %q is not a release tag", v)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`inputs\.([a-z0-9-]+)`).FindAllStringSubmatch(text, -1) {
		used[m[1]] = true
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("inputs.%s is used but not declared", m[1])
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q is never used", name)
		}
	}
	steps := map[string]actionStep{}
	for _, s := range a.Runs.Steps {
		if s.Name == "" {
			t.Error("a step has no name")
		}
		if s.Run != "" && s.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q has an expression in its script: pass it through env", s.Name)
		}
		if s.Run != "" {
			bashSyntax(t, "action.yml step "+s.Name, s.Run)
		}
		if s.ID != "" {
			steps[s.ID] = s
		}
	}
	for _, m := range regexp.MustCompile(`steps\.([a-z0-9-]+)\.outputs\.([a-z0-9-]+)`).FindAllStringSubmatch(text, -1) {
		s, ok := steps[m[1]]
		if !ok {
			t.Errorf("%s: no step has the id %q", m[0], m[1])
			continue
		}
		if !strings.Contains(s.Run, m[2]+"=") {
			t.Errorf("%s: step %q never writes %s", m[0], m[1], m[2])
		}
	}
	for name, o := range a.Outputs {
		if !strings.Contains(o.Value, "steps.") {
			t.Errorf("output %q is not a step output: %q", name, o.Value)
		}
	}
	// The names a release has (the goreleaser config writes these).
	install := a.step(t, "install dokploy-sync").Run
	for _, want := range []string{`dokploy-sync_${VERSION#v}_${os}_${arch}.tar.gz`, "checksums.txt", "sha256sum -c"} {
		if !strings.Contains(install, want) {
			t.Errorf("the install step does not use %q", want)
		}
	}
	if plan := a.step(t, "dokploy-sync plan").Run; !strings.Contains(plan, planner.TruncatedMarker) {
		t.Errorf("the plan step does not look for %q", planner.TruncatedMarker)
	}
}

// bashSyntax checks a script with bash -n.
func bashSyntax(t *testing.T, what, script string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		return
	}
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: bash -n: %v\n%s", what, err, out)
	}
}

// runStep runs a step's script the way GitHub runs a bash step, with env.
func runStep(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	path := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", path)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func tarGz(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct{ name, body string }{{name, content}, {"README.md", "readme\n"}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// The install step downloads the archive for the runner, checks it against
// checksums.txt and refuses a mismatch; here from a local server in place
// of GitHub's releases.
func TestActionInstall(t *testing.T) {
	for _, tool := range []string{"curl", "tar", "sha256sum", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	a, _ := readAction(t)
	script := a.step(t, "install dokploy-sync").Run
	const releases = "https://github.com/dokploy-sync/dokploy-sync/releases/download"
	if !strings.Contains(script, releases) {
		t.Fatalf("the install step does not download from %s", releases)
	}
	archive := tarGz(t, "dokploy-sync", "#!/bin/sh\necho dokploy-sync v0.9.1\n")
	other := tarGz(t, "dokploy-sync", "#!/bin/sh\necho not the release\n")
	sum := fmt.Sprintf("%x", sha256.Sum256(archive))
	name := "dokploy-sync_0.9.1_linux_arm64.tar.gz"
	checksums := sum + "  " + name + "\n" + strings.Repeat("0", 64) + "  dokploy-sync_0.9.1_linux_amd64.tar.gz\n"
	tampered := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v0.9.1/" + name:
			if tampered {
				w.Write(other)
				return
			}
			w.Write(archive)
		case "/v0.9.1/checksums.txt":
			fmt.Fprint(w, checksums)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	script = strings.ReplaceAll(script, releases, srv.URL)

	run := func(version, arch string) (string, string, error) {
		tmp := t.TempDir()
		output := filepath.Join(tmp, "output")
		out, err := runStep(t, script, "VERSION="+version, "RUNNER_OS=Linux", "RUNNER_ARCH="+arch, "RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+output)
		got, _ := os.ReadFile(output)
		return out, string(got), err
	}
	out, outputs, err := run("v0.9.1", "ARM64")
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	if !strings.Contains(out, "OK") || !strings.Contains(out, "dokploy-sync v0.9.1") {
		t.Errorf("no checksum check or version in the log:\n%s", out)
	}
	bin := strings.TrimSpace(strings.TrimPrefix(outputs, "bin="))
	if !strings.HasSuffix(bin, "/dokploy-sync-v0.9.1/dokploy-sync") {
		t.Errorf("outputs %q", outputs)
	}

	tampered = true
	out, outputs, err = run("v0.9.1", "ARM64")
	if err == nil || outputs != "" || strings.Contains(out, "not the release") {
		t.Errorf("a tampered archive installed: err %v, outputs %q\n%s", err, outputs, out)
	}
	tampered = false

	for version, want := range map[string]string{
		"main":          `version must be a release tag such as v0.2.0, got "main"`,
		"v0.9.1; id":    "version must be a release tag",
		"v0.9.2":        "cannot download dokploy-sync_0.9.2_linux_arm64.tar.gz of v0.9.2",
		"v0.9.1-ignore": "cannot download",
	} {
		out, outputs, err := run(version, "ARM64")
		if err == nil || outputs != "" || !strings.Contains(out, want) {
			t.Errorf("version %q: err %v, outputs %q, want %q in:\n%s", version, err, outputs, want, out)
		}
	}
	// An archive that checksums.txt lists with another sum.
	if out, _, err := run("v0.9.1", "X64"); err == nil || !strings.Contains(out, "cannot download") {
		t.Errorf("amd64 (not served): err %v\n%s", err, out)
	}
	checksums = strings.Replace(checksums, sum, strings.Repeat("1", 64), 1)
	if out, _, err := run("v0.9.1", "ARM64"); err == nil || !strings.Contains(out, "FAILED") {
		t.Errorf("a wrong checksum passed: err %v\n%s", err, out)
	}
	checksums = strings.Repeat("1", 64) + "  other.tar.gz\n"
	if out, _, err := run("v0.9.1", "ARM64"); err == nil || !strings.Contains(out, "does not list "+name) {
		t.Errorf("an unlisted archive passed: err %v\n%s", err, out)
	}
}

// The plan step passes exit 2 (changes), records the outputs, writes the
// job summary, and prints the whole text plan when the Markdown was cut.
func TestActionPlanStep(t *testing.T) {
	a, _ := readAction(t)
	script := a.step(t, "dokploy-sync plan").Run
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-dokploy-sync")
	os.WriteFile(fake, []byte(`#!/bin/sh
echo "$*" >> "$FAKE_LOG"
case "$*" in
  *markdown*) printf '**Plan:** 1 to add, 0 to change, 0 to destroy.\n%s\n' "$FAKE_EXTRA"; exit "$FAKE_CODE" ;;
  *) echo "the text plan"; exit "$FAKE_CODE" ;;
esac
`), 0o755)
	for _, tc := range []struct {
		code, extra, changes string
		text                 bool
	}{
		{"2", "", "true", false},
		{"0", "", "false", false},
		{"1", "", "false", false},
		{"2", planner.TruncatedMarker, "true", true},
	} {
		tmp := t.TempDir()
		log, output, summary := filepath.Join(tmp, "log"), filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
		out, err := runStep(t, script, "DOKPLOY_SYNC="+fake, "SPEC=infra/dokploy.yaml", "VAR_FILE=ci.env",
			"RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
			"FAKE_LOG="+log, "FAKE_CODE="+tc.code, "FAKE_EXTRA="+tc.extra)
		if err != nil {
			t.Errorf("exit %s: the step failed: %v\n%s", tc.code, err, out)
			continue
		}
		got, _ := os.ReadFile(output)
		want := fmt.Sprintf("exitcode=%s\nhas-changes=%s\nmarkdown-file=%s\n", tc.code, tc.changes, filepath.Join(tmp, "dokploy-sync-plan.md"))
		if string(got) != want {
			t.Errorf("exit %s: outputs %q, want %q", tc.code, got, want)
		}
		if s, _ := os.ReadFile(summary); !strings.Contains(string(s), "**Plan:** 1 to add") {
			t.Errorf("exit %s: job summary %q", tc.code, s)
		}
		calls, _ := os.ReadFile(log)
		if !strings.HasPrefix(string(calls), "plan --format markdown --detailed-exitcode -f infra/dokploy.yaml --var-file ci.env\n") {
			t.Errorf("exit %s: calls %q", tc.code, calls)
		}
		if ran := strings.Contains(out, "the text plan"); ran != tc.text {
			t.Errorf("exit %s, extra %q: text plan printed %v, want %v\n%s", tc.code, tc.extra, ran, tc.text, out)
		}
	}
}

// The comment step edits the comment that starts with its marker, posts
// one when there is none, and skips a fork's pull request; with a fake gh
// that answers with jq over canned comments.
func TestActionCommentStep(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("no jq")
	}
	a, _ := readAction(t)
	script := a.step(t, "comment the plan on the pull request").Run
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "gh"), []byte(`#!/usr/bin/env bash
echo "gh $*" >> "$FAKE_LOG"
method=GET jqexpr= input=
while [ $# -gt 0 ]; do
  case "$1" in
    --jq) jqexpr=$2; shift ;;
    --method) method=$2; shift ;;
    --input) input=$2; shift ;;
  esac
  shift
done
if [ "$method" = GET ]; then jq -r "$jqexpr" < "$FAKE_COMMENTS"; exit; fi
cp "$input" "$FAKE_SENT"
`), 0o755)
	plan := filepath.Join(t.TempDir(), "plan.md")
	os.WriteFile(plan, []byte("**Plan:** 1 to add, 0 to change, 0 to destroy.\n"), 0o600)
	const marker = "<!-- dokploy-sync-plan: ./dokploy.yaml -->"
	run := func(comments, headRepo string) (out, calls, sent string) {
		tmp := t.TempDir()
		cfile, log, sentFile := filepath.Join(tmp, "comments.json"), filepath.Join(tmp, "log"), filepath.Join(tmp, "sent")
		os.WriteFile(cfile, []byte(comments), 0o600)
		out, err := runStep(t, script, "PATH="+bin+":"+os.Getenv("PATH"), "GH_TOKEN=ghs_secret-token-value",
			"REPO=acme/infra", "HEAD_REPO="+headRepo, "PR=7", "SHA=0123456789abcdef", "RUN_URL=https://github.com/acme/infra/actions/runs/1",
			"WORKDIR=.", "SPEC=dokploy.yaml", "PLAN="+plan, "RUNNER_TEMP="+tmp,
			"FAKE_LOG="+log, "FAKE_COMMENTS="+cfile, "FAKE_SENT="+sentFile)
		if err != nil {
			t.Fatalf("comment step: %v\n%s", err, out)
		}
		if strings.Contains(out, "secret-token-value") {
			t.Errorf("the token is in the log:\n%s", out)
		}
		c, _ := os.ReadFile(log)
		s, _ := os.ReadFile(sentFile)
		return out, string(c), string(s)
	}

	// No comment of ours yet (one quotes the marker, not on its first line).
	_, calls, sent := run(`[{"id": 40, "body": "see\n`+marker+`"}, {"id": 41, "body": "lgtm"}]`, "acme/infra")
	if !strings.Contains(calls, "gh api --method POST repos/acme/infra/issues/7/comments --input") {
		t.Errorf("no POST:\n%s", calls)
	}
	var body struct{ Body string }
	if err := json.Unmarshal([]byte(sent), &body); err != nil {
		t.Fatalf("sent %q: %v", sent, err)
	}
	if !strings.HasPrefix(body.Body, marker+"\n### dokploy-sync plan\n\n**Plan:** 1 to add, 0 to change, 0 to destroy.\n") || !strings.Contains(body.Body, "At 0123456,") {
		t.Errorf("sent body %q", body.Body)
	}

	// Ours exists: edited in place, no second comment.
	_, calls, _ = run(`[{"id": 41, "body": "lgtm"}, {"id": 42, "body": "`+marker+`\nold plan"}]`, "acme/infra")
	if !strings.Contains(calls, "gh api --method PATCH repos/acme/infra/issues/comments/42 --input") || strings.Contains(calls, "POST") {
		t.Errorf("not an edit of comment 42:\n%s", calls)
	}

	// No plan (it failed before printing one): the comment says so.
	os.WriteFile(plan, nil, 0o600)
	_, _, sent = run(`[{"id": 42, "body": "`+marker+`\nold plan"}]`, "acme/infra")
	if err := json.Unmarshal([]byte(sent), &body); err != nil || !strings.Contains(body.Body, "**The plan failed**") || strings.Contains(body.Body, "old plan") {
		t.Errorf("after a failed plan, sent %q (%v)", sent, err)
	}

	// A fork's pull request: a notice, no call.
	out, calls, _ := run(`[]`, "someone/infra")
	if calls != "" || !strings.Contains(out, "::notice title=dokploy-sync::a pull request from a fork") {
		t.Errorf("fork: calls %q\n%s", calls, out)
	}
}

// The CI examples parse and agree with the action: the inputs they pass
// exist, and every place pins the same release.
func TestCIExamples(t *testing.T) {
	a, _ := readAction(t)
	version := a.Inputs["version"].Default

	var gh struct {
		Env  map[string]string `yaml:"env"`
		Jobs map[string]struct {
			If          string            `yaml:"if"`
			Permissions map[string]string `yaml:"permissions"`
			Concurrency map[string]any    `yaml:"concurrency"`
			Steps       []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
				Run  string            `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	data, err := os.ReadFile("examples/ci/github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &gh); err != nil {
		t.Fatalf("github-actions.yml: %v", err)
	}
	if want := "github.com/dokploy-sync/dokploy-sync@" + version; gh.Env["DOKPLOY_SYNC"] != want {
		t.Errorf("DOKPLOY_SYNC = %q, want %q", gh.Env["DOKPLOY_SYNC"], want)
	}
	uses := 0
	for name, job := range gh.Jobs {
		for _, s := range job.Steps {
			if !strings.HasPrefix(s.Uses, "dokploy-sync/dokploy-sync@") {
				continue
			}
			uses++
			if s.Uses != "dokploy-sync/dokploy-sync@"+version || s.With["version"] != version {
				t.Errorf("job %s: uses %s with version %q, want %s", name, s.Uses, s.With["version"], version)
			}
			for k := range s.With {
				if _, ok := a.Inputs[k]; !ok {
					t.Errorf("job %s passes %q, not an input of action.yml", name, k)
				}
			}
			if job.Permissions["pull-requests"] != "write" {
				t.Errorf("job %s comments without pull-requests: write", name)
			}
			if !strings.Contains(job.If, "head.repo.full_name == github.repository") {
				t.Errorf("job %s runs for forks: if %q", name, job.If)
			}
		}
	}
	if uses != 1 {
		t.Errorf("%d steps use the action, want 1", uses)
	}
	if gh.Jobs["apply"].Concurrency["cancel-in-progress"] != false {
		t.Errorf("apply concurrency %v", gh.Jobs["apply"].Concurrency)
	}

	var gl map[string]any
	data, err = os.ReadFile("examples/ci/gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &gl); err != nil {
		t.Fatalf("gitlab-ci.yml: %v", err)
	}
	stages := map[string]bool{}
	for _, s := range gl["stages"].([]any) {
		stages[s.(string)] = true
	}
	if v := gl["variables"].(map[string]any)["DOKPLOY_SYNC_VERSION"]; v != version {
		t.Errorf("gitlab DOKPLOY_SYNC_VERSION = %v, want %s", v, version)
	}
	jobs := 0
	for name, v := range gl {
		job, ok := v.(map[string]any)
		if !ok || name == "variables" || name == "workflow" || strings.HasPrefix(name, ".") {
			continue
		}
		jobs++
		if !stages[fmt.Sprint(job["stage"])] {
			t.Errorf("gitlab job %s: stage %v is not in stages", name, job["stage"])
		}
		if ext, ok := job["extends"].(string); ok && gl[ext] == nil {
			t.Errorf("gitlab job %s extends %s, which does not exist", name, ext)
		}
		script, ok := job["script"].([]any)
		if !ok {
			t.Errorf("gitlab job %s has no script", name)
		}
		for _, line := range script {
			bashSyntax(t, "gitlab job "+name, fmt.Sprint(line))
		}
	}
	if jobs != 4 {
		t.Errorf("%d gitlab jobs, want validate, plan, drift and apply", jobs)
	}
	if apply, _ := gl["apply"].(map[string]any); apply["resource_group"] == nil {
		t.Error("the gitlab apply job has no resource_group")
	}
	plan, _ := gl["plan"].(map[string]any)
	if script := fmt.Sprint(plan["script"]); !strings.Contains(script, "--format markdown") || !strings.Contains(script, "merge_requests/$CI_MERGE_REQUEST_IID/notes") {
		t.Errorf("the gitlab plan job does not post the markdown plan as a note:\n%s", script)
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("uses: dokploy-sync/dokploy-sync@"+version)) {
		t.Errorf("the README does not show the action at %s", version)
	}
}

// The GitLab plan job's script edits the note that starts with its marker,
// or posts one; with fakes of curl and dokploy-sync.
func TestGitLabPlanNote(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("no jq")
	}
	var gl struct {
		Plan struct {
			Script []string `yaml:"script"`
		} `yaml:"plan"`
	}
	data, err := os.ReadFile("examples/ci/gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &gl); err != nil || len(gl.Plan.Script) != 2 {
		t.Fatalf("gitlab plan script: %v, %d lines", err, len(gl.Plan.Script))
	}
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "dokploy-sync"), []byte("#!/bin/sh\necho '**Plan:** 1 to add, 0 to change, 0 to destroy.'\nexit 2\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "curl"), []byte(`#!/usr/bin/env bash
echo "curl $*" >> "$FAKE_LOG"
for a in "$@"; do
  case "$a" in body@*) cp "${a#body@}" "$FAKE_SENT"; exit 0 ;; esac
done
cat "$FAKE_NOTES"
`), 0o755)
	const marker = "<!-- dokploy-sync-plan -->"
	for _, tc := range []struct{ notes, want string }{
		{`[{"id": 5, "body": "lgtm ` + marker + `"}]`, "--request POST --header PRIVATE-TOKEN: glpat-secret --data-urlencode body@note.md https://gitlab.example.com/api/v4/projects/9/merge_requests/3/notes\n"},
		{`[{"id": 5, "body": "lgtm"}, {"id": 6, "body": "` + marker + `\nold"}]`, "--request PUT --header PRIVATE-TOKEN: glpat-secret --data-urlencode body@note.md https://gitlab.example.com/api/v4/projects/9/merge_requests/3/notes/6\n"},
	} {
		dir := t.TempDir()
		notes, log, sent := filepath.Join(dir, "notes.json"), filepath.Join(dir, "log"), filepath.Join(dir, "sent")
		os.WriteFile(notes, []byte(tc.notes), 0o600)
		script := "cd " + dir + "\n" + gl.Plan.Script[1]
		out, err := runStep(t, script, "PATH="+bin+":"+os.Getenv("PATH"), "GITLAB_PLAN_TOKEN=glpat-secret",
			"CI_API_V4_URL=https://gitlab.example.com/api/v4", "CI_PROJECT_ID=9", "CI_MERGE_REQUEST_IID=3",
			"CI_COMMIT_SHORT_SHA=abc1234", "CI_PIPELINE_URL=https://gitlab.example.com/p/-/pipelines/1",
			"FAKE_LOG="+log, "FAKE_NOTES="+notes, "FAKE_SENT="+sent)
		if err != nil {
			t.Errorf("script: %v\n%s", err, out)
			continue
		}
		calls, _ := os.ReadFile(log)
		if !strings.HasSuffix(string(calls), tc.want) {
			t.Errorf("calls:\n%s\nwant the last to end with %q", calls, tc.want)
		}
		body, _ := os.ReadFile(sent)
		if !strings.HasPrefix(string(body), marker+"\n### dokploy-sync plan\n\n**Plan:** 1 to add") || strings.Contains(out, "glpat-secret") {
			t.Errorf("note %q\nlog:\n%s", body, out)
		}
	}
}
