package trace

import (
	"strconv"
	"strings"
	"unicode/utf8"
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
	var flags byte
	if sc.hasPriority && sc.priority.Keep() {
		flags |= flagSampled
	}
	if sc.w3c != nil && sc.w3c.random {
		flags |= flagRandomness
	}
	w.Set(hdrTraceparent, formatTraceparent(sc.traceID, sc.spanID, flags))
	w.Set(hdrTracestate, composeTracestate(sc))
	return nil
}

// composeTracestate puts our dd= member first, then the other vendors'
// members in the order they came, at most 32 in all: the right-most are
// dropped first, as the specification says.
func composeTracestate(sc SpanContext) string {
	var b strings.Builder
	b.WriteString("dd=")
	n := b.Len()
	sep := func() {
		if b.Len() > n {
			b.WriteByte(';')
		}
	}
	if sc.hasPriority {
		b.WriteString("s:")
		b.WriteString(strconv.Itoa(int(sc.priority)))
	}
	if sc.origin != "" {
		sep()
		b.WriteString("o:")
		b.WriteString(ddTracestateValue(sc.origin, true))
	}
	sep()
	b.WriteString("p:")
	b.WriteString(hex16(sc.spanID))
	for k, v := range sc.Tags() {
		if !strings.HasPrefix(k, ddTagPrefix) || k == tagTraceIDHigh {
			continue
		}
		key := ddTracestateKey(k[len(ddTagPrefix):])
		val := ddTracestateValue(v, false)
		if b.Len()+len(key)+len(val)+4 > maxDDMember {
			break
		}
		b.WriteString(";t.")
		b.WriteString(key)
		b.WriteByte(':')
		b.WriteString(val)
	}
	if sc.w3c != nil {
		for i, m := range sc.w3c.others {
			if i == maxTracestateMember-1 {
				break
			}
			b.WriteByte(',')
			b.WriteString(m.k)
			b.WriteByte('=')
			b.WriteString(m.v)
		}
	}
	return b.String()
}

// ddTracestateValue makes a value fit the dd= member, with dd-trace-go's
// replacements: "=" becomes "~" (and "~" in a value read becomes "=" again),
// ",", ";" and "~" become "_", and each run of other characters the grammar
// forbids becomes one "_". An origin may not hold spaces; a tag value may.
func ddTracestateValue(v string, origin bool) string {
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

func (tracecontextPropagator) Extract(r TextMapReader) (SpanContext, error) {
	var tp string
	var tpCount int
	var ts strings.Builder
	tsTooLong := false
	err := r.ForeachKey(func(k, v string) error {
		switch {
		case eq(k, hdrTraceparent):
			tp = v
			tpCount++
		case eq(k, hdrTracestate):
			// Repeated fields are one list, joined with commas (RFC 9110);
			// past the size limit the whole tracestate is discarded.
			if ts.Len()+len(v)+1 > maxTracestateLen {
				tsTooLong = true
				return nil
			}
			if ts.Len() > 0 {
				ts.WriteByte(',')
			}
			ts.WriteString(v)
		}
		return nil
	})
	if err != nil {
		return SpanContext{}, err
	}
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
	w3c := &w3cState{random: flags&flagRandomness != 0}
	sampled := flags&flagSampled != 0
	var dd string
	hasDD := false
	if !tsTooLong {
		if members, ok := parseTracestate(ts.String()); ok {
			for _, m := range members {
				if m.k == "dd" && !hasDD {
					dd, hasDD = m.v, true
					continue
				}
				if m.k != "dd" {
					w3c.others = append(w3c.others, m)
				}
			}
			sc.extracted = &extracted{tracestate: ts.String()}
		}
	}
	sc.w3c = w3c
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
	var tags []kv
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
			sc.origin = strings.ReplaceAll(v, "~", "=")
		case k == "p":
			if len(v) == 16 && isLowerHex(v) {
				if sc.extracted == nil {
					sc.extracted = &extracted{}
				}
				sc.extracted.parentID = v
			}
		case k == "t.dm":
			dm = v
		case strings.HasPrefix(k, "t.") && len(k) > 2 && k != "t.tid":
			if utf8.ValidString(v) {
				tags = append(tags, kv{ddTagPrefix + k[2:], strings.ReplaceAll(v, "~", "=")})
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
			dm = MechanismDefault.tag()
		}
	default:
		sc.priority = PriorityAutoReject
	}
	sc.hasPriority = true
	if sc.priority.Keep() && dm != "" {
		tags = append(tags, kv{tagDecisionMaker, dm})
	}
	if len(tags) > 0 {
		sc.tags = &tags
	}
}
