package agent

import (
	"context"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// BenchmarkEncode is the encoder alone: a 10-span trace with 5 tags each.
func BenchmarkEncode(b *testing.B) {
	mem := memory.New()
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithExporter(mem))
	ctx, root := tr.Start(context.Background(), "root", trace.Resource("GET /x"))
	for i := range 9 {
		_, c := tr.Start(ctx, "child", trace.Resource("SELECT 1"))
		c.SetTag("db.system", "postgres")
		c.SetTag("db.rows", i)
		c.SetTag("peer.hostname", "db.local")
		c.SetTag("sample", 0.5)
		c.Finish()
	}
	root.SetTag("http.method", "GET")
	root.SetTag("http.status_code", 200)
	root.Finish()
	tr.Shutdown(context.Background())
	chunks := mem.Chunks()
	free := &payloads{}
	free.mem.Store(newBlockPool(trace.NewMemoryBudget(0)))
	e := newEncoder(DefaultMaxPayload, free, (*payload).release, func(int) {}, func(int) {})
	b.ReportAllocs()
	spans := 0
	for b.Loop() {
		e.chunk(chunks[0], false)
		spans += chunks[0].Len()
		if e.p != nil && e.p.size() > DefaultFlushSize {
			e.take()
		}
	}
	b.ReportMetric(float64(spans)/b.Elapsed().Seconds(), "spans/s")
}
