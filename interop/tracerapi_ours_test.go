package interop

// oursAPIScenario is TestTracerAPISameWire's scenario written against our
// tracer package (github.com/ctxtrace/trace/ddtrace/tracer). It is a copy of
// ddAPIScenario in tracerapi_dd_test.go: the two must stay identical apart
// from their names and the file's import, which
// TestTracerAPIScenariosIdentical checks.

import (
	"context"
	"net/http"
	"testing"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func oursAPIScenario(t *testing.T, addr string, extra ...tracer.StartOption) http.Header {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(addr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()

	root := tracer.StartSpan("web.request", tracer.ResourceName("/posts"), tracer.SpanType("web"))
	root.SetTag("str", "v")
	root.SetTag("int", 42)
	root.SetTag("float", 3.5)
	ctx := tracer.ContextWithSpan(context.Background(), root)

	child, ctx := tracer.StartSpanFromContext(ctx, "child.fromctx", tracer.Tag("k", "v"))
	grand, _ := tracer.StartSpanFromContext(ctx, "grandchild.fromctx", tracer.ServiceName("db"), tracer.SpanType("sql"))
	grand.Finish()

	h := http.Header{}
	if err := tracer.Inject(child.Context(), tracer.HTTPHeadersCarrier(h)); err != nil {
		t.Fatalf("Inject: %v", err)
	}
	sctx, err := tracer.Extract(tracer.HTTPHeadersCarrier(h))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if sctx.TraceID() != child.Context().TraceID() || sctx.SpanID() != child.Context().SpanID() {
		t.Errorf("Extract gave trace %d span %d, want %d %d", sctx.TraceID(), sctx.SpanID(),
			child.Context().TraceID(), child.Context().SpanID())
	}
	remote := tracer.StartSpan("remote.child", tracer.ChildOf(sctx), tracer.ResourceName("GET /downstream"))
	remote.SetTag("str", "w")
	remote.Finish()

	child.Finish()
	root.Finish()
	return h
}
