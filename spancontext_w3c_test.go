package trace_test

import (
	"context"
	"testing"

	"github.com/ctxtrace/trace"
)

// TestSpanContextW3C checks SpanContext.TraceFlags and TraceState against
// fixed values, and against what tracecontext injection writes for the
// same context: a local root kept or dropped, a child, a context
// extracted with an origin, propagated tags and other vendors' members,
// one extracted unsampled, and the invalid context.
func TestSpanContextW3C(t *testing.T) {
	tr, _ := newTracer(t)
	w3c, err := trace.NewPropagator(trace.PropagatorConfig{Inject: []string{"tracecontext"}, Extract: []string{"tracecontext"}})
	if err != nil {
		t.Fatal(err)
	}
	_, kept := tr.Start(context.Background(), "kept")
	defer kept.Finish()
	_, dropped := tr.Start(context.Background(), "dropped")
	dropped.Drop()
	defer dropped.Finish()
	_, child := tr.Start(trace.ContextWithSpan(context.Background(), kept), "child")
	defer child.Finish()
	upstream := trace.MapCarrier{
		"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"tracestate":  "dd=s:2;o:rum;t.usr.id:u~1;p:00000000000000aa,vendor=x,other=y",
	}
	remote, err := w3c.Extract(upstream)
	if err != nil {
		t.Fatal(err)
	}
	_, cont := tr.Start(trace.ContextWithSpanContext(context.Background(), remote), "continued")
	defer cont.Finish()
	unsampled, err := w3c.Extract(trace.MapCarrier{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"})
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name       string
		sc         trace.SpanContext
		flags      byte
		tracestate string // "" to check against injection only
	}{
		{"kept root", kept.Context(), 0x03, ""},
		{"dropped root", dropped.Context(), 0x02, ""},
		{"child", child.Context(), 0x03, ""},
		{"remote", remote, 0x01, "dd=s:2;o:rum;p:00f067aa0ba902b7;t.usr.id:u~1,vendor=x,other=y"},
		{"continued", cont.Context(), 0x01, ""},
		{"unsampled", unsampled, 0x00, "dd=s:0;p:00f067aa0ba902b7"},
	}
	for _, c := range cases {
		if got := c.sc.TraceFlags(); got != c.flags {
			t.Errorf("%s: TraceFlags = %#x, want %#x", c.name, got, c.flags)
		}
		got := c.sc.TraceState()
		if c.tracestate != "" && got != c.tracestate {
			t.Errorf("%s: TraceState = %q, want %q", c.name, got, c.tracestate)
		}
		carrier := trace.MapCarrier{}
		if err := w3c.Inject(c.sc, carrier); err != nil {
			t.Fatalf("%s: Inject: %v", c.name, err)
		}
		if got != carrier["tracestate"] {
			t.Errorf("%s: TraceState = %q, injection writes %q", c.name, got, carrier["tracestate"])
		}
		if tp := carrier["traceparent"]; tp[len(tp)-2:] != hex2(c.sc.TraceFlags()) {
			t.Errorf("%s: TraceFlags = %#x, injection writes %s", c.name, c.sc.TraceFlags(), tp)
		}
	}
	if got := cont.Context().TraceState(); got != "dd=s:2;o:rum;p:"+hexID(cont.SpanID())+";t.usr.id:u~1,vendor=x,other=y" {
		t.Errorf("continued: TraceState = %q: the other vendors' members and the origin must carry on", got)
	}
	var zero trace.SpanContext
	if zero.TraceFlags() != 0 || zero.TraceState() != "" {
		t.Errorf("zero SpanContext: flags %#x, tracestate %q; want 0 and \"\"", zero.TraceFlags(), zero.TraceState())
	}
}

func hex2(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&0xf]})
}

func hexID(id uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[id&0xf]
		id >>= 4
	}
	return string(b[:])
}
