package tracer_test

import (
	"context"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// TestTraceContext checks that the trace package's SpanContext behind a
// span's ddtrace.SpanContext makes a child of that very span, in its
// trace, with trace.ChildOf.
func TestTraceContext(t *testing.T) {
	tr := trace.New(trace.WithService("svc"))
	defer tr.Shutdown(context.Background())
	_, parent := tr.Start(context.Background(), "parent")
	defer parent.Finish()
	sp, _ := tracer.SpanFromContext(trace.ContextWithSpan(context.Background(), parent))
	c, ok := sp.Context().(interface{ TraceContext() trace.SpanContext })
	if !ok {
		t.Fatalf("%T has no TraceContext method", sp.Context())
	}
	_, child := tr.Start(context.Background(), "child", trace.ChildOf(c.TraceContext()))
	defer child.Finish()
	if child.ParentID() != parent.SpanID() || child.TraceID() != parent.TraceID() || child.Root() != parent {
		t.Errorf("child: parent %d trace %s root %v; want parent %d, trace %s, local root the parent",
			child.ParentID(), child.TraceID(), child.Root(), parent.SpanID(), parent.TraceID())
	}
}
