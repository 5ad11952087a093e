package ddtrace

import "time"

// SpanWithEvents is a Span that records events: things that happened at a
// moment during the span.
type SpanWithEvents interface {
	Span
	// AddEvent records an event named name.
	AddEvent(name string, opts ...SpanEventOption)
}

// SpanEventConfig is what SpanEventOptions fill in.
type SpanEventConfig struct {
	// Time is when the event happened; the zero time means now.
	Time time.Time
	// Attributes describe the event: strings, bools, integers, floats, and
	// slices of those.
	Attributes map[string]any
}

// SpanEventOption configures an event.
type SpanEventOption func(cfg *SpanEventConfig)

// WithSpanEventTimestamp sets when the event happened.
func WithSpanEventTimestamp(tStamp time.Time) SpanEventOption {
	return func(cfg *SpanEventConfig) { cfg.Time = tStamp }
}

// WithSpanEventAttributes sets the event's attributes.
func WithSpanEventAttributes(attributes map[string]any) SpanEventOption {
	return func(cfg *SpanEventConfig) { cfg.Attributes = attributes }
}

// AddSpanEvent records an event on span, when span records events (the
// tracer package's spans do); otherwise it does nothing.
func AddSpanEvent(span Span, name string, opts ...SpanEventOption) {
	if s, ok := span.(SpanWithEvents); ok {
		s.AddEvent(name, opts...)
	}
}
