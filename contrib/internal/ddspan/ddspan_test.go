package ddspan

import (
	"context"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/exporter/memory"
)

func TestOptions(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithService("svc"))
	start := time.Unix(1700000000, 0)
	opts := Options([]ddtrace.StartSpanOption{
		tracer.Tag("team", "web"), tracer.ResourceName("res"), tracer.ServiceName("other"), tracer.SpanType("db"),
		tracer.StartTime(start), tracer.WithSpanID(99), nil,
		tracer.WithSpanLinks([]ddtrace.SpanLink{{TraceID: 1, SpanID: 2}, {TraceID: 3, SpanID: 4}}),
		tracer.ChildOf(userContext{trace: 77, span: 88}),
	})
	_, s := tr.Start(context.Background(), "op", opts...)
	s.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := exp.Spans()[0]
	if v, _ := got.Tag("team"); v.String() != "web" || got.Resource() != "res" || got.Service() != "other" || got.Type() != "db" {
		t.Errorf("span %s", got)
	}
	if !got.Start().Equal(start) || got.SpanID() != 99 || got.NumLinks() != 2 || got.TraceID().Lower() != 77 || got.ParentID() != 88 {
		t.Errorf("start %v id %d links %d trace %v parent %d", got.Start(), got.SpanID(), got.NumLinks(), got.TraceID(), got.ParentID())
	}
	if v, _ := s.Context().BaggageItem("k"); v != "v" {
		t.Errorf("baggage %q", v)
	}
	if Options(nil) != nil {
		t.Error("no options")
	}
}

// userContext is a user's own SpanContext, as ddtrace.SpanContext shows
// one, with one baggage item.
type userContext struct{ trace, span uint64 }

func (c userContext) SpanID() uint64  { return c.span }
func (c userContext) TraceID() uint64 { return c.trace }
func (c userContext) ForeachBaggageItem(f func(k, v string) bool) {
	f("k", "v")
}

func TestNoDebugStackAndSpan(t *testing.T) {
	if !NoDebugStack([]ddtrace.FinishOption{nil, tracer.NoDebugStack()}) || NoDebugStack(nil) {
		t.Error("NoDebugStack")
	}
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op")
	Span(s).SetTag("via", "dd")
	Span(s).Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, ok := exp.Spans()[0].Tag("via"); !ok || v.String() != "dd" {
		t.Error("the dd span does not act on the span")
	}
}
