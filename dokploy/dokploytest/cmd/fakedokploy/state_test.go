package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// stateFake is a fake whose mutations h observes, served over HTTP.
func stateFake(t testing.TB, h *handler) string {
	t.Helper()
	h.fake = dokploytest.New(dokploytest.Options{APIKey: "k", OnRequest: h.observe})
	srv := httptest.NewServer(h.fake)
	t.Cleanup(srv.Close)
	return srv.URL
}

func createProject(t testing.TB, url, name string) {
	t.Helper()
	post(t, url, "project.create", `{"name":"`+name+`"}`)
}

// post sends a REST mutation with the key k and fails unless it gets 200.
func post(t testing.TB, url, proc, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/api/"+proc, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", "k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // the status is what matters
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: status %d", proc, body, resp.StatusCode)
	}
}

// savedProjects loads the state file into a new fake and lists its
// projects' names.
func savedProjects(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fake := dokploytest.New(dokploytest.Options{})
	if err := fake.LoadState(f); err != nil {
		t.Fatal(err)
	}
	raw, err := fake.Call("project.all", nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func (h *handler) saveCount() int {
	h.saveMu.Lock()
	defer h.saveMu.Unlock()
	return h.saves
}

// A burst of mutations is saved in a few writes, not one per mutation, and
// all of it is in the file an interval later.
func TestStateSavesAtMostOncePerInterval(t *testing.T) {
	const interval = 100 * time.Millisecond
	h := &handler{stateFile: filepath.Join(t.TempDir(), "state.json"), interval: interval, log: io.Discard}
	url := stateFake(t, h)
	start := time.Now()
	for i := range 40 {
		createProject(t, url, fmt.Sprint("p", i))
	}
	elapsed := time.Since(start)
	if n, most := h.saveCount(), int(elapsed/interval)+1; n > most {
		t.Errorf("%d saves during %v of mutations, want at most %d (one per %v)", n, elapsed, most, interval)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(readFile(h.stateFile), `"name": "p39"`) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := savedProjects(t, h.stateFile); !strings.Contains(got, `"name":"p0"`) || !strings.Contains(got, `"name":"p39"`) {
		t.Errorf("the state saved after the burst lacks projects: %.300s", got)
	}
	if n := h.saveCount(); n == 0 || n >= 40 {
		t.Errorf("%d saves for 40 mutations", n)
	}
}

func readFile(name string) string {
	data, _ := os.ReadFile(name)
	return string(data)
}

// A save scheduled far ahead is not waited for: exiting saves the last
// mutations, and the file loads into a new fake.
func TestCloseSavesTheLastMutations(t *testing.T) {
	h := &handler{stateFile: filepath.Join(t.TempDir(), "state.json"), interval: time.Hour, log: io.Discard}
	url := stateFake(t, h)
	createProject(t, url, "first")
	createProject(t, url, "second")
	if _, err := os.Stat(h.stateFile); err == nil {
		t.Fatal("state saved at once, before the interval")
	}
	if err := h.close(); err != nil {
		t.Fatal(err)
	}
	if got := savedProjects(t, h.stateFile); !strings.Contains(got, `"name":"first"`) || !strings.Contains(got, `"name":"second"`) {
		t.Errorf("state saved at exit: %.300s", got)
	}
	h.mu.Lock()
	pending := h.timer != nil
	h.mu.Unlock()
	if pending {
		t.Error("a save is still scheduled after close")
	}
}

// Whenever it is read, even while saves follow each other, the state file
// is a whole snapshot.
func TestStateFileIsAlwaysWhole(t *testing.T) {
	h := &handler{stateFile: filepath.Join(t.TempDir(), "state.json"), interval: time.Millisecond, log: io.Discard}
	url := stateFake(t, h)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads int
	var bad error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			data, err := os.ReadFile(h.stateFile)
			if err != nil {
				continue // not written yet
			}
			reads++
			if err := dokploytest.New(dokploytest.Options{}).LoadState(bytes.NewReader(data)); err != nil && bad == nil {
				bad = err
			}
		}
	}()
	for i := range 60 {
		createProject(t, url, fmt.Sprint("p", i))
	}
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	if bad != nil {
		t.Errorf("a read of the state file did not load: %v", bad)
	}
	if reads == 0 || h.saveCount() < 2 {
		t.Errorf("%d reads of %d saves: the test saw nothing", reads, h.saveCount())
	}
	entries, _ := os.ReadDir(filepath.Dir(h.stateFile))
	if len(entries) != 1 {
		t.Errorf("files beside the state: %v, want the state file alone", entries)
	}
}
