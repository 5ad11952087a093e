// Package ddtrace holds dd-trace-go's core interfaces and option types, so
// that code written against gopkg.in/DataDog/dd-trace-go.v1/ddtrace
// compiles here with only the module prefix changed. The tracer package
// implements them over the trace package; a type of your own that has
// exactly dd-trace-go's methods satisfies them too.
package ddtrace

import (
	"context"
	"time"

	"github.com/ctxtrace/trace/internal/ddlog"
)

// Tracer starts and propagates spans. The global tracer of the tracer
// package implements it.
type Tracer interface {
	// StartSpan starts a span with the given operation name and options.
	StartSpan(operationName string, opts ...StartSpanOption) Span
	// Extract reads a span context from carrier. Baggage keys come back
	// lower-cased, as HTTP headers canonicalize them.
	Extract(carrier interface{}) (SpanContext, error)
	// Inject writes context into carrier.
	Inject(context SpanContext, carrier interface{}) error
	// Stop stops the tracer; calling it again does nothing.
	Stop()
}

// Span is a unit of work being timed: it has a name, tags and a duration,
// and belongs to a trace.
type Span interface {
	// SetTag sets a tag; some keys (see the ext package) have a meaning of
	// their own.
	SetTag(key string, value interface{})
	// SetOperationName changes the span's name.
	SetOperationName(operationName string)
	// BaggageItem returns the baggage item key, or "".
	BaggageItem(key string) string
	// SetBaggageItem sets a baggage item, carried to every descendant span,
	// in this process and in others.
	SetBaggageItem(key, val string)
	// Finish ends the span; calling it again does nothing.
	Finish(opts ...FinishOption)
	// Context returns the span's context, to start children or propagate.
	Context() SpanContext
}

// SpanContext is what a span passes to its children and to other
// processes.
type SpanContext interface {
	// SpanID returns the span id.
	SpanID() uint64
	// TraceID returns the lower 64 bits of the trace id.
	TraceID() uint64
	// ForeachBaggageItem calls handler for each baggage item until it
	// returns false.
	ForeachBaggageItem(handler func(k, v string) bool)
}

// SpanContextW3C is a SpanContext that also gives the whole 128-bit trace
// id. The tracer package's contexts implement it; a SpanContext of your
// own may.
type SpanContextW3C interface {
	SpanContext
	// TraceID128 returns the trace id as 32 hex digits.
	TraceID128() string
	// TraceID128Bytes returns the trace id, big-endian.
	TraceID128Bytes() [16]byte
}

// SpanContextWithLinks is a SpanContext that carries span links: those
// extraction found beside the context it chose.
type SpanContextWithLinks interface {
	SpanContext
	// SpanLinks returns a copy of the links.
	SpanLinks() []SpanLink
}

// SpanLink relates a span to another span that is not its parent.
type SpanLink struct {
	// TraceID is the lower half of the linked span's trace id.
	TraceID uint64 `json:"trace_id"`
	// TraceIDHigh is the upper half of the linked span's trace id.
	TraceIDHigh uint64 `json:"trace_id_high"`
	// SpanID is the linked span's id.
	SpanID uint64 `json:"span_id"`
	// Attributes describe the relation.
	Attributes map[string]string `json:"attributes"`
	// Tracestate is the linked context's W3C tracestate.
	Tracestate string `json:"tracestate"`
	// Flags are the linked context's W3C trace flags.
	Flags uint32 `json:"flags"`
}

// StartSpanOption configures a span as it starts.
type StartSpanOption func(cfg *StartSpanConfig)

// FinishOption configures how a span finishes.
type FinishOption func(cfg *FinishConfig)

// FinishConfig is what FinishOptions fill in.
type FinishConfig struct {
	// FinishTime is when the span finished; the zero time means now.
	FinishTime time.Time
	// Error, when not nil, is recorded on the span as it finishes.
	Error error
	// NoDebugStack leaves the stack out of the recorded error.
	NoDebugStack bool
	// StackFrames is how many frames of the stack the error keeps.
	StackFrames uint
	// SkipStackFrames is how many innermost frames the stack skips.
	SkipStackFrames uint
}

// StartSpanConfig is what StartSpanOptions fill in.
type StartSpanConfig struct {
	// Parent is the span's parent; nil starts a trace, unless Context
	// carries a span.
	Parent SpanContext
	// StartTime is when the span started; the zero time means now.
	StartTime time.Time
	// Tags are set on the span as it starts.
	Tags map[string]interface{}
	// SpanID, when not zero, is the span's id; for a span that starts a
	// trace, the trace id's lower half too.
	SpanID uint64
	// Context is the context the span is started in: its span is the
	// parent when Parent is nil.
	Context context.Context
	// SpanLinks relate the span to others.
	SpanLinks []SpanLink
}

// Logger receives the messages of the tracer and the profiler.
type Logger interface {
	// Log prints one message.
	Log(msg string)
}

// UseLogger sends the messages of tracers and profilers started from now
// on, that were given no logger of their own, to l; nil goes back to the
// default (log/slog's default logger).
func UseLogger(l Logger) { ddlog.Use(l) }
