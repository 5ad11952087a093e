package opentelemetry

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	oteltrace "go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/ddconv"
)

var _ oteltrace.Span = (*span)(nil)

// span implements OpenTelemetry's trace.Span over a trace.Span. Tags,
// events and links go to the trace span as they come; what Datadog
// decides only at the end (the operation name, the status and its error)
// waits in the fields below. The embedded noop.Span keeps it compatible
// with methods OpenTelemetry adds later.
type span struct {
	noop.Span
	s        *trace.Span
	provider *TracerProvider
	kind     oteltrace.SpanKind

	mu      sync.Mutex
	ended   bool
	naming  naming
	status  otelcodes.Code
	desc    string                // the status description, with Error only
	endOpts []tracer.FinishOption // from EndOptions
}

// Tags for the status, as the Datadog Agent names them when it converts
// OTLP spans.
const (
	tagOTelStatusCode = "otel.status_code"
	tagOTelStatusDesc = "otel.status_description"
)

// noteStart records the start attributes and the tags of
// ContextWithStartOptions for the decisions taken at the end.
func (s *span) noteStart(attrs []attribute.KeyValue, ddTags map[string]any) {
	for _, a := range attrs {
		if _, given := ddTags[string(a.Key)]; !given {
			s.naming.noteText(string(a.Key), a.Value.AsString(), a.Value.Type() == attribute.STRING)
		}
	}
	for k, v := range ddTags {
		s.naming.note(k, v)
	}
}

// End ends the span. Its operation name is then decided: operation.name
// (or span.name) if given, else derived from its kind and attributes (see
// the package doc). A status of Error marks it as an error, with the
// description as error.message. The first call counts; later ones do
// nothing. trace.WithTimestamp sets the end time (a FinishTime given to
// EndOptions wins). Called while a panic unwinds (defer span.End()), it
// records the panic as an "exception" event, as OpenTelemetry's SDK does,
// and lets the panic go on.
func (s *span) End(options ...oteltrace.SpanEndOption) {
	if r := recover(); r != nil {
		s.recordPanic(r, options)
		defer panic(r)
	}
	cfg := oteltrace.NewSpanEndConfig(options...)
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	n, status, desc, endOpts := s.naming, s.status, s.desc, s.endOpts
	s.mu.Unlock()

	name, internal := n.name, false
	if name == "" {
		name, internal = n.operation(s.kind)
		if internal {
			s.s.SetTag(tagSpanKind, "internal") // a constant: no allocation
		}
	}
	s.s.SetName(name)
	var opts []trace.FinishOption
	if ts := cfg.Timestamp(); !ts.IsZero() {
		opts = append(opts, trace.FinishTime(ts))
	}
	switch status {
	case otelcodes.Ok:
		s.s.SetTag(tagOTelStatusCode, "Ok")
	case otelcodes.Error:
		s.s.SetTag(tagOTelStatusCode, "Error")
		if desc != "" {
			s.s.SetTag(tagOTelStatusDesc, desc)
		}
		if n.errTags&errMessage == 0 {
			s.s.SetTag(tagErrorMessage, desc)
		}
		if n.errTags != 0 {
			// Error tags given as attributes stay as they are
			// (DataDog/dd-trace-go#3708): mark the error only.
			s.s.SetTag(tagError, true)
		} else {
			opts = append(opts, trace.WithError(errors.New(desc)))
		}
	}
	if len(endOpts) > 0 {
		opts = append(opts, ddconv.FinishOptions(endOpts)...)
	}
	s.s.Finish(opts...)
}

// recordPanic records a panic that End found unwinding.
func (s *span) recordPanic(r any, options []oteltrace.SpanEndOption) {
	attrs := []attribute.KeyValue{
		attribute.String("exception.type", typeName(r)),
		attribute.String("exception.message", fmt.Sprint(r)),
	}
	if cfg := oteltrace.NewSpanEndConfig(options...); cfg.StackTrace() {
		attrs = append(attrs, attribute.String("exception.stacktrace", stackTrace()))
	}
	s.AddEvent("exception", oteltrace.WithAttributes(attrs...))
}

