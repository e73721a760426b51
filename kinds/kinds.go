// Package kinds describes Dokploy's resource kinds once, for the generic
// code of every other package (DESIGN.md section 9): a Kind says where it
// lives in dokploy.yaml, how an item is identified, each field's spec name,
// API name, type and rules, and the procedures that read and write it with
// their quirks. spec decodes, validates and documents (the JSON Schema) a
// kind from its description; dokploy reads it; planner diffs it; apply
// creates, updates and deletes it in batched round trips; export writes it
// back. Kind-specific code remains only where Dokploy is irregular, as the
// hooks of the description (Hooks), next to it.
//
// The package imports nothing of dokploy-sync: a description is data.
//
// Adding a kind: write its description in a file of this package (see
// destination.go or backup.go), add it to All in registry.go, give the fake
// Dokploy its router (dokploy/dokploytest), and add a testscript that
// applies it, re-plans to no changes, changes a field and prunes.
package kinds

import (
	"strconv"
	"strings"
)

// Type is the type of a field's value.
type Type int

const (
	String   Type = iota // a string
	Text                 // a multi-line string, diffed line by line
	Int                  // an integer
	Bool                 // true or false
	Strings              // a list of strings
	Map                  // a map of strings to strings
	Env                  // a map of variables in the file; dotenv text in the API, compared key by key
	Memory               // bytes: 512Mi, 1Gi in the file; a decimal string in the API
	CPU                  // nano-CPUs: 0.5, 500m in the file; a decimal string in the API
	Duration             // nanoseconds: 30s, 1m30s in the file; a number in the API
	Object               // a nested object of Fields (a JSON object in the API); with no Fields, a marker: {} when set
	Objects              // a list of nested objects of Fields
	Number               // a decimal number: 0.25
)

var typeNames = [...]string{"string", "text", "integer", "boolean", "list of strings", "map", "env map", "memory size", "CPU count", "duration", "object", "list of objects", "number"}

func (t Type) String() string { return typeNames[t] }

// Field is one field of a kind (or of a nested object).
type Field struct {
	Name string // the key in dokploy.yaml
	API  string // the key in the API; "" means the same as Name
	Type Type
	Doc  string // one sentence, for the schema and the docs
	// Fields are the members of an Object or Objects.
	Fields []*Field

	Required bool // the file must set it (a string must not be empty)
	Nullable bool // an explicit null is accepted: it clears the live value
	Secret   bool // never shown; a literal in the file draws a warning
	// Enum lists the accepted values of a string.
	Enum []string
	// Min and Max bound an integer or a number (when Max > Min); RangeDoc words the
	// range in the message, "must be <RangeDoc>, got 0" (default "between
	// <Min> and <Max>").
	Min, Max int
	RangeDoc string
	// Pattern is a regular expression a string must match (a ${VAR} is not
	// checked against it), with PatternDoc saying it in words. The kind's
	// Validate hook may word what the pattern rejects better: an error it
	// reports at the field replaces the pattern's message.
	Pattern, PatternDoc string

	// Default is what the server stores when the field is not sent (the
	// API form: a string, float64, bool, []any or nil). A field the file
	// does not set is not managed, so Default matters only where the
	// planner needs a value for an unset field: an update that needs every
	// key, and export, which leaves out what equals the default.
	Default any
	// Ref names the kind whose item the field names (destination: s3-main):
	// the file holds the name, the API the id of that item.
	Ref string
	// CreateOnly fields are sent on create and cannot change afterwards:
	// a change is a plan error (Dokploy has no way to change it in place).
	CreateOnly bool
	// Frozen words that plan error, after "Dokploy cannot ": what cannot
	// be done and what to do instead ("" for a generic sentence).
	Frozen string
	// Identity fields are the item's identity among its siblings (a
	// backup's prefix): they are not updatable either, a different value is
	// a different item.
	Identity bool
	// Deploy fields need a deploy of their service to take effect.
	Deploy bool
	// Local fields are dokploy-sync's own (protect): never sent, never read.
	Local bool
	// Flat objects group fields in the file that are the parent's own keys
	// in the API (resources: memoryLimit, ... of the service).
	Flat bool
	// FileOf: the field holds the path of a file next to the spec whose
	// text is the value of the field FileOf (a mount's contentFile gives
	// its content): spec reads it on load. Such a field is also Local.
	FileOf string

	// Parents limits the field to items held by resources of these kinds
	// (a domain's serviceName is for compose services): elsewhere it is an
	// error, worded ParentsDoc (default "only for items of ...; remove
	// it"), and it is neither planned nor exported.
	Parents    []string
	ParentsDoc string
	// Variant is the value of the kind's Variant field that the field
	// belongs to (a mount's volumeName is for volume mounts): in an item
	// of another variant it is an error, and export leaves it out.
	Variant string
}

