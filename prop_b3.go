package trace

import (
	"strconv"
	"strings"
)

// B3's headers (https://github.com/openzipkin/b3-propagation).
const (
	hdrB3TraceID  = "x-b3-traceid"
	hdrB3SpanID   = "x-b3-spanid"
	hdrB3ParentID = "x-b3-parentspanid"
	hdrB3Sampled  = "x-b3-sampled"
	hdrB3Flags    = "x-b3-flags"
	hdrB3Single   = "b3"
)

// b3MultiPropagator reads and writes B3's X-B3-* headers.
type b3MultiPropagator struct{}

func (b3MultiPropagator) Inject(sc SpanContext, w TextMapWriter) error {
	if !sc.IsValid() {
		return ErrInvalidSpanContext
	}
	w.Set(hdrB3TraceID, b3TraceID(sc.traceID))
	w.Set(hdrB3SpanID, hex16(sc.spanID))
	if sc.hasPriority {
		if sc.priority.Keep() {
			w.Set(hdrB3Sampled, "1")
		} else {
			w.Set(hdrB3Sampled, "0")
		}
	}
	return nil
}

// b3TraceID writes 16 hex digits for a 64-bit id, 32 for a 128-bit one.
func b3TraceID(id TraceID) string {
	if id.Upper() == 0 {
		return hex16(id.Lower())
	}
	return id.String()
}

func (p b3MultiPropagator) Extract(r TextMapReader) (SpanContext, error) {
	var h headerSet
	if err := collect(r, &h, nil); err != nil {
		return SpanContext{}, err
	}
	return p.extractFrom(&h)
}

func (b3MultiPropagator) extractFrom(h *headerSet) (SpanContext, error) {
	traceID, spanID, sampled, flags := h.b3Trace, h.b3Span, h.b3Sampled, h.b3Flags
	hasTrace, hasSampled := h.hasB3Trace, h.hasB3Sampled
	if !hasTrace {
		return SpanContext{}, ErrSpanContextNotFound
	}
	id, ok1 := parseB3TraceID(trimOWS(traceID))
	span, ok2 := parseB3SpanID(trimOWS(spanID))
	if !ok1 || !ok2 {
		return SpanContext{}, ErrSpanContextCorrupted
	}
	sc := SpanContext{traceID: id, spanID: span, remote: true}
	switch trimOWS(flags) {
	case "1": // debug: always kept
		sc.priority, sc.hasPriority = PriorityUserKeep, true
		return sc, nil
	case "", "0":
	default:
		return SpanContext{}, ErrSpanContextCorrupted
	}
	if hasSampled {
		p, ok := b3Sampled(trimOWS(sampled))
		if !ok {
			return SpanContext{}, ErrSpanContextCorrupted
		}
		sc.priority, sc.hasPriority = p, true
	}
	return sc, nil
}

// b3Sampled reads a sampling decision: "1" and "true" keep, "0" and
// "false" drop, "d" is debug (always kept).
func b3Sampled(v string) (Priority, bool) {
	switch v {
	case "1", "true":
		return PriorityAutoKeep, true
	case "0", "false":
		return PriorityAutoReject, true
	case "d":
		return PriorityUserKeep, true
	}
	return 0, false
}

// parseB3TraceID reads 16 or 32 hex digits, either case; all zeros is no
// id.
func parseB3TraceID(s string) (TraceID, bool) {
	if len(s) != 16 && len(s) != 32 {
		return TraceID{}, false
	}
	var id TraceID
	if len(s) == 16 {
		lo, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			return TraceID{}, false
		}
		id = NewTraceID(0, lo)
	} else {
		hi, err1 := strconv.ParseUint(s[:16], 16, 64)
		lo, err2 := strconv.ParseUint(s[16:], 16, 64)
		if err1 != nil || err2 != nil {
			return TraceID{}, false
		}
		id = NewTraceID(hi, lo)
	}
	return id, !id.IsZero()
}

func parseB3SpanID(s string) (uint64, bool) {
	if len(s) != 16 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 64)
	return v, err == nil && v != 0
}

// b3SinglePropagator reads and writes B3's single header:
// b3: {trace}-{span}[-{1|0|d}[-{parent}]], or b3: {1|0|d} alone for a
// decision without ids.
type b3SinglePropagator struct{}

func (b3SinglePropagator) Inject(sc SpanContext, w TextMapWriter) error {
	if !sc.IsValid() {
		return ErrInvalidSpanContext
	}
	v := b3TraceID(sc.traceID) + "-" + hex16(sc.spanID)
	if sc.hasPriority {
		if sc.priority.Keep() {
			v += "-1"
		} else {
			v += "-0"
		}
	}
	w.Set(hdrB3Single, v)
	return nil
}

func (p b3SinglePropagator) Extract(r TextMapReader) (SpanContext, error) {
	var h headerSet
	if err := collect(r, &h, nil); err != nil {
		return SpanContext{}, err
	}
	return p.extractFrom(&h)
}

func (b3SinglePropagator) extractFrom(h *headerSet) (SpanContext, error) {
	if !h.hasB3Single {
		return SpanContext{}, ErrSpanContextNotFound
	}
	v := h.b3Single
	v = trimOWS(v)
	parts := strings.SplitN(v, "-", 5)
	if len(parts) == 1 {
		// A decision alone: "b3: 0" asks not to sample, and carries no ids.
		p, ok := b3Sampled(parts[0])
		if !ok {
			return SpanContext{}, ErrSpanContextCorrupted
		}
		return SpanContext{priority: p, hasPriority: true, remote: true}, nil
	}
	if len(parts) > 4 {
		return SpanContext{}, ErrSpanContextCorrupted
	}
	id, ok1 := parseB3TraceID(parts[0])
	span, ok2 := parseB3SpanID(parts[1])
	if !ok1 || !ok2 {
		return SpanContext{}, ErrSpanContextCorrupted
	}
	sc := SpanContext{traceID: id, spanID: span, remote: true}
	if len(parts) >= 3 {
		p, ok := b3Sampled(parts[2])
		if !ok || parts[2] == "true" || parts[2] == "false" {
			return SpanContext{}, ErrSpanContextCorrupted
		}
		sc.priority, sc.hasPriority = p, true
	}
	if len(parts) == 4 {
		if _, ok := parseB3SpanID(parts[3]); !ok {
			return SpanContext{}, ErrSpanContextCorrupted
		}
	}
	return sc, nil
}
