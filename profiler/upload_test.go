package profiler

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestUploadFormat checks one period's upload against what dd-trace-go
// sends: parts, file names, content types, event fields, tags, headers.
func TestUploadFormat(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DD_TAGS", "team:a,solo")
	a := newAgent(t)
	_, clk, _ := testProfiler(t, WithAgentAddr(a.addr()),
		WithService("svc"), WithEnv("prod"), WithVersion("1.2.3"), WithHostname("box"),
		WithTags("version:ignored", "k:v"), WithCustomProfilerLabelKeys("user"),
		WithProfileTypes(CPUProfile, HeapProfile, BlockProfile, MutexProfile, GoroutineProfile),
		WithPeriod(time.Minute), CPUDuration(20*time.Second))

	start := clk.Now()
	if cpuAt := clk.step(t); !cpuAt.Equal(start.Add(40 * time.Second)) {
		t.Errorf("the CPU profile starts at %v, want the period's last 20s", cpuAt.Sub(start))
	}
	if end := clk.step(t); !end.Equal(start.Add(time.Minute)) {
		t.Errorf("the period ends at %v, want 1m", end.Sub(start))
	}
	u := a.next(t)

	wantParts := []string{"cpu.pprof", "delta-heap.pprof", "delta-block.pprof", "delta-mutex.pprof", "goroutines.pprof", "metrics.json", "event"}
	checkParts(t, u, wantParts)
	checkEvent(t, u.event, wantParts[:6], start)
	checkTags(t, u)

	clk.step(t) // the CPU profile starts
	clk.step(t) // the period ends
	if seq, _ := a.next(t).tag("profile_seq"); seq != "1" {
		t.Errorf("second upload: profile_seq %s", seq)
	}
}

// checkParts checks the upload's path, Content-Type and parts.
func checkParts(t *testing.T, u upload, wantParts []string) {
	t.Helper()
	if u.path != "/profiling/v1/input" {
		t.Errorf("path %q", u.path)
	}
	if ct := u.header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/form-data; boundary=") {
		t.Errorf("Content-Type %q", ct)
	}
	if diff := cmp.Diff(wantParts, u.partNames()); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	for _, p := range u.parts {
		wantFile, wantType := p.form, "application/octet-stream"
		if p.form == "event" {
			wantFile, wantType = "event.json", "application/json"
		}
		if p.file != wantFile || p.contentType != wantType {
			t.Errorf("part %s: file %q, type %q; want %q, %q", p.form, p.file, p.contentType, wantFile, wantType)
		}
		if strings.HasSuffix(p.form, ".pprof") {
			if _, err := gunzip(p.data); err != nil {
				t.Errorf("%s is not gzipped: %v", p.form, err)
			}
		}
	}
	var metrics [][2]any
	if m, _ := u.part("metrics.json"); json.Unmarshal(m.data, &metrics) != nil || len(metrics) == 0 || metrics[0][0] != "go_alloc_bytes_per_sec" {
		t.Errorf("metrics.json: %s", m.data)
	}

}

// checkEvent checks event.json's fields.
func checkEvent(t *testing.T, ev map[string]any, attachments []string, start time.Time) {
	t.Helper()
	var keys []string
	for k := range ev {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if diff := cmp.Diff([]string{"attachments", "custom_attributes", "end", "family", "info", "start", "tags_profiler", "version"}, keys); diff != "" {
		t.Errorf("event fields (-want +got):\n%s", diff)
	}
	if ev["family"] != "go" || ev["version"] != "4" {
		t.Errorf("family %v, version %v", ev["family"], ev["version"])
	}
	if diff := cmp.Diff(attachments, toStrings(ev["attachments"])); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"user"}, toStrings(ev["custom_attributes"])); diff != "" {
		t.Errorf("custom_attributes (-want +got):\n%s", diff)
	}
	if ev["start"] != start.Format(time.RFC3339Nano) || ev["end"] != start.Add(time.Minute).Format(time.RFC3339Nano) {
		t.Errorf("start %v, end %v", ev["start"], ev["end"])
	}
	info := ev["info"].(map[string]any)["profiler"].(map[string]any)
	if info["activation"] != "manual" || info["ssi"].(map[string]any)["mechanism"] != "none" {
		t.Errorf("info.profiler %v", info)
	}
	if s := info["settings"].(map[string]any); s["profile_period"] != "1m0s" || s["cpu_duration"] != "20s" || s["block_profile_enabled"] != true {
		t.Errorf("settings %v", s)
	}

}

