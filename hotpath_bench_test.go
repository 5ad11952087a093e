package trace_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/ctxtrace/trace"
)

// The options of an integration's span, made once as the contrib packages
// make them: ten tags, a service, a resource and a type, as a gRPC server
// span of contrib/google.golang.org/grpc carries.
var integrationOpts = []trace.SpanOption{
	trace.Tag("_dd.measured", 1),
	trace.Tag("component", "google.golang.org/grpc"),
	trace.Tag("span.kind", "server"),
	trace.Service("bench"),
	trace.Resource("/bench.Posts/Get"),
	trace.Tag("grpc.method.name", "/bench.Posts/Get"),
	trace.Type("rpc"),
	trace.Tag("rpc.system", "grpc"),
	trace.Tag("rpc.grpc.full_method", "/bench.Posts/Get"),
	trace.Tag("rpc.service", "bench.Posts"),
	trace.Tag("grpc.method.kind", "unary"),
}

// BenchmarkStartIntegration is the span of an integration: a root span with
// the options above and one tag set after the start, then finished; the
// options given one by one, then as one Group made once, whose tags the
// spans share.
func BenchmarkStartIntegration(b *testing.B) {
	group := trace.Group(integrationOpts...)
	for _, bc := range []struct {
		name string
		opts []trace.SpanOption
	}{{"options", integrationOpts}, {"group", []trace.SpanOption{group}}} {
		b.Run(bc.name, func(b *testing.B) {
			tr := newBenchTracer(b)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				_, s := tr.Start(ctx, "grpc.server", bc.opts...)
				s.SetTag("grpc.code", "OK")
				s.Finish()
			}
		})
	}
}

// BenchmarkStartRemoteParent is a server span continuing a trace from
// incoming headers: extract, then start with ChildOf, then finish.
func BenchmarkStartRemoteParent(b *testing.B) {
	tr := newBenchTracer(b)
	_, parent := tr.Start(context.Background(), "client")
	h := http.Header{}
	if err := tr.Inject(trace.ContextWithSpan(context.Background(), parent), trace.HeaderCarrier(h)); err != nil {
		b.Fatal(err)
	}
	parent.Finish()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h))
		if err != nil {
			b.Fatal(err)
		}
		_, s := tr.Start(ctx, "server", trace.ChildOf(sc))
		s.Finish()
	}
}
