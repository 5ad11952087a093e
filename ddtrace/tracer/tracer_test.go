package tracer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// standIn is a stand-in Datadog Agent that keeps every span it receives.
type standIn struct {
	srv   *httptest.Server
	mu    sync.Mutex
	spans []map[string]any
}

func newStandIn(t *testing.T) *standIn {
	a := &standIn{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v0.4/traces" {
			http.NotFound(w, r)
			return
		}
		var traces [][]map[string]any
		body, _ := io.ReadAll(r.Body)
		if err := msgpack.Unmarshal(body, &traces); err != nil {
			t.Errorf("stand-in agent: %v", err)
		}
		a.mu.Lock()
		for _, tr := range traces {
			a.spans = append(a.spans, tr...)
		}
		a.mu.Unlock()
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *standIn) byName() map[string]map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := map[string]map[string]any{}
	for _, s := range a.spans {
		m[s["name"].(string)] = s
	}
	return m
}

// TestDocumentSnippets runs the three snippets of the user's document
// (Datadog's "Instrumentation manuelle Go" page), their code unchanged but
// for the import path and the addresses: two services on 127.0.0.1 instead
// of example.com.
func TestDocumentSnippets(t *testing.T) {
	agentSrv := newStandIn(t)

	// Snippet 1: a single span. The agent's address comes from the
	// environment, as in production.
	t.Setenv("DD_TRACE_AGENT_URL", agentSrv.srv.URL)
	tracer.Start(tracer.WithServiceName("svc"))
	func() {
		span := tracer.StartSpan("web.request", tracer.ResourceName("/posts"))
		defer span.Finish()
		span.SetTag("<TAG_KEY>", "<TAG_VALUE>")
	}()

	// Snippets 2 and 3: a trace across two services over HTTP.
	downstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sctx, err := tracer.Extract(tracer.HTTPHeadersCarrier(r.Header))
		if err != nil {
			t.Errorf("Extract: %v", err)
		}
		span := tracer.StartSpan("post.filter", tracer.ChildOf(sctx))
		defer span.Finish()
	}))
	defer downstream.Close()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		span, ctx := tracer.StartSpanFromContext(r.Context(), "post.process")
		defer span.Finish()

		//lint:ignore SA4006 the document's snippet, unchanged: it drops NewRequest's error
		req, err := http.NewRequest("GET", downstream.URL, nil)
		req = req.WithContext(ctx)
		err = tracer.Inject(span.Context(), tracer.HTTPHeadersCarrier(req.Header))
		if err != nil {
			t.Errorf("Inject: %v", err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}))
	defer upstream.Close()
	resp, err := http.Get(upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tracer.Stop()

	got := agentSrv.byName()
	web, process, filter := got["web.request"], got["post.process"], got["post.filter"]
	if web == nil || process == nil || filter == nil {
		t.Fatalf("spans received: %v", got)
	}
	if web["service"] != "svc" || web["resource"] != "/posts" || web["meta"].(map[string]any)["<TAG_KEY>"] != "<TAG_VALUE>" {
		t.Errorf("web.request: %v", web)
	}
	if fmt.Sprint(filter["trace_id"]) != fmt.Sprint(process["trace_id"]) || fmt.Sprint(filter["parent_id"]) != fmt.Sprint(process["span_id"]) {
		t.Errorf("the trace did not cross the services: process %v/%v, filter %v parent %v",
			process["trace_id"], process["span_id"], filter["trace_id"], filter["parent_id"])
	}
}

func TestStopWithoutStartAndTwice(t *testing.T) {
	tracer.Stop()
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0))
	tracer.Stop()
	tracer.Stop()
	if trace.Default().Enabled() {
		t.Error("the default tracer survived Stop")
	}
}

