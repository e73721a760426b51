package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// Owed deploys. The tool is stateless: the live server is the state. A
// deploy the tool owes (its settings were written, but the deploy that
// makes them run failed, was interrupted or never started) must therefore
// be visible in the live state itself, or a later plan would answer "No
// changes" while the services run old settings. Two marks make it visible:
//
//   - The stamp. Every application and compose deploy the tool starts has
//     the title StampTitle and a description "<address> settings=<fp>",
//     where fp is the settings fingerprint (Fingerprint) of the live
//     service as it was when the deploy was started, after apply's writes.
//     A later plan compares the fingerprint of the newest deployment with
//     the service's current one.
//   - The idle marker. Git deployments lose their stamp when they end
//     (Dokploy overwrites the title and description with the commit), and
//     databases have no deployment rows at all. So when apply writes
//     deploy-relevant settings of a service it is going to deploy, it also
//     sets the service's status to "idle", as Dokploy's own source saves
//     do; the deploy sets it to done or error again.
//
// OwedReason and OwedDatabaseReason turn those marks into the reason a
// deploy is owed, or "" when none is.

// StampTitle is the title of the deployments dokploy-sync starts.
const StampTitle = "dokploy-sync"

// The reasons a deploy is owed, as the plan shows them.
const (
	ReasonNeverDeployed   = "never deployed"
	ReasonFailed          = "its newest deployment failed"
	ReasonCancelled       = "its newest deployment was cancelled"
	ReasonSettingsChanged = "its settings changed since its newest deployment"
	ReasonIdle            = "Dokploy shows it idle since its newest deployment (its settings changed, or it was stopped)"
	ReasonMarked          = "dokploy-sync changed its settings and has not deployed them yet"
	ReasonDatabaseIdle    = "never deployed, stopped, or changed without a deploy"
	ReasonDatabaseFailed  = "its last deploy failed"
)

// Deploy is a deploy the plan owes a service that exists.
type Deploy struct {
	Address string
	Kind    string // application, compose, postgres, ...
	ID      string
	Reason  string
}

// StampDescription is the description of a deployment of the service at
// addr with settings fingerprint fp.
func StampDescription(addr, fp string) string { return addr + " settings=" + fp }

// ParseStamp returns the address and fingerprint a deployment's title and
// description carry, ok false when the deployment was not stamped by
// dokploy-sync (started elsewhere, or a git deployment whose stamp Dokploy
// overwrote). A description that is only the address (older versions of
// dokploy-sync) gives an empty fingerprint.
func ParseStamp(title string, description *string) (addr, fp string, ok bool) {
	if title != StampTitle || description == nil {
		return "", "", false
	}
	d := *description
	if i := strings.LastIndex(d, " settings="); i >= 0 {
		return d[:i], d[i+len(" settings="):], true
	}
	return d, "", true
}

// newestDeployment is the newest of a service's deployments (Dokploy
// lists them in no particular order), nil for none. Of two created at the
// same instant the later in the list wins.
func newestDeployment(ds []*dokploy.Deployment) *dokploy.Deployment {
	var newest *dokploy.Deployment
	for _, d := range ds {
		if newest == nil || d.CreatedAt >= newest.CreatedAt {
			newest = d
		}
	}
	return newest
}

// OwedReason is the rule for an application or compose service at addr:
// why a deploy is owed, from its deployments, its status
// (applicationStatus or composeStatus) and the fingerprint of its current
// settings; "" when nothing is owed.
//
// A deployment that dokploy-sync did not stamp (started from the UI, by a
// git push, or a git deployment whose stamp Dokploy overwrote) cannot tell
// what it deployed. It is trusted, so that a deploy from the UI never makes
// every later run redeploy, unless the service is idle: Dokploy's own
// source saves and dokploy-sync's writes set it idle until the next
// deploy.
//
// Where Dokploy keeps tags and the key may write them (markers), the
// deploy marker apply leaves (dokploy.DeployMarker) says it instead of the
// status: a service stopped on purpose (idle too) is then left alone.
func OwedReason(addr string, deployments []*dokploy.Deployment, status string, fp func() string, m markers) string {
	d := newestDeployment(deployments)
	if d == nil {
		return ReasonNeverDeployed
	}
	switch d.Status {
	case "error":
		return ReasonFailed
	case "cancelled":
		return ReasonCancelled
	}
	if a, stamped, ok := ParseStamp(d.Title, d.Description); ok && a == addr && stamped != "" {
		if stamped != fp() {
			return ReasonSettingsChanged
		}
		return ""
	}
	if m.usable {
		if m.set[addr] {
			return ReasonMarked
		}
		return ""
	}
	if status == "idle" {
		return ReasonIdle
	}
	return ""
}

