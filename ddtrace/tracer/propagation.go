package tracer

import (
	"github.com/ctxtrace/trace"
)

// TextMapWriter is a carrier Inject writes to.
type TextMapWriter = trace.TextMapWriter

// TextMapReader is a carrier Extract reads from.
type TextMapReader = trace.TextMapReader

// HTTPHeadersCarrier adapts http.Header as a carrier.
type HTTPHeadersCarrier = trace.HeaderCarrier

// TextMapCarrier adapts a map[string]string as a carrier.
type TextMapCarrier = trace.MapCarrier

// Propagation errors, the same values as the trace package's.
var (
	ErrSpanContextNotFound  = trace.ErrSpanContextNotFound
	ErrSpanContextCorrupted = trace.ErrSpanContextCorrupted
	ErrInvalidCarrier       = trace.ErrInvalidCarrier
	ErrInvalidSpanContext   = trace.ErrInvalidSpanContext
)

// Inject writes ctx into carrier, which must be a TextMapWriter, with the
// global tracer's propagator.
func Inject(ctx SpanContext, carrier any) error {
	w, ok := carrier.(TextMapWriter)
	if !ok {
		return ErrInvalidCarrier
	}
	sc := contextOf(ctx)
	if !sc.IsValid() {
		return ErrInvalidSpanContext
	}
	return trace.Default().InjectSpanContext(sc, w)
}

// Extract reads a span context from carrier, which must be a
// TextMapReader, with the global tracer's propagator.
func Extract(carrier any) (SpanContext, error) {
	r, ok := carrier.(TextMapReader)
	if !ok {
		return nil, ErrInvalidCarrier
	}
	sc, err := trace.Default().ExtractSpanContext(r)
	if err != nil {
		return nil, err
	}
	return spanContext{sc}, nil
}
