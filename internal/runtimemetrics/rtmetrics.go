package runtimemetrics

import (
	"context"
	"log/slog"
	"math"
	"regexp"
	"runtime/metrics"
	"slices"
	"strings"
	"time"

	"github.com/ctxtrace/trace/internal/dogstatsd"
	"github.com/ctxtrace/trace/internal/ratelog"
)

// Names of the second set's own metrics.
const (
	v2Prefix      = "runtime.go.metrics."
	enabledMetric = v2Prefix + "enabled"
	skippedMetric = v2Prefix + "skipped_values"
)

// v2Metrics are the runtime/metrics that dd-trace-go's second set
// ("runtime metrics v2", github.com/DataDog/go-runtime-metrics-internal)
// reports: those of Go 1.24 but the /godebug/ ones. A name the running Go
// does not know is skipped.
var v2Metrics = []string{
	"/cgo/go-to-c-calls:calls",
	"/cpu/classes/gc/mark/assist:cpu-seconds", "/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds", "/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/idle:cpu-seconds",
	"/cpu/classes/scavenge/assist:cpu-seconds", "/cpu/classes/scavenge/background:cpu-seconds",
	"/cpu/classes/scavenge/total:cpu-seconds", "/cpu/classes/total:cpu-seconds",
	"/cpu/classes/user:cpu-seconds",
	"/gc/cycles/automatic:gc-cycles", "/gc/cycles/forced:gc-cycles", "/gc/cycles/total:gc-cycles",
	"/gc/gogc:percent", "/gc/gomemlimit:bytes",
	"/gc/heap/allocs-by-size:bytes", "/gc/heap/allocs:bytes", "/gc/heap/allocs:objects",
	"/gc/heap/frees-by-size:bytes", "/gc/heap/frees:bytes", "/gc/heap/frees:objects",
	"/gc/heap/goal:bytes", "/gc/heap/live:bytes", "/gc/heap/objects:objects",
	"/gc/heap/tiny/allocs:objects", "/gc/limiter/last-enabled:gc-cycle", "/gc/pauses:seconds",
	"/gc/scan/globals:bytes", "/gc/scan/heap:bytes", "/gc/scan/stack:bytes", "/gc/scan/total:bytes",
	"/gc/stack/starting-size:bytes",
	"/memory/classes/heap/free:bytes", "/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/released:bytes", "/memory/classes/heap/stacks:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/metadata/mcache/free:bytes", "/memory/classes/metadata/mcache/inuse:bytes",
	"/memory/classes/metadata/mspan/free:bytes", "/memory/classes/metadata/mspan/inuse:bytes",
	"/memory/classes/metadata/other:bytes", "/memory/classes/os-stacks:bytes",
	"/memory/classes/other:bytes", "/memory/classes/profiling/buckets:bytes",
	"/memory/classes/total:bytes",
	"/sched/gomaxprocs:threads", "/sched/goroutines:goroutines", "/sched/latencies:seconds",
	"/sched/pauses/stopping/gc:seconds", "/sched/pauses/stopping/other:seconds",
	"/sched/pauses/total/gc:seconds", "/sched/pauses/total/other:seconds",
	"/sync/mutex/wait/total:seconds",
}

// notDatadogName matches what a Datadog metric name cannot hold.
var notDatadogName = regexp.MustCompile(`[^a-zA-Z0-9._]`)

// ddName turns "/gc/heap/allocs:bytes" into
// "runtime.go.metrics.gc_heap_allocs.bytes".
func ddName(name string) (string, bool) {
	path, unit, ok := strings.Cut(strings.TrimPrefix(name, "/"), ":")
	if !ok || path == "" || unit == "" || strings.Contains(unit, ":") {
		return "", false
	}
	return v2Prefix + notDatadogName.ReplaceAllString(path+"."+unit, "_"), true
}

// v2Metric is one runtime/metrics metric and its names on the wire.
type v2Metric struct {
	ddName     string
	cumulative bool
	statNames  [6]string // a histogram's gauges
	skipTags   []string  // the tags of skippedMetric for it
}

