package apply

import (
	"reflect"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/planner"
)

// foldCreated folds the writes of a service this apply creates into its
// <kind>.update: the inputs of calls go into upd (that update's input)
// and the calls left are returned; for any other change calls are
// returned as they are.
//
// Dokploy's save procedures (application.save*Provider, saveBuildType,
// saveEnvironment; compose's and the databases' saveEnvironment) are each
// one UPDATE of the service's row, as <kind>.update is, which takes a
// partial of every column and keeps what it is not sent. The update needs
// the service create permission, the one the create needed already; the
// save procedures of a new row cost a round of calls and, on the
// application ones, a read of the row with all its relations. For an
// existing service the calls stay: saveEnvironment needs only the env
// permission, which a role may have without the other. A call whose keys
// would overwrite a different value already in upd stays too.
func foldCreated(c *planner.Change, upd map[string]any, calls []*dokploy.Call) []*dokploy.Call {
	if c.Action != planner.Create {
		return calls
	}
	idKey := dokploy.IDKey(c.Kind)
	var left []*dokploy.Call
	for _, call := range calls {
		in, ok := call.Input.(map[string]any)
		if !ok || clashes(upd, in, idKey) {
			left = append(left, call)
			continue
		}
		for k, v := range in {
			if k != idKey {
				upd[k] = v
			}
		}
	}
	return left
}

// clashes reports whether in sets a key of upd (but the id) to another
// value.
func clashes(upd, in map[string]any, idKey string) bool {
	for k, v := range in {
		if w, ok := upd[k]; ok && k != idKey && !reflect.DeepEqual(v, w) {
			return true
		}
	}
	return false
}
