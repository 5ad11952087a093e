package tracer

import (
	"math"
	"sync/atomic"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/sampling"
)

// SamplingRule keeps the traces it matches at its rate; see the sampling
// package.
type SamplingRule = sampling.Rule

// Sampler is dd-trace-go's custom sampler: Sample reports whether the trace
// whose root span is span is kept.
type Sampler interface {
	Sample(span Span) bool
}

// WithSampler replaces priority sampling with s: its keeps are automatic
// keeps (priority 1), its drops automatic drops (priority 0).
func WithSampler(s Sampler) StartOption {
	return func(c *config) {
		if s == nil {
			return
		}
		c.sampler = trace.SamplerFunc(func(p trace.SamplingParams) trace.Decision {
			if s.Sample(span{p.Span()}) {
				return trace.Decision{Priority: trace.PriorityAutoKeep}
			}
			return trace.Decision{Priority: trace.PriorityAutoReject}
		})
	}
}

// WithTraceSampler replaces priority sampling with one of the trace
// package's samplers (the sampling package's, or your own).
func WithTraceSampler(s trace.Sampler) StartOption { return func(c *config) { c.sampler = s } }

// RateSampler keeps traces at a rate that can change.
type RateSampler interface {
	Sampler
	Rate() float64
	SetRate(rate float64)
}

// NewRateSampler returns a RateSampler keeping traces at rate, by the trace
// id's hash shared with the Datadog Agent and libraries.
func NewRateSampler(rate float64) RateSampler {
	r := &rateSampler{}
	r.SetRate(rate)
	return r
}

// NewAllSampler returns a RateSampler that keeps everything.
func NewAllSampler() RateSampler { return NewRateSampler(1) }

type rateSampler struct{ rate atomic.Uint64 }

func (r *rateSampler) Rate() float64        { return math.Float64frombits(r.rate.Load()) }
func (r *rateSampler) SetRate(rate float64) { r.rate.Store(math.Float64bits(rate)) }
func (r *rateSampler) Sample(s Span) bool {
	return sampling.Keep(trace.NewTraceID(0, s.Context().TraceID()), r.Rate())
}

// WithSamplingRules sets the sampling rules (DD_TRACE_SAMPLING_RULES).
func WithSamplingRules(rules []SamplingRule) StartOption {
	return func(c *config) { c.rules = append([]SamplingRule(nil), rules...) }
}

// buildSampler builds priority sampling: the Agent's rates, under the user's
// rules and global rate when there are any, as dd-trace-go does.
func (c *config) buildSampler() trace.Sampler {
	if c.sampler != nil {
		return c.sampler
	}
	rules := c.rules
	if c.sampleRate >= 0 {
		rules = sampling.WithGlobalRate(rules, c.sampleRate)
	}
	if len(rules) == 0 {
		return sampling.NewAgentRates()
	}
	return sampling.NewRules(rules, c.rateLimit, sampling.NewAgentRates())
}
