package sampling

import (
	"testing"

	"github.com/ctxtrace/trace"
)

// BenchmarkRulesSample is the rules sampler's decision for a trace that
// the last of four rules matches: what every new trace pays. "glob" holds
// the rules of DD_TRACE_SAMPLING_RULES, "regexp" the same rules compiled as
// dd-trace-go's SamplingRule carries them.
func BenchmarkRulesSample(b *testing.B) {
	globs := []Rule{
		{Service: "db*", SampleRate: 0},
		{Name: "grpc.*", Resource: "/health*", SampleRate: 0},
		{Service: "cache-?", SampleRate: 0.5},
		{Service: "web*", Name: "*.request", SampleRate: 0.5},
	}
	res := make([]Rule, len(globs))
	for i, g := range globs {
		res[i] = Rule{SampleRate: g.SampleRate, Regexps: Regexps{
			Service: globRegexp(g.Service), Name: globRegexp(g.Name), Resource: globRegexp(g.Resource),
		}}
	}
	p := trace.SamplingParams{TraceID: trace.NewTraceID(0, 12345), Service: "web-frontend", Name: "http.request", Resource: "GET /posts"}
	for _, c := range []struct {
		name  string
		rules []Rule
	}{{"glob", globs}, {"regexp", res}} {
		b.Run(c.name, func(b *testing.B) {
			r := NewRules(c.rules, -1, nil)
			b.ReportAllocs()
			for b.Loop() {
				_ = r.Sample(p)
			}
		})
	}
}
