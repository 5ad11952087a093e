package profiler

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"time"
)

// memMetrics computes metrics.json: rates of the runtime's memory
// statistics over the period, as dd-trace-go reports them.
type memMetrics struct {
	at         time.Time
	stats      runtime.MemStats
	goroutines int
}

// reset takes the baseline the next report compares with.
func (m *memMetrics) reset(now time.Time) {
	m.at = now
	runtime.ReadMemStats(&m.stats)
	m.goroutines = runtime.NumGoroutine()
}

// report returns metrics.json for the period since the last reset or
// report: a JSON array of [name, value] pairs, values that are not finite
// left out.
func (m *memMetrics) report(now time.Time) ([]byte, error) {
	period := now.Sub(m.at)
	if period <= 0 {
		return nil, fmt.Errorf("metrics collected %v after the previous ones: need a positive period", period)
	}
	prev := m.stats
	m.reset(now)
	cur := &m.stats
	secs := period.Seconds()
	perSec := func(cur, prev uint64) float64 { return float64(int64(cur)-int64(prev)) / secs }
	points := [][2]any{
		{"go_alloc_bytes_per_sec", perSec(cur.TotalAlloc, prev.TotalAlloc)},
		{"go_allocs_per_sec", perSec(cur.Mallocs, prev.Mallocs)},
		{"go_frees_per_sec", perSec(cur.Frees, prev.Frees)},
		{"go_heap_growth_bytes_per_sec", perSec(cur.HeapAlloc, prev.HeapAlloc)},
		{"go_gcs_per_sec", perSec(uint64(cur.NumGC), uint64(prev.NumGC))},
		// The share of the period spent in GC pauses.
		{"go_gc_pause_time", float64(int64(cur.PauseTotalNs)-int64(prev.PauseTotalNs)) / float64(period)},
		{"go_max_gc_pause_time", float64(maxPause(cur, now.Add(-period)))},
		{"go_num_goroutine", float64(m.goroutines)},
	}
	out := points[:0]
	for _, pt := range points {
		if v := pt[1].(float64); !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, pt)
		}
	}
	return json.Marshal(out)
}

// maxPause returns the longest GC pause that ended after since, from the
// runtime's ring of the last 256 pauses.
func maxPause(s *runtime.MemStats, since time.Time) uint64 {
	var longest uint64
	for i := range min(int(s.NumGC), len(s.PauseNs)) {
		j := (int(s.NumGC) + len(s.PauseNs) - 1 - i) % len(s.PauseNs)
		if time.Unix(0, int64(s.PauseEnd[j])).Before(since) {
			break
		}
		longest = max(longest, s.PauseNs[j])
	}
	return longest
}
