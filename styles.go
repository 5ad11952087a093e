package trace

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ctxtrace/trace/internal/env"
)

// Propagation styles, named as DD_TRACE_PROPAGATION_STYLE names them.
const (
	styleDatadog      = "datadog"          // x-datadog-* headers
	styleTraceContext = "tracecontext"     // W3C traceparent and tracestate
	styleBaggage      = "baggage"          // W3C baggage
	styleB3Multi      = "b3multi"          // X-B3-* headers ("b3" is accepted too)
	styleB3Single     = "b3 single header" // the b3 header
	styleNone         = "none"             // nothing
)

// defaultStyles is what is injected and extracted unless configured
// otherwise, as in dd-trace-go.
var defaultStyles = []string{styleDatadog, styleTraceContext, styleBaggage}

// PropagatorConfig configures NewPropagator.
type PropagatorConfig struct {
	// Inject and Extract list the styles, in order, by the names of
	// DD_TRACE_PROPAGATION_STYLE: "datadog" (x-datadog-* headers),
	// "tracecontext" (W3C traceparent and tracestate), "baggage" (W3C
	// baggage), "b3multi" or "b3" (X-B3-* headers), "b3 single header"
	// (the b3 header). Nil means datadog, tracecontext and baggage; an
	// empty list, or "none" alone, means none.
	Inject, Extract []string
	// ExtractFirst stops extraction at the first style that finds a valid
	// context: no tracestate merge and no links from the other styles.
	// W3C baggage is still read.
	ExtractFirst bool
	// TagsHeaderMax bounds x-datadog-tags on inject, in bytes: 0 means
	// 512, Datadog's default; a negative value writes no x-datadog-tags.
	TagsHeaderMax int
}

// NewPropagator returns a Propagator for the styles of cfg. Unknown style
// names are left out and reported in the error, along with a propagator
// made of the known ones.
func NewPropagator(cfg PropagatorConfig) (Propagator, error) {
	tagsMax := cfg.TagsHeaderMax
	switch {
	case tagsMax == 0:
		tagsMax = defaultTagsHeaderMax
	case tagsMax < 0:
		tagsMax = 0
	}
	p := &styled{extractFirst: cfg.ExtractFirst}
	var errs []error
	p.inject, errs = resolveStyles(cfg.Inject, tagsMax, errs)
	p.extract, errs = resolveStyles(cfg.Extract, tagsMax, errs)
	p.extractKeys = extractKeys(p.extract)
	p.w3cOnly = len(p.extract) == 1 && p.extract[0].name == "tracecontext"
	return p, errors.Join(errs...)
}

type namedPropagator struct {
	name string // as it appears in a link's context_headers
	stylePropagator
}

// stylePropagator is what every style implements: a Propagator that also
// extracts from headers gathered once for all styles.
type stylePropagator interface {
	Propagator
	headerExtractor
}

func resolveStyles(names []string, tagsMax int, errs []error) ([]namedPropagator, []error) {
	if names == nil {
		names = defaultStyles
	}
	var out []namedPropagator
	for _, n := range names {
		var np namedPropagator
		switch strings.ToLower(strings.TrimSpace(n)) {
		case styleDatadog:
			np = namedPropagator{"datadog", datadogPropagator{tagsMax: tagsMax}}
		case styleTraceContext:
			np = namedPropagator{"tracecontext", tracecontextPropagator{}}
		case styleBaggage:
			np = namedPropagator{"baggage", baggagePropagator{}}
		case styleB3Multi, "b3":
			np = namedPropagator{"b3multi", b3MultiPropagator{}}
		case styleB3Single:
			np = namedPropagator{"b3", b3SinglePropagator{}}
		case styleNone, "":
			continue
		default:
			errs = append(errs, fmt.Errorf("trace: unknown propagation style %q", n))
			continue
		}
		if !slices.ContainsFunc(out, func(o namedPropagator) bool { return o.name == np.name }) {
			out = append(out, np)
		}
	}
	return out, errs
}

// parseStyles splits a DD_TRACE_PROPAGATION_STYLE value: names separated
// by commas, in any case, spaces around them ignored. An empty value
// returns nil (the default).
func parseStyles(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		out = append(out, strings.ToLower(strings.TrimSpace(n)))
	}
	return out
}

