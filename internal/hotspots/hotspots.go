// Package hotspots is the switch between the profiler and the tracer for
// Datadog's code hotspots: while it is on, the trace package puts pprof
// labels ("span id", "local root span id", "trace endpoint") on the
// goroutines that run spans, so that CPU profile samples name the span
// they ran under.
//
// The profiler turns it on at Start and off at Stop. Off, a span's start
// pays one atomic load for it, and nothing else.
package hotspots

import "sync/atomic"

var on atomic.Bool

// Enable turns the labelling of spans on (true) or off (false) for every
// tracer of the process. Spans already started keep their labels until
// they finish.
func Enable(enable bool) { on.Store(enable) }

// Enabled reports whether spans starting now get pprof labels.
func Enabled() bool { return on.Load() }
