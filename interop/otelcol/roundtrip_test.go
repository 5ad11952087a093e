package otelcol

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/exporter/otlp"
	"github.com/ctxtrace/trace/interop/otelcol/internal/collector"
	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// roundTraces is how many traces TestRoundTrip records per transport: 8
// spans each, a few hundred spans in all, cut into many requests by a small
// WithMaxRequestBytes so that the per-request parts of the mapping are
// exercised too.
const (
	roundTraces     = 60
	roundMaxRequest = 16 << 10
)

// testLogger sends a component's logs to the test's log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newExporter returns an OTLP exporter sending to col over proto.
func newExporter(t testing.TB, col *collector.Collector, proto otlp.Protocol, opts ...otlp.Option) *otlp.Exporter {
	t.Helper()
	endpoint := col.HTTPEndpoint()
	if proto == otlp.GRPC {
		endpoint = col.GRPCEndpoint()
	}
	base := []otlp.Option{otlp.WithEndpoint(endpoint), otlp.WithProtocol(proto), otlp.WithInsecure(), otlp.WithLogger(testLogger(t))}
	exp, err := otlp.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("otlp.New: %v", err)
	}
	return exp
}

// TestRoundTrip sends the workload over each transport, with and without
// gzip, to a real Collector, recording it in the memory exporter at the
// same time, and checks that every sampled span arrived exactly once, with
// every field as the mapping says (the differences table), and that no
// unsampled span arrived.
func TestRoundTrip(t *testing.T) {
	for _, d := range differences {
		t.Logf("difference: %-22s %s", d[0], d[1])
	}
	bytes := map[string]uint64{} // bytes sent over HTTP, by compression
	for _, proto := range []otlp.Protocol{otlp.HTTPProtobuf, otlp.GRPC} {
		for _, comp := range []string{"none", "gzip"} {
			t.Run(fmt.Sprintf("%s/%s", proto, comp), func(t *testing.T) {
				col := collector.Start(t)
				exp := newExporter(t, col, proto, otlp.WithCompression(comp), otlp.WithMaxRequestBytes(roundMaxRequest))
				mem := memory.New()
				tr := trace.New(trace.WithService("checkout"), trace.WithEnv("test"), trace.WithVersion("1.2.3"),
					trace.WithExporter(trace.MultiExporter(mem, exp)), trace.WithLogger(testLogger(t)))
				workload(tr, roundTraces)
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				if err := tr.Shutdown(ctx); err != nil {
					t.Fatalf("Shutdown: %v", err)
				}
				requests, err := col.Traces()
				if err != nil {
					t.Fatal(err)
				}
				st := exp.Stats()
				compareAll(t, mem.Chunks(), requests, st)
				if proto == otlp.HTTPProtobuf {
					bytes[comp] = st.Bytes
				}
			})
		}
	}
	// Over HTTP, Stats.Bytes counts the bodies as sent: gzip must have
	// shrunk them. (Over gRPC it counts messages before gRPC compresses
	// them, so the Collector's acceptance of grpc-encoding gzip is all
	// that is checked there.)
	if bytes["gzip"] == 0 || bytes["gzip"] >= bytes["none"] {
		t.Errorf("HTTP bodies: %d bytes with gzip, %d without; want fewer with gzip", bytes["gzip"], bytes["none"])
	}
	t.Logf("HTTP bodies: %d bytes with gzip, %d without", bytes["gzip"], bytes["none"])
}

// recorded is a span the tracer recorded, with its chunk and how many
// times it arrived.
type recorded struct {
	span    trace.Snapshot
	chunk   trace.Chunk
	arrived int
}

// group names a trace's spans in one resource of one request: the unit
// that carries the trace-level attributes once.
type group struct {
	request, resource int
	traceID           string
}

