package tracer_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace/datastreams/options"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// userCtx has exactly dd-trace-go's three SpanContext methods.
type userCtx struct{ trace, span uint64 }

func (c userCtx) SpanID() uint64  { return c.span }
func (c userCtx) TraceID() uint64 { return c.trace }
func (c userCtx) ForeachBaggageItem(h func(k, v string) bool) {
	h("user", "ctx")
}

// noopSpan is a ddtrace.Span of the caller's own making.
type noopSpan struct{}

func (noopSpan) SetTag(string, any)              {}
func (noopSpan) SetOperationName(string)         {}
func (noopSpan) BaggageItem(string) string       { return "" }
func (noopSpan) SetBaggageItem(string, string)   {}
func (noopSpan) Finish(...ddtrace.FinishOption)  {}
func (noopSpan) Context() ddtrace.SpanContext    { return userCtx{trace: 5, span: 6} }
func (noopSpan) unused(tracer.Span) ddtrace.Span { return nil } // the two Span types are one
var _ = noopSpan.unused

// TestDDTypesAreOne: ddtrace's types and tracer's are the same, a user's
// SpanContext with dd's three methods is a parent, a user's own
// StartSpanOption works, and events reach the Agent.
func TestDDTypesAreOne(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL), tracer.WithLogStartup(false))
	var s ddtrace.Span = tracer.StartSpan("child", tracer.ChildOf(userCtx{trace: 9, span: 7}),
		ddtrace.StartSpanOption(func(cfg *ddtrace.StartSpanConfig) { cfg.Tags = map[string]any{"mine": "yes"} }))
	if s.BaggageItem("user") != "ctx" {
		t.Error("the user context's baggage was not inherited")
	}
	at := time.Unix(1700000000, 0)
	ddtrace.AddSpanEvent(s, "retry", ddtrace.WithSpanEventTimestamp(at), ddtrace.WithSpanEventAttributes(map[string]any{"n": 2}))
	ctx := tracer.ContextWithSpan(context.Background(), noopSpan{})
	inner, _ := tracer.StartSpanFromContext(ctx, "under-user-span")
	inner.Finish()
	s.Finish(tracer.FinishTime(at.Add(time.Second)))
	tracer.Stop()
	spans := agentSrv.byName()
	child, under := spans["child"], spans["under-user-span"]
	if child == nil || under == nil {
		t.Fatalf("spans: %v", spans)
	}
	want(t, fmt.Sprint(child["trace_id"]), "9")
	want(t, fmt.Sprint(child["parent_id"]), "7")
	want(t, meta(child)["mine"], "yes")
	if ev, _ := meta(child)["events"].(string); !strings.Contains(ev, `"retry"`) && child["span_events"] == nil {
		t.Errorf("no event: %v", child)
	}
	want(t, fmt.Sprint(under["trace_id"]), "5") // from noopSpan's context
	want(t, fmt.Sprint(under["parent_id"]), "6")
}

// TestDDOptionsAccepted: the options of products this SDK does not
// implement are accepted and named in one log line; the others act.
func TestDDOptionsAccepted(t *testing.T) {
	agentSrv := newStandIn(t)
	var logged []string
	defer globalconfig.SetAnalyticsRate(math.NaN())
	defer globalconfig.SetRemoveIntegrationServiceNames(false)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL), tracer.WithLogStartup(false),
		tracer.WithLogger(logFunc(func(s string) { logged = append(logged, s) })),
		tracer.WithAppSecEnabled(true), tracer.WithFeatureFlags("x"), tracer.WithLambdaMode(true),
		tracer.WithDebugSpansMode(time.Minute), tracer.WithStatsComputation(true), tracer.WithPrioritySampling(),
		tracer.WithDebugStack(false), tracer.WithRetryInterval(1), tracer.WithGlobalServiceName(true),
		tracer.WithHTTPRoundTripper(http.DefaultTransport), tracer.WithAnalytics(true),
		tracer.WithUniversalVersion("1.2.3"), tracer.WithHeaderTags([]string{"X-Id:id"}))
	if globalconfig.AnalyticsRate() != 1 || !globalconfig.RemoveIntegrationServiceNames() {
		t.Error("WithAnalytics or WithGlobalServiceName not in effect")
	}
	tracer.WithAnalyticsRate(2)(nil) // out of range: off
	if !math.IsNaN(globalconfig.AnalyticsRate()) {
		t.Error("an analytics rate of 2 was kept")
	}
	s := tracer.StartSpan("op", tracer.ServiceName("elsewhere"))
	s.Finish(tracer.WithError(errors.New("boom")))
	tracer.Stop()
	op := agentSrv.byName()["op"]
	if op == nil {
		t.Fatal("no span")
	}
	if _, ok := meta(op)["error.stack"]; ok {
		t.Error("WithDebugStack(false): a stack was recorded")
	}
	want(t, meta(op)["version"], "1.2.3") // universal: on another service too
	line := strings.Join(logged, "\n")
	for _, name := range []string{"WithAppSecEnabled", "WithFeatureFlags", "WithLambdaMode", "WithDebugSpansMode"} {
		if !strings.Contains(line, name) {
			t.Errorf("the log does not name %s as ignored: %s", name, line)
		}
	}
	if strings.Contains(line, "WithPrioritySampling") {
		t.Error("WithPrioritySampling is not ignored: priority sampling is always on")
	}
	if strings.Contains(line, "WithStatsComputation") {
		t.Error("WithStatsComputation is not ignored: it turns client-side statistics on")
	}
}

