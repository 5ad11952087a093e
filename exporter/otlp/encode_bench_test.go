package otlp

import (
	"context"
	"log/slog"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// BenchmarkEncode measures what Export costs the goroutine that calls it:
// encoding traces of ten spans with five tags each into a request. It
// reports ns and allocations per span.
func BenchmarkEncode(b *testing.B) {
	mem := memory.New()
	tr := trace.New(trace.WithService("bench"), trace.WithEnv("prod"), trace.WithVersion("1.0"),
		trace.WithExporter(mem), trace.WithLogger(slog.New(slog.DiscardHandler)))
	for range 100 {
		ctx, root := tr.Start(context.Background(), "http.request", trace.Resource("GET /x"),
			trace.Tag("span.kind", "server"), trace.Tag("http.method", "GET"), trace.Tag("http.status_code", 200),
			trace.Tag("http.url", "https://example.com/x"), trace.Tag("component", "net/http"))
		for range 9 {
			_, s := tr.Start(ctx, "db.query", trace.Resource("SELECT 1"), trace.Tag("db.system", "postgresql"),
				trace.Tag("rows", 3), trace.Tag("ratio", 0.5), trace.Tag("peer.service", "db"), trace.Tag("span.kind", "client"))
			s.Finish()
		}
		root.Finish()
	}
	_ = tr.Shutdown(context.Background())
	batch := mem.Chunks()
	spans := 0
	for _, c := range batch {
		spans += c.Len()
	}
	size := 0
	enc := &encoder{res: newResources(nil, ""), max: DefaultMaxRequestBytes,
		emit:     func(e *encoder) { size = e.requestSize(); _ = e.appendRequest(make([]byte, 0, size)) },
		tooLarge: func() {}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, c := range batch {
			enc.chunk(c, true)
		}
		enc.flush()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spans), "ns/span")
	b.ReportMetric(float64(size)/float64(spans), "bytes/span")
}
