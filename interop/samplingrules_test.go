package interop

// TestSamplingRulesMatchDD holds our tracer.SamplingRule to dd-trace-go
// v1.74.8's, rule by rule:
//
//   - constructors and rules built from fields: the expressions' text,
//     Rate, MaxPerSecond, Tags, Provenance, MarshalJSON and String;
//   - UnmarshalJSON: the same inputs accepted or refused, and the same
//     rule read (String, expressions);
//   - trace decisions: both tracers started with the same trace rules, a
//     table of root spans (service, name, resource, tags) under 64 trace
//     ids each get the same sampling priority and decision maker
//     (x-datadog-sampling-priority and _dd.p.dm of x-datadog-tags);
//   - DD_TRACE_SAMPLING_RULES with provenances: decision makers -11, -12;
//   - span rules: of a dropped trace, the same spans are kept on their own
//     (_dd.span_sampling.mechanism 8 in what each Agent receives).
//
// dd-trace-go v1.74.8's WithSamplingRules drops a rule's Provenance, so
// rules with one are compared for their fields and JSON only.
//
//	go test -run TestSamplingRulesMatchDD -v

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ourtracer "github.com/ctxtrace/trace/ddtrace/tracer"
)

// ruleText is what a rule shows, as text to compare across the tracers.
type ruleText struct {
	Service, Name, Resource, Provenance, JSON, String string
	Tags                                              map[string]string
	Rate, MaxPerSecond                                float64
}

func reString(re *regexp.Regexp) string {
	if re == nil {
		return "<nil>"
	}
	return re.String()
}

func textOf(svc, name, res *regexp.Regexp, tags map[string]*regexp.Regexp, rate, mps float64, prov string, json []byte, err error, s string) ruleText {
	r := ruleText{Service: reString(svc), Name: reString(name), Resource: reString(res), Provenance: prov,
		JSON: string(json), String: s, Rate: rate, MaxPerSecond: mps}
	if err != nil {
		r.JSON = "error"
	}
	if tags != nil {
		r.Tags = map[string]string{}
		for k, v := range tags {
			r.Tags[k] = reString(v)
		}
	}
	return r
}

func ddText(r ddtracer.SamplingRule) ruleText {
	b, err := r.MarshalJSON()
	return textOf(r.Service, r.Name, r.Resource, r.Tags, r.Rate, r.MaxPerSecond, r.Provenance.String(), b, err, r.String())
}

func ourText(r ourtracer.SamplingRule) ruleText {
	b, err := r.MarshalJSON()
	return textOf(r.Service, r.Name, r.Resource, r.Tags, r.Rate, r.MaxPerSecond, r.Provenance.String(), b, err, r.String())
}

// rulePair is one rule built the same way with each tracer.
type rulePair struct {
	name string
	dd   ddtracer.SamplingRule
	ours ourtracer.SamplingRule
}

