package agentcheck

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/DataDog/datadog-agent/pkg/opentelemetry-mapping-go/otlp/attributes"
	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/trace/api"
	"github.com/DataDog/datadog-agent/pkg/trace/config"
	"github.com/DataDog/datadog-agent/pkg/trace/timing"
	"github.com/DataDog/datadog-go/v5/statsd"
	"go.opentelemetry.io/collector/component/componenttest"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/exporter/otlp"
)

// agentIntake starts the Datadog Agent's own OTLP receiver (its gRPC
// intake) on 127.0.0.1 and returns its address and what it hands on.
func agentIntake(t *testing.T) (string, chan *api.Payload) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // the receiver listens itself
	cfg := config.New()
	cfg.Hostname = "test-host"
	cfg.OTLPReceiver.BindHost = "127.0.0.1"
	cfg.OTLPReceiver.GRPCPort = port
	tr, err := attributes.NewTranslator(componenttest.NewNopTelemetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	cfg.OTLPReceiver.AttributesTranslator = tr
	out := make(chan *api.Payload, 1000)
	rcv := api.NewOTLPReceiver(out, cfg, &statsd.NoOpClient{}, &timing.NoopReporter{})
	rcv.Start()
	t.Cleanup(rcv.Stop)
	return "http://127.0.0.1:" + strconv.Itoa(port), out
}

