package dokploytest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// captureNumber is the number a capture file name starts with, or -1.
func captureNumber(name string) int {
	n, err := strconv.Atoi(strings.SplitN(name, "-", 2)[0])
	if err != nil {
		return -1
	}
	return n
}

// jobsCapture reports whether a capture file is one TestJobsCaptures
// replays: 400-474 (destination, backup, volumeBackups, schedule,
// registry) and 570-572 (a destination removed with the backups that use
// it).
func jobsCapture(name string) bool {
	n := captureNumber(name)
	return n >= 400 && n <= 474 || n >= 570 && n <= 572
}

// TestJobsCaptures replays the captures of the destination, backup,
// volumeBackups, schedule and registry routers on a fresh fake. The real
// run created its project, application and databases without recording
// the calls: they are created here from what the captures show of them,
// and the replayer is taught their ids. Also unrecorded: the registry row
// 467-474 use was inserted with SQL (seeded here before 467), and the
// server had no rclone and no reachable registry (the Options that make
// the fake fail the same way are set for 411, 464, 469 and 471, with the
// command's output taken from the capture: the fake builds the rest of
// the message).
func TestJobsCaptures(t *testing.T) {
	dir := sharedDokployDir(t)
	caps := loadCapturesOf(t, dir, jobsCapture)
	if len(caps) != 78 {
		t.Fatalf("%d captures, want 78", len(caps))
	}
	byNum := map[int]*capture{}
	for _, c := range caps {
		byNum[captureNumber(c.file)] = c
	}
	s := NewTestServer(t, Options{APIKey: "capture-key", Seed: 7})
	r := &replayer{t: t, s: s, ids: map[string]string{}, names: map[string]string{}}
	r.seedJobs(byNum)

	r.before = func(c *capture) {
		var rclone, docker string
		switch captureNumber(c.file) {
		case 411:
			rclone = commandOutput(t, c)
		case 464, 469, 471:
			docker = commandOutput(t, c)
		case 467:
			r.seedRegistry(c)
		}
		s.setCommandErrors(rclone, docker)
	}
	r.replay(caps)
}

// setCommandErrors changes Options.RcloneError and DockerLoginError
// between two requests.
func (s *Server) setCommandErrors(rclone, docker string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.RcloneError, s.opts.DockerLoginError = rclone, docker
}

// answerOf decodes a capture's answer as an object (the first item of an
// array).
func answerOf(t *testing.T, c *capture) map[string]any {
	t.Helper()
	var v any
	if err := json.Unmarshal(c.ResponseBody, &v); err != nil {
		t.Fatalf("%s: %v", c.file, err)
	}
	if a, ok := v.([]any); ok && len(a) > 0 {
		v = a[0]
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: answer is not an object", c.file)
	}
	return m
}

// commandOutput is the output of the failed command a capture's error
// message quotes: what follows the command line.
func commandOutput(t *testing.T, c *capture) string {
	t.Helper()
	msg, _ := answerOf(t, c)["message"].(string)
	_, out, ok := strings.Cut(msg, "\n")
	if !ok || !strings.HasPrefix(msg, "Command execution failed: Command failed: ") {
		t.Fatalf("%s: not a failed command: %q", c.file, msg)
	}
	return out
}

// call runs a setup call on the fake, outside the replay.
func (r *replayer) call(proc string, in map[string]any) map[string]any {
	r.t.Helper()
	raw, err := r.s.Call(proc, in)
	if err != nil {
		r.t.Fatalf("setup %s: %v", proc, err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		r.t.Fatalf("setup %s: %v", proc, err)
	}
	return out
}

// teach maps a real id to the fake's.
func (r *replayer) teach(real, fake any) {
	r.t.Helper()
	rs, ok1 := real.(string)
	fs, ok2 := fake.(string)
	if !ok1 || !ok2 || rs == "" || fs == "" {
		r.t.Fatalf("teach %v -> %v: not two ids", real, fake)
	}
	r.ids[rs] = fs
}

// seedJobs creates the project (with its production environment), the
// application and the four databases the captures use, as the captures
// show them: 417 (postgres, environment, project), 428 (mysql), 430
// (mariadb), 432 (mongo), 439 and 452 (application).
func (r *replayer) seedJobs(byNum map[int]*capture) {
	t := r.t
	get := func(n int) map[string]any {
		t.Helper()
		c := byNum[n]
		if c == nil {
			t.Fatalf("capture %d missing", n)
		}
		return answerOf(t, c)
	}
	pg := get(417)
	env := pg["environment"].(map[string]any)
	proj := env["project"].(map[string]any)
	p := r.call("project.create", map[string]any{"name": proj["name"], "description": proj["description"]})
	r.teach(proj["projectId"], p["project"].(map[string]any)["projectId"])
	envID := p["environment"].(map[string]any)["environmentId"]
	r.teach(env["environmentId"], envID)

	app := get(439)["application"].(map[string]any)
	appName := get(452)["application"].(map[string]any)["name"]
	a := r.call("application.create", map[string]any{"name": appName, "environmentId": envID})
	r.teach(app["applicationId"], a["applicationId"])

	for _, db := range []struct {
		kind *dbKind
		n    int
	}{{postgresKind, 417}, {mysqlKind, 428}, {mariadbKind, 430}, {mongoKind, 432}} {
		row := get(db.n)
		in := map[string]any{"environmentId": envID}
		for _, f := range db.kind.create {
			if v := row[f.name]; v != nil && f.name != "appName" && f.name != "environmentId" && f.name != "serverId" {
				in[f.name] = v
			}
		}
		created := r.call(db.kind.name+".create", in)
		r.teach(row[db.kind.id()], created[db.kind.id()])
	}
}

// seedRegistry inserts the registry row the real run inserted with SQL
// before capture 467 (which lists it), in the key's organization.
func (r *replayer) seedRegistry(c *capture) {
	want := answerOf(r.t, c)
	reg := registryTable.newRow()
	for _, col := range registryTable.cols {
		if v, ok := want[col.name]; ok {
			reg[col.name] = v
		}
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	reg["organizationId"] = r.s.st.OrganizationID
	r.s.insert(registryTable, reg)
}
