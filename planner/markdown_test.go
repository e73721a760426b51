package planner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// assertGolden compares got with testdata/NAME.golden (rewritten with
// -update).
func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./planner -update)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", golden, d)
	}
}

// A second project, blog, to create, besides the shop's changes.
const blogSpec = `
  blog:
    environments:
      production:
        applications:
          web:
            source: {docker: {image: "ghost:5"}}
            env: {URL: https://blog.example.com}
`

// shop's live state with one more application, old, that the spec does
// not list (deleted with --prune).
var shopLiveWithOld = strings.Replace(shopLive, `"applications": [{`,
	`"applications": [{"applicationId": "A9", "name": "old", "appName": "shop-old-abc123", "sourceType": "docker", "dockerImage": "nginx:1.25", "env": ""}, {`, 1)

func TestRenderMarkdownGolden(t *testing.T) {
	edited := strings.NewReplacer("replicas: 2", "replicas: 3", "pw-1234", "pw-5678", `B: two`, `C: "3"`).Replace(shopSpec)
	cases := map[string]struct {
		spec, live string
		vars       map[string]string
		prune      bool
		deleteData bool
		member     bool
		opt        RenderOptions
	}{
		"nochange": {spec: shopSpec, live: shopLive},
		// Creates in blog; updates and (with --prune) a delete in shop.
		"two-projects": {spec: edited + blogSpec, live: shopLiveWithOld, prune: true},
		// --prune --delete-data deletes the database the spec dropped: a
		// visible data-loss list.
		"data-loss": {spec: strings.Replace(shopSpec, "        postgres:\n          db:\n            dockerImage: postgres:16\n            databaseName: shop\n            databaseUser: shop\n            databasePassword: pw-1234\n", "", 1), live: shopLive, prune: true, deleteData: true},
		// Without --prune the extra application is unmanaged.
		"unmanaged": {spec: shopSpec, live: shopLiveWithOld},
		// An unset variable, a dropped env key, a plan error.
		"warnings": {
			spec:   strings.NewReplacer("pw-1234", "${DB_PASSWORD}", `B: two`, `C: "3"`).Replace(shopSpec),
			live:   strings.Replace(shopLive, `"postgres": [{`, `"postgres": [{"postgresId": "D2", "name": "db"}, {`, 1),
			member: true,
		},
		// Secrets: the password and the secret variable's value never show,
		// not even with --show-values; other env values only with it.
		"sensitive": {
			spec: strings.NewReplacer("pw-1234", "${DB_PASSWORD}", `B: two`, `B: "db=${DB_PASSWORD}"`, `A: "1"`, `A: plain-value`).Replace(shopSpec),
			vars: map[string]string{"DB_PASSWORD": "pw-9999"}, live: shopLive, opt: RenderOptions{ShowValues: true},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			live := liveJSON(t, tc.live)
			if tc.member {
				live.Role = "member"
			}
			p := Compute(load(t, tc.spec, tc.vars), live)
			if tc.prune {
				p.Prune(PruneOptions{Data: tc.deleteData})
			}
			var buf bytes.Buffer
			if err := RenderMarkdown(&buf, p, tc.opt); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			assertGolden(t, "markdown-"+name, got)
			checkMarkdown(t, got, MarkdownLimit)
			if strings.Contains(got, "pw-") {
				t.Error("a password appears in the Markdown plan")
			}
			if strings.Contains(got, "\x1b") {
				t.Error("the Markdown plan has ANSI escapes")
			}
			if strings.Contains(got, TruncatedMarker) {
				t.Error("a short plan is marked as truncated")
			}
		})
	}
}

