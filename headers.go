package trace

import "net/http"

// headerSet is what the extractors read from a carrier, gathered in one
// pass over it for every style at once. It lives on the stack: reading the
// carrier through a ForeachKey closure instead would move it, and each
// value the closure captures, to the heap, at every Extract
// (BenchmarkInjectExtract in bench/).
type headerSet struct {
	ddTrace, ddParent, ddPrio, ddOrigin, ddTags string
	hasDDTrace, hasDDParent, hasDDPrio          bool

	tp      string
	tpCount int
	ts      multiValue // tracestate fields, to be joined
	bag     multiValue // baggage fields, to be joined
	otBag   otBaggage  // ot-baggage-* items, within their limits

	b3Trace, b3Span, b3Sampled, b3Flags, b3Single string
	hasB3Trace, hasB3Sampled, hasB3Single         bool
}

// multiValue gathers the fields of a header that may repeat (RFC 9110: one
// list, joined with commas) without allocating for the usual one or two.
type multiValue struct {
	first   [2]string
	rest    []string
	n, size int
	tooLong bool
}

func (m *multiValue) add(v string, limit int) {
	if m.size+len(v)+1 > limit {
		m.tooLong = true
		return
	}
	if m.n < len(m.first) {
		m.first[m.n] = v
	} else {
		m.rest = append(m.rest, v)
	}
	m.n++
	m.size += len(v) + 1
}

// joined returns the fields as one list; it allocates only when there are
// several.
func (m *multiValue) joined() string {
	switch m.n {
	case 0:
		return ""
	case 1:
		return m.first[0]
	}
	b := make([]byte, 0, m.size)
	for i := 0; i < m.n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		if i < len(m.first) {
			b = append(b, m.first[i]...)
		} else {
			b = append(b, m.rest[i-len(m.first)]...)
		}
	}
	return string(b)
}

func (h *headerSet) add(k, v string) {
	if h.addCanonical(k, v) {
		return
	}
	switch {
	case eq(k, hdrTraceparent):
		h.tp = v
		h.tpCount++
	case eq(k, hdrTracestate):
		h.ts.add(v, maxTracestateLen)
	case eq(k, hdrDDTraceID):
		h.ddTrace, h.hasDDTrace = v, true
	case eq(k, hdrDDParentID):
		h.ddParent, h.hasDDParent = v, true
	case eq(k, hdrDDPriority):
		h.ddPrio, h.hasDDPrio = v, true
	case eq(k, hdrDDOrigin):
		h.ddOrigin = v
	case eq(k, hdrDDTags):
		h.ddTags = v
	case eq(k, hdrBaggage):
		h.bag.add(v, maxBaggageBytes)
	case hasPrefixFold(k, hdrOTBaggage) && len(k) > len(hdrOTBaggage):
		h.otBag.add(k[len(hdrOTBaggage):], v)
	case eq(k, hdrB3TraceID):
		h.b3Trace, h.hasB3Trace = v, true
	case eq(k, hdrB3SpanID):
		h.b3Span = v
	case eq(k, hdrB3Sampled):
		h.b3Sampled, h.hasB3Sampled = v, true
	case eq(k, hdrB3Flags):
		h.b3Flags = v
	case eq(k, hdrB3Single):
		h.b3Single, h.hasB3Single = v, true
	}
}

// addCanonical adds the header k of the canonical spelling of one of the
// styles write, as net/http reads them and HeaderCarrier writes them: one
// string switch instead of comparisons without regard to case. It reports
// false for any other key.
func (h *headerSet) addCanonical(k, v string) bool {
	switch k {
	case canonTraceparent:
		h.tp = v
		h.tpCount++
	case canonTracestate:
		h.ts.add(v, maxTracestateLen)
	case canonDDTraceID:
		h.ddTrace, h.hasDDTrace = v, true
	case canonDDParentID:
		h.ddParent, h.hasDDParent = v, true
	case canonDDPriority:
		h.ddPrio, h.hasDDPrio = v, true
	case canonDDOrigin:
		h.ddOrigin = v
	case canonDDTags:
		h.ddTags = v
	case canonBaggage:
		h.bag.add(v, maxBaggageBytes)
	default:
		return false
	}
	return true
}

