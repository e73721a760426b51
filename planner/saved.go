package planner

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/kinds"
	"github.com/dokploy-sync/dokploy-sync/spec"
)

// SavedPlan is what `plan --out FILE` writes and `apply FILE` reads: the
// plan as it was shown, how it was made, and fingerprints of the spec and
// of the live state it was computed from. It holds no API key and no
// secret value: the fingerprints are SHA-256 hashes over everything,
// secrets included, and the plan masks secrets like `plan --json`.
type SavedPlan struct {
	FormatVersion string   `json:"formatVersion"`
	ToolVersion   string   `json:"toolVersion"`
	SpecFile      string   `json:"specFile"`
	VarFiles      []string `json:"varFiles,omitempty"`
	Targets       []string `json:"targets,omitempty"`
	Prune         bool     `json:"prune,omitempty"`
	DeleteData    bool     `json:"deleteData,omitempty"`
	// Salt is random per saved plan and hashed with the fingerprints, so
	// that they cannot be compared with hashes of guessed values made
	// beforehand. The file still holds hashes over secrets: keep it as
	// private as the spec's secrets (it is written 0600).
	Salt            string `json:"salt"`
	SpecFingerprint string `json:"specFingerprint"`
	LiveFingerprint string `json:"liveFingerprint"`
	// Instance is the Dokploy instance the plan was made against: apply
	// refuses to apply it to another. Absent in plans saved before it was
	// recorded.
	Instance *JSONInstance `json:"instance,omitempty"`
	Plan     JSONPlan      `json:"plan"`
}

// WriteSaved writes a saved plan as JSON.
func WriteSaved(w io.Writer, s *SavedPlan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// ReadSaved reads a saved plan and checks its format version.
func ReadSaved(r io.Reader) (*SavedPlan, error) {
	var s SavedPlan
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("not a saved plan of dokploy-sync: %w", err)
	}
	if s.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("saved plan format %q is not supported (this dokploy-sync writes %q); run plan --out again", s.FormatVersion, FormatVersion)
	}
	if s.SpecFingerprint == "" || s.LiveFingerprint == "" || s.Salt == "" {
		return nil, fmt.Errorf("saved plan has no fingerprints; run plan --out again")
	}
	return &s, nil
}

// SpecFingerprint hashes the desired state as loaded: every value (env
// files, file contents and interpolated secrets included) and which keys
// are set, but not where they are in the file, so reformatting the file
// does not make a saved plan stale.
func SpecFingerprint(salt string, f *spec.File) string { return fingerprint(salt, f) }

// LiveFingerprint hashes the live state a plan was computed from, in an
// order that does not depend on how the server listed it.
//
// The tags are left out: the apply's own lease is one; the deploy markers
// among them change the plan, which the saved plan is compared with too.
func LiveFingerprint(salt string, l *dokploy.Live) string {
	c := *l
	c.Tags = nil
	return fingerprint(salt, &c)
}

// NewSalt returns a random salt for a saved plan.
func NewSalt() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func fingerprint(salt string, v any) string {
	data, err := json.Marshal(canonical(reflect.ValueOf(v)))
	if err != nil {
		panic("planner: fingerprint: " + err.Error()) // canonical values always encode
	}
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

var (
	metaType = reflect.TypeOf(spec.Meta{})
	fileType = reflect.TypeOf(spec.File{})
)

// canonical turns a value into plain maps, lists and scalars: exported
// struct fields by name (a spec.Meta becomes the sorted list of keys set
// and the unknown fields), lists whose order carries no meaning sorted by
// their encoding.
func canonical(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if k, ok := v.Interface().(*kinds.Kind); ok {
			return k.Name // a description is code, not what the spec says
		}
		return canonical(v.Elem())
	case reflect.Struct:
		if v.Type() == metaType {
			m := v.Interface().(spec.Meta)
			keys := make([]string, 0, len(m.Keys))
			for k := range m.Keys {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return map[string]any{"keys": keys, "unknown": m.Unknown}
		}
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			// Where the spec file is does not change what it says: a CI job
			// may apply in another checkout than the one that planned.
			if f := t.Field(i); f.IsExported() && !(t == fileType && (f.Name == "Path" || f.Name == "Dir")) {
				out[f.Name] = canonical(v.Field(i))
			}
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			out[fmt.Sprint(iter.Key().Interface())] = canonical(iter.Value())
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = canonical(v.Index(i))
		}
		if v.Type().Elem().Kind() == reflect.Pointer && v.Type().Elem().Elem().Kind() == reflect.Struct {
			sortByEncoding(out) // lists of resources carry no meaning in their order
		}
		return out
	default:
		return v.Interface()
	}
}

func sortByEncoding(list []any) {
	keys := make([]string, len(list))
	for i, x := range list {
		b, _ := json.Marshal(x)
		keys[i] = string(b)
	}
	sort.Sort(byKey{list, keys})
}

type byKey struct {
	list []any
	keys []string
}

func (b byKey) Len() int           { return len(b.list) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.list[i], b.list[j] = b.list[j], b.list[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}
