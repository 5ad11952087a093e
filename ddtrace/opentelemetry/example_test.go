package opentelemetry_test

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/opentelemetry"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/exporter/memory"
)

// Example traces a request with OpenTelemetry's API, a database call in
// it with the tracer package's, and a cache lookup under that with
// OpenTelemetry's again: one trace, each span the child of the one before.
// (With dd-trace-go's setup, opentelemetry.NewTracerProvider(opts...)
// starts the global tracer, as tracer.Start does; Wrap is for a tracer of
// your own, here one that keeps its spans in memory.)
func Example() {
	exp := memory.New()
	provider := opentelemetry.Wrap(trace.New(trace.WithService("shop"), trace.WithExporter(exp)))
	otelTracer := provider.Tracer("shop")

	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	ctx, req := otelTracer.Start(context.Background(), "GET /cart", oteltrace.WithTimestamp(start),
		oteltrace.WithSpanKind(oteltrace.SpanKindServer), oteltrace.WithAttributes(attribute.String("http.request.method", "GET")))
	db, ctx := tracer.StartSpanFromContext(ctx, "postgres.query", tracer.ResourceName("SELECT * FROM carts"),
		tracer.StartTime(start.Add(time.Millisecond)))
	_, cache := otelTracer.Start(ctx, "cache lookup", oteltrace.WithTimestamp(start.Add(2*time.Millisecond)),
		oteltrace.WithSpanKind(oteltrace.SpanKindClient), oteltrace.WithAttributes(attribute.String("db.system", "redis")))
	cache.SetStatus(otelcodes.Error, "cache down")
	cache.End()
	db.Finish()
	req.SetAttributes(attribute.Int("http.response.status_code", 200))
	req.End()
	provider.Shutdown()

	for _, s := range exp.Traces()[0] {
		kind, _ := s.Tag("span.kind")
		fmt.Printf("%s | %s | %s | error=%v\n", s.Name(), s.Resource(), kind, s.IsError())
	}
	// Output:
	// http.server.request | GET /cart | server | error=false
	// postgres.query | SELECT * FROM carts |  | error=false
	// redis.query | cache lookup | client | error=true
}
