package apply

import (
	"reflect"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// foldCreated moves a created service's calls into its update, but not a
// call that would overwrite another value of the update, and leaves the
// calls of an update alone.
func TestFoldCreatedKeepsClashingCalls(t *testing.T) {
	calls := func() []*dokploy.Call {
		return []*dokploy.Call{
			dokploy.NewCall("application.saveBuildType", map[string]any{"applicationId": "A", "buildType": "nixpacks"}, nil),
			dokploy.NewCall("application.saveEnvironment", map[string]any{"applicationId": "A", "createEnvFile": false}, nil),
		}
	}
	upd := map[string]any{"applicationId": "A", "createEnvFile": true}
	left := foldCreated(&planner.Change{Action: planner.Create, Kind: planner.KindApplication}, upd, calls())
	if len(left) != 1 || left[0].Proc != "application.saveEnvironment" {
		t.Errorf("left %v, want the clashing saveEnvironment", left)
	}
	if want := map[string]any{"applicationId": "A", "createEnvFile": true, "buildType": "nixpacks"}; !reflect.DeepEqual(upd, want) {
		t.Errorf("update %v, want %v", upd, want)
	}
	upd = map[string]any{"applicationId": "A"}
	if left := foldCreated(&planner.Change{Action: planner.Update, Kind: planner.KindApplication}, upd, calls()); len(left) != 2 || len(upd) != 1 {
		t.Errorf("an update's calls folded: left %d, update %v", len(left), upd)
	}
}
