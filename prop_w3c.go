package trace

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ctxtrace/trace/internal/id"
)

const (
	hdrTraceparent = "traceparent"
	hdrTracestate  = "tracestate"
	maxDDMember    = 256 // the dd= member's own limit, as in dd-trace-go
)

// tracecontextPropagator reads and writes W3C Trace Context, Level 2:
// traceparent, and tracestate with Datadog's dd= member first.
type tracecontextPropagator struct{}

func (tracecontextPropagator) Inject(sc SpanContext, w TextMapWriter) error {
	if !sc.IsValid() {
		return ErrInvalidSpanContext
	}
	// Both values in one buffer, then in one string: one allocation for
	// both and, for an http.Header, their slices (see fields.writeTo).
	var buf [headerBufLen]byte
	var out fields
	b := tracecontextPropagator{}.appendHeaders(buf[:0], sc, &out)
	out.writeTo(w, b)
	return nil
}

// appendHeaders appends the traceparent and tracestate of a valid sc to b,
// and adds them to out.
func (tracecontextPropagator) appendHeaders(b []byte, sc SpanContext, out *fields) []byte {
	var flags byte
	if sc.hasPriority && sc.priority.Keep() {
		flags |= flagSampled
	}
	if sc.w3c != nil && sc.w3c.random {
		flags |= flagRandomness
	}
	start := len(b)
	b = appendTraceparent(b, sc.traceID, sc.spanID, flags)
	tp := len(b)
	b = appendTracestate(b, sc)
	out.addBytes(hdrTraceparent, canonTraceparent, start, tp)
	out.addBytes(hdrTracestate, canonTracestate, tp, len(b))
	return b
}

// appendTracestate appends the tracestate: our dd= member first, then the
// other vendors' members in the order they came, at most 32 in all: the
// right-most are dropped first, as the specification says.
func appendTracestate(b []byte, sc SpanContext) []byte {
	start := len(b)
	b = append(b, "dd="...)
	n := len(b)
	sep := func(b []byte) []byte {
		if len(b) > n {
			b = append(b, ';')
		}
		return b
	}
	if sc.hasPriority {
		b = append(b, "s:"...)
		b = strconv.AppendInt(b, int64(sc.priority), 10)
	}
	if origin := injectableOrigin(sc); origin != "" {
		b = sep(b)
		b = append(b, "o:"...)
		b = append(b, ddTracestateValue(origin, true)...)
	}
	b = sep(b)
	b = append(b, "p:"...)
	b = id.AppendHex16(b, sc.spanID)
	for k, v := range sc.Tags() {
		if !strings.HasPrefix(k, ddTagPrefix) || k == tagTraceIDHigh {
			continue
		}
		key := ddTracestateKey(k[len(ddTagPrefix):])
		val := ddTracestateValue(v, false)
		if len(b)-start+len(key)+len(val)+4 > maxDDMember {
			break
		}
		b = append(b, ";t."...)
		b = append(b, key...)
		b = append(b, ':')
		b = append(b, val...)
	}
	if sc.w3c != nil {
		for i, m := range sc.w3c.others {
			if i == maxTracestateMember-1 {
				break
			}
			b = append(b, ',')
			b = append(b, m.k...)
			b = append(b, '=')
			b = append(b, m.v...)
		}
	}
	return b
}

// ddTracestateValue makes a value fit the dd= member, with dd-trace-go's
// replacements: "=" becomes "~" (and "~" in a value read becomes "=" again),
// ",", ";" and "~" become "_", and each run of other characters the grammar
// forbids becomes one "_". An origin may not hold spaces; a tag value may.
func ddTracestateValue(v string, origin bool) string {
	clean := true
	for i := 0; i < len(v) && clean; i++ {
		c := v[i]
		clean = c > 0x20 && c < 0x7f && c != '=' && c != ',' && c != ';' && c != '~' || c == ' ' && !origin
	}
	if clean {
		return v // the usual case: nothing to replace, nothing to allocate
	}
	var b strings.Builder
	inBad := false
	for _, r := range v {
		switch {
		case r == '=':
			b.WriteByte('~')
		case r == ',' || r == ';' || r == '~':
			b.WriteByte('_')
		case r == ' ' && !origin, r > 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			if !inBad {
				b.WriteByte('_')
			}
			inBad = true
			continue
		}
		inBad = false
	}
	return b.String()
}

// ddTracestateKey makes a tag key fit the dd= member: "," and "=" become
// "_", and each run of characters outside printable ASCII becomes one "_".
func ddTracestateKey(k string) string {
	clean := true
	for i := 0; i < len(k) && clean; i++ {
		c := k[i]
		clean = c >= 0x20 && c < 0x7f && c != ',' && c != '=' && c != ':' && c != ';'
	}
	if clean {
		return k
	}
	var b strings.Builder
	inBad := false
	for _, r := range k {
		switch {
		case r == ',' || r == '=' || r == ':' || r == ';':
			b.WriteByte('_')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			if !inBad {
				b.WriteByte('_')
			}
			inBad = true
			continue
		}
		inBad = false
	}
	return b.String()
}

func (p tracecontextPropagator) Extract(r TextMapReader) (SpanContext, error) {
	var h headerSet
	if err := collect(r, &h, nil); err != nil {
		return SpanContext{}, err
	}
	return p.extractFrom(&h)
}

