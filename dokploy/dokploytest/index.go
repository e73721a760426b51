package dokploytest

import (
	"fmt"
	"os"
	"reflect"
	"slices"
)

// index is what the fake looks a table's rows up by, so that a read costs
// what it returns rather than the size of the table:
//
//   - byID: the rows by their id (tableDef.id), kept up to date by insert
//     and deleteWhere. Ids never change once a row is inserted.
//   - cols: for the other columns where is asked about (environmentId,
//     applicationId, projectId, ...), the rows by the column's string
//     value, in table order, built on first use.
//
// Handlers write the rows they get in place (set, r[col] = v), so an index
// of column values is only good while nothing writes: the column indexes
// of a table are dropped whenever one of its rows is handed out outside a
// query procedure (Server.reading false: a mutation, a deployment timer, a
// test helper), and where then scans, like the real server's writes cost
// what they cost. A plan is all queries: every column index is built once
// and each lookup is a map access.
type index struct {
	byID map[string]row
	dup  bool // two rows have had the same id (a hand-made snapshot)
	cols map[string]map[string][]row
	// held: the mutation under way holds rows of the table it may still
	// write (handed out, or inserted): taken scans until it ends.
	held bool
	// added are the rows the mutation under way inserted, added to the
	// column indexes when it ends (endWrite), with the values it left.
	added []row
}

// checkIndexes makes every indexed lookup compare its answer with a scan of
// the table and panic on a difference: in the package's tests, and in any
// test run with DOKPLOYTEST_CHECK_INDEXES set (go test ./... with it checks
// the lookups of every package's use of the fake).
var checkIndexes = os.Getenv("DOKPLOYTEST_CHECK_INDEXES") != ""

// index returns t's index, building its ids on first use.
func (s *Server) index(t *tableDef) *index {
	ix := s.idx[t.name]
	if ix == nil {
		ix = &index{byID: map[string]row{}}
		for _, r := range s.st.Tables[t.name] {
			ix.add(t, r)
		}
		if s.idx == nil {
			s.idx = map[string]*index{}
		}
		s.idx[t.name] = ix
	}
	return ix
}

// add records r's id (the first row of an id keeps it, as a scan finds it).
func (ix *index) add(t *tableDef, r row) {
	if id, ok := r[t.id].(string); ok {
		if _, dup := ix.byID[id]; dup {
			ix.dup = true
		} else {
			ix.byID[id] = r
		}
	}
}

// remove forgets the ids of the removed rows; kept are the rows left.
func (ix *index) remove(t *tableDef, removed, kept []row) {
	if ix.dup { // a removed row's id may now belong to a kept one
		ix.byID, ix.dup = map[string]row{}, false
		for _, r := range kept {
			ix.add(t, r)
		}
		return
	}
	for _, r := range removed {
		if id, ok := r[t.id].(string); ok && sameMap(ix.byID[id], r) {
			delete(ix.byID, id)
		}
	}
}

// handOut is called with every lookup of t: outside a query the rows it
// returns may be written, so t's column indexes go.
func (s *Server) handOut(t *tableDef) *index {
	ix := s.index(t)
	if !s.reading {
		ix.cols, ix.held = nil, true
	}
	return ix
}

// A mutation that only asks whether a value is taken (validUniqueServerAppName)
// need not scan: between mutations no handler holds a row, so the column
// indexes, kept up to date with the rows inserted (endWrite), hold.
// beginWrite and endWrite bracket each mutation (runIn).
func (s *Server) beginWrite() {
	s.writing = true
	for _, ix := range s.idx {
		ix.held, ix.added = false, nil
	}
}

// endWrite adds the rows the mutation inserted to the column indexes left
// (those of a table whose rows it handed out are gone already).
func (s *Server) endWrite() {
	s.writing = false
	for _, ix := range s.idx {
		for col, by := range ix.cols {
			for _, r := range ix.added {
				if v, ok := r[col].(string); ok {
					by[v] = append(by[v], r)
				}
			}
		}
		ix.added = nil
	}
}

// taken reports whether a row of t has val in column col. It hands out no
// row, so a mutation asks it through the column index unless it holds rows
// of t (index.held): then it scans.
func (s *Server) taken(t *tableDef, col, val string) bool {
	ix := s.index(t)
	rows := s.st.Tables[t.name]
	var found bool
	if s.reading || (s.writing && !ix.held) {
		found = len(ix.column(rows, col)[val]) > 0
	} else {
		found = len(scanWhere(rows, col, val)) > 0
	}
	if checkIndexes && found != (len(scanWhere(rows, col, val)) > 0) {
		panic(fmt.Sprintf("dokploytest: index of %s.%s: taken(%q) differs from a scan", t.name, col, val))
	}
	return found
}

// column returns the rows of t by their string value of col, building it.
func (ix *index) column(rows []row, col string) map[string][]row {
	by := ix.cols[col]
	if by == nil {
		by = map[string][]row{}
		for _, r := range rows {
			if v, ok := r[col].(string); ok {
				by[v] = append(by[v], r)
			}
		}
		if ix.cols == nil {
			ix.cols = map[string]map[string][]row{}
		}
		ix.cols[col] = by
	}
	return by
}

// scanFind and scanWhere are the lookups without an index.
func scanFind(rows []row, col, id string) row {
	for _, r := range rows {
		if r[col] == id {
			return r
		}
	}
	return nil
}

func scanWhere(rows []row, col string, val any) []row {
	var out []row
	for _, r := range rows {
		if r[col] == val {
			out = append(out, r)
		}
	}
	return out
}

// sameRows reports whether a and b hold the same rows (the same maps) in
// the same order.
func sameRows(a, b []row) bool {
	return slices.EqualFunc(a, b, func(x, y row) bool { return sameMap(x, y) })
}

func sameMap(a, b row) bool { // the same map, not equal ones
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
