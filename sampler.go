package trace

import "iter"

// Priority is a trace's sampling priority, with Datadog's values and meanings.
type Priority int8

const (
	// PriorityUserReject: a person or a rule chose to drop the trace.
	PriorityUserReject Priority = -1
	// PriorityAutoReject: the sampler chose to drop the trace.
	PriorityAutoReject Priority = 0
	// PriorityAutoKeep: the sampler chose to keep the trace.
	PriorityAutoKeep Priority = 1
	// PriorityUserKeep: a person or a rule chose to keep the trace.
	PriorityUserKeep Priority = 2
)

// Keep reports whether p keeps the trace.
func (p Priority) Keep() bool { return p > 0 }

// Mechanism is what made a sampling decision; Datadog records it as the
// propagated tag _dd.p.dm ("-" followed by the number). The zero Mechanism
// is the default one: no rate was known. Span.Keep and Span.Drop decide
// with the manual mechanism (4), which no sampler overrides.
type Mechanism int8

const (
	mechanismDefault Mechanism = 0 // no rate was known; the trace is kept
	// MechanismAgentRate: a rate from the Datadog Agent.
	MechanismAgentRate Mechanism = 1
	// MechanismRule: a user's sampling rule or global rate.
	MechanismRule   Mechanism = 3
	mechanismManual Mechanism = 4 // Span.Keep, Span.Drop, manual.keep...
)

// Decision is a Sampler's verdict on a new trace.
type Decision struct {
	Priority  Priority
	Mechanism Mechanism
	// Rate is the rate the mechanism applied. It is recorded on the local
	// root as _dd.agent_psr for MechanismAgentRate and _dd.rule_psr for
	// MechanismRule, and ignored otherwise.
	Rate float64
	// Limited reports that a rate limiter was consulted; LimitRate, the
	// share of traces it let through, is then recorded as _dd.limit_psr.
	Limited   bool
	LimitRate float64
}

// Sampler decides whether a trace is kept. It is called once per trace, at
// its local root, unless the trace arrived with a decision from upstream;
// children inherit the decision. Implementations must be safe for concurrent
// use and should not allocate: they run on every new trace.
type Sampler interface {
	Sample(p SamplingParams) Decision
}

// SamplerFunc adapts a function to the Sampler interface.
type SamplerFunc func(SamplingParams) Decision

// Sample calls f(p).
func (f SamplerFunc) Sample(p SamplingParams) Decision { return f(p) }

// KeepAll is the default Sampler: it keeps every trace with
// PriorityAutoKeep and the default (zero) Mechanism.
var KeepAll Sampler = keepAll{}

// keepAll is a concrete type rather than a SamplerFunc: one indirect call
// fewer on every new trace (BenchmarkStartFinish).
type keepAll struct{}

func (keepAll) Sample(SamplingParams) Decision {
	return Decision{Priority: PriorityAutoKeep, Mechanism: mechanismDefault}
}

// SamplingParams describes the local root span being sampled. It is valid
// only during the call to Sample.
type SamplingParams struct {
	TraceID  TraceID
	Name     string
	Service  string
	Resource string
	Type     string
	span     *Span
}

// Span returns the root span being sampled, for samplers that look at it
// the way dd-trace-go's custom samplers do. It is live: read it, do not
// finish it.
func (p SamplingParams) Span() *Span { return p.span }

// Tags returns the tags the root span was started with.
func (p SamplingParams) Tags() iter.Seq2[string, Value] {
	if p.span == nil {
		return func(func(string, Value) bool) {}
	}
	return p.span.tags.all()
}

// Tag returns the root span's tag key.
func (p SamplingParams) Tag(key string) (Value, bool) {
	if p.span == nil {
		return Value{}, false
	}
	return p.span.tags.get(key)
}
