// The benchmarks of ours.

package bench

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	ctrace "github.com/ctxtrace/trace"
)

func init() {
	register(contender{name: "ours", rank: 0, root: oursRoot, rootParallel: oursRootParallel, child: oursChild})
}

// oursExporter is where ours sends its spans in every benchmark and test here.
//
// >>> SWITCH TO THE AGENT EXPORTER HERE <<<
// Once github.com/ctxtrace/trace/exporter/agent exists, send to the same
// stand-in agent as dd-trace-go so both pay for encoding and HTTP, e.g.:
//
//	import "github.com/ctxtrace/trace/exporter/agent"
//	return agent.New(agent.WithURL(standIn.url()))   // or its address option with standIn.addr()
//
// and extend TestOursExports to check standIn.traces as TestDDTraceExports
// does. Until then ours drops its spans at the exporter (trace.Discard).
func oursExporter() ctrace.Exporter {
	return ctrace.Discard
}

func newOurs() *ctrace.Tracer {
	return ctrace.New(ctrace.WithService("bench"), ctrace.WithExporter(oursExporter()))
}

func oursRoot(b *testing.B) {
	tr := newOurs()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, span := tr.Start(ctx, spanName, ctrace.Resource(resourceName))
		span.SetTag(keyMethod, method)
		span.SetTag(keyStatusCode, statusCode)
		span.SetTag(keyWeight, weight)
		span.Finish()
	}
	b.StopTimer()
	tr.Shutdown(context.Background())
}

func oursRootParallel(b *testing.B) {
	tr := newOurs()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, span := tr.Start(ctx, spanName, ctrace.Resource(resourceName))
			span.SetTag(keyMethod, method)
			span.SetTag(keyStatusCode, statusCode)
			span.SetTag(keyWeight, weight)
			span.Finish()
		}
	})
	b.StopTimer()
	tr.Shutdown(context.Background())
}

func oursChild(b *testing.B) {
	tr := newOurs()
	ctx, root := tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		_, child := tr.Start(ctx, childName)
		child.Finish()
		if i%childrenPerRoot == 0 {
			b.StopTimer()
			root.Finish()
			ctx, root = tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
			b.StartTimer()
		}
	}
	b.StopTimer()
	root.Finish()
	tr.Shutdown(context.Background())
}

// countingExporter counts the spans it is handed and drops them.
type countingExporter struct{ spans atomic.Int64 }

func (e *countingExporter) Export(_ context.Context, batch []ctrace.Chunk) error {
	for _, c := range batch {
		e.spans.Add(int64(c.Len()))
	}
	return nil
}

func (e *countingExporter) Shutdown(context.Context) error { return nil }

// TestOursExports checks that ours, set up as in the benchmarks, hands its
// spans to the exporter: oursExporter() and a counter side by side.
func TestOursExports(t *testing.T) {
	counter := &countingExporter{}
	tr := ctrace.New(ctrace.WithService("bench"), ctrace.WithExporter(ctrace.MultiExporter(oursExporter(), counter)))
	ctx, root := tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
	root.SetTag(keyMethod, method)
	root.SetTag(keyStatusCode, statusCode)
	root.SetTag(keyWeight, weight)
	_, child := tr.Start(ctx, childName)
	child.Finish()
	root.Finish()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := counter.spans.Load(); got != 2 {
		t.Errorf("exporter received %d spans, want 2", got)
	}
}
