package tracer

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ctxtrace/trace/sampling"
)

// SamplingRule is dd-trace-go's sampling rule: spans whose service, name,
// resource and tags match its expressions are sampled at Rate. A rule of
// type SamplingRuleTrace decides for the whole trace its root span starts;
// one of type SamplingRuleSpan keeps single spans of dropped traces (see
// WithSamplingRules). Build one with the constructors (ServiceRule,
// NameRule, SpanNameServiceRule...), which take glob patterns ("*" any run
// of characters, "?" one, case ignored), or with the fields.
type SamplingRule struct {
	// Service is the expression the span's service must match; nil: any.
	Service *regexp.Regexp

	// Name is the expression the span's operation name must match.
	Name *regexp.Regexp

	// Rate is the rate at which matching traces (or spans) are kept.
	Rate float64

	// MaxPerSecond bounds the spans a span rule keeps each second; 0 means
	// no bound. Trace rules share the tracer's limit (DD_TRACE_RATE_LIMIT).
	MaxPerSecond float64

	// Resource is the expression the span's resource must match.
	Resource *regexp.Regexp

	// Tags are expressions the span's tags must match, by key; a nil
	// expression matches anything, the tag's absence included. A numeric
	// tag matches as its whole-number text ("200"); a fraction never does.
	Tags map[string]*regexp.Regexp

	// Provenance is where the rule comes from: Local, or the remote
	// Customer and Dynamic, which record decision makers -11 and -12.
	Provenance provenance

	ruleType SamplingRuleType
	globs    *ruleGlobs // the patterns the rule was made from, if any
}

// SamplingRuleType is what a sampling rule decides about: whole traces or
// single spans.
type SamplingRuleType int

// The types of sampling rule, with dd-trace-go's values. As in
// dd-trace-go, SamplingRuleTrace and SamplingRuleSpan are untyped
// constants.
const (
	// SamplingRuleUndefined is a rule whose type is not said: a trace rule.
	SamplingRuleUndefined SamplingRuleType = 0

	// SamplingRuleTrace decides whether the trace a matching root span
	// starts is kept.
	SamplingRuleTrace = 1

	// SamplingRuleSpan keeps matching spans of traces that are dropped, on
	// their own, without changing the trace's decision.
	SamplingRuleSpan = 2
)

// String returns "trace", "span", or "" for any other type.
func (t SamplingRuleType) String() string {
	switch t {
	case SamplingRuleTrace:
		return "trace"
	case SamplingRuleSpan:
		return "span"
	}
	return ""
}

// provenance is where a rule comes from. The type is unexported, as in
// dd-trace-go: use its constants.
type provenance int32

const (
	// Local is a rule of the program's own configuration: decision maker
	// -3.
	Local provenance = 0
	// Customer is a rule set remotely by a person: decision maker -11.
	Customer provenance = 1
	// Dynamic is a rule computed remotely by Datadog: decision maker -12.
	Dynamic provenance = 2
)

// String returns "local", "customer" or "dynamic"; "" for any other value.
func (p provenance) String() string {
	if p < Local || p > Dynamic {
		return ""
	}
	return sampling.Provenance(p).String()
}

// ruleGlobs are the glob patterns a rule was made from. MarshalJSON writes
// them, not the expressions, as dd-trace-go does; and sampling matches the
// globs themselves, which mean what the expressions mean at a fraction of
// the cost (sampling's BenchmarkRulesSample), for every field that still
// holds the expression compiled from its glob.
type ruleGlobs struct {
	service, name, resource string
	tags                    map[string]string
	compiled                [3]*regexp.Regexp // service, name, resource
	compiledTags            map[string]*regexp.Regexp
}

