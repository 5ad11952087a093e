package bench

import (
	"context"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"
)

func init() {
	register(contender{name: "otel", rank: 2, root: otelRoot, rootParallel: otelRootParallel, child: otelChild,
		delivered: otelDelivered})
}

// discardExporter is an sdktrace.SpanExporter that counts and drops spans.
type discardExporter struct {
	spans atomic.Int64
}

func (e *discardExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.spans.Add(int64(len(spans)))
	return nil
}

func (e *discardExporter) Shutdown(context.Context) error { return nil }

// newOtel returns a provider with the batch span processor feeding exp, and a
// tracer from it.
func newOtel(exp sdktrace.SpanExporter) (*sdktrace.TracerProvider, oteltrace.Tracer) {
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "bench"))),
	)
	return tp, tp.Tracer("github.com/ctxtrace/trace/bench")
}

// otelResource carries the resource name the way Datadog's OpenTelemetry
// mapping reads it.
func otelResource() oteltrace.SpanStartEventOption {
	return oteltrace.WithAttributes(attribute.String("resource.name", resourceName))
}

// An otelSetup starts an OpenTelemetry tracer provider for a span
// workload and returns it, a tracer from it and how many spans its batch
// span processor has handed to the exporter so far.
type otelSetup func(b *testing.B) (*sdktrace.TracerProvider, oteltrace.Tracer, func() int64)

// otelDiscarding is the "otel" setup: the default batch span processor
// feeding a discardExporter.
func otelDiscarding(*testing.B) (*sdktrace.TracerProvider, oteltrace.Tracer, func() int64) {
	exp := &discardExporter{}
	tp, tr := newOtel(exp)
	return tp, tr, exp.spans.Load
}

var (
	otelRoot         = otelRootWith(otelDiscarding)
	otelRootParallel = otelRootParallelWith(otelDiscarding)
	otelChild        = otelChildWith(otelDiscarding)
)

func otelRootWith(setup otelSetup) func(*testing.B) {
	return func(b *testing.B) {
		tp, tr, exported := setup(b)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			otelRootSpan(ctx, tr)
		}
		b.StopTimer()
		tp.Shutdown(ctx)
		reportExported(b, exported(), int64(b.N))
	}
}

func otelRootParallelWith(setup otelSetup) func(*testing.B) {
	return func(b *testing.B) {
		tp, tr, exported := setup(b)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				otelRootSpan(ctx, tr)
			}
		})
		b.StopTimer()
		tp.Shutdown(ctx)
		reportExported(b, exported(), int64(b.N))
	}
}

// otelRootSpan is one op of RootSpan3Tags with OpenTelemetry.
func otelRootSpan(ctx context.Context, tr oteltrace.Tracer) {
	_, span := tr.Start(ctx, spanName, otelResource())
	span.SetAttributes(
		attribute.String(keyMethod, method),
		attribute.Int(keyStatusCode, statusCode),
		attribute.Float64(keyWeight, weight),
	)
	span.End()
}

func otelChildWith(setup otelSetup) func(*testing.B) {
	return func(b *testing.B) {
		tp, tr, exported := setup(b)
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
		reportExported(b, exported(), childSpans(b.N))
	}
}

// TestOtelExports checks that the OpenTelemetry SDK, set up as in the
// benchmarks, really hands its spans to the exporter.
func TestOtelExports(t *testing.T) {
	exp := &discardExporter{}
	tp, tr := newOtel(exp)
	ctx, root := tr.Start(context.Background(), spanName, otelResource())
	root.SetAttributes(
		attribute.String(keyMethod, method),
		attribute.Int(keyStatusCode, statusCode),
		attribute.Float64(keyWeight, weight),
	)
	_, child := tr.Start(ctx, childName)
	child.End()
	root.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := exp.spans.Load(); got != 2 {
		t.Errorf("exporter received %d spans, want 2", got)
	}
}
