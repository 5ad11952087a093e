package tracer

import (
	"errors"
	"math"
	"strings"

	"github.com/ctxtrace/trace"
)

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
	// BaggagePrefix, TraceHeader, ParentHeader, PriorityHeader and
	// BaggageHeader rename the headers in dd-trace-go. Renamed headers are
	// not supported (empty or the Default* names are): NewPropagator
	// reports ErrRenamedHeaders through the propagator's Inject and
	// Extract rather than send headers no peer would read.
	BaggagePrefix, TraceHeader, ParentHeader, PriorityHeader, BaggageHeader string
}

// renamed reports whether cfg renames a header.
func (cfg *PropagatorConfig) renamed() bool {
	differs := func(v, def string) bool { return v != "" && !strings.EqualFold(v, def) }
	return differs(cfg.BaggagePrefix, DefaultBaggageHeaderPrefix) || differs(cfg.TraceHeader, DefaultTraceIDHeader) ||
		differs(cfg.ParentHeader, DefaultParentIDHeader) || differs(cfg.PriorityHeader, DefaultPriorityHeader) ||
		differs(cfg.BaggageHeader, DefaultBaggageHeader)
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
	if cfg.renamed() {
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
	sc := contextOf(ctx)
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
	// A context of the caller's own making: its ids, as a remote parent.
	return contextOf(sc), nil
}

// asTracePropagator unwraps what NewPropagator made, or adapts the
// caller's propagator.
func asTracePropagator(p Propagator) trace.Propagator {
	if a, ok := p.(adapter); ok {
		return a.p
	}
	return traceAdapter{p}
}
