package dokploytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// row is one stored row: column name to JSON value (string, float64, bool,
// nil, []any or map[string]any, as encoding/json decodes them). Values are
// never mutated in place; an update assigns a fresh value.
type row map[string]any

// column is one column of a table with its default for a new row.
type column struct {
	name string
	def  any
}

// tableDef describes a table: its name in the state, its id column and its
// columns in the server's order.
type tableDef struct {
	name string
	id   string
	cols []column
	// jsonb are the columns of type jsonb, whose objects PostgreSQL
	// returns with their keys ordered (see jsonbOrder).
	jsonb []string
}

// newRow returns a row holding every column at its default.
func (t *tableDef) newRow() row {
	r := make(row, len(t.cols))
	for _, c := range t.cols {
		r[c.name] = cloneJSON(c.def)
	}
	return r
}

// has reports whether col is a column of t.
func (t *tableDef) has(col string) bool {
	for _, c := range t.cols {
		if c.name == col {
			return true
		}
	}
	return false
}

// object returns r as an ordered JSON object of t's columns.
func (t *tableDef) object(r row) object {
	o := make(object, 0, len(t.cols)+8)
	for _, c := range t.cols {
		v := r[c.name]
		if contains(t.jsonb, c.name) {
			v = jsonbOrder(v)
		}
		o = append(o, kv{c.name, v})
	}
	return o
}

// jsonbOrder orders the keys of v's objects like PostgreSQL's jsonb: shorter
// keys first, then byte order (capture 489's metricsConfig).
func jsonbOrder(v any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if len(a) != len(b) {
				return len(a) - len(b)
			}
			return strings.Compare(a, b)
		})
		o := make(object, len(keys))
		for i, k := range keys {
			o[i] = kv{k, jsonbOrder(v[k])}
		}
		return o
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonbOrder(e)
		}
		return out
	}
	return v
}

// pick returns the given columns of r, in the given order.
func pick(r row, cols ...string) object {
	o := make(object, 0, len(cols)+2)
	for _, c := range cols {
		o = append(o, kv{c, r[c]})
	}
	return o
}

// tables lists every table of the state.
var tables = []*tableDef{
	projectTable, environmentTable, applicationTable, composeTable,
	postgresTable, mysqlTable, mariadbTable, mongoTable, redisTable, libsqlTable,
	mountTable, deploymentTable, domainTable, portTable, redirectTable, securityTable, tagTable, projectTagTable,
	destinationTable, backupTable, volumeBackupTable, scheduleTable, registryTable,
	sshKeyTable, serverTable, certificateTable, notificationTable,
	gitProviderTable, githubTable, gitlabTable, bitbucketTable, giteaTable,
}

func init() {
	for _, k := range notificationKinds {
		tables = append(tables, k.table)
	}
}

// state is everything the fake stores. It is what SaveState writes.
type state struct {
	Version        int               `json:"version"`
	OrganizationID string            `json:"organizationId"`
	Member         row               `json:"member"`
	User           row               `json:"user"`
	APIKeys        []row             `json:"apiKeys"`
	Tables         map[string][]row  `json:"tables"`
	Logs           map[string]string `json:"logs"`     // deploymentId -> build log text
	Counters       map[string]int    `json:"counters"` // serial columns (uniqueConfigKey)
	Files          map[string]string `json:"files"`    // composeId -> compose file a deploy wrote (loadServices reads it)
	RNG            []byte            `json:"rng"`      // PCG state, see Server.rng
	// Deployed maps deploymentId to the settings snapshot it deployed
	// (settings.go).
	Deployed map[string]string `json:"deployed,omitempty"`
}

const stateVersion = 1

func newState() *state {
	st := &state{
		Version:  stateVersion,
		Tables:   map[string][]row{},
		Logs:     map[string]string{},
		Counters: map[string]int{},
		Files:    map[string]string{},
	}
	for _, t := range tables {
		st.Tables[t.name] = []row{}
	}
	return st
}

// --- row access; callers hold s.mu ---
//
// The lookups answer like scans of the table in insertion order; index.go
// says how they avoid scanning.

func (s *Server) rows(t *tableDef) []row {
	s.handOut(t)
	return s.st.Tables[t.name]
}

func (s *Server) find(t *tableDef, id string) row {
	r := s.handOut(t).byID[id]
	if checkIndexes {
		if want := scanFind(s.st.Tables[t.name], t.id, id); !sameMap(r, want) {
			panic(fmt.Sprintf("dokploytest: index of %s: find(%q) differs from a scan", t.name, id))
		}
	}
	return r
}

