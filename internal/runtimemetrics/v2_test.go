package runtimemetrics

import (
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/ctxtrace/trace/internal/dogstatsd"
	"github.com/ctxtrace/trace/internal/dogstatsd/dsdtest"
)

func TestDDName(t *testing.T) {
	for in, want := range map[string]string{
		"/gc/heap/allocs:bytes":                   "runtime.go.metrics.gc_heap_allocs.bytes",
		"/cpu/classes/gc/mark/assist:cpu-seconds": "runtime.go.metrics.cpu_classes_gc_mark_assist.cpu_seconds",
		"/gc/heap/allocs-by-size:bytes":           "runtime.go.metrics.gc_heap_allocs_by_size.bytes",
		"/cgo/go-to-c-calls:calls":                "runtime.go.metrics.cgo_go_to_c_calls.calls",
		"/x/y:a/b":                                "runtime.go.metrics.x_y.a_b",
	} {
		if got, ok := ddName(in); !ok || got != want {
			t.Errorf("ddName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "/x", "/x:", ":u", "/x:a:b"} {
		if got, ok := ddName(bad); ok {
			t.Errorf("ddName(%q) = %q, want not ok", bad, got)
		}
	}
}

// v2Round sends one round of the second set, and returns it by name.
func v2Round(t *testing.T, srv *dsdtest.Server, c *dogstatsd.Client, r *v2) map[string][]dsdtest.Message {
	t.Helper()
	r.report(c, time.Now())
	c.Flush()
	msgs, err := srv.Drain(time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]dsdtest.Message{}
	for _, m := range msgs {
		byName[m.Name] = append(byName[m.Name], m)
	}
	return byName
}

func newTestClient(t *testing.T, srv *dsdtest.Server) *dogstatsd.Client {
	t.Helper()
	c, err := dogstatsd.New(dogstatsd.WithAddress(srv.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A total that has not moved since the last round, and is not zero, is
// left out; when it moves it comes back.
func TestUnchangedTotalsAreLeftOut(t *testing.T) {
	clearEnvTags(t)
	srv := dsdtest.ListenUDP(t)
	c := newTestClient(t, srv)
	const forced = "runtime.go.metrics.gc_cycles_forced.gc_cycles"
	runtime.GC() // not zero
	r := newV2(slog.Default())
	if got := v2Round(t, srv, c, r); len(got[forced]) != 0 {
		t.Errorf("%s sent unchanged: %+v", forced, got[forced])
	}
	runtime.GC()
	if got := v2Round(t, srv, c, r); len(got[forced]) != 1 {
		t.Errorf("%s not sent after a collection: %+v", forced, got[forced])
	}
	// A histogram sends what was added since the last round: nothing
	// without a collection (automatic ones are off for the while).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	v2Round(t, srv, c, r)
	got := v2Round(t, srv, c, r)
	for _, name := range []string{"runtime.go.metrics.gc_pauses.seconds", "runtime.go.metrics.gc_pauses.seconds.avg"} {
		if len(got[name]) != 0 {
			t.Errorf("%s sent without a collection: %+v", name, got[name])
		}
	}
	runtime.GC()
	got = v2Round(t, srv, c, r)
	if m := got["runtime.go.metrics.gc_pauses.seconds"]; len(m) == 0 || m[0].Type != "d" {
		t.Errorf("pauses after a collection: %+v", m)
	}
}

// With GOGC=off the percentage reads as 2⁶⁴-1: it is counted as skipped,
// not drawn, and the tags say gogc:off; a memory limit is written in
// binary units.
func TestGoSettings(t *testing.T) {
	clearEnvTags(t)
	oldGC := debug.SetGCPercent(-1)
	oldLimit := debug.SetMemoryLimit(3 << 30)
	t.Cleanup(func() {
		debug.SetGCPercent(oldGC)
		debug.SetMemoryLimit(oldLimit)
	})
	srv := dsdtest.ListenUDP(t)
	c := newTestClient(t, srv)
	got := v2Round(t, srv, c, newV2(slog.Default()))
	if m := got["runtime.go.metrics.gc_gogc.percent"]; len(m) != 0 {
		t.Errorf("gogc sent: %+v", m)
	}
	skipped := got[skippedMetric]
	if len(skipped) != 1 || skipped[0].Type != "c" || skipped[0].Value != "1" || skipped[0].Timestamp == "" {
		t.Fatalf("skipped_values: %+v", skipped)
	}
	if v, _ := skipped[0].Tag("metric_name"); v != "runtime.go.metrics.gc_gogc.percent" {
		t.Errorf("skipped metric_name %q", v)
	}
	enabled := got[enabledMetric]
	if len(enabled) != 1 {
		t.Fatalf("enabled: %+v", enabled)
	}
	for k, want := range map[string]string{"gogc": "off", "gomemlimit": "3 GiB", "goversion": runtime.Version()} {
		if v, _ := enabled[0].Tag(k); v != want {
			t.Errorf("tag %s = %q, want %q", k, v, want)
		}
	}
	if !slices.Equal(skipped[0].TagKeys(), []string{"goversion", "gogc", "gomemlimit", "gomaxprocs", "metric_name"}) {
		t.Errorf("skipped tags %q", skipped[0].Tags)
	}
}

// Once warm, a round of both sets allocates nothing.
func TestRoundDoesNotAllocate(t *testing.T) {
	clearEnvTags(t)
	srv := dsdtest.ListenUDP(t) // never read: the kernel drops what overflows
	c := newTestClient(t, srv)
	ms, rm := newMemStats(), newV2(slog.Default())
	round := func() {
		ms.report(c)
		rm.report(c, time.Unix(1800000000, 0))
		c.Flush()
	}
	round()
	round()
	before := c.Stats().Packets
	if allocs := testing.AllocsPerRun(5, round); allocs != 0 {
		t.Errorf("%v allocations per round", allocs)
	}
	if sent := c.Stats().Packets - before; sent < 6*3 {
		t.Errorf("%d packets in six rounds: the rounds did not send", sent)
	}
}