func TestSpanFromContextAndChildOf(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL))
	defer tracer.Stop()
	s, ok := tracer.SpanFromContext(context.Background())
	if ok {
		t.Error("a span in an empty context")
	}
	s.SetTag("k", "v") // a no-op span is usable
	s.Finish()
	if s.Context().SpanID() != 0 {
		t.Error("no-op span has an id")
	}

	a := tracer.StartSpan("a")
	b, ctx := tracer.StartSpanFromContext(context.Background(), "b")
	if got, ok := tracer.SpanFromContext(ctx); !ok || got.Context().SpanID() != b.Context().SpanID() {
		t.Error("SpanFromContext lost the span")
	}
	// ChildOf wins over the span in the context.
	c, _ := tracer.StartSpanFromContext(ctx, "c", tracer.ChildOf(a.Context()))
	c.Finish()
	b.Finish()
	a.Finish()
	ctx2 := tracer.ContextWithSpan(context.Background(), a)
	if got, _ := tracer.SpanFromContext(ctx2); got.Context().SpanID() != a.Context().SpanID() {
		t.Error("ContextWithSpan")
	}
	a.SetOperationName("a2")
	a.SetBaggageItem("k", "v")
	if a.BaggageItem("k") != "" {
		t.Error("a finished span took baggage")
	}
	tracer.Flush()
	tracer.Stop()
	got := agentSrv.byName()
	if fmt.Sprint(got["c"]["parent_id"]) != fmt.Sprint(a.Context().SpanID()) {
		t.Errorf("c's parent = %v, want a's %d (ChildOf over the context)", got["c"]["parent_id"], a.Context().SpanID())
	}
	if got["a"] == nil || got["a2"] != nil {
		t.Error("the name changed after Finish")
	}
}

func TestSpanContextAccessors(t *testing.T) {
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0))
	defer tracer.Stop()
	s := tracer.StartSpan("op", tracer.WithSpanID(42))
	s.SetBaggageItem("a", "1")
	s.SetBaggageItem("b", "2")
	sc := s.Context().(ddtrace.SpanContextW3C)
	if sc.SpanID() != 42 || sc.TraceID() != 42 || len(sc.TraceID128()) != 32 || !strings.HasSuffix(sc.TraceID128(), "000000000000002a") {
		t.Errorf("ids: %d %d %s", sc.SpanID(), sc.TraceID(), sc.TraceID128())
	}
	n := 0
	sc.ForeachBaggageItem(func(k, v string) bool { n++; return false })
	if n != 1 {
		t.Errorf("ForeachBaggageItem went on after false: %d", n)
	}
	s.Finish()
}

func TestInjectExtractErrors(t *testing.T) {
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0))
	defer tracer.Stop()
	s := tracer.StartSpan("op")
	defer s.Finish()
	if err := tracer.Inject(s.Context(), "not a carrier"); !errors.Is(err, tracer.ErrInvalidCarrier) {
		t.Error(err)
	}
	noop, _ := tracer.SpanFromContext(context.Background())
	if err := tracer.Inject(noop.Context(), tracer.TextMapCarrier{}); !errors.Is(err, tracer.ErrInvalidSpanContext) {
		t.Error(err)
	}
	if _, err := tracer.Extract(42); !errors.Is(err, tracer.ErrInvalidCarrier) {
		t.Error(err)
	}
	if _, err := tracer.Extract(tracer.TextMapCarrier{}); !errors.Is(err, tracer.ErrSpanContextNotFound) {
		t.Error(err)
	}
	if _, err := tracer.Extract(tracer.TextMapCarrier{"x-datadog-trace-id": "x", "x-datadog-parent-id": "1"}); !errors.Is(err, tracer.ErrSpanContextCorrupted) {
		t.Error(err)
	}
	m := tracer.TextMapCarrier{}
	if err := tracer.Inject(s.Context(), m); err != nil || m["x-datadog-trace-id"] == "" {
		t.Errorf("%v %v", err, m)
	}
	back, err := tracer.Extract(m)
	if err != nil || back.SpanID() != s.Context().SpanID() {
		t.Errorf("round trip: %v", err)
	}
}

