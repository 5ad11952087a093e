package opentelemetry

import (
	"testing"

	oteltrace "go.opentelemetry.io/otel/trace"
)

// FuzzTraceState feeds any text to the tracestate conversion: it must not
// panic, and what it keeps must be a tracestate OpenTelemetry reads back.
func FuzzTraceState(f *testing.F) {
	for _, s := range []string{"", "dd=s:1;p:00f067aa0ba902b7", "dd=s:2,congo=t61,rojo=00f067aa0ba902b7",
		"a=1,,b=2", "bad key=1,ok=2", "k=" + string(make([]byte, 300)), "x@y=1,=2,z", "dd=s:1,dd=s:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts := otelTraceState(s)
		if _, err := oteltrace.ParseTraceState(ts.String()); err != nil {
			t.Errorf("otelTraceState(%q) = %q, which does not parse: %v", s, ts, err)
		}
	})
}

// FuzzRemoteContext converts any valid remote span context: it must not
// panic, and a context it accepts keeps the trace id and the span id.
func FuzzRemoteContext(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint64(7), byte(1), "dd=s:2;o:rum;t.dm:-4,other=x")
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint64(1), byte(0xff), "")
	f.Fuzz(func(t *testing.T, tid []byte, sid uint64, flags byte, state string) {
		var cfg oteltrace.SpanContextConfig
		copy(cfg.TraceID[:], tid)
		for i := range 8 {
			cfg.SpanID[i] = byte(sid >> (56 - 8*i))
		}
		cfg.TraceFlags = oteltrace.TraceFlags(flags)
		cfg.TraceState = otelTraceState(state)
		sc := oteltrace.NewSpanContext(cfg)
		if !sc.IsValid() {
			return
		}
		got, ok := remoteContext(sc)
		if !ok {
			t.Fatalf("remoteContext refused the valid %v", sc)
		}
		if got.TraceID() != [16]byte(cfg.TraceID) || got.SpanID() != sid || !got.IsRemote() {
			t.Errorf("remoteContext(%v) = trace %s span %d remote %v", sc, got.TraceID(), got.SpanID(), got.IsRemote())
		}
		if back := otelContext(got); back.TraceID() != sc.TraceID() || back.SpanID() != sc.SpanID() || back.IsSampled() != sc.IsSampled() {
			t.Errorf("round trip of %v gave %v", sc, back)
		}
	})
}
