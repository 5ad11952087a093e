package bench

import (
	"context"
	"testing"
)

// TestOTLPDelivers checks the setups of BenchmarkOTLPDelivered and of
// Delivered's OpenTelemetry columns: cmd/otlpsink, in its child process,
// counts every span of three traces from each.
func TestOTLPDelivers(t *testing.T) {
	p, err := sharedSink()
	if err != nil {
		t.Fatal(err)
	}
	for name, start := range map[string]deliveredStart{
		"ours": oursOTLPStart, "otel": otelOTLPStart(true), "otel-default": otelOTLPStart(false),
	} {
		before, err := p.counts()
		if err != nil {
			t.Fatal(err)
		}
		trace, stop := start(t, p.url)
		for range 3 {
			trace()
		}
		stop()
		after, err := p.counts()
		if err != nil {
			t.Fatal(err)
		}
		if got := after.sub(before); got.Spans != 3*traceSpans || got.Bad != 0 || got.Requests < 1 {
			t.Errorf("%s: otlpsink received %+v, want %d spans in at least 1 request, 0 bad", name, got, 3*traceSpans)
		}
	}
}

// TestOtelOTLPExports checks the otel-otlp column's setup: its spans reach
// the discarding destination.
func TestOtelOTLPExports(t *testing.T) {
	d := sharedDiscardOTLP()
	before := d.requests.Load()
	tp, tr := newOtelOTLP(t, d.srv.URL)
	otelTrace(tr)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d.requests.Load() == before || d.bytes.Load() == 0 {
		t.Errorf("the discarding OTLP destination received %d requests", d.requests.Load()-before)
	}
}