func TestEnvironmentAndOptions(t *testing.T) {
	agentSrv := newStandIn(t)
	t.Setenv("DD_SERVICE", "from-env")
	t.Setenv("DD_ENV", "staging")
	t.Setenv("DD_VERSION", "9.9")
	t.Setenv("DD_TAGS", "team:core, region:eu,solo")
	t.Setenv("DD_TRACE_AGENT_URL", agentSrv.srv.URL)
	var logged []string
	tracer.Start(tracer.WithGlobalTag("extra", 1), tracer.WithHostname("h1"), tracer.WithPartialFlushing(100),
		tracer.WithAgentTimeout(5), tracer.WithLogStartup(true), tracer.WithLogger(logFunc(func(s string) { logged = append(logged, s) })),
		tracer.WithDebugMode(true), tracer.WithPropagator(tracer.NewPropagator(nil)))
	s := tracer.StartSpan("op", tracer.SpanType("web"), tracer.ServiceName("other"), tracer.Tag("k", "v"), tracer.Measured(), tracer.AnalyticsRate(0.5))
	s.Finish(tracer.WithError(errors.New("boom")), tracer.NoDebugStack(), tracer.StackFrames(1, 0))
	tracer.Stop()
	op := agentSrv.byName()["op"]
	if op == nil {
		t.Fatal("no span")
	}
	meta, metrics := op["meta"].(map[string]any), op["metrics"].(map[string]any)
	if op["service"] != "other" || op["type"] != "web" || meta["env"] != "staging" || meta["team"] != "core" || meta["region"] != "eu" ||
		meta["_dd.hostname"] != "h1" || meta["_dd.base_service"] != "from-env" || metrics["_dd1.sr.eausr"] != 0.5 ||
		meta["error.message"] != "boom" {
		t.Errorf("span: %v", op)
	}
	if _, ok := meta["solo"]; !ok {
		t.Error("DD_TAGS key without a value")
	}
	if len(logged) == 0 || !strings.Contains(logged[0], `DATADOG TRACER CONFIGURATION {`) || !strings.Contains(logged[0], `"service":"from-env"`) {
		t.Errorf("logs: %v", logged)
	}

	// DD_TRACE_ENABLED=false: every call is a no-op.
	t.Setenv("DD_TRACE_ENABLED", "false")
	tracer.Start()
	if trace.Default().Enabled() {
		t.Error("DD_TRACE_ENABLED=false still traces")
	}
	tracer.StartSpan("nothing").Finish()
	tracer.Stop()
	tracer.Start(tracer.WithTraceEnabled(false), tracer.WithService("x"), tracer.WithEnv("e"), tracer.WithServiceVersion("v"),
		tracer.WithUDS("/nonexistent"), tracer.WithHTTPClient(http.DefaultClient))
	tracer.Stop()
}

type logFunc func(string)

func (f logFunc) Log(s string) { f(s) }

// TestSharedWithRoot: the tracer package and the trace package share one
// tracer, so spans started with either are parent and child.
func TestSharedWithRoot(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL))
	outer, ctx := tracer.StartSpanFromContext(context.Background(), "outer")
	_ = trace.Do(ctx, "inner", func(ctx context.Context) error {
		leaf, _ := tracer.StartSpanFromContext(ctx, "leaf")
		leaf.Finish()
		return nil
	})
	outer.Finish()
	tracer.Stop()
	got := agentSrv.byName()
	if fmt.Sprint(got["inner"]["parent_id"]) != fmt.Sprint(got["outer"]["span_id"]) ||
		fmt.Sprint(got["leaf"]["parent_id"]) != fmt.Sprint(got["inner"]["span_id"]) {
		t.Errorf("outer %v, inner %v (parent %v), leaf parent %v",
			got["outer"]["span_id"], got["inner"]["span_id"], got["inner"]["parent_id"], got["leaf"]["parent_id"])
	}
}

func TestServiceMappingAndLinks(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL), tracer.WithService("svc"), tracer.WithServiceMapping("db", "db-eu"))
	s := tracer.StartSpan("q", tracer.ServiceName("db"), tracer.WithSpanLinks([]tracer.SpanLink{{TraceID: 5, TraceIDHigh: 6, SpanID: 7, Attributes: map[string]string{"k": "v"}}}))
	s.Finish()
	tracer.Stop()
	q := agentSrv.byName()["q"]
	if q["service"] != "db-eu" {
		t.Errorf("service %v", q["service"])
	}
	links, _ := q["span_links"].([]any)
	if len(links) != 1 || fmt.Sprint(links[0].(map[string]any)["span_id"]) != "7" || fmt.Sprint(links[0].(map[string]any)["trace_id_high"]) != "6" {
		t.Errorf("links %v", q["span_links"])
	}
}

