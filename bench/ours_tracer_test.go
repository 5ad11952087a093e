// The span benchmarks of ours through its dd-trace-go API (ddtrace/tracer):
// what a dd-trace-go user gets after replacing the module prefix. The bodies
// are ddtrace_test.go's ddRoot, ddRootParallel and ddChild with only the
// import changed.

package bench

import (
	"context"
	"testing"

	ctrace "github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// startOursTracer starts ours' global tracer as startDD starts dd-trace-go's,
// sending to the stand-in agent, and returns the trace package's tracer
// behind it, whose Stats say what was exported.
func startOursTracer() *ctrace.Tracer {
	tracer.Start(
		tracer.WithAgentAddr(standIn.addr()),
		tracer.WithLogStartup(false),
		tracer.WithLogger(discardLogger{}),
		tracer.WithService("bench"),
	)
	return ctrace.Default()
}

func oursTracerRoot(b *testing.B) {
	tr := startOursTracer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		span := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
		span.SetTag(keyMethod, method)
		span.SetTag(keyStatusCode, statusCode)
		span.SetTag(keyWeight, weight)
		span.Finish()
	}
	b.StopTimer()
	tracer.Stop()
	reportExported(b, int64(tr.Stats().SpansExported), int64(b.N))
}

func oursTracerRootParallel(b *testing.B) {
	tr := startOursTracer()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			span := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
			span.SetTag(keyMethod, method)
			span.SetTag(keyStatusCode, statusCode)
			span.SetTag(keyWeight, weight)
			span.Finish()
		}
	})
	b.StopTimer()
	tracer.Stop()
	reportExported(b, int64(tr.Stats().SpansExported), int64(b.N))
}

func oursTracerChild(b *testing.B) {
	tr := startOursTracer()
	newRoot := func() (tracer.Span, context.Context) {
		root := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
		return root, tracer.ContextWithSpan(context.Background(), root)
	}
	root, ctx := newRoot()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		child, _ := tracer.StartSpanFromContext(ctx, childName)
		child.Finish()
		if i%childrenPerRoot == 0 {
			b.StopTimer()
			root.Finish()
			root, ctx = newRoot()
			b.StartTimer()
		}
	}
	b.StopTimer()
	root.Finish()
	tracer.Stop()
	reportExported(b, int64(tr.Stats().SpansExported), childSpans(b.N))
}
