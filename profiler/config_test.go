package profiler

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStartErrors checks that what dd-trace-go rejects makes Start fail
// with a clear error, and that nothing runs then.
func TestStartErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		opts []Option
		want string
	}{
		{"upload timeout 0", nil, []Option{WithUploadTimeout(0)}, "invalid upload timeout, must be > 0: 0s"},
		{"negative upload timeout", nil, []Option{WithUploadTimeout(-time.Second)}, "invalid upload timeout, must be > 0: -1s"},
		{"period 0", nil, []Option{WithPeriod(0)}, "invalid period, must be > 0: 0s"},
		{"unknown type", nil, []Option{WithProfileTypes(CPUProfile, ProfileType(42))}, "unknown profile type: 42"},
		{"negative type", nil, []Option{WithProfileTypes(ProfileType(-1))}, "unknown profile type: -1"},
		{"bad upload timeout variable", map[string]string{"DD_PROFILING_UPLOAD_TIMEOUT": "soon"}, nil, "DD_PROFILING_UPLOAD_TIMEOUT: "},
		{"bad max goroutines", map[string]string{"DD_PROFILING_WAIT_PROFILE_MAX_GOROUTINES": "many"}, nil, "DD_PROFILING_WAIT_PROFILE_MAX_GOROUTINES"},
		{"agentless without key", map[string]string{"DD_PROFILING_AGENTLESS": "true"}, nil, errAgentless.Error()},
		{"agentless with a bad key", map[string]string{"DD_PROFILING_AGENTLESS": "true", "DD_API_KEY": "NOT-A-KEY"}, nil, errAgentless.Error()},
		{"lambda", map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "f"}, nil, errLambda.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			err := Start(append(tc.opts, WithAgentAddr("127.0.0.1:1"), WithLogStartup(false))...)
			defer Stop()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Start: %v, want %q", err, tc.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if active != nil {
				t.Error("a profiler runs after an error")
			}
		})
	}
}

// TestStartStop checks the package's Start and Stop: restart, code
// hotspots, DD_PROFILING_ENABLED.
func TestStartStop(t *testing.T) {
	cleanEnv(t)
	a := newAgent(t)
	running := func() *profiler {
		mu.Lock()
		defer mu.Unlock()
		return active
	}
	if err := Start(WithAgentAddr(a.addr()), nil, WithLogStartup(false)); err != nil { // a nil option, as dd-trace-go v1's WithAPIKey returns
		t.Fatal(err)
	}
	first := running()
	if first == nil || !hotspotsEnabled() {
		t.Fatalf("running %v, hotspots %v", first, hotspotsEnabled())
	}
	if err := Start(WithAgentAddr(a.addr()), WithProfileTypes(HeapProfile), WithLogStartup(false)); err != nil {
		t.Fatal(err)
	}
	if running() == first || hotspotsEnabled() {
		t.Errorf("restart without CPU profile: same profiler %v, hotspots %v", running() == first, hotspotsEnabled())
	}
	select {
	case <-first.done:
	default:
		t.Error("the first profiler still runs")
	}
	Stop()
	Stop()
	if running() != nil || hotspotsEnabled() {
		t.Errorf("after Stop: running %v, hotspots %v", running() != nil, hotspotsEnabled())
	}

	t.Setenv("DD_PROFILING_CODE_HOTSPOTS_COLLECTION_ENABLED", "false")
	if err := Start(WithAgentAddr(a.addr()), WithLogStartup(false)); err != nil || hotspotsEnabled() {
		t.Errorf("hotspots off: err %v, hotspots %v", err, hotspotsEnabled())
	}
	Stop()

	t.Setenv("DD_PROFILING_ENABLED", "false")
	if err := Start(WithAgentAddr(a.addr())); err != nil || running() != nil {
		t.Errorf("DD_PROFILING_ENABLED=false: err %v, running %v", err, running() != nil)
	}
}

// TestEnv checks the variables dd-trace-go reads, and that options
// override them.
func TestEnv(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DD_SERVICE", "envsvc")
	t.Setenv("DD_ENV", "staging")
	t.Setenv("DD_VERSION", "9")
	t.Setenv("DD_TAGS", "a:1 b version:8 git.commit.sha:fromtags")
	t.Setenv("DD_GIT_REPOSITORY_URL", "https://user:secret@example.com/repo.git")
	t.Setenv("DD_AGENT_HOST", "agent.local")
	t.Setenv("DD_PROFILING_ENABLED", "auto")
	c, err := newConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.service != "envsvc" || c.env != "staging" || c.version != "9" || !c.autoActivated {
		t.Errorf("service %q, env %q, version %q, auto %v", c.service, c.env, c.version, c.autoActivated)
	}
	if c.targetURL != "http://agent.local:8126/profiling/v1/input" {
		t.Errorf("target %q", c.targetURL)
	}
	wantTags := []string{"a:1", "b", "git.commit.sha:fromtags", "git.repository_url:https://example.com/repo.git", "version:9"}
	for _, w := range wantTags {
		if !slices.Contains(c.tags, w) {
			t.Errorf("no tag %q in %q", w, c.tags)
		}
	}
	if slices.Contains(c.tags, "version:8") {
		t.Errorf("DD_TAGS's version kept beside DD_VERSION: %q", c.tags)
	}

	c, err = newConfig(WithService("opt"), WithEnv("e"), WithVersion("v"), WithAgentAddr("h:1"))
	if err != nil {
		t.Fatal(err)
	}
	if c.service != "opt" || c.env != "e" || c.version != "v" || c.targetURL != "http://h:1/profiling/v1/input" {
		t.Errorf("options: service %q, env %q, version %q, target %q", c.service, c.env, c.version, c.targetURL)
	}

	for _, tc := range []struct{ url, port, want string }{
		{"http://10.0.0.1:7777", "", "http://10.0.0.1:7777/profiling/v1/input"},
		{"https://agent/", "", "https://agent/profiling/v1/input"},
		{"unix:///var/run/x.sock", "", "http://UDS__var_run_x.sock/profiling/v1/input"},
		{"ftp://nope", "9999", "http://agent.local:9999/profiling/v1/input"}, // ignored, said at Start
	} {
		t.Setenv("DD_TRACE_AGENT_URL", tc.url)
		t.Setenv("DD_TRACE_AGENT_PORT", tc.port)
		if c, err := newConfig(); err != nil || c.targetURL != tc.want {
			t.Errorf("DD_TRACE_AGENT_URL=%s: %q, %v; want %q", tc.url, c.targetURL, err, tc.want)
		}
	}
}

