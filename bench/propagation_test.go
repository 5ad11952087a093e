package bench

// Propagation: inject a span context into a fresh http.Header, then extract
// it back, one style at a time.
//
//	BenchmarkInjectExtractDatadog/{ours,ddtrace}
//	BenchmarkInjectExtractTraceContext/{ours,ddtrace,otel}
//
// Each op: http.Header{} → the propagator's Inject → its Extract (what a
// client and then a server do with one request's headers). Allocations of
// the header map and its entries count, for every tracer alike.
//
// The context injected is each tracer's own, for a new sampled trace:
//   - ours: a live span of a tracer with its defaults (128-bit trace id,
//     priority 1, _dd.p.dm=-0); the propagator from trace.NewPropagator with
//     the one style.
//   - ddtrace: a live span of dd-trace-go started against the stand-in
//     agent (128-bit trace id, priority 1, _dd.p.dm=-1); the propagator from
//     tracer.NewPropagator with DD_TRACE_PROPAGATION_STYLE set to the style,
//     and MaxTagsHeaderLen 512 as tracer.Start has it (the standalone
//     default, 0, would leave out x-datadog-tags: _dd.p.tid and _dd.p.dm).
//   - otel: a live SDK span whose remote parent carried the tracestate ours
//     writes ("dd=s:1;p:<16 hex>;t.dm:-0"), so that the headers are the same
//     size; propagation.TraceContext{}.
//
// The two names are separate workloads, not one 3-level name, because
// cmd/benchtable splits a name at the first '/' into workload and tracer.

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ctrace "github.com/ctxtrace/trace"
)

// injectExtract is one tracer's round trip for one style: op injects into h
// (a fresh header) and extracts it back, checking the trace id; done
// releases what setup made.
type injectExtract struct {
	op   func(h http.Header) error
	done func()
}

var headerSink http.Header

var errRoundTrip = errors.New("bench: the extracted context is not the injected one")

func oursInjectExtract(tb testing.TB, style string) injectExtract {
	p, err := ctrace.NewPropagator(ctrace.PropagatorConfig{Inject: []string{style}, Extract: []string{style}})
	if err != nil {
		tb.Fatal(err)
	}
	tr := ctrace.New(ctrace.WithService("bench"), ctrace.WithLogger(quiet), ctrace.WithExporter(ctrace.Discard))
	_, span := tr.Start(context.Background(), spanName)
	sc := span.Context()
	return injectExtract{
		op: func(h http.Header) error {
			if err := p.Inject(sc, ctrace.HeaderCarrier(h)); err != nil {
				return err
			}
			got, err := p.Extract(ctrace.HeaderCarrier(h))
			if err != nil {
				return err
			}
			if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() {
				return errRoundTrip
			}
			return nil
		},
		done: func() {
			span.Finish()
			tr.Shutdown(context.Background())
		},
	}
}

func ddInjectExtract(tb testing.TB, style string) injectExtract {
	tb.Setenv("DD_TRACE_PROPAGATION_STYLE", style) // read by NewPropagator
	startDD()
	p := tracer.NewPropagator(&tracer.PropagatorConfig{MaxTagsHeaderLen: 512})
	span := tracer.StartSpan(spanName)
	sc := span.Context()
	return injectExtract{
		op: func(h http.Header) error {
			if err := p.Inject(sc, tracer.HTTPHeadersCarrier(h)); err != nil {
				return err
			}
			got, err := p.Extract(tracer.HTTPHeadersCarrier(h))
			if err != nil {
				return err
			}
			if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() {
				return errRoundTrip
			}
			return nil
		},
		done: func() {
			span.Finish()
			tracer.Stop()
		},
	}
}