// TestEnvironmentTable: one row per DD_* variable the tracer package
// reads, set, and its effect observed on a span at a stand-in agent.
func TestEnvironmentTable(t *testing.T) {
	cases := []struct {
		key, value string
		check      func(t *testing.T, span map[string]any, logs []string)
	}{
		{"DD_SERVICE", "env-svc", func(t *testing.T, s map[string]any, _ []string) { want(t, s["service"], "env-svc") }},
		{"DD_ENV", "qa", func(t *testing.T, s map[string]any, _ []string) { want(t, meta(s)["env"], "qa") }},
		{"DD_VERSION", "3.1", func(t *testing.T, s map[string]any, _ []string) { want(t, meta(s)["version"], "3.1") }},
		{"DD_TAGS", "a:1,b:2", func(t *testing.T, s map[string]any, _ []string) {
			want(t, meta(s)["a"], "1")
			want(t, meta(s)["b"], "2")
		}},
		{"DD_TRACE_ENABLED", "false", func(t *testing.T, s map[string]any, _ []string) { want(t, s == nil, true) }},
		{"DD_TRACE_DEBUG", "true", func(t *testing.T, _ map[string]any, logs []string) {
			want(t, strings.Contains(strings.Join(logs, "\n"), `"debug":true`), true)
		}},
		{"DD_TRACE_STARTUP_LOGS", "false", func(t *testing.T, _ map[string]any, logs []string) { want(t, len(logs), 0) }},
		{"DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED", "false", func(t *testing.T, s map[string]any, _ []string) {
			_, has := meta(s)["_dd.p.tid"]
			want(t, has, false)
		}},
		{"DD_TRACE_PARTIAL_FLUSH_MIN_SPANS", "7", func(t *testing.T, _ map[string]any, logs []string) {
			want(t, strings.Contains(strings.Join(logs, "\n"), `"partial_flush":7`), true)
		}},
		{"DD_TRACE_PARTIAL_FLUSH_ENABLED", "false", func(t *testing.T, _ map[string]any, logs []string) {
			want(t, strings.Contains(strings.Join(logs, "\n"), `"partial_flush":1073741824`), true)
		}},
		{"DD_TRACE_AGENT_TIMEOUT", "3", func(t *testing.T, _ map[string]any, logs []string) {
			want(t, strings.Contains(strings.Join(logs, "\n"), `"agent_timeout":"3s"`), true)
		}},
		{"DD_TRACE_SAMPLE_RATE", "0", func(t *testing.T, s map[string]any, _ []string) {
			want(t, metrics(s)["_sampling_priority_v1"], -1.0)
			want(t, metrics(s)["_dd.rule_psr"], 0.0)
		}},
		{"DD_TRACE_SAMPLING_RULES", `[{"name":"op","sample_rate":1}]`, func(t *testing.T, s map[string]any, _ []string) {
			want(t, metrics(s)["_sampling_priority_v1"], 2.0)
			want(t, meta(s)["_dd.p.dm"], "-3")
			want(t, metrics(s)["_dd.limit_psr"] != nil, true)
		}},
		{"DD_TRACE_RATE_LIMIT", "0", func(t *testing.T, s map[string]any, _ []string) {
			want(t, metrics(s)["_sampling_priority_v1"], 1.0) // no rule: the limit applies to rules only
		}},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			agentSrv := newStandIn(t)
			t.Setenv("DD_TRACE_AGENT_URL", agentSrv.srv.URL)
			t.Setenv(c.key, c.value)
			var logs []string
			tracer.Start(tracer.WithLogger(logFunc(func(s string) { logs = append(logs, s) })))
			tracer.StartSpan("op").Finish()
			tracer.Stop()
			c.check(t, agentSrv.byName()["op"], logs)
		})
	}
}