// workload makes spans of every kind the mapping handles, exported to
// exp and to memory, whose snapshots it returns by span id.
func workload(t *testing.T, exp trace.Exporter) map[uint64]trace.Snapshot {
	t.Helper()
	mem := memory.New()
	tr := trace.New(trace.WithService("checkout"), trace.WithEnv("prod"), trace.WithVersion("1.2.3"),
		trace.WithExporter(trace.MultiExporter(mem, exp)), trace.WithLogger(slog.New(slog.DiscardHandler)))
	ctx, root := tr.Start(context.Background(), "http.request", trace.Resource("GET /cart"), trace.Type("web"),
		trace.Tag("span.kind", "server"), trace.Tag("http.method", "GET"), trace.Tag("http.status_code", 200),
		trace.Tag("ratio", 0.25), trace.Tag("cached", true))
	root.AddEvent(trace.Event{Name: "retry", Attributes: map[string]any{"attempt": 2}})
	root.AddLink(trace.Link{TraceID: trace.NewTraceID(1, 2), SpanID: 3, Tracestate: "dd=s:1",
		Attributes: map[string]string{"link.kind": "follows"}})
	_, db := tr.Start(ctx, "postgres.query", trace.Service("postgres"), trace.Resource("SELECT 1"),
		trace.Type("sql"), trace.Tag("span.kind", "client"), trace.Tag("db.system", "postgresql"))
	db.SetError(errors.New("connection reset"))
	db.Finish()
	_, internal := tr.Start(ctx, "render", trace.Type("template"))
	internal.Finish()
	root.Finish()
	rctx := tr.Extract(context.Background(), trace.MapCarrier{
		"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
	_, remote := tr.Start(rctx, "consume", trace.Tag("span.kind", "consumer"))
	remote.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[uint64]trace.Snapshot{}
	for _, s := range mem.Spans() {
		out[s.SpanID()] = s
	}
	return out
}

// TestAgentIntake sends spans over OTLP to the Datadog Agent's own intake
// and checks that the Datadog spans it makes of them are the tracer's:
// every field, every tag, and the trace's priority. What the Agent adds
// of its own is listed in agentAdds, and nothing else may differ.
func TestAgentIntake(t *testing.T) {
	endpoint, out := agentIntake(t)
	exp, err := otlp.New(otlp.WithProtocol(otlp.GRPC), otlp.WithEndpoint(endpoint),
		otlp.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	snaps := workload(t, exp)
	if st := exp.Stats(); st.SpansSent != uint64(len(snaps)) {
		t.Fatalf("exporter Stats = %+v; want %d sent", st, len(snaps))
	}
	got := map[uint64]*pb.Span{}
	priorities := map[uint64]int32{}
	deadline := time.After(time.Minute)
	for len(got) < len(snaps) {
		select {
		case p := <-out:
			for _, c := range p.TracerPayload.Chunks {
				for _, s := range c.Spans {
					got[s.SpanID] = s
					priorities[s.SpanID] = c.Priority
				}
			}
		case <-deadline:
			t.Fatalf("the Agent handed on %d spans of %d", len(got), len(snaps))
		}
	}
	seen := map[string]bool{}
	for id, s := range snaps {
		d := got[id]
		if d == nil {
			t.Errorf("span %s did not come out of the Agent", s)
			continue
		}
		for _, problem := range compare(s, d, seen) {
			t.Errorf("span %q: %s", s.Name(), problem)
		}
		if priorities[id] != 1 {
			t.Errorf("span %q: chunk priority %d; want 1", s.Name(), priorities[id])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(agentAdds)) {
		if !seen[k] {
			t.Errorf("agentAdds lists %q, which no span has: the list is out of date", k)
		}
	}
	t.Logf("%d spans compared", len(snaps))
}

// agentAdds are the tags the Agent's OTLP conversion adds of its own,
// with the value they must have where it is fixed ("*": any value).
var agentAdds = map[string]string{
	"otel.trace_id":                 "*", // the 128-bit id in hex
	"otel.status_code":              "*", // Unset or Error
	"otel.status_description":       "*", // the error message, again
	"otel.scope.name":               "github.com/ctxtrace/trace",
	"otel.library.name":             "github.com/ctxtrace/trace",
	"otel.scope.version":            "*",
	"otel.library.version":          "*",
	"span.kind":                     "*", // from the OTLP kind: internal where the span had none
	"telemetry.sdk.name":            "ctxtrace",
	"telemetry.sdk.language":        "go",
	"telemetry.sdk.version":         "*",
	"deployment.environment.name":   "*", // the resource's attributes, again
	"service.version":               "*",
	"error.msg":                     "*", // the status message: the Agent's legacy key beside error.message
	"events":                        "*", // span events as JSON, as the Agent keeps them
	"_dd.span_events.has_exception": "true",
	"_dd.span_links":                "*", // links as JSON
	"_dd.p.dm":                      "*", // the Agent's own decision maker, on the chunk's first span

	// What the exporter adds, as exporter/agent does on the v0.4 wire.
	"_dd.p.tid":        "*", // the upper half of the trace id
	"_dd.base_service": "checkout",
}

// compare returns how d, what the Agent made of s, differs from s. It
// marks in seen the keys of the tags the Agent added.
func compare(s trace.Snapshot, d *pb.Span, seen map[string]bool) []string {
	var out []string
	check := func(field string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			out = append(out, fmt.Sprintf("%s = %v, want %v", field, got, want))
		}
	}
	check("service", d.Service, s.Service())
	check("name", d.Name, s.Name())
	check("resource", d.Resource, s.Resource())
	if s.Type() != "" {
		check("type", d.Type, s.Type())
	} else if !slices.Contains([]string{"custom", "web", "http", "db"}, d.Type) {
		// OTLP has no empty type: the Agent derives one from the kind.
		out = append(out, fmt.Sprintf("type = %q; want the Agent's default for the kind", d.Type))
	}
	check("trace id", d.TraceID, s.TraceID().Lower())
	check("parent id", d.ParentID, s.ParentID())
	check("start", d.Start, s.Start().UnixNano())
	check("duration", d.Duration, int64(s.Duration()))
	check("error", d.Error != 0, s.IsError())
	want := map[string]string{}
	for k, v := range s.Tags() {
		if v.IsNumber() {
			if g, ok := d.Metrics[k]; !ok || g != v.Float64() {
				out = append(out, fmt.Sprintf("metric %q = %v (present %t), want %v", k, g, ok, v.Float64()))
			}
			continue
		}
		want[k] = v.String()
	}
	for _, k := range slices.Sorted(maps.Keys(d.Meta)) {
		g := d.Meta[k]
		if w, ok := want[k]; ok {
			if g != w {
				out = append(out, fmt.Sprintf("meta %q = %q, want %q", k, g, w))
			}
			delete(want, k)
			continue
		}
		seen[k] = true
		if a, ok := agentAdds[k]; !ok || a != "*" && a != g {
			out = append(out, fmt.Sprintf("meta %q = %q: not the span's, nor listed as the Agent's", k, g))
		}
	}
	for k, w := range want {
		out = append(out, fmt.Sprintf("meta %q missing, want %q", k, w))
	}
	return out
}

// TestAgentIntakeUnsampled checks that a rejected trace sent with
// WithSendUnsampled reaches the Agent with its priority, so that the
// Agent counts it in its statistics and then drops it.
func TestAgentIntakeUnsampled(t *testing.T) {
	endpoint, out := agentIntake(t)
	exp, err := otlp.New(otlp.WithProtocol(otlp.GRPC), otlp.WithEndpoint(endpoint), otlp.WithSendUnsampled(),
		otlp.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	tr := trace.New(trace.WithService("checkout"), trace.WithExporter(exp), trace.WithLogger(slog.New(slog.DiscardHandler)))
	_, s := tr.Start(context.Background(), "dropped")
	s.SetTag("manual.drop", true)
	s.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-out:
		if c := p.TracerPayload.Chunks; len(c) != 1 || c[0].Priority != int32(trace.PriorityUserReject) {
			t.Errorf("chunks %v; want one of priority %d", c, trace.PriorityUserReject)
		}
	case <-time.After(time.Minute):
		t.Fatal("the Agent handed on nothing")
	}
}
