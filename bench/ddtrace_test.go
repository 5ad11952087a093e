package bench

import (
	"context"
	"testing"
	"time"

	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func init() {
	register(contender{name: "ddtrace", rank: 1, root: ddRoot, rootParallel: ddRootParallel, child: ddChild})
}

// discardLogger silences dd-trace-go.
type discardLogger struct{}

func (discardLogger) Log(string) {}

// startDD starts dd-trace-go's global tracer, sending to the stand-in agent.
func startDD() {
	tracer.Start(
		tracer.WithAgentAddr(standIn.addr()),
		tracer.WithLogStartup(false),
		tracer.WithLogger(discardLogger{}),
		tracer.WithService("bench"),
	)
}

func ddRoot(b *testing.B) {
	startDD()
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

func ddRootParallel(b *testing.B) {
	startDD()
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

func ddChild(b *testing.B) {
	startDD()
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

// TestDDTraceExports checks that dd-trace-go, set up as in the benchmarks,
// really sends its traces to the stand-in agent.
func TestDDTraceExports(t *testing.T) {
	payloads, traces := standIn.payloads.Load(), standIn.traces.Load()
	startDD()
	const n = 10
	for range n {
		span := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
		span.SetTag(keyMethod, method)
		span.SetTag(keyStatusCode, statusCode)
		span.SetTag(keyWeight, weight)
		span.Finish()
	}
	tracer.Stop() // flushes
	// Stop flushes synchronously in current releases; allow a little slack.
	deadline := time.Now().Add(5 * time.Second)
	for standIn.traces.Load()-traces < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := standIn.payloads.Load() - payloads; got < 1 {
		t.Errorf("stand-in agent received %d trace payloads from dd-trace-go, want at least 1", got)
	}
	if got := standIn.traces.Load() - traces; got != n {
		t.Errorf("stand-in agent received %d traces from dd-trace-go, want %d", got, n)
	}
}
