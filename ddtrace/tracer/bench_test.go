package tracer_test

import (
	"context"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// BenchmarkStartSpan3Tags: the dd-trace-go API's cost over the trace
// package's, a root span with a resource and three tags, start to finish.
func BenchmarkStartSpan3Tags(b *testing.B) {
	tr := trace.New(trace.WithExporter(trace.Discard))
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)
	b.Run("tracer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := tracer.StartSpan("op", tracer.ResourceName("r"), tracer.Tag("a", "x"), tracer.Tag("b", 2), tracer.Tag("c", 3.5))
			s.Finish()
		}
	})
	b.Run("trace", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			_, s := trace.Start(ctx, "op", trace.Resource("r"), trace.Tag("a", "x"), trace.Tag("b", 2), trace.Tag("c", 3.5))
			s.Finish()
		}
	})
}

// The values of BenchmarkStartSpanVars, variables as a caller's are.
var (
	benchResource = "/posts"
	benchMethod   = "GET"
	benchStatus   = 200
	benchWeight   = 0.25
)

// BenchmarkStartSpanVars: bench's RootSpan3Tags through this package, with
// run-time values, exporting to trace.Discard; "trace" is the same through
// the trace package.
func BenchmarkStartSpanVars(b *testing.B) {
	tr := trace.New(trace.WithExporter(trace.Discard))
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)
	b.Run("tracer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := tracer.StartSpan("web.request", tracer.ResourceName(benchResource))
			s.SetTag("http.method", benchMethod)
			s.SetTag("http.status_code", benchStatus)
			s.SetTag("sample.weight", benchWeight)
			s.Finish()
		}
	})
	b.Run("trace", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			_, s := trace.Start(ctx, "web.request", trace.Resource(benchResource))
			s.SetTag("http.method", benchMethod)
			s.SetTag("http.status_code", benchStatus)
			s.SetTag("sample.weight", benchWeight)
			s.Finish()
		}
	})
}
