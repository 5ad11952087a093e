// Package sampling decides which traces are kept, as Datadog's libraries
// do, so that every service of a trace, whatever tracer it runs, makes the
// same decision:
//
//   - Agent rates: the Datadog Agent sends back a rate per service and
//     environment; traces are kept at that rate (priority 1 or 0,
//     decision maker -1, _dd.agent_psr).
//   - Rules: user rules (DD_TRACE_SAMPLING_RULES) and a global rate
//     (DD_TRACE_SAMPLE_RATE) keep or drop at their rates (priority 2 or -1,
//     decision maker -3, or -11 and -12 for rules of remote Provenance;
//     _dd.rule_psr), the keeps bounded by a rate limiter
//     (DD_TRACE_RATE_LIMIT, 100 traces per second by default; _dd.limit_psr).
//     A rule matches with glob patterns, dd-trace-go's exactly (see
//     Rule), and with compiled expressions (Regexps) when code sets them.
//   - Span rules (DD_SPAN_SAMPLING_RULES): SpanSampler keeps single spans
//     of dropped traces.
//
// A decision depends only on the trace id's lower half and the rate:
// keep when id × 1111111111111111111 (wrapping) <= rate × (2^64 − 1), the
// hash the Agent and the Datadog libraries share (dd-trace-go's boundary
// included).
package sampling

import (
	"math"
	"sync/atomic"

	"github.com/ctxtrace/trace"
)

// knuthFactor is the multiplier Datadog's samplers hash trace ids with.
const knuthFactor uint64 = 1111111111111111111

// Keep reports whether a trace with this id is kept at rate (0 to 1).
func Keep(traceID trace.TraceID, rate float64) bool {
	return thresholdOf(rate).keeps(traceID)
}

// threshold is a rate made ready for the hash: computed once per rate,
// not once per trace.
type threshold struct {
	max  uint64
	all  bool // rate >= 1
	none bool // rate <= 0
}

func thresholdOf(rate float64) threshold {
	switch {
	case rate >= 1:
		return threshold{all: true}
	case rate <= 0 || math.IsNaN(rate):
		return threshold{none: true}
	}
	return threshold{max: uint64(rate * math.MaxUint64)}
}

func (t threshold) keeps(id trace.TraceID) bool {
	switch {
	case t.all:
		return true
	case t.none:
		return false
	}
	return id.Lower()*knuthFactor <= t.max
}

// agentRate is one of the Agent's rates, with its threshold.
type agentRate struct {
	rate float64
	th   threshold
}

// serviceEnv keys the Agent's rates without building "service:X,env:Y"
// strings on every trace.
type serviceEnv struct{ service, env string }

// AgentRates is a trace.Sampler that keeps traces at the rates the Datadog
// Agent sends back (its ReceiveRates method: trace.New connects it to the agent
// exporter). Before the Agent has answered, every trace is kept. It is
// safe for concurrent use, and takes no lock to decide.
type AgentRates struct {
	rates atomic.Pointer[agentTable]
}

type agentTable struct {
	// few holds the rates when there are only a few (the usual answer),
	// searched in order: cheaper than hashing two strings per trace
	// (BenchmarkAgentRatesSample); byKey holds them otherwise.
	few   []keyedRate
	byKey map[serviceEnv]agentRate
	def   agentRate
}

type keyedRate struct {
	key serviceEnv
	r   agentRate
}

// fewRates is how many rates are searched in order rather than hashed.
const fewRates = 8

// keepAll is the rate before the Agent has answered.
var keepAll = agentRate{rate: 1, th: threshold{all: true}}

// NewAgentRates returns an AgentRates that keeps everything until rates
// arrive.
func NewAgentRates() *AgentRates { return &AgentRates{} }

// ReceiveRates takes the Agent's rate_by_service: keys
// "service:NAME,env:ENV", the key "service:,env:" holding the default.
func (a *AgentRates) ReceiveRates(rates map[string]float64) {
	t := &agentTable{byKey: make(map[serviceEnv]agentRate, len(rates)), def: keepAll}
	for k, r := range rates {
		svc, env, ok := parseKey(k)
		if !ok || !(r >= 0 && r <= 1) {
			continue
		}
		ar := agentRate{rate: r, th: thresholdOf(r)}
		if svc == "" && env == "" {
			t.def = ar
			continue
		}
		t.byKey[serviceEnv{svc, env}] = ar
	}
	if len(t.byKey) <= fewRates {
		for k, r := range t.byKey {
			t.few = append(t.few, keyedRate{k, r})
		}
		t.byKey = nil
	}
	a.rates.Store(t)
}

// parseKey splits "service:NAME,env:ENV".
func parseKey(k string) (service, env string, ok bool) {
	const sp, ep = "service:", ",env:"
	if len(k) < len(sp)+len(ep) || k[:len(sp)] != sp {
		return "", "", false
	}
	rest := k[len(sp):]
	for i := 0; i+len(ep) <= len(rest); i++ {
		if rest[i:i+len(ep)] == ep {
			return rest[:i], rest[i+len(ep):], true
		}
	}
	return "", "", false
}

// Rate returns the rate for a service and environment.
func (a *AgentRates) Rate(service, env string) float64 { return a.lookup(service, env).rate }

func (a *AgentRates) lookup(service, env string) agentRate {
	t := a.rates.Load()
	if t == nil {
		return keepAll
	}
	if t.byKey == nil {
		for i := range t.few {
			if k := &t.few[i].key; k.service == service && k.env == env {
				return t.few[i].r
			}
		}
		return t.def
	}
	if r, ok := t.byKey[serviceEnv{service, env}]; ok {
		return r
	}
	return t.def
}

// Sample keeps the trace at its service's rate.
func (a *AgentRates) Sample(p trace.SamplingParams) trace.Decision {
	env := ""
	if v, ok := p.Tag("env"); ok {
		env = v.String()
	}
	r := a.lookup(p.Service, env)
	d := trace.Decision{Priority: trace.PriorityAutoReject, Mechanism: trace.MechanismAgentRate, Rate: r.rate}
	if r.th.keeps(p.TraceID) {
		d.Priority = trace.PriorityAutoKeep
	}
	return d
}