// TestEnvironmentPropagation: the propagation variables, observed in the
// headers Inject writes.
func TestEnvironmentPropagation(t *testing.T) {
	cases := []struct {
		env          map[string]string
		has, hasNot  []string
		extractFirst bool
	}{
		{map[string]string{"DD_TRACE_PROPAGATION_STYLE": "b3multi"}, []string{"x-b3-traceid"}, []string{"x-datadog-trace-id", "traceparent"}, false},
		{map[string]string{"DD_TRACE_PROPAGATION_STYLE_INJECT": "tracecontext", "DD_TRACE_PROPAGATION_STYLE": "datadog"}, []string{"traceparent"}, []string{"x-datadog-trace-id"}, false},
		{map[string]string{"DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH": "0"}, []string{"x-datadog-trace-id"}, []string{"x-datadog-tags"}, false},
		{map[string]string{}, []string{"x-datadog-trace-id", "x-datadog-tags", "traceparent"}, nil, false},
	}
	for _, c := range cases {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false))
		s := tracer.StartSpan("op")
		m := tracer.TextMapCarrier{}
		if err := tracer.Inject(s.Context(), m); err != nil {
			t.Error(err)
		}
		for _, h := range c.has {
			if _, ok := m[h]; !ok {
				t.Errorf("%v: %s missing from %v", c.env, h, m)
			}
		}
		for _, h := range c.hasNot {
			if _, ok := m[h]; ok {
				t.Errorf("%v: %s written", c.env, h)
			}
		}
		s.Finish()
		tracer.Stop()
		for k := range c.env {
			t.Setenv(k, "")
		}
	}
	// DD_TRACE_PROPAGATION_STYLE_EXTRACT and DD_TRACE_PROPAGATION_EXTRACT_FIRST:
	// with both headers of different traces, only the first style is read.
	t.Setenv("DD_TRACE_PROPAGATION_STYLE_EXTRACT", "tracecontext,datadog")
	t.Setenv("DD_TRACE_PROPAGATION_EXTRACT_FIRST", "true")
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false))
	sc, err := tracer.Extract(tracer.TextMapCarrier{
		"traceparent":        "00-00000000000000000000000000000009-0000000000000007-01",
		"x-datadog-trace-id": "5", "x-datadog-parent-id": "6",
	})
	tracer.Stop()
	if err != nil || sc.TraceID() != 9 || sc.SpanID() != 7 {
		t.Errorf("extract: %v %v", sc, err)
	}
}

// TestAgentHostAndPort: DD_AGENT_HOST and DD_TRACE_AGENT_PORT, without
// DD_TRACE_AGENT_URL.
func TestAgentHostAndPort(t *testing.T) {
	agentSrv := newStandIn(t)
	host, port, _ := strings.Cut(strings.TrimPrefix(agentSrv.srv.URL, "http://"), ":")
	t.Setenv("DD_TRACE_AGENT_URL", "")
	t.Setenv("DD_AGENT_HOST", host)
	t.Setenv("DD_TRACE_AGENT_PORT", port)
	tracer.Start(tracer.WithLogStartup(false))
	tracer.StartSpan("op").Finish()
	tracer.Stop()
	if agentSrv.byName()["op"] == nil {
		t.Error("no span at DD_AGENT_HOST:DD_TRACE_AGENT_PORT")
	}
}

// TestMalformedEnvironment: a malformed value is said once, its default
// used, and the program goes on.
func TestMalformedEnvironment(t *testing.T) {
	agentSrv := newStandIn(t)
	t.Setenv("DD_TRACE_AGENT_URL", agentSrv.srv.URL)
	for _, k := range []string{"DD_TRACE_ENABLED", "DD_TRACE_DEBUG", "DD_TRACE_STARTUP_LOGS", "DD_TRACE_AGENT_TIMEOUT",
		"DD_TRACE_PARTIAL_FLUSH_MIN_SPANS", "DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED",
		"DD_TRACE_SAMPLE_RATE", "DD_TRACE_SAMPLING_RULES", "DD_TRACE_RATE_LIMIT"} {
		t.Setenv(k, "maybe")
	}
	var logs []string
	tracer.Start(tracer.WithLogger(logFunc(func(s string) { logs = append(logs, s) })))
	tracer.StartSpan("op").Finish()
	tracer.Stop()
	warned := 0
	for _, l := range logs {
		if strings.Contains(l, "malformed setting") {
			warned++
		}
	}
	if warned != 9 {
		t.Errorf("%d warnings for 9 malformed variables: %v", warned, logs)
	}
	if agentSrv.byName()["op"] == nil {
		t.Error("tracing stopped on malformed settings")
	}
}

