package mocktracer_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

type stringer struct{}

func (stringer) String() string { return "rendered" }

func TestMockTracer(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()

	root := tracer.StartSpan("root", tracer.WithSpanID(100), tracer.ResourceName("/r"))
	child, ctx := tracer.StartSpanFromContext(ctxOf(root), "child")
	child.SetTag("s", stringer{})
	child.SetTag("n", 42)
	var wg sync.WaitGroup
	wg.Go(func() { // a grandchild on another goroutine, through the context
		g, _ := tracer.StartSpanFromContext(ctx, "grandchild")
		g.Finish()
	})
	wg.Wait()

	open := mt.OpenSpans()
	if len(open) != 2 {
		t.Fatalf("%d open spans, want root and child", len(open))
	}
	if open[0].OperationName() != "root" || open[0].SpanID() != 100 || open[0].StartTime().IsZero() || open[1].ParentID() != 100 {
		t.Errorf("open: %v %v", open[0], open[1])
	}
	// A finished child of a running trace is already visible.
	if got := mt.FinishedSpans(); len(got) != 1 || got[0].OperationName() != "grandchild" {
		t.Fatalf("finished: %v", got)
	}
	child.Finish()
	root.Finish()

	spans := mt.FinishedSpans()
	if len(spans) != 3 {
		t.Fatalf("%d finished", len(spans))
	}
	by := map[string]mocktracer.Span{}
	for _, s := range spans {
		by[s.OperationName()] = s
	}
	r, c, g := by["root"], by["child"], by["grandchild"]
	if r.SpanID() != 100 || r.TraceID() != 100 || r.ParentID() != 0 || r.Tag("resource.name") != "/r" {
		t.Errorf("root: %v", r)
	}
	if c.ParentID() != 100 || g.ParentID() != c.SpanID() || g.TraceID() != 100 {
		t.Errorf("parents: child %d, grandchild %d", c.ParentID(), g.ParentID())
	}
	if c.Tag("s") != "rendered" || c.Tag("n") != 42.0 || c.Tag("missing") != nil || c.Tags()["n"] != 42.0 {
		t.Errorf("tags: %v", c.Tags())
	}
	if c.FinishTime().Before(c.StartTime()) || c.String() == "" {
		t.Error("times")
	}
	if len(mt.OpenSpans()) != 0 {
		t.Error("open spans after Finish")
	}
	mt.Reset()
	if len(mt.FinishedSpans()) != 0 {
		t.Error("spans kept past Reset")
	}
	s := tracer.StartSpan("after", tracer.StartTime(time.Unix(1, 0)))
	s.Finish()
	if got := mt.FinishedSpans(); len(got) != 1 || !got[0].StartTime().Equal(time.Unix(1, 0)) {
		t.Errorf("after Reset: %v", got)
	}
	if o := mt.OpenSpans(); len(o) != 0 {
		t.Error(o)
	}
	// An open span's tags are not readable yet.
	open1 := tracer.StartSpan("open")
	defer open1.Finish()
	if o := mt.OpenSpans(); len(o) != 1 || o[0].Tag("x") != nil || len(o[0].Tags()) != 0 || !o[0].FinishTime().IsZero() || o[0].String() == "" || o[0].TraceID() == 0 {
		t.Error("open span view")
	}
}

func TestStopRestoresNoop(t *testing.T) {
	mt := mocktracer.Start()
	mt.Stop()
	if trace.Default().Enabled() {
		t.Error("the mock is still the default")
	}
}

// ctxOf returns a context carrying s, through the tracer package.
func ctxOf(s tracer.Span) context.Context {
	return tracer.ContextWithSpan(context.Background(), s)
}