func otelInjectExtract(tb testing.TB) injectExtract {
	tp, tr := newOtel(&discardExporter{})
	ts, err := oteltrace.ParseTraceState("dd=s:1;p:0102030405060708;t.dm:-0")
	if err != nil {
		tb.Fatal(err)
	}
	parent := oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
		TraceID:    oteltrace.TraceID{0x65, 0x65, 0xf7, 0xa5, 15: 1},
		SpanID:     oteltrace.SpanID{1, 2, 3, 4, 5, 6, 7, 8},
		TraceFlags: oteltrace.FlagsSampled | oteltrace.FlagsRandom,
		TraceState: ts,
		Remote:     true,
	})
	ctx, span := tr.Start(oteltrace.ContextWithRemoteSpanContext(context.Background(), parent), spanName)
	sc := span.SpanContext()
	prop := propagation.TraceContext{}
	bg := context.Background()
	return injectExtract{
		op: func(h http.Header) error {
			prop.Inject(ctx, propagation.HeaderCarrier(h))
			got := oteltrace.SpanContextFromContext(prop.Extract(bg, propagation.HeaderCarrier(h)))
			if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() {
				return errRoundTrip
			}
			return nil
		},
		done: func() {
			span.End()
			tp.Shutdown(context.Background())
		},
	}
}

func runInjectExtract(b *testing.B, setup func(testing.TB) injectExtract) {
	ie := setup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ie.op(http.Header{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ie.done()
}

func injectExtractSetup(tracerName, style string) func(testing.TB) injectExtract {
	switch tracerName {
	case "ours":
		return func(tb testing.TB) injectExtract { return oursInjectExtract(tb, style) }
	case "ddtrace":
		return func(tb testing.TB) injectExtract { return ddInjectExtract(tb, style) }
	case "otel":
		return otelInjectExtract
	}
	panic("bench: unknown tracer " + tracerName)
}

func BenchmarkInjectExtractDatadog(b *testing.B) {
	for _, tn := range []string{"ours", "ddtrace"} {
		b.Run(tn, func(b *testing.B) { runInjectExtract(b, injectExtractSetup(tn, "datadog")) })
	}
}

func BenchmarkInjectExtractTraceContext(b *testing.B) {
	for _, tn := range []string{"ours", "ddtrace", "otel"} {
		b.Run(tn, func(b *testing.B) { runInjectExtract(b, injectExtractSetup(tn, "tracecontext")) })
	}
}

// TestInjectExtractWorkloads runs each workload's op once and shows that
// every tracer writes the headers of the style (go test -v prints them).
func TestInjectExtractWorkloads(t *testing.T) {
	want := map[string][]string{
		"datadog":      {"X-Datadog-Trace-Id", "X-Datadog-Parent-Id", "X-Datadog-Sampling-Priority", "X-Datadog-Tags"},
		"tracecontext": {"Traceparent", "Tracestate"},
	}
	for _, w := range []struct{ style, tracer string }{
		{"datadog", "ours"}, {"datadog", "ddtrace"},
		{"tracecontext", "ours"}, {"tracecontext", "ddtrace"}, {"tracecontext", "otel"},
	} {
		t.Run(w.style+"/"+w.tracer, func(t *testing.T) {
			ie := injectExtractSetup(w.tracer, w.style)(t)
			defer ie.done()
			h := http.Header{}
			if err := ie.op(h); err != nil {
				t.Fatal(err)
			}
			for _, k := range want[w.style] {
				if h.Get(k) == "" {
					t.Errorf("no %s header", k)
				}
			}
			if len(h) != len(want[w.style]) {
				t.Errorf("%d headers, want %d", len(h), len(want[w.style]))
			}
			for k, v := range h {
				t.Logf("%s: %s", k, v)
			}
			// Allocations per op, and what the carrier alone costs: a fresh
			// http.Header given the same headers, with canonical keys and
			// values ready (no tracer can go below it with http.Header).
			op := testing.AllocsPerRun(200, func() {
				if err := ie.op(http.Header{}); err != nil {
					t.Fatal(err)
				}
			})
			floor := testing.AllocsPerRun(200, func() {
				h2 := http.Header{}
				for k, v := range h {
					h2.Set(k, v[0])
				}
				headerSink = h2
			})
			t.Logf("allocs per inject+extract: %.0f (the http.Header alone: %.0f)", op, floor)
		})
	}
}
