package opentelemetry

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	oteltrace "go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

var _ oteltrace.TracerProvider = (*TracerProvider)(nil)

// TracerProvider implements OpenTelemetry's trace.TracerProvider over a
// trace.Tracer: the global one that NewTracerProvider starts, as
// dd-trace-go's does, or one given to Wrap. It hands out one Tracer,
// whatever name and options it is asked for.
//
// The embedded noop.TracerProvider is how OpenTelemetry asks API
// implementations to stay compatible with methods it adds later: they do
// nothing until this package implements them.
type TracerProvider struct {
	noop.TracerProvider

	t       *trace.Tracer // nil: trace.Default() at each call
	global  bool          // made by NewTracerProvider: Shutdown stops the global tracer
	tracer  *oteltracer
	stopped atomic.Bool
	once    sync.Once
	err     error // of the first Shutdown
}

// NewTracerProvider starts the global tracer with opts, as tracer.Start
// does, and returns a TracerProvider over it: dd-trace-go's
// NewTracerProvider. Spans its Tracer starts belong to the tracer of the
// span in their context, or to trace.Default(), like those of
// tracer.StartSpanFromContext. Stop it with Shutdown (or tracer.Stop).
func NewTracerProvider(opts ...tracer.StartOption) *TracerProvider {
	tracer.Start(opts...)
	p := &TracerProvider{global: true}
	p.tracer = &oteltracer{provider: p}
	return p
}

// Wrap returns a TracerProvider over t, a tracer of your own made with
// trace.New; a nil t means trace.Default() at each call. Its Shutdown shuts
// t down.
func Wrap(t *trace.Tracer) *TracerProvider {
	p := &TracerProvider{t: t}
	p.tracer = &oteltracer{provider: p}
	return p
}

// Tracer returns the provider's one Tracer. The instrumentation name and
// the options (WithInstrumentationVersion, WithSchemaURL,
// WithInstrumentationAttributes) are accepted and ignored, as in
// dd-trace-go: Datadog spans have no place for them. After Shutdown it
// returns a no-op Tracer.
func (p *TracerProvider) Tracer(_ string, _ ...oteltrace.TracerOption) oteltrace.Tracer {
	if p == nil || p.stopped.Load() {
		return noop.NewTracerProvider().Tracer("")
	}
	return p.tracer
}

// shutdownTimeout bounds how long Shutdown waits for a wrapped tracer to
// export what it holds, as tracer.Stop bounds it for the global one.
const shutdownTimeout = 10 * time.Second

// Shutdown stops the tracer: the global one for a provider made by
// NewTracerProvider (tracer.Stop), the wrapped one for Wrap's (within ten
// seconds). From then on the provider's Tracers start no-op spans. Later
// calls do nothing and return the first one's result. Like dd-trace-go's,
// a provider made by NewTracerProvider always returns nil.
func (p *TracerProvider) Shutdown() error {
	if p == nil {
		return nil
	}
	p.once.Do(func() {
		p.stopped.Store(true) // first, so that no span starts while the tracer stops
		switch {
		case p.global:
			tracer.Stop()
		case p.t != nil:
			ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			defer cancel()
			if err := p.t.Shutdown(ctx); err != nil {
				p.err = fmt.Errorf("opentelemetry: shutting the tracer down: %w", err)
			}
		}
	})
	return p.err
}

// ForceFlush exports the finished spans the tracer holds and waits for
// them, at most timeout, then calls callback (when not nil) with whether
// they were all taken in time. After Shutdown it logs a warning and
// calls callback with false; dd-trace-go does not call it then.
func (p *TracerProvider) ForceFlush(timeout time.Duration, callback func(ok bool)) {
	ok := false
	if p == nil || p.stopped.Load() {
		slog.Warn("opentelemetry: ForceFlush called after the TracerProvider was shut down")
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		ok = p.traceTracer().Flush(ctx) == nil
		cancel()
	}
	if callback != nil {
		callback(ok)
	}
}

// traceTracer returns the tracer spans are flushed with: the wrapped one,
// or the default.
func (p *TracerProvider) traceTracer() *trace.Tracer {
	if p.t != nil {
		return p.t
	}
	return trace.Default()
}
