package otlp

import (
	"compress/gzip"
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
	batch, spans := encodeBatch()
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

// BenchmarkCompress is BenchmarkEncode over HTTP with compression, each
// request gzipped as Export does, at the level used (gzipLevel) and at
// gzip's default, which the OpenTelemetry SDKs use: ns per span, encoding
// included, and compressed bytes per span.
func BenchmarkCompress(b *testing.B) {
	batch, spans := encodeBatch()
	for _, c := range []struct {
		name  string
		level int
	}{{"fastest", gzipLevel}, {"default", gzip.DefaultCompression}} {
		b.Run(c.name, func(b *testing.B) {
			var gz compressor
			gz.zw, _ = gzip.NewWriterLevel(nil, c.level)
			size := 0
			enc := &encoder{res: newResources(nil, ""), max: DefaultMaxRequestBytes, tooLarge: func() {}}
			enc.emit = func(e *encoder) {
				body, err := gz.compress(e)
				if err != nil {
					b.Fatal(err)
				}
				size = len(body)
			}
			for _, ch := range batch {
				enc.chunk(ch, true)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				enc.flush() // the request stays built: flush compresses it again
				for _, ch := range batch {
					enc.chunk(ch, true)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spans), "ns/span")
			b.ReportMetric(float64(size)/float64(spans), "bytes/span")
		})
	}
}

// encodeBatch returns 100 traces of ten spans with five tags each, and
// how many spans they hold.
func encodeBatch() ([]trace.Chunk, int) {
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
	return batch, spans
}
