package grpc_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ctxtrace/trace"
	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

func TestMetadataRequestAndDetailTags(t *testing.T) {
	spans := newTracer(t)
	c := traced(t, grpctrace.WithMetadataTags(), grpctrace.WithIgnoredMetadata("x-secret"), grpctrace.WithRequestTags(),
		grpctrace.WithErrorDetailTags())
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-user", "a", "x-user", "b", "x-secret", "s")
	unary(ctx, c, "details")
	got := spans()
	tg := tags(one(t, got, "grpc.server"))
	want := map[string]string{"grpc.metadata.x-user.0": "a", "grpc.metadata.x-user.1": "b",
		"grpc.metadata.content-type.0": "application/grpc"}
	for k, v := range want {
		if tg[k] != v {
			t.Errorf("%s = %q, want %q", k, tg[k], v)
		}
	}
	for _, k := range []string{"grpc.metadata.x-secret.0", "grpc.metadata.x-datadog-trace-id.0",
		"grpc.metadata.x-datadog-parent-id.0", "grpc.metadata.x-datadog-sampling-priority.0"} {
		if _, ok := tg[k]; ok {
			t.Errorf("%s recorded", k)
		}
	}
	if tg["grpc.metadata.traceparent.0"] == "" {
		t.Errorf("traceparent not recorded: only the three x-datadog keys are left out by default")
	}
	if r := tg["grpc.request"]; !strings.Contains(r, `"payload"`) || !strings.Contains(r, `"ZGV0YWlscw=="`) {
		t.Errorf("grpc.request = %q, want the request as JSON", r)
	}
	for _, s := range got {
		if d := tags(s)["grpc.status_details._0"]; !strings.Contains(d, `username:"d"`) {
			t.Errorf("%s: grpc.status_details._0 = %q", s.Name(), d)
		}
	}
	if _, ok := one(t, got, "grpc.client").Tag("grpc.request"); ok {
		t.Errorf("client span has grpc.request: only servers record requests")
	}
}

// The tracer's propagator writes the metadata: B3 alone here.
func TestTracersPropagator(t *testing.T) {
	p, err := trace.NewPropagator(trace.PropagatorConfig{Inject: []string{"b3multi"}, Extract: []string{"b3multi"}})
	if err != nil {
		t.Fatal(err)
	}
	spans := newTracer(t, trace.WithPropagator(p))
	unary(context.Background(), traced(t, grpctrace.WithMetadataTags()), "ok")
	got := spans()
	client, server := one(t, got, "grpc.client"), one(t, got, "grpc.server")
	if server.ParentID() != client.SpanID() || server.TraceID() != client.TraceID() {
		t.Errorf("the trace did not continue through B3")
	}
	tg := tags(server)
	if tg["grpc.metadata.x-b3-traceid.0"] == "" || tg["grpc.metadata.traceparent.0"] != "" || tg["grpc.metadata.x-datadog-tags.0"] != "" {
		t.Errorf("metadata: %v", tg)
	}
}

// A client that forwards the metadata it received (stale trace headers
// among them) still continues its own trace: the trace's keys are
// replaced, not added to.
func TestForwardedMetadataIsReplaced(t *testing.T) {
	spans := newTracer(t)
	ctx := metadata.NewOutgoingContext(context.Background(), metadata.Pairs(
		"x-datadog-trace-id", "1", "x-datadog-parent-id", "2", "x-datadog-sampling-priority", "1",
		"traceparent", "00-0000000000000000000000000000000a-000000000000000b-01", "x-other", "kept"))
	unary(ctx, traced(t, grpctrace.WithMetadataTags()), "ok")
	got := spans()
	client, server := one(t, got, "grpc.client"), one(t, got, "grpc.server")
	if server.ParentID() != client.SpanID() || server.TraceID() != client.TraceID() {
		t.Errorf("server span continues trace %s/%d, want the client's %s/%d", server.TraceID(), server.ParentID(),
			client.TraceID(), client.SpanID())
	}
	if tags(server)["grpc.metadata.x-other.0"] != "kept" {
		t.Errorf("the caller's own metadata was lost")
	}
}

