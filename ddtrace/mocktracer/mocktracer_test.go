package mocktracer_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// samplingPriority is ext.SamplingPriority, which is deprecated.
const samplingPriority = "sampling.priority"

type stringer struct{}

func (stringer) String() string { return "rendered" }

// TestTagTypes pins what Tag and Tags return, value and Go type, to what
// dd-trace-go v1.74.8's mocktracer returns (interop's
// TestMockTracerSameSpans compares the two directly).
func TestTagTypes(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	s := tracer.StartSpan("op", tracer.Tag("opt", 7), tracer.Measured())
	for k, v := range map[string]any{
		"int": 1, "int64": int64(2), "float": 1.5, "uint": uint(3), "string": "s", "bool": true,
		"err": errors.New("boom"), "stringer": stringer{}, "bytes": []byte("b"), "big": int64(1) << 60,
		ext.HTTPCode: 200, ext.ResourceName: "res", ext.SpanType: "web", ext.ServiceName: "svc",
		ext.ManualKeep: true, ext.Component: "net/http",
	} {
		s.SetTag(k, v)
	}
	s.Finish(tracer.WithError(errors.New("fin")))
	f := mt.FinishedSpans()[0]
	for _, c := range []struct {
		key  string
		want any
	}{
		{"int", 1.0}, {"int64", 2.0}, {"float", 1.5}, {"uint", 3.0}, {"string", "s"}, {"bool", "true"},
		{"err", "boom"}, {"stringer", "rendered"}, {"bytes", "b"}, {"big", "1152921504606846976"}, {"opt", 7.0},
		{ext.HTTPCode, 200}, {ext.ResourceName, "res"}, {ext.SpanType, "web"}, {ext.ServiceName, "svc"},
		{ext.SpanName, "op"}, {ext.ManualKeep, nil}, {samplingPriority, 2}, {"_sampling_priority_v1", 2.0},
		{ext.Error, errors.New("fin")}, {ext.ErrorMsg, "fin"}, {ext.ErrorType, "*errors.errorString"},
		{"_dd.measured", nil}, {"_dd.top_level", 1.0}, {"language", "go"}, {"missing", nil},
	} {
		if got := f.Tag(c.key); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Tag(%q) = %T %#v, want %T %#v", c.key, got, got, c.want, c.want)
		}
	}
	tags := f.Tags()
	if tags[ext.HTTPCode] != 200.0 || tags["int"] != 1.0 || tags[ext.Error].(error).Error() != "fin" {
		t.Errorf("Tags: %v", tags)
	}
	if _, ok := tags[samplingPriority]; ok {
		t.Error("Tags has sampling.priority; dd's has _sampling_priority_v1 only")
	}
	if f.Integration() != "net/http" {
		t.Errorf("Integration() = %q", f.Integration())
	}
}

func TestSpecialKeys(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	for _, c := range []struct {
		name      string
		set       func(s tracer.Span)
		fin       []tracer.FinishOption
		err, code any
		stack     bool // whether Tag(ext.ErrorStack) is a real stack
		prio      int
	}{
		{name: "code string", set: func(s tracer.Span) { s.SetTag(ext.HTTPCode, "200") }, code: "200"},
		{name: "error value", set: func(s tracer.Span) { s.SetTag(ext.Error, errors.New("bad")) }, err: errors.New("bad"), stack: true},
		{name: "error true", set: func(s tracer.Span) { s.SetTag(ext.Error, true) }},
		{name: "no stack", fin: []tracer.FinishOption{tracer.WithError(errors.New("x")), tracer.NoDebugStack()}, err: errors.New("x")},
		{name: "drop", set: func(s tracer.Span) { s.SetTag(ext.ManualDrop, true) }, prio: -1},
		{name: "priority", set: func(s tracer.Span) { s.SetTag(samplingPriority, 2) }, prio: 2},
	} {
		s := tracer.StartSpan(c.name)
		if c.set != nil {
			c.set(s)
		}
		s.Finish(c.fin...)
		spans := mt.FinishedSpans()
		f := spans[len(spans)-1]
		if got := f.Tag(ext.Error); !reflect.DeepEqual(got, c.err) {
			t.Errorf("%s: Tag(error) = %#v, want %#v", c.name, got, c.err)
		}
		if got := f.Tag(ext.HTTPCode); got != c.code {
			t.Errorf("%s: Tag(http.status_code) = %#v, want %#v", c.name, got, c.code)
		}
		stack := f.Tag(ext.ErrorStack)
		switch {
		case c.err == nil && stack != nil:
			t.Errorf("%s: a stack without an error: %v", c.name, stack)
		case c.err != nil && c.stack == (stack == "<debug stack disabled>"):
			t.Errorf("%s: stack %v", c.name, stack)
		}
		if got := f.Tag(samplingPriority); got != c.prio {
			t.Errorf("%s: Tag(sampling.priority) = %v, want %d", c.name, got, c.prio)
		}
	}
}

