package opentracer_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/opentracing/opentracing-go"
	"github.com/opentracing/opentracing-go/ext"
	"github.com/opentracing/opentracing-go/harness"
	otlog "github.com/opentracing/opentracing-go/log"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/opentracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/exporter/memory"
)

func newTracer(t testing.TB) (*trace.Tracer, *memory.Exporter) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithService("ot"))
	if t != nil {
		t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	}
	return tr, exp
}

// probe lets the harness check trace membership through our ids.
type probe struct{}

func (probe) SameTrace(a, b opentracing.Span) bool {
	return opentracer.Span(a).TraceID() == opentracer.Span(b).TraceID()
}

func (probe) SameSpanContext(s opentracing.Span, sc opentracing.SpanContext) bool {
	c, ok := opentracer.SpanContext(sc)
	return ok && c.TraceID() == opentracer.Span(s).TraceID() && c.SpanID() == opentracer.Span(s).SpanID()
}

// TestOpenTracingAPIChecks runs opentracing-go's own conformance suite.
func TestOpenTracingAPIChecks(t *testing.T) {
	harness.RunAPIChecks(t, func() (opentracing.Tracer, func()) {
		tr, _ := newTracer(nil)
		return opentracer.Wrap(tr), func() { _ = tr.Shutdown(context.Background()) }
	},
		harness.CheckBaggageValues(true),
		harness.CheckInject(true),
		harness.CheckExtract(true),
		harness.UseProbe(probe{}),
	)
}

func TestSpansMixWithTraceAPI(t *testing.T) {
	tr, exp := newTracer(t)
	ot := opentracer.Wrap(tr)
	root := ot.StartSpan("ot.root", opentracing.Tag{Key: "k", Value: "v"})
	ctx := opentracer.ContextWithSpan(context.Background(), root)
	// A trace span under the OpenTracing span ...
	ctx, mid := trace.Start(ctx, "trace.mid")
	// ... and an OpenTracing span under the trace span.
	parent := opentracer.SpanFromContext(ctx, ot)
	leaf := ot.StartSpan("ot.leaf", opentracing.ChildOf(parent.Context()))
	leaf.Finish()
	mid.Finish()
	root.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.Spans()
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	by := map[string]trace.Snapshot{}
	for _, s := range spans {
		by[s.Name()] = s
	}
	if by["trace.mid"].ParentID() != by["ot.root"].SpanID() || by["ot.leaf"].ParentID() != by["trace.mid"].SpanID() {
		t.Errorf("parents: mid→%d (root %d), leaf→%d (mid %d)", by["trace.mid"].ParentID(), by["ot.root"].SpanID(),
			by["ot.leaf"].ParentID(), by["trace.mid"].SpanID())
	}
	if v, _ := by["ot.root"].Tag("k"); v.String() != "v" {
		t.Errorf("start tag lost: %v", by["ot.root"])
	}
}

func TestHTTPHeadersInteroperate(t *testing.T) {
	tr, _ := newTracer(t)
	ot := opentracer.Wrap(tr)
	s := ot.StartSpan("client")
	h := http.Header{}
	if err := ot.Inject(s.Context(), opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h)); err != nil {
		t.Fatal(err)
	}
	if h.Get("X-Datadog-Trace-Id") == "" || h.Get("Traceparent") == "" {
		t.Errorf("headers: %v", h)
	}
	// The trace package reads what the bridge wrote.
	sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h))
	if err != nil || sc.SpanID() != opentracer.Span(s).SpanID() || sc.TraceID() != opentracer.Span(s).TraceID() {
		t.Errorf("extracted %v, %v", sc, err)
	}
	// And the bridge reports a missing context as OpenTracing says.
	if _, err := ot.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(http.Header{})); err != opentracing.ErrSpanContextNotFound {
		t.Errorf("empty carrier: %v", err)
	}
	bad := http.Header{"X-Datadog-Trace-Id": {"nope"}, "X-Datadog-Parent-Id": {"1"}}
	if _, err := ot.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(bad)); err == nil {
		t.Error("a corrupted context extracted without error")
	}
}