// The summary line is the text plan's, and each diff line is a text plan
// line with its symbol moved to column 0.
func TestRenderMarkdownSharesTheTextPlan(t *testing.T) {
	spec := strings.NewReplacer("replicas: 2", "replicas: 3", `B: two`, `C: "3"`).Replace(shopSpec) + blogSpec
	p := Compute(load(t, spec, nil), liveJSON(t, shopLiveWithOld))
	p.Prune(PruneOptions{})
	var text, md bytes.Buffer
	Render(&text, p, RenderOptions{})
	if err := RenderMarkdown(&md, p, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	last := lines[len(lines)-1] // Plan: 2 to add, 1 to change, 1 to destroy.
	if want := strings.Replace(last, "Plan:", "**Plan:**", 1); !strings.HasPrefix(md.String(), want+"\n") {
		t.Errorf("markdown starts with %q, want the text plan's summary %q", strings.SplitN(md.String(), "\n", 2)[0], want)
	}
	textLines := map[string]bool{}
	for _, l := range lines {
		textLines[l] = true
	}
	inDiff, n := false, 0
	for _, l := range strings.Split(md.String(), "\n") {
		switch {
		case l == "```diff":
			inDiff = true
		case l == "```":
			inDiff = false
		case inDiff && l != "":
			n++
			undo := l // the symbol back in its place: "!     x" -> "    ~ x"
			if sym := l[0]; sym != ' ' {
				s := map[byte]string{'+': "+", '-': "-", '!': "~"}[sym]
				j := strings.IndexFunc(l[1:], func(r rune) bool { return r != ' ' }) + 1
				undo = " " + l[1:j-2] + s + " " + l[j:]
			}
			if !textLines[undo] {
				t.Errorf("diff line %q (%q in the text plan) is not a line of the text plan", l, undo)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d diff lines", n)
	}
}

// A plan cut at a small limit closes its blocks, fits the limit and says
// it was cut.
func TestRenderMarkdownTruncates(t *testing.T) {
	spec := strings.NewReplacer("replicas: 2", "replicas: 3", `B: two`, `C: "3"`).Replace(shopSpec) + blogSpec
	p := Compute(load(t, spec, nil), liveJSON(t, shopLive))
	full := markdown(p, RenderOptions{}, MarkdownLimit)
	const limit = 700
	if len(full) <= limit {
		t.Fatalf("the whole plan (%d bytes) fits %d: the test cuts nothing", len(full), limit)
	}
	got := markdown(p, RenderOptions{}, limit)
	assertGolden(t, "markdown-truncated", got)
	checkMarkdown(t, got, limit)
	if !strings.Contains(got, TruncatedMarker) || !strings.Contains(got, "cut short") {
		t.Errorf("no note that the plan was cut:\n%s", got)
	}
	// Whole lines of the whole plan, then the closing lines and the note.
	cut := got[:strings.Index(got, TruncatedMarker)]
	for _, l := range strings.Split(strings.TrimRight(cut, "\n"), "\n") {
		if !strings.Contains(full, l+"\n") {
			t.Errorf("line %q is not a whole line of the plan", l)
		}
	}
	if !strings.HasPrefix(got, "**Plan:** 2 to add, 1 to change, 0 to destroy.\n") {
		t.Errorf("the summary is not first:\n%s", got)
	}
	// Every limit gives a well-formed document within it.
	for l := 500; l < len(full)+10; l += 37 {
		checkMarkdown(t, markdown(p, RenderOptions{}, l), l)
	}
}

// A plan far longer than a comment stays under GitHub's 65,536 characters.
func TestRenderMarkdownHugePlan(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: dokploy-sync/v1\nprojects:\n")
	for i := range 40 {
		fmt.Fprintf(&b, "  p%02d:\n    environments:\n      production:\n        applications:\n", i)
		for j := range 20 {
			fmt.Fprintf(&b, "          app%02d:\n            source: {docker: {image: \"nginx:1.27\"}}\n            replicas: 2\n            env: {A: \"1\", B: \"2\", C: \"3\"}\n", j)
		}
	}
	p := Compute(load(t, b.String(), nil), liveJSON(t, ""))
	var buf bytes.Buffer
	if err := RenderMarkdown(&buf, p, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if len(got) >= 65536 {
		t.Errorf("the plan is %d bytes, over GitHub's comment limit", len(got))
	}
	if !strings.Contains(got, TruncatedMarker) {
		t.Error("a huge plan is not marked as truncated")
	}
	if !strings.HasPrefix(got, "**Plan:** 840 to add, 0 to change, 0 to destroy.\n") {
		t.Errorf("summary: %q", strings.SplitN(got, "\n", 2)[0])
	}
	checkMarkdown(t, got, MarkdownLimit)
	t.Logf("%d bytes", len(got))
}

var fenceRE = regexp.MustCompile("^(```+)")

// checkMarkdown checks that doc fits limit and that its fences and
// <details> are balanced.
func checkMarkdown(t *testing.T, doc string, limit int) {
	t.Helper()
	if len(doc) > limit {
		t.Errorf("%d bytes, over the limit %d", len(doc), limit)
	}
	fence, details := "", 0
	for _, l := range strings.Split(doc, "\n") {
		if m := fenceRE.FindString(l); m != "" {
			switch {
			case fence == "":
				fence = m
			case l == fence:
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		details += strings.Count(l, "<details>") - strings.Count(l, "</details>")
		if details < 0 || details > 1 {
			t.Errorf("<details> unbalanced at %q (limit %d)", l, limit)
		}
	}
	if fence != "" || details != 0 {
		t.Errorf("open at the end (limit %d): fence %q, %d <details>:\n%s", limit, fence, details, doc)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"a_b *c* <d> [e](f) `g` & h|i ~j~ #k": `a\_b \*c\* \<d\> \[e\](f) ` + "\\`g\\`" + ` &amp; h\|i \~j\~ \#k`,
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdCode("a`b"); got != "`` a`b ``" {
		t.Errorf("mdCode = %q", got)
	}
	// A text field whose content has a fence gets a longer fence.
	p := &Plan{Changes: []*Change{{Action: Update, Address: "shop/production/compose/c", Kind: KindCompose, Name: "c",
		Fields: []*FieldDiff{{Name: "composeFile", Action: Update, Text: true, Before: "a\n```\n", After: "b\n```\n"}}}}}
	got := markdown(p, RenderOptions{}, MarkdownLimit)
	if !strings.Contains(got, "````diff\n") {
		t.Errorf("no longer fence around a fence:\n%s", got)
	}
	checkMarkdown(t, got, MarkdownLimit)
}

// The README's sample of a Markdown plan is what RenderMarkdown writes.
func TestReadmeMarkdownSample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sample, ok := strings.Cut(string(readme), "````markdown\n")
	if sample, _, ok = strings.Cut(sample, "````\n"); !ok {
		t.Fatal("no ````markdown block in README.md")
	}
	spec := strings.NewReplacer("replicas: 2", "replicas: 3", `B: two`, `C: "3"`).Replace(shopSpec)
	got := markdown(Compute(load(t, spec, nil), liveJSON(t, shopLive)), RenderOptions{}, MarkdownLimit)
	if d := cmp.Diff(sample, got); d != "" {
		t.Errorf("README.md's Markdown plan (-readme +rendered):\n%s", d)
	}
}

// Instance resources have their own section, first; then the projects by
// name, each with its changes, deploys and unmanaged resources.
func TestMarkdownSections(t *testing.T) {
	p := &Plan{
		Changes: []*Change{
			{Action: Create, Address: "shop", Kind: KindProject, Name: "shop"},
			{Action: Create, Address: "registry[ghcr]", Kind: "registry", Name: "ghcr"},
			{Action: Delete, Address: "blog/production/application/old", Kind: KindApplication, Name: "old", LiveID: "A1"},
		},
		Deploys:   []Deploy{{Address: "shop/production/application/api", Kind: KindApplication, ID: "A2", Reason: "its last deploy failed"}},
		Unmanaged: []Resource{{Address: "blog/production/postgres/db", Kind: "postgres", ID: "D1"}},
	}
	var titles []string
	for _, s := range p.sections() {
		titles = append(titles, fmt.Sprintf("%s %d/%d/%d", s.title, len(s.changes), len(s.deploys), len(s.unmanaged)))
	}
	want := []string{"instance resources 1/0/0", "project blog 1/0/1", "project shop 1/1/0"}
	if d := cmp.Diff(want, titles); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
	got := markdown(p, RenderOptions{}, MarkdownLimit)
	for _, s := range []string{
		"**Plan:** 2 to add, 0 to change, 1 to destroy, 1 to deploy.\n",
		"<details><summary>instance resources: 1 to add, 0 to change, 0 to destroy</summary>\n",
		"<details><summary>project blog: 0 to add, 0 to change, 1 to destroy, 1 unmanaged</summary>\n",
		"<details><summary>project shop: 1 to add, 0 to change, 0 to destroy, 1 to deploy</summary>\n",
		"\n  # shop/production/application/api will be deployed: its last deploy failed\n",
		"\n- `blog/production/postgres/db` (id `D1`)\n",
	} {
		if !strings.Contains(got, s) {
			t.Errorf("no %q in:\n%s", s, got)
		}
	}
	checkMarkdown(t, got, MarkdownLimit)
}
