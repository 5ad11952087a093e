package trace

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestStylesExtractCombine(t *testing.T) {
	p := mustPropagator(t, PropagatorConfig{})
	tp := "00-640cfd8d00000000000000000000162e-0000000000000bb8-01"
	cases := []struct {
		name    string
		h       MapCarrier
		err     error
		span    uint64
		parent  string // _dd.parent_id recorded
		links   int
		baggage map[string]string
		w3c     bool
	}{
		{name: "datadog wins, same trace through W3C", h: MapCarrier{
			"x-datadog-trace-id": "5678", "x-datadog-parent-id": "1111", "x-datadog-sampling-priority": "1",
			"x-datadog-tags": "_dd.p.tid=640cfd8d00000000", "traceparent": tp, "tracestate": "dd=s:1;p:00000000000004d2,foo=1"},
			span: 3000, parent: "00000000000004d2", w3c: true},
		{name: "same trace, no p: the datadog parent", h: MapCarrier{
			"x-datadog-trace-id": "5678", "x-datadog-parent-id": "1111", "x-datadog-tags": "_dd.p.tid=640cfd8d00000000",
			"traceparent": tp}, span: 3000, parent: "0000000000000457", w3c: true},
		{name: "same span: nothing to reparent", h: MapCarrier{
			"x-datadog-trace-id": "5678", "x-datadog-parent-id": "3000", "x-datadog-tags": "_dd.p.tid=640cfd8d00000000",
			"traceparent": tp}, span: 3000, w3c: true},
		{name: "different trace: a link", h: MapCarrier{
			"x-datadog-trace-id": "5678", "x-datadog-parent-id": "1111", "traceparent": tp}, span: 1111, links: 1},
		{name: "corrupted datadog does not hide tracecontext", h: MapCarrier{
			"x-datadog-trace-id": "abc", "x-datadog-parent-id": "1111", "traceparent": tp}, span: 3000, w3c: true},
		{name: "corrupted alone", h: MapCarrier{"x-datadog-trace-id": "abc", "x-datadog-parent-id": "1"}, err: ErrSpanContextCorrupted},
		{name: "nothing", h: MapCarrier{}, err: ErrSpanContextNotFound},
		{name: "baggage alone", h: MapCarrier{"baggage": "a=1"}, baggage: map[string]string{"a": "1"}},
		{name: "baggage joins, W3C wins a clash", h: MapCarrier{"x-datadog-trace-id": "5", "x-datadog-parent-id": "6",
			"ot-baggage-a": "old", "ot-baggage-b": "2", "baggage": "a=new"}, span: 6, baggage: map[string]string{"a": "new", "b": "2"}},
		{name: "bad baggage, good trace", h: MapCarrier{"x-datadog-trace-id": "5", "x-datadog-parent-id": "6", "baggage": "=="}, span: 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := p.Extract(c.h)
			if !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if sc.spanID != c.span {
				t.Errorf("span %d, want %d", sc.spanID, c.span)
			}
			parent, links := "", 0
			if sc.ddParent != 0 {
				parent = hex16(sc.ddParent)
			}
			if sc.extracted != nil {
				links = len(sc.extracted.links)
			}
			if parent != c.parent || links != c.links {
				t.Errorf("parent %q links %d", parent, links)
			}
			if (sc.w3c != nil) != c.w3c {
				t.Errorf("w3c %v", sc.w3c)
			}
			for k, v := range c.baggage {
				if got, _ := sc.BaggageItem(k); got != v {
					t.Errorf("baggage %s = %q", k, got)
				}
			}
			if c.links == 1 {
				l := sc.extracted.links[0]
				if l.TraceID.String() != "640cfd8d00000000000000000000162e" || l.SpanID != 3000 || l.Attributes["reason"] != "terminated_context" ||
					l.Attributes["context_headers"] != "tracecontext" || l.Flags != 1 {
					t.Errorf("link %+v", l)
				}
			}
		})
	}
	// Extract first: no merge, no link.
	first := mustPropagator(t, PropagatorConfig{ExtractFirst: true})
	sc, err := first.Extract(cases[3].h)
	if err != nil || sc.extracted != nil || sc.spanID != 1111 {
		t.Errorf("extract first: %+v %v", sc, err)
	}
}

