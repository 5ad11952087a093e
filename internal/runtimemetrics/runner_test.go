package runtimemetrics

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace/internal/dogstatsd"
	"github.com/ctxtrace/trace/internal/dogstatsd/dsdtest"
	"github.com/google/go-cmp/cmp"
)

// ddMemStats are the names dd-trace-go v1.74.8 sends with
// WithRuntimeMetrics, as read off its wire.
var ddMemStats = strings.Fields(`
runtime.go.num_cpu runtime.go.num_goroutine runtime.go.num_cgo_call
runtime.go.mem_stats.alloc runtime.go.mem_stats.total_alloc runtime.go.mem_stats.sys
runtime.go.mem_stats.lookups runtime.go.mem_stats.mallocs runtime.go.mem_stats.frees
runtime.go.mem_stats.heap_alloc runtime.go.mem_stats.heap_sys runtime.go.mem_stats.heap_idle
runtime.go.mem_stats.heap_inuse runtime.go.mem_stats.heap_released runtime.go.mem_stats.heap_objects
runtime.go.mem_stats.stack_inuse runtime.go.mem_stats.stack_sys
runtime.go.mem_stats.m_span_inuse runtime.go.mem_stats.m_span_sys
runtime.go.mem_stats.m_cache_inuse runtime.go.mem_stats.m_cache_sys
runtime.go.mem_stats.buck_hash_sys runtime.go.mem_stats.gc_sys runtime.go.mem_stats.other_sys
runtime.go.mem_stats.next_gc runtime.go.mem_stats.last_gc runtime.go.mem_stats.pause_total_ns
runtime.go.mem_stats.num_gc runtime.go.mem_stats.num_forced_gc runtime.go.mem_stats.gc_cpu_fraction
runtime.go.gc_stats.pause_quantiles.min runtime.go.gc_stats.pause_quantiles.25p
runtime.go.gc_stats.pause_quantiles.50p runtime.go.gc_stats.pause_quantiles.75p
runtime.go.gc_stats.pause_quantiles.max`)

// ddV2Gauges are runtime.go.metrics.* gauges dd-trace-go sends every round
// (they are not totals, which are left out when unchanged), read off its
// wire.
var ddV2Gauges = strings.Fields(`
runtime.go.metrics.enabled runtime.go.metrics.gc_gogc.percent runtime.go.metrics.gc_gomemlimit.bytes
runtime.go.metrics.gc_heap_goal.bytes runtime.go.metrics.gc_heap_live.bytes
runtime.go.metrics.gc_heap_objects.objects runtime.go.metrics.gc_scan_total.bytes
runtime.go.metrics.gc_stack_starting_size.bytes runtime.go.metrics.memory_classes_heap_objects.bytes
runtime.go.metrics.memory_classes_metadata_mspan_inuse.bytes runtime.go.metrics.memory_classes_total.bytes
runtime.go.metrics.sched_gomaxprocs.threads runtime.go.metrics.sched_goroutines.goroutines`)

// ddV2AfterGC are sent by a round that follows a forced collection and
// allocations: totals that changed, and a histogram as a distribution
// and its six gauges.
var ddV2AfterGC = map[string]string{
	"runtime.go.metrics.gc_cycles_forced.gc_cycles":          "g",
	"runtime.go.metrics.gc_heap_allocs.bytes":                "g",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes":        "d",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes.avg":    "g",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes.min":    "g",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes.max":    "g",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes.median": "g",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes.p95":    "g",
	"runtime.go.metrics.gc_heap_allocs_by_size.bytes.p99":    "g",
}

var testIdentity = Identity{
	Service: "svc", Env: "prod", RuntimeID: "4b0a7f7e-0000-4000-8000-000000000001",
	TracerVersion: "v9.9.9", GlobalTags: map[string]any{"team": "core", "n": 1},
}

func clearEnvTags(t *testing.T) {
	for _, k := range []string{"DD_ENTITY_ID", "DD_ENV", "DD_SERVICE", "DD_VERSION"} {
		t.Setenv(k, "")
	}
}

