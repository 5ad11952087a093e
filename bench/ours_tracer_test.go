// The span benchmarks of ours through its dd-trace-go API (ddtrace/tracer):
// what a dd-trace-go user gets after replacing the module prefix. The bodies
// are ddtrace_test.go's ddRoot, ddRootParallel and ddChild with only the
// import changed.

package bench

import (
	"context"
	"testing"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// startOursTracer starts ours' global tracer as startDD starts dd-trace-go's,
// sending to the stand-in agent.
func startOursTracer() {
	tracer.Start(
		tracer.WithAgentAddr(standIn.addr()),
		tracer.WithLogStartup(false),
		tracer.WithLogger(discardLogger{}),
		tracer.WithService("bench"),
	)
}

func oursTracerRoot(b *testing.B) {
	startOursTracer()
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
}

func oursTracerRootParallel(b *testing.B) {
	startOursTracer()
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
}

func oursTracerChild(b *testing.B) {
	startOursTracer()
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
}