// Protect is the protect field of every instance kind: --prune never
// deletes the resource.
var Protect = &Field{Name: "protect", Type: Bool, Local: true, Doc: "true: --prune never deletes this resource."}

// For reports whether the field is for items of a resource of kind parent
// (Parents).
func (f *Field) For(parent string) bool {
	if len(f.Parents) == 0 {
		return true
	}
	for _, p := range f.Parents {
		if p == parent {
			return true
		}
	}
	return false
}

// APIName is the field's key in the API.
func (f *Field) APIName() string {
	if f.API != "" {
		return f.API
	}
	return f.Name
}

// Marker reports whether the field is an object without fields, whose
// presence is its value: {} in the API when set (swarm mode global).
func (f *Field) Marker() bool { return f.Type == Object && len(f.Fields) == 0 }

// Answer is what a create procedure answers.
type Answer int

const (
	Row     Answer = iota // the new row, with its id
	Nothing               // "" or true: the id is found by Find after the round trip
)

// Kind describes one resource kind.
type Kind struct {
	// Name is the kind's word in addresses and messages: destination,
	// backup, redirect. An item's address is parent/Name[identity], or
	// Name[name] at the top level.
	Name string
	// Key is the key that holds the kind's items in dokploy.yaml: at the top
	// level (Parents empty) a map from name to item, inside a service a
	// list (Identity says what identifies an item), for a singleton an
	// object (or, Inline, the service's own keys).
	Key string
	Doc string
	// After is the key of the parent after which Key is listed in messages,
	// the schema and export ("" for last); AfterIn, the key for the parent
	// kinds where it is another one (mounts come after ports in an
	// application, after externalPort in a database).
	After   string
	AfterIn map[string]string
	// Parents are the service kinds (application, compose, postgres, ...)
	// that hold the kind's items; none: an instance resource, at the top
	// level of the spec, matched by name.
	Parents []string
	// Singleton kinds are settings of their parent, not resources: one
	// object, no identity, written by the parent's update procedure
	// (Update.Proc "" means <parent>.update with the parent's id).
	Singleton bool
	// Inline singletons have their fields directly among the parent's keys.
	Inline bool
	// ReadOnly kinds are made elsewhere (remote servers, git providers):
	// the spec names their items (Field.Ref) but never declares them.
	ReadOnly bool
	// Name field: the API field holding an instance resource's name (its
	// map key in the file). Identity: the spec fields that identify an item
	// in a list, joined by Identify.
	NameField string
	Identity  []string
	Fields    []*Field
	// Variant is the field whose value says which fields an item has
	// (Field.Variant): a mount's type.
	Variant string

	// Read says where the live items are.
	Read Read
	// Procedures. Router is the tRPC router; IDKey the row's id field.
	Router string
	IDKey  string
	Create Create
	Update Update
	Delete Delete
	// PoolHolding lists the kind's procedures that hold a pool connection
	// while they need a second one (DESIGN.md section 10; their calls are
	// bounded by the client, whatever their kind).
	PoolHolding []string
	// Deploy says the kind's items need a deploy of their service to take
	// effect (ports, mounts, swarm settings); otherwise they act at once.
	// DeployIn limits it to parents of these kinds (a compose service's
	// domains are labels its deploy writes; an application's act at once).
	Deploy   bool
	DeployIn []string
	// Hashed: the kind's items are part of their service's settings
	// fingerprint under these names (see Hashed).
	Hashed *Hashed
	// DataLoss says what deleting an item loses, "" for nothing.
	DataLoss string
	// Used says that services can use the kind's items (a backup's
	// destination, a source's registry): --prune keeps an item while the
	// server has projects the spec does not declare, which may use it.
	Used bool

	// Var is the word that begins the names of the variables export gives
	// the kind's secrets (BASIC_AUTH); default the kind's name.
	Var string

	// Duplicate words the error for two items with one identity:
	// "duplicate <Noun>: <identity> is already <Verb> by ...<Hint>".
	Duplicate Duplicate

	Hooks Hooks
}

