package dokploytest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The creates of one tRPC batch read the member's lists as before the
// batch: only the last new id of each list is kept, whatever the role.
// Created one request at a time, every id is kept.
func TestBatchCreatesLoseAccess(t *testing.T) {
	c := newClient(t, Options{})
	_, prodID, _ := c.setup()
	before := c.s.Accessed("accessedServices")

	procs := []string{"application.create", "compose.create", "application.create"}
	inputs := []any{
		map[string]any{"name": "a", "environmentId": prodID},
		map[string]any{"name": "b", "environmentId": prodID},
		map[string]any{"name": "c", "environmentId": prodID},
	}
	status, body := c.trpcPost(procs, inputs, true)
	if status != 200 {
		t.Fatalf("batch of creates: %d %s", status, body)
	}
	var items []map[string]any
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatal(err)
	}
	last := at(items[2], "result", "data", "json", "applicationId")
	got := c.s.Accessed("accessedServices")
	if want := append(slices.Clone(before), last.(string)); !slices.Equal(got, want) {
		t.Errorf("accessedServices after a batch of 3 creates: %v, want only the last one added: %v", got, want)
	}

	// Projects: their default environments are lost alike.
	status, body = c.trpcPost([]string{"project.create", "project.create"}, []any{
		map[string]any{"name": "p1"}, map[string]any{"name": "p2"}}, true)
	if status != 200 {
		t.Fatalf("batch of project creates: %d %s", status, body)
	}
	if got := c.s.Accessed("accessedProjects"); len(got) != 2 { // shop, then p2 only
		t.Errorf("accessedProjects after shop and a batch of 2: %v, want 2 ids", got)
	}
	if got := c.s.Accessed("accessedEnvironments"); len(got) != 3 { // shop's two, then p2's
		t.Errorf("accessedEnvironments: %v, want 3 ids", got)
	}

	// One create a request: nothing lost.
	n := len(c.s.Accessed("accessedServices"))
	for _, name := range []string{"d", "e"} {
		if status, body := c.trpcPost([]string{"application.create"}, []any{map[string]any{"name": name, "environmentId": prodID}}, false); status != 200 {
			t.Fatalf("create %s: %d %s", name, status, body)
		}
	}
	if status, body := c.post("postgres.create", map[string]any{"name": "db", "environmentId": prodID,
		"databaseName": "d", "databaseUser": "u", "databasePassword": "p"}); status != 200 {
		t.Fatalf("postgres.create: %d %s", status, body)
	}
	if got := c.s.Accessed("accessedServices"); len(got) != n+3 {
		t.Errorf("accessedServices after 3 single creates: %d ids, want %d", len(got), n+3)
	}
}

// A role other than owner and admin reaches only what its lists hold, as
// checkServiceAccess and checkServicePermissionAndAccess check it.
func TestMemberAccessChecked(t *testing.T) {
	c := newClient(t, Options{})
	shopID, prodID, _ := c.setup()
	mine := c.callMap("application.create", map[string]any{"name": "mine", "environmentId": prodID})["applicationId"]
	other := c.callMap("application.create", map[string]any{"name": "other", "environmentId": prodID})["applicationId"]
	blog := c.callMap("project.create", map[string]any{"name": "blog"})
	blogID := at(blog, "project", "projectId")
	blogEnv := at(blog, "environment", "environmentId")
	c.s.mu.Lock()
	c.s.st.Member["accessedServices"] = []any{mine}
	c.s.st.Member["accessedProjects"] = []any{shopID}
	c.s.mu.Unlock()

	for _, role := range []string{"owner", "admin", "member", "deployer"} {
		c.s.SetRole(role)
		limited := role != "owner" && role != "admin"
		for _, tt := range []struct {
			proc string
			in   map[string]any
			deny string // for a limited role; "" for allowed
		}{
			{"application.one", map[string]any{"applicationId": mine}, ""},
			{"application.one", map[string]any{"applicationId": other}, "You don't have access to this service"},
			{"application.update", map[string]any{"applicationId": other, "description": "x"}, "You don't have access to this service"},
			{"application.create", map[string]any{"name": "x", "environmentId": prodID}, ""},
			{"application.create", map[string]any{"name": "x", "environmentId": blogEnv}, "You don't have access to this project"},
			{"environment.create", map[string]any{"name": "qa-" + role, "projectId": blogID}, "You don't have access to this project"},
			{"postgres.one", map[string]any{"postgresId": "nope"}, "You don't have access to this service"},
		} {
			_, err := c.s.Call(tt.proc, tt.in)
			want := ""
			if limited {
				want = tt.deny
			}
			switch {
			case want == "" && err != nil && strings.Contains(err.Error(), "have access"):
				t.Errorf("%s %s %v: %v, want allowed", role, tt.proc, tt.in, err)
			case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("%s %s %v: %v, want %q", role, tt.proc, tt.in, err, want)
			}
		}
	}
}

// The fake's table of the creates that grant access is what its handlers
// do: each one adds an id to a list.
func TestAppendsAccessTable(t *testing.T) {
	c := newClient(t, Options{})
	shopID, prodID, _ := c.setup()
	total := func() int {
		n := 0
		for _, l := range accessLists {
			n += len(c.s.Accessed(l))
		}
		return n
	}
	n := 0
	for _, p := range c.s.Procedures() {
		if !AppendsAccess(p) {
			continue
		}
		n++
		router, _, _ := strings.Cut(p, ".")
		in := map[string]any{"name": "x" + router, "environmentId": prodID}
		switch router {
		case "project":
			in = map[string]any{"name": "p"}
		case "environment":
			in = map[string]any{"name": "qa", "projectId": shopID}
		case "application", "compose":
		default:
			in["databaseName"], in["databaseUser"], in["databasePassword"] = "d", "u", "p"
			if router == "mysql" || router == "mariadb" {
				in["databaseRootPassword"] = "r"
			}
			if router == "libsql" {
				in["appName"], in["description"], in["sqldNode"], in["sqldPrimaryUrl"], in["serverId"] = "libsql-x", nil, "primary", nil, nil
			}
		}
		before := total()
		if _, err := c.s.Call(p, in); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if total() == before {
			t.Errorf("%s is listed as granting access, but no list grew", p)
		}
	}
	if n != 10 {
		t.Errorf("%d procedures grant access, want 10", n)
	}
}