func TestStatsHandlers(t *testing.T) {
	spans := newTracer(t)
	c, stop := serve(t,
		[]grpc.ServerOption{grpc.StatsHandler(grpctrace.NewServerStatsHandler(grpctrace.WithCustomTag("custom", "x")))},
		grpc.WithStatsHandler(grpctrace.NewClientStatsHandler()))
	unary(context.Background(), c, "ok")
	unary(context.Background(), c, "NotFound")
	stop() // the server's End comes after its answer
	got := spans()
	clients, servers := byName(got, "grpc.client"), byName(got, "grpc.server")
	if len(clients) != 2 || len(servers) != 2 {
		t.Fatalf("spans %v", got)
	}
	for _, ss := range [][]trace.Snapshot{clients, servers} {
		sort.Slice(ss, func(i, j int) bool { return ss[i].Start().Before(ss[j].Start()) })
	}
	for i, code := range []string{"OK", "NotFound"} {
		cl, sv := clients[i], servers[i]
		if sv.ParentID() != cl.SpanID() {
			t.Errorf("call %d: server span is not the client span's child", i)
		}
		ct, st := tags(cl), tags(sv)
		if ct["span.kind"] != "client" || ct["out.host"] != "127.0.0.1" || ct["out.port"] == "" || ct["grpc.code"] != code ||
			cl.IsError() != (code != "OK") {
			t.Errorf("client span %d: error %v tags %v", i, cl.IsError(), ct)
		}
		if st["span.kind"] != "server" || st["_dd.measured"] != "1" || st["grpc.code"] != code || sv.IsError() != (code != "OK") {
			t.Errorf("server span %d: error %v tags %v", i, sv.IsError(), st)
		}
		for _, k := range []string{"component", "grpc.method.kind", "custom"} { // as dd-trace-go's
			if _, ok := st[k]; ok {
				t.Errorf("server span %d has %s", i, k)
			}
		}
	}
}

func TestSchemaV1(t *testing.T) {
	t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", "v1")
	spans := newTracer(t)
	unary(context.Background(), traced(t), "ok")
	got := spans()
	if c := one(t, got, "grpc.client.request"); c.Service() != "svc" {
		t.Errorf("client service %q, want the tracer's under v1", c.Service())
	}
	one(t, got, "grpc.server.request")
}

func TestRemoveIntegrationServiceNames(t *testing.T) {
	globalconfig.SetRemoveIntegrationServiceNames(true)
	defer globalconfig.SetRemoveIntegrationServiceNames(false)
	spans := newTracer(t)
	unary(context.Background(), traced(t), "ok")
	if c := one(t, spans(), "grpc.client"); c.Service() != "svc" {
		t.Errorf("client service %q, want the tracer's", c.Service())
	}
}

// A tracer whose service was not set (it is the program's name): servers
// use "grpc.server", unless DD_SERVICE names it.
func TestDefaultServerService(t *testing.T) {
	program := filepath.Base(os.Args[0])
	for _, c := range []struct {
		env, want string
	}{{"", "grpc.server"}, {program, program}} {
		t.Setenv("DD_SERVICE", c.env)
		spans := newTracer(t, trace.WithService(program))
		unary(context.Background(), traced(t), "ok")
		if s := one(t, spans(), "grpc.server"); s.Service() != c.want {
			t.Errorf("DD_SERVICE=%q: server service %q, want %q", c.env, s.Service(), c.want)
		}
	}
}

func TestAnalyticsFromEnvironment(t *testing.T) {
	t.Setenv("DD_TRACE_GRPC_ANALYTICS_ENABLED", "true")
	spans := newTracer(t)
	unary(context.Background(), traced(t), "ok")
	for _, s := range spans() {
		if tags(s)["_dd1.sr.eausr"] != "1" {
			t.Errorf("%s: no analytics rate of 1", s.Name())
		}
	}
}

// With the no-op tracer, calls go through untouched.
func TestDisabledTracer(t *testing.T) {
	trace.SetDefault(nil)
	c := traced(t)
	if err := unary(context.Background(), c, "ok"); err != nil {
		t.Fatal(err)
	}
	if err := duplex(context.Background(), c, "a"); err != nil {
		t.Fatal(err)
	}
	h := grpctrace.NewClientStatsHandler()
	if ctx := context.Background(); h.TagRPC(ctx, nil) != ctx {
		t.Errorf("TagRPC changed the context")
	}
}