// where returns the rows of t whose column col equals val, in insertion order.
// The slice is shared: callers must not modify it.
func (s *Server) where(t *tableDef, col string, val any) []row {
	ix := s.handOut(t)
	v, ok := val.(string)
	if !s.reading || !ok {
		return scanWhere(s.st.Tables[t.name], col, val)
	}
	out := slices.Clip(ix.column(s.st.Tables[t.name], col)[v])
	if checkIndexes {
		if want := scanWhere(s.st.Tables[t.name], col, val); !sameRows(out, want) {
			panic(fmt.Sprintf("dokploytest: index of %s.%s: where(%q) differs from a scan", t.name, col, v))
		}
	}
	return out
}

// insert appends r to t. Within a mutation (runIn) the column indexes
// get r when it ends (endWrite): the handler may still write r; outside
// one they go.
func (s *Server) insert(t *tableDef, r row) {
	ix := s.index(t)
	if s.writing {
		ix.held = true
		ix.added = append(ix.added, r)
	} else {
		ix.cols = nil
	}
	ix.add(t, r)
	s.st.Tables[t.name] = append(s.st.Tables[t.name], r)
}

// references are the foreign keys the fake checks: a column and the table
// whose id it holds. A nil table is one the fake does not have (preview
// deployments): any value there dangles.
var references = []struct {
	col   string
	table *tableDef
}{
	{"environmentId", environmentTable}, {"applicationId", applicationTable}, {"composeId", composeTable},
	{"postgresId", postgresTable}, {"mysqlId", mysqlTable}, {"mariadbId", mariadbTable},
	{"mongoId", mongoTable}, {"redisId", redisTable}, {"libsqlId", libsqlTable},
	{"destinationId", destinationTable},
	{"githubId", githubTable}, {"gitlabId", gitlabTable}, {"bitbucketId", bitbucketTable}, {"giteaId", giteaTable},
	{"customGitSSHKeyId", sshKeyTable}, {"previewDeploymentId", nil},
}

// danglingRef returns the first foreign key column of values whose
// non-null value names no row, or "".
func (s *Server) danglingRef(values map[string]any) string {
	for _, ref := range references {
		v, ok := values[ref.col]
		if !ok || v == nil {
			continue
		}
		if ref.table == nil || s.find(ref.table, str(v)) == nil {
			return ref.col
		}
	}
	return ""
}

// deleteWhere removes the rows of t whose column col equals val and returns them.
func (s *Server) deleteWhere(t *tableDef, col string, val any) []row {
	var removed []row
	rows := s.st.Tables[t.name]
	kept := rows[:0:0]
	for _, r := range rows {
		if r[col] == val {
			removed = append(removed, r)
		} else {
			kept = append(kept, r)
		}
	}
	s.st.Tables[t.name] = kept
	if len(removed) > 0 {
		s.handOut(t).remove(t, removed, kept)
	}
	return removed
}

// touch moves r to the end of t's rows. An UPDATE writes a new row version
// at the end of PostgreSQL's heap, so reads without ORDER BY (the children
// of application.one) list updated rows last (capture 057: the mounts come
// bind, volume, file after the volume and the file were updated).
func (s *Server) touch(t *tableDef, r row) {
	s.index(t).cols = nil // the order changes
	rows := s.st.Tables[t.name]
	for i, e := range rows {
		if e[t.id] == r[t.id] {
			s.st.Tables[t.name] = append(append(rows[:i:i], rows[i+1:]...), e)
			return
		}
	}
}

// nextSerial is nextval() of a serial column ("domain.uniqueConfigKey").
// Like a sequence, it also advances for inserts that then fail.
func (s *Server) nextSerial(name string) float64 {
	s.st.Counters[name]++
	return float64(s.st.Counters[name])
}

// objects renders rows of t as ordered objects.
func objects(t *tableDef, rows []row) []any {
	out := make([]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, t.object(r))
	}
	return out
}

// newestFirst returns rows sorted by createdAt descending; rows created at the
// same instant keep reverse insertion order.
func newestFirst(rows []row) []row {
	out := slices.Clone(rows)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b row) int {
		as, _ := a["createdAt"].(string)
		bs, _ := b["createdAt"].(string)
		switch {
		case as > bs:
			return -1
		case as < bs:
			return 1
		}
		return 0
	})
	return out
}

// --- snapshots ---

