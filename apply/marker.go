package apply

import (
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// The idle marker (see planner's owed deploys). When apply writes
// deploy-relevant settings of an existing service that it is going to
// deploy (policy onChange or always; with --no-deploy too: the marker is
// what makes the next plan show the deploy owed), the same writes round
// trip sets the service's status to "idle", as Dokploy's own source saves
// do. The deploy sets it to done or error. Until then a later plan owes the
// deploy even when the stamp of the newest deployment cannot tell (git
// deployments lose it; databases have no deployments). The marker rides on
// an update call the writes already send where there is one
// (application.update, compose.update, <db>.update; a save*Provider sets
// idle itself), else it is one more call in the same round trip.

// markIdle adds the idle marker of the services change o needs deployed
// to its write calls ws; marked holds the services already marked in this
// apply.
func (r *run) markIdle(o *op, ws []*dokploy.Call, marked map[string]bool) []*dokploy.Call {
	if r.declared == nil {
		r.declared, r.deleted = services(r.plan.Spec()), deletedAddrs(r.plan)
	}
	for _, s := range needDeploy(r.declared, o.c, r.deleted) {
		live := r.plan.LiveService(s.addr)
		id := r.plan.IDs[s.addr]
		if s.policy == DeployNever || marked[s.addr] || live == nil || id == "" {
			continue // created services are deployed (or owed: never deployed) anyway
		}
		marked[s.addr] = true
		if r.plan.MarkersUsable() && (s.kind == planner.KindApplication || s.kind == planner.KindCompose) {
			ws = append(ws, r.deployMarker(s.addr))
		}
		if s.addr == o.c.Address && markInPlace(s.kind, ws) {
			continue
		}
		ws = append(ws, r.markerCall(s, id, live))
	}
	return ws
}

// deployMarker is the call that leaves the deploy marker of the service
// at addr (dokploy.DeployMarker): a tag, which the plan reads where a
// status cannot tell (idle is also what a stop sets). One left by an
// earlier apply is fine.
func (r *run) deployMarker(addr string) *dokploy.Call {
	call := dokploy.NewCall("tag.create", map[string]string{"name": dokploy.DeployMarker(addr)}, nil)
	if r.tolerated == nil {
		r.tolerated = map[*dokploy.Call]string{}
	}
	r.tolerated[call] = `insert into "tag"` // the unique name: already marked
	return call
}

// markInPlace folds the marker into the service's own update call, if ws
// has one (or a source save, which sets idle itself).
func markInPlace(kind string, ws []*dokploy.Call) bool {
	update := kind + ".update"
	for _, w := range ws {
		if strings.HasPrefix(w.Proc, "application.save") && strings.HasSuffix(w.Proc, "Provider") {
			return true
		}
		if w.Proc == update {
			if in, ok := w.Input.(map[string]any); ok {
				in[kinds.StatusKey(kind)] = "idle"
				return true
			}
		}
	}
	return false
}

// markerCall is an update that only sets the status idle. A database
// update carries, as they are live (the service has no change of its
// own), the fields partial updates reset (see databaseWrites).
func (r *run) markerCall(s service, id string, live any) *dokploy.Call {
	in := map[string]any{dokploy.IDKey(s.kind): id, kinds.StatusKey(s.kind): "idle"}
	if db, ok := live.(*dokploy.Database); ok {
		in["dockerImage"] = deref(db.DockerImage)
		switch s.kind {
		case "libsql":
			in["enableNamespaces"] = db.EnableNamespaces != nil && *db.EnableNamespaces
		case "mongo":
			in["replicaSets"] = db.ReplicaSets != nil && *db.ReplicaSets
		}
	}
	return dokploy.NewCall(s.kind+".update", in, nil)
}