// checkTags checks tags_profiler: dd-trace-go's keys in dd-trace-go's order.
func checkTags(t *testing.T, u upload) {
	t.Helper()
	wantTags := []string{
		fmt.Sprintf("process_id:%d", os.Getpid()), "solo", "team:a",
		"profiler_version:", "runtime_version:", "runtime_compiler:", "runtime_arch:", "runtime_os:", "runtime-id:",
		"k:v", "version:1.2.3", "service:svc", "profile_seq:0", "runtime:go",
		"_dd.profiler.go_execution_trace_enabled:false", "pgo:false", "env:prod", "host:box",
	}
	tags := u.tags()
	if len(tags) != len(wantTags) {
		t.Fatalf("tags %q, want %q", tags, wantTags)
	}
	for i, w := range wantTags {
		if !strings.HasPrefix(tags[i], w) || (strings.HasSuffix(w, ":") && len(tags[i]) == len(w)) {
			t.Errorf("tag %d: %q, want %q", i, tags[i], w)
		}
	}

}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// TestDefaults checks what a profiler sends when given only an address:
// dd-trace-go's default profiles, a CPU profile over the whole period.
func TestDefaults(t *testing.T) {
	cleanEnv(t)
	a := newAgent(t)
	p, clk, _ := testProfiler(t, WithAgentAddr(a.addr()))
	start := clk.Now()
	if end := clk.step(t); !end.Equal(start.Add(DefaultPeriod)) {
		t.Errorf("first deadline after %v, want the period (the CPU profile starts at once)", end.Sub(start))
	}
	u := a.next(t)
	if diff := cmp.Diff([]string{"cpu.pprof", "delta-heap.pprof", "metrics.json", "event"}, u.partNames()); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	if _, ok := u.tag("env"); ok {
		t.Error("an env tag without an env")
	}
	if svc, _ := u.tag("service"); svc != p.cfg.service || svc == "" {
		t.Errorf("service %q", svc)
	}
}

// TestExecutionTrace checks go.trace: in the first period, with its tags,
// and stopped early at its size limit.
func TestExecutionTrace(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DD_PROFILING_EXECUTION_TRACE_ENABLED", "true")
	t.Setenv("DD_PROFILING_EXECUTION_TRACE_PERIOD", "100000h") // later periods: (almost) never
	t.Setenv("DD_PROFILING_EXECUTION_TRACE_LIMIT_BYTES", "1")
	a := newAgent(t)
	_, clk, l := testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes())
	clk.step(t)
	u := a.next(t)
	if diff := cmp.Diff([]string{"metrics.json", "go.trace", "event"}, u.partNames()); diff != "" {
		t.Errorf("parts (-want +got):\n%s (log %q)", diff, l.lines)
	}
	if tr, _ := u.part("go.trace"); !bytes.HasPrefix(tr.data, []byte("go 1.")) {
		t.Errorf("go.trace starts with %q", tr.data[:min(len(tr.data), 16)])
	}
	if v, _ := u.tag("go_execution_traced"); v != "yes" {
		t.Error("no go_execution_traced:yes tag")
	}
	if v, _ := u.tag("_dd.profiler.go_execution_trace_enabled"); v != "true" {
		t.Errorf("_dd.profiler.go_execution_trace_enabled:%s", v)
	}
	clk.step(t)
	if u := a.next(t); slices.Contains(u.partNames(), "go.trace") {
		t.Error("the second period is traced too")
	}
}

// TestNoDelta checks DD_PROFILING_DELTA=false: the cumulative profiles,
// under their own names.
func TestNoDelta(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DD_PROFILING_DELTA", "false")
	a := newAgent(t)
	_, clk, _ := testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes(HeapProfile, MutexProfile))
	clk.step(t)
	if diff := cmp.Diff([]string{"heap.pprof", "mutex.pprof", "metrics.json", "event"}, a.next(t).partNames()); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	_, clk, _ = testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes(HeapProfile), WithDeltaProfiles(true))
	clk.step(t)
	if diff := cmp.Diff([]string{"delta-heap.pprof", "metrics.json", "event"}, a.next(t).partNames()); diff != "" {
		t.Errorf("WithDeltaProfiles(true) over DD_PROFILING_DELTA=false: parts (-want +got):\n%s", diff)
	}
}
