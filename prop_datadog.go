package trace

import (
	"math/bits"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ctxtrace/trace/internal/id"
)

// Datadog's headers.
const (
	hdrDDTraceID   = "x-datadog-trace-id"
	hdrDDParentID  = "x-datadog-parent-id"
	hdrDDPriority  = "x-datadog-sampling-priority"
	hdrDDOrigin    = "x-datadog-origin"
	hdrDDTags      = "x-datadog-tags"
	hdrOTBaggage   = "ot-baggage-"
	tagTraceIDHigh = "_dd.p.tid"
	ddTagPrefix    = "_dd.p."

	// defaultTagsHeaderMax is the x-datadog-tags size limit, in bytes,
	// that dd-trace-go applies on extract and, by default, on inject.
	defaultTagsHeaderMax = 512
)

// The reasons in _dd.propagation_error, with dd-trace-go's values.
const (
	propErrDecoding      = "decoding_error"
	propErrEncoding      = "encoding_error"
	propErrExtractSize   = "extract_max_size"
	propErrInjectMaxSize = "inject_max_size"
)

// datadogPropagator reads and writes the x-datadog-* headers.
type datadogPropagator struct {
	tagsMax int // inject limit of x-datadog-tags; 0 writes none
}

func (p datadogPropagator) Inject(sc SpanContext, w TextMapWriter) error {
	if !sc.IsValid() {
		return ErrInvalidSpanContext
	}
	// The ids, the priority and the tags are written into one buffer, and
	// then into one string: one allocation for the four values and, for
	// an http.Header, the slices that hold them (see fields.writeTo).
	var buf [160]byte
	var out fields
	b := p.appendHeaders(buf[:0], sc, w, &out)
	out.writeTo(w, b)
	return nil
}

// appendHeaders appends the values of the x-datadog-* headers for a valid
// sc to b and adds them to out; the ot-baggage-* headers, and a
// propagation error, it writes at once.
func (p datadogPropagator) appendHeaders(b []byte, sc SpanContext, w TextMapWriter, out *fields) []byte {
	start := len(b)
	b = strconv.AppendUint(b, sc.traceID.Lower(), 10)
	t := len(b)
	b = strconv.AppendUint(b, sc.spanID, 10)
	sp := len(b)
	if sc.hasPriority {
		b = strconv.AppendInt(b, int64(sc.priority), 10)
	}
	pr := len(b)
	reason := ""
	if p.tagsMax > 0 {
		b, reason = appendDDTags(b, sc, p.tagsMax)
	}
	out.addBytes(hdrDDTraceID, canonDDTraceID, start, t)
	out.addBytes(hdrDDParentID, canonDDParentID, t, sp)
	if sc.hasPriority {
		out.addBytes(hdrDDPriority, canonDDPriority, sp, pr)
	}
	if origin := injectableOrigin(sc); origin != "" {
		out.add(hdrDDOrigin, canonDDOrigin, origin)
	}
	if len(b) > pr {
		out.addBytes(hdrDDTags, canonDDTags, pr, len(b))
	}
	if reason != "" {
		sc.setPropagationError(reason)
	}
	injectOTBaggage(sc, w)
	return b
}

// injectOTBaggage writes sc's baggage as ot-baggage-* headers, one per
// item, within the limits of Datadog baggage (see otBaggage).
func injectOTBaggage(sc SpanContext, w TextMapWriter) {
	items, size := 0, 0
	for k, v := range sc.Baggage() {
		if items == maxBaggageMembers {
			return
		}
		// A header name must be a token and a value free of control
		// characters, or the whole request fails to send; such items
		// travel in W3C baggage only. An item over the size left is
		// dropped; a smaller one may still fit.
		if !validToken(k) || !validHeaderValue(v) || !fits(items, size, k, v) {
			continue
		}
		w.Set(hdrOTBaggage+k, v)
		items, size = items+1, size+len(k)+len(v)
	}
}

// appendDDTags appends the x-datadog-tags value to b: the propagated tags
// (_dd.p.* only), with the upper half of the trace id as _dd.p.tid. A tag
// that cannot be written is left out (encoding_error); a header over max is
// not written at all (inject_max_size). It returns the reason, if any.
func appendDDTags(b []byte, sc SpanContext, max int) ([]byte, string) {
	start := len(b)
	reason := ""
	add := func(k, v string) {
		if !validDDTagKey(k) || !validDDTagValue(v) {
			reason = propErrEncoding
			return
		}
		if len(b) > start {
			b = append(b, ',')
		}
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, v...)
	}
	if hi := sc.traceID.Upper(); hi != 0 {
		var hx [16]byte
		add(tagTraceIDHigh, unsafeString(id.AppendHex16(hx[:0], hi)))
	}
	for i := 0; sc.tags != nil && i < len(*sc.tags); i++ {
		if e := (*sc.tags)[i]; strings.HasPrefix(e.k, ddTagPrefix) && e.k != tagTraceIDHigh {
			add(e.k, e.v)
		}
	}
	if len(b)-start > max {
		return b[:start], propErrInjectMaxSize
	}
	return b, reason
}

func (p datadogPropagator) Extract(r TextMapReader) (SpanContext, error) {
	var h headerSet
	if err := collect(r, &h, nil); err != nil {
		return SpanContext{}, err
	}
	return p.extractFrom(&h)
}

