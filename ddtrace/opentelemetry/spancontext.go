package opentelemetry

import (
	"encoding/binary"
	"encoding/hex"
	"strings"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
)

// Span contexts between OpenTelemetry and the trace package, through W3C
// Trace Context: what OpenTelemetry's SpanContext carries besides the ids
// is a traceparent's flags and a tracestate.

// otelContext returns sc as OpenTelemetry's SpanContext: the same ids, the
// W3C flags and tracestate tracecontext injection writes for it (the
// sampled flag says whether the trace is kept; the tracestate's dd=
// member carries the priority, origin and propagated tags). It is local
// (IsRemote false). The invalid sc gives the invalid SpanContext.
func otelContext(sc trace.SpanContext) oteltrace.SpanContext {
	if !sc.IsValid() {
		return oteltrace.SpanContext{}
	}
	var sid oteltrace.SpanID
	binary.BigEndian.PutUint64(sid[:], sc.SpanID())
	return oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
		TraceID:    oteltrace.TraceID(sc.TraceID()),
		SpanID:     sid,
		TraceFlags: oteltrace.TraceFlags(sc.TraceFlags()),
		TraceState: otelTraceState(sc.TraceState()),
	})
}

// otelTraceState parses a tracestate for OpenTelemetry. Its grammar is
// stricter than the W3C extraction that let other vendors' members in (a
// key of more than 256 bytes in all, for one), so a member it refuses is
// left out instead of the whole list.
func otelTraceState(s string) oteltrace.TraceState {
	ts, err := oteltrace.ParseTraceState(s)
	if err == nil {
		return ts
	}
	members := strings.Split(s, ",")
	var out oteltrace.TraceState
	for i := len(members) - 1; i >= 0; i-- { // Insert puts a member first
		k, v, ok := strings.Cut(strings.Trim(members[i], " \t"), "=")
		if !ok {
			continue
		}
		if next, err := out.Insert(k, v); err == nil {
			out = next
		}
	}
	return out
}

// w3cPropagator reads the W3C Trace Context of remote OpenTelemetry span
// contexts.
var w3cPropagator, _ = trace.NewPropagator(trace.PropagatorConfig{
	Inject:  []string{"tracecontext"},
	Extract: []string{"tracecontext"},
})

// remoteContext returns OpenTelemetry's valid sc as the trace package's
// remote parent, read as tracecontext extraction reads its traceparent and
// tracestate: the sampled flag and the dd= member give the sampling
// decision (an unsampled context without dd= member drops the trace, as
// OpenTelemetry's parent-based sampling does), the origin and the
// propagated tags; other vendors' members carry on.
func remoteContext(sc oteltrace.SpanContext) (trace.SpanContext, bool) {
	tid, sid := sc.TraceID(), sc.SpanID()
	var b [55]byte // 00-<32 hex>-<16 hex>-<2 hex>
	tp := append(b[:0], "00-"...)
	tp = hex.AppendEncode(tp, tid[:])
	tp = append(tp, '-')
	tp = hex.AppendEncode(tp, sid[:])
	tp = append(tp, '-')
	tp = hex.AppendEncode(tp, []byte{byte(sc.TraceFlags())})
	out, err := w3cPropagator.Extract(w3cHeaders{traceparent: string(tp), tracestate: sc.TraceState().String()})
	return out, err == nil
}

// w3cHeaders is a carrier of one traceparent and one tracestate.
type w3cHeaders struct{ traceparent, tracestate string }

func (h w3cHeaders) ForeachKey(handler func(key, val string) error) error {
	if err := handler("traceparent", h.traceparent); err != nil {
		return err
	}
	if h.tracestate == "" {
		return nil
	}
	return handler("tracestate", h.tracestate)
}
