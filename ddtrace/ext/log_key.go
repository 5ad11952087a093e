package ext

// Keys that log integrations add to log records, to correlate them with
// traces.
const (
	// LogKeyTraceID holds the trace id.
	LogKeyTraceID = "dd.trace_id"
	// LogKeySpanID holds the span id.
	LogKeySpanID = "dd.span_id"
)