func (tracecontextPropagator) extractFrom(h *headerSet) (SpanContext, error) {
	ts := ""
	if !h.ts.tooLong {
		ts = h.ts.joined()
	}
	return extractTraceContext(h.tp, h.tpCount, ts, h.ts.tooLong)
}

// extractHeader reads the context of an http.Header that holds no header
// but traceparent and tracestate, each once, in their canonical spelling:
// what extractFrom would read, without gathering a headerSet
// (BenchmarkInjectExtractTracerW3C). ok is false for any other header.
func (tracecontextPropagator) extractHeader(c HeaderCarrier) (sc SpanContext, ok bool, err error) {
	tps, hasTP := c[canonTraceparent]
	tss, hasTS := c[canonTracestate]
	if len(tps) > 1 || len(tss) > 1 || len(c) != b2i(hasTP)+b2i(hasTS) {
		return SpanContext{}, false, nil
	}
	tp, ts := "", ""
	if len(tps) == 1 {
		tp = tps[0]
	}
	if len(tss) == 1 {
		ts = tss[0]
	}
	tooLong := len(ts)+1 > maxTracestateLen // as multiValue.add has it
	if tooLong {
		ts = ""
	}
	sc, err = extractTraceContext(tp, len(tps), ts, tooLong)
	return sc, true, err
}

// extractTraceContext reads tpCount traceparent fields (tp, when there is
// one) and the tracestate fields joined in ts, unless there were too many.
func extractTraceContext(tp string, tpCount int, ts string, tsTooLong bool) (SpanContext, error) {
	switch tpCount {
	case 0:
		return SpanContext{}, ErrSpanContextNotFound
	case 1:
	default:
		return SpanContext{}, ErrSpanContextCorrupted // which one would be right?
	}
	traceID, spanID, flags, ok := parseTraceparent(tp)
	if !ok {
		return SpanContext{}, ErrSpanContextCorrupted
	}
	sc := SpanContext{traceID: traceID, spanID: spanID, remote: true}
	random := flags&flagRandomness != 0
	sampled := flags&flagSampled != 0
	var dd string
	var others []kv
	if !tsTooLong {
		hasDD := false
		if !scanTracestate(ts, func(k, v string) {
			switch {
			case k == "dd" && !hasDD:
				dd, hasDD = v, true
			case k != "dd":
				others = append(others, kv{k, v})
			}
		}) {
			dd, others = "", nil
		}
	}
	// Without other vendors' members the W3C state is one of two shared
	// values: no allocation for the common Datadog-to-Datadog hop.
	switch {
	case others != nil:
		sc.w3c = &w3cState{others: others, random: random}
	case random:
		sc.w3c = w3cRandom
	default:
		sc.w3c = w3cPlain
	}
	readDDMember(&sc, dd, sampled)
	return sc, nil
}

// readDDMember reads our dd= member (s: priority, o: origin, p: the last
// Datadog parent, t.*: propagated tags) and reconciles its priority with
// the sampled flag as dd-trace-go does: the flag decides keep or drop; s
// refines it when the two agree.
func readDDMember(sc *SpanContext, dd string, sampled bool) {
	var s int
	hasS := false
	var dm string
	var found []kv // t.* tags; rarely any but the decision maker
	for dd != "" {
		var e string
		if i := strings.IndexByte(dd, ';'); i >= 0 {
			e, dd = dd[:i], dd[i+1:]
		} else {
			e, dd = dd, ""
		}
		colon := strings.IndexByte(e, ':')
		if colon <= 0 {
			continue
		}
		k, v := e[:colon], e[colon+1:]
		switch {
		case k == "s":
			if n, err := strconv.Atoi(v); err == nil && n >= -128 && n <= 127 {
				s, hasS = n, true
			}
		case k == "o":
			// Bounded as x-datadog-origin is; a dropped one is recorded.
			var x *extracted
			sc.origin, x = checkedOrigin(strings.ReplaceAll(v, "~", "="))
			if x != nil && sc.extracted == nil {
				sc.extracted = x
			}
		case k == "p":
			if p, ok := id.ParseHex16(v); ok {
				sc.ddParent = p
			}
		case k == "t.dm":
			dm = v
		case strings.HasPrefix(k, "t.") && len(k) > 2 && k != "t.tid":
			if utf8.ValidString(v) {
				found = append(found, kv{ddTagPrefix + k[2:], strings.ReplaceAll(v, "~", "=")})
			}
		}
	}
	switch {
	case hasS && sampled == (s > 0):
		sc.priority = Priority(s)
	case sampled:
		// Kept by the flag but not by s (or no s): an automatic keep.
		sc.priority = PriorityAutoKeep
		if hasS {
			dm = mechanismDefault.tag()
		}
	default:
		sc.priority = PriorityAutoReject
	}
	sc.hasPriority = true
	keepDM := sc.priority.Keep() && dm != ""
	switch {
	case len(found) == 0 && keepDM:
		sc.tags = dmTags(dm)
	case len(found) > 0:
		if keepDM {
			found = append(found, kv{tagDecisionMaker, dm})
		}
		tags := found
		sc.tags = &tags
	}
}