func TestMockTracer(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()

	root := tracer.StartSpan("root", tracer.WithSpanID(100), tracer.ResourceName("/r"))
	child, ctx := tracer.StartSpanFromContext(ctxOf(root), "child")
	child.SetTag("s", stringer{})
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
	o := open[0]
	if o.OperationName() != "root" || o.SpanID() != 100 || open[1].ParentID() != 100 || o.Context().SpanID() != 100 {
		t.Errorf("open: %v %v", o, open[1])
	}
	// As in dd-trace-go, an open span's finish time is its start.
	if !o.FinishTime().Equal(o.StartTime()) || o.Tag("x") != nil || len(o.Tags()) != 0 || o.Links() != nil || o.String() == "" {
		t.Error("open span view")
	}
	if got := mt.FinishedSpans(); len(got) != 1 || got[0].OperationName() != "grandchild" {
		t.Fatalf("finished: %v", got)
	}
	child.Finish()
	root.Finish()

	by := map[string]mocktracer.Span{}
	for _, s := range mt.FinishedSpans() {
		by[s.OperationName()] = s
	}
	r, c, g := by["root"], by["child"], by["grandchild"]
	if r.SpanID() != 100 || r.TraceID() != 100 || r.ParentID() != 0 || r.Tag(ext.ResourceName) != "/r" {
		t.Errorf("root: %v", r)
	}
	if c.ParentID() != 100 || g.ParentID() != c.SpanID() || g.TraceID() != 100 || c.Tag("s") != "rendered" {
		t.Errorf("child %v, grandchild %v", c, g)
	}
	if c.FinishTime().Before(c.StartTime()) || len(mt.OpenSpans()) != 0 {
		t.Error("times, or spans left open")
	}
}

func TestFinishOrder(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	var want []string
	for i := range 50 { // 50 traces: the pipeline's shards would mix them
		name := string(rune('a'+i%26)) + string(rune('a'+i/26))
		tracer.StartSpan(name).Finish()
		want = append(want, name)
	}
	var got []string
	for _, s := range mt.FinishedSpans() {
		got = append(got, s.OperationName())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestContextChildOf(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	root := tracer.StartSpan("root", tracer.ServiceName("svc"))
	root.SetBaggageItem("k", "v")
	root.Finish()
	f := mt.FinishedSpans()[0]
	sc := f.Context()
	w, ok := sc.(ddtrace.SpanContextW3C)
	if !ok {
		t.Fatalf("%T is not a ddtrace.SpanContextW3C", sc)
	}
	if sc.SpanID() != f.SpanID() || sc.TraceID() != f.TraceID() || len(w.TraceID128()) != 32 {
		t.Errorf("context %d %d %s, span %d %d", sc.SpanID(), sc.TraceID(), w.TraceID128(), f.SpanID(), f.TraceID())
	}
	bag := map[string]string{}
	sc.ForeachBaggageItem(func(k, v string) bool { bag[k] = v; return true })
	if bag["k"] != "v" {
		t.Errorf("baggage %v", bag)
	}
	tracer.StartSpan("late", tracer.ChildOf(sc)).Finish()
	late := mt.FinishedSpans()[1]
	lw := late.Context().(ddtrace.SpanContextW3C)
	if late.ParentID() != f.SpanID() || lw.TraceID128() != w.TraceID128() || late.Tag(ext.ServiceName) != "svc" {
		t.Errorf("late child: %v", late)
	}
}

func TestLinksEventsIntegration(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	link := ddtrace.SpanLink{TraceID: 1, TraceIDHigh: 2, SpanID: 3, Attributes: map[string]string{"a": "b"}, Flags: 1}
	s := tracer.StartSpan("op", tracer.WithSpanLinks([]ddtrace.SpanLink{link}))
	at := time.Unix(100, 5)
	ddtrace.AddSpanEvent(s, "ev", ddtrace.WithSpanEventTimestamp(at),
		ddtrace.WithSpanEventAttributes(map[string]any{"n": 3, "ss": []string{"a"}}))
	s.Finish()
	tracer.StartSpan("plain").Finish()
	spans := mt.FinishedSpans()
	f, plain := spans[0], spans[1]
	if got := f.Links(); !reflect.DeepEqual(got, []ddtrace.SpanLink{link}) {
		t.Errorf("Links() = %#v", got)
	}
	want := []mocktracer.SpanEvent{{Name: "ev", TimeUnixNano: uint64(at.UnixNano()), Attributes: map[string]any{"n": 3.0, "ss": []any{"a"}}}}
	if got := f.Events(); !reflect.DeepEqual(got, want) {
		t.Errorf("Events() = %#v", got)
	}
	f.Events()[0].AssertAttributes(t, map[string]any{"n": 3, "ss": []string{"a"}})
	if plain.Links() != nil || plain.Events() != nil || plain.Integration() != "" {
		t.Error("a span without links, events or component")
	}
}

func TestResetAndStop(t *testing.T) {
	mt := mocktracer.Start()
	if !mocktracer.IsActive() || mt.SentDSMBacklogs() != nil {
		t.Error("after Start")
	}
	pending := tracer.StartSpan("pending")
	tracer.StartSpan("done").Finish()
	mt.Reset()
	pending.Finish()
	if n := len(mt.FinishedSpans()) + len(mt.OpenSpans()); n != 0 {
		t.Errorf("%d spans after Reset: a span started before it is forgotten, as in dd-trace-go", n)
	}
	tracer.StartSpan("after", tracer.StartTime(time.Unix(1, 0))).Finish()
	if got := mt.FinishedSpans(); len(got) != 1 || !got[0].StartTime().Equal(time.Unix(1, 0)) {
		t.Errorf("after Reset: %v", got)
	}
	running := tracer.StartSpan("running")
	mt.Stop()
	running.Finish()
	if mocktracer.IsActive() || trace.Default().Enabled() || len(mt.FinishedSpans()) != 1 {
		t.Error("after Stop: active, still the default, or still recording")
	}
}

// ctxOf returns a context carrying s, through the tracer package.
func ctxOf(s tracer.Span) context.Context {
	return tracer.ContextWithSpan(context.Background(), s)
}
