package opentelemetry

import (
	"context"

	oteltrace "go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/ddconv"
)

var _ oteltrace.Tracer = (*oteltracer)(nil)

// oteltracer implements OpenTelemetry's trace.Tracer for a TracerProvider.
// The embedded noop.Tracer keeps it compatible with methods OpenTelemetry
// adds later.
type oteltracer struct {
	noop.Tracer
	provider *TracerProvider
}

// tagSpanKind is Datadog's tag for OpenTelemetry's span kind
// (ext.SpanKind).
const tagSpanKind = "span.kind"

// Start starts a span named name (its Datadog resource; the operation
// name is derived when it ends, see the package doc) and returns a context
// that carries it both as OpenTelemetry's active span and as the trace
// package's, so that spans started from it with either API are its
// children. Its parent is, in order: none with trace.WithNewRoot; a ChildOf
// given to ContextWithStartOptions; the trace package's span in ctx
// (tracer.StartSpanFromContext's, or one of ours); OpenTelemetry's span in
// ctx, ours or another's, or a remote span context (an OpenTelemetry
// propagator's Extract), whose W3C flags and tracestate bring the sampling
// decision, origin and propagated tags. A nil ctx means
// context.Background(). After the provider's Shutdown, or with a tracer
// that records nothing, it returns a no-op span that carries the parent's
// span context, as OpenTelemetry's no-op tracer does.
func (t *oteltracer) Start(ctx context.Context, name string, opts ...oteltrace.SpanStartOption) (context.Context, oteltrace.Span) {
	if ctx == nil {
		ctx = context.Background()
	}
	p := t.provider
	if p.stopped.Load() {
		return t.Tracer.Start(ctx, name, opts...)
	}
	cfg := oteltrace.NewSpanStartConfig(opts...)
	dd := startConfigFrom(ctx)
	sctx := ctx
	var ddTags map[string]any
	if dd != nil {
		// The options are for this span, not for its children.
		sctx = context.WithValue(ctx, startOptionsKey{}, []ddtrace.StartSpanOption(nil))
		ddTags = dd.Tags
	}
	sopts := spanOptions(ctx, &cfg, dd)
	var s *trace.Span
	if p.t != nil {
		sctx, s = p.t.Start(sctx, name, sopts...)
	} else {
		sctx, s = trace.Start(sctx, name, sopts...)
	}
	if s == nil {
		return t.Tracer.Start(ctx, name, opts...)
	}
	sp := &span{s: s, provider: p, kind: validKind(cfg.SpanKind())}
	sp.noteStart(cfg.Attributes(), ddTags)
	sctx = mergeBaggage(sctx, s)
	return oteltrace.ContextWithSpan(sctx, sp), sp
}

// validKind returns k, or SpanKindInternal for a value OpenTelemetry does
// not define, as its SDK does; SpanKindUnspecified stays unspecified.
func validKind(k oteltrace.SpanKind) oteltrace.SpanKind {
	if k == oteltrace.SpanKindUnspecified {
		return k
	}
	return oteltrace.ValidateSpanKind(k)
}

// spanOptions returns the trace package's options for a span started in
// ctx with cfg and the Datadog options dd (nil for none): its parent when
// trace.Start would not find it in ctx, start time, the span.kind tag, the
// start attributes as tags (but those dd tags too, which win, as in
// dd-trace-go), links, then dd's options, which win over the rest. A span
// that needs none of them costs no allocation here.
func spanOptions(ctx context.Context, cfg *oteltrace.SpanConfig, dd *ddtrace.StartSpanConfig) []trace.SpanOption {
	attrs, links := cfg.Attributes(), cfg.Links()
	var ddTags map[string]any
	var out []trace.SpanOption
	if dd != nil {
		ddTags = dd.Tags
		out = make([]trace.SpanOption, 0, 4+len(attrs)+len(ddTags))
	} else if n := len(attrs) + len(links); n > 0 || cfg.SpanKind() != oteltrace.SpanKindUnspecified || !cfg.Timestamp().IsZero() {
		out = make([]trace.SpanOption, 0, 3+n)
	}
	if parent, ok := parentOf(ctx, cfg); ok {
		out = append(out, trace.ChildOf(parent))
	}
	if ts := cfg.Timestamp(); !ts.IsZero() {
		out = append(out, trace.StartTime(ts))
	}
	if k := validKind(cfg.SpanKind()); k != oteltrace.SpanKindUnspecified {
		out = append(out, trace.Tag(tagSpanKind, k.String()))
	}
	for _, a := range attrs {
		if _, given := ddTags[string(a.Key)]; given {
			continue
		}
		out = append(out, trace.Tag(string(a.Key), tagValue(a.Value)))
	}
	if len(links) > 0 {
		out = append(out, trace.WithLinks(traceLinks(links)...))
	}
	if dd != nil {
		out = append(out, ddconv.SpanOptions(dd, parentContext)...)
	}
	return out
}

// parentOf returns the parent a span started in ctx must be given, when
// trace.Start would not find it in ctx itself: none (a new root) for
// WithNewRoot; the span of ours that OpenTelemetry's context carries when
// the trace package's does not (a span moved to another context with
// trace.ContextWithSpan), whose trace the new span joins; a foreign or
// remote OpenTelemetry span context, read as W3C Trace Context. The trace
// package's span in ctx comes first, as in dd-trace-go.
func parentOf(ctx context.Context, cfg *oteltrace.SpanConfig) (trace.SpanContext, bool) {
	if cfg.NewRoot() {
		return trace.SpanContext{}, true
	}
	if trace.SpanFromContext(ctx) != nil {
		return trace.SpanContext{}, false
	}
	os := oteltrace.SpanFromContext(ctx)
	if s, ok := os.(*span); ok {
		return s.s.Context(), true
	}
	if sc := os.SpanContext(); sc.IsValid() {
		return remoteContext(sc)
	}
	return trace.SpanContext{}, false
}

// parentContext converts the parent of a ChildOf given to
// ContextWithStartOptions: a span context of the tracer package is the
// trace package's context it wraps, so the span joins its parent's trace
// in process; any other is a remote parent with its ids and baggage, as
// tracer.ChildOf takes it.
func parentContext(sc ddtrace.SpanContext) trace.SpanContext {
	if c, ok := sc.(interface{ TraceContext() trace.SpanContext }); ok {
		return c.TraceContext()
	}
	return ddconv.RemoteContext(sc)
}
