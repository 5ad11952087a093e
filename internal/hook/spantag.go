package hook

// SpanTag, set by package trace, returns the text tag key of the live
// span that sc (a trace.SpanContext, as an any) was taken from. It
// reports false when sc was not taken from a local span (an extracted
// or hand-made context) or the span has no text tag key. ddtrace/tracer's
// SQLCommentCarrier reads env, version and peer.service this way, as
// dd-trace-go reads them from the span behind a context.
var SpanTag func(sc any, key string) (string, bool)