// Duplicate words the error for two items of a list with one identity.
type Duplicate struct {
	Noun string // default: the kind's name
	Verb string // default: "used"
	Hint string // added at the end: "; Dokploy keeps ... unique"
	// Key is what two items must not share, when it is not their
	// identity ("" leaves the item unchecked); Text says it, "host
	// api.example.com with path /" (default: each identity field and its
	// quoted value).
	Key  func(v Values) string
	Text func(v Values) string
	// Across says that two items must not share the key in the whole
	// spec either, on one Dokploy server: two services of any
	// environments or projects that run on the same server (their
	// server: field, none for the Dokploy server itself). AcrossHint ends
	// that error, saying why and what to do.
	Across     bool
	AcrossHint string
}

// Hashed names a kind's items in the settings fingerprint of their
// service (planner.Fingerprint), where they were hashed before they were
// described: Key is the list's name there, Columns each API column that
// is hashed, by its name there (the id column is hashed empty). The same
// names keep the fingerprints of live services, since a changed one
// would owe each of them a deploy.
type Hashed struct {
	Key     string
	Columns map[string]string
}

// Read says where the live items of a kind are.
type Read struct {
	// In is the key of the parent's .one answer that lists the items
	// (application.one has "redirects", postgres.one "backups"); for an
	// instance kind, empty.
	In string
	// Proc lists the items on its own: <router>.all for an instance kind,
	// or a procedure called once per parent with Input (the parent's id
	// under ParentKey).
	Proc string
	// Input is the fixed input of Proc; ParentKey, the key that gets the
	// parent's id (Proc per parent); ParentType, the key that gets the
	// parent's kind ("application", "compose").
	Input      map[string]any
	ParentKey  string
	ParentType string
	// Since is the first Dokploy version with the procedure ("" for all).
	Since string
}

// Create describes the create procedure.
type Create struct {
	Proc string // "" means <Router>.create
	// ParentKey is the input key of the parent's id ("" for instance
	// kinds); a func of the parent's kind when it depends on it.
	ParentKey func(parentKind string) string
	// Fixed are keys sent with every create (registryType: cloud).
	Fixed  map[string]any
	Answer Answer
	// Full creates need every key: a field the file leaves out is sent
	// with its Default.
	Full bool
}

// Update describes the update procedure.
type Update struct {
	Proc string // "" means <Router>.update
	// Full updates need every key (the server rejects a partial one, or
	// resets what is left out): apply sends each field, the desired value
	// if the file sets it, else the live one (a string: unless empty),
	// else the default. Keep are live keys every update needs, unchanged
	// ones of the kind (a domain's host) or ones it does not manage.
	Full bool
	Keep []string
	// None: the kind cannot be updated; a changed field replaces the item
	// (delete, then create) only if Replace, else it is a plan error.
	None    bool
	Replace bool
}

// Delete describes the delete procedure.
type Delete struct {
	Proc string // "" means <Router>.remove
}

// Hooks are the kind-specific parts, for where Dokploy is irregular.
type Hooks struct {
	// Identify makes an item's identity from the values of its Identity
	// fields as text ("" for unset), in order: the defaults filled in, the
	// form its address shows (a domain's host and path). Default: the
	// values joined by "|".
	Identify func(values []string) string
	// CreateInput adds to a create's input what depends on the parent
	// (backup's databaseType), or keys the create needs even as null;
	// parentKind is "" for an instance kind.
	CreateInput func(in map[string]any, parentKind string)
	// Validate checks an item beyond what the fields say.
	Validate func(item Item) []Problem
	// Hidden says that a live item is none of the spec's business, never
	// shown nor touched (a database's data volume).
	Hidden func(item map[string]any, parent Parent) bool
	// Unexportable says why a live item cannot be written to dokploy.yaml
	// ("" when it can): export leaves it out with a warning.
	Unexportable func(item map[string]any, parentKind string) string
	// FileName is the base name export gives the file of a field read
	// from a file (Field.FileOf), when the value cannot be inline.
	FileName func(item map[string]any) string
	// Write reshapes the input of an item's create (live is nil) or
	// update, and names its procedure ("" keeps ProcCreate or ProcUpdate):
	// a notification's channel picks notification.createSlack, its keys go
	// flat into the input, and the update gets the live row's slackId.
	Write func(in, live map[string]any) (proc string)
	// Check returns a plan error when an update cannot turn the live item
	// into the desired one ("" when it can): a notification cannot change
	// its channel.
	Check func(item Values, live map[string]any) string
	// Row turns a row of Read.Proc into the kind's row, nil to leave it
	// out: gitProvider.getAll lists the providers of every type, and each
	// provider kind keeps those of its type, with their id at the top.
	Row func(row map[string]any) map[string]any
	// Setting makes a singleton's live row from its parent's .one
	// answer (get gives a key of it, nil when absent), for a singleton
	// whose fields are not the parent's keys as they are: the run state
	// is read from the status column. parent is the parent's kind.
	Setting func(get func(key string) any, parent string) map[string]any
	// Act marks a singleton whose fields are not written by the parent's
	// update but by procedures that act on the parent (the run state:
	// <kind>.stop, <kind>.start): it names the procedure that gives the
	// kind's field the value on a service of kind parent whose live row
	// (of this kind) is live, called with the service's id under its
	// id key; "" when a deploy does it instead.
	Act func(parent string, value any, live map[string]any) string
}

