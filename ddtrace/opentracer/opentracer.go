// Package opentracer bridges OpenTracing to trace, at dd-trace-go's path:
// New starts the tracer as tracer.Start does and returns an
// opentracing.Tracer whose spans are trace spans, exported, sampled and
// propagated like any other; Wrap does the same over a *trace.Tracer of
// your own. It is its own module so that the root module never requires
// github.com/opentracing/opentracing-go.
//
//	ot := opentracer.New(tracer.WithService("billing")) // as with dd-trace-go
//	defer tracer.Stop()
//	opentracing.SetGlobalTracer(ot)
//
//	ot = opentracer.Wrap(trace.New(trace.WithService("billing")))
//
// Spans started through the bridge and spans started with trace.Start join
// the same traces: opentracing.ContextWithSpan and trace.SpanFromContext
// see each other's spans (see ContextWithSpan and SpanFromContext here).
// Carriers of the TextMap and HTTPHeaders formats use the tracer's
// propagator (Datadog, W3C Trace Context, B3 ...); the Binary format writes
// the same headers, length-prefixed, to an io.Writer.
//
// Span logs (LogFields, LogKV) have no place in Datadog's span model: a
// field named "error" or "error.object" holding an error, or an "event"
// field of "error", marks the span as an error, as dd-trace-go's
// opentracer does; every other log is dropped.
package opentracer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/opentracing/opentracing-go"
	otlog "github.com/opentracing/opentracing-go/log"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// New starts the global tracer with opts, as tracer.Start does, and
// returns an opentracing.Tracer over it: dd-trace-go's opentracer.New. Stop
// it with tracer.Stop.
func New(opts ...tracer.StartOption) opentracing.Tracer {
	tracer.Start(opts...)
	return Wrap(nil)
}

// Wrap returns an opentracing.Tracer over t; a nil t means trace.Default()
// at the time of each call (the tracer tracer.Start made, if it ran).
func Wrap(t *trace.Tracer) opentracing.Tracer { return &Tracer{t: t} }

// Tracer implements opentracing.Tracer over a trace.Tracer.
type Tracer struct{ t *trace.Tracer }

func (t *Tracer) tracer() *trace.Tracer {
	if t.t != nil {
		return t.t
	}
	return trace.Default()
}

// StartSpan starts a span. A ChildOf or FollowsFrom reference makes it a
// child of that span context (the first such reference wins; Datadog spans
// have one parent); with none, it starts a new trace.
func (t *Tracer) StartSpan(name string, opts ...opentracing.StartSpanOption) opentracing.Span {
	var so opentracing.StartSpanOptions
	for _, o := range opts {
		if o != nil {
			o.Apply(&so)
		}
	}
	var sopts []trace.SpanOption
	if !so.StartTime.IsZero() {
		sopts = append(sopts, trace.StartTime(so.StartTime))
	}
	for _, ref := range so.References {
		if sc, ok := ref.ReferencedContext.(spanContext); ok && sc.sc.IsValid() {
			sopts = append(sopts, trace.ChildOf(sc.sc))
			break
		}
	}
	for _, k := range slices.Sorted(maps.Keys(so.Tags)) {
		sopts = append(sopts, trace.Tag(k, so.Tags[k]))
	}
	_, s := t.tracer().Start(context.Background(), name, sopts...)
	return &span{s: s, t: t}
}

// Inject writes sc into carrier. TextMap and HTTPHeaders carriers must be
// opentracing.TextMapWriter; a Binary carrier must be an io.Writer.
func (t *Tracer) Inject(sc opentracing.SpanContext, format any, carrier any) error {
	c, ok := sc.(spanContext)
	if !ok {
		return opentracing.ErrInvalidSpanContext
	}
	ctx := trace.ContextWithSpanContext(context.Background(), c.sc)
	switch format {
	case opentracing.TextMap, opentracing.HTTPHeaders:
		w, ok := carrier.(opentracing.TextMapWriter)
		if !ok {
			return opentracing.ErrInvalidCarrier
		}
		return translate(t.tracer().Inject(ctx, w))
	case opentracing.Binary:
		return injectBinary(t.tracer(), ctx, carrier)
	}
	return opentracing.ErrUnsupportedFormat
}

// Extract reads a span context from carrier, in the format Inject wrote.
func (t *Tracer) Extract(format any, carrier any) (opentracing.SpanContext, error) {
	var r trace.TextMapReader
	switch format {
	case opentracing.TextMap, opentracing.HTTPHeaders:
		tr, ok := carrier.(opentracing.TextMapReader)
		if !ok {
			return nil, opentracing.ErrInvalidCarrier
		}
		r = tr
	case opentracing.Binary:
		m, err := readBinary(carrier)
		if err != nil {
			return nil, err
		}
		r = m
	default:
		return nil, opentracing.ErrUnsupportedFormat
	}
	sc, err := t.tracer().ExtractSpanContext(r)
	if err != nil {
		return nil, translate(err)
	}
	return spanContext{sc: sc}, nil
}

