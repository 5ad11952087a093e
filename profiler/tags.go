package profiler

import (
	"maps"
	"net/url"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/env"
)

// The source code tags Datadog links profiles to a repository with.
const (
	tagRepositoryURL = "git.repository_url"
	tagCommitSHA     = "git.commit.sha"
	tagGoPath        = "go_path"
)

// envTags returns DD_TAGS and the source code metadata as tags, sorted by
// key (dd-trace-go's order is a map's).
func envTags() []string {
	m := env.ParseTags(env.String("DD_TAGS", ""))
	for k, v := range gitTags(m) {
		m[k] = v
	}
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if v := m[k]; v != "" {
			out = append(out, k+":"+v)
		} else {
			out = append(out, k)
		}
	}
	return out
}

// gitTags finds the repository URL, commit and module path as dd-trace-go
// does, unless DD_TRACE_GIT_METADATA_ENABLED is false: DD_GIT_* first, then
// the git.* tags of DD_TAGS (ddTags), then the binary's build information.
// It removes those keys from ddTags: only the values it chose remain.
func gitTags(ddTags map[string]string) map[string]string {
	fromTags := map[string]string{
		tagRepositoryURL: withoutCredentials(ddTags[tagRepositoryURL]),
		tagCommitSHA:     ddTags[tagCommitSHA],
		tagGoPath:        ddTags[tagGoPath],
	}
	for k := range fromTags {
		delete(ddTags, k)
	}
	out := map[string]string{}
	if on, _ := env.Bool("DD_TRACE_GIT_METADATA_ENABLED", true); !on {
		return out
	}
	add := func(m map[string]string) {
		for k, v := range m {
			if _, ok := out[k]; !ok && v != "" {
				out[k] = v
			}
		}
	}
	add(map[string]string{
		tagRepositoryURL: withoutCredentials(env.String("DD_GIT_REPOSITORY_URL", "")),
		tagCommitSHA:     env.String("DD_GIT_COMMIT_SHA", ""),
	})
	add(fromTags)
	if info, ok := debug.ReadBuildInfo(); ok {
		var vcs, rev string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs":
				vcs = s.Value
			case "vcs.revision":
				rev = s.Value
			}
		}
		if vcs == "git" {
			add(map[string]string{tagCommitSHA: rev, tagGoPath: info.Path})
		}
	}
	return out
}

// withoutCredentials removes the user information from a URL.
func withoutCredentials(raw string) string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// runtimeTags describe the profiler and the Go runtime.
func runtimeTags() []string {
	return []string{
		"profiler_version:" + agent.TracerVersion,
		"runtime_version:" + strings.TrimPrefix(runtime.Version(), "go"),
		"runtime_compiler:" + runtime.Compiler,
		"runtime_arch:" + runtime.GOARCH,
		"runtime_os:" + runtime.GOOS,
		"runtime-id:" + agent.RuntimeID(),
	}
}

// versionTags keeps a single version tag: "version:"+version when it is
// set, and otherwise the first version tag of tags.
func versionTags(tags []string, version string) []string {
	out := make([]string, 0, len(tags)+1)
	seen := false
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t), "version:") {
			if version != "" || seen {
				continue
			}
			seen = true
		}
		out = append(out, t)
	}
	if version != "" {
		out = append(out, "version:"+version)
	}
	return out
}

// pgoEnabled reports whether the binary was built with profile-guided
// optimization (the pgo tag).
func pgoEnabled() bool {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-pgo" {
				return s.Value != ""
			}
		}
	}
	return false
}
