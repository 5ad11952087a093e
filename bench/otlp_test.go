// OTLP export: BenchmarkOTLPDelivered, the OpenTelemetry columns of
// BenchmarkDelivered, and the otel-otlp column of the span workloads.

package bench

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxtrace/trace/exporter/otlp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"
)

func init() {
	// Delivered only: the OpenTelemetry SDK with its default batch span
	// processor, which drops spans when its queue is full ("otel" in
	// Delivered blocks instead: otelDelivered).
	register(contender{name: "otel-default", rank: 3, delivered: otelDefaultDelivered})
}

// A deliveredStart starts a tracer exporting over OTLP/HTTP to the
// destination at url (a base URL; traces go to url/v1/traces) and returns
// how to record one trace of BenchmarkDelivered's shape with it and how to
// stop it, which flushes it and waits for the destination's answers.
type deliveredStart func(tb testing.TB, url string) (trace func(), stop func())

// BenchmarkOTLPDelivered is BenchmarkDelivered over OTLP/HTTP (protobuf,
// uncompressed: both exporters' default) to cmd/otlpsink in a child
// process: ours with exporter/otlp, the OpenTelemetry SDK with otlptracehttp
// and a batch span processor that blocks when its queue is full ("otel") or
// drops ("otel-default", its default). Reported: spans/cpu-s (spans the
// sink counted ÷ CPU time of this process) and delivered%.
func BenchmarkOTLPDelivered(b *testing.B) {
	for _, c := range []struct {
		name  string
		start deliveredStart
	}{
		{"ours", oursOTLPStart},
		{"otel", otelOTLPStart(true)},
		{"otel-default", otelOTLPStart(false)},
	} {
		b.Run(c.name, func(b *testing.B) { runOTLPDelivered(b, c.start) })
	}
}

// otelDelivered and otelDefaultDelivered are the OpenTelemetry columns of
// BenchmarkDelivered: with no Datadog exporter, OpenTelemetry delivers over
// OTLP, to cmd/otlpsink in a child process.
func otelDelivered(b *testing.B)        { runOTLPDelivered(b, otelOTLPStart(true)) }
func otelDefaultDelivered(b *testing.B) { runOTLPDelivered(b, otelOTLPStart(false)) }

// runOTLPDelivered is runDelivered with cmd/otlpsink as the destination.
func runOTLPDelivered(b *testing.B, start deliveredStart) {
	b.Helper()
	p, err := sharedSink()
	if err != nil {
		b.Fatalf("otlpsink: %v", err)
	}
	before, err := p.counts()
	if err != nil {
		b.Fatalf("otlpsink: %v", err)
	}
	cpu := bursts(b, func() (func(), func()) { return start(b, p.url) })
	after, err := p.counts()
	if err != nil {
		b.Fatalf("otlpsink: %v", err)
	}
	got := after.sub(before)
	reportDelivered(b, "otlpsink", got.Spans, got.Bad, cpu)
}

// oursOTLPStart: ours with exporter/otlp and its defaults.
func oursOTLPStart(b testing.TB, url string) (func(), func()) {
	exp, err := otlp.New(otlp.WithEndpoint(url), otlp.WithLogger(quiet))
	if err != nil {
		b.Fatalf("otlp.New: %v", err)
	}
	tr := newOursTo(exp)
	return func() { oursTrace(tr) }, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := tr.Shutdown(ctx); err != nil {
			b.Errorf("Shutdown: %v", err)
		}
	}
}

// otelOTLPStart: the OpenTelemetry SDK with otlptracehttp and the batch
// span processor, blocking when its queue is full or not (its default).
func otelOTLPStart(blocking bool) deliveredStart {
	return func(b testing.TB, url string) (func(), func()) {
		var opts []sdktrace.BatchSpanProcessorOption
		if blocking {
			opts = append(opts, sdktrace.WithBlocking())
		}
		tp, tr := newOtelOTLP(b, url, opts...)
		return func() { otelTrace(tr) }, func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := tp.Shutdown(ctx); err != nil {
				b.Errorf("Shutdown: %v", err)
			}
		}
	}
}

// newOtelOTLP returns a provider whose batch span processor feeds
// otlptracehttp, sending to the destination at url, and a tracer from it.
func newOtelOTLP(b testing.TB, url string, opts ...sdktrace.BatchSpanProcessorOption) (*sdktrace.TracerProvider, oteltrace.Tracer) {
	tp, tr, _ := newOtelOTLPCounted(b, url, opts...)
	return tp, tr
}

// newOtelOTLPCounted is newOtelOTLP that also counts the spans the batch
// span processor hands to the exporter: those it did not drop.
func newOtelOTLPCounted(b testing.TB, url string, opts ...sdktrace.BatchSpanProcessorOption) (*sdktrace.TracerProvider, oteltrace.Tracer, *countingSpanExporter) {
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(url+"/v1/traces"))
	if err != nil {
		b.Fatalf("otlptracehttp.New: %v", err)
	}
	counted := &countingSpanExporter{SpanExporter: exp}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(counted, opts...),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "bench"))),
	)
	return tp, tp.Tracer("github.com/ctxtrace/trace/bench"), counted
}

// countingSpanExporter counts the spans handed to the exporter it wraps.
type countingSpanExporter struct {
	sdktrace.SpanExporter
	spans atomic.Int64
}

func (e *countingSpanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.spans.Add(int64(len(spans)))
	return e.SpanExporter.ExportSpans(ctx, spans)
}

// otelTrace records BenchmarkDelivered's trace with OpenTelemetry: the
// root carries the resource as the start attribute resource.name, and each
// span the five tags, one SetAttributes at a time as ours sets one SetTag
// at a time.
func otelTrace(tr oteltrace.Tracer) {
	ctx, root := tr.Start(context.Background(), spanName, otelResource())
	otelTags(root)
	for range traceChildren {
		_, child := tr.Start(ctx, childName)
		otelTags(child)
		child.End()
	}
	root.End()
}

func otelTags(s oteltrace.Span) {
	s.SetAttributes(attribute.String(keyMethod, method))
	s.SetAttributes(attribute.String(keyRoute, route))
	s.SetAttributes(attribute.String(keyTier, tier))
	s.SetAttributes(attribute.Int(keyStatusCode, statusCode))
	s.SetAttributes(attribute.Float64(keyWeight, weight))
}