// Parent is the resource a live item belongs to.
type Parent struct {
	Kind    string // application, compose, postgres, ...
	AppName string
}

// Item is an item as Hooks.Validate sees it.
type Item struct {
	// Values are the values that can be checked: read, and not using an
	// unset ${VAR}.
	Values Values
	// Keys are every key the file sets, whatever its value; Unknown, the
	// ones whose value uses an unset ${VAR}.
	Keys, Unknown map[string]bool
	// Parent is the kind of the resource that holds the item.
	Parent string
}

// Skipped reports whether the file sets the field to a value that cannot
// be checked (unknown, or reported already).
func (it Item) Skipped(name string) bool {
	_, ok := it.Values[name]
	return it.Keys[name] && !ok
}

// Problem is a validation problem in one field of an item, reported at
// that field's key, or At's, or (AtItem, or a key the file does not set)
// at the item.
type Problem struct {
	Field, Message string
	At             string
	AtItem         bool
	Warning        bool
}

// Values are an item's values as Hooks see them: by spec name, as the
// file sets them (string, int, bool, []string, map[string]string, an
// int64-based unit, nested items); a key the file does not set is absent,
// and a field whose value is unknown (an unset ${VAR}) holds Unknown, so
// that a hook can tell "not set" from "not known".
type Values map[string]any

// Unknown is the value of a field, in Values, that the file sets to
// something that cannot be known yet (an unset ${VAR}).
type Unknown struct{}

// ProcCreate, ProcUpdate, ProcDelete and IDOf give the kind's procedures.
func (k *Kind) ProcCreate() string { return or(k.Create.Proc, k.Router+".create") }
func (k *Kind) ProcUpdate() string { return or(k.Update.Proc, k.Router+".update") }
func (k *Kind) ProcDelete() string { return or(k.Delete.Proc, k.Router+".remove") }

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// Identify is an item's identity from the values of its Identity fields
// as text (Hooks.Identify).
func (k *Kind) Identify(values []string) string {
	if k.Hooks.Identify != nil {
		return k.Hooks.Identify(values)
	}
	return strings.Join(values, "|")
}

// AfterOf is the key of a resource of kind parent after which Key is
// listed (After, AfterIn).
func (k *Kind) AfterOf(parent string) string {
	if a, ok := k.AfterIn[parent]; ok {
		return a
	}
	return k.After
}

// NeedsDeploy reports whether the kind's items in a resource of kind
// parent need a deploy of it to take effect (Deploy, DeployIn).
func (k *Kind) NeedsDeploy(parent string) bool {
	if !k.Deploy {
		return false
	}
	if len(k.DeployIn) == 0 {
		return true
	}
	for _, p := range k.DeployIn {
		if p == parent {
			return true
		}
	}
	return false
}

// Quote quotes a value for messages, cut after 40 characters.
func Quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		return strconv.Quote(string(r[:40])) + "..."
	}
	return strconv.Quote(s)
}

// Instance reports whether the kind is an instance resource (top level).
func (k *Kind) Instance() bool { return len(k.Parents) == 0 }

// Field finds a field by spec name.
func (k *Kind) Field(name string) *Field {
	for _, f := range k.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// HasParent reports whether the kind's items live in services of kind p.
func (k *Kind) HasParent(p string) bool {
	for _, x := range k.Parents {
		if x == p {
			return true
		}
	}
	return false
}

// Plural is the kind's name for several items, in messages: backups,
// registries.
func (k *Kind) Plural() string { return Plural(k.Name) }

// Plural is the plural of a kind's name ("domain", "registry"), in
// messages.
func Plural(name string) string {
	if n := len(name); n > 1 && name[n-1] == 'y' && !strings.ContainsRune("aeiou", rune(name[n-2])) {
		return name[:n-1] + "ies"
	}
	return name + "s"
}

// VarWord is the word that begins the names of the variables export gives
// the kind's secrets.
func (k *Kind) VarWord() string { return or(k.Var, k.Name) }
