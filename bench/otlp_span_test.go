// The OpenTelemetry SDK exporting with otlptracehttp in the span workloads.

package bench

import (
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"
)

func init() {
	// The span workloads: as "otel", exporting with otlptracehttp to the
	// in-process discarding destination instead of to a discarding
	// SpanExporter, behind the batch span processor with its defaults
	// (otel-otlp: it drops what does not fit its queue) or blocking when
	// its queue is full (otel-otlp-blocking: it exports every span, as
	// ours does; see exported%).
	for _, c := range []struct {
		name  string
		rank  int
		setup otelSetup
	}{
		{"otel-otlp", 4, otelOTLP()},
		{"otel-otlp-blocking", 6, otelOTLP(sdktrace.WithBlocking())},
	} {
		register(contender{name: c.name, rank: c.rank,
			root: otelRootWith(c.setup), rootParallel: otelRootParallelWith(c.setup), child: otelChildWith(c.setup)})
	}
}

// otelOTLP is the setup of the otel-otlp columns: otlptracehttp sending
// to the in-process discarding destination, behind a batch span processor
// with opts.
func otelOTLP(opts ...sdktrace.BatchSpanProcessorOption) otelSetup {
	return func(b *testing.B) (*sdktrace.TracerProvider, oteltrace.Tracer, func() int64) {
		tp, tr, counted := newOtelOTLPCounted(b, sharedDiscardOTLP().srv.URL, opts...)
		return tp, tr, counted.spans.Load
	}
}
