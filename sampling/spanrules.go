package sampling

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctxtrace/trace"
)

// SpanRule keeps single spans of traces that are dropped
// (DD_SPAN_SAMPLING_RULES): spans that match are kept at SampleRate, at
// most MaxPerSecond a second (0: no limit). Service, Name, Resource and the
// Tags' values are glob patterns, as in Rule; Regexps, set by code, must
// match as well.
type SpanRule struct {
	Service      string            `json:"service"`
	Name         string            `json:"name"`
	SampleRate   float64           `json:"sample_rate"`
	MaxPerSecond float64           `json:"max_per_second"`
	Resource     string            `json:"resource"`
	Tags         map[string]string `json:"tags"`
	Regexps      Regexps           `json:"-"`
}

// ParseSpanRules reads DD_SPAN_SAMPLING_RULES, a JSON array of span rules;
// invalid rules are left out and reported beside the valid ones.
func ParseSpanRules(text string) ([]SpanRule, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	var raw []struct {
		SpanRule
		SampleRate *float64 `json:"sample_rate"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("sampling: DD_SPAN_SAMPLING_RULES is not a JSON array of rules: %w", err)
	}
	var out []SpanRule
	var errs []error
	for i, r := range raw {
		rate := 1.0
		if r.SampleRate != nil {
			rate = *r.SampleRate
		}
		if !(rate >= 0 && rate <= 1) || r.MaxPerSecond < 0 {
			errs = append(errs, fmt.Errorf("sampling: span rule %d: invalid rate or limit; rule left out", i))
			continue
		}
		r.SpanRule.SampleRate = rate
		out = append(out, r.SpanRule)
	}
	return out, errors.Join(errs...)
}

// SpanSampler applies span rules; the agent exporter asks it about each
// span of a dropped trace (agent.WithSpanSampler).
type SpanSampler struct {
	rules    []SpanRule
	limiters []*Limiter
}

// NewSpanSampler returns a SpanSampler for rules. A MaxPerSecond that is
// not above 0 (NaN included) means no limit, as in dd-trace-go.
func NewSpanSampler(rules []SpanRule) *SpanSampler {
	s := &SpanSampler{rules: rules, limiters: make([]*Limiter, len(rules))}
	for i, r := range rules {
		limit := r.MaxPerSecond
		if !(limit > 0) {
			limit = -1
		}
		s.limiters[i] = NewLimiter(limit, time.Now)
	}
	return s
}

// SampleSpan reports whether span is kept on its own, with the matching
// rule's rate and limit: the first rule whose patterns (service, name,
// resource, tags) match decides, by the span id's hash, then its limiter.
func (s *SpanSampler) SampleSpan(span trace.Snapshot) (rate, maxPerSecond float64, keep bool) {
	for i := range s.rules {
		r := &s.rules[i]
		if !r.matches(span) {
			continue
		}
		if !Keep(trace.NewTraceID(0, span.SpanID()), r.SampleRate) {
			return r.SampleRate, r.MaxPerSecond, false
		}
		ok, _ := s.limiters[i].Allow()
		return r.SampleRate, r.MaxPerSecond, ok
	}
	return 0, 0, false
}

// matches reports whether span matches the rule; it allocates nothing.
func (r *SpanRule) matches(span trace.Snapshot) bool {
	re := &r.Regexps
	if !textMatches(r.Service, re.Service, span.Service()) || !textMatches(r.Name, re.Name, span.Name()) ||
		!textMatches(r.Resource, re.Resource, span.Resource()) {
		return false
	}
	for k, pattern := range r.Tags {
		if anyTag(pattern) {
			continue
		}
		if v, ok := span.Tag(k); !ok || !valueMatches(pattern, nil, v) {
			return false
		}
	}
	for k, x := range re.Tags {
		if x == nil {
			continue
		}
		if v, ok := span.Tag(k); !ok || !valueMatches("", x, v) {
			return false
		}
	}
	return true
}
