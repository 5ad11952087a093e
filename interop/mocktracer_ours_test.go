package interop

// oursMockScenario is TestMockTracerSameSpans's scenario written against our
// mocktracer (github.com/ctxtrace/trace/ddtrace/mocktracer). It is a copy of
// ddMockScenario in mocktracer_dd_test.go: the two must stay identical
// apart from their names and the file's imports, which
// TestMockTracerScenariosIdentical checks.

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func oursMockScenario(t *testing.T) mockResult {
	mt := mocktracer.Start()
	defer mt.Stop()
	if !mocktracer.IsActive() {
		t.Error("IsActive is false after Start")
	}

	// Values of every kind, as tags and as start options.
	root := tracer.StartSpan("root", tracer.ServiceName("svc"), tracer.ResourceName("/r"), tracer.SpanType("web"),
		tracer.Tag("opt.int", 7), tracer.Tag("opt.err", errors.New("opt")), tracer.Tag(ext.HTTPCode, 201))
	root.SetTag("int", 1)
	root.SetTag("int64", int64(2))
	root.SetTag("big", int64(1)<<60)
	root.SetTag("float", 1.5)
	root.SetTag("uint", uint(3))
	root.SetTag("string", "s")
	root.SetTag("bool", true)
	root.SetTag("err", errors.New("boom"))
	root.SetTag("stringer", time.Second)
	root.SetTag("bytes", []byte("b"))
	root.SetTag("slice", []int{1, 2})
	root.SetTag("nil", nil)
	root.SetTag(ext.Component, "net/http")
	root.SetTag(ext.ManualKeep, true)
	root.SetBaggageItem("bk", "bv")

	// Children through a context and through ChildOf, one in another
	// service; the special keys.
	child, ctx := tracer.StartSpanFromContext(tracer.ContextWithSpan(context.Background(), root), "child", tracer.Measured(), tracer.Tag(ext.Component, "c"))
	child.SetTag(ext.HTTPCode, 200)
	child.SetTag(ext.Error, errors.New("bad"))
	other := tracer.StartSpan("other.service", tracer.ChildOf(child.Context()), tracer.ServiceName("db"), tracer.Measured(),
		tracer.Tag(ext.Component, "c"))
	other.SetTag(ext.HTTPCode, "200")
	other.SetTag(ext.Error, true)
	other.Finish()
	grand, _ := tracer.StartSpanFromContext(ctx, "grandchild")
	grand.SetTag(ext.ResourceName, "res")
	grand.SetTag(ext.SpanType, "sql")
	grand.SetTag(ext.ServiceName, "svc2")
	grand.SetTag(ext.Component, "database/sql")
	grand.Finish(tracer.WithError(errors.New("fin")))
	child.Finish()
	root.Finish()

	// Errors, as integrations record them.
	nc := tracer.StartSpan("no.component")
	nc.Finish(tracer.WithError(errors.New("no stack")), tracer.NoDebugStack())
	e := tracer.StartSpan("error.true", tracer.Tag(ext.Component, "c"))
	e.SetTag(ext.Error, true)
	e.Finish()
	e = tracer.StartSpan("error.cleared", tracer.Tag(ext.Component, "c"))
	e.SetTag(ext.Error, errors.New("x"))
	e.SetTag(ext.Error, false)
	e.Finish()
	e = tracer.StartSpan("error.stack.empty", tracer.Tag(ext.Component, "c"))
	e.SetTag(ext.Error, errors.New("500: Internal Server Error"))
	e.SetTag(ext.ErrorStack, "")
	e.Finish(tracer.NoDebugStack())
	e = tracer.StartSpan("error.message.only", tracer.Tag(ext.Component, "c"))
	e.SetTag(ext.ErrorMsg, "only a message")
	e.Finish()
	e = tracer.StartSpan("error.at.start", tracer.Tag(ext.Component, "c"), tracer.Tag(ext.Error, errors.New("at start")))
	e.Finish()

	// Sampling decisions, and _dd.measured set late.
	pr := tracer.StartSpan("priority.root", tracer.Tag(ext.Component, "c"))
	before := tracer.StartSpan("started.before", tracer.ChildOf(pr.Context()), tracer.Tag(ext.Component, "c"))
	cp := tracer.StartSpan("child.sets.priority", tracer.ChildOf(pr.Context()), tracer.Tag(ext.Component, "c"))
	cp.SetTag("sampling.priority", 2) // ext.SamplingPriority, deprecated
	after := tracer.StartSpan("started.after", tracer.ChildOf(pr.Context()), tracer.Tag(ext.Component, "c"))
	after.Finish()
	before.Finish()
	cp.Finish()
	pr.Finish()
	e = tracer.StartSpan("manual.drop", tracer.Tag(ext.Component, "c"))
	e.SetTag(ext.ManualDrop, true)
	e.Finish()
	e = tracer.StartSpan("keep.appsec", tracer.Tag(ext.Component, "c"))
	e.SetTag(ext.ManualKeep, 5)
	e.Finish()
	e = tracer.StartSpan("measured.later", tracer.Tag(ext.Component, "c"))
	e.SetTag("_dd.measured", 1)
	e.Finish()

	// Links and events.
	e = tracer.StartSpan("links", tracer.Tag(ext.Component, "c"), tracer.WithSpanLinks([]ddtrace.SpanLink{
		{TraceID: 1, TraceIDHigh: 2, SpanID: 3, Attributes: map[string]string{"a": "b"}, Tracestate: "dd=s:1", Flags: 1},
		{TraceID: 4, SpanID: 5},
	}))
	e.Finish()
	at := ddtrace.WithSpanEventTimestamp(time.Unix(100, 5))
	e = tracer.StartSpan("events.plain", tracer.Tag(ext.Component, "c"))
	ddtrace.AddSpanEvent(e, "ev", at, ddtrace.WithSpanEventAttributes(map[string]any{
		"s": "x", "i": 3, "f": 1.5, "b": true, "ss": []string{"a"}, "is": []int{1, 2}, "big": int64(1) << 60,
	}))
	ddtrace.AddSpanEvent(e, "bare", at)
	e.Finish()
	e = tracer.StartSpan("events", tracer.Tag(ext.Component, "c"))
	ddtrace.AddSpanEvent(e, "odd", at, ddtrace.WithSpanEventAttributes(map[string]any{"by": []byte("hi"), "e": errors.New("E")}))
	e.Finish()

	// A child of a finished span's Context, and one across an Inject and
	// an Extract.
	var rootCtx ddtrace.SpanContext
	for _, s := range mt.FinishedSpans() {
		if s.OperationName() == "root" {
			rootCtx = s.Context()
		}
	}
	e = tracer.StartSpan("late.child", tracer.ChildOf(rootCtx), tracer.Tag(ext.Component, "c"))
	e.Finish()
	parent := tracer.StartSpan("parent", tracer.Tag(ext.Component, "c"))
	parent.Finish()
	h := http.Header{}
	if err := tracer.Inject(parent.Context(), tracer.HTTPHeadersCarrier(h)); err != nil {
		t.Fatalf("Inject: %v", err)
	}
	sctx, err := tracer.Extract(tracer.HTTPHeadersCarrier(h))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	e = tracer.StartSpan("server", tracer.ChildOf(sctx), tracer.Tag(ext.Component, "c"))
	e.Finish()

	res := mockResult{injected: h}
	for _, s := range mt.FinishedSpans() {
		res.finished = append(res.finished, mockRecord{s, s.Links(), s.Events(), s.Context()})
	}
	if b := mt.SentDSMBacklogs(); len(b) != 0 {
		t.Errorf("SentDSMBacklogs: %v", b)
	}

	// Reset forgets the spans open then, too.
	pending := tracer.StartSpan("pending")
	mt.Reset()
	pending.Finish()
	if n := len(mt.FinishedSpans()); n != 0 {
		t.Errorf("%d spans recorded after Reset, want none", n)
	}
	open := tracer.StartSpan("open")
	openChild := tracer.StartSpan("open.child", tracer.ChildOf(open.Context()))
	for _, s := range mt.OpenSpans() {
		res.open = append(res.open, s.OperationName())
	}
	openChild.Finish()
	open.Finish()
	mt.Stop()
	if mocktracer.IsActive() {
		t.Error("IsActive is true after Stop")
	}
	return res
}
