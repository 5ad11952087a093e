package tracer

import (
	"context"
	"encoding/hex"
	"math"
	"time"

	"github.com/ctxtrace/trace"
)

// Span is a span as dd-trace-go's ddtrace.Span shows it.
type Span interface {
	// SetTag sets a tag, as trace.Span.SetTag does.
	SetTag(key string, value any)
	// SetOperationName changes the span's name.
	SetOperationName(operationName string)
	// BaggageItem returns a baggage item, or "".
	BaggageItem(key string) string
	// SetBaggageItem sets a baggage item, carried to children and across
	// services.
	SetBaggageItem(key, val string)
	// Finish ends the span.
	Finish(opts ...FinishOption)
	// Context returns the span's context, for Inject and ChildOf.
	Context() SpanContext
}

// SpanContext is a span's context as dd-trace-go's ddtrace.SpanContext
// shows it, with the 128-bit trace id accessors of SpanContextW3C.
type SpanContext interface {
	// SpanID returns the span id.
	SpanID() uint64
	// TraceID returns the lower 64 bits of the trace id.
	TraceID() uint64
	// TraceID128 returns the whole trace id as 32 hex digits.
	TraceID128() string
	// TraceID128Bytes returns the whole trace id.
	TraceID128Bytes() [16]byte
	// ForeachBaggageItem calls handler for each baggage item until it
	// returns false.
	ForeachBaggageItem(handler func(k, v string) bool)
}

// span wraps a trace.Span; a nil one does nothing, as a trace.Span does.
type span struct{ s *trace.Span }

func (s span) SetTag(key string, value any)          { s.s.SetTag(key, value) }
func (s span) SetOperationName(operationName string) { s.s.SetName(operationName) }
func (s span) BaggageItem(key string) string         { return s.s.BaggageItem(key) }
func (s span) SetBaggageItem(key, val string)        { s.s.SetBaggageItem(key, val) }
func (s span) Finish(opts ...FinishOption)           { s.s.Finish(opts...) }
func (s span) Context() SpanContext                  { return spanContext{s.s.Context()} }

// spanContext wraps a trace.SpanContext.
type spanContext struct{ sc trace.SpanContext }

func (c spanContext) SpanID() uint64  { return c.sc.SpanID() }
func (c spanContext) TraceID() uint64 { return c.sc.TraceID().Lower() }
func (c spanContext) TraceID128() string {
	b := c.TraceID128Bytes()
	return hex.EncodeToString(b[:])
}
func (c spanContext) TraceID128Bytes() [16]byte { return c.sc.TraceID() }
func (c spanContext) ForeachBaggageItem(handler func(k, v string) bool) {
	for k, v := range c.sc.Baggage() {
		if !handler(k, v) {
			return
		}
	}
}

// unwrap returns the trace.SpanContext behind ctx, or the zero one.
func unwrap(ctx SpanContext) trace.SpanContext {
	if c, ok := ctx.(spanContext); ok {
		return c.sc
	}
	return trace.SpanContext{}
}

// StartSpanOption configures a span as it starts.
type StartSpanOption = trace.SpanOption

// FinishOption configures how a span finishes.
type FinishOption = trace.FinishOption

// StartSpan starts a span named operationName with the global tracer. Its
// parent is the one given by ChildOf, if any; otherwise it starts a trace.
func StartSpan(operationName string, opts ...StartSpanOption) Span {
	_, s := trace.Start(context.Background(), operationName, opts...)
	return span{s}
}

// StartSpanFromContext starts a span under the span that ctx carries and
// returns a context that carries the new one. An explicit ChildOf wins
// over the span in ctx.
func StartSpanFromContext(ctx context.Context, operationName string, opts ...StartSpanOption) (Span, context.Context) {
	ctx, s := trace.Start(ctx, operationName, opts...)
	return span{s}, ctx
}

// SpanFromContext returns the span ctx carries, and false (with a span
// that does nothing) when there is none.
func SpanFromContext(ctx context.Context) (Span, bool) {
	s := trace.SpanFromContext(ctx)
	return span{s}, s != nil
}

// ContextWithSpan returns a copy of ctx carrying s.
func ContextWithSpan(ctx context.Context, s Span) context.Context {
	if sp, ok := s.(span); ok {
		return trace.ContextWithSpan(ctx, sp.s)
	}
	return ctx
}

// ResourceName sets the span's resource.
func ResourceName(name string) StartSpanOption { return trace.Resource(name) }

// SpanType sets the span's type ("web", "db", "cache"...).
func SpanType(name string) StartSpanOption { return trace.Type(name) }

// ServiceName sets the span's service.
func ServiceName(name string) StartSpanOption { return trace.Service(name) }

// Tag sets a tag as the span starts.
func Tag(k string, v any) StartSpanOption { return trace.Tag(k, v) }

// ChildOf makes the span a child of ctx. It wins over a span carried by the
// context given to StartSpanFromContext.
func ChildOf(ctx SpanContext) StartSpanOption { return trace.ChildOf(unwrap(ctx)) }

// StartTime sets when the span started.
func StartTime(t time.Time) StartSpanOption { return trace.StartTime(t) }

// WithSpanID sets the span's id; on a span that starts a trace, the lower
// half of the trace id too.
func WithSpanID(id uint64) StartSpanOption { return trace.WithSpanID(id) }

// Measured asks the Agent to compute statistics on the span (_dd.measured).
func Measured() StartSpanOption { return trace.Tag("_dd.measured", 1) }

// AnalyticsRate sets the span's App Analytics rate (_dd1.sr.eausr).
func AnalyticsRate(rate float64) StartSpanOption { return trace.Tag("_dd1.sr.eausr", rate) }

// WithError records err on the span as it finishes.
func WithError(err error) FinishOption { return trace.WithError(err) }

// FinishTime sets when the span finished.
func FinishTime(t time.Time) FinishOption { return trace.FinishTime(t) }

// NoDebugStack leaves the stack out of an error given with WithError.
func NoDebugStack() FinishOption { return trace.StackDepth(0, 0) }

// StackFrames keeps at most n frames of an error's stack, skipping the
// innermost skip. The tracer keeps at most 256 frames, however large n.
func StackFrames(n, skip uint) FinishOption {
	return trace.StackDepth(clampUint(n), clampUint(skip))
}

// clampUint converts u to an int without wrapping to a negative one: past
// math.MaxInt32 it is math.MaxInt32, more frames than any stack holds.
func clampUint(u uint) int { return int(min(u, math.MaxInt32)) }

// SpanLink is dd-trace-go's span link: a relation to a span that is not the
// parent.
type SpanLink struct {
	TraceID     uint64            // lower half of the linked trace id
	TraceIDHigh uint64            // upper half, for 128-bit ids
	SpanID      uint64            // the linked span
	Attributes  map[string]string // what the relation is
	Tracestate  string            // the linked context's W3C tracestate
	Flags       uint32            // the linked context's W3C flags
}

// WithSpanLinks links the span to others as it starts.
func WithSpanLinks(links []SpanLink) StartSpanOption {
	out := make([]trace.Link, len(links))
	for i, l := range links {
		out[i] = trace.Link{
			TraceID:    trace.NewTraceID(l.TraceIDHigh, l.TraceID),
			SpanID:     l.SpanID,
			Attributes: l.Attributes,
			Tracestate: l.Tracestate,
			Flags:      l.Flags,
		}
	}
	return trace.WithLinks(out...)
}
