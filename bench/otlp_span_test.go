// The OpenTelemetry SDK exporting with otlptracehttp in the span workloads.

package bench

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func init() {
	// The span workloads: as "otel", exporting with otlptracehttp to the
	// in-process discarding destination instead of to a discarding
	// SpanExporter, behind the batch span processor with its defaults
	// (otel-otlp: it drops what does not fit its queue) or blocking when
	// its queue is full (otel-otlp-blocking: it exports every span, as
	// ours does; see exported%).
	register(contender{name: "otel-otlp", rank: 4,
		root: otelOTLPRoot(), rootParallel: otelOTLPRootParallel(), child: otelOTLPChild()})
	register(contender{name: "otel-otlp-blocking", rank: 6,
		root:         otelOTLPRoot(sdktrace.WithBlocking()),
		rootParallel: otelOTLPRootParallel(sdktrace.WithBlocking()),
		child:        otelOTLPChild(sdktrace.WithBlocking())})
}

func otelOTLPRoot(opts ...sdktrace.BatchSpanProcessorOption) func(*testing.B) {
	return func(b *testing.B) {
		tp, tr, counted := newOtelOTLPCounted(b, sharedDiscardOTLP().srv.URL, opts...)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, span := tr.Start(ctx, spanName, otelResource())
			span.SetAttributes(
				attribute.String(keyMethod, method),
				attribute.Int(keyStatusCode, statusCode),
				attribute.Float64(keyWeight, weight),
			)
			span.End()
		}
		b.StopTimer()
		tp.Shutdown(ctx)
		reportExported(b, counted.spans.Load(), int64(b.N))
	}
}

func otelOTLPRootParallel(opts ...sdktrace.BatchSpanProcessorOption) func(*testing.B) {
	return func(b *testing.B) {
		tp, tr, counted := newOtelOTLPCounted(b, sharedDiscardOTLP().srv.URL, opts...)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, span := tr.Start(ctx, spanName, otelResource())
				span.SetAttributes(
					attribute.String(keyMethod, method),
					attribute.Int(keyStatusCode, statusCode),
					attribute.Float64(keyWeight, weight),
				)
				span.End()
			}
		})
		b.StopTimer()
		tp.Shutdown(ctx)
		reportExported(b, counted.spans.Load(), int64(b.N))
	}
}

func otelOTLPChild(opts ...sdktrace.BatchSpanProcessorOption) func(*testing.B) {
	return func(b *testing.B) {
		tp, tr, counted := newOtelOTLPCounted(b, sharedDiscardOTLP().srv.URL, opts...)
		ctx, root := tr.Start(context.Background(), spanName, otelResource())
		b.ReportAllocs()
		b.ResetTimer()
		for i := 1; i <= b.N; i++ {
			_, child := tr.Start(ctx, childName)
			child.End()
			if i%childrenPerRoot == 0 {
				b.StopTimer()
				root.End()
				ctx, root = tr.Start(context.Background(), spanName, otelResource())
				b.StartTimer()
			}
		}
		b.StopTimer()
		root.End()
		tp.Shutdown(context.Background())
		reportExported(b, counted.spans.Load(), childSpans(b.N))
	}
}