// markers are the deploy markers of a live state.
type markers struct {
	usable bool            // the server has tags and the key may create them
	set    map[string]bool // addresses with a marker
}

func liveMarkers(live *dokploy.Live) markers {
	m := markers{usable: live.Tags != nil && live.Role != "member", set: map[string]bool{}}
	for _, t := range live.Tags {
		if a, ok := strings.CutPrefix(t.Name, dokploy.DeployMarkerPrefix); ok {
			m.set[a] = true
		}
	}
	return m
}

// MarkersUsable reports whether apply leaves deploy markers (the server
// has tags and the key may create them).
func (p *Plan) MarkersUsable() bool { return p.markers.usable }

// OwedDatabaseReason is the rule for a database, which has no deployment
// rows: only its status tells.
func OwedDatabaseReason(status string) string {
	switch status {
	case "idle":
		return ReasonDatabaseIdle
	case "error":
		return ReasonDatabaseFailed
	}
	return ""
}

// owe records a declared live service and the deploy it owes, if any. policy is
// its deploy: setting (nil: onChange); a service whose objects say state:
// stopped owes none, since it is never deployed.
func (p *Plan) owe(addr, kind, id string, live any, policy *string, objs spec.Objects, reason func() string) {
	if p.live == nil {
		p.live = map[string]any{}
	}
	p.live[addr] = live
	if policy != nil && *policy == "never" || DesiredState(objs) == kinds.StateStopped {
		return
	}
	if r := reason(); r != "" {
		p.Deploys = append(p.Deploys, Deploy{Address: addr, Kind: kind, ID: id, Reason: r})
	}
}

// fingerprintPrefix separates settings fingerprints from any other hash.
const fingerprintPrefix = "dokploy-sync settings v1\n"

// Fingerprint hashes the deploy-relevant settings of a live application or
// compose service (the fields whose change needs a deploy: everything
// dokploy-sync reads but the name, description, status, ids, deployments
// and, for applications, the domains, redirects and basic auth, which take
// effect at once) with the values of the shared variables
// (${{project.K}}, ${{environment.K}}) its env, build args, build secrets
// and command use. Lists whose order means nothing are sorted, so the
// value computed right after apply equals the one the next plan computes.
// It is 12 hex digits of a SHA-256 with a domain-separation prefix: it
// stands for settings a viewer of the deployment already sees in the UI
// and reveals nothing of them.
func Fingerprint(svc any, project *dokploy.Project, env *dokploy.Environment) string {
	var settings any
	var texts []*string
	var kind string
	var items dokploy.Items
	switch s := svc.(type) {
	case *dokploy.Application:
		c := *s
		c.ApplicationID, c.Name, c.Description, c.ApplicationStatus = "", "", nil, ""
		c.Deployments = nil
		c.Items = deployItems(s.Items, KindApplication)
		settings, texts, kind, items = c, []*string{s.Env, s.BuildArgs, s.BuildSecrets, s.Command}, KindApplication, s.Items
	case *dokploy.Compose:
		c := *s
		c.ComposeID, c.Name, c.Description, c.ComposeStatus, c.Deployments = "", "", nil, "", nil
		c.Items = deployItems(s.Items, KindCompose)
		settings, texts, kind, items = c, []*string{s.Env, s.Command}, KindCompose, s.Items
	default:
		return ""
	}
	// Env texts as parsed maps (a UI re-save may quote or order them
	// otherwise); webhook filters need no deploy; unset values (null, "",
	// [] and {} alike, as Dokploy and its UI store them) are left out.
	fields := canonical(reflect.ValueOf(settings)).(map[string]any)
	for key, list := range hashedItems(items, kind) {
		fields[key] = list
	}
	for _, k := range []string{"Env", "BuildArgs", "BuildSecrets"} {
		if t, ok := fields[k].(string); ok {
			fields[k] = dokploy.ParseEnv(&t)
		}
	}
	for _, group := range []string{"GitSource", "GithubColumns"} {
		if m, ok := fields[group].(map[string]any); ok {
			delete(m, "WatchPaths")
			delete(m, "TriggerType")
		}
	}
	data, err := json.Marshal(map[string]any{"settings": dropUnset(fields), "shared": sharedValues(texts, project, env)})
	if err != nil {
		panic("planner: settings fingerprint: " + err.Error()) // canonical values always encode
	}
	h := sha256.Sum256(append([]byte(fingerprintPrefix), data...))
	return hex.EncodeToString(h[:])[:12]
}