// translate maps trace's propagation errors to OpenTracing's.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, trace.ErrSpanContextNotFound):
		return opentracing.ErrSpanContextNotFound
	case errors.Is(err, trace.ErrSpanContextCorrupted):
		return fmt.Errorf("%w: %w", opentracing.ErrSpanContextCorrupted, err)
	case errors.Is(err, trace.ErrInvalidCarrier):
		return opentracing.ErrInvalidCarrier
	case errors.Is(err, trace.ErrInvalidSpanContext):
		return opentracing.ErrInvalidSpanContext
	}
	return err
}

// spanContext implements opentracing.SpanContext.
type spanContext struct{ sc trace.SpanContext }

// ForeachBaggageItem calls handler for each baggage item until it returns
// false.
func (c spanContext) ForeachBaggageItem(handler func(k, v string) bool) {
	for k, v := range c.sc.Baggage() {
		if !handler(k, v) {
			return
		}
	}
}

// SpanContext returns the trace.SpanContext behind an OpenTracing span
// context made by this package, and false for any other.
func SpanContext(sc opentracing.SpanContext) (trace.SpanContext, bool) {
	c, ok := sc.(spanContext)
	return c.sc, ok
}

// span implements opentracing.Span.
type span struct {
	s *trace.Span
	t *Tracer
}

func (s *span) Finish() { s.s.Finish() }

func (s *span) FinishWithOptions(opts opentracing.FinishOptions) {
	for _, r := range opts.LogRecords {
		s.LogFields(r.Fields...)
	}
	for _, l := range opts.BulkLogData { //nolint:staticcheck // part of the interface
		s.LogFields(l.ToLogRecord().Fields...)
	}
	if opts.FinishTime.IsZero() {
		s.s.Finish()
		return
	}
	s.s.Finish(trace.FinishTime(opts.FinishTime))
}

func (s *span) Context() opentracing.SpanContext { return spanContext{sc: s.s.Context()} }

func (s *span) SetOperationName(name string) opentracing.Span {
	s.s.SetName(name)
	return s
}

func (s *span) SetTag(key string, value any) opentracing.Span {
	if key == "error" {
		// ext.Error: a bool marks or clears the error; an error value is
		// recorded as the span's error.
		switch v := value.(type) {
		case error:
			s.s.SetError(v)
			return s
		}
	}
	s.s.SetTag(key, value)
	return s
}

func (s *span) LogFields(fields ...otlog.Field) {
	isError := false
	var err error
	for _, f := range fields {
		switch f.Key() {
		case "event":
			if v, ok := f.Value().(string); ok && v == "error" {
				isError = true
			}
		case "error", "error.object":
			if e, ok := f.Value().(error); ok {
				err = e
			}
		}
	}
	switch {
	case err != nil:
		s.s.SetError(err)
	case isError:
		s.s.SetTag("error", true)
	}
}

func (s *span) LogKV(kv ...any) {
	fields, err := otlog.InterleavedKVToFields(kv...)
	if err != nil {
		return // an odd or non-string key: logs are best effort
	}
	s.LogFields(fields...)
}

func (s *span) SetBaggageItem(key, value string) opentracing.Span {
	s.s.SetBaggageItem(key, value)
	return s
}

func (s *span) BaggageItem(key string) string { return s.s.BaggageItem(key) }

func (s *span) Tracer() opentracing.Tracer { return s.t }

func (s *span) LogEvent(event string) { s.LogFields(otlog.String("event", event)) }

func (s *span) LogEventWithPayload(event string, payload any) {
	// Only an error event means anything to a Datadog span (see the
	// package doc); its payload goes where LogFields looks for an error.
	if event == "error" {
		s.LogFields(otlog.String("event", event), otlog.Object("error.object", payload))
	}
}

func (s *span) Log(data opentracing.LogData) { s.LogFields(data.ToLogRecord().Fields...) } //nolint:staticcheck

// Span returns the trace.Span behind an OpenTracing span made by this
// package, and nil for any other.
func Span(s opentracing.Span) *trace.Span {
	if sp, ok := s.(*span); ok {
		return sp.s
	}
	return nil
}

// ContextWithSpan returns ctx carrying s both ways: for opentracing
// (opentracing.SpanFromContext) and for trace (trace.SpanFromContext), so
// that spans started by either API become its children.
func ContextWithSpan(ctx context.Context, s opentracing.Span) context.Context {
	if ts := Span(s); ts != nil {
		ctx = trace.ContextWithSpan(ctx, ts)
	}
	return opentracing.ContextWithSpan(ctx, s)
}

// SpanFromContext returns an OpenTracing view of the innermost span in
// ctx, whichever API started it: a span started with trace.Start under an
// OpenTracing span wins over that span, since it is its child. Without a
// span of this package's making it returns opentracing.SpanFromContext's.
func SpanFromContext(ctx context.Context, t opentracing.Tracer) opentracing.Span {
	os := opentracing.SpanFromContext(ctx)
	ts := trace.SpanFromContext(ctx)
	if ts == nil || Span(os) == ts {
		return os
	}
	bt, _ := t.(*Tracer)
	if bt == nil {
		bt = &Tracer{}
	}
	return &span{s: ts, t: bt}
}
