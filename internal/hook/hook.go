// Package hook lets other packages of this module reach into a tracer
// without putting the means in the trace package's public API: mocktracer
// shows the spans still running, which no production program should pay
// for, and ddtrace/tracer turns off pprof labels that only dd-trace-go's
// options name.
package hook

// OnStart, set by package trace, returns a trace.Option (as an any) that
// calls f with every *trace.Span the tracer starts, once it is set up,
// before Start returns it. f must not block and must be safe for
// concurrent use.
var OnStart func(f func(span any)) any

// ProfilerLabels, set by package trace, returns a trace.Option (as an any)
// that chooses which pprof labels the tracer's spans carry while the
// profiler's code hotspots are on: with codeHotspots, "span id" and "local
// root span id"; with endpoints, "trace endpoint". Both are on by default.
var ProfilerLabels func(codeHotspots, endpoints bool) any
