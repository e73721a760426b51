package dokploytest

import (
	"fmt"
	"strings"
	"time"
)

// Deployments of applications and compose stacks: a queue-less simulation
// of Dokploy's deployment worker (API.md §7). A deploy inserts a
// deployment row "running", sets the service "running", and after
// Options.DeployDuration marks both "done", or "error" with Options
// DeployError. Only the newest 10 deployments of a service are kept.

const keptDeployments = 10

// statusColumn is the status column of a service that has deployments.
func statusColumn(t *tableDef) string {
	if t == composeTable {
		return "composeStatus"
	}
	return "applicationStatus"
}

// startDeployment creates a running deployment of svc (a row of t) and
// schedules its end.
func (s *Server) startDeployment(t *tableDef, svc row, title, description string) row {
	now := s.now()
	appName := str(svc["appName"])
	d := deploymentTable.newRow()
	d["deploymentId"] = s.newID()
	d["title"] = title
	d["description"] = description
	d["status"] = "running"
	d["logPath"] = fmt.Sprintf("/etc/dokploy/logs/%s/%s-%s.log", appName, appName, now.Format("2006-01-02:15:04:05"))
	d[t.id] = svc[t.id]
	d["createdAt"] = now.Format(timeLayout)
	d["startedAt"] = now.Format(timeLayout)
	s.insert(deploymentTable, d)
	s.st.Logs[str(d["deploymentId"])] = "Initializing deployment\n"

	if all := newestFirst(s.where(deploymentTable, t.id, svc[t.id])); len(all) > keptDeployments {
		for _, old := range all[keptDeployments:] {
			s.deleteWhere(deploymentTable, "deploymentId", old["deploymentId"])
			delete(s.st.Logs, str(old["deploymentId"]))
			delete(s.st.Deployed, str(old["deploymentId"]))
		}
	}

	if s.st.Deployed == nil {
		s.st.Deployed = map[string]string{}
	}
	s.st.Deployed[str(d["deploymentId"])] = s.settingsSnapshot(t, svc)
	svc[statusColumn(t)] = "running"
	s.scheduleFinishLocked(str(d["deploymentId"]), s.opts.DeployDuration)
	return d
}

// scheduleFinishLocked ends deployment id after d (at once if d <= 0).
func (s *Server) scheduleFinishLocked(id string, d time.Duration) {
	if d <= 0 {
		s.finishDeployment(id)
		return
	}
	gen := s.timerGen
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.timers, t)
		if gen == s.timerGen { // not stopped by Close or LoadState meanwhile
			s.finishDeployment(id)
		}
	})
	s.timers[t] = struct{}{}
}

// finishDeployment ends a running deployment and its service's status.
func (s *Server) finishDeployment(id string) {
	d := s.find(deploymentTable, id)
	if d == nil || d["status"] != "running" {
		return
	}
	t, svc := s.deploymentService(d)
	var text, status string
	if t == composeTable && svc != nil {
		text, status = s.composeDeployLog(svc)
	} else {
		text, status = s.applicationDeployLog(t, svc)
	}
	s.st.Logs[id] += text
	d["status"] = status
	d["finishedAt"] = s.timestamp()
	if svc != nil {
		svc[statusColumn(t)] = status
		// A git checkout has a commit: it replaces the title and
		// description the deploy call gave (API.md §7.2).
		if gitSources[str(svc["sourceType"])] {
			d["title"], d["description"] = FakeCommitMessage, "Commit: "+FakeCommitHash
		}
	}
}

// applicationDeployLog is what an application deployment appends to its
// log after "Initializing deployment", and its final status.
func (s *Server) applicationDeployLog(t *tableDef, svc row) (string, string) {
	var log strings.Builder
	image, _ := svc["dockerImage"].(string)
	if t == applicationTable && svc["sourceType"] == "docker" && image != "" {
		fmt.Fprintf(&log, "Pulling %s\n", image)
	} else {
		fmt.Fprintf(&log, "Building %s\n", str(svc["appName"]))
	}
	msg := s.opts.DeployError
	if msg == "" {
		log.WriteString("Docker Deployed: ✅\n")
		return log.String(), "done"
	}
	log.WriteString(msg)
	if !strings.HasSuffix(msg, "\n") {
		log.WriteString("\n")
	}
	log.WriteString("❌ Pulling image failed\n\nError occurred ❌, check the logs for details.\n")
	return log.String(), "error"
}

// deploymentService returns the service a deployment belongs to.
func (s *Server) deploymentService(d row) (*tableDef, row) {
	for _, t := range []*tableDef{applicationTable, composeTable} {
		if id, ok := d[t.id].(string); ok {
			return t, s.find(t, id)
		}
	}
	return nil, nil
}

var deploymentTypes = []string{"application", "compose", "server", "schedule", "previewDeployment", "backup", "volumeBackup"}

func deploymentProcedures() []*procedure {
	return []*procedure{
		query("deployment.all", schema{text("applicationId").min1().req()}, func(s *Server, in map[string]any) (any, error) {
			if _, err := s.application(in); err != nil {
				return nil, err
			}
			return objects(deploymentTable, newestFirst(s.where(deploymentTable, "applicationId", in["applicationId"]))), nil
		}),
		query("deployment.allByCompose", schema{text("composeId").min1().req()}, func(s *Server, in map[string]any) (any, error) {
			if s.find(composeTable, str(in["composeId"])) == nil {
				return nil, errNotFound("Compose not found")
			}
			return objects(deploymentTable, newestFirst(s.where(deploymentTable, "composeId", in["composeId"]))), nil
		}),
		query("deployment.allByType", schema{
			text("id").min1().req(),
			enum("type", deploymentTypes...).req(),
		}, func(s *Server, in map[string]any) (any, error) {
			col := map[string]string{
				"application": "applicationId", "compose": "composeId", "server": "serverId",
				"schedule": "scheduleId", "previewDeployment": "previewDeploymentId",
				"backup": "backupId", "volumeBackup": "volumeBackupId",
			}[str(in["type"])]
			out := []any{}
			for _, d := range newestFirst(s.where(deploymentTable, col, in["id"])) {
				out = append(out, append(deploymentTable.object(d), kv{"rollback", nil}))
			}
			return out, nil
		}),
		query("deployment.readLogs", schema{
			text("deploymentId").min1().req(),
			num("tail").int().between(1, 10000).dflt(100.0),
		}, func(s *Server, in map[string]any) (any, error) {
			id := str(in["deploymentId"])
			if s.find(deploymentTable, id) == nil {
				return nil, errNotFound("Deployment not found")
			}
			return tailLines(s.st.Logs[id], int(in["tail"].(float64))), nil
		}),
	}
}

// tailLines is `tail -n n` of text.
func tailLines(text string, n int) string {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}
