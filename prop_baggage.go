package trace

import (
	"net/url"
	"slices"
	"strings"
)

// W3C Baggage (https://www.w3.org/TR/baggage/) limits: what is over them is
// dropped member by member, never cut.
const (
	hdrBaggage        = "baggage"
	maxBaggageMembers = 64
	maxBaggageBytes   = 8192
)

// baggagePropagator reads and writes the W3C baggage header.
type baggagePropagator struct{}

func (baggagePropagator) Inject(sc SpanContext, w TextMapWriter) error {
	var b strings.Builder
	n := 0
	for k, v := range sc.Baggage() {
		if n == maxBaggageMembers {
			break
		}
		if !validToken(k) {
			continue // a key is a token, never encoded: this one cannot travel
		}
		m := k + "=" + baggageEscape(v)
		if b.Len()+len(m)+1 > maxBaggageBytes {
			continue // too large: this member is dropped, a smaller one may fit
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m)
		n++
	}
	if b.Len() > 0 {
		w.Set(hdrBaggage, b.String())
	}
	return nil
}

func (p baggagePropagator) Extract(r TextMapReader) (SpanContext, error) {
	var h headerSet
	if err := collect(r, &h, nil); err != nil {
		return SpanContext{}, err
	}
	return p.extractFrom(&h)
}

func (baggagePropagator) extractFrom(h *headerSet) (SpanContext, error) {
	if h.bag.n == 0 && !h.bag.tooLong {
		return SpanContext{}, ErrSpanContextNotFound
	}
	if h.bag.tooLong {
		return SpanContext{}, ErrSpanContextCorrupted // past 8,192 bytes: not read at all
	}
	items, ok := parseBaggage(h.bag.joined())
	if !ok {
		return SpanContext{}, ErrSpanContextCorrupted
	}
	if len(items) == 0 {
		return SpanContext{}, ErrSpanContextNotFound
	}
	return SpanContext{baggage: &items, remote: true}, nil
}

// parseBaggage reads a baggage list: key=value members, each value
// percent-decoded, properties after ";" left out. A malformed member makes
// the header invalid; members past 64 are dropped.
func parseBaggage(h string) ([]kv, bool) {
	var out []kv
	for h != "" {
		var m string
		if i := strings.IndexByte(h, ','); i >= 0 {
			m, h = h[:i], h[i+1:]
		} else {
			m, h = h, ""
		}
		if i := strings.IndexByte(m, ';'); i >= 0 {
			m = m[:i] // properties: metadata we do not carry
		}
		m = trimOWS(m)
		if m == "" {
			continue
		}
		eq := strings.IndexByte(m, '=')
		if eq <= 0 {
			return nil, false
		}
		k, v := trimOWS(m[:eq]), trimOWS(m[eq+1:])
		if !validToken(k) {
			return nil, false
		}
		dk := k // keys are tokens, read as they are
		dv, err := url.PathUnescape(v)
		if err != nil {
			return nil, false
		}
		// A key given twice keeps its last value, as a map would.
		if i := slices.IndexFunc(out, func(e kv) bool { return e.k == dk }); i >= 0 {
			out[i].v = dv
		} else if len(out) < maxBaggageMembers {
			out = append(out, kv{dk, dv})
		}
	}
	return out, true
}

// baggageEscape percent-encodes a value: it keeps printable ASCII but for
// space, '"', ',', ';', '\\', '%' and '+' (which some readers, dd-trace-go
// among them, take for a space).
func baggageEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		keep := c > 0x20 && c < 0x7f && c != '%' && c != '+' && c != '"' && c != ',' && c != ';' && c != '\\'
		if keep {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}