// TestDataStreamsAccepted: Data Streams calls do nothing and say so.
func TestDataStreamsAccepted(t *testing.T) {
	ctx := context.Background()
	if out, ok := tracer.SetDataStreamsCheckpoint(ctx, "type:kafka"); ok || out != ctx {
		t.Error("a checkpoint was set")
	}
	if out, ok := tracer.SetDataStreamsCheckpointWithParams(ctx, options.CheckpointParams{PayloadSize: 1}); ok || out != ctx {
		t.Error("a checkpoint was set")
	}
	tracer.TrackKafkaCommitOffset("g", "t", 0, 1)
	tracer.TrackKafkaProduceOffset("t", 0, 1)
	tracer.TrackKafkaHighWatermarkOffset("c", "t", 0, 1)
	if !tracer.MarkIntegrationImported("net/http") || tracer.MarkIntegrationImported("example.com/unknown") {
		t.Error("MarkIntegrationImported")
	}
}

// TestUseLogger: a tracer started with no logger writes to the one
// ddtrace.UseLogger installed.
func TestUseLogger(t *testing.T) {
	var logged []string
	ddtrace.UseLogger(logFunc(func(s string) { logged = append(logged, s) }))
	defer ddtrace.UseLogger(nil)
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithLogStartup(true))
	tracer.Stop()
	if len(logged) == 0 || !strings.Contains(logged[0], "DATADOG TRACER CONFIGURATION") {
		t.Errorf("logged: %q", logged)
	}
}

// TestUserLoginOrg: SetUser records usr.login and usr.org.
func TestUserLoginOrg(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL), tracer.WithLogStartup(false))
	s := tracer.StartSpan("op")
	tracer.SetUser(s, "u1", tracer.WithUserLogin("ann"), tracer.WithUserOrg("acme"))
	s.SetTag(ext.HTTPCode, 200)
	s.Finish()
	tracer.Stop()
	op := agentSrv.byName()["op"]
	want(t, meta(op)["usr.login"], "ann")
	want(t, meta(op)["usr.org"], "acme")
	want(t, metrics(op)["http.status_code"], 200.0) // a number, as dd-trace-go sends it
}

// TestDefaultHeaderNamesAccepted: a PropagatorConfig naming dd's default
// headers is not a renaming.
func TestDefaultHeaderNamesAccepted(t *testing.T) {
	p := tracer.NewPropagator(&tracer.PropagatorConfig{TraceHeader: tracer.DefaultTraceIDHeader,
		ParentHeader: tracer.DefaultParentIDHeader, PriorityHeader: tracer.DefaultPriorityHeader,
		BaggagePrefix: tracer.DefaultBaggageHeaderPrefix, BaggageHeader: tracer.DefaultBaggageHeader})
	if _, err := p.Extract(tracer.TextMapCarrier{}); errors.Is(err, tracer.ErrRenamedHeaders) {
		t.Error(err)
	}
	p = tracer.NewPropagator(&tracer.PropagatorConfig{BaggageHeader: "x-bag"})
	if _, err := p.Extract(tracer.TextMapCarrier{}); !errors.Is(err, tracer.ErrRenamedHeaders) {
		t.Error(err)
	}
}

// TestExtractedLinks: a carrier holding contexts of two traces extracts
// the first, with a link to the other, as ddtrace.SpanContextWithLinks.
func TestExtractedLinks(t *testing.T) {
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false),
		tracer.WithLogger(logFunc(func(string) {})))
	defer tracer.Stop()
	sc, err := tracer.Extract(tracer.TextMapCarrier{
		"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-sampling-priority": "1",
		"traceparent": "00-000000000000000000000000000000aa-00000000000000bb-01",
	})
	if err != nil {
		t.Fatal(err)
	}
	links := sc.(ddtrace.SpanContextWithLinks).SpanLinks()
	if len(links) != 1 || links[0].TraceID != 0xaa || links[0].SpanID != 0xbb || links[0].Attributes["reason"] != "terminated_context" {
		t.Errorf("links: %+v", links)
	}
}

// TestStartRecordsForIntegrations: Start records the service it was given
// and the DogStatsD address and tags integrations use (dd's statsTags).
func TestStartRecordsForIntegrations(t *testing.T) {
	tracer.Start(tracer.WithService("svc-x"), tracer.WithEnv("e1"), tracer.WithDogstatsdAddress("127.0.0.1:9"),
		tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false),
		tracer.WithLogger(logFunc(func(string) {})))
	tracer.Stop()
	if s, ok := globalconfig.ServiceName(); !ok || s != "svc-x" {
		t.Errorf("service %q %v", s, ok)
	}
	addr, tags := globalconfig.DogStatsD()
	joined := strings.Join(tags, ",")
	if addr != "127.0.0.1:9" || !strings.Contains(joined, "env:e1") || !strings.Contains(joined, "lang:go") || strings.Contains(joined, "service:") {
		t.Errorf("dogstatsd %q %v", addr, tags)
	}
}