// v2 collects the second set. Each round sends runtime.go.metrics.enabled,
// then every metric, with a timestamp and the Go tags (goversion, gogc,
// gomemlimit, gomaxprocs of the moment the runner started); a cumulative
// metric (a total, a histogram of all time) that has not changed since the
// last round and is not zero is left out, and a histogram sends what was
// added since. So does dd-trace-go.
type v2 struct {
	metrics   []v2Metric
	cur, prev []metrics.Sample // this round's and the last round's values
	diff      []uint64         // a histogram's counts since the last round
	tags      []string
	logger    *slog.Logger
	limiter   ratelog.Limiter
}

func newV2(logger *slog.Logger) *v2 {
	known := map[string]metrics.Description{}
	for _, d := range metrics.All() {
		known[d.Name] = d
	}
	r := &v2{tags: goTags(), logger: logger}
	for _, name := range v2Metrics {
		d, ok := known[name]
		dn, okName := ddName(name)
		if !ok || !okName {
			continue
		}
		m := v2Metric{ddName: dn, cumulative: d.Cumulative}
		// Go before 1.21 called the scheduler latencies a gauge; they are
		// a histogram of all time.
		m.cumulative = m.cumulative || name == "/sched/latencies:seconds"
		for i, s := range histStats {
			m.statNames[i] = dn + s
		}
		m.skipTags = append(slices.Clip(r.tags), "metric_name:"+dn)
		r.metrics = append(r.metrics, m)
		r.cur = append(r.cur, metrics.Sample{Name: name})
		r.prev = append(r.prev, metrics.Sample{Name: name})
	}
	metrics.Read(r.prev) // the baseline: the first round reports changes since now
	return r
}

// report reads the metrics and sends them, stamped with now.
func (r *v2) report(c *dogstatsd.Client, now time.Time) {
	metrics.Read(r.cur)
	c.GaugeAt(enabledMetric, 1, r.tags, now)
	for i := range r.metrics {
		r.send(c, &r.metrics[i], r.cur[i], r.prev[i], now)
	}
	r.cur, r.prev = r.prev, r.cur
}

func (r *v2) send(c *dogstatsd.Client, m *v2Metric, cur, prev metrics.Sample, now time.Time) {
	switch cur.Value.Kind() {
	case metrics.KindUint64:
		v := cur.Value.Uint64()
		if m.cumulative && v != 0 && prev.Value.Kind() == metrics.KindUint64 && v == prev.Value.Uint64() {
			return
		}
		if v > math.MaxUint64/2 {
			// A difference the runtime computed below zero, or GOGC=off:
			// sent as is it would draw a spike of 16 EiB.
			c.CountAt(skippedMetric, 1, m.skipTags, now)
			if cur.Name == "/memory/classes/heap/unused:bytes" {
				r.warn("runtimemetrics: skipped an absurd value", slog.String("metric", m.ddName), slog.Uint64("value", v))
			}
			return
		}
		c.GaugeAt(m.ddName, float64(v), r.tags, now)
	case metrics.KindFloat64:
		v := cur.Value.Float64()
		if m.cumulative && v != 0 && prev.Value.Kind() == metrics.KindFloat64 && v == prev.Value.Float64() {
			return
		}
		c.GaugeAt(m.ddName, v, r.tags, now)
	case metrics.KindFloat64Histogram:
		r.sendHistogram(c, m, cur, prev, now)
	default:
		r.warn("runtimemetrics: a runtime metric of an unknown kind is not sent", slog.String("metric", cur.Name))
	}
}

func (r *v2) sendHistogram(c *dogstatsd.Client, m *v2Metric, cur, prev metrics.Sample, now time.Time) {
	h := cur.Value.Float64Histogram()
	counts := h.Counts
	if m.cumulative {
		if prev.Value.Kind() != metrics.KindFloat64Histogram || len(prev.Value.Float64Histogram().Counts) != len(counts) {
			return
		}
		if cap(r.diff) < len(counts) {
			r.diff = make([]uint64, len(counts))
		}
		counts = r.diff[:len(counts)]
		if subtract(counts, h.Counts, prev.Value.Float64Histogram().Counts) {
			return // nothing new: no point drawing zeros
		}
	}
	forEachSample(counts, h.Buckets, func(value, rate float64) {
		c.Distribution(m.ddName, value, r.tags, rate)
	})
	for i, v := range histSummary(counts, h.Buckets) {
		c.GaugeAt(m.statNames[i], v, r.tags, now)
	}
}

func (r *v2) warn(msg string, attrs ...slog.Attr) {
	if r.limiter.Allow(msg) {
		r.logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
	}
}
