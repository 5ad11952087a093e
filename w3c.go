package trace

import (
	"strings"

	"github.com/ctxtrace/trace/internal/id"
)

// The W3C Trace Context grammar (https://www.w3.org/TR/trace-context-2/),
// with its limits. Parsing is strict: a malformed traceparent is discarded
// whole, and so is a malformed tracestate, keeping the traceparent.

const (
	traceparentLen      = 55 // version 00: 2+1+32+1+16+1+2
	maxTracestateLen    = 8192
	maxTracestateMember = 32
	maxTracestateKey    = 256
	maxTracestateValue  = 256

	flagSampled    = 0x01
	flagRandomness = 0x02 // Level 2: the trace id's right half is random
)

// parseTraceparent reads a traceparent value. Versions above 00 are read as
// 00 when they start like one, as the specification asks; ff is invalid.
func parseTraceparent(v string) (tid TraceID, span uint64, flags byte, ok bool) {
	v = trimOWS(v)
	if len(v) < traceparentLen || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return TraceID{}, 0, 0, false
	}
	version, ok := lowerHexByte(v[0:2])
	if !ok || version == 0xff {
		return TraceID{}, 0, 0, false
	}
	if len(v) > traceparentLen && (version == 0 || v[traceparentLen] != '-') {
		return TraceID{}, 0, 0, false
	}
	hi, ok1 := id.ParseHex16(v[3:19])
	lo, ok2 := id.ParseHex16(v[19:35])
	span, ok3 := id.ParseHex16(v[36:52])
	flags, ok4 := lowerHexByte(v[53:55])
	if !ok1 || !ok2 || !ok3 || !ok4 || hi|lo == 0 || span == 0 {
		return TraceID{}, 0, 0, false
	}
	return NewTraceID(hi, lo), span, flags, true
}

// appendTraceparent appends a version 00 traceparent to b.
func appendTraceparent(b []byte, tid TraceID, span uint64, flags byte) []byte {
	const digits = "0123456789abcdef"
	b = append(b, "00-"...)
	b = id.AppendHex16(b, tid.Upper())
	b = id.AppendHex16(b, tid.Lower())
	b = append(b, '-')
	b = id.AppendHex16(b, span)
	return append(b, '-', digits[flags>>4], digits[flags&0xf])
}

// scanTracestate calls fn for each member of a tracestate list, in order,
// after checking the whole list. Empty members are skipped. It fails on a
// member that breaks the grammar, or on more than 32 members.
func scanTracestate(v string, fn func(k, val string)) bool {
	if len(v) > maxTracestateLen {
		return false
	}
	// Check first, so that fn sees only a valid list.
	n := 0
	for rest := v; rest != ""; {
		m, r := nextMember(rest)
		rest = r
		if m == "" {
			continue
		}
		eq := strings.IndexByte(m, '=')
		if eq < 0 || !validTracestateKey(m[:eq]) || !validTracestateValue(m[eq+1:]) {
			return false
		}
		if n++; n > maxTracestateMember {
			return false
		}
	}
	for rest := v; rest != ""; {
		m, r := nextMember(rest)
		rest = r
		if m != "" {
			eq := strings.IndexByte(m, '=')
			fn(m[:eq], m[eq+1:])
		}
	}
	return true
}

// nextMember cuts the first comma-separated member, without its OWS.
func nextMember(v string) (member, rest string) {
	if i := strings.IndexByte(v, ','); i >= 0 {
		return trimOWS(v[:i]), v[i+1:]
	}
	return trimOWS(v), ""
}

// validTracestateKey: (lcalpha / DIGIT) 0*255(lcalpha / DIGIT / "_" / "-" /
// "*" / "/" / "@").
func validTracestateKey(k string) bool {
	if k == "" || len(k) > maxTracestateKey {
		return false
	}
	if c := k[0]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
		return false
	}
	for i := 1; i < len(k); i++ {
		switch c := k[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-', c == '*', c == '/', c == '@':
		default:
			return false
		}
	}
	return true
}

// validTracestateValue: 0*255(chr) nblk-chr, where chr is a space or a
// printable ASCII character other than "," and "=".
func validTracestateValue(v string) bool {
	if v == "" || len(v) > maxTracestateValue || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == ',' || c == '=' {
			return false
		}
	}
	return true
}