func constructorPairs() []rulePair {
	tags := map[string]string{"tier": "gold", "any": "*", "code": "5??"}
	re := regexp.MustCompile
	ddCust := ddtracer.SamplingRule{Service: re("^test-"), Name: re(`web\..*`), Rate: 1, Provenance: ddtracer.Customer,
		Tags: map[string]*regexp.Regexp{"a": re("^x$"), "b": nil}, MaxPerSecond: 5}
	ourCust := ourtracer.SamplingRule{Service: re("^test-"), Name: re(`web\..*`), Rate: 1, Provenance: ourtracer.Customer,
		Tags: map[string]*regexp.Regexp{"a": re("^x$"), "b": nil}, MaxPerSecond: 5}
	return []rulePair{
		{"RateRule", ddtracer.RateRule(0.25), ourtracer.RateRule(0.25)},
		{"RateRule 0", ddtracer.RateRule(0), ourtracer.RateRule(0)},
		{"ServiceRule", ddtracer.ServiceRule("web*", 0.5), ourtracer.ServiceRule("web*", 0.5)},
		{"ServiceRule empty", ddtracer.ServiceRule("", 0.5), ourtracer.ServiceRule("", 0.5)},
		{"ServiceRule metacharacters", ddtracer.ServiceRule(`a.b+c(d)[e]{2}|^$\x?*`, 1), ourtracer.ServiceRule(`a.b+c(d)[e]{2}|^$\x?*`, 1)},
		{"ServiceRule HTML", ddtracer.ServiceRule("<a&b>", 1), ourtracer.ServiceRule("<a&b>", 1)},
		{"ServiceRule Unicode", ddtracer.ServiceRule("café-?", 1), ourtracer.ServiceRule("café-?", 1)},
		{"NameRule", ddtracer.NameRule("http.request", 0.1), ourtracer.NameRule("http.request", 0.1)},
		{"NameServiceRule", ddtracer.NameServiceRule("db.*", "postgres", 0.3), ourtracer.NameServiceRule("db.*", "postgres", 0.3)},
		{"TagsResourceRule", ddtracer.TagsResourceRule(tags, "GET /*", "web.request", "web", 0.2),
			ourtracer.TagsResourceRule(tags, "GET /*", "web.request", "web", 0.2)},
		{"TagsResourceRule nil", ddtracer.TagsResourceRule(nil, "", "", "", 1), ourtracer.TagsResourceRule(nil, "", "", "", 1)},
		{"SpanTagsResourceRule", ddtracer.SpanTagsResourceRule(tags, "r?", "n", "s", 0.7),
			ourtracer.SpanTagsResourceRule(tags, "r?", "n", "s", 0.7)},
		{"SpanNameServiceRule", ddtracer.SpanNameServiceRule("web.*", "test-*", 0.5), ourtracer.SpanNameServiceRule("web.*", "test-*", 0.5)},
		{"SpanNameServiceMPSRule", ddtracer.SpanNameServiceMPSRule("web.*", "test-*", 0.5, 100),
			ourtracer.SpanNameServiceMPSRule("web.*", "test-*", 0.5, 100)},
		{"fields", ddtracer.SamplingRule{Name: re(`^web\.`), Rate: 0.125}, ourtracer.SamplingRule{Name: re(`^web\.`), Rate: 0.125}},
		{"fields with provenance", ddCust, ourCust},
		{"fields dynamic", ddtracer.SamplingRule{Rate: 1, Provenance: ddtracer.Dynamic}, ourtracer.SamplingRule{Rate: 1, Provenance: ourtracer.Dynamic}},
	}
}

func TestSamplingRulesMatchDD(t *testing.T) {
	t.Run("constructors", func(t *testing.T) {
		for _, p := range constructorPairs() {
			if d := cmp.Diff(ddText(p.dd), ourText(p.ours)); d != "" {
				t.Errorf("%s (-dd +ours):\n%s", p.name, d)
			}
		}
	})
	t.Run("unmarshal", testRulesUnmarshalMatchDD)
	t.Run("decisions", testRuleDecisionsMatchDD)
	t.Run("env provenance", testEnvProvenanceMatchesDD)
	t.Run("span rules", testSpanRulesMatchDD)
}