// collect reads the carrier once. The carriers of this package are ranged
// directly; others go through ForeachKey, which costs them an allocation.
// An http.Header that holds only the canonical keys given (see
// extractKeys) is read by looking them up instead.
func collect(r TextMapReader, h *headerSet, keys []string) error {
	switch c := r.(type) {
	case HeaderCarrier:
		if h.lookup(c, keys) {
			return nil
		}
		for k, vs := range c {
			for _, v := range vs {
				h.add(k, v)
			}
		}
		return nil
	case MapCarrier:
		for k, v := range c {
			h.add(k, v)
		}
		return nil
	}
	hs := new(headerSet)
	err := r.ForeachKey(func(k, v string) error {
		hs.add(k, v)
		return nil
	})
	*h = *hs
	return err
}

// lookup reads c by looking up keys, canonical header names, when c holds
// no other key: it then reads what ranging over c would, in less time
// (BenchmarkInjectExtractTracerW3C in bench/). Otherwise it reports false
// and leaves h as it was.
func (h *headerSet) lookup(c HeaderCarrier, keys []string) bool {
	left := len(c)
	if left > len(keys) {
		return false
	}
	for _, k := range keys {
		if left == 0 {
			break
		}
		if vs, ok := c[k]; ok {
			left--
			for _, v := range vs {
				h.add(k, v)
			}
		}
	}
	if left != 0 {
		*h = headerSet{} // a key of another spelling: range over c instead
		return false
	}
	return true
}

// extractKeys returns the canonical names of the headers that the styles
// read, those every request of a style carries first.
func extractKeys(styles []namedPropagator) []string {
	var usual, rare []string
	for _, s := range styles {
		switch s.name {
		case "datadog":
			usual = append(usual, canonDDTraceID, canonDDParentID, canonDDPriority, canonDDTags)
			rare = append(rare, canonDDOrigin)
		case "tracecontext":
			usual = append(usual, canonTraceparent, canonTracestate)
		case "baggage":
			rare = append(rare, canonBaggage)
		case "b3multi":
			usual = append(usual, canonB3TraceID, canonB3SpanID, canonB3Sampled)
			rare = append(rare, canonB3Flags)
		case "b3":
			usual = append(usual, canonB3Single)
		}
	}
	return append(usual, rare...)
}

// headerExtractor is a Propagator that extracts from a headerSet, so that
// several styles share one pass over the carrier.
type headerExtractor interface {
	extractFrom(h *headerSet) (SpanContext, error)
}

// The canonical HTTP forms of the headers written on every request, which
// the propagators put in an http.Header without looking them up
// (TestCanonicalHeaders checks them against http.CanonicalHeaderKey).
const (
	canonTraceparent = "Traceparent"
	canonTracestate  = "Tracestate"
	canonDDTraceID   = "X-Datadog-Trace-Id"
	canonDDParentID  = "X-Datadog-Parent-Id"
	canonDDPriority  = "X-Datadog-Sampling-Priority"
	canonDDOrigin    = "X-Datadog-Origin"
	canonDDTags      = "X-Datadog-Tags"
	canonBaggage     = "Baggage"
	canonB3TraceID   = "X-B3-Traceid"
	canonB3SpanID    = "X-B3-Spanid"
	canonB3Sampled   = "X-B3-Sampled"
	canonB3Flags     = "X-B3-Flags"
	canonB3Single    = "B3"
)

// canonical maps the header names propagators write to their canonical
// HTTP form, so that HeaderCarrier.Set needs no conversion.
var canonical = map[string]string{}

func init() {
	for _, k := range []string{hdrTraceparent, hdrTracestate, hdrBaggage, hdrDDTraceID, hdrDDParentID, hdrDDPriority,
		hdrDDOrigin, hdrDDTags, hdrB3TraceID, hdrB3SpanID, hdrB3Sampled, hdrB3Flags, hdrB3ParentID, hdrB3Single} {
		canonical[k] = http.CanonicalHeaderKey(k)
	}
}