// TestAgentless checks DD_PROFILING_AGENTLESS: the intake of DD_SITE (or
// WithURL), with the key.
func TestAgentless(t *testing.T) {
	cleanEnv(t)
	key := strings.Repeat("ab12", 8)
	t.Setenv("DD_PROFILING_AGENTLESS", "true")
	t.Setenv("DD_API_KEY", key)
	t.Setenv("DD_SITE", "datadoghq.eu")
	c, err := newConfig(WithAPIKey("ignored"), WithAgentlessUpload())
	if err != nil {
		t.Fatal(err)
	}
	if c.targetURL != "https://intake.profile.datadoghq.eu/v1/input" || c.apiKey != key {
		t.Errorf("target %q, key %q", c.targetURL, c.apiKey)
	}
	a := newAgent(t)
	_, clk, _ := testProfiler(t, WithURL(a.URL+"/api/v2/profile"), WithSite("ignored.example"), WithURL(a.URL+"/v1/input"), WithProfileTypes())
	clk.step(t)
	u := a.next(t)
	if u.path != "/v1/input" || u.header.Get("DD-API-KEY") != key {
		t.Errorf("path %q, DD-API-KEY %q", u.path, u.header.Get("DD-API-KEY"))
	}
	if s := u.event["info"].(map[string]any)["profiler"].(map[string]any)["settings"].(map[string]any); s["agentless"] != true {
		t.Errorf("settings.agentless %v", s["agentless"])
	}
}

// TestOptions checks the options that change the configuration only.
func TestOptions(t *testing.T) {
	cleanEnv(t)
	client := &http.Client{}
	labels := make([]string, 12)
	for i := range labels {
		labels[i] = string(rune('a' + i))
	}
	c, err := newConfig(
		WithProfileTypes(GoroutineProfile), MutexProfileFraction(5), BlockProfileRate(7),
		CPUProfileRate(200), CPUDuration(2*time.Hour), WithHTTPClient(client),
		WithCustomProfilerLabelKeys(labels...), WithHostname("h"), WithLogStartup(false),
		WithStatsd(&statsd{}), WithTags("version:1", "version:2", "x"), WithDeltaProfiles(false),
	)
	if err != nil {
		t.Fatal(err)
	}
	want := map[ProfileType]bool{GoroutineProfile: true, MetricsProfile: true, MutexProfile: true, BlockProfile: true}
	if diff := cmp.Diff(want, c.types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	if c.mutexFraction != 5 || c.blockRate != 7 || c.cpuProfileRate != 200 || c.cpuDuration != DefaultPeriod {
		t.Errorf("mutex %d, block %d, rate %d, cpu duration %v", c.mutexFraction, c.blockRate, c.cpuProfileRate, c.cpuDuration)
	}
	if c.httpClient != client || len(c.customLabels) != 10 || c.hostname != "h" || c.logStartup || c.deltaProfiles {
		t.Errorf("client %v, labels %q, hostname %q, log %v, delta %v", c.httpClient == client, c.customLabels, c.hostname, c.logStartup, c.deltaProfiles)
	}
	if slices.Contains(c.tags, "version:2") || !slices.Contains(c.tags, "version:1") || !slices.Contains(c.tags, "x") {
		t.Errorf("tags %q: want the first version tag only", c.tags)
	}
	if c, _ := newConfig(CPUDuration(-time.Second)); c.cpuDuration != 0 {
		t.Errorf("negative CPU duration: %v", c.cpuDuration)
	}
}

// TestProfileType checks the names of the profile types.
func TestProfileType(t *testing.T) {
	for _, tc := range []struct {
		t                ProfileType
		name, file, text string
	}{
		{CPUProfile, "cpu", "cpu.pprof", "cpu"},
		{HeapProfile, "heap", "heap.pprof", "heap"},
		{BlockProfile, "block", "block.pprof", "block"},
		{MutexProfile, "mutex", "mutex.pprof", "mutex"},
		{GoroutineProfile, "goroutine", "goroutines.pprof", "goroutine"},
		{MetricsProfile, "metrics", "metrics.json", ""},
		{ProfileType(99), "unknown", "unknown", ""},
	} {
		if tc.t.String() != tc.name || tc.t.Filename() != tc.file || tc.t.Tag() != "profile_type:"+tc.name {
			t.Errorf("%d: %q, %q, %q", tc.t, tc.t.String(), tc.t.Filename(), tc.t.Tag())
		}
		if tc.text == "" {
			continue
		}
		var got ProfileType
		if err := got.UnmarshalText([]byte(tc.text)); err != nil || got != tc.t {
			t.Errorf("UnmarshalText(%q) = %d, %v", tc.text, got, err)
		}
	}
	var pt ProfileType
	if err := pt.UnmarshalText([]byte("metrics")); err == nil || err.Error() != "unknown profile type: metrics" {
		t.Errorf("UnmarshalText(metrics): %v", err)
	}
}
