package main

import (
	"runtime/debug"
	"strings"
)

// A release build sets these with -ldflags "-X main.version=v1.2.3
// -X main.commit=... -X main.date=..." (see .goreleaser.yaml).
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildVersion is the short version: the release tag, else the module
// version of a go install ...@vX.Y.Z, else "dev". It goes into the
// User-Agent and into saved plans.
func buildVersion() string {
	return shortVersion(version, buildInfo())
}

func buildInfo() *debug.BuildInfo {
	bi, _ := debug.ReadBuildInfo()
	return bi
}

func shortVersion(version string, bi *debug.BuildInfo) string {
	if version != "" {
		return version
	}
	if bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// versionText is what --version prints: the tag, commit and date of a
// release build; otherwise the module version (go install ...@vX.Y.Z) or
// dev, with the VCS revision, time and a dirty mark from the build info
// when the go command recorded them (a build inside a git checkout).
func versionText(version, commit, date string, bi *debug.BuildInfo) string {
	v := shortVersion(version, bi)
	var details []string
	if version != "" {
		if commit != "" {
			details = append(details, "commit "+commit)
		}
		if date != "" {
			details = append(details, "built "+date)
		}
	} else if bi != nil {
		var rev, at string
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if dirty {
				rev += "-dirty"
			}
			details = append(details, "commit "+rev)
		}
		if at != "" {
			details = append(details, at)
		}
	}
	if len(details) == 0 {
		return "dokploy-sync " + v
	}
	return "dokploy-sync " + v + " (" + strings.Join(details, ", ") + ")"
}
