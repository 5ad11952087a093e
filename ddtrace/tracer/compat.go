package tracer

import (
	"errors"
	"math"

	"github.com/ctxtrace/trace"
)

// RateRule keeps every trace at rate (a global rate, as a rule).
func RateRule(rate float64) SamplingRule { return SamplingRule{SampleRate: rate} }

// ServiceRule keeps the traces of a service at rate.
func ServiceRule(service string, rate float64) SamplingRule {
	return SamplingRule{Service: service, SampleRate: rate}
}

// NameRule keeps the traces whose root span has this name at rate.
func NameRule(name string, rate float64) SamplingRule {
	return SamplingRule{Name: name, SampleRate: rate}
}

// NameServiceRule keeps the traces of a service whose root span has this
// name at rate.
func NameServiceRule(name, service string, rate float64) SamplingRule {
	return SamplingRule{Name: name, Service: service, SampleRate: rate}
}

// Propagator is dd-trace-go's propagator: Inject writes a span context into
// a carrier, Extract reads one.
type Propagator interface {
	Inject(context SpanContext, carrier any) error
	Extract(carrier any) (SpanContext, error)
}

// PropagatorConfig configures NewPropagator, with dd-trace-go's fields.
type PropagatorConfig struct {
	// MaxTagsHeaderLen bounds x-datadog-tags; 0 means the default, 512.
	MaxTagsHeaderLen int
	// B3 adds B3 multi-header propagation to the styles.
	B3 bool
	// BaggagePrefix, TraceHeader, ParentHeader and PriorityHeader rename
	// Datadog's headers in dd-trace-go. Renamed headers are not supported:
	// NewPropagator reports ErrRenamedHeaders through the propagator's
	// Inject and Extract rather than send headers no peer would read.
	BaggagePrefix, TraceHeader, ParentHeader, PriorityHeader string
}

// ErrRenamedHeaders is what a propagator configured with renamed Datadog
// headers returns.
var ErrRenamedHeaders = errors.New("tracer: renamed Datadog propagation headers are not supported")

// NewPropagator returns a Propagator for the styles of
// DD_TRACE_PROPAGATION_STYLE* (or the default ones), with cfg's tag limit
// and B3. Propagators given as arguments replace the styles, in order, the
// first valid extraction winning.
func NewPropagator(cfg *PropagatorConfig, propagators ...Propagator) Propagator {
	if len(propagators) > 0 {
		return chain(propagators)
	}
	if cfg == nil {
		cfg = &PropagatorConfig{}
	}
	if cfg.BaggagePrefix != "" || cfg.TraceHeader != "" || cfg.ParentHeader != "" || cfg.PriorityHeader != "" {
		return failing{ErrRenamedHeaders}
	}
	styles := []string{"datadog", "tracecontext", "baggage"}
	if cfg.B3 {
		styles = append(styles, "b3multi")
	}
	max := cfg.MaxTagsHeaderLen
	if max > math.MaxInt32 {
		max = math.MaxInt32
	}
	p, _ := trace.NewPropagator(trace.PropagatorConfig{Inject: styles, Extract: styles, TagsHeaderMax: max})
	return adapter{p}
}

// adapter shows a trace.Propagator as a Propagator.
type adapter struct{ p trace.Propagator }

func (a adapter) Inject(ctx SpanContext, carrier any) error {
	w, ok := carrier.(TextMapWriter)
	if !ok {
		return ErrInvalidCarrier
	}
	sc := unwrap(ctx)
	if !sc.IsValid() {
		return ErrInvalidSpanContext
	}
	return a.p.Inject(sc, w)
}

func (a adapter) Extract(carrier any) (SpanContext, error) {
	r, ok := carrier.(TextMapReader)
	if !ok {
		return nil, ErrInvalidCarrier
	}
	sc, err := a.p.Extract(r)
	if err != nil {
		return nil, err
	}
	return spanContext{sc}, nil
}

// chain runs several propagators: every Inject, the first Extract that
// finds a context.
type chain []Propagator

func (c chain) Inject(ctx SpanContext, carrier any) error {
	for _, p := range c {
		if err := p.Inject(ctx, carrier); err != nil {
			return err
		}
	}
	return nil
}

func (c chain) Extract(carrier any) (SpanContext, error) {
	err := ErrSpanContextNotFound
	for _, p := range c {
		sc, e := p.Extract(carrier)
		if e == nil {
			return sc, nil
		}
		if !errors.Is(e, ErrSpanContextNotFound) {
			err = e
		}
	}
	return nil, err
}

// failing is a propagator whose configuration cannot be honoured.
type failing struct{ err error }

func (f failing) Inject(SpanContext, any) error    { return f.err }
func (f failing) Extract(any) (SpanContext, error) { return nil, f.err }

// traceAdapter shows a Propagator as a trace.Propagator, for the tracer.
type traceAdapter struct{ p Propagator }

func (t traceAdapter) Inject(sc trace.SpanContext, w trace.TextMapWriter) error {
	return t.p.Inject(spanContext{sc}, w)
}

func (t traceAdapter) Extract(r trace.TextMapReader) (trace.SpanContext, error) {
	sc, err := t.p.Extract(r)
	if err != nil {
		return trace.SpanContext{}, err
	}
	if c, ok := sc.(spanContext); ok {
		return c.sc, nil
	}
	// A context of the caller's own making: its ids, as a remote parent.
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.NewTraceID(0, sc.TraceID()), SpanID: sc.SpanID(), Remote: true,
	}), nil
}

// asTracePropagator unwraps what NewPropagator made, or adapts the
// caller's propagator.
func asTracePropagator(p Propagator) trace.Propagator {
	if a, ok := p.(adapter); ok {
		return a.p
	}
	return traceAdapter{p}
}