func TestErrorsFromTagsAndLogs(t *testing.T) {
	tr, exp := newTracer(t)
	ot := opentracer.Wrap(tr)
	a := ot.StartSpan("tag-bool")
	ext.Error.Set(a, true)
	a.Finish()
	b := ot.StartSpan("log-error")
	b.LogFields(otlog.String("event", "error"), otlog.Error(errors.New("disk full")))
	b.Finish()
	c := ot.StartSpan("log-kv")
	c.LogKV("event", "error", "message", "oops")
	c.Finish()
	d := ot.StartSpan("plain-log")
	d.LogKV("event", "cache miss")
	d.FinishWithOptions(opentracing.FinishOptions{FinishTime: time.Now().Add(time.Second)})
	_ = tr.Shutdown(context.Background())
	for _, s := range exp.Spans() {
		want := s.Name() != "plain-log"
		if s.IsError() != want {
			t.Errorf("%s: error %v, want %v", s.Name(), s.IsError(), want)
		}
		if s.Name() == "log-error" {
			if v, _ := s.Tag("error.message"); v.String() != "disk full" {
				t.Errorf("error.message %q", v.String())
			}
		}
		if s.Name() == "plain-log" && s.Duration() < time.Second {
			t.Errorf("finish time ignored: %v", s.Duration())
		}
	}
}

func TestBinaryCarrierBounded(t *testing.T) {
	tr, _ := newTracer(t)
	ot := opentracer.Wrap(tr)
	for name, in := range map[string][]byte{
		"empty":        nil,
		"huge count":   {0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge string":  {1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"truncated":    {1, 5, 'a'},
		"bad varint":   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"junk headers": {1, 1, 'x', 1, 'y'},
	} {
		sc, err := ot.Extract(opentracing.Binary, bytes.NewReader(in))
		if err == nil || sc != nil {
			t.Errorf("%s: extracted %v, err %v", name, sc, err)
		}
	}
}

func FuzzBinaryExtract(f *testing.F) {
	tr, _ := newTracer(nil)
	ot := opentracer.Wrap(tr)
	var buf bytes.Buffer
	s := ot.StartSpan("seed")
	s.SetBaggageItem("user", "ada")
	if err := ot.Inject(s.Context(), opentracing.Binary, &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		sc, err := ot.Extract(opentracing.Binary, bytes.NewReader(in))
		if err != nil {
			return
		}
		// Whatever extracts can be injected again and read back the same.
		var out bytes.Buffer
		if err := ot.Inject(sc, opentracing.Binary, &out); err != nil {
			return // a context without ids (baggage only) cannot be injected
		}
		sc2, err := ot.Extract(opentracing.Binary, &out)
		if err != nil {
			t.Fatalf("re-extract: %v", err)
		}
		a, _ := opentracer.SpanContext(sc)
		b, _ := opentracer.SpanContext(sc2)
		if a.TraceID() != b.TraceID() || a.SpanID() != b.SpanID() {
			t.Fatalf("round trip changed ids: %v → %v", a, b)
		}
	})
}

// TestNewStartsTheTracer: dd-trace-go's way, New(tracer options), starts
// the global tracer, and the bridge's spans are its spans.
func TestNewStartsTheTracer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // an Agent that is down: the spans are counted as dropped
	ot := opentracer.New(tracer.WithService("ot-new"), tracer.WithAgentAddr(addr), tracer.WithLogStartup(false))
	defer tracer.Stop()
	sp := ot.StartSpan("op")
	sp.Finish()
	if st := tracer.Stats(); st.SpansStarted != 1 || st.SpansFinished != 1 {
		t.Errorf("tracer.Stats after one span through New's tracer: %+v", st)
	}
	if got := trace.Default().Service(); got != "ot-new" {
		t.Errorf("the default tracer's service is %q, want ot-new", got)
	}
}
