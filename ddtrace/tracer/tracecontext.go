package tracer

import "github.com/ctxtrace/trace"

// TraceContext returns the trace package's SpanContext that c wraps: all
// a child started under it inherits (its in-process trace, the sampling
// decision, the propagated tags), where the ddtrace.SpanContext methods
// show only ids and baggage. Bridges that start spans with the trace
// package under a parent given through dd's API read it through an
// interface, as ddtrace/opentelemetry does for a ChildOf given to
// ContextWithStartOptions:
//
//	if c, ok := sc.(interface{ TraceContext() trace.SpanContext }); ok {
//		opts = append(opts, trace.ChildOf(c.TraceContext()))
//	}
func (c spanContext) TraceContext() trace.SpanContext { return c.sc }