// oneRound starts a Runner sending to addr, forces a collection and
// allocates (so that totals and a histogram change), ticks once at tick,
// stops, and returns what arrived.
func oneRound(t *testing.T, srv *dsdtest.Server, tick time.Time) []dsdtest.Message {
	t.Helper()
	client, err := dogstatsd.New(dogstatsd.WithAddress(srv.Addr()), dogstatsd.WithTags(testIdentity.Tags()...))
	if err != nil {
		t.Fatal(err)
	}
	ticks := make(chan time.Time)
	r := New(client, WithTicks(ticks))
	r.Start()
	churn()
	ticks <- tick
	r.Stop()
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	if s := client.Stats(); s.DroppedPackets != 0 || s.DroppedMetrics != 0 {
		t.Fatalf("client dropped: %+v", s)
	}
	msgs, err := srv.Drain(time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

var sink [][]byte

// churn allocates objects of several sizes and forces a collection.
func churn() {
	for i := range 1000 {
		sink = append(sink, make([]byte, 8<<(i%10)))
	}
	sink = nil
	runtime.GC()
}

func checkRound(t *testing.T, msgs []dsdtest.Message, tick time.Time) {
	t.Helper()
	idTags := []string{"lang:go", "lang_version:" + runtime.Version(), "env:prod",
		"runtime-id:" + testIdentity.RuntimeID, "team:core", "tracer_version:v9.9.9", "service:svc"}
	goKeys := []string{"goversion", "gogc", "gomemlimit", "gomaxprocs"}
	ts := strconv.FormatInt(tick.Unix(), 10)
	types := map[string]string{}
	for _, m := range msgs {
		if prev, ok := types[m.Name]; ok && prev != m.Type {
			t.Errorf("%s sent as %s and %s", m.Name, prev, m.Type)
		}
		types[m.Name] = m.Type
		if !strings.HasPrefix(m.Name, v2Prefix) {
			if diff := cmp.Diff(idTags, m.Tags); diff != "" || m.Type != "g" || m.Timestamp != "" || m.Rate != "" {
				t.Errorf("%s: type %s, timestamp %q, rate %q; tags (-want +got):\n%s", m.Name, m.Type, m.Timestamp, m.Rate, diff)
			}
			continue
		}
		if diff := cmp.Diff(idTags, m.Tags[:min(len(idTags), len(m.Tags))]); diff != "" {
			t.Errorf("%s: client tags (-want +got):\n%s", m.Name, diff)
		}
		if got := m.TagKeys()[min(len(idTags), len(m.Tags)):]; !cmp.Equal(got, goKeys) {
			t.Errorf("%s: Go tags %q, want %q", m.Name, got, goKeys)
		}
		if wantTS := m.Type != "d"; wantTS != (m.Timestamp == ts) {
			t.Errorf("%s (%s): timestamp %q", m.Name, m.Type, m.Timestamp)
		}
	}
	for _, name := range append(ddMemStats, ddV2Gauges...) {
		if types[name] != "g" {
			t.Errorf("%s: sent as %q, want a gauge", name, types[name])
		}
	}
	for name, typ := range ddV2AfterGC {
		if types[name] != typ {
			t.Errorf("%s: sent as %q, want %q", name, types[name], typ)
		}
	}
	for _, m := range msgs {
		if m.Name == enabledMetric {
			if v, _ := m.Tag("gomaxprocs"); v != strconv.Itoa(runtime.GOMAXPROCS(0)) {
				t.Errorf("gomaxprocs tag %q", v)
			}
		}
	}
}

func TestRoundOverUDP(t *testing.T) {
	clearEnvTags(t)
	srv := dsdtest.ListenUDP(t)
	tick := time.Unix(1800000000, 0)
	checkRound(t, oneRound(t, srv, tick), tick)
}

func TestRoundOverUnixgram(t *testing.T) {
	clearEnvTags(t)
	dir, err := os.MkdirTemp("", "rtm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv := dsdtest.ListenUnixgram(t, filepath.Join(dir, "dsd.sock"))
	tick := time.Unix(1800000000, 0)
	checkRound(t, oneRound(t, srv, tick), tick)
}

// Metrics to nowhere: rounds still run (each tick is taken, so the
// goroutine is not stuck on a write) and Stop returns.
func TestUnreachableNeverBlocks(t *testing.T) {
	clearEnvTags(t)
	dir, err := os.MkdirTemp("", "rtm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	full := filepath.Join(dir, "full.sock")
	dsdtest.ListenUnixgram(t, full) // never read: its queue fills
	for _, addr := range []string{"unix://" + filepath.Join(dir, "absent.sock"), "unix://" + full, "127.0.0.1:1"} {
		client, err := dogstatsd.New(dogstatsd.WithAddress(addr))
		if err != nil {
			t.Fatal(err)
		}
		ticks := make(chan time.Time)
		r := New(client, WithTicks(ticks))
		r.Start()
		for range 20 {
			ticks <- time.Now()
		}
		r.Stop()
		client.Close()
		s := client.Stats()
		if s.Packets+s.DroppedPackets == 0 {
			t.Errorf("%s: nothing was attempted: %+v", addr, s)
		}
		if addr != "127.0.0.1:1" && s.DroppedPackets == 0 {
			t.Errorf("%s: nothing was dropped: %+v", addr, s)
		}
	}
}

func TestStartStop(t *testing.T) {
	client, err := dogstatsd.New(dogstatsd.WithAddress("unix:///nonexistent/dsd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	New(client).Stop() // never started
	r := New(client, WithMemStats(false), WithV2(false), WithLogger(nil))
	r.Start()
	r.Start()
	r.Stop()
	r.Stop()
	r.Start() // after Stop: nothing
	r.Stop()
	// The real ticker: started and stopped without a tick.
	r = New(client)
	r.Start()
	r.Stop()
}
