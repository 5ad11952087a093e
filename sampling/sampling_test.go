package sampling

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

func TestKeepHash(t *testing.T) {
	id := func(lo uint64) trace.TraceID { return trace.NewTraceID(0, lo) }
	// The shared hash: id × 1111111111111111111 (mod 2^64) < rate × 2^64.
	if !Keep(id(1), 0.5) || Keep(id(10), 0.5) != (10*knuthFactor <= uint64(0.5*float64(1<<63)*2)) {
		t.Error("hash")
	}
	if !Keep(id(12345), 1) || Keep(id(12345), 0) || Keep(id(12345), -1) || !Keep(id(12345), 2) {
		t.Error("bounds")
	}
	// The kept fraction follows the rate: 1,000,000 random ids at 0.3.
	kept := 0
	r := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		if Keep(id(r.Uint64()), 0.3) {
			kept++
		}
	}
	if f := float64(kept) / 1e6; f < 0.298 || f > 0.302 {
		t.Errorf("kept %.4f at rate 0.3", f)
	}
}

func params(svc, name, resource string, traceID uint64) trace.SamplingParams {
	return trace.SamplingParams{TraceID: trace.NewTraceID(0, traceID), Service: svc, Name: name, Resource: resource}
}

func TestAgentRates(t *testing.T) {
	a := NewAgentRates()
	if d := a.Sample(params("a", "op", "r", 7)); d.Priority != trace.PriorityAutoKeep || d.Mechanism != trace.MechanismAgentRate || d.Rate != 1 {
		t.Errorf("before any rates: %+v", d)
	}
	a.ReceiveRates(map[string]float64{"service:a,env:prod": 0.1, "service:,env:": 0.5, "garbage": 1, "service:b,env:": 7})
	if a.Rate("a", "prod") != 0.1 || a.Rate("a", "dev") != 0.5 || a.Rate("b", "") != 0.5 {
		t.Errorf("rates: %v %v %v", a.Rate("a", "prod"), a.Rate("a", "dev"), a.Rate("b", ""))
	}
	// Through a tracer: env comes from the span's env tag.
	mem := memory.New()
	tr := trace.New(trace.WithService("a"), trace.WithEnv("prod"), trace.WithSampler(a), trace.WithExporter(mem))
	kept := 0
	for range 10_000 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	tr.Shutdown(context.Background())
	for _, c := range mem.Chunks() {
		if p, _ := c.Priority(); p.Keep() {
			kept++
		}
	}
	if f := float64(kept) / 10_000; f < 0.08 || f > 0.12 {
		t.Errorf("kept %.3f at the agent's 0.1", f)
	}
	if v, _ := mem.Spans()[0].Tag("_dd.agent_psr"); v.Float64() != 0.1 {
		t.Errorf("_dd.agent_psr = %v", v)
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"", "anything", true}, {"*", "", true}, {"web*", "web.request", true}, {"WEB*", "web.request", true},
		{"w?b", "web", true}, {"w?b", "wb", false}, {"*.request", "web.request", true}, {"*a*b*c", "xaybzc", true},
		{"a*b", "ac", false}, {"abc", "abd", false}, {"a**", "a", true}, {"?", "", false},
	} {
		if glob(c.p, c.s) != c.ok {
			t.Errorf("glob(%q, %q) = %v", c.p, c.s, !c.ok)
		}
	}
}

func TestRules(t *testing.T) {
	rules, err := ParseRules(`[
		{"service": "db*", "sample_rate": 0},
		{"name": "web.*", "resource": "GET /health*", "sample_rate": 0},
		{"tags": {"tier": "gold"}, "sample_rate": 1},
		{"service": "bad", "sample_rate": 3}
	]`)
	if err == nil || len(rules) != 3 {
		t.Fatalf("rules %v, err %v (want the bad one reported and left out)", rules, err)
	}
	r := NewRules(WithGlobalRate(rules, 1), -1, NewAgentRates())
	cases := []struct {
		p        trace.SamplingParams
		priority trace.Priority
		rate     float64
	}{
		{params("db-main", "q", "x", 1), trace.PriorityUserReject, 0},
		{params("web", "web.request", "GET /healthz", 1), trace.PriorityUserReject, 0},
		{params("web", "web.request", "GET /posts", 1), trace.PriorityUserKeep, 1}, // the global rate
	}
	for _, c := range cases {
		d := r.Sample(c.p)
		if d.Priority != c.priority || d.Mechanism != trace.MechanismRule || d.Rate != c.rate {
			t.Errorf("%+v: %+v", c.p, d)
		}
	}
	// No match and no global rate: the fallback decides.
	r2 := NewRules(rules, 100, NewAgentRates())
	if d := r2.Sample(params("web", "op", "r", 1)); d.Mechanism != trace.MechanismAgentRate {
		t.Errorf("fallback: %+v", d)
	}
	r2.ReceiveRates(map[string]float64{"service:,env:": 0})
	if d := r2.Sample(params("web", "op", "r", 1)); d.Priority != trace.PriorityAutoReject {
		t.Errorf("rates did not reach the fallback: %+v", d)
	}
	if _, err := ParseRules(`{not json`); err == nil {
		t.Error("invalid JSON accepted")
	}
	if rs, err := ParseRules(""); rs != nil || err != nil {
		t.Error("empty")
	}
}

