package tracer

import (
	"context"
	"math"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/sampling"
)

// reText is an expression's text, "<nil>" for none.
func reText(re *regexp.Regexp) string {
	if re == nil {
		return "<nil>"
	}
	return re.String()
}

// ruleView is what a rule exposes, as comparable text.
type ruleView struct {
	Service, Name, Resource string
	Tags                    map[string]string
	Rate, MaxPerSecond      float64
	Type                    SamplingRuleType
	JSON                    string
}

func view(r SamplingRule) ruleView {
	v := ruleView{Service: reText(r.Service), Name: reText(r.Name), Resource: reText(r.Resource),
		Rate: r.Rate, MaxPerSecond: r.MaxPerSecond, Type: r.ruleType, JSON: r.String()}
	if r.Tags != nil {
		v.Tags = map[string]string{}
		for k, re := range r.Tags {
			v.Tags[k] = reText(re)
		}
	}
	return v
}

// TestRuleConstructors: each constructor's fields, type and JSON. The
// expressions and JSON are what dd-trace-go v1.74.8's rules_sampler.go
// builds (globMatch, MarshalJSON); interop's TestSamplingRulesMatchDD
// compares them with dd-trace-go itself.
func TestRuleConstructors(t *testing.T) {
	tags := map[string]string{"tier": "gold", "any": "*"}
	for _, c := range []struct {
		rule SamplingRule
		want ruleView
	}{
		{RateRule(0.5), ruleView{"<nil>", "<nil>", "<nil>", nil, 0.5, 0, SamplingRuleTrace,
			`{"sample_rate":0.5}`}},
		{ServiceRule("web*", 0.2), ruleView{"(?i)^web.*$", "<nil>", "<nil>", nil, 0.2, 0, SamplingRuleTrace,
			`{"service":"web*","sample_rate":0.2}`}},
		{NameRule("http.request", 1), ruleView{"<nil>", `(?i)^http\.request$`, "<nil>", nil, 1, 0, SamplingRuleTrace,
			`{"name":"http.request","sample_rate":1}`}},
		{NameServiceRule("db.?uery", "*", 0.3), ruleView{"<nil>", `(?i)^db\..uery$`, "<nil>", nil, 0.3, 0, SamplingRuleTrace,
			`{"service":"*","name":"db.?uery","sample_rate":0.3}`}},
		{TagsResourceRule(tags, "GET /*", "", "web", 0.1), ruleView{"(?i)^web$", "<nil>", "(?i)^GET /.*$",
			map[string]string{"tier": "(?i)^gold$"}, 0.1, 0, SamplingRuleTrace,
			`{"service":"web","resource":"GET /*","sample_rate":0.1,"tags":{"any":"*","tier":"gold"}}`}},
		{TagsResourceRule(nil, "", "", "", 0), ruleView{"<nil>", "<nil>", "<nil>", map[string]string{}, 0, 0, SamplingRuleTrace,
			`{"sample_rate":0}`}},
		{SpanTagsResourceRule(tags, "[x]", "n", "s", 1), ruleView{"(?i)^s$", "(?i)^n$", `(?i)^\[x\]$`,
			map[string]string{"tier": "(?i)^gold$"}, 1, 0, SamplingRuleSpan,
			`{"service":"s","name":"n","resource":"[x]","sample_rate":1,"tags":{"any":"*","tier":"gold"}}`}},
		{SpanNameServiceRule("web.*", "test-*", 0.5), ruleView{`(?i)^test-.*$`, `(?i)^web\..*$`, "<nil>", nil, 0.5, 0, SamplingRuleSpan,
			`{"service":"test-*","name":"web.*","sample_rate":0.5}`}},
		{SpanNameServiceMPSRule("web.*", "test-*", 0.5, 100), ruleView{`(?i)^test-.*$`, `(?i)^web\..*$`, "<nil>", nil, 0.5, 100, SamplingRuleSpan,
			`{"service":"test-*","name":"web.*","sample_rate":0.5,"max_per_second":100}`}},
		{ServiceRule("<a&b>", 1), ruleView{"(?i)^<a&b>$", "<nil>", "<nil>", nil, 1, 0, SamplingRuleTrace,
			`{"service":"\u003ca\u0026b\u003e","sample_rate":1}`}},
		// Not valid UTF-8: dd-trace-go panics; here the byte stands for U+FFFD.
		{ServiceRule("a\xff", 1), ruleView{"(?i)^a\uFFFD$", "<nil>", "<nil>", nil, 1, 0, SamplingRuleTrace,
			`{"service":"a\ufffd","sample_rate":1}`}},
		// Built from fields: the expressions' text.
		{SamplingRule{Name: regexp.MustCompile(`web\..*`), Service: regexp.MustCompile("^test-"), Rate: 1, Provenance: Customer,
			Tags: map[string]*regexp.Regexp{"a": regexp.MustCompile("^x$"), "b": nil}},
			ruleView{"^test-", `web\..*`, "<nil>", map[string]string{"a": "^x$", "b": "<nil>"}, 1, 0, SamplingRuleUndefined,
				`{"service":"^test-","name":"web\\..*","sample_rate":1,"tags":{"a":"^x$"},"provenance":"customer"}`}},
	} {
		if d := cmp.Diff(c.want, view(c.rule)); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.want.JSON, d)
		}
	}
}

