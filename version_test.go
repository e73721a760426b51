package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionText(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, c := range []struct {
		name, version, commit, date string
		bi                          *debug.BuildInfo
		want                        string
	}{
		{"release", "v1.2.3", "abc1234", "2026-12-01T10:00:00Z", vcs, "dokploy-sync v1.2.3 (commit abc1234, built 2026-12-01T10:00:00Z)"},
		{"release without details", "v1.2.3", "", "", nil, "dokploy-sync v1.2.3"},
		{"checkout", "", "", "", vcs, "dokploy-sync dev (commit 0123456789ab-dirty, 2026-12-01T10:00:00Z)"},
		{"go install @version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "dokploy-sync v1.2.3"},
		{"no build info", "", "", "", nil, "dokploy-sync dev"},
	} {
		if got := versionText(c.version, c.commit, c.date, c.bi); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