// compareAll checks what the Collector received against what the tracer
// recorded.
func compareAll(t *testing.T, chunks []trace.Chunk, requests []ptrace.Traces, st otlp.Stats) {
	t.Helper()
	want := map[string]*recorded{}
	sampled, unsampled := 0, 0
	for _, c := range chunks {
		for _, s := range c.Spans() {
			want[spanKey(hexID(s.TraceID()), fmt.Sprintf("%016x", s.SpanID()))] = &recorded{span: s, chunk: c}
			if p, ok := c.Priority(); ok && !p.Keep() {
				unsampled++
			} else {
				sampled++
			}
		}
	}
	carriers := map[group]int{}
	resources := map[string]bool{}
	compared := 0
	for r, td := range requests {
		for i := range td.ResourceSpans().Len() {
			rs := td.ResourceSpans().At(i)
			for j := range rs.ScopeSpans().Len() {
				ss := rs.ScopeSpans().At(j)
				for k := range ss.Spans().Len() {
					got := fromOTLP(rs.Resource(), ss.Scope(), ss.Spans().At(k))
					rec := want[spanKey(got.TraceID, got.SpanID)]
					if rec == nil {
						t.Errorf("request %d: a span that was not recorded arrived: %+v", r, got)
						continue
					}
					rec.arrived++
					resources[fmt.Sprint(got.Resource)] = true
					g := group{request: r, resource: i, traceID: got.TraceID}
					if compareSpan(t, rec, got) {
						carriers[g]++
					} else if _, seen := carriers[g]; !seen {
						carriers[g] = 0
					}
					compared++
				}
			}
		}
	}
	checkArrivals(t, want)
	checkCarriers(t, want, carriers)
	t.Logf("compared %d spans field by field (%d requests, %d distinct resources); %d unsampled spans recorded and, as documented, not sent",
		compared, len(requests), len(resources), unsampled)
	if len(resources) < 3 {
		t.Errorf("%d distinct resources, want at least 3 (services checkout, postgres, kafka)", len(resources))
	}
	if st.SpansSent != uint64(sampled) || st.Dropped.Unsampled != uint64(unsampled) || st.SpansDropped != uint64(unsampled) {
		t.Errorf("exporter stats %+v; want %d sent, %d dropped as unsampled, no other drop", st, sampled, unsampled)
	}
	if sampled == 0 || unsampled == 0 {
		t.Errorf("workload recorded %d sampled and %d unsampled spans; want both", sampled, unsampled)
	}
}

func spanKey(traceID, spanID string) string { return traceID + "/" + spanID }

// compareSpan compares one arrived span with its record, and reports
// whether it carried the trace-level attributes.
func compareSpan(t *testing.T, rec *recorded, got otlpSpan) (carrier bool) {
	t.Helper()
	sdk := withoutSDK(got.Resource)
	if sdk["telemetry.sdk.name"] != "ctxtrace" || sdk["telemetry.sdk.language"] != "go" || sdk["telemetry.sdk.version"] == "" {
		t.Errorf("span %s: SDK resource attributes %v", got.Name, sdk)
	}
	if rec.span.TraceID().Upper() == 0 {
		t.Errorf("span %s: 64-bit trace id %s, want 128 bits", got.Name, got.TraceID)
	}
	trattrs := splitTraceAttrs(&got, rec.span, rec.chunk)
	if len(trattrs) > 0 {
		wantTr := traceAttrs(rec.chunk)
		for k := range wantTr {
			if _, own := rec.span.Tag(k); own {
				delete(wantTr, k)
			}
		}
		if diff := cmp.Diff(wantTr, trattrs); diff != "" {
			t.Errorf("span %s %s: trace-level attributes (-want +got):\n%s", got.Name, got.SpanID, diff)
		}
	}
	if diff := cmp.Diff(expectSpan(rec.span, rec.chunk), got); diff != "" {
		t.Errorf("span %s %s (-want +got):\n%s", got.Name, got.SpanID, diff)
	}
	return len(trattrs) > 0
}

// checkArrivals checks that every sampled span arrived once, and no
// unsampled one.
func checkArrivals(t *testing.T, want map[string]*recorded) {
	t.Helper()
	for key, rec := range want {
		n := 1
		if p, ok := rec.chunk.Priority(); ok && !p.Keep() {
			n = 0
		}
		if rec.arrived != n {
			t.Errorf("span %s (%s) arrived %d times, want %d", key, rec.span.Name(), rec.arrived, n)
		}
	}
}

// checkCarriers checks that in each request and resource, one span of each
// trace with trace-level state carried it.
func checkCarriers(t *testing.T, want map[string]*recorded, carriers map[group]int) {
	t.Helper()
	byTrace := map[string]trace.Chunk{}
	for _, rec := range want {
		byTrace[hexID(rec.span.TraceID())] = rec.chunk
	}
	for g, n := range carriers {
		if len(traceAttrs(byTrace[g.traceID])) > 0 && n != 1 {
			t.Errorf("trace %s in request %d, resource %d: %d spans carry the trace-level attributes, want 1",
				g.traceID, g.request, g.resource, n)
		}
	}
}
