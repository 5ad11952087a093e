package mocktracer

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// Span is a recorded span.
type Span interface {
	// SpanID returns the span id.
	SpanID() uint64
	// TraceID returns the lower half of the trace id.
	TraceID() uint64
	// ParentID returns the parent's span id, or 0.
	ParentID() uint64
	// StartTime returns when the span started.
	StartTime() time.Time
	// FinishTime returns when the span finished; for an open span, when it
	// started, as in dd-trace-go.
	FinishTime() time.Time
	// OperationName returns the span's name.
	OperationName() string
	// Tag returns the tag k as dd-trace-go's mocktracer shows it (see the
	// package documentation), or nil when it is not set or the span is
	// still open.
	Tag(k string) interface{}
	// Tags returns a copy of every tag, as Tag shows them, but for the
	// numeric keys, which stay float64s; empty while the span is open.
	Tags() map[string]interface{}
	// Context returns the span's context: ChildOf it starts a child of
	// the span, in its trace, even once the span has finished. It
	// implements ddtrace.SpanContextW3C.
	Context() ddtrace.SpanContext
	// Links returns the span's links, or nil.
	Links() []ddtrace.SpanLink
	// Events returns the span's events, or nil.
	Events() []SpanEvent
	// String describes the span.
	String() string
	// Integration returns the span's component (ext.Component), the
	// integration that made it; "" for none.
	Integration() string
}

// finishedSpan is a finished span. Its fields are written before the mock
// hands it out, and never after.
type finishedSpan struct {
	span *trace.Span
	x    trace.Snapshot
	tags map[string]any // as ddTags makes them
}

func newFinishedSpan(sp *trace.Span, x trace.Snapshot, info *startInfo) *finishedSpan {
	return &finishedSpan{span: sp, x: x, tags: ddTags(sp, x, info)}
}

func (f *finishedSpan) Tag(k string) any             { return ddTag(f.tags, k) }
func (f *finishedSpan) Tags() map[string]any         { return ddTagMap(f.tags) }
func (f *finishedSpan) OperationName() string        { return f.x.Name() }
func (f *finishedSpan) SpanID() uint64               { return f.x.SpanID() }
func (f *finishedSpan) TraceID() uint64              { return f.x.TraceID().Lower() }
func (f *finishedSpan) ParentID() uint64             { return f.x.ParentID() }
func (f *finishedSpan) StartTime() time.Time         { return f.x.Start() }
func (f *finishedSpan) FinishTime() time.Time        { return f.x.End() }
func (f *finishedSpan) Context() ddtrace.SpanContext { return contextOf(f.span) }
func (f *finishedSpan) Links() []ddtrace.SpanLink    { return linksOf(f.x) }
func (f *finishedSpan) Events() []SpanEvent          { return decodeEvents(f.tags) }
func (f *finishedSpan) Integration() string          { return integration(f.tags) }

func (f *finishedSpan) String() string {
	return describe(f, f.x.Duration(), f.x.Baggage())
}

// openSpan is a span still running. As in dd-trace-go, its links and
// events show once it finishes; unlike in dd, so do its tags: the tracer
// keeps a live span's tags to itself.
type openSpan struct{ s *trace.Span }

func (o openSpan) Tag(string) any               { return nil }
func (o openSpan) Tags() map[string]any         { return map[string]any{} }
func (o openSpan) OperationName() string        { return o.s.Name() }
func (o openSpan) SpanID() uint64               { return o.s.SpanID() }
func (o openSpan) TraceID() uint64              { return o.s.TraceID().Lower() }
func (o openSpan) ParentID() uint64             { return o.s.ParentID() }
func (o openSpan) StartTime() time.Time         { return o.s.StartTime() }
func (o openSpan) FinishTime() time.Time        { return o.s.StartTime() }
func (o openSpan) Context() ddtrace.SpanContext { return contextOf(o.s) }
func (o openSpan) Links() []ddtrace.SpanLink    { return nil }
func (o openSpan) Events() []SpanEvent          { return nil }
func (o openSpan) Integration() string          { return "" }

func (o openSpan) String() string {
	return describe(o, 0, o.s.Context().Baggage())
}

// contextOf returns the context of s as the tracer package's spans give
// it, so that ChildOf it makes a child in this process, under s.
func contextOf(s *trace.Span) ddtrace.SpanContext {
	sp, _ := tracer.SpanFromContext(trace.ContextWithSpan(context.Background(), s))
	return sp.Context()
}

// integration returns the component tag, when it is text.
func integration(tags map[string]any) string {
	s, _ := tags[ext.Component].(string)
	return s
}

// decodeEvents reads the events back from their tag, as dd-trace-go's
// mocktracer does: attribute values are what JSON decodes (numbers are
// float64s, slices []any).
func decodeEvents(tags map[string]any) []SpanEvent {
	s, _ := tags[keySpanEvents].(string)
	if s == "" {
		return nil
	}
	var events []SpanEvent
	if json.Unmarshal([]byte(s), &events) != nil {
		return nil // a user's own "events" tag, replaced in dd
	}
	return events
}

// describe prints s as dd-trace-go's mocktracer does.
func describe(s Span, d time.Duration, baggage iter.Seq2[string, string]) string {
	b := map[string]string{}
	for k, v := range baggage {
		b[k] = v
	}
	return fmt.Sprintf("\nname: %s\ntags: %#v\nstart: %s\nduration: %s\nid: %d\nparent: %d\ntrace: %v\nbaggage: %#v\n",
		s.OperationName(), s.Tags(), s.StartTime(), d, s.SpanID(), s.ParentID(), s.TraceID(), b)
}
