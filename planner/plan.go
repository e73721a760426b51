// Package planner compares the desired state (spec) with the live state
// (dokploy.Live) and produces a Plan: a list of Changes with addresses,
// actions and per-field diffs. Plan is pure: no I/O. Rendering is separate
// (render.go) and the only place that knows about colour.
package planner

import "github.com/dokploy-sync/dokploy-sync/spec"

// Action is what a change does; its value is the plan symbol.
type Action string

const (
	Create Action = "+"
	Update Action = "~"
	Delete Action = "-"
)

// Kinds of resources, as they appear in addresses.
const (
	KindProject     = "project"
	KindEnvironment = "environment"
	KindApplication = "application"
	KindCompose     = "compose"
)

// Plan is the set of changes that would make the server match the spec.
type Plan struct {
	Changes []*Change
	// Unmanaged are live resources inside declared projects and environments
	// that the spec does not list. They are left alone.
	Unmanaged []Resource
	// Warnings concern the whole plan or several changes.
	Warnings []string
	// Errors make the plan impossible to apply (e.g. two live resources for
	// one address).
	Errors []string
	// UnsetVars are ${VAR}s the spec uses that are not set: the fields that
	// depend on them are unknown, and apply refuses to run.
	UnsetVars []string
	// NotCompared lists the fields of existing resources ("address: field")
	// that depend on an unset variable and so were not compared.
	NotCompared []string
	// IDs maps the address of every live resource the spec matched to its
	// id, changed or not: apply needs the ids of unchanged parents.
	IDs map[string]string
	// AppNames maps the address of every live service the spec matched to
	// its appName, for ${ref:...} resolution.
	AppNames map[string]string
	// Targets are the addresses the plan was narrowed to (none: the whole
	// spec). A targeted plan is not complete: it says so.
	Targets []string
	// EnvOnly is the address whose env alone the plan is narrowed to
	// (OnlyEnv), or "".
	EnvOnly string

	// Deploys are the deploys owed to services that exist, whatever the
	// changes (see OwedReason): apply makes them, with the deploys its
	// changes need. In plan order.
	Deploys []Deploy

	// Pruned: --prune turned the unmanaged resources into deletions; the
	// ones left in Unmanaged are protected.
	Pruned bool
	// DataKept are the resources --prune would delete but keeps because
	// deleting them loses data and --delete-data was not given.
	DataKept []KeptResource

	memberRole    bool
	declared      map[string]bool // addresses of every resource the spec declares
	protected     map[string]bool // addresses marked protect: true
	deleteVolumes map[string]bool // deleteVolumes of projects and environments

	res  *Resolver
	refs *refs // the names Ref fields may hold
	// undeclared are the names of the live projects the spec does not
	// declare (Live.Undeclared).
	undeclared []string
	// secrets are the values of the spec's secret variables, masked in
	// every field shown.
	secrets      []string
	fingerprints *fingerprints  // settings fingerprints of the live services, by address, made when asked
	markers      markers        // the deploy markers of the live state
	live         map[string]any // the live declared services, by address
}

// LiveService is the live declared service at addr (*dokploy.Application,
// *dokploy.Compose or *dokploy.Database), changed or not; nil for none.
func (p *Plan) LiveService(addr string) any { return p.live[addr] }

// Resolver returns a resolver of references for apply, with the live
// appNames of the plan.
func (p *Plan) Resolver() *Resolver { return NewResolver(p.res.spec, p.AppNames) }

// Resource names a live resource.
type Resource struct {
	Address string
	Kind    string
	ID      string
}

// Change is one resource to create, update or delete.
type Change struct {
	Action  Action
	Address string // shop, shop/staging, shop/production/application/api
	Kind    string // project, environment, application, postgres, ...
	Name    string
	// Parent is the address of the resource this one lives in ("" for a
	// project); apply creates parents first.
	Parent string
	Fields []*FieldDiff
	// Warnings about this change (shown under it).
	Warnings []string

	// Desired is the spec object (*spec.Project, *spec.Environment,
	// *spec.Application or spec.Database); Live is the live object
	// (*dokploy.Project, ...) or nil for a create.
	Desired any
	Live    any
	// LiveID is the id of the live resource (updates and deletes).
	LiveID string
	// DataLoss says what data a deletion loses (a database, a compose
	// service with its volumes), "" for none.
	DataLoss string
}

// Field returns the diff of the named field, or nil.
func (c *Change) Field(name string) *FieldDiff {
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// HasField reports whether any field diff's name is name or starts with
// name + ".".
func (c *Change) HasField(name string) bool {
	for _, f := range c.Fields {
		if f.Name == name || len(f.Name) > len(name) && f.Name[:len(name)+1] == name+"." {
			return true
		}
	}
	return false
}

// FieldDiff is the change of one field. Values are display strings, already
// normalized (sizes in bytes shown in human units, "" for null).
type FieldDiff struct {
	Name   string // spec field path: replicas, source.docker.image, env.LOG_LEVEL
	Action Action // Create (field set from nothing), Update, Delete (cleared)
	Before string
	After  string
	// Sensitive values are never shown (passwords; env values unless asked).
	Sensitive bool
	// Env marks a key of an env map (shown as sensitive unless ShowValues).
	Env bool
	// Unknown is the unset variable the desired value depends on.
	Unknown string
	// Text marks multi-line text (a compose file, a file's content), shown
	// as a line diff.
	Text bool
	// AfterApply: the desired value references a resource that apply
	// creates, so it is known only then.
	AfterApply bool
	// Redacted: the server answered a placeholder in place of the live
	// value (dokploy.IsRedacted), so the field was not compared.
	Redacted bool
	// Note says what apply does for the change beyond writing it, shown
	// after the value: "apply stops it (application.stop)".
	Note string
}

// Counts returns how many changes add, change and destroy.
func (p *Plan) Counts() (add, change, destroy int) { return count(p.Changes) }

// count returns how many of changes add, change and destroy.
func count(changes []*Change) (add, change, destroy int) {
	for _, c := range changes {
		switch c.Action {
		case Create:
			add++
		case Update:
			change++
		case Delete:
			destroy++
		}
	}
	return
}

// Empty reports whether the plan changes nothing and owes no deploy.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 && len(p.Deploys) == 0 }

// Spec is the spec the plan was computed from.
func (p *Plan) Spec() *spec.File { return p.res.spec }
