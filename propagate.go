package trace

import (
	"context"
	"errors"
	"net/http"
)

// Errors of propagation, with dd-trace-go's meanings.
var (
	// ErrSpanContextNotFound: the carrier holds no span context.
	ErrSpanContextNotFound = errors.New("trace: no span context found in the carrier")
	// ErrSpanContextCorrupted: the carrier holds a span context that cannot
	// be read.
	ErrSpanContextCorrupted = errors.New("trace: the span context in the carrier is corrupted")
	// ErrInvalidCarrier: the carrier is not a TextMapReader or TextMapWriter.
	ErrInvalidCarrier = errors.New("trace: invalid carrier")
	// ErrInvalidSpanContext: there is no valid span context to inject.
	ErrInvalidSpanContext = errors.New("trace: invalid span context")
)

// TextMapReader is a carrier that Extract reads: HTTP headers, gRPC
// metadata, message headers... ForeachKey calls handler once per key and
// value, stopping at the first error handler returns.
type TextMapReader interface {
	ForeachKey(handler func(key, val string) error) error
}

// TextMapWriter is a carrier that Inject writes to.
type TextMapWriter interface {
	Set(key, val string)
}

// HeaderCarrier adapts http.Header as a carrier. Keys are matched without
// regard to case, as HTTP requires, and repeated fields are combined as RFC
// 9110 says.
type HeaderCarrier http.Header

// Set replaces the header key with val.
func (c HeaderCarrier) Set(key, val string) {
	if k, ok := canonical[key]; ok {
		c[k] = []string{val} // a known name: no conversion to allocate
		return
	}
	http.Header(c).Set(key, val)
}

// ForeachKey calls handler for every value of every header.
func (c HeaderCarrier) ForeachKey(handler func(key, val string) error) error {
	for k, vals := range c {
		for _, v := range vals {
			if err := handler(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// MapCarrier adapts a map[string]string as a carrier, such as message
// headers or anything with string keys and values.
type MapCarrier map[string]string

// Set sets key to val.
func (c MapCarrier) Set(key, val string) { c[key] = val }

// ForeachKey calls handler for every entry.
func (c MapCarrier) ForeachKey(handler func(key, val string) error) error {
	for k, v := range c {
		if err := handler(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Propagator moves a SpanContext across process boundaries through a
// carrier. Implementations must be safe for concurrent use.
type Propagator interface {
	// Inject writes sc into w. It returns ErrInvalidSpanContext when sc
	// has no ids.
	Inject(sc SpanContext, w TextMapWriter) error
	// Extract reads a SpanContext from r, returning ErrSpanContextNotFound
	// when r holds none and ErrSpanContextCorrupted when what it holds
	// cannot be read.
	Extract(r TextMapReader) (SpanContext, error)
}

// Inject writes the span context carried by ctx (its active span, or a
// remote parent) into carrier, with the propagator of the tracer that owns
// the span, or of Default. Like every outgoing request, it goes out with
// the active span as its parent.
func Inject(ctx context.Context, carrier TextMapWriter) error {
	t := Default()
	if s := SpanFromContext(ctx); s != nil {
		t = s.tracer
	}
	return t.Inject(ctx, carrier)
}

// Extract reads a span context from carrier with Default's propagator and
// returns ctx carrying it as the remote parent of the next span started
// from it. When the carrier holds no usable context, ctx is returned as it
// is; ExtractSpanContext says why.
func Extract(ctx context.Context, carrier TextMapReader) context.Context {
	return Default().Extract(ctx, carrier)
}

// Inject writes the span context carried by ctx into carrier with t's
// propagator.
func (t *Tracer) Inject(ctx context.Context, carrier TextMapWriter) error {
	if carrier == nil {
		return ErrInvalidCarrier
	}
	return t.InjectSpanContext(SpanContextFromContext(ctx), carrier)
}

// InjectSpanContext writes sc into carrier with t's propagator: Inject for
// a span context held apart from a context.Context, such as one that
// ExtractSpanContext or Span.Context returned.
func (t *Tracer) InjectSpanContext(sc SpanContext, carrier TextMapWriter) error {
	if carrier == nil {
		return ErrInvalidCarrier
	}
	if !sc.IsValid() && sc.baggage == nil {
		return ErrInvalidSpanContext
	}
	return t.propagator().Inject(sc, carrier)
}

// Extract reads a span context from carrier with t's propagator and
// returns ctx carrying it as the remote parent of the next span.
func (t *Tracer) Extract(ctx context.Context, carrier TextMapReader) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	sc, err := t.ExtractSpanContext(carrier)
	if err != nil {
		return ctx
	}
	return ContextWithSpanContext(ctx, sc)
}

// ExtractSpanContext reads a span context from carrier with t's propagator.
func (t *Tracer) ExtractSpanContext(carrier TextMapReader) (SpanContext, error) {
	if carrier == nil {
		return SpanContext{}, ErrInvalidCarrier
	}
	return t.propagator().Extract(carrier)
}

func (t *Tracer) propagator() Propagator {
	if t != nil && t.cfg.propagator != nil {
		return t.cfg.propagator
	}
	return defaultPropagator()
}

// Tags that propagation sets on the local root span, with dd-trace-go's
// names.
const (
	tagParentID         = "_dd.parent_id"         // the last Datadog span upstream, when a W3C proxy came between
	tagPropagationError = "_dd.propagation_error" // why x-datadog-tags was not read or not written
)

// setPropagationError records an injection problem on the trace's local
// root, as dd-trace-go does.
func (sc SpanContext) setPropagationError(reason string) {
	if sc.span == nil {
		return
	}
	if root := sc.span.trace.root(); root != nil {
		root.SetTag(tagPropagationError, reason)
	}
}
