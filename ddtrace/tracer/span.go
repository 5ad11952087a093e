package tracer

import (
	"context"
	"encoding/hex"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/ddconv"
)

// Span is a span, as dd-trace-go's ddtrace.Span shows it: the same type.
type Span = ddtrace.Span

// SpanContext is a span's context, as dd-trace-go's ddtrace.SpanContext
// shows it: the same type. The contexts of this package's spans also
// implement ddtrace.SpanContextW3C (the 128-bit trace id) and
// ddtrace.SpanContextWithLinks.
type SpanContext = ddtrace.SpanContext

// span wraps a trace.Span; a nil one does nothing, as a trace.Span does.
type span struct{ s *trace.Span }

func (s span) SetTag(key string, value any)          { s.s.SetTag(key, value) }
func (s span) SetOperationName(operationName string) { s.s.SetName(operationName) }
func (s span) BaggageItem(key string) string         { return s.s.BaggageItem(key) }
func (s span) SetBaggageItem(key, val string)        { s.s.SetBaggageItem(key, val) }
func (s span) Context() SpanContext                  { return spanContext{s.s.Context()} }

// AddEvent records an event on the span: it implements
// ddtrace.SpanWithEvents, for ddtrace.AddSpanEvent.
func (s span) AddEvent(name string, opts ...ddtrace.SpanEventOption) {
	var cfg ddtrace.SpanEventConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s.s.AddEvent(trace.Event{Name: name, Time: cfg.Time, Attributes: cfg.Attributes})
}

func (s span) Finish(opts ...FinishOption) {
	if len(opts) == 0 {
		s.s.Finish()
		return
	}
	s.s.Finish(ddconv.FinishOptions(opts)...)
}

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

// SpanLinks returns the links extraction found beside the context it
// chose; nil for a context that was not extracted.
func (c spanContext) SpanLinks() []SpanLink {
	var out []SpanLink
	for l := range c.sc.Links() {
		out = append(out, fromTraceLink(l))
	}
	return out
}

// contextOf returns the trace.SpanContext that sc stands for: the one
// behind this package's contexts, or, for a SpanContext of the caller's
// own making, a remote context with its ids (the whole trace id when it
// implements ddtrace.SpanContextW3C) and baggage. nil gives the zero
// context.
func contextOf(sc SpanContext) trace.SpanContext {
	switch c := sc.(type) {
	case nil:
		return trace.SpanContext{}
	case spanContext:
		return c.sc
	}
	return ddconv.RemoteContext(sc)
}

// StartSpan starts a span named operationName with the global tracer. Its
// parent is the one given by ChildOf, if any; otherwise it starts a trace.
func StartSpan(operationName string, opts ...StartSpanOption) Span {
	if len(opts) == 0 {
		_, s := trace.Start(context.Background(), operationName)
		return span{s}
	}
	sc, topts := startOptions(context.Background(), opts)
	ctx := sc.cfg.Context // an option may set it
	if ctx == nil {
		ctx = context.Background()
	}
	_, s := trace.Start(ctx, operationName, topts...)
	sc.release()
	return span{s}
}

// StartSpanFromContext starts a span under the span that ctx carries and
// returns a context that carries the new one. An explicit ChildOf wins
// over the span in ctx.
func StartSpanFromContext(ctx context.Context, operationName string, opts ...StartSpanOption) (Span, context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(opts) == 0 {
		ctx, s := trace.Start(ctx, operationName)
		return span{s}, ctx
	}
	sc, topts := startOptions(ctx, opts)
	ctx, s := trace.Start(ctx, operationName, topts...)
	sc.release()
	return span{s}, ctx
}

// SpanFromContext returns the span ctx carries, and false (with a span
// that does nothing) when there is none.
func SpanFromContext(ctx context.Context) (Span, bool) {
	s := trace.SpanFromContext(ctx)
	return span{s}, s != nil
}

// ContextWithSpan returns a copy of ctx carrying s. A Span of the caller's
// own making is carried by its context: children started from the
// returned context are its children.
func ContextWithSpan(ctx context.Context, s Span) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	switch sp := s.(type) {
	case nil:
		return ctx
	case span:
		return trace.ContextWithSpan(ctx, sp.s)
	}
	return trace.ContextWithSpanContext(ctx, contextOf(s.Context()))
}