// deployItems keeps, of the described items of a service of kind parent,
// the fields that need a deploy to take effect (kinds.Kind.NeedsDeploy,
// kinds.Field.Deploy), without ids; nil when none does, so that a
// fingerprint does not change with the kinds described. A setting (a
// singleton's field, one of the service's own keys) at its default is left
// out too, as an unset one is. The items of kinds hashed under names of their own (kinds.Hashed) are hashedItems'.
func deployItems(items dokploy.Items, parent string) dokploy.Items {
	var out dokploy.Items
	for name, rows := range items {
		k := kinds.ByName(name)
		if k == nil || k.Hashed != nil {
			continue
		}
		var kept []dokploy.Row
		for _, r := range rows {
			row := dokploy.Row{}
			var keep func(fields []*kinds.Field, deploy bool)
			keep = func(fields []*kinds.Field, deploy bool) {
				for _, f := range fields {
					if f.Flat {
						keep(f.Fields, deploy || f.Deploy)
						continue
					}
					v, ok := r[f.APIName()]
					if !ok || !(deploy || f.Deploy) || k.Singleton && f.Default != nil && reflect.DeepEqual(v, f.Default) {
						continue
					}
					switch x := v.(type) {
					case map[string]any, []any:
						// As JSON text: the fingerprint drops empty values,
						// and {} means something here (swarm mode global).
						if b, err := json.Marshal(x); err == nil && string(b) != "{}" && string(b) != "[]" {
							v = string(b)
						} else {
							v = nil
						}
					}
					row[f.APIName()] = v
				}
			}
			keep(k.Fields, k.NeedsDeploy(parent))
			if len(row) > 0 {
				kept = append(kept, row)
			}
		}
		if len(kept) > 0 {
			// The order of a list from the server means nothing.
			sort.Slice(kept, func(i, j int) bool {
				a, _ := json.Marshal(kept[i])
				b, _ := json.Marshal(kept[j])
				return string(a) < string(b)
			})
			if out == nil {
				out = dokploy.Items{}
			}
			out[name] = kept
		}
	}
	return out
}

// hashedItems are the lists of the items of kinds with kinds.Hashed that
// need a deploy in a service of kind parent, as the fingerprint hashed
// them when they were fields of the service: by Hashed.Key, each item its
// Hashed.Columns (null when absent) with the id empty, the list sorted by
// its encoding.
func hashedItems(items dokploy.Items, parent string) map[string]any {
	out := map[string]any{}
	for _, k := range kinds.Of(parent) {
		rows, ok := items[k.Name]
		if k.Hashed == nil || !ok || !k.NeedsDeploy(parent) {
			continue
		}
		list := make([]any, len(rows))
		for i, r := range rows {
			m := map[string]any{}
			for col, name := range k.Hashed.Columns {
				m[name] = r[col]
			}
			if name, ok := k.Hashed.Columns[k.IDKey]; ok {
				m[name] = ""
			}
			list[i] = m
		}
		sortByEncoding(list)
		out[k.Hashed.Key] = list
	}
	return out
}

var sharedRef = regexp.MustCompile(`\$\{\{(project|environment)\.([^}]+)\}\}`)

