package opentelemetry

import (
	"context"
	"slices"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// startOptionsKey is the context key of ContextWithStartOptions' options.
type startOptionsKey struct{}

// ContextWithStartOptions returns a copy of ctx that carries Datadog's
// start options for the next span an OpenTelemetry Tracer of this package
// starts from it (and not for that span's children): dd-trace-go's
// ContextWithStartOptions. They win over the span's start attributes of
// the same keys and over its parent, start time and resource. Without
// options it returns ctx; a nil ctx means context.Background().
func ContextWithStartOptions(ctx context.Context, opts ...tracer.StartSpanOption) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(opts) == 0 {
		return ctx
	}
	return context.WithValue(ctx, startOptionsKey{}, opts)
}

// startConfigFrom applies the options ContextWithStartOptions left in ctx;
// nil when there are none, the common case, which allocates nothing.
func startConfigFrom(ctx context.Context) *ddtrace.StartSpanConfig {
	opts, _ := ctx.Value(startOptionsKey{}).([]ddtrace.StartSpanOption)
	if len(opts) == 0 {
		return nil
	}
	cfg := new(ddtrace.StartSpanConfig)
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	return cfg
}

// EndOptions sets Datadog's finish options (tracer.WithError,
// tracer.FinishTime, tracer.NoDebugStack, tracer.StackFrames) that span
// applies when it ends, replacing those set before: dd-trace-go's
// EndOptions. A FinishTime wins over End's trace.WithTimestamp, and an
// error given with WithError over the one SetStatus describes. It does
// nothing to a span that has ended or that this package did not start.
func EndOptions(sp oteltrace.Span, options ...tracer.FinishOption) {
	s, ok := sp.(*span)
	if !ok {
		return
	}
	s.mu.Lock()
	if !s.ended {
		s.endOpts = slices.Clone(options)
	}
	s.mu.Unlock()
}