// PropagatorFromEnv returns the propagator that DD_TRACE_PROPAGATION_STYLE,
// DD_TRACE_PROPAGATION_STYLE_INJECT, DD_TRACE_PROPAGATION_STYLE_EXTRACT,
// DD_TRACE_PROPAGATION_EXTRACT_FIRST and DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH
// describe, with their meanings in dd-trace-go: the _INJECT and _EXTRACT
// variables take precedence over the general one; a list with only unknown
// names means the default. Problems are returned beside a usable
// propagator.
func PropagatorFromEnv() (Propagator, error) {
	var errs []error
	both := parseStyles(env.String("DD_TRACE_PROPAGATION_STYLE", ""))
	cfg := PropagatorConfig{Inject: both, Extract: both}
	if v := parseStyles(env.String("DD_TRACE_PROPAGATION_STYLE_INJECT", "")); v != nil {
		cfg.Inject = v
	}
	if v := parseStyles(env.String("DD_TRACE_PROPAGATION_STYLE_EXTRACT", "")); v != nil {
		cfg.Extract = v
	}
	first, err := env.Bool("DD_TRACE_PROPAGATION_EXTRACT_FIRST", false)
	errs = append(errs, err)
	cfg.ExtractFirst = first
	n, err := env.Int("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH", defaultTagsHeaderMax)
	errs = append(errs, err)
	switch {
	case n == 0:
		cfg.TagsHeaderMax = -1
	case n < 0 || n > defaultTagsHeaderMax:
		errs = append(errs, fmt.Errorf("trace: DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH=%d is outside 0..%d", n, defaultTagsHeaderMax))
		cfg.TagsHeaderMax = max(min(n, defaultTagsHeaderMax), -1)
	default:
		cfg.TagsHeaderMax = n
	}
	// As in dd-trace-go, names that are all unknown fall back to the default.
	for _, list := range []*[]string{&cfg.Inject, &cfg.Extract} {
		if *list != nil && !slices.ContainsFunc(*list, knownStyle) {
			*list = nil
		}
	}
	p, err := NewPropagator(cfg)
	errs = append(errs, err)
	return p, errors.Join(errs...)
}

func knownStyle(n string) bool {
	switch n {
	case styleDatadog, styleTraceContext, styleBaggage, styleB3Multi, "b3", styleB3Single, styleNone:
		return true
	}
	return false
}

// defaultPropagator is what tracers use without WithPropagator: the
// environment's styles, read once.
var defaultPropagator = sync.OnceValue(func() Propagator {
	p, _ := PropagatorFromEnv() // problems fall back to defaults; New reports them
	return p
})

// styled is a Propagator made of styles, with dd-trace-go's rules for
// combining them.
type styled struct {
	inject, extract []namedPropagator
	extractKeys     []string // the extract styles' headers (see collect)
	w3cOnly         bool     // the only extract style is tracecontext
	extractFirst    bool
}

// Inject writes every style, and returns the first error.
func (p *styled) Inject(sc SpanContext, w TextMapWriter) error {
	if w == nil {
		return ErrInvalidCarrier
	}
	if !sc.IsValid() && sc.baggage == nil {
		return ErrInvalidSpanContext
	}
	if h, ok := w.(HeaderCarrier); ok && sc.IsValid() {
		return p.injectHeader(sc, h)
	}
	// A context without ids (baggage only) goes out through the styles
	// that can carry it; the others decline, which is no error.
	var first error
	for _, s := range p.inject {
		if err := s.Inject(sc, w); err != nil && sc.IsValid() && first == nil {
			first = err
		}
	}
	return first
}

// injectHeader writes every style of a valid sc into an http.Header. The
// values of Datadog's and W3C's headers, written on every request, share
// one allocation (see fields.writeTo): BenchmarkInjectExtractDefault.
func (p *styled) injectHeader(sc SpanContext, h HeaderCarrier) error {
	var buf [allHeadersBufLen]byte
	var out fields
	b := buf[:0]
	var first error
	for _, s := range p.inject {
		switch sp := s.stylePropagator.(type) {
		case datadogPropagator:
			b = sp.appendHeaders(b, sc, h, &out)
		case tracecontextPropagator:
			b = sp.appendHeaders(b, sc, &out)
		default:
			if err := s.Inject(sc, h); err != nil && first == nil {
				first = err
			}
		}
	}
	out.writeTo(h, b)
	return first
}