func TestRuleJSONRoundTrip(t *testing.T) {
	for _, c := range []struct{ in, out, service string }{
		{`{"service":"web*","sample_rate":0.5,"provenance":" Dynamic","type":2,"max_per_second":10}`,
			`{"service":"web*","sample_rate":0.5,"max_per_second":10,"provenance":"dynamic"}`, "(?i)^web.*$"},
		{`{}`, `{"sample_rate":1}`, "<nil>"},
		{`null`, `{"sample_rate":1}`, "<nil>"},
		{`{"sample_rate":"0.25","resource":"GET /?"}`, `{"resource":"GET /?","sample_rate":0.25}`, "<nil>"},
		{`{"tags":{"a":"*","b":"x?"},"provenance":"local"}`, `{"sample_rate":1,"tags":{"a":"*","b":"x?"}}`, "<nil>"},
	} {
		var r SamplingRule
		if err := r.UnmarshalJSON([]byte(c.in)); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := r.String(); got != c.out {
			t.Errorf("%s: String %s, want %s", c.in, got, c.out)
		}
		if got := reText(r.Service); got != c.service {
			t.Errorf("%s: Service %s, want %s", c.in, got, c.service)
		}
		var again SamplingRule
		if err := again.UnmarshalJSON([]byte(r.String())); err != nil || again.String() != c.out {
			t.Errorf("%s: second trip %s %v", c.in, again.String(), err)
		}
	}
	var r SamplingRule
	if err := r.UnmarshalJSON([]byte(`{"tags":{"a":"*","b":"x?"},"type":2}`)); err != nil {
		t.Fatal(err)
	}
	if a, ok := r.Tags["a"]; !ok || a != nil || reText(r.Tags["b"]) != "(?i)^x.$" || r.ruleType != SamplingRuleSpan {
		t.Errorf("tags %v, type %v", r.Tags, r.ruleType)
	}
}

func TestRuleJSONErrors(t *testing.T) {
	keep := ServiceRule("kept", 0.5)
	// Our messages exactly; the standard library's JSON errors as they come
	// (""): they are the same in dd-trace-go but for the type names.
	for in, want := range map[string]string{
		`{"service":"a","sample_rate":2}`: "at index 0: ignoring rule {Service:a Rate:2}: rate is out of [0.0, 1.0] range",
		`{"sample_rate":-0.5,"type":2,"max_per_second":3,"tags":{"k":"v"},"provenance":"customer"}`: "at index 0: ignoring rule " +
			"{Rate:-0.5 MaxPerSecond:3.000000 Tags:map[k:v] Type: span Provenance: customer}: rate is out of [0.0, 1.0] range",
		`{"sample_rate":1e400}`:      `at index 0: strconv.ParseFloat: parsing "1e400": value out of range`,
		`{"provenance":"remote"}`:    `sampling: invalid provenance "remote"`,
		`{"provenance":null}`:        `sampling: invalid provenance ""`,
		`{"sample_rate":"abc"}`:      "",
		`{"service":"a"`:             "",
		`{"type":"span"}`:            "",
		`[{"sample_rate":0.5}]`:      "",
		`{"tags":{"a":1}}`:           "",
		`{"max_per_second":"many"}`:  "",
		`{"sample_rate":true}`:       "",
		`{"provenance":"customer",}`: "",
	} {
		r := keep
		err := r.UnmarshalJSON([]byte(in))
		if err == nil || want != "" && err.Error() != want {
			t.Errorf("%s: error %v, want %s", in, err, want)
		}
		if r.String() != keep.String() || r.Service != keep.Service {
			t.Errorf("%s: the rule changed to %s", in, r.String())
		}
	}
	if err := keep.UnmarshalJSON(nil); err != nil || keep.String() != `{"service":"kept","sample_rate":0.5}` {
		t.Errorf("empty input: %v %s", err, keep.String())
	}
	nan := RateRule(math.NaN())
	if _, err := nan.MarshalJSON(); err == nil || nan.String() != "" {
		t.Errorf("NaN: %v %q", err, nan.String())
	}
}

