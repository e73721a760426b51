package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as the command that fakedokploy runs: with
// FAKEDOKPLOY_CHILD set, it creates a project through DOKPLOY_URL and exits
// with code 3. With FAKEDOKPLOY_PROBE set, it sends the requests of a script
// (see probe).
func TestMain(m *testing.M) {
	if name := os.Getenv("FAKEDOKPLOY_CHILD"); name != "" {
		os.Exit(child(name))
	}
	if script := os.Getenv("FAKEDOKPLOY_PROBE"); script != "" {
		os.Exit(probe(script))
	}
	os.Exit(m.Run())
}

func child(name string) int {
	body := strings.NewReader(`{"name":"` + name + `"}`)
	req, _ := http.NewRequest("POST", os.Getenv("DOKPLOY_URL")+"/api/project.create", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", os.Getenv("DOKPLOY_API_KEY"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		fmt.Fprintln(os.Stderr, "status", resp.StatusCode)
		return 1
	}
	return 3
}

func TestCommandModeKeepsState(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	var stderr bytes.Buffer
	for _, name := range []string{"first", "second"} {
		t.Setenv("FAKEDOKPLOY_CHILD", name)
		code := run(context.Background(), []string{"-state", state, "--", os.Args[0]}, nil, io.Discard, &stderr)
		if code != 3 {
			t.Fatalf("exit code %d, want the command's 3; stderr:\n%s", code, stderr.String())
		}
	}
	if !strings.Contains(stderr.String(), "fake Dokploy v0.30.2 listening on http://127.0.0.1:") {
		t.Errorf("no listening line in stderr:\n%s", stderr.String())
	}
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var snap struct {
		Tables map[string][]map[string]any `json:"tables"`
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range snap.Tables["project"] {
		names = append(names, p["name"].(string))
	}
	if strings.Join(names, ",") != "first,second" {
		t.Errorf("projects in state %v, want first and second (the second run saw the first)", names)
	}
}

// -role sets the key's role: a member key's project.create is checked and
// recorded as Dokploy does, and the role is saved with the state.
func TestRoleFlag(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	var stderr bytes.Buffer
	t.Setenv("FAKEDOKPLOY_CHILD", "shop")
	if code := run(context.Background(), []string{"-role", "member", "-state", state, "--", os.Args[0]}, nil, io.Discard, &stderr); code != 3 {
		t.Fatalf("exit code %d, want the command's 3; stderr:\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var snap struct {
		Member map[string]any `json:"member"`
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	if snap.Member["role"] != "member" {
		t.Errorf("saved role %v, want member", snap.Member["role"])
	}
	if projects, _ := snap.Member["accessedProjects"].([]any); len(projects) != 1 {
		t.Errorf("member's accessedProjects %v, want the one project created", snap.Member["accessedProjects"])
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeModeLogsAndSaves(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-api-key", "key-abc123", "-state", state, "-state-interval", "20ms", "-v"}, nil, io.Discard, stderr)
	}()

	var url string
	deadline := time.Now().Add(5 * time.Second)
	for url == "" && time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(stderr.String()))
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), " listening on "); ok {
				url = u
			}
		}
		time.Sleep(time.Millisecond)
	}
	if url == "" {
		cancel()
		t.Fatalf("server did not start; stderr:\n%s", stderr.String())
	}

	req, _ := http.NewRequest("POST", url+"/api/project.create", strings.NewReader(`{"name":"p","env":"SECRET=hunter2"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", "key-abc123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// Saved after the mutation, before shutdown: within the interval.
	var data []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if data, err = os.ReadFile(state); err == nil && strings.Contains(string(data), `"name": "p"`) {
			break
		}
	}
	if err != nil || !strings.Contains(string(data), `"name": "p"`) {
		t.Errorf("state not saved after the mutation: %v %s", err, data)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d", code)
	}
	log := stderr.String()
	if !strings.Contains(log, "POST /api/project.create 200") {
		t.Errorf("request not logged:\n%s", log)
	}
	if strings.Contains(log, "hunter2") || strings.Contains(log, "key-abc123") {
		t.Errorf("log leaks a body or the key:\n%s", log)
	}
}