func TestStylesConfig(t *testing.T) {
	for _, c := range []struct {
		inject, extract []string
		wantInject      []string // header names written
		err             bool
	}{
		{nil, nil, []string{"x-datadog-trace-id", "traceparent", "baggage"}, false},
		{[]string{"b3multi", "b3 single header"}, nil, []string{"x-b3-traceid", "b3"}, false},
		{[]string{"B3", "Datadog"}, nil, []string{"x-b3-traceid", "x-datadog-trace-id"}, false},
		{[]string{"none"}, nil, nil, false},
		{[]string{}, nil, nil, false},
		{[]string{"datadog", "bogus"}, nil, []string{"x-datadog-trace-id"}, true},
		{[]string{"datadog", "datadog"}, nil, []string{"x-datadog-trace-id"}, false},
	} {
		p, err := NewPropagator(PropagatorConfig{Inject: c.inject, Extract: c.extract})
		if (err != nil) != c.err {
			t.Errorf("%v: err %v", c.inject, err)
		}
		bag := []kv{{"k", "v"}}
		m := MapCarrier{}
		if err := p.Inject(SpanContext{traceID: NewTraceID(0, 1), spanID: 2, baggage: &bag}, m); err != nil {
			t.Error(err)
		}
		for _, h := range c.wantInject {
			if _, ok := m[h]; !ok {
				t.Errorf("%v: %s not written: %v", c.inject, h, m)
			}
		}
		if len(c.wantInject) == 0 && len(m) != 0 {
			t.Errorf("%v: wrote %v", c.inject, m)
		}
	}
}

func TestPropagatorFromEnv(t *testing.T) {
	t.Setenv("DD_TRACE_PROPAGATION_STYLE", "tracecontext")
	t.Setenv("DD_TRACE_PROPAGATION_STYLE_INJECT", " B3 single header , datadog")
	t.Setenv("DD_TRACE_PROPAGATION_STYLE_EXTRACT", "")
	t.Setenv("DD_TRACE_PROPAGATION_EXTRACT_FIRST", "true")
	t.Setenv("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH", "0")
	p, err := PropagatorFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	s := p.(*styled)
	if len(s.inject) != 2 || s.inject[0].name != "b3" || s.inject[1].name != "datadog" || len(s.extract) != 1 || s.extract[0].name != "tracecontext" || !s.extractFirst {
		t.Errorf("%+v", s)
	}
	if s.inject[1].stylePropagator.(datadogPropagator).tagsMax != 0 {
		t.Error("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH=0 did not turn x-datadog-tags off")
	}
	t.Setenv("DD_TRACE_PROPAGATION_STYLE_INJECT", "bogus")
	t.Setenv("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH", "9999")
	t.Setenv("DD_TRACE_PROPAGATION_EXTRACT_FIRST", "maybe")
	p, err = PropagatorFromEnv()
	if err == nil {
		t.Error("no error for bad values")
	}
	s = p.(*styled)
	if len(s.inject) != 3 || s.inject[0].stylePropagator.(datadogPropagator).tagsMax != 512 || s.extractFirst {
		t.Errorf("unknown names should mean the default, 9999 the maximum: %+v", s)
	}
}

