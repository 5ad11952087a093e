package opentelemetry_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
	otelbridge "github.com/ctxtrace/trace/ddtrace/opentelemetry"
)

// BenchmarkStartEnd measures an OpenTelemetry span through the bridge: a
// root span with three attributes, then a child, started and ended.
func BenchmarkStartEnd(b *testing.B) {
	tr := trace.New(trace.WithService("svc"), trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	otel := otelbridge.Wrap(tr).Tracer("")
	attrs := oteltrace.WithAttributes(attribute.String("http.request.method", "GET"), attribute.Int("n", 1), attribute.Bool("ok", true))
	server := oteltrace.WithSpanKind(oteltrace.SpanKindServer)
	b.ReportAllocs()
	for b.Loop() {
		ctx, root := otel.Start(context.Background(), "GET /", server, attrs)
		_, child := otel.Start(ctx, "child")
		child.End()
		root.End()
	}
}