// Extract reads every style in order. The first valid context wins; a
// later one of the same trace adds its W3C tracestate and parent, one of
// another trace becomes a link on the local root. A malformed header of
// one style never hides a valid one of another. W3C baggage joins
// whatever was found (or stands alone).
func (p *styled) Extract(r TextMapReader) (SpanContext, error) {
	if r == nil {
		return SpanContext{}, ErrInvalidCarrier
	}
	if c, isHeader := r.(HeaderCarrier); isHeader && p.w3cOnly {
		// The style's own result is the propagator's.
		if sc, ok, err := (tracecontextPropagator{}).extractHeader(c); ok {
			return sc, err
		}
	}
	// One pass over the carrier serves every style.
	var h headerSet
	if err := collect(r, &h, p.extractKeys); err != nil {
		return SpanContext{}, err
	}
	var primary SpanContext
	var bag kvs
	found, corrupted := false, false
	for _, s := range p.extract {
		if s.name == "baggage" {
			sc, err := extractStyle(s.stylePropagator, &h)
			if err == nil {
				bag = sc.baggage
			} else if errors.Is(err, ErrSpanContextCorrupted) {
				corrupted = true
			}
			continue
		}
		if found && p.extractFirst {
			continue
		}
		sc, err := extractStyle(s.stylePropagator, &h)
		switch {
		case err == nil && !found:
			primary, found = sc, true
		case err == nil:
			primary = merge(primary, sc, s.name)
		case errors.Is(err, ErrSpanContextCorrupted):
			corrupted = true
		case !errors.Is(err, ErrSpanContextNotFound):
			return SpanContext{}, err // the carrier's own error
		}
	}
	if bag != nil {
		primary.baggage = mergeBaggage(primary.baggage, bag)
		primary.remote = true
	}
	switch {
	case found || primary.usable():
		return primary, nil
	case corrupted:
		return SpanContext{}, ErrSpanContextCorrupted
	}
	return SpanContext{}, ErrSpanContextNotFound
}

// extractStyle calls the style's extractFrom directly: through the
// interface, h would have to live on the heap.
func extractStyle(p stylePropagator, h *headerSet) (SpanContext, error) {
	switch p := p.(type) {
	case datadogPropagator:
		return p.extractFrom(h)
	case tracecontextPropagator:
		return p.extractFrom(h)
	case baggagePropagator:
		return p.extractFrom(h)
	case b3MultiPropagator:
		return p.extractFrom(h)
	case b3SinglePropagator:
		return p.extractFrom(h)
	}
	return SpanContext{}, ErrSpanContextNotFound
}

// merge folds a later style's context into the winning one. Only a link
// to another trace allocates: the usual same-trace merge of Datadog's and
// W3C's headers does not (BenchmarkContribGRPC).
func merge(primary, other SpanContext, style string) SpanContext {
	if other.traceID == primary.traceID {
		if other.w3c == nil {
			return primary // same trace, nothing W3C to add
		}
		// The same trace through a W3C hop: keep its tracestate, and its
		// parent, which is newer than the Datadog headers' when a proxy
		// that speaks only W3C came between. _dd.parent_id then records
		// the last Datadog span.
		primary.w3c = other.w3c
		if other.spanID != primary.spanID {
			if other.ddParent != 0 {
				primary.ddParent = other.ddParent
			} else {
				primary.ddParent = primary.spanID
			}
			primary.spanID = other.spanID
		}
		return primary
	}
	x := &extracted{}
	if primary.extracted != nil {
		*x = *primary.extracted
	}
	l := Link{
		TraceID:    other.traceID,
		SpanID:     other.spanID,
		Attributes: map[string]string{"reason": "terminated_context", "context_headers": style},
	}
	if other.hasPriority && other.priority.Keep() {
		l.Flags = 1
	}
	if other.w3c != nil {
		l.Tracestate = joinMembers(other.w3c.others)
	}
	x.links = append(slices.Clip(x.links), l)
	primary.extracted = x
	return primary
}

// joinMembers writes tracestate members as a list.
func joinMembers(ms []kv) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.k)
		b.WriteByte('=')
		b.WriteString(m.v)
	}
	return b.String()
}

// mergeBaggage adds W3C baggage to the baggage found in other headers
// (ot-baggage-*); W3C's wins on a shared key, as in dd-trace-go.
func mergeBaggage(base, w3c kvs) kvs {
	if base == nil {
		return w3c
	}
	out := slices.Clone(*base)
	for _, e := range *w3c {
		if i := slices.IndexFunc(out, func(o kv) bool { return o.k == e.k }); i >= 0 {
			out[i].v = e.v
		} else {
			out = append(out, e)
		}
	}
	return &out
}
