package bench

import (
	"context"
	"net/http"
	"testing"

	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ctrace "github.com/ctxtrace/trace"
)

// Propagation through each tracer's own API, as an integration uses it,
// with the styles a tracer injects and extracts when nothing is configured:
//
//	BenchmarkInjectExtractDefault/{ours,ddtrace}
//	BenchmarkInjectExtractTracerW3C/{ours,otel}
//
// Each op: http.Header{} → the tracer's inject of a live span's context →
// its extract of a context from the same header, as the workloads of
// propagation_test.go (one client and one server hop of a request).
//
//   - Default, ours: dd-trace-go's program below with the module prefix
//     replaced (ours' ddtrace/tracer, oursDDInjectExtract).
//   - Default, ours-native: ours' own API, Tracer.Inject(ctx carrying the
//     span) and Tracer.ExtractSpanContext, the tracer made with its
//     defaults (the datadog, tracecontext and baggage styles).
//   - Default, ddtrace: tracer.Inject(span.Context()) and tracer.Extract,
//     tracer.Start with its defaults (the same three styles), against the
//     stand-in agent.
//   - TracerW3C, ours: the same calls as Default's ours, started with
//     DD_TRACE_PROPAGATION_STYLE=tracecontext; ours-native: Default's
//     ours-native with a tracer made with WithPropagator of the
//     tracecontext style alone.
//   - TracerW3C, otel: propagation.TraceContext's Inject(ctx) and
//     Extract(ctx), what otel's own API offers (the workload of
//     InjectExtractTraceContext/otel: the span continues a remote parent
//     whose tracestate is ours, so that the headers are the same size).
func BenchmarkInjectExtractDefault(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		runInjectExtract(b, func(tb testing.TB) injectExtract { return oursDDInjectExtract(tb, false) })
	})
	b.Run("ddtrace", func(b *testing.B) { runInjectExtract(b, ddTracerInjectExtract) })
	b.Run("ours-native", func(b *testing.B) {
		runInjectExtract(b, func(tb testing.TB) injectExtract { return oursTracerInjectExtract(tb, nil) })
	})
}

func BenchmarkInjectExtractTracerW3C(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		runInjectExtract(b, func(tb testing.TB) injectExtract { return oursDDInjectExtract(tb, true) })
	})
	b.Run("otel", func(b *testing.B) { runInjectExtract(b, otelInjectExtract) })
	b.Run("ours-native", func(b *testing.B) {
		runInjectExtract(b, func(tb testing.TB) injectExtract { return oursTracerInjectExtract(tb, []string{"tracecontext"}) })
	})
}

// oursTracerInjectExtract: styles nil means the tracer's defaults.
func oursTracerInjectExtract(tb testing.TB, styles []string) injectExtract {
	opts := []ctrace.Option{ctrace.WithService("bench"), ctrace.WithLogger(quiet), ctrace.WithExporter(ctrace.Discard)}
	if styles != nil {
		p, err := ctrace.NewPropagator(ctrace.PropagatorConfig{Inject: styles, Extract: styles})
		if err != nil {
			tb.Fatal(err)
		}
		opts = append(opts, ctrace.WithPropagator(p))
	}
	tr := ctrace.New(opts...)
	ctx, span := tr.Start(context.Background(), spanName)
	want := span.Context()
	return injectExtract{
		op: func(h http.Header) error {
			if err := tr.Inject(ctx, ctrace.HeaderCarrier(h)); err != nil {
				return err
			}
			got, err := tr.ExtractSpanContext(ctrace.HeaderCarrier(h))
			if err != nil {
				return err
			}
			if got.TraceID() != want.TraceID() || got.SpanID() != want.SpanID() {
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

func ddTracerInjectExtract(tb testing.TB) injectExtract {
	startDD()
	span := tracer.StartSpan(spanName)
	sc := span.Context()
	return injectExtract{
		op: func(h http.Header) error {
			if err := tracer.Inject(sc, tracer.HTTPHeadersCarrier(h)); err != nil {
				return err
			}
			got, err := tracer.Extract(tracer.HTTPHeadersCarrier(h))
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

// TestInjectExtractTracerWorkloads runs each workload's op once: every
// tracer writes and reads back its context through its tracer API.
func TestInjectExtractTracerWorkloads(t *testing.T) {
	for name, setup := range map[string]func(testing.TB) injectExtract{
		"default/ours":    func(tb testing.TB) injectExtract { return oursTracerInjectExtract(tb, nil) },
		"default/ddtrace": ddTracerInjectExtract,
		"w3c/ours":        func(tb testing.TB) injectExtract { return oursTracerInjectExtract(tb, []string{"tracecontext"}) },
		"w3c/otel":        otelInjectExtract,
	} {
		t.Run(name, func(t *testing.T) {
			ie := setup(t)
			defer ie.done()
			h := http.Header{}
			if err := ie.op(h); err != nil {
				t.Fatal(err)
			}
		})
	}
}