func TestRuleTypeAndProvenanceText(t *testing.T) {
	got := []string{SamplingRuleUndefined.String(), SamplingRuleType(SamplingRuleTrace).String(),
		SamplingRuleType(SamplingRuleSpan).String(), SamplingRuleType(9).String(),
		Local.String(), Customer.String(), Dynamic.String(), provenance(3).String(), provenance(256).String()}
	want := []string{"", "trace", "span", "", "local", "customer", "dynamic", "", ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	if b, err := Customer.MarshalJSON(); err != nil || string(b) != `"customer"` {
		t.Errorf("%s %v", b, err)
	}
	var p provenance
	if err := p.UnmarshalJSON([]byte(`"DYNAMIC"`)); err != nil || p != Dynamic {
		t.Errorf("%v %v", p, err)
	}
	if err := p.UnmarshalJSON([]byte(`"x"`)); err == nil || p != Customer {
		t.Errorf("%v %v", p, err)
	}
}

// TestRulePatterns: a field still holding the expression compiled from its
// glob is matched as the glob; a replaced one as its expression.
func TestRulePatterns(t *testing.T) {
	r := TagsResourceRule(map[string]string{"a": "x*", "b": "y", "c": "*"}, "res", "", "web*", 1)
	r.Name = regexp.MustCompile("^n$")
	r.Tags["b"] = regexp.MustCompile("^z$")
	svc, name, res, tags, re := r.patterns()
	got := []string{svc, name, res, reText(re.Service), reText(re.Name), reText(re.Resource)}
	if d := cmp.Diff([]string{"web*", "", "res", "<nil>", "^n$", "<nil>"}, got); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff(map[string]string{"a": "x*"}, tags); d != "" {
		t.Error(d)
	}
	if len(re.Tags) != 1 || reText(re.Tags["b"]) != "^z$" {
		t.Errorf("tag expressions %v", re.Tags)
	}
}

// decide samples one root span with the rules' sampler and returns its
// priority and decision maker.
func decide(t *testing.T, s trace.Sampler, service, name string, opts ...trace.SpanOption) (trace.Priority, string) {
	t.Helper()
	mem := memory.New()
	tr := trace.New(trace.WithService(service), trace.WithSampler(s), trace.WithExporter(mem))
	_, sp := tr.Start(context.Background(), name, opts...)
	sp.Finish()
	tr.Shutdown(context.Background())
	c := mem.Chunks()[0]
	p, _ := c.Priority()
	dm := ""
	for k, v := range c.Tags() {
		if k == "_dd.p.dm" {
			dm = v
		}
	}
	return p, dm
}

func TestWithSamplingRulesDecides(t *testing.T) {
	t.Setenv("DD_TRACE_SAMPLING_RULES", "")
	t.Setenv("DD_SPAN_SAMPLING_RULES", "")
	replaced := ServiceRule("a", 0)
	replaced.Service = regexp.MustCompile("^replaced$") // matching follows the field
	dynamic := NameRule("dyn*", 1)
	dynamic.Provenance = Dynamic
	rules := []SamplingRule{
		replaced,
		NameServiceRule("HTTP.*", "web", 0),
		TagsResourceRule(map[string]string{"code": "5??"}, "GET /*", "", "", 1),
		{Service: regexp.MustCompile("^cust"), Rate: 1, Provenance: Customer},
		dynamic,
		{Service: regexp.MustCompile("^nan"), Rate: math.NaN()}, // left out
		SpanNameServiceMPSRule("db.*", "*", 1, 1),
	}
	c := config{sampleRate: -1, rateLimit: -1}
	opt := WithSamplingRules(rules)
	rules[1].Rate = 1 // read when the option was made
	opt(&c)
	if len(c.rules) != 5 || len(c.spanRules) != 1 {
		t.Fatalf("%d trace rules, %d span rules", len(c.rules), len(c.spanRules))
	}
	s := c.buildSampler()
	for _, tc := range []struct {
		service, name string
		opts          []trace.SpanOption
		prio          trace.Priority
		dm            string
	}{
		{"replaced", "op", nil, trace.PriorityUserReject, ""},
		{"a", "op", nil, trace.PriorityAutoKeep, "-1"}, // no rule: the Agent's rates
		{"WEB", "http.request", nil, trace.PriorityUserReject, ""},
		{"x", "op", []trace.SpanOption{trace.Resource("get /x"), trace.Tag("code", 503)}, trace.PriorityUserKeep, "-3"},
		{"x", "op", []trace.SpanOption{trace.Resource("get /x"), trace.Tag("code", 200)}, trace.PriorityAutoKeep, "-1"},
		{"customer", "op", nil, trace.PriorityUserKeep, "-11"},
		{"x", "dynamic", nil, trace.PriorityUserKeep, "-12"},
		{"nan", "op", nil, trace.PriorityAutoKeep, "-1"},
	} {
		if p, dm := decide(t, s, tc.service, tc.name, tc.opts...); p != tc.prio || dm != tc.dm {
			t.Errorf("%s/%s: priority %d dm %q, want %d %q", tc.service, tc.name, p, dm, tc.prio, tc.dm)
		}
	}
	if r := c.spanRules[0]; r.Service != "*" || r.Name != "db.*" || r.SampleRate != 1 || r.MaxPerSecond != 1 {
		t.Errorf("span rule %+v", r)
	}

	// The variables replace the rules of their kind.
	t.Setenv("DD_TRACE_SAMPLING_RULES", "[]")
	c = config{}
	WithSamplingRules(rules)(&c)
	if len(c.rules) != 0 || len(c.spanRules) != 1 {
		t.Errorf("with DD_TRACE_SAMPLING_RULES: %d trace rules, %d span rules", len(c.rules), len(c.spanRules))
	}
	t.Setenv("DD_SPAN_SAMPLING_RULES", `[{"name":"x"}]`)
	c = config{}
	WithSamplingRules(rules)(&c)
	if len(c.spanRules) != 0 {
		t.Errorf("with DD_SPAN_SAMPLING_RULES: %d span rules", len(c.spanRules))
	}
}

// TestSpanRulesKeep: span rules from WithSamplingRules keep the spans they
// match, within their limit, through the sampling package's SpanSampler.
func TestSpanRulesKeep(t *testing.T) {
	t.Setenv("DD_SPAN_SAMPLING_RULES", "")
	var c config
	WithSamplingRules([]SamplingRule{
		SpanNameServiceMPSRule("db.*", "*", 1, 2),
		SpanTagsResourceRule(map[string]string{"k": "v"}, "", "", "", 1),
		{Name: regexp.MustCompile("^never$"), Rate: 1, ruleType: SamplingRuleSpan, MaxPerSecond: -5},
	})(&c)
	ss := sampling.NewSpanSampler(c.spanRules)
	mem := memory.New()
	tr := trace.New(trace.WithService("svc"), trace.WithExporter(mem))
	for _, n := range []string{"db.query", "db.query", "db.query", "other", "never"} {
		_, sp := tr.Start(context.Background(), n)
		sp.Finish()
	}
	_, sp := tr.Start(context.Background(), "tagged", trace.Tag("k", "V"))
	sp.Finish()
	tr.Shutdown(context.Background())
	kept := map[string]int{}
	for _, s := range mem.Spans() {
		if _, _, keep := ss.SampleSpan(s); keep {
			kept[s.Name()]++
		}
	}
	if d := cmp.Diff(map[string]int{"db.query": 2, "tagged": 1, "never": 1}, kept); d != "" {
		t.Errorf("kept (-want +got):\n%s", d)
	}
}
