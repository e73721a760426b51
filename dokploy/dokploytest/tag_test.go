package dokploytest

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// Of many concurrent creates of one tag name, exactly one succeeds; the
// others get the 400 that quotes the failed INSERT.
func TestTagCreateIsUnique(t *testing.T) {
	c := newClient(t, Options{})
	const n = 8
	statuses := make([]int, n)
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i], bodies[i] = c.post("tag.create", map[string]any{"name": "lock", "color": "x"}) })
	}
	wg.Wait()
	won := 0
	for i, st := range statuses {
		switch {
		case st == 200:
			won++
		case st == 400 && strings.Contains(string(bodies[i]), `Failed query: insert into \"tag\"`):
		default:
			t.Errorf("create %d: %d %s", i, st, bodies[i])
		}
	}
	if won != 1 {
		t.Errorf("%d creates succeeded, want 1", won)
	}
}

func TestTagAllByNameAndRemove(t *testing.T) {
	c := newClient(t, Options{})
	var ids []string
	for _, name := range []string{"b", "c", "a"} {
		st, body := c.post("tag.create", map[string]any{"name": name})
		if st != 200 {
			t.Fatalf("create %s: %d %s", name, st, body)
		}
		var row struct{ TagID string }
		json.Unmarshal(body, &row)
		ids = append(ids, row.TagID)
	}
	names := func() string {
		_, body := c.get("tag.all", nil)
		var rows []struct{ Name string }
		json.Unmarshal(body, &rows)
		var out []string
		for _, r := range rows {
			out = append(out, r.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(); got != "a,b,c" {
		t.Errorf("tag.all names %s, want a,b,c", got)
	}
	if st, body := c.post("tag.remove", map[string]any{"tagId": ids[0]}); st != 200 || string(body) != `{"success":true}` {
		t.Errorf("remove: %d %s", st, body)
	}
	if st, body := c.post("tag.remove", map[string]any{"tagId": ids[0]}); st != 404 {
		t.Errorf("remove again: %d %s", st, body)
	}
	if got := names(); got != "a,c" {
		t.Errorf("after remove: %s", got)
	}
	// The name is free again.
	if st, body := c.post("tag.create", map[string]any{"name": "b"}); st != 200 {
		t.Errorf("create b again: %d %s", st, body)
	}
}

// A server older than v0.29.0 has no tag router: 404 on both faces.
func TestNoTagsBeforeV029(t *testing.T) {
	c := newClient(t, Options{Version: "v0.28.4"})
	if st, body := c.post("tag.create", map[string]any{"name": "x"}); st != 404 {
		t.Errorf("REST tag.create: %d %s", st, body)
	}
	if st, body := c.get("tag.all", nil); st != 404 {
		t.Errorf("REST tag.all: %d %s", st, body)
	}
	if st, body := c.trpcPost([]string{"tag.create"}, []any{map[string]any{"name": "x"}}, false); st != 404 {
		t.Errorf("tRPC tag.create: %d %s", st, body)
	}
	if st, _ := c.get("project.all", nil); st != 200 {
		t.Errorf("project.all: %d", st)
	}
	for _, v := range []string{"v0.29.0", "v0.30.2", "custom"} {
		if versionBefore(v, tagsSince) {
			t.Errorf("%s is before %s", v, tagsSince)
		}
	}
}
