package dokploytest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIndexesMatchScans runs random inserts, deletes, touches and in-place
// updates on two tables, most inside a mutation's bracket (beginWrite,
// endWrite), interleaved with reads inside and outside a query, and
// compares every find, where, taken and rows with a scan of a reference
// copy of the tables kept beside the server.
func TestIndexesMatchScans(t *testing.T) {
	defer func(was bool) { checkIndexes = was }(checkIndexes)
	checkIndexes = false // compared here with the reference, not by the lookups
	tabs := []*tableDef{applicationTable, domainTable}
	cols := map[*tableDef][]string{applicationTable: {"environmentId", "appName"}, domainTable: {"applicationId", "host"}}
	vals := []any{"a", "b", "c", nil, float64(1)}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		s := New(Options{})
		ref := map[*tableDef][]row{}
		next := 0
		randID := func(tab *tableDef) string {
			if rs := ref[tab]; len(rs) > 0 && rng.IntN(4) > 0 {
				return str(rs[rng.IntN(len(rs))][tab.id])
			}
			return fmt.Sprint("missing", rng.IntN(3))
		}
		check := func(step int, reading bool) {
			t.Helper()
			s.reading = reading
			defer func() { s.reading = false }()
			for _, tab := range tabs {
				if got := s.rows(tab); !sameRows(got, ref[tab]) {
					t.Fatalf("seed %d step %d: rows(%s) differ from the reference", seed, step, tab.name)
				}
				for range 5 {
					id := randID(tab)
					if got, want := s.find(tab, id), scanFind(ref[tab], tab.id, id); !sameMap(got, want) {
						t.Fatalf("seed %d step %d reading %v: find(%s, %q) = %v, want %v", seed, step, reading, tab.name, id, got, want)
					}
					col, val := cols[tab][rng.IntN(2)], vals[rng.IntN(len(vals))]
					if got, want := s.where(tab, col, val), scanWhere(ref[tab], col, val); !sameRows(got, want) {
						t.Fatalf("seed %d step %d reading %v: where(%s.%s, %v) = %d rows, want %d", seed, step, reading, tab.name, col, val, len(got), len(want))
					}
				}
			}
		}
		// taken, asked inside a mutation (before and after its op, the way
		// a create asks validUniqueServerAppName) or outside one.
		takenCheck := func(step int) {
			t.Helper()
			for _, tab := range tabs {
				col, val := cols[tab][rng.IntN(2)], fmt.Sprint(vals[rng.IntN(3)])
				if got, want := s.taken(tab, col, val), len(scanWhere(ref[tab], col, val)) > 0; got != want {
					t.Fatalf("seed %d step %d writing %v: taken(%s.%s, %q) = %v, want %v", seed, step, s.writing, tab.name, col, val, got, want)
				}
			}
		}
		for step := range 400 {
			tab := tabs[rng.IntN(len(tabs))]
			mutation := rng.IntN(3) > 0
			if mutation {
				s.beginWrite()
				takenCheck(step)
			}
			switch op := rng.IntN(10); {
			case op < 4: // insert
				next++
				r := row{tab.id: fmt.Sprint("id", next)}
				for _, c := range cols[tab] {
					r[c] = vals[rng.IntN(len(vals))]
				}
				s.insert(tab, r)
				ref[tab] = append(ref[tab], r)
				if rng.IntN(2) == 0 { // the handler writes the row it inserted
					takenCheck(step)
					r[cols[tab][rng.IntN(2)]] = vals[rng.IntN(len(vals))]
				}
			case op < 5: // delete by a column
				col, val := cols[tab][rng.IntN(2)], vals[rng.IntN(len(vals))]
				s.deleteWhere(tab, col, val)
				ref[tab] = slices.DeleteFunc(slices.Clone(ref[tab]), func(r row) bool { return r[col] == val })
			case op < 6: // delete by id
				id := randID(tab)
				s.deleteWhere(tab, tab.id, id)
				ref[tab] = slices.DeleteFunc(slices.Clone(ref[tab]), func(r row) bool { return r[tab.id] == id })
			case op < 7: // touch: an UPDATE moves the row last
				if r := s.find(tab, randID(tab)); r != nil {
					s.touch(tab, r)
					i := slices.IndexFunc(ref[tab], func(e row) bool { return sameMap(e, r) })
					ref[tab] = append(slices.Delete(slices.Clone(ref[tab]), i, i+1), r)
				}
			default: // an update in place, as handlers write (the reference shares the row)
				if r := s.find(tab, randID(tab)); r != nil {
					if rng.IntN(2) == 0 { // asked while holding the row
						takenCheck(step)
					}
					r[cols[tab][rng.IntN(2)]] = vals[rng.IntN(len(vals))]
				}
			}
			if mutation {
				takenCheck(step)
				s.endWrite()
			}
			takenCheck(step)
			check(step, rng.IntN(2) == 0)
		}
	}
}

// TestLoadStateReplacesTheIndexes: lookups after LoadState answer from the
// loaded snapshot, not from indexes built over the state before.
func TestLoadStateReplacesTheIndexes(t *testing.T) {
	a := New(Options{Seed: 1})
	p := mustCall(t, a, "project.create", map[string]any{"name": "a"})
	envA := at(p, "environment", "environmentId")
	app := mustCall(t, a, "application.create", map[string]any{"name": "web", "environmentId": envA})
	var snap bytes.Buffer
	if err := a.SaveState(&snap); err != nil {
		t.Fatal(err)
	}

	b := New(Options{Seed: 2})
	mustCall(t, b, "project.create", map[string]any{"name": "b"})
	if _, err := b.Call("project.all", nil); err != nil { // builds b's indexes
		t.Fatal(err)
	}
	if err := b.LoadState(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	got := mustCall(t, b, "application.one", map[string]any{"applicationId": app["applicationId"]})
	if got["name"] != "web" || at(got, "environment", "environmentId") != envA {
		t.Errorf("application.one after LoadState: name %v, environment %v; want web in %v", got["name"], at(got, "environment", "environmentId"), envA)
	}
	raw, err := b.Call("project.all", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"name":"a"`)) || bytes.Contains(raw, []byte(`"name":"b"`)) {
		t.Errorf("project.all after LoadState lists the projects before it: %s", raw)
	}
	var again bytes.Buffer
	if err := b.SaveState(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), snap.Bytes()) {
		t.Error("the state saved after LoadState and reads differs from the snapshot loaded")
	}
}

// mustCall calls proc and decodes its object answer.
func mustCall(t *testing.T, s *Server, proc string, in any) map[string]any {
	t.Helper()
	raw, err := s.Call(proc, in)
	if err != nil {
		t.Fatalf("%s: %v", proc, err)
	}
	var out map[string]any
	if err := decodeInto(raw, &out); err != nil {
		t.Fatalf("%s: %v", proc, err)
	}
	return out
}
