package opentelemetry_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	otelbaggage "go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// TestNestingBothWays starts OpenTelemetry spans and native spans (the
// trace package's and the tracer package's) under one another through
// the context: every span must be in one trace and one chunk, each the
// child of the one whose context it was started from.
func TestNestingBothWays(t *testing.T) {
	_, otel, done := newProvider(t)
	ctx, root := otel.Start(context.Background(), "otel.root", oteltrace.WithSpanKind(oteltrace.SpanKindServer))
	nctx, native := trace.Start(ctx, "native.child")
	octx, inner := otel.Start(nctx, "otel.grandchild")
	dd, _ := tracer.StartSpanFromContext(octx, "dd.greatgrandchild")
	_, sibling := otel.Start(ctx, "otel.sibling")
	// An OpenTelemetry span moved to a context of its own, as code does to
	// outlive a request, still parents the spans started from it.
	moved := oteltrace.ContextWithSpan(context.Background(), inner)
	_, detached := otel.Start(moved, "otel.moved")
	detached.End()
	sibling.End()
	dd.Finish()
	inner.End()
	native.Finish()
	root.End()

	exp := done()
	if n := len(exp.Chunks()); n != 1 {
		t.Fatalf("%d chunks, want 1", n)
	}
	spans := byResource(exp.Spans())
	parents := map[string]string{
		"native.child": "otel.root", "otel.grandchild": "native.child", "dd.greatgrandchild": "otel.grandchild",
		"otel.sibling": "otel.root", "otel.moved": "otel.grandchild",
	}
	for child, parent := range parents {
		c, p := spans[child], spans[parent]
		if c.ParentID() != p.SpanID() || c.TraceID() != p.TraceID() {
			t.Errorf("%s: parent %d, trace %s; want %s (%d) of trace %s", child, c.ParentID(), c.TraceID(), parent, p.SpanID(), p.TraceID())
		}
	}
	if r := spans["otel.root"]; r.ParentID() != 0 || !r.IsLocalRoot() {
		t.Errorf("otel.root: parent %d, local root %v", r.ParentID(), r.IsLocalRoot())
	}
	if got := trace.SpanFromContext(octx); got == nil || got.SpanID() != spans["otel.grandchild"].SpanID() {
		t.Errorf("the trace package's span in an OpenTelemetry span's context is %v, want that span", got)
	}
}

// TestNewRoot: trace.WithNewRoot starts a trace of its own, whatever the
// context carries.
func TestNewRoot(t *testing.T) {
	_, otel, done := newProvider(t)
	ctx, parent := otel.Start(context.Background(), "parent")
	_, root := otel.Start(ctx, "new.root", oteltrace.WithNewRoot())
	remote := oteltrace.ContextWithRemoteSpanContext(context.Background(), parent.SpanContext())
	_, root2 := otel.Start(remote, "new.root2", oteltrace.WithNewRoot())
	root2.End()
	root.End()
	parent.End()
	spans := byResource(done().Spans())
	for _, n := range []string{"new.root", "new.root2"} {
		if s := spans[n]; s.ParentID() != 0 || s.TraceID() == spans["parent"].TraceID() {
			t.Errorf("%s: parent %d, trace %s: want a new trace", n, s.ParentID(), s.TraceID())
		}
	}
}

