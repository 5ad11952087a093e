package tracer

import (
	"math"
	"regexp"
	"sync/atomic"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/sampling"
)

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

// WithSamplingRules adds sampling rules, in order, the first that matches
// deciding: trace rules (SamplingRuleTrace, or no type) decide whether the
// trace a matching root span starts is kept; span rules
// (SamplingRuleSpan) keep matching spans of dropped traces on their own.
// As in dd-trace-go, DD_TRACE_SAMPLING_RULES replaces the trace rules given
// here, and DD_SPAN_SAMPLING_RULES the span rules, when set. The rules are
// read when the option is made: changing them afterwards changes nothing.
// A rule whose Rate is not between 0 and 1 (NaN included) is left out,
// where dd-trace-go would apply it with a meaningless threshold.
func WithSamplingRules(rules []SamplingRule) StartOption {
	var traceRules []sampling.Rule
	var spanRules []sampling.SpanRule
	for i := range rules {
		r := &rules[i]
		if !(r.Rate >= 0 && r.Rate <= 1) {
			continue
		}
		if r.ruleType == SamplingRuleSpan {
			spanRules = append(spanRules, r.spanRule())
		} else {
			traceRules = append(traceRules, r.traceRule())
		}
	}
	return func(c *config) {
		if env.String("DD_TRACE_SAMPLING_RULES", "") == "" {
			c.rules = append(c.rules, traceRules...)
		}
		if env.String("DD_SPAN_SAMPLING_RULES", "") == "" {
			c.spanRules = append(c.spanRules, spanRules...)
		}
	}
}

// traceRule is the rule as the sampling package applies it to traces.
func (sr *SamplingRule) traceRule() sampling.Rule {
	r := sampling.Rule{SampleRate: sr.Rate, Provenance: sampling.ProvenanceLocal}
	if sr.Provenance == Customer || sr.Provenance == Dynamic {
		r.Provenance = sampling.Provenance(sr.Provenance)
	}
	r.Service, r.Name, r.Resource, r.Tags, r.Regexps = sr.patterns()
	return r
}

// spanRule is the rule as the sampling package applies it to single spans.
// A MaxPerSecond not above 0 means no limit.
func (sr *SamplingRule) spanRule() sampling.SpanRule {
	r := sampling.SpanRule{SampleRate: sr.Rate}
	if sr.MaxPerSecond > 0 {
		r.MaxPerSecond = sr.MaxPerSecond
	}
	r.Service, r.Name, r.Resource, r.Tags, r.Regexps = sr.patterns()
	return r
}

// patterns are what the rule matches: the glob of each field that still
// holds the expression compiled from it (the same meaning, matched faster),
// the expression of every other. The maps are the rule's own copies.
func (sr *SamplingRule) patterns() (service, name, resource string, tags map[string]string, re sampling.Regexps) {
	g := sr.globs
	if g == nil {
		g = &ruleGlobs{}
	}
	pick := func(glob string, compiled, field *regexp.Regexp) (string, *regexp.Regexp) {
		if field == compiled {
			return glob, nil
		}
		return "", field
	}
	service, re.Service = pick(g.service, g.compiled[0], sr.Service)
	name, re.Name = pick(g.name, g.compiled[1], sr.Name)
	resource, re.Resource = pick(g.resource, g.compiled[2], sr.Resource)
	for k, x := range sr.Tags {
		switch {
		case x == nil: // matches anything
		case g.compiledTags[k] == x:
			if tags == nil {
				tags = make(map[string]string, len(sr.Tags))
			}
			tags[k] = g.tags[k]
		default:
			if re.Tags == nil {
				re.Tags = make(map[string]*regexp.Regexp, len(sr.Tags))
			}
			re.Tags[k] = x
		}
	}
	return service, name, resource, tags, re
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
