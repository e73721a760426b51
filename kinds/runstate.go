package kinds

// The run state of a service: state: running | stopped among its own
// keys. Absent, it is not managed: a service is deployed and left as
// it is, as before the field existed, so a spec without it never starts
// or stops anything.
//
// Dokploy keeps no run state of its own: the status column
// (applicationStatus; composeStatus for compose) is "idle" after a stop,
// and also before the first deploy and after a settings save; "done",
// "running" (a deploy under way) and "error" otherwise. The live state is
// read from it (Hooks.Setting): idle is stopped, anything else running;
// an application or compose service that is idle with no deployment was
// never deployed, and has no run state (the planner owes it its first
// deploy; a database has no deployment rows, so it cannot tell). The
// planner settles the other ambiguity of idle: a service owed a deploy is
// started by that deploy.
//
// The field is not written by the service's update but by procedures that
// act on it (Hooks.Act), in the Dokploy v0.30.2 source
// (apps/dokploy/server/api/routers/<kind>.ts, packages/server/src):
//   - stop, every kind: <kind>.stop {<kind>Id}. Applications and
//     databases run `docker service scale <appName>=0` (utils/docker/
//     utils.ts:111; its error is swallowed, capture 546) and set the
//     status idle; compose runs `docker compose -p <appName> stop`, or for
//     a stack `docker stack rm <appName>` (services/compose.ts:503), and
//     sets idle (error when the command fails).
//   - start, databases: <kind>.start {<kind>Id}: `docker service scale
//     <appName>=1` (utils.ts:423), status done; it fails when the service
//     was never deployed. Dokploy runs databases with one replica.
//   - start, compose (docker-compose type): compose.start {composeId}:
//     `docker compose up -d` of the files its last deploy wrote
//     (compose.ts:468), status done.
//   - start, applications and compose stacks: a deploy. application.start
//     scales the swarm service to 1 replica whatever replicas says (and
//     fails for an application never deployed: capture 548), and
//     compose.start does nothing for a stack but set its status done
//     (the stop removed the stack); a deploy recreates the service with
//     its settings.
//
// None of these holds a pool connection while it needs another: each
// reads its row, runs a command and writes the status through the global
// db (services/application.ts:163, compose.ts:198, postgres.ts:119, and
// the other databases' update<Kind>ById), with no transaction; the
// audit log entry is one insert (services/proprietary/audit-log.ts).
// They are mutations, bounded as every mutation is.

// The values of the state field.
const (
	StateRunning = "running"
	StateStopped = "stopped"
)

// stateField is the run state.
var stateField = &Field{Name: "state", Type: String, Enum: []string{StateRunning, StateStopped}, Default: StateRunning,
	Doc: "running or stopped: apply stops or starts the service to match, and never deploys a stopped one."}

// RunState is a service's run state.
var RunState = &Kind{
	Name: "runState", Parents: ServiceKinds, After: "protect",
	Doc:       "Whether the service runs.",
	Singleton: true, Inline: true,
	Fields: []*Field{stateField},
	Hooks: Hooks{
		Setting: func(get func(key string) any, parent string) map[string]any {
			s, _ := get(StatusKey(parent)).(string)
			row := map[string]any{"state": LiveState(s)}
			if ds, ok := get("deployments").([]any); ok && len(ds) == 0 && s == "idle" {
				delete(row, "state") // never deployed: neither running nor stopped
			}
			if t, ok := get("composeType").(string); ok {
				row["composeType"] = t
			}
			return row
		},
		Act: func(parent string, value any, live map[string]any) string {
			if value == StateStopped {
				return parent + ".stop"
			}
			return StartProc(parent, live)
		},
	},
}

// LiveState is the run state a service's status (applicationStatus or
// composeStatus) shows: stopped when idle, else running.
func LiveState(status string) string {
	if status == "idle" {
		return StateStopped
	}
	return StateRunning
}

// StartProc is the procedure that starts a stopped service of kind parent
// whose run state row (RunState's live row, with composeType for compose)
// is live, or "" when a deploy starts it: an application, or a compose
// stack.
func StartProc(parent string, live map[string]any) string {
	if parent == "application" || parent == "compose" && live["composeType"] == "stack" {
		return ""
	}
	return parent + ".start"
}

// StatusKey is the status column of a service kind: composeStatus for
// compose, applicationStatus for applications and every database kind.
func StatusKey(kind string) string {
	if kind == "compose" {
		return "composeStatus"
	}
	return "applicationStatus"
}
