package opentelemetry_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
	otelbridge "github.com/ctxtrace/trace/ddtrace/opentelemetry"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// standInAgent answers as a Datadog Agent does and counts trace payloads.
func standInAgent(t *testing.T) (addr string, payloads *atomic.Int64) {
	payloads = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if strings.HasSuffix(r.URL.Path, "/traces") {
			payloads.Add(1)
			io.WriteString(w, `{"rate_by_service":{}}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), payloads
}

type quietLogger struct{}

func (quietLogger) Log(string) {}

// TestNewTracerProvider: NewTracerProvider starts the global tracer, whose
// spans reach the Agent; Shutdown stops it and turns the provider's
// Tracers into no-op ones.
func TestNewTracerProvider(t *testing.T) {
	addr, payloads := standInAgent(t)
	p := otelbridge.NewTracerProvider(tracer.WithAgentAddr(addr), tracer.WithService("bridge"),
		tracer.WithLogStartup(false), tracer.WithLogger(quietLogger{}))
	defer p.Shutdown()
	if !trace.Default().Enabled() || trace.Default().Service() != "bridge" {
		t.Fatalf("NewTracerProvider did not start the global tracer")
	}
	tr := p.Tracer("ignored", oteltrace.WithInstrumentationVersion("1.0"))
	if p.Tracer("other") != tr {
		t.Error("Tracer returned two tracers; the provider has one")
	}
	ctx, sp := tr.Start(context.Background(), "op")
	native, _ := tracer.StartSpanFromContext(ctx, "native")
	native.Finish()
	sp.End()
	flushed := make(chan bool, 1)
	p.ForceFlush(10e9, func(ok bool) { flushed <- ok })
	if !<-flushed {
		t.Error("ForceFlush reported a failure")
	}
	if err := p.Shutdown(); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if st := tracer.Stats(); st.SpansExported != 2 || payloads.Load() == 0 {
		t.Errorf("exported %d spans in %d payloads, want 2 spans", st.SpansExported, payloads.Load())
	}
	if trace.Default().Enabled() {
		t.Error("the global tracer still runs after Shutdown")
	}
	checkStopped(t, p, tr)
}

// checkStopped checks what a provider does after Shutdown: Tracer gives a
// no-op one, a Tracer obtained before starts no-op spans that carry their
// parent's context, Shutdown again is harmless, ForceFlush says false.
func checkStopped(t *testing.T, p *otelbridge.TracerProvider, before oteltrace.Tracer) {
	t.Helper()
	parent := oteltrace.NewSpanContext(oteltrace.SpanContextConfig{TraceID: oteltrace.TraceID{1}, SpanID: oteltrace.SpanID{2}})
	ctx := oteltrace.ContextWithSpanContext(context.Background(), parent)
	for _, tr := range []oteltrace.Tracer{before, p.Tracer("")} {
		sctx, sp := tr.Start(ctx, "after.shutdown")
		if sp.IsRecording() || !sp.SpanContext().Equal(parent) || trace.SpanFromContext(sctx) != nil {
			t.Errorf("after Shutdown: recording %v, context %v; want a no-op span with the parent's context", sp.IsRecording(), sp.SpanContext())
		}
		sp.End()
	}
	if err := p.Shutdown(); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	called, ok := false, true
	p.ForceFlush(0, func(b bool) { called, ok = true, b })
	if !called || ok {
		t.Errorf("ForceFlush after Shutdown: called %v, ok %v; want false", called, ok)
	}
	p.ForceFlush(0, nil)
}

// TestWrap: a provider over a tracer of one's own, and over the default
// one (nil).
func TestWrap(t *testing.T) {
	p, tr, done := newProvider(t)
	_, sp := tr.Start(context.Background(), "op")
	sp.End()
	flushed := make(chan bool, 1)
	p.ForceFlush(10e9, func(ok bool) { flushed <- ok })
	if !<-flushed {
		t.Error("ForceFlush reported a failure")
	}
	exp := done()
	if exp.Len() != 1 {
		t.Errorf("%d spans exported, want 1", exp.Len())
	}
	checkStopped(t, p, tr)

	// Over the default tracer: the no-op one here, so no-op spans.
	def := otelbridge.Wrap(nil)
	if _, sp := def.Tracer("").Start(context.Background(), "noop"); sp.IsRecording() {
		t.Error("a span of the no-op default tracer records")
	}
	if err := def.Shutdown(); err != nil {
		t.Errorf("Shutdown of Wrap(nil): %v", err)
	}
}

// TestNilProvider: a nil *TracerProvider is bad input, not a crash.
func TestNilProvider(t *testing.T) {
	var p *otelbridge.TracerProvider
	if _, sp := p.Tracer("").Start(context.Background(), "x"); sp.IsRecording() {
		t.Error("a nil provider's span records")
	}
	if err := p.Shutdown(); err != nil {
		t.Error(err)
	}
	ok := true
	p.ForceFlush(0, func(b bool) { ok = b })
	if ok {
		t.Error("ForceFlush of a nil provider reported success")
	}
}
