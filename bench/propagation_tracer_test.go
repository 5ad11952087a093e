package bench

import (
	"net/http"
	"testing"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// oursDDInjectExtract is ddTracerInjectExtract with ours' ddtrace/tracer:
// dd-trace-go's calls (tracer.Inject(span.Context()) and tracer.Extract)
// with the module prefix replaced, the tracer started as startDD starts
// dd-trace-go's. w3cOnly sets DD_TRACE_PROPAGATION_STYLE=tracecontext for
// the start, as a dd-trace-go user configures W3C alone; otherwise the
// default styles (datadog, tracecontext, baggage).
func oursDDInjectExtract(tb testing.TB, w3cOnly bool) injectExtract {
	if w3cOnly {
		tb.Setenv("DD_TRACE_PROPAGATION_STYLE", "tracecontext")
	}
	startOursTracer()
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

// TestOursDDInjectExtractStyles: the W3C-only setup writes traceparent and
// no Datadog header; the default one writes both.
func TestOursDDInjectExtractStyles(t *testing.T) {
	for _, w3cOnly := range []bool{true, false} {
		t.Run(map[bool]string{true: "w3c", false: "default"}[w3cOnly], func(t *testing.T) {
			ie := oursDDInjectExtract(t, w3cOnly) // the variable lasts as long as the subtest
			h := http.Header{}
			if err := ie.op(h); err != nil {
				t.Fatal(err)
			}
			ie.done()
			_, dd := h["X-Datadog-Trace-Id"]
			if h.Get("Traceparent") == "" || dd == w3cOnly {
				t.Errorf("w3cOnly %v: headers %v", w3cOnly, h)
			}
		})
	}
}
