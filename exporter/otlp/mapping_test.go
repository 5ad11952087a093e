package otlp

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// mappingWorkload makes the spans TestMapping checks, with a tracer that
// exports to exp and to a memory exporter, whose snapshots it returns.
func mappingWorkload(t *testing.T, exp trace.Exporter) map[string]trace.Snapshot {
	t.Helper()
	mem := memory.New()
	tr := trace.New(trace.WithService("checkout"), trace.WithEnv("prod"), trace.WithVersion("1.2.3"),
		trace.WithExporter(trace.MultiExporter(mem, exp)), trace.WithLogger(slog.New(slog.DiscardHandler)))
	base := time.Unix(1_700_000_000, 123_456_789)
	ctx, root := tr.Start(context.Background(), "http.request", trace.Resource("GET /cart"), trace.Type("web"),
		trace.StartTime(base), trace.Tag("span.kind", "server"), trace.Tag("http.status_code", 200),
		trace.Tag("ratio", 0.25), trace.Tag("cached", true), trace.Tag("big", int64(1)<<60))
	root.AddEvent(trace.Event{Name: "retry", Time: base.Add(time.Millisecond), Attributes: map[string]any{
		"attempt": 2, "ok": true, "names": []string{"a", "b"}, "ratio": 0.5, "codes": []int64{1, 2},
		"flags": []bool{true, false}, "weights": []float64{0.5, 2},
	}})
	root.AddLink(trace.Link{TraceID: trace.NewTraceID(1, 2), SpanID: 3, Tracestate: "dd=s:1;o:rum",
		Flags: 1, Attributes: map[string]string{"link.kind": "follows", "a": "b"}})
	_, db := tr.Start(ctx, "postgres.query", trace.Service("postgres"), trace.Resource("SELECT 1"),
		trace.Type("sql"), trace.Tag("span.kind", "CLIENT"), trace.StartTime(base.Add(2*time.Millisecond)))
	db.SetError(errors.New("connection reset"))
	db.Finish(trace.FinishTime(base.Add(5 * time.Millisecond)))
	_, odd := tr.Start(ctx, "odd", trace.Tag("span.kind", "sideways"), trace.StartTime(base.Add(6*time.Millisecond)))
	odd.Finish(trace.FinishTime(base.Add(7 * time.Millisecond)))
	root.Finish(trace.FinishTime(base.Add(10 * time.Millisecond)))

	rctx := tr.Extract(context.Background(), trace.MapCarrier{
		"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
	_, remote := tr.Start(rctx, "consume", trace.Tag("span.kind", "consumer"), trace.StartTime(base))
	remote.Finish(trace.FinishTime(base.Add(time.Microsecond)))

	_, dropped := tr.Start(context.Background(), "dropped", trace.StartTime(base))
	dropped.SetTag("manual.drop", true)
	dropped.Finish(trace.FinishTime(base.Add(time.Microsecond)))

	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string]trace.Snapshot{}
	for _, s := range mem.Spans() {
		out[s.Name()] = s
	}
	return out
}

func TestMapping(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		t.Run(string(p), func(t *testing.T) {
			s := newSink(t, p, nil)
			exp, err := New(s.options()...)
			if err != nil {
				t.Fatal(err)
			}
			snaps := mappingWorkload(t, exp)
			got := map[string]gotSpan{}
			for _, g := range s.received() {
				got[g.span.GetName()] = g
			}
			if len(got) != 4 {
				t.Fatalf("received %d spans; want 4 (the sampled-out one is not sent)", len(got))
			}
			if st := exp.Stats(); st.Dropped.Unsampled != 1 || st.SpansSent != 4 || st.SpansReceived != 5 {
				t.Errorf("Stats = %+v; want 5 received, 4 sent, 1 unsampled", st)
			}
			checkRoot(t, got["http.request"], snaps["http.request"])
			checkClient(t, got["postgres.query"], snaps["postgres.query"], snaps["http.request"])
			checkOdd(t, got["odd"], snaps["odd"])
			checkRemote(t, got["consume"])
		})
	}
}

