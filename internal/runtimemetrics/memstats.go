package runtimemetrics

import (
	"runtime"
	"runtime/debug"
	"time"

	"github.com/ctxtrace/trace/internal/dogstatsd"
)

// memStats collects dd-trace-go's first set, runtime.go.*: gauges read
// from runtime.MemStats and debug.GCStats, sent with the client's tags
// only and no timestamp, as dd-trace-go's WithRuntimeMetrics sends them.
type memStats struct {
	ms runtime.MemStats
	gc debug.GCStats
}

func newMemStats() *memStats {
	// Five quantiles: min, 25%, 50%, 75%, max (see debug.ReadGCStats).
	return &memStats{gc: debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}}
}

// memGauges are the gauges read from MemStats, in dd-trace-go's order.
var memGauges = []struct {
	name  string
	value func(*runtime.MemStats) float64
}{
	{"runtime.go.mem_stats.alloc", func(m *runtime.MemStats) float64 { return float64(m.Alloc) }},
	{"runtime.go.mem_stats.total_alloc", func(m *runtime.MemStats) float64 { return float64(m.TotalAlloc) }},
	{"runtime.go.mem_stats.sys", func(m *runtime.MemStats) float64 { return float64(m.Sys) }},
	{"runtime.go.mem_stats.lookups", func(m *runtime.MemStats) float64 { return float64(m.Lookups) }},
	{"runtime.go.mem_stats.mallocs", func(m *runtime.MemStats) float64 { return float64(m.Mallocs) }},
	{"runtime.go.mem_stats.frees", func(m *runtime.MemStats) float64 { return float64(m.Frees) }},
	{"runtime.go.mem_stats.heap_alloc", func(m *runtime.MemStats) float64 { return float64(m.HeapAlloc) }},
	{"runtime.go.mem_stats.heap_sys", func(m *runtime.MemStats) float64 { return float64(m.HeapSys) }},
	{"runtime.go.mem_stats.heap_idle", func(m *runtime.MemStats) float64 { return float64(m.HeapIdle) }},
	{"runtime.go.mem_stats.heap_inuse", func(m *runtime.MemStats) float64 { return float64(m.HeapInuse) }},
	{"runtime.go.mem_stats.heap_released", func(m *runtime.MemStats) float64 { return float64(m.HeapReleased) }},
	{"runtime.go.mem_stats.heap_objects", func(m *runtime.MemStats) float64 { return float64(m.HeapObjects) }},
	{"runtime.go.mem_stats.stack_inuse", func(m *runtime.MemStats) float64 { return float64(m.StackInuse) }},
	{"runtime.go.mem_stats.stack_sys", func(m *runtime.MemStats) float64 { return float64(m.StackSys) }},
	{"runtime.go.mem_stats.m_span_inuse", func(m *runtime.MemStats) float64 { return float64(m.MSpanInuse) }},
	{"runtime.go.mem_stats.m_span_sys", func(m *runtime.MemStats) float64 { return float64(m.MSpanSys) }},
	{"runtime.go.mem_stats.m_cache_inuse", func(m *runtime.MemStats) float64 { return float64(m.MCacheInuse) }},
	{"runtime.go.mem_stats.m_cache_sys", func(m *runtime.MemStats) float64 { return float64(m.MCacheSys) }},
	{"runtime.go.mem_stats.buck_hash_sys", func(m *runtime.MemStats) float64 { return float64(m.BuckHashSys) }},
	{"runtime.go.mem_stats.gc_sys", func(m *runtime.MemStats) float64 { return float64(m.GCSys) }},
	{"runtime.go.mem_stats.other_sys", func(m *runtime.MemStats) float64 { return float64(m.OtherSys) }},
	{"runtime.go.mem_stats.next_gc", func(m *runtime.MemStats) float64 { return float64(m.NextGC) }},
	{"runtime.go.mem_stats.last_gc", func(m *runtime.MemStats) float64 { return float64(m.LastGC) }},
	{"runtime.go.mem_stats.pause_total_ns", func(m *runtime.MemStats) float64 { return float64(m.PauseTotalNs) }},
	{"runtime.go.mem_stats.num_gc", func(m *runtime.MemStats) float64 { return float64(m.NumGC) }},
	{"runtime.go.mem_stats.num_forced_gc", func(m *runtime.MemStats) float64 { return float64(m.NumForcedGC) }},
	{"runtime.go.mem_stats.gc_cpu_fraction", func(m *runtime.MemStats) float64 { return m.GCCPUFraction }},
}

// pauseQuantiles name the five GC pause quantiles, in nanoseconds.
var pauseQuantiles = [5]string{
	"runtime.go.gc_stats.pause_quantiles.min",
	"runtime.go.gc_stats.pause_quantiles.25p",
	"runtime.go.gc_stats.pause_quantiles.50p",
	"runtime.go.gc_stats.pause_quantiles.75p",
	"runtime.go.gc_stats.pause_quantiles.max",
}

// report reads the runtime's statistics (ReadMemStats stops the world
// briefly, as in dd-trace-go, once per interval) and sends them.
func (m *memStats) report(c *dogstatsd.Client) {
	runtime.ReadMemStats(&m.ms)
	debug.ReadGCStats(&m.gc)
	c.Gauge("runtime.go.num_cpu", float64(runtime.NumCPU()), nil)
	c.Gauge("runtime.go.num_goroutine", float64(runtime.NumGoroutine()), nil)
	c.Gauge("runtime.go.num_cgo_call", float64(runtime.NumCgoCall()), nil)
	for _, g := range memGauges {
		c.Gauge(g.name, g.value(&m.ms), nil)
	}
	for i, name := range pauseQuantiles {
		c.Gauge(name, float64(m.gc.PauseQuantiles[i]), nil)
	}
}