// sharedValues maps each ${{project.K}} and ${{environment.K}} the texts
// use to its live value (null when the variable is not set).
func sharedValues(texts []*string, project *dokploy.Project, env *dokploy.Environment) map[string]any {
	out := map[string]any{}
	var scopes [2]map[string]string
	for _, t := range texts {
		if t == nil {
			continue
		}
		for _, m := range sharedRef.FindAllStringSubmatch(*t, -1) {
			i, text := 0, ""
			if m[1] == "environment" {
				i = 1
			}
			if scopes[i] == nil {
				if i == 0 && project != nil {
					text = project.Env
				} else if i == 1 && env != nil {
					text = env.Env
				}
				scopes[i] = dokploy.ParseEnv(&text)
			}
			if v, ok := scopes[i][m[2]]; ok {
				out[m[1]+"."+m[2]] = v
			} else {
				out[m[1]+"."+m[2]] = nil
			}
		}
	}
	return out
}

// LiveService is a live service with where it lives.
type LiveService struct {
	Address     string
	Kind        string
	Project     *dokploy.Project
	Environment *dokploy.Environment
	Service     any // *dokploy.Application, *dokploy.Compose or *dokploy.Database
}

// LiveServices lists the services of the declared projects that have one
// live project of their name, by address (the default environment is
// "production"), sorted by address.
func LiveServices(live *dokploy.Live) []LiveService {
	var out []LiveService
	for name, ps := range live.Projects {
		if len(ps) != 1 {
			continue
		}
		for _, e := range ps[0].Environments {
			en := e.Name
			if e.IsDefault {
				en = spec.DefaultEnvironment
			}
			base := name + "/" + en + "/"
			add := func(kind, n string, svc any) {
				out = append(out, LiveService{Address: base + kind + "/" + n, Kind: kind, Project: ps[0], Environment: e, Service: svc})
			}
			for _, a := range e.Applications {
				add(KindApplication, a.Name, a)
			}
			for _, c := range e.Compose {
				add(KindCompose, c.Name, c)
			}
			for _, d := range e.Databases {
				add(d.Kind, d.Name, d)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// Fingerprints maps the address of every live application and compose
// service of the declared projects to its settings fingerprint. Two live
// services at one address get none (the plan refuses them anyway).
func Fingerprints(live *dokploy.Live) map[string]string {
	return byAddress(live, func(s LiveService) string { return Fingerprint(s.Service, s.Project, s.Environment) })
}

// fingerprints gives the settings fingerprint of a live service when
// asked, once: only a service whose newest deployment carries a stamp
// needs one, and a fingerprint costs a canonical encoding and a hash.
type fingerprints struct {
	live map[string]LiveService // by address; addresses of two services left out
	done map[string]string
}

func newFingerprints(live *dokploy.Live) *fingerprints {
	return &fingerprints{live: byAddress(live, func(s LiveService) LiveService { return s }), done: map[string]string{}}
}

// of is the fingerprint of the live service at addr ("" when none or two).
func (f *fingerprints) of(addr string) string {
	fp, ok := f.done[addr]
	if !ok {
		if s, found := f.live[addr]; found {
			fp = Fingerprint(s.Service, s.Project, s.Environment)
		}
		f.done[addr] = fp
	}
	return fp
}

// byAddress maps the address of every live service to value(service),
// leaving out the addresses of two services.
func byAddress[T any](live *dokploy.Live, value func(LiveService) T) map[string]T {
	out := map[string]T{}
	dup := map[string]bool{}
	for _, s := range LiveServices(live) {
		if _, ok := out[s.Address]; ok {
			dup[s.Address] = true
		}
		out[s.Address] = value(s)
	}
	for a := range dup {
		delete(out, a)
	}
	return out
}

// dropUnset removes the unset values of a canonical value: nil, "", and
// empty lists and maps, recursively.
func dropUnset(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = dropUnset(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case map[string]string:
		if len(x) == 0 {
			return nil
		}
		return x
	case []any:
		var out []any
		for _, e := range x {
			if e = dropUnset(e); e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	}
	return v
}
