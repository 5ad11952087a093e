package trace_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ctxtrace/trace"
)

// Tag values in variables, as real code has them: constants would hide the
// cost of converting them to interfaces.
var (
	benchMethod = "GET"
	benchStatus = 200
	benchWeight = 0.25
	errBench    = errors.New("boom")
)

func newBenchTracer(b *testing.B) *trace.Tracer {
	tr := trace.New(trace.WithService("bench"), trace.WithExporter(trace.Discard))
	b.Cleanup(func() { tr.Shutdown(context.Background()) })
	return tr
}

// BenchmarkStartFinish is a root span with three tags, started and finished:
// the workload bench/ compares with dd-trace-go and OpenTelemetry.
func BenchmarkStartFinish(b *testing.B) {
	tr := newBenchTracer(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, s := tr.Start(ctx, "web.request", trace.Resource("/posts"))
		s.SetTag("http.method", benchMethod)
		s.SetTag("http.status_code", benchStatus)
		s.SetTag("sample.weight", benchWeight)
		s.Finish()
	}
}

// BenchmarkStartFinishParallel is BenchmarkStartFinish on every core at
// once: it shows whether anything on the path is shared.
func BenchmarkStartFinishParallel(b *testing.B) {
	tr := newBenchTracer(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, s := tr.Start(ctx, "web.request", trace.Resource("/posts"))
			s.SetTag("http.method", benchMethod)
			s.SetTag("http.status_code", benchStatus)
			s.SetTag("sample.weight", benchWeight)
			s.Finish()
		}
	})
}

// BenchmarkChild is a child span under a context that carries its parent.
func BenchmarkChild(b *testing.B) {
	tr := newBenchTracer(b)
	ctx, root := tr.Start(context.Background(), "root")
	defer root.Finish()
	b.ReportAllocs()
	for b.Loop() {
		_, s := tr.Start(ctx, "child")
		s.Finish()
	}
}

// BenchmarkDo is the closure form of a root span.
func BenchmarkDo(b *testing.B) {
	tr := newBenchTracer(b)
	ctx := context.Background()
	fn := func(context.Context) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		_ = tr.Do(ctx, "op", fn)
	}
}

// BenchmarkNoop is Start and Finish on the default no-op tracer.
func BenchmarkNoop(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, s := trace.Start(ctx, "op")
		s.SetTag("k", benchMethod)
		s.Finish()
	}
}

// BenchmarkSetTag is the cost of one tag by kind.
func BenchmarkSetTag(b *testing.B) {
	tr := newBenchTracer(b)
	_, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	for _, bc := range []struct {
		name string
		v    any
	}{{"string", benchMethod}, {"int", benchStatus}, {"float", benchWeight}, {"error", errBench}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.SetTag("key", bc.v)
			}
		})
	}
}
