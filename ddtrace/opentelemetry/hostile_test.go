package opentelemetry_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
)

// TestNilContext: a nil context is context.Background().
func TestNilContext(t *testing.T) {
	_, tr, done := newProvider(t)
	var nilCtx context.Context // bad input on purpose
	ctx, sp := tr.Start(nilCtx, "nil.ctx")
	if ctx == nil || oteltrace.SpanFromContext(ctx) != sp {
		t.Fatal("Start(nil) gave no context carrying the span")
	}
	sp.End()
	if s := only(t, done()); s.ParentID() != 0 {
		t.Errorf("parent %d, want a root", s.ParentID())
	}
}

// TestHugeAttributes: a huge value is cut, a huge slice and a flood of
// keys stop at the tracer's limits, and the span still ends whole.
func TestHugeAttributes(t *testing.T) {
	_, tr, done := newProvider(t, trace.WithLimits(trace.Limits{Tags: 200, ValueLength: 1000}))
	big := strings.Repeat("x", 1<<20)
	_, sp := tr.Start(context.Background(), big, oteltrace.WithAttributes(attribute.String("big", big)))
	sp.SetAttributes(attribute.StringSlice("many", make([]string, 100000)))
	for i := range 1000 {
		sp.SetAttributes(attribute.Int(strings.Repeat("k", i%300+1), i))
	}
	sp.SetAttributes(attribute.String("", "empty key"), attribute.String(strings.Repeat("K", 1<<16), "long key"))
	sp.AddEvent(big, oteltrace.WithAttributes(attribute.String("v", big)))
	sp.SetStatus(otelcodes.Error, big)
	sp.End()
	s := only(t, done())
	if n := s.NumTags(); n > 200 {
		t.Errorf("%d tags kept, over the limit of 200", n)
	}
	for k, v := range s.Tags() {
		if len(k) > 1000 || len(v.String()) > 1000 {
			t.Errorf("tag %.20q of %d bytes, value of %d: over the limit", k, len(k), len(v.String()))
		}
	}
	if len(s.Resource()) > 5000 || !s.IsError() {
		t.Errorf("resource of %d bytes, error %v", len(s.Resource()), s.IsError())
	}
}

// TestBadValues: values dd-trace-go trips on, and kinds and codes that
// do not exist.
func TestBadValues(t *testing.T) {
	_, tr, done := newProvider(t)
	_, sp := tr.Start(context.Background(), "bad", oteltrace.WithSpanKind(oteltrace.SpanKindClient),
		oteltrace.WithAttributes(attribute.Int("db.system", 3), attribute.Bool("rpc.system", true), attribute.KeyValue{}))
	sp.SetAttributes(attribute.Float64("http.response.status_code", 503.9), attribute.Int64Slice("graphql.operation.type", []int64{1}),
		attribute.String("span.name", "")) // an empty name: derived
	sp.SetStatus(otelcodes.Code(99), "no such code")
	sp.RecordError(error(nil))
	sp.End()
	s := only(t, done())
	if s.Name() != "client.request" || tagMap(s)["http.status_code"] != "503" || s.IsError() {
		t.Errorf("name %q, http.status_code %q, error %v; want client.request, 503, no error", s.Name(), tagMap(s)["http.status_code"], s.IsError())
	}
}

// TestConcurrentUse: every method of a span from many goroutines at once,
// End among them (run with -race).
func TestConcurrentUse(t *testing.T) {
	p, tr, done := newProvider(t)
	ctx, sp := tr.Start(context.Background(), "shared")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				sp.SetAttributes(attribute.Int("n", i))
				sp.AddEvent("e")
				sp.SetStatus(otelcodes.Error, "x")
				sp.SetName("name")
				sp.RecordError(errors.New("e"))
				_ = sp.SpanContext()
				_ = sp.IsRecording()
				_, child := tr.Start(ctx, "child")
				child.End()
				if g == 0 && i == 50 {
					sp.End()
				}
				p.ForceFlush(10e9, nil)
			}
		})
	}
	wg.Wait()
	sp.End()
	if n := done().Len(); n != 801 {
		t.Errorf("%d spans, want 801", n)
	}
}

// TestPanicInEnd: End deferred while a panic unwinds records it as an
// exception event, as OpenTelemetry's SDK does, and the panic goes on.
func TestPanicInEnd(t *testing.T) {
	_, tr, done := newProvider(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to go on", r)
			}
		}()
		_, sp := tr.Start(context.Background(), "panics")
		defer sp.End(oteltrace.WithStackTrace(true))
		panic("boom")
	}()
	s := only(t, done())
	if s.NumEvents() != 1 {
		t.Fatalf("%d events, want the exception", s.NumEvents())
	}
	e := s.EventAt(0)
	if e.Name != "exception" || e.Attributes["exception.type"] != "string" || e.Attributes["exception.message"] != "boom" ||
		!strings.Contains(e.Attributes["exception.stacktrace"].(string), "TestPanicInEnd") {
		t.Errorf("event %q %v", e.Name, e.Attributes)
	}
}