func TestContextPropagationEndToEnd(t *testing.T) {
	exp := &recordAll{}
	tr := New(WithExporter(exp), WithService("a"))
	ctx, client := tr.Start(context.Background(), "client")
	client.SetBaggageItem("user", "ada")
	client.Keep()
	h := http.Header{}
	if err := Inject(ctx, HeaderCarrier(h)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"X-Datadog-Trace-Id", "Traceparent", "Tracestate", "Baggage", "X-Datadog-Tags"} {
		if h.Get(name) == "" {
			t.Errorf("%s not injected: %v", name, h)
		}
	}
	// The server side: another tracer, the same process for the test.
	srv := New(WithExporter(exp), WithService("b"))
	sctx := srv.Extract(context.Background(), HeaderCarrier(h))
	_, server := srv.Start(sctx, "server")
	if server.TraceID() != client.TraceID() || server.BaggageItem("user") != "ada" {
		t.Errorf("trace %s vs %s, baggage %q", server.TraceID(), client.TraceID(), server.BaggageItem("user"))
	}
	if p, _ := server.Context().Priority(); p != PriorityUserKeep {
		t.Errorf("priority %v", p)
	}
	server.Finish()
	client.Finish()
	tr.Shutdown(context.Background())
	srv.Shutdown(context.Background())
	s := exp.find("server")
	if s.ParentID() != client.SpanID() {
		t.Errorf("server parent %d, want %d", s.ParentID(), client.SpanID())
	}
	if _, ok := s.Tag("_dd.parent_id"); ok {
		t.Error("_dd.parent_id without a W3C hop")
	}
	// Errors and odd input.
	if err := Inject(context.Background(), HeaderCarrier(http.Header{})); !errors.Is(err, ErrInvalidSpanContext) {
		t.Error(err)
	}
	if err := tr.Inject(ctx, nil); !errors.Is(err, ErrInvalidCarrier) {
		t.Error(err)
	}
	if _, err := tr.ExtractSpanContext(nil); !errors.Is(err, ErrInvalidCarrier) {
		t.Error(err)
	}
	bg := context.Background()
	if got := Extract(bg, MapCarrier{"traceparent": "garbage"}); got != bg {
		t.Error("a bad header changed the context")
	}
	//lint:ignore SA1012 a nil context is tolerated, and this is the test that says so
	if got := Extract(nil, MapCarrier{}); got == nil {
		t.Error("nil context")
	}
}

func TestExtractedStateOnRoot(t *testing.T) {
	exp := &recordAll{}
	tr := New(WithExporter(exp))
	h := MapCarrier{
		"x-datadog-trace-id": "5678", "x-datadog-parent-id": "1111", "x-datadog-sampling-priority": "1",
		"x-datadog-tags": "_dd.p.tid=640cfd8d00000000,_dd.p.bad=a=b",
		"traceparent":    "00-640cfd8d00000000000000000000162e-0000000000000bb8-01",
		"tracestate":     "dd=s:1;p:00000000000004d2,foo=1",
	}
	ctx := tr.Extract(context.Background(), h)
	ctx, root := tr.Start(ctx, "root")
	_, child := tr.Start(ctx, "child")
	// The other vendors' members travel on from any span of the trace.
	out := MapCarrier{}
	if err := tr.Inject(ContextWithSpan(context.Background(), child), out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out["tracestate"], ",foo=1") || !strings.HasPrefix(out["traceparent"], "00-640cfd8d00000000000000000000162e-") {
		t.Errorf("out: %v", out)
	}
	child.Finish()
	root.Finish()
	tr.Shutdown(context.Background())
	r := exp.find("root")
	if v, _ := r.Tag("_dd.parent_id"); v.String() != "00000000000004d2" {
		t.Errorf("_dd.parent_id = %v", v)
	}
	if v, _ := exp.find("child").Tag("_dd.parent_id"); v.String() != "" {
		t.Error("_dd.parent_id on a child")
	}
	if r.ParentID() != 3000 {
		t.Errorf("parent %d", r.ParentID())
	}
	// A value holding "=" is read as part of the value (dd-trace-go's
	// grammar): no propagation error here.
	if v, ok := r.Tag("_dd.propagation_error"); ok {
		t.Errorf("_dd.propagation_error = %v", v)
	}
	// Tags over the limit lose _dd.p.tid with them: the Datadog context is
	// then a 64-bit trace, another trace than the traceparent's, which
	// becomes a link; and the error is recorded on the root.
	exp2 := &recordAll{}
	tr2 := New(WithExporter(exp2))
	h["x-datadog-tags"] = "_dd.p.tid=640cfd8d00000000,_dd.p.x=" + strings.Repeat("y", 600)
	_, root2 := tr2.Start(tr2.Extract(context.Background(), h), "root")
	root2.Finish()
	tr2.Shutdown(context.Background())
	r2 := exp2.find("root")
	if v, _ := r2.Tag("_dd.propagation_error"); v.String() != "extract_max_size" || r2.NumLinks() != 1 || r2.ParentID() != 1111 {
		t.Errorf("_dd.propagation_error = %v, %d links, parent %d", v, r2.NumLinks(), r2.ParentID())
	}
}