func testRulesUnmarshalMatchDD(t *testing.T) {
	for _, in := range []string{
		`{"service":"web*","name":"http.?","resource":"GET /x","sample_rate":0.5}`,
		`{"service":"web*","sample_rate":0.5,"provenance":" Dynamic","type":2,"max_per_second":10}`,
		`{"provenance":"CUSTOMER","sample_rate":0}`,
		`{"provenance":"local","sample_rate":1}`,
		`{}`, `null`, `{"sample_rate":"0.25"}`, `{"sample_rate":-0}`,
		`{"tags":{"a":"*","b":"x?","c":""},"sample_rate":1}`,
		`{"service":"a","sample_rate":2}`, `{"sample_rate":-0.5,"type":2,"tags":{"k":"v"}}`, `{"sample_rate":1e400}`,
		`{"provenance":"remote"}`, `{"provenance":null}`, `{"sample_rate":"abc"}`, `{"type":"span"}`,
		`[{"sample_rate":0.5}]`, `{"service":"a"`, `{"tags":{"a":1}}`, `"x"`, `7`,
	} {
		var d ddtracer.SamplingRule
		var o ourtracer.SamplingRule
		de, oe := d.UnmarshalJSON([]byte(in)), o.UnmarshalJSON([]byte(in))
		if (de == nil) != (oe == nil) {
			t.Errorf("%s: dd error %v, ours %v", in, de, oe)
			continue
		}
		if de != nil {
			// Our own messages are dd's; the standard library's and the
			// provenance's say the same with other names.
			if strings.HasPrefix(de.Error(), "at index") && de.Error() != oe.Error() {
				t.Errorf("%s: dd error %q, ours %q", in, de, oe)
			}
			continue
		}
		if diff := cmp.Diff(ddText(d), ourText(o)); diff != "" {
			t.Errorf("%s (-dd +ours):\n%s", in, diff)
		}
		var d2 ddtracer.SamplingRule
		var o2 ourtracer.SamplingRule
		if d2.UnmarshalJSON([]byte(d.String())) != nil || o2.UnmarshalJSON([]byte(o.String())) != nil || d2.String() != o2.String() {
			t.Errorf("%s: second trip dd %s, ours %s", in, d2.String(), o2.String())
		}
	}
}

// ruleEnv quiets dd-trace-go's side services, lifts the trace rate limit
// (read by both Starts) so that only rules decide, and clears the rule
// variables, which would replace the rules given in code.
func ruleEnv(t *testing.T) {
	t.Setenv("DD_INSTRUMENTATION_TELEMETRY_ENABLED", "false")
	t.Setenv("DD_REMOTE_CONFIGURATION_ENABLED", "false")
	t.Setenv("DD_TRACE_RATE_LIMIT", "1e9")
	t.Setenv("DD_TRACE_SAMPLING_RULES", "")
	t.Setenv("DD_SPAN_SAMPLING_RULES", "")
}

// startBoth starts both global tracers, each against a stand-in Agent.
func startBoth(t *testing.T, pairs []rulePair) (ddAgent, ourAgent *fakeAgent) {
	var dd []ddtracer.SamplingRule
	var ours []ourtracer.SamplingRule
	for _, p := range pairs {
		dd, ours = append(dd, p.dd), append(ours, p.ours)
	}
	ddAgent, ourAgent = newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddtracer.Start(append(ddBaseOpts(ddAgent.addr()), ddtracer.WithSamplingRules(dd))...)
	ourtracer.Start(ourtracer.WithAgentAddr(ourAgent.addr()), ourtracer.WithService("svc"), ourtracer.WithEnv("prod"),
		ourtracer.WithLogStartup(false), ourtracer.WithLogger(silentLogger{}), ourtracer.WithSamplingRules(ours))
	return ddAgent, ourAgent
}

// rootSpan is a root span of a decision table.
type rootSpan struct {
	service, name, resource string
	tags                    map[string]any
}

// decision is a root's sampling priority and decision maker, as both
// tracers propagate them.
func decision(c map[string]string) string {
	dm := "none"
	for _, kv := range strings.Split(c["x-datadog-tags"], ",") {
		if v, ok := strings.CutPrefix(kv, "_dd.p.dm="); ok {
			dm = v
		}
	}
	return "priority " + c["x-datadog-sampling-priority"] + ", dm " + dm
}

