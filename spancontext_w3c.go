package trace

// A SpanContext seen as W3C Trace Context sees it, for bridges to APIs
// that carry the trace flags and the tracestate in their own span context
// (OpenTelemetry's trace.SpanContext): the same values that tracecontext
// injection writes, without a carrier to write them to.

// TraceFlags returns the W3C trace flags that tracecontext injection
// writes for sc: sampled (0x01) when its trace is kept, random (0x02) when
// the right half of its trace id is random (W3C Trace Context Level 2), as
// it is for the traces that start here. A trace whose decision is not
// taken yet is not sampled.
func (sc SpanContext) TraceFlags() byte {
	var flags byte
	if sc.hasPriority && sc.priority.Keep() {
		flags |= flagSampled
	}
	if sc.w3c != nil && sc.w3c.random {
		flags |= flagRandomness
	}
	return flags
}

// TraceState returns the W3C tracestate that tracecontext injection
// writes for sc: Datadog's dd= member first (the sampling priority, the
// origin, sc's span id as the last Datadog parent, the propagated _dd.p.*
// tags), then the other vendors' members in the order they came, at most
// 32 members in all. It returns "" for an invalid sc. Like injection, it
// records on the local root a propagation error for an origin that
// cannot travel.
func (sc SpanContext) TraceState() string {
	if !sc.IsValid() {
		return ""
	}
	var buf [headerBufLen]byte
	return string(appendTracestate(buf[:0], sc))
}