// SaveState writes a JSON snapshot of the whole state (projects, services,
// deployments, logs, the member, and the random generator, so that ids
// continue deterministically after LoadState).
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	rng, err := s.pcg.MarshalBinary()
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.st.RNG = rng
	data, err := marshalIndent(s.st)
	s.st.RNG = nil
	s.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// LoadState replaces the state with a snapshot written by SaveState.
// Deployments that were still running when the snapshot was taken finish
// DeployDuration after their start (at once if that time has passed).
func (s *Server) LoadState(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	st := newState()
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("dokploytest: bad state snapshot: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("dokploytest: state snapshot version %d, want %d", st.Version, stateVersion)
	}
	for _, t := range tables {
		if st.Tables[t.name] == nil {
			st.Tables[t.name] = []row{}
		}
		for _, r := range st.Tables[t.name] {
			for _, c := range t.cols { // columns added since the snapshot
				if _, ok := r[c.name]; !ok {
					r[c.name] = cloneJSON(c.def)
				}
			}
		}
	}
	if st.Logs == nil {
		st.Logs = map[string]string{}
	}
	if st.Counters == nil {
		st.Counters = map[string]int{}
	}
	if st.Files == nil {
		st.Files = map[string]string{}
	}
	if st.Member == nil || st.User == nil {
		return fmt.Errorf("dokploytest: state snapshot has no member")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(st.RNG) > 0 {
		if err := s.pcg.UnmarshalBinary(st.RNG); err != nil {
			return fmt.Errorf("dokploytest: bad rng state: %w", err)
		}
	}
	st.RNG = nil
	s.stopTimersLocked()
	s.st = st
	s.idx = nil
	for _, d := range s.rows(deploymentTable) {
		if d["status"] != "running" {
			continue
		}
		started, _ := time.Parse(timeLayout, str(d["startedAt"]))
		s.scheduleFinishLocked(str(d["deploymentId"]), started.Add(s.opts.DeployDuration).Sub(s.now()))
	}
	return nil
}

// --- JSON helpers ---

// cloneJSON deep-copies a JSON value.
func cloneJSON(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneJSON(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = cloneJSON(e)
		}
		return out
	}
	return v
}

// str returns v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// kv is one member of an ordered JSON object.
type kv struct {
	k string
	v any
}

// object is a JSON object that keeps its key order when marshalled, so
// answers list keys in the same order as the real server.
type object []kv

// get returns the value of key k.
func (o object) get(k string) (any, bool) {
	for _, e := range o {
		if e.k == k {
			return e.v, true
		}
	}
	return nil, false
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	err := o.appendJSON(&b)
	return b.Bytes(), err
}

// appendJSON writes o to b. Nested objects and arrays are written in place:
// marshalling each level would compact its members again, level by level.
func (o object) appendJSON(b *bytes.Buffer) error {
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := appendString(b, e.k); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := appendJSON(b, e.v); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// appendString writes a string (an object's key, a value) as encoding/json
// does, a plain one without going through it.
func appendString(b *bytes.Buffer, s string) error {
	if !plainJSON(s) {
		j, err := marshal(s)
		if err != nil {
			return err
		}
		b.Write(j)
		return nil
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
	return nil
}

// appendJSON writes v to b like marshal.
func appendJSON(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case object:
		return v.appendJSON(b)
	case []any:
		if v == nil {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendJSON(b, x); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case nil:
		b.WriteString("null")
		return nil
	case bool:
		b.WriteString(strconv.FormatBool(v))
		return nil
	case string:
		return appendString(b, v)
	}
	j, err := marshal(v)
	if err != nil {
		return err
	}
	b.Write(j)
	return nil
}

// plainJSON reports whether s is written as is between quotes: printable
// ASCII without quote or backslash (encoding/json's safeSet).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// marshal encodes v like JSON.stringify: no HTML escaping of <, > and &.
func marshal(v any) ([]byte, error) {
	switch v.(type) {
	case object, []any: // what encoding/json would write, less its compacting of MarshalJSON's output again
		b := marshalBuffers.Get().(*bytes.Buffer)
		defer marshalBuffers.Put(b)
		b.Reset()
		err := appendJSON(b, v)
		return bytes.Clone(b.Bytes()), err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// marshalBuffers are the buffers marshal writes into before it copies out
// the answer: no buffer grows from empty for every answer.
var marshalBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// marshalIndent encodes v like JSON.stringify(v, null, 2).
func marshalIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