// decideBoth starts sp as a root with span id id in both tracers and
// returns their decisions. The spans are left unfinished: nothing is sent.
func decideBoth(t *testing.T, sp rootSpan, id uint64) (dd, ours string) {
	ddOpts := []ddtracer.StartSpanOption{ddtracer.ServiceName(sp.service), ddtracer.ResourceName(sp.resource), ddtracer.WithSpanID(id)}
	ourOpts := []ourtracer.StartSpanOption{ourtracer.ServiceName(sp.service), ourtracer.ResourceName(sp.resource), ourtracer.WithSpanID(id)}
	for k, v := range sp.tags {
		ddOpts, ourOpts = append(ddOpts, ddtracer.Tag(k, v)), append(ourOpts, ourtracer.Tag(k, v))
	}
	dc, oc := ddtracer.TextMapCarrier{}, ourtracer.TextMapCarrier{}
	if err := ddtracer.Inject(ddtracer.StartSpan(sp.name, ddOpts...).Context(), dc); err != nil {
		t.Fatalf("dd Inject: %v", err)
	}
	if err := ourtracer.Inject(ourtracer.StartSpan(sp.name, ourOpts...).Context(), oc); err != nil {
		t.Fatalf("our Inject: %v", err)
	}
	return decision(dc), decision(oc)
}

