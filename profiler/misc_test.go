package profiler

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace/internal/ddlog"
	"github.com/ctxtrace/trace/internal/hotspots"
)

func hotspotsEnabled() bool { return hotspots.Enabled() }

// statsd records the metrics it is sent.
type statsd struct {
	mu     sync.Mutex
	counts map[string]int64
	timed  map[string]int
}

func (s *statsd) Count(event string, n int64, _ []string, _ float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[string]int64{}
	}
	s.counts[event] += n
	return nil
}

func (s *statsd) Timing(event string, _ time.Duration, _ []string, _ float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timed == nil {
		s.timed = map[string]int{}
	}
	s.timed[event]++
	return nil
}

// TestStatsd checks the metrics WithStatsd's client receives.
func TestStatsd(t *testing.T) {
	cleanEnv(t)
	a := newAgent(t)
	s := &statsd{}
	_, clk, _ := testProfiler(t, WithAgentAddr(a.addr()), WithStatsd(s))
	clk.step(t)
	a.next(t)
	clk.Next(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts["datadog.profiling.go.upload_success"] != 1 || s.counts["datadog.profiling.go.uploaded_profile_bytes"] <= 0 {
		t.Errorf("counts %v", s.counts)
	}
	if s.timed["datadog.profiling.go.collect_time"] != 2 || s.timed["datadog.profiling.go.delta_time"] != 1 {
		t.Errorf("timings %v", s.timed)
	}
}

// TestUDS checks WithUDS: uploads through a Unix domain socket.
func TestUDS(t *testing.T) {
	cleanEnv(t)
	sock := filepath.Join(t.TempDir(), "apm.socket")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	a := newAgent(t)
	srv := &http.Server{Handler: a.Config.Handler}
	go srv.Serve(ln)
	defer srv.Close()
	_, clk, _ := testProfiler(t, WithUDS(sock), WithProfileTypes())
	clk.step(t)
	if u := a.next(t); u.path != "/profiling/v1/input" {
		t.Errorf("path %q", u.path)
	}
}

// TestCPUProfileBusy checks that when the program runs a CPU profile of
// its own, the upload goes without cpu.pprof, and the trouble is said.
func TestCPUProfileBusy(t *testing.T) {
	cleanEnv(t)
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		t.Skipf("cannot profile here: %v", err)
	}
	defer pprof.StopCPUProfile()
	a := newAgent(t)
	p, clk, l := testProfiler(t, WithAgentAddr(a.addr()))
	clk.step(t)
	if names := a.next(t).partNames(); slices.Contains(names, "cpu.pprof") || !slices.Contains(names, "delta-heap.pprof") {
		t.Errorf("parts %q", names)
	}
	clk.Next(t)
	// Two periods have begun, each trying to start a CPU profile, a
	// period apart: two errors, each said.
	if p.counts.collectErrors.Load() != 2 || l.count("WARN profiler: could not collect") != 2 {
		t.Errorf("collect errors %d, log %q", p.counts.collectErrors.Load(), l.lines)
	}
}

// TestLogs checks the start-up log, the malformed settings said at Start,
// and that ddtrace.UseLogger's logger receives them.
func TestLogs(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DD_PROFILING_DELTA", "maybe")
	var got lines
	ddlog.Use(&got)
	defer ddlog.Use(nil)
	a := newAgent(t)
	if err := Start(WithAgentAddr(a.addr()), WithService("logged")); err != nil {
		t.Fatal(err)
	}
	Stop()
	got.mu.Lock()
	defer got.mu.Unlock()
	var config map[string]any
	for _, l := range got.l {
		if s, ok := strings.CutPrefix(l, "INFO: Profiler configuration: "); ok {
			if err := json.Unmarshal([]byte(s), &config); err != nil {
				t.Errorf("configuration: %v", err)
			}
		}
	}
	if config["service"] != "logged" || config["delta_profiles"] != true || config["target_url"] != "http://"+a.addr()+"/profiling/v1/input" {
		t.Errorf("configuration %v", config)
	}
	if !slices.ContainsFunc(got.l, func(s string) bool { return strings.Contains(s, "DD_PROFILING_DELTA") }) {
		t.Errorf("the malformed DD_PROFILING_DELTA is not said: %q", got.l)
	}
}

type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) Log(msg string) {
	l.mu.Lock()
	l.l = append(l.l, msg)
	l.mu.Unlock()
}

// TestMetrics checks metrics.json's content and its refusal of a period
// that is not positive.
func TestMetrics(t *testing.T) {
	var m memMetrics
	now := time.Now()
	m.reset(now)
	if _, err := m.report(now); err == nil {
		t.Error("no error for an empty period")
	}
	data, err := m.report(now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var points [][2]any
	if err := json.Unmarshal(data, &points); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range points {
		names = append(names, p[0].(string))
		if _, ok := p[1].(float64); !ok {
			t.Errorf("%v: not a number", p)
		}
	}
	want := []string{"go_alloc_bytes_per_sec", "go_allocs_per_sec", "go_frees_per_sec", "go_heap_growth_bytes_per_sec",
		"go_gcs_per_sec", "go_gc_pause_time", "go_max_gc_pause_time", "go_num_goroutine"}
	if !slices.Equal(names, want) {
		t.Errorf("metrics %q, want %q", names, want)
	}
}