// sdkResource is what every resource holds of this SDK.
var sdkResource = map[string]any{
	"telemetry.sdk.name": "ctxtrace", "telemetry.sdk.language": "go", "telemetry.sdk.version": sdkVersion,
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func id8(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func checkRoot(t *testing.T, g gotSpan, s trace.Snapshot) {
	t.Helper()
	diff(t, "root resource", g.res, with(sdkResource, "service.name", "checkout",
		"deployment.environment.name", "prod", "service.version", "1.2.3"))
	diff(t, "scope", []string{g.scope.GetScope().GetName(), g.scope.GetScope().GetVersion()},
		[]string{"github.com/ctxtrace/trace", sdkVersion})
	sp := g.span
	tid := s.TraceID()
	diff(t, "root trace id", sp.GetTraceId(), tid[:])
	diff(t, "root span id", sp.GetSpanId(), id8(s.SpanID()))
	diff(t, "root parent", len(sp.GetParentSpanId()), 0)
	diff(t, "root kind", sp.GetKind(), tracepb.Span_SPAN_KIND_SERVER)
	diff(t, "root times", []uint64{sp.GetStartTimeUnixNano(), sp.GetEndTimeUnixNano()},
		[]uint64{1_700_000_000_123_456_789, 1_700_000_000_133_456_789})
	diff(t, "root flags", sp.GetFlags(), uint32(0x101))
	diff(t, "root status", sp.GetStatus(), (*tracepb.Status)(nil))
	diff(t, "root attributes", g.attrs(), map[string]any{
		"operation.name": "http.request", "resource.name": "GET /cart", "span.type": "web",
		"http.status_code": int64(200), "ratio": 0.25, "cached": "true", "big": "1152921504606846976",
	})
	if len(sp.GetEvents()) != 1 {
		t.Fatalf("root events = %v; want the one added", sp.GetEvents())
	}
	ev := sp.GetEvents()[0]
	diff(t, "event", []any{ev.GetName(), ev.GetTimeUnixNano(), attrMap(ev.GetAttributes())}, []any{
		"retry", uint64(1_700_000_000_124_456_789), map[string]any{
			"attempt": int64(2), "ok": true, "names": []any{"a", "b"}, "ratio": 0.5,
			"codes": []any{int64(1), int64(2)}, "flags": []any{true, false}, "weights": []any{0.5, 2.0},
		}})
	if len(sp.GetLinks()) != 1 {
		t.Fatalf("root links = %v; want the one added", sp.GetLinks())
	}
	l := sp.GetLinks()[0]
	lt := trace.NewTraceID(1, 2)
	diff(t, "link", []any{l.GetTraceId(), l.GetSpanId(), l.GetTraceState(), l.GetFlags(), attrMap(l.GetAttributes())},
		[]any{lt[:], id8(3), "dd=s:1;o:rum", uint32(1), map[string]any{"link.kind": "follows", "a": "b"}})
}

func checkClient(t *testing.T, g gotSpan, s, root trace.Snapshot) {
	t.Helper()
	diff(t, "client resource", g.res, with(sdkResource, "service.name", "postgres",
		"deployment.environment.name", "prod"))
	sp := g.span
	diff(t, "client parent", sp.GetParentSpanId(), id8(root.SpanID()))
	diff(t, "client kind", sp.GetKind(), tracepb.Span_SPAN_KIND_CLIENT)
	diff(t, "client status", []any{sp.GetStatus().GetCode(), sp.GetStatus().GetMessage()},
		[]any{tracepb.Status_STATUS_CODE_ERROR, "connection reset"})
	stack, _ := s.Tag("error.stack")
	if stack.String() == "" {
		t.Fatal("the tracer recorded no stack; the test cannot check the exception event")
	}
	tid := s.TraceID()
	diff(t, "client attributes", g.attrs(), map[string]any{
		"operation.name": "postgres.query", "resource.name": "SELECT 1", "span.type": "sql",
		"error.message": "connection reset", "error.type": "*errors.errorString", "error.stack": stack.String(),
		"_dd.base_service": "checkout",
		"_dd.p.dm":         "-0", "_dd.p.tid": tid.String()[:16], "_sampling_priority_v1": int64(1),
	})
	if len(sp.GetEvents()) != 1 {
		t.Fatalf("client events = %v; want the exception", sp.GetEvents())
	}
	ev := sp.GetEvents()[0]
	diff(t, "exception event", []any{ev.GetName(), ev.GetTimeUnixNano(), attrMap(ev.GetAttributes())}, []any{
		"exception", uint64(1_700_000_000_128_456_789), map[string]any{
			"exception.type": "*errors.errorString", "exception.message": "connection reset",
			"exception.stacktrace": stack.String(),
		}})
}

func checkOdd(t *testing.T, g gotSpan, s trace.Snapshot) {
	t.Helper()
	diff(t, "odd kind", g.span.GetKind(), tracepb.Span_SPAN_KIND_INTERNAL)
	// The first span of its chunk (which holds the spans in the order they
	// finished) in its resource: it has the trace-level attributes, and
	// the root has not. The unknown kind stays a tag.
	tid := s.TraceID()
	diff(t, "odd attributes", g.attrs(), map[string]any{
		"operation.name": "odd", "resource.name": "odd", "span.kind": "sideways",
		"_dd.p.dm": "-0", "_dd.p.tid": tid.String()[:16], "_sampling_priority_v1": int64(1)})
}

func checkRemote(t *testing.T, g gotSpan) {
	t.Helper()
	sp := g.span
	diff(t, "remote ids", []any{sp.GetTraceId(), sp.GetParentSpanId()}, []any{
		[]byte{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c},
		[]byte{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31}})
	diff(t, "remote flags", sp.GetFlags(), uint32(0x301))
	diff(t, "remote kind", sp.GetKind(), tracepb.Span_SPAN_KIND_CONSUMER)
	diff(t, "remote attributes", g.attrs(), map[string]any{
		"operation.name": "consume", "resource.name": "consume",
		"_dd.p.tid": "0af7651916cd43dd", "_sampling_priority_v1": int64(1)})
}