// TestLimiter: 10,000 new traces a second for 3 s, 100 a second let
// through, with a fake clock.
func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewLimiter(100, func() time.Time { return now })
	allowed := 0
	var lastRate float64
	for i := range 30_000 {
		now = time.Unix(1000, 0).Add(time.Duration(i) * 100 * time.Microsecond)
		ok, rate := l.Allow()
		if ok {
			allowed++
		}
		lastRate = rate
	}
	// 3 s at 100/s, plus the initial bucket of 100.
	if perSecond := float64(allowed-100) / 3; perSecond < 95 || perSecond > 105 {
		t.Errorf("%d allowed: %.1f per second", allowed, perSecond)
	}
	if lastRate > 0.02 {
		t.Errorf("effective rate %.4f, want about 100/10,000", lastRate)
	}
	if ok, rate := NewLimiter(-1, time.Now).Allow(); !ok || rate != 1 {
		t.Error("no limit")
	}
}

func TestRulesThroughTracerLimited(t *testing.T) {
	mem := memory.New()
	now := time.Unix(0, 0)
	r := NewRules([]Rule{{SampleRate: 1}}, 2, nil)
	r.limiter = NewLimiter(2, func() time.Time { return now })
	tr := trace.New(trace.WithSampler(r), trace.WithExporter(mem))
	for range 5 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	tr.Shutdown(context.Background())
	kept := 0
	for _, c := range mem.Chunks() {
		if p, _ := c.Priority(); p == trace.PriorityUserKeep {
			kept++
		}
	}
	if kept != 2 {
		t.Errorf("%d kept past a limit of 2", kept)
	}
	// The limiter's effective rate on a trace it refused is below 1.
	refused := 0
	for _, c := range mem.Chunks() {
		if p, _ := c.Priority(); p == trace.PriorityUserReject {
			refused++
			if v, ok := c.Span(0).Tag("_dd.limit_psr"); !ok || v.Float64() >= 1 {
				t.Errorf("_dd.limit_psr = %v %v on a refused trace", v, ok)
			}
		}
	}
	if refused != 3 {
		t.Errorf("%d refused", refused)
	}
}

func BenchmarkAgentRatesSample(b *testing.B) {
	a := NewAgentRates()
	a.ReceiveRates(map[string]float64{"service:svc,env:prod": 0.5, "service:,env:": 1})
	p := params("svc", "op", "r", 12345)
	b.ReportAllocs()
	for b.Loop() {
		_ = a.Sample(p)
	}
}

func TestSpanRules(t *testing.T) {
	rules, err := ParseSpanRules(`[{"service":"web","name":"http.*","sample_rate":1,"max_per_second":2},{"name":"never","sample_rate":0},{"sample_rate":5}]`)
	if err == nil || len(rules) != 2 {
		t.Fatalf("%v %v", rules, err)
	}
	if _, err := ParseSpanRules("[x"); err == nil {
		t.Error("bad JSON")
	}
	if r, err := ParseSpanRules(" "); r != nil || err != nil {
		t.Error("empty")
	}
	s := NewSpanSampler(rules)
	mem := memory.New()
	tr := trace.New(trace.WithService("web"), trace.WithExporter(mem))
	for _, n := range []string{"http.request", "http.request", "http.request", "never", "other"} {
		_, sp := tr.Start(context.Background(), n)
		sp.Finish()
	}
	tr.Shutdown(context.Background())
	kept := 0
	for _, sp := range mem.Spans() {
		rate, mps, keep := s.SampleSpan(sp)
		if keep {
			kept++
			if rate != 1 || mps != 2 || sp.Name() != "http.request" {
				t.Errorf("%s: %v %v", sp.Name(), rate, mps)
			}
		}
	}
	if kept != 2 {
		t.Errorf("%d kept, want 2 (the limit)", kept)
	}
}

// BenchmarkRootSpan is a root span started and finished with the default
// KeepAll and with Agent rates: the difference is what the decision adds.
func BenchmarkRootSpan(b *testing.B) {
	a := NewAgentRates()
	a.ReceiveRates(map[string]float64{"service:svc,env:prod": 0.5, "service:,env:": 1})
	for _, c := range []struct {
		name string
		s    trace.Sampler
	}{{"keepall", trace.KeepAll}, {"agentrates", a}} {
		b.Run(c.name, func(b *testing.B) {
			tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithSampler(c.s), trace.WithExporter(trace.Discard))
			defer tr.Shutdown(context.Background())
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				_, s := tr.Start(ctx, "op")
				s.Finish()
			}
		})
	}
}

func TestAgentRatesMany(t *testing.T) {
	a := NewAgentRates()
	rates := map[string]float64{"service:,env:": 0.25}
	for i := range 20 {
		rates["service:s"+string(rune('a'+i))+",env:prod"] = float64(i) / 20
	}
	a.ReceiveRates(rates)
	if a.Rate("sc", "prod") != 2.0/20 || a.Rate("zz", "prod") != 0.25 {
		t.Errorf("%v %v", a.Rate("sc", "prod"), a.Rate("zz", "prod"))
	}
}