func metrics(s map[string]any) map[string]any {
	if s == nil {
		return nil
	}
	m, _ := s["metrics"].(map[string]any)
	return m
}

// TestDefaultSamplingAsDatadog: without rules, priority sampling by the
// Agent's rates, as dd-trace-go starts: priority 1, _dd.p.dm -1,
// _dd.agent_psr 1 until the Agent says otherwise.
func TestDefaultSamplingAsDatadog(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL))
	tracer.StartSpan("op").Finish()
	tracer.Stop()
	s := agentSrv.byName()["op"]
	want(t, metrics(s)["_sampling_priority_v1"], 1.0)
	want(t, metrics(s)["_dd.agent_psr"], 1.0)
	want(t, meta(s)["_dd.p.dm"], "-1")

	agentSrv2 := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv2.srv.URL), tracer.WithSamplingRules([]tracer.SamplingRule{tracer.NameRule("op", 0)}))
	tracer.StartSpan("op").Finish()
	tracer.Stop()
	want(t, metrics(agentSrv2.byName()["op"])["_sampling_priority_v1"], -1.0)

	custom := 0
	tracer.Start(tracer.WithAgentURL(agentSrv2.srv.URL), tracer.WithTraceSampler(trace.SamplerFunc(func(trace.SamplingParams) trace.Decision {
		custom++
		return trace.Decision{Priority: trace.PriorityAutoKeep}
	})))
	tracer.StartSpan("op2").Finish()
	tracer.Stop()
	want(t, custom, 1)

	// dd-trace-go's custom samplers: a rate sampler at 0 drops, at 1 keeps.
	agentSrv3 := newStandIn(t)
	rs := tracer.NewRateSampler(0)
	tracer.Start(tracer.WithAgentURL(agentSrv3.srv.URL), tracer.WithSampler(rs))
	tracer.StartSpan("dropped").Finish()
	rs.SetRate(1)
	tracer.StartSpan("kept").Finish()
	tracer.Stop()
	want(t, metrics(agentSrv3.byName()["dropped"])["_sampling_priority_v1"], 0.0)
	want(t, metrics(agentSrv3.byName()["kept"])["_sampling_priority_v1"], 1.0)
	want(t, rs.Rate(), 1.0)
	want(t, tracer.NewAllSampler().Rate(), 1.0)
}

func meta(s map[string]any) map[string]any {
	if s == nil {
		return nil
	}
	m, _ := s["meta"].(map[string]any)
	return m
}

func want(t *testing.T, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSetUser(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL))
	root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
	child, _ := tracer.StartSpanFromContext(ctx, "child")
	tracer.SetUser(child, "u1", tracer.WithUserEmail("a@b"), tracer.WithUserName("Ada"), tracer.WithUserRole("admin"),
		tracer.WithUserScope("read"), tracer.WithUserSessionID("s1"), tracer.WithUserMetadata("plan", "pro"), tracer.WithPropagation())
	m := tracer.TextMapCarrier{}
	if err := tracer.Inject(child.Context(), m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m["x-datadog-tags"], "_dd.p.usr.id=dTE=") || !strings.Contains(m["tracestate"], "t.usr.id:dTE~") {
		t.Errorf("not propagated: %v", m)
	}
	child.Finish()
	root.Finish()
	noop, _ := tracer.SpanFromContext(context.Background())
	tracer.SetUser(noop, "nobody")
	tracer.Stop()
	r := meta(agentSrv.byName()["root"])
	for k, v := range map[string]string{"usr.id": "u1", "usr.email": "a@b", "usr.name": "Ada", "usr.role": "admin", "usr.scope": "read", "usr.session_id": "s1", "usr.plan": "pro"} {
		if r[k] != v {
			t.Errorf("%s = %v", k, r[k])
		}
	}
	if _, ok := meta(agentSrv.byName()["child"])["usr.id"]; ok {
		t.Error("usr.id on the child: it belongs on the local root")
	}
}

