package planner

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const pruneLive = `{"shop":[{"projectId":"p1","name":"shop","env":"","environments":[
 {"environmentId":"e1","name":"production","isDefault":true,"env":"","applications":[],"compose":[],"postgres":[]},
 {"environmentId":"e2","name":"staging","isDefault":false,"env":"",
  "applications":[{"applicationId":"a1","name":"web","sourceType":"docker"}],
  "compose":[{"composeId":"c1","name":"stack","sourceType":"raw","composeType":"docker-compose"}]}]}]}`

// A declared environment that does not exist live, named like a live one
// --prune would delete, is an error under --prune; without --prune it is
// a create like any other.
func TestPruneRefusesANameCloseToWhatItWouldDelete(t *testing.T) {
	f := load(t, `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      stagin: {}
`, nil)
	p := Compute(f, liveJSON(t, pruneLive))
	if len(p.Errors) != 0 {
		t.Fatalf("without --prune: errors %v", p.Errors)
	}
	p.Prune(PruneOptions{})
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0], `shop/stagin: no live environment has this name, but --prune would delete the live environment "staging" and its 2 services (did you mean "staging"?)`) {
		t.Fatalf("errors = %q", p.Errors)
	}
}

// Without --delete-data, a compose service whose volumes would go with it
// is kept, and so is its environment; with it both are deletions marked as
// losing data.
func TestPruneKeepsDataWithoutDeleteData(t *testing.T) {
	yaml := `
apiVersion: dokploy-sync/v1
projects:
  shop:
    deleteVolumes: true
    environments:
      production: {}
`
	p := Compute(load(t, yaml, nil), liveJSON(t, pruneLive))
	p.Prune(PruneOptions{})
	var kept []string
	for _, r := range p.DataKept {
		kept = append(kept, r.Address)
	}
	if diff := cmp.Diff([]string{"shop/staging", "shop/staging/compose/stack"}, kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"- shop/staging/application/web"}, summary(p)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}

	p = Compute(load(t, yaml, nil), liveJSON(t, pruneLive))
	p.Prune(PruneOptions{Data: true})
	if len(p.DataKept) != 0 {
		t.Errorf("kept with --delete-data: %v", p.DataKept)
	}
	var losses []string
	for _, c := range p.DataLosses() {
		losses = append(losses, c.Address)
	}
	if diff := cmp.Diff([]string{"shop/staging/compose/stack"}, losses); diff != "" {
		t.Errorf("data losses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"- shop/staging/application/web", "- shop/staging/compose/stack", "- shop/staging"}, summary(p)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}