func (datadogPropagator) extractFrom(h *headerSet) (SpanContext, error) {
	traceID, parentID, priority, tags := h.ddTrace, h.ddParent, h.ddPrio, h.ddTags
	hasTrace, hasParent, hasPriority := h.hasDDTrace, h.hasDDParent, h.hasDDPrio
	origin, originErr := checkedOrigin(h.ddOrigin)
	sc := SpanContext{remote: true, origin: origin}
	if len(h.otBag.items) > 0 {
		baggage := h.otBag.items // declared here: moved to the heap only when used
		sc.baggage = &baggage
	}
	if !hasTrace {
		return sc, ErrSpanContextNotFound
	}
	lo, ok1 := parseDDID(traceID)
	span, ok2 := parseDDID(parentID)
	if !ok1 || hasParent && !ok2 {
		return SpanContext{}, ErrSpanContextCorrupted
	}
	// A synthetic test's first request has no parent: dd-trace-go accepts
	// it, with a parent id of 0, and so do we.
	if lo == 0 || span == 0 && origin != "synthetics" {
		return SpanContext{}, ErrSpanContextNotFound
	}
	if hasPriority {
		p, err := strconv.Atoi(strings.TrimSpace(priority))
		if err != nil || p < -128 || p > 127 {
			return SpanContext{}, ErrSpanContextCorrupted
		}
		sc.priority, sc.hasPriority = Priority(p), true
	}
	var hi uint64
	sc.tags, hi, sc.extracted = parseDDTags(tags)
	if sc.extracted == nil {
		sc.extracted = originErr // the tags' error, if any, comes first
	}
	sc.traceID, sc.spanID = NewTraceID(hi, lo), span
	return sc, nil
}

// parseDDID reads a decimal id. A leading minus sign is dd-trace-go's way
// of sending ids above 2^63 from languages without unsigned integers.
func parseDDID(s string) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	if s[0] == '-' {
		v, ok := parseDecimal(s[1:])
		if !ok || v > 1<<63 {
			return 0, false
		}
		return -v, true // two's complement: what uint64(int64) gives
	}
	return parseDecimal(s)
}

// parseDecimal reads what strconv.ParseUint(s, 10, 64) reads (digits only,
// within 64 bits), in a fraction of its time: every request of a traced
// service reads two ids (BenchmarkInjectExtract, BenchmarkContribGRPC).
func parseDecimal(s string) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		d := uint64(s[i] - '0')
		if d > 9 {
			return 0, false
		}
		if i == 19 { // only a twentieth digit can overflow
			hi, lo := bits.Mul64(v, 10)
			sum, carry := bits.Add64(lo, d, 0)
			if hi != 0 || carry != 0 {
				return 0, false
			}
			return sum, true
		}
		v = v*10 + d
	}
	return v, true
}

// parseDDTags reads x-datadog-tags: comma-separated key=value pairs, of
// which the _dd.p.* ones are kept. A header over the size limit is not
// read (extract_max_size); a malformed one is dropped whole
// (decoding_error), as is a malformed _dd.p.tid. It returns the tags, the
// upper half of the trace id from _dd.p.tid, and the error to record.
func parseDDTags(h string) (kvs, uint64, *extracted) {
	if h == "" {
		return nil, 0, nil
	}
	if len(h) > defaultTagsHeaderMax {
		return nil, 0, &extracted{propError: propErrExtractSize}
	}
	var out []kv
	var hi uint64
	var dm string
	for h != "" {
		var pair string
		if i := strings.IndexByte(h, ','); i >= 0 {
			pair, h = h[:i], h[i+1:]
			if h == "" {
				return nil, 0, &extracted{propError: propErrDecoding}
			}
		} else {
			pair, h = h, ""
		}
		// The key ends at the first "="; the value may hold more of them.
		eq := strings.IndexByte(pair, '=')
		if eq <= 0 || eq == len(pair)-1 || !validDDTagKey(pair[:eq]) || !validDDTagValue(pair[eq+1:]) {
			return nil, 0, &extracted{propError: propErrDecoding}
		}
		k, v := pair[:eq], pair[eq+1:]
		if !strings.HasPrefix(k, ddTagPrefix) {
			continue
		}
		if k == tagDecisionMaker {
			dm = v
			continue
		}
		if k == tagTraceIDHigh {
			// Only 16 lowercase hex digits; anything else is ignored, as
			// dd-trace-go does, rather than guessed at.
			if h, ok := id.ParseHex16(v); ok {
				hi = h
			}
			continue
		}
		out = append(out, kv{k, v})
	}
	switch {
	case len(out) == 0 && dm != "":
		return dmTags(dm), hi, nil
	case dm != "":
		out = append(out, kv{tagDecisionMaker, dm})
	}
	if len(out) == 0 {
		return nil, hi, nil
	}
	tags := out // declared here: moved to the heap only when used
	return &tags, hi, nil
}

// dmTags returns the propagated tags of a trace whose only one is the
// decision maker dm: one of the shared lists for the usual values, so
// that extraction allocates nothing for it.
func dmTags(dm string) kvs {
	for m := range dmOnly {
		if dmOnly[m][0].v == dm {
			return &dmOnly[m]
		}
	}
	return &[]kv{{tagDecisionMaker, dm}}
}

// validDDTagKey: printable ASCII without space, "=" and ",".
func validDDTagKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x21 || c > 0x7e || c == '=' || c == ',' {
			return false
		}
	}
	return true
}

// validDDTagValue: printable ASCII and space, without ",".
func validDDTagValue(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == ',' {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v may be an HTTP field value: no
// control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// unsafeString views b as a string, for the moment b is not written: a
// key or value about to be copied into a buffer.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
