// Package hook lets test tools of this module reach into a tracer without
// putting the means in the trace package's public API: mocktracer shows
// the spans still running, which no production program should pay for.
package hook

// OnStart, set by package trace, returns a trace.Option (as an any) that
// calls f with every *trace.Span the tracer starts, once it is set up,
// before Start returns it. f must not block and must be safe for
// concurrent use.
var OnStart func(f func(span any)) any