func testRuleDecisionsMatchDD(t *testing.T) {
	ruleEnv(t)
	re := regexp.MustCompile
	startBoth(t, []rulePair{
		{"", ddtracer.NameServiceRule("http.*", "web", 0), ourtracer.NameServiceRule("http.*", "web", 0)},
		{"", ddtracer.TagsResourceRule(map[string]string{"code": "5??"}, "GET /*", "", "", 1),
			ourtracer.TagsResourceRule(map[string]string{"code": "5??"}, "GET /*", "", "", 1)},
		{"", ddtracer.TagsResourceRule(map[string]string{"tier": "gold"}, "", "", "", 0),
			ourtracer.TagsResourceRule(map[string]string{"tier": "gold"}, "", "", "", 0)},
		{"", ddtracer.SamplingRule{Service: re("^cache-"), Rate: 0.5}, ourtracer.SamplingRule{Service: re("^cache-"), Rate: 0.5}},
		{"", ddtracer.ServiceRule("k?", 1), ourtracer.ServiceRule("k?", 1)},
		{"", ddtracer.RateRule(0.3), ourtracer.RateRule(0.3)},
	})
	defer ddtracer.Stop()
	defer ourtracer.Stop()
	spans := []rootSpan{
		{"web", "http.request", "GET /", nil},
		{"WEB", "HTTP.Request", "x", nil},
		{"api", "op", "GET /users", map[string]any{"code": 503}},
		{"api", "op", "get /users", map[string]any{"code": "503"}},
		{"api", "op", "GET /users", map[string]any{"code": 200}},
		{"api", "op", "GET /users", map[string]any{"code": 503.5}},
		{"api", "op", "POST /users", map[string]any{"code": 503}},
		{"api", "op", "r", map[string]any{"tier": "GOLD"}},
		{"api", "op", "r", map[string]any{"tier": "silver"}},
		{"cache-1", "get", "k", nil},
		{"\u212aZ", "op", "r", nil}, // the Kelvin sign folds to k
		{"other", "op", "r", nil},
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for _, sp := range spans {
		seen := map[string]int{}
		for range 64 {
			dd, ours := decideBoth(t, sp, rng.Uint64()|1)
			if dd != ours {
				t.Errorf("%+v: dd %s, ours %s", sp, dd, ours)
				break
			}
			seen[dd]++
		}
		t.Logf("%+v: %v", sp, seen)
	}
}

// testEnvProvenanceMatchesDD: rules of DD_TRACE_SAMPLING_RULES keep their
// provenance in both tracers: decision makers -11 and -12.
func testEnvProvenanceMatchesDD(t *testing.T) {
	ruleEnv(t)
	t.Setenv("DD_TRACE_SAMPLING_RULES", `[{"service":"cust","provenance":"customer","sample_rate":1},`+
		`{"service":"dyn*","provenance":"Dynamic","sample_rate":1},{"sample_rate":1}]`)
	startBoth(t, nil)
	defer ddtracer.Stop()
	defer ourtracer.Stop()
	for svc, want := range map[string]string{"cust": "-11", "dynamo": "-12", "other": "-3"} {
		dd, ours := decideBoth(t, rootSpan{service: svc, name: "op", resource: "r"}, 12345)
		if dd != ours || dd != "priority 2, dm "+want {
			t.Errorf("%s: dd %s, ours %s, want dm %s", svc, dd, ours, want)
		}
	}
}

// testSpanRulesMatchDD: every trace is dropped (a rate-0 trace rule); the
// span rules keep the same spans in both tracers, as each Agent receives
// them. Stop flushes synchronously in both.
func testSpanRulesMatchDD(t *testing.T) {
	ruleEnv(t)
	var ddGRPC ddtracer.SamplingRule
	var ourGRPC ourtracer.SamplingRule
	const grpcJSON = `{"name":"grpc*","type":2,"sample_rate":1}`
	if ddGRPC.UnmarshalJSON([]byte(grpcJSON)) != nil || ourGRPC.UnmarshalJSON([]byte(grpcJSON)) != nil {
		t.Fatal("the span rule's JSON")
	}
	tags := map[string]string{"k": "v*"}
	ddAgent, ourAgent := startBoth(t, []rulePair{
		{"", ddtracer.SpanNameServiceRule("db.*", "*", 1), ourtracer.SpanNameServiceRule("db.*", "*", 1)},
		{"", ddtracer.SpanTagsResourceRule(tags, "GET /?", "", "", 1), ourtracer.SpanTagsResourceRule(tags, "GET /?", "", "", 1)},
		{"", ddGRPC, ourGRPC},
		{"", ddtracer.SpanNameServiceMPSRule("cache.*", "*", 1, 1000), ourtracer.SpanNameServiceMPSRule("cache.*", "*", 1, 1000)},
		{"", ddtracer.SpanNameServiceRule("never", "*", 0), ourtracer.SpanNameServiceRule("never", "*", 0)},
		{"", ddtracer.RateRule(0), ourtracer.RateRule(0)},
	})
	spans := []rootSpan{
		{"svc", "db.query", "r", nil}, {"svc", "DB.Query", "r", nil}, {"svc", "dbx", "r", nil},
		{"svc", "http", "GET /a", map[string]any{"k": "value"}}, {"svc", "http", "GET /ab", map[string]any{"k": "v"}},
		{"svc", "http", "GET /a", nil}, {"svc", "grpc.call", "r", nil}, {"svc", "cache.get", "r", nil},
		{"svc", "never", "r", nil}, {"svc", "other", "r", nil},
	}
	for i, sp := range spans {
		ddOpts := []ddtracer.StartSpanOption{ddtracer.ResourceName(sp.resource), ddtracer.Tag("case", i)}
		ourOpts := []ourtracer.StartSpanOption{ourtracer.ResourceName(sp.resource), ourtracer.Tag("case", i)}
		for k, v := range sp.tags {
			ddOpts, ourOpts = append(ddOpts, ddtracer.Tag(k, v)), append(ourOpts, ourtracer.Tag(k, v))
		}
		ddtracer.StartSpan(sp.name, ddOpts...).Finish()
		ourtracer.StartSpan(sp.name, ourOpts...).Finish()
	}
	ddtracer.Stop()
	ourtracer.Stop()
	kept := func(a *fakeAgent) map[float64]string {
		out := map[float64]string{}
		for _, r := range a.traceRequests() {
			traces, err := decodeV04(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range traces {
				for _, s := range tr {
					state := "not kept"
					if s.Metrics["_dd.span_sampling.mechanism"] == 8 {
						state = "kept"
					}
					if mps, ok := s.Metrics["_dd.span_sampling.max_per_second"]; ok {
						state += ", max_per_second " + strconv.FormatFloat(mps, 'g', -1, 64)
					}
					out[s.Metrics["case"]] = s.Name + ": " + state
				}
			}
		}
		return out
	}
	dd, ours := kept(ddAgent), kept(ourAgent)
	if len(dd) != len(spans) {
		t.Fatalf("dd's Agent received %d spans of %d", len(dd), len(spans))
	}
	if d := cmp.Diff(dd, ours); d != "" {
		t.Errorf("spans kept (-dd +ours):\n%s", d)
	}
	t.Logf("%v", dd)
}