// typeName names v's type as OpenTelemetry's SDK does in
// exception.type: the package path and name, or the type's text for an
// unnamed one (*errors.errorString) or a predeclared one ("string", where
// the SDK writes ".string").
func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return "<nil>"
	}
	if t.PkgPath() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}

// stackTrace returns the goroutine's stack, at most 2 KiB, as
// OpenTelemetry's SDK records it.
func stackTrace() string {
	buf := make([]byte, 2048)
	return string(buf[:runtime.Stack(buf, false)])
}

// AddEvent adds an event: a span event of the Datadog span, sent as
// dd-trace-go sends them (natively, or as the "events" tag when the Agent
// does not take them). Without trace.WithTimestamp it happened now.
// Ignored after End.
func (s *span) AddEvent(name string, options ...oteltrace.EventOption) {
	if !s.IsRecording() {
		return
	}
	cfg := oteltrace.NewEventConfig(options...)
	s.s.AddEvent(trace.Event{Name: name, Time: cfg.Timestamp(), Attributes: eventAttributes(cfg.Attributes())})
}

// RecordError records err as an "exception" event with exception.type,
// exception.message and, with trace.WithStackTrace(true),
// exception.stacktrace, as OpenTelemetry's SDK (and dd-trace-go from
// v2.12) does. Like them, it leaves the status alone: call SetStatus to
// mark the span as an error. A nil err, or a call after End, does nothing.
func (s *span) RecordError(err error, options ...oteltrace.EventOption) {
	if err == nil || !s.IsRecording() {
		return
	}
	options = append(options, oteltrace.WithAttributes(
		attribute.String("exception.type", typeName(err)),
		attribute.String("exception.message", err.Error()),
	))
	if cfg := oteltrace.NewEventConfig(options...); cfg.StackTrace() {
		options = append(options, oteltrace.WithAttributes(attribute.String("exception.stacktrace", stackTrace())))
	}
	s.AddEvent("exception", options...)
}

// AddLink adds a span link, as trace.WithLinks does at start. Ignored
// after End, and for a link without valid ids.
func (s *span) AddLink(link oteltrace.Link) {
	if s.IsRecording() {
		s.s.AddLink(traceLink(link))
	}
}

// IsRecording reports whether the span records: until End.
func (s *span) IsRecording() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.ended
}

// SpanContext returns the span's context as OpenTelemetry sees it; see
// the package doc. It stays valid after End.
func (s *span) SpanContext() oteltrace.SpanContext { return otelContext(s.s.Context()) }

// SetStatus sets the status, unless a higher one was set before (Ok >
// Error > Unset): Ok wins over Error, and Unset changes nothing. The
// description is kept with Error only. It applies at End; ignored after
// it, and for a code OpenTelemetry does not define.
func (s *span) SetStatus(code otelcodes.Code, description string) {
	if code != otelcodes.Error && code != otelcodes.Ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended || s.status == otelcodes.Ok {
		return
	}
	s.status, s.desc = code, ""
	if code == otelcodes.Error {
		s.desc = description
	}
}

// SetName renames the span. The OpenTelemetry span name is its Datadog
// resource, from Start on: SetName sets the resource, as dd-trace-go does
// under DD_TRACE_OTEL_SEMANTICS_ENABLED and the Datadog Agent does with
// OTLP spans. (dd-trace-go v1.74.8 made the name, lowercased, the
// operation name instead; set the attribute operation.name for that.)
// Ignored after End.
func (s *span) SetName(name string) {
	if s.IsRecording() {
		s.s.SetResource(name)
	}
}

// SetAttributes sets each attribute as a tag, as the start attributes are
// (see the package doc for the value kinds and the keys with a meaning of
// their own), replacing a tag of the same key. Ignored after End.
func (s *span) SetAttributes(kv ...attribute.KeyValue) {
	for _, a := range kv {
		k, v := reserved(string(a.Key), a.Value)
		if k == "" {
			continue
		}
		s.mu.Lock()
		ended := s.ended
		if !ended {
			s.naming.note(k, v)
		}
		s.mu.Unlock()
		if ended {
			return
		}
		s.s.SetTag(k, v)
	}
}

// TracerProvider returns the provider whose Tracer started the span.
func (s *span) TracerProvider() oteltrace.TracerProvider { return s.provider }
