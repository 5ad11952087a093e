package sampling

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
)

// Rule keeps the traces it matches at SampleRate. Service, Name, Resource
// and the Tags' values are glob patterns ("*" any run, "?" one character),
// matched without regard to case; empty means any. Regexps, set by code
// (dd-trace-go's SamplingRule carries compiled expressions), must match as
// well. Provenance is where the rule comes from.
type Rule struct {
	Service    string            `json:"service"`
	Name       string            `json:"name"`
	Resource   string            `json:"resource"`
	Tags       map[string]string `json:"tags"`
	SampleRate float64           `json:"sample_rate"`
	Provenance Provenance        `json:"provenance"`
	Regexps    Regexps           `json:"-"`
}

// ParseRules reads DD_TRACE_SAMPLING_RULES: a JSON array of rules. Rules
// with an invalid rate are left out and reported in the error, beside the
// valid ones; invalid JSON (a provenance other than "local", "customer" or
// "dynamic" included) yields no rules and an error.
func ParseRules(text string) ([]Rule, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	var raw []struct {
		Rule
		SampleRate *float64 `json:"sample_rate"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("sampling: DD_TRACE_SAMPLING_RULES is not a JSON array of rules: %w", err)
	}
	var out []Rule
	var errs []error
	for i, r := range raw {
		rate := 1.0
		if r.SampleRate != nil {
			rate = *r.SampleRate
		}
		if !(rate >= 0 && rate <= 1) {
			errs = append(errs, fmt.Errorf("sampling: rule %d: sample_rate %v is outside 0..1; rule left out", i, rate))
			continue
		}
		r.Rule.SampleRate = rate
		out = append(out, r.Rule)
	}
	return out, errors.Join(errs...)
}

// matches reports whether the root span p describes matches the rule. It
// allocates nothing (BenchmarkRulesSample).
func (r *Rule) matches(p *trace.SamplingParams) bool {
	re := &r.Regexps
	if !textMatches(r.Service, re.Service, p.Service) || !textMatches(r.Name, re.Name, p.Name) ||
		!textMatches(r.Resource, re.Resource, p.Resource) {
		return false
	}
	for k, pattern := range r.Tags {
		if anyTag(pattern) {
			continue
		}
		if v, ok := p.Tag(k); !ok || !valueMatches(pattern, nil, v) {
			return false
		}
	}
	for k, x := range re.Tags {
		if x == nil {
			continue
		}
		if v, ok := p.Tag(k); !ok || !valueMatches("", x, v) {
			return false
		}
	}
	return true
}

// Rules is a trace.Sampler that applies user rules, first match first,
// keeping at most the limiter's rate of traces per second, and hands
// traces no rule matches to a fallback (the Agent's rates, usually).
type Rules struct {
	rules    []Rule
	limiter  *Limiter
	fallback trace.Sampler
}

// NewRules returns a Rules sampler. A global rate (DD_TRACE_SAMPLE_RATE) is
// a last rule matching everything. limit is traces per second (100 by
// default in dd-trace-go); fallback may be nil (keep everything).
func NewRules(rules []Rule, limit float64, fallback trace.Sampler) *Rules {
	if fallback == nil {
		fallback = trace.KeepAll
	}
	return &Rules{rules: rules, limiter: NewLimiter(limit, time.Now), fallback: fallback}
}

// WithGlobalRate returns rules with a catch-all rule at rate appended.
func WithGlobalRate(rules []Rule, rate float64) []Rule {
	return append(append([]Rule(nil), rules...), Rule{SampleRate: rate})
}

// Sample applies the first matching rule, or the fallback.
func (r *Rules) Sample(p trace.SamplingParams) trace.Decision {
	for i := range r.rules {
		rule := &r.rules[i]
		if !rule.matches(&p) {
			continue
		}
		d := trace.Decision{Priority: trace.PriorityUserReject, Mechanism: rule.Provenance.mechanism(), Rate: rule.SampleRate}
		if Keep(p.TraceID, rule.SampleRate) {
			allowed, rate := r.limiter.Allow()
			d.Limited, d.LimitRate = true, rate
			if allowed {
				d.Priority = trace.PriorityUserKeep
			}
		}
		return d
	}
	return r.fallback.Sample(p)
}

// ReceiveRates hands the Agent's rates to the fallback, when it takes them.
func (r *Rules) ReceiveRates(rates map[string]float64) {
	if rr, ok := r.fallback.(interface{ ReceiveRates(map[string]float64) }); ok {
		rr.ReceiveRates(rates)
	}
}

// Limiter lets at most a number of traces per second through: a token
// bucket refilled continuously. Its lock is held for a few nanoseconds,
// and only by traces a rule already decided to keep.
type Limiter struct {
	mu       sync.Mutex
	limit    float64 // tokens per second; < 0 means no limit
	tokens   float64
	last     time.Time
	now      func() time.Time
	seen     float64 // this second's requests, for the effective rate
	allowed  float64
	window   time.Time
	prevRate float64
}

// NewLimiter returns a Limiter of limit traces per second (negative: no
// limit), reading the time from now.
func NewLimiter(limit float64, now func() time.Time) *Limiter {
	return &Limiter{limit: limit, tokens: limit, now: now, prevRate: 1}
}

// Allow reports whether one more trace may be kept, and the share of
// traces let through over the current and previous seconds (dd-trace-go's
// _dd.limit_psr).
func (l *Limiter) Allow() (bool, float64) {
	if l.limit < 0 {
		return true, 1
	}
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last.IsZero() {
		l.last, l.window = t, t
	}
	if d := t.Sub(l.last).Seconds(); d > 0 {
		l.tokens = min(l.limit, l.tokens+d*l.limit)
		l.last = t
	}
	if t.Sub(l.window) >= time.Second {
		if l.seen > 0 {
			l.prevRate = l.allowed / l.seen
		}
		l.seen, l.allowed, l.window = 0, 0, t
	}
	l.seen++
	ok := l.tokens >= 1
	if ok {
		l.tokens--
		l.allowed++
	}
	rate := (l.prevRate + l.allowed/l.seen) / 2
	return ok, rate
}