// TestPropagators injects a span's context with OpenTelemetry's
// propagators and extracts it back, as two services would: the trace
// continues with its sampling decision, and baggage travels both ways
// between OpenTelemetry's baggage and the span's.
func TestPropagators(t *testing.T) {
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	_, otel, done := newProvider(t)

	member, _ := otelbaggage.NewMember("user.id", "u42")
	bag, _ := otelbaggage.New(member)
	ctx := otelbaggage.ContextWithBaggage(context.Background(), bag)
	ctx, client := otel.Start(ctx, "client", oteltrace.WithSpanKind(oteltrace.SpanKindClient))
	trace.SpanFromContext(ctx).SetBaggageItem("native.item", "n1")
	h := http.Header{}
	prop.Inject(ctx, propagation.HeaderCarrier(h))
	sc := client.SpanContext()
	wantTP := "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-03"
	if got := h.Get("traceparent"); got != wantTP {
		t.Errorf("traceparent %q, want %q (sampled, random trace id)", got, wantTP)
	}
	if got := h.Get("tracestate"); got != "dd=s:1;p:"+sc.SpanID().String()+";t.dm:-0" {
		t.Errorf("tracestate %q", got)
	}
	if got := h.Get("baggage"); got != "user.id=u42" {
		t.Errorf("baggage %q: OpenTelemetry's baggage in the context", got)
	}

	// The server side: extract, start, and see the baggage both ways.
	sctx := prop.Extract(context.Background(), propagation.HeaderCarrier(h))
	sctx, server := otel.Start(sctx, "server", oteltrace.WithSpanKind(oteltrace.SpanKindServer))
	if got := trace.SpanFromContext(sctx).BaggageItem("user.id"); got != "u42" {
		t.Errorf("the server span's baggage item user.id = %q: OpenTelemetry's baggage becomes the span's", got)
	}
	native := http.Header{}
	if err := trace.Inject(sctx, trace.HeaderCarrier(native)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(native.Get("baggage"), "user.id=u42") {
		t.Errorf("the tracer's own propagation sends baggage %q", native.Get("baggage"))
	}
	_, grandchild := otel.Start(sctx, "server.child")
	grandchild.End()
	server.End()
	if got := otelbaggage.FromContext(ctx).Member("native.item").Value(); got != "" {
		t.Errorf("baggage set on a live span after its context was made appeared: %q", got)
	}
	// Under a native span with baggage, OpenTelemetry's baggage gets it.
	nctx, withNative := otel.Start(trace.ContextWithSpan(context.Background(), trace.SpanFromContext(ctx)), "under.native")
	got := otelbaggage.FromContext(nctx)
	if got.Member("native.item").Value() != "n1" || got.Member("user.id").Value() != "u42" {
		t.Errorf("OpenTelemetry's baggage under a native span with baggage: %q", got)
	}
	withNative.End()
	client.End()

	spans := byResource(done().Spans())
	s, c := spans["server"], spans["client"]
	if s.TraceID() != c.TraceID() || s.ParentID() != c.SpanID() || !s.IsLocalRoot() {
		t.Errorf("server: trace %s parent %d local root %v; want trace %s, parent %d, a local root", s.TraceID(), s.ParentID(), s.IsLocalRoot(), c.TraceID(), c.SpanID())
	}
	if got := tagMap(s)["_dd.parent_id"]; got != sc.SpanID().String() {
		t.Errorf("server: _dd.parent_id %q, want the client's id from the tracestate", got)
	}
}

// TestRemoteSamplingDecision: a remote parent's flags and dd= member decide
// whether the trace is kept, and its origin and tags carry on.
func TestRemoteSamplingDecision(t *testing.T) {
	cases := []struct {
		name, traceparent, tracestate string
		sampled                       bool
		wantState                     string // of the child, after its own dd= member
	}{
		{"sampled", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "", true, ""},
		{"unsampled", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "", false, ""},
		{"user keep", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "dd=s:2;o:synthetics;t.usr.id:u1,congo=t61", true, "congo=t61"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, otel, done := newProvider(t)
			h := http.Header{"Traceparent": {c.traceparent}}
			if c.tracestate != "" {
				h.Set("Tracestate", c.tracestate)
			}
			ctx := propagation.TraceContext{}.Extract(context.Background(), propagation.HeaderCarrier(h))
			_, sp := otel.Start(ctx, "server")
			got := sp.SpanContext()
			if got.IsSampled() != c.sampled || got.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
				t.Errorf("sampled %v trace %s", got.IsSampled(), got.TraceID())
			}
			state := got.TraceState()
			if c.wantState != "" && !strings.HasSuffix(state.String(), ","+c.wantState) {
				t.Errorf("tracestate %q: other vendors' members must carry on", state)
			}
			sp.End()
			exp := done()
			chunk := exp.Chunks()[0]
			prio, _ := chunk.Priority()
			if prio.Keep() != c.sampled {
				t.Errorf("priority %d, want kept = %v", prio, c.sampled)
			}
			if c.name == "user keep" && (prio != trace.PriorityUserKeep || chunk.Origin() != "synthetics" || !strings.Contains(state.Get("dd"), "t.usr.id:u1")) {
				t.Errorf("priority %d origin %q dd member %q", prio, chunk.Origin(), state.Get("dd"))
			}
		})
	}
}

// TestSpanContext checks the SpanContext of a kept and of a dropped span.
func TestSpanContext(t *testing.T) {
	_, otel, done := newProvider(t)
	_, kept := otel.Start(context.Background(), "kept")
	_, dropped := otel.Start(context.Background(), "dropped", oteltrace.WithAttributes(attribute.Bool("manual.drop", true)))
	k, d := kept.SpanContext(), dropped.SpanContext()
	if !k.IsValid() || k.IsRemote() || k.TraceFlags() != oteltrace.FlagsSampled|oteltrace.FlagsRandom {
		t.Errorf("kept: valid %v remote %v flags %v", k.IsValid(), k.IsRemote(), k.TraceFlags())
	}
	if d.IsSampled() || !strings.HasPrefix(d.TraceState().Get("dd"), "s:-1;") {
		t.Errorf("dropped: sampled %v tracestate %q", d.IsSampled(), d.TraceState())
	}
	kept.End()
	dropped.End()
	spans := byResource(done().Spans())
	if s := spans["kept"]; s.TraceID() != trace.TraceID(k.TraceID()) {
		t.Errorf("trace id %s, SpanContext says %s", s.TraceID(), k.TraceID())
	}
}
