package tracer

import "github.com/ctxtrace/trace"

// last is the tracer the latest Start made, kept after Stop so that its
// final counts can still be read; nil before Start, or after a Start that
// made none (tracing disabled). Guarded by mu.
var last *trace.Tracer

// Stats returns the counters of the tracer Start made: spans started,
// finished, exported (accepted by the Agent) and dropped, by reason,
// including those the Agent exporter dropped (see trace.Stats). After
// Stop, it returns that tracer's final counts, in which every span
// finished was either exported or dropped:
// SpansFinished == SpansExported + Dropped.Total(). Before Start, or when
// Start made no tracer (DD_TRACE_ENABLED=false), it returns the zero Stats.
//
// dd-trace-go has no such function; code moved from it may start using
// this one.
func Stats() trace.Stats {
	mu.Lock()
	t := last
	mu.Unlock()
	return t.Stats() // the zero Stats for a nil tracer
}
