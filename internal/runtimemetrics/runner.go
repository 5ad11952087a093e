// Package runtimemetrics sends the Go runtime's metrics to DogStatsD as
// dd-trace-go v1.74.8 (v2.3.0's code) does, every ten seconds, on a
// goroutine of its own.
//
// dd-trace-go has two sets, both kept here under their names:
//
//   - runtime.go.* (num_goroutine, mem_stats.*, gc_stats.pause_quantiles.*):
//     gauges from runtime.MemStats, sent when WithRuntimeMetrics or
//     DD_RUNTIME_METRICS_ENABLED asks for them ("runtime metrics").
//   - runtime.go.metrics.*: runtime/metrics, timestamped gauges and
//     distributions with the Go settings as tags ("runtime metrics v2",
//     DD_RUNTIME_METRICS_V2_ENABLED), on by default in v2.3.0: every
//     started tracer sends them, whether or not runtime metrics were asked
//     for.
//
// Tags common to both (lang, env, service, runtime-id, ...) are the
// DogStatsD client's global tags: see Identity.
package runtimemetrics

import (
	"log/slog"
	"sync"
	"time"

	"github.com/ctxtrace/trace/internal/dogstatsd"
)

// Interval is how often dd-trace-go reports runtime metrics.
const Interval = 10 * time.Second

// Option configures New.
type Option func(*Runner)

// WithMemStats turns the runtime.go.* set on or off (on by default).
func WithMemStats(on bool) Option { return func(r *Runner) { r.memStats = on } }

// WithV2 turns the runtime.go.metrics.* set on or off (on by default).
func WithV2(on bool) Option { return func(r *Runner) { r.v2 = on } }

// WithTicks makes every value received from ticks a round, instead of a
// ticker of Interval: tests tick by hand. The value is the round's
// timestamp.
func WithTicks(ticks <-chan time.Time) Option { return func(r *Runner) { r.ticks = ticks } }

// WithLogger sets where trouble is said; nil means slog.Default().
func WithLogger(l *slog.Logger) Option { return func(r *Runner) { r.logger = l } }

// Runner collects and sends runtime metrics on its own goroutine, between
// Start and Stop.
type Runner struct {
	client         *dogstatsd.Client
	memStats, v2   bool
	ticks          <-chan time.Time
	logger         *slog.Logger
	start, stopped sync.Once
	stop, done     chan struct{}
	started        bool
}

// New returns a Runner that sends through client. The client stays the
// caller's: Stop does not close it.
func New(client *dogstatsd.Client, opts ...Option) *Runner {
	r := &Runner{client: client, memStats: true, v2: true, stop: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	return r
}

// Start takes the runtime.go.metrics.* baseline and starts the goroutine.
// The first round comes one interval later and reports what changed since
// Start, as dd-trace-go's does. Calls after the first do nothing.
func (r *Runner) Start() {
	r.start.Do(func() {
		r.started = true
		var (
			ms *memStats
			rm *v2
		)
		if r.memStats {
			ms = newMemStats()
		}
		if r.v2 {
			rm = newV2(r.logger)
		}
		ticks, stopTicker := r.ticks, func() {}
		if ticks == nil {
			t := time.NewTicker(Interval)
			ticks, stopTicker = t.C, t.Stop
		}
		go r.run(ticks, stopTicker, ms, rm)
	})
}

// Stop ends the goroutine, after the round in progress if any, and waits
// for it. It is safe to call more than once, and without Start.
func (r *Runner) Stop() {
	r.start.Do(func() {}) // a Start after Stop starts nothing
	r.stopped.Do(func() { close(r.stop) })
	if r.started {
		<-r.done
	}
}

func (r *Runner) run(ticks <-chan time.Time, stopTicker func(), ms *memStats, rm *v2) {
	defer close(r.done)
	defer stopTicker()
	for {
		select {
		case <-r.stop:
			return
		case now := <-ticks: // a tick received is a round done, Stop or not
			if ms != nil {
				ms.report(r.client)
			}
			if rm != nil {
				rm.report(r.client, now)
			}
			r.client.Flush()
		}
	}
}