// newRule compiles the globs of a rule of type t.
func newRule(t SamplingRuleType, tags map[string]string, resource, name, service string, rate float64) SamplingRule {
	g := &ruleGlobs{service: service, name: name, resource: resource}
	g.compiled = [3]*regexp.Regexp{globRegexp(service), globRegexp(name), globRegexp(resource)}
	r := SamplingRule{Service: g.compiled[0], Name: g.compiled[1], Resource: g.compiled[2], Rate: rate, ruleType: t, globs: g}
	if tags != nil {
		g.tags = make(map[string]string, len(tags))
		g.compiledTags = make(map[string]*regexp.Regexp, len(tags))
		r.Tags = make(map[string]*regexp.Regexp, len(tags))
		for k, v := range tags {
			g.tags[k] = v
			if re := globRegexp(v); re != nil {
				g.compiledTags[k], r.Tags[k] = re, re
			}
		}
	}
	return r
}

// RateRule returns a trace rule that keeps every trace at rate.
func RateRule(rate float64) SamplingRule {
	return SamplingRule{Rate: rate, ruleType: SamplingRuleTrace}
}

// ServiceRule returns a trace rule that keeps the traces of the services
// matching the glob service at rate.
func ServiceRule(service string, rate float64) SamplingRule {
	return newRule(SamplingRuleTrace, nil, "", "", service, rate)
}

// NameRule returns a trace rule that keeps the traces whose root span's
// name matches the glob name at rate.
func NameRule(name string, rate float64) SamplingRule {
	return newRule(SamplingRuleTrace, nil, "", name, "", rate)
}

// NameServiceRule returns a trace rule that keeps the traces whose root
// span matches both globs at rate.
func NameServiceRule(name string, service string, rate float64) SamplingRule {
	return newRule(SamplingRuleTrace, nil, "", name, service, rate)
}

// TagsResourceRule returns a trace rule that keeps at rate the traces whose
// root span matches the globs: resource, name, service, and the tags'
// values by key.
func TagsResourceRule(tags map[string]string, resource, name, service string, rate float64) SamplingRule {
	return newRule(SamplingRuleTrace, nonNil(tags), resource, name, service, rate)
}

// SpanTagsResourceRule returns a span rule that keeps at rate the spans of
// dropped traces that match the globs: resource, name, service, and the
// tags' values by key.
func SpanTagsResourceRule(tags map[string]string, resource, name, service string, rate float64) SamplingRule {
	return newRule(SamplingRuleSpan, nonNil(tags), resource, name, service, rate)
}

// SpanNameServiceRule returns a span rule that keeps at rate the spans of
// dropped traces whose name and service match the globs.
func SpanNameServiceRule(name, service string, rate float64) SamplingRule {
	return newRule(SamplingRuleSpan, nil, "", name, service, rate)
}

// SpanNameServiceMPSRule is SpanNameServiceRule keeping at most limit
// spans a second.
func SpanNameServiceMPSRule(name, service string, rate, limit float64) SamplingRule {
	r := newRule(SamplingRuleSpan, nil, "", name, service, rate)
	r.MaxPerSecond = limit
	return r
}

// nonNil returns m, or an empty map for nil: the tag constructors give
// their rules a Tags map even without tags, as dd-trace-go's do.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// globRegexp compiles a glob as dd-trace-go does: "" and "*" to nil (any
// text), anything else to (?i)^...$ with "*" as .*, "?" as . and every
// other character literal. dd-trace-go panics on a pattern that is not
// valid UTF-8; here each invalid byte stands for U+FFFD, which is what
// the expression reads an invalid byte of the text as.
func globRegexp(pattern string) *regexp.Regexp {
	if pattern == "" || pattern == "*" {
		return nil
	}
	var b strings.Builder
	b.WriteString("(?i)^")
	for i := 0; i < len(pattern); {
		r, w := utf8.DecodeRuneInString(pattern[i:])
		i += w
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteByte('.')
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteByte('$')
	re, err := regexp.Compile(b.String())
	if err != nil { // not seen: the text is quoted; match nothing rather than everything
		return matchNothing
	}
	return re
}

// matchNothing is an expression no text matches.
var matchNothing = regexp.MustCompile(`[^\x00-\x{10FFFF}]`)
