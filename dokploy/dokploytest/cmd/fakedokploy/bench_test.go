package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkStateMutation is one mutation (application.update) over HTTP
// against a fake of n applications with -state: saved after every
// mutation (-state-interval 0) or at most once a second (the default).
// state-MB is the size of the state file.
//
//	go test -run XXX -bench StateMutation ./dokploy/dokploytest/cmd/fakedokploy/
func BenchmarkStateMutation(b *testing.B) {
	for _, interval := range []time.Duration{0, time.Second} {
		b.Run(fmt.Sprintf("interval=%v/2000", interval), func(b *testing.B) {
			h := &handler{stateFile: filepath.Join(b.TempDir(), "state.json"), interval: interval, log: io.Discard}
			url := stateFake(b, h)
			var env struct {
				Environment struct{ EnvironmentID string } `json:"environment"`
			}
			raw, err := h.fake.Call("project.create", map[string]any{"name": "big"})
			if err != nil || json.Unmarshal(raw, &env) != nil {
				b.Fatal(err)
			}
			var app struct{ ApplicationID string }
			for i := range 2000 {
				raw, err := h.fake.Call("application.create", map[string]any{"name": fmt.Sprint("app", i), "environmentId": env.Environment.EnvironmentID})
				if err != nil || json.Unmarshal(raw, &app) != nil {
					b.Fatal(err)
				}
			}
			i := 0
			for b.Loop() {
				i++
				post(b, url, "application.update", fmt.Sprintf(`{"applicationId":%q,"description":"d%d"}`, app.ApplicationID, i))
			}
			b.StopTimer()
			if err := h.close(); err != nil {
				b.Fatal(err)
			}
			if fi, err := os.Stat(h.stateFile); err == nil {
				b.ReportMetric(float64(fi.Size())/1e6, "state-MB")
			}
			b.ReportMetric(float64(h.saveCount())/float64(b.N), "saves/op")
		})
	}
}