func TestCompat(t *testing.T) {
	for _, r := range []tracer.SamplingRule{tracer.RateRule(0.5), tracer.ServiceRule("s", 0.5), tracer.NameRule("n", 0.5), tracer.NameServiceRule("n", "s", 0.5)} {
		if r.Rate != 0.5 {
			t.Error(r)
		}
	}
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false))
	defer tracer.Stop()
	s := tracer.StartSpan("op")
	defer s.Finish()

	p := tracer.NewPropagator(&tracer.PropagatorConfig{B3: true, MaxTagsHeaderLen: 512})
	m := tracer.TextMapCarrier{}
	if err := p.Inject(s.Context(), m); err != nil || m["x-b3-traceid"] == "" || m["x-datadog-trace-id"] == "" {
		t.Errorf("%v %v", err, m)
	}
	back, err := p.Extract(m)
	if err != nil || back.SpanID() != s.Context().SpanID() {
		t.Errorf("%v", err)
	}
	if err := p.Inject(s.Context(), 42); !errors.Is(err, tracer.ErrInvalidCarrier) {
		t.Error(err)
	}
	if _, err := p.Extract(42); !errors.Is(err, tracer.ErrInvalidCarrier) {
		t.Error(err)
	}
	noop, _ := tracer.SpanFromContext(context.Background())
	if err := p.Inject(noop.Context(), m); !errors.Is(err, tracer.ErrInvalidSpanContext) {
		t.Error(err)
	}
	renamed := tracer.NewPropagator(&tracer.PropagatorConfig{TraceHeader: "x-my-trace"})
	if err := renamed.Inject(s.Context(), m); !errors.Is(err, tracer.ErrRenamedHeaders) {
		t.Error(err)
	}
	if _, err := renamed.Extract(m); !errors.Is(err, tracer.ErrRenamedHeaders) {
		t.Error(err)
	}
	// A chain: every Inject, the first Extract that finds something.
	ch := tracer.NewPropagator(nil, renamedOK{}, tracer.NewPropagator(nil))
	m2 := tracer.TextMapCarrier{}
	if err := ch.Inject(s.Context(), m2); err != nil || m2["x-datadog-trace-id"] == "" {
		t.Errorf("%v %v", err, m2)
	}
	if got, err := ch.Extract(m2); err != nil || got.SpanID() != s.Context().SpanID() {
		t.Errorf("%v", err)
	}
	if _, err := ch.Extract(tracer.TextMapCarrier{}); !errors.Is(err, tracer.ErrSpanContextNotFound) {
		t.Error(err)
	}
	// A propagator of the caller's own, used by the tracer.
	tracer.Stop()
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false), tracer.WithPropagator(fixedProp{}))
	got, err := tracer.Extract(tracer.TextMapCarrier{})
	if err != nil || got.SpanID() != 7 || got.TraceID() != 9 {
		t.Errorf("%v %v", got, err)
	}
	child := tracer.StartSpan("child", tracer.ChildOf(got))
	if err := tracer.Inject(child.Context(), tracer.TextMapCarrier{}); err != nil {
		t.Error(err)
	}
	child.Finish()
}

// renamedOK is a propagator that finds nothing and writes nothing.
type renamedOK struct{}

func (renamedOK) Inject(tracer.SpanContext, any) error    { return nil }
func (renamedOK) Extract(any) (tracer.SpanContext, error) { return nil, tracer.ErrSpanContextNotFound }

// fixedProp always extracts trace 9, span 7, as a context of its own type,
// with exactly dd-trace-go's three SpanContext methods.
type fixedProp struct{}

type fixedCtx struct{}

func (fixedCtx) SpanID() uint64                            { return 7 }
func (fixedCtx) TraceID() uint64                           { return 9 }
func (fixedCtx) ForeachBaggageItem(func(k, v string) bool) {}

func (fixedProp) Inject(tracer.SpanContext, any) error    { return nil }
func (fixedProp) Extract(any) (tracer.SpanContext, error) { return fixedCtx{}, nil }
