package trace

// The fast paths of the hot path, checked against the standard library
// functions they stand for.

import (
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var headerNames = []string{hdrTraceparent, hdrTracestate, hdrDDTraceID, hdrDDParentID, hdrDDPriority, hdrDDOrigin,
	hdrDDTags, hdrBaggage, hdrB3TraceID, hdrB3SpanID, hdrB3Sampled, hdrB3Flags, hdrB3Single}

// FuzzEq: eq matches a key against a lower-case header name as
// strings.EqualFold does.
func FuzzEq(f *testing.F) {
	for _, k := range []string{"Traceparent", "TRACESTATE", "x-datadog-trace-id", "X-Datadog-Parent-Id", "x\rdatadog-tags",
		"b\x13", "b3", "B3", "tracestat\u212a", "x-b3-sampled", "X-B3-SAMPLED", "baggage", "bagg@ge", "BAGGAGE\x00"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		for _, name := range headerNames {
			if got, want := eq(key, name), strings.EqualFold(key, name); got != want {
				t.Errorf("eq(%q, %q) = %t, EqualFold %t", key, name, got, want)
			}
		}
	})
}

// FuzzParseDDID: parseDDID reads what strconv reads, as it did with it.
func FuzzParseDDID(f *testing.F) {
	for _, s := range []string{"0", "1", "-1", "18446744073709551615", "18446744073709551616", "99999999999999999999",
		"-9223372036854775808", "-9223372036854775809", "+5", "-+5", "007", "", "-", "1_000", " 1", "12a",
		"184467440737095516150"} {
		f.Add(s)
	}
	old := func(s string) (uint64, bool) {
		if s == "" || len(s) > 20 {
			return 0, false
		}
		if s[0] == '-' {
			v, err := strconv.ParseInt(s, 10, 64)
			return uint64(v), err == nil
		}
		v, err := strconv.ParseUint(s, 10, 64)
		return v, err == nil
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := parseDDID(s)
		want, wok := old(s)
		if gok != wok || gok && got != want {
			t.Errorf("parseDDID(%q) = %d, %t; strconv: %d, %t", s, got, gok, want, wok)
		}
	})
}

// FuzzValidText: validText is utf8.ValidString.
func FuzzValidText(f *testing.F) {
	for _, s := range []string{"", "web.request", "h\xc3\xa9llo", "0123456789abcdef\xff", "\xed\xa0\x80", "abcdefg\xf0\x9f\x98"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validText(s), utf8.ValidString(s); got != want {
			t.Errorf("validText(%q) = %t, want %t", s, got, want)
		}
	})
}

// TestCanonicalHeaders: the canonical forms written without a lookup are
// http.CanonicalHeaderKey's.
func TestCanonicalHeaders(t *testing.T) {
	for k, c := range map[string]string{hdrTraceparent: canonTraceparent, hdrTracestate: canonTracestate,
		hdrDDTraceID: canonDDTraceID, hdrDDParentID: canonDDParentID, hdrDDPriority: canonDDPriority,
		hdrDDOrigin: canonDDOrigin, hdrDDTags: canonDDTags} {
		if want := http.CanonicalHeaderKey(k); c != want || canonical[k] != want {
			t.Errorf("%s: %q, canonical %q, want %q", k, c, canonical[k], want)
		}
	}
}

// FuzzTrimOWS: trimOWS is strings.Trim with HTTP's optional whitespace.
func FuzzTrimOWS(f *testing.F) {
	for _, s := range []string{"", " ", "\t a \t", "a", " \ta\t b \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimOWS(s), strings.Trim(s, " \t"); got != want {
			t.Errorf("trimOWS(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzParseTraceparent: parseTraceparent reads what it read when it
// decoded with encoding/hex.
func FuzzParseTraceparent(f *testing.F) {
	for _, s := range []string{"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", " 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03\t",
		"01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-xyz", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"00-00000000000000000000000000000000-b7ad6b7169203331-01", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"} {
		f.Add(s)
	}
	old := func(v string) (TraceID, uint64, byte, bool) {
		v = strings.Trim(v, " \t")
		if len(v) < traceparentLen || v[2] != '-' || v[35] != '-' || v[52] != '-' {
			return TraceID{}, 0, 0, false
		}
		var ver [1]byte
		if !isLowerHex(v[0:2]) {
			return TraceID{}, 0, 0, false
		}
		hex.Decode(ver[:], []byte(v[0:2]))
		if ver[0] == 0xff || len(v) > traceparentLen && (ver[0] == 0 || v[traceparentLen] != '-') {
			return TraceID{}, 0, 0, false
		}
		if !isLowerHex(v[3:35]) || !isLowerHex(v[36:52]) || !isLowerHex(v[53:55]) {
			return TraceID{}, 0, 0, false
		}
		var tid TraceID
		var sb [8]byte
		var fl [1]byte
		hex.Decode(tid[:], []byte(v[3:35]))
		hex.Decode(sb[:], []byte(v[36:52]))
		hex.Decode(fl[:], []byte(v[53:55]))
		span := binary.BigEndian.Uint64(sb[:])
		if tid.IsZero() || span == 0 {
			return TraceID{}, 0, 0, false
		}
		return tid, span, fl[0], true
	}
	f.Fuzz(func(t *testing.T, s string) {
		tid, span, flags, ok := parseTraceparent(s)
		wtid, wspan, wflags, wok := old(s)
		if ok != wok || tid != wtid || span != wspan || flags != wflags {
			t.Errorf("parseTraceparent(%q) = %v %x %x %t, want %v %x %x %t", s, tid, span, flags, ok, wtid, wspan, wflags, wok)
		}
		if ok && s == strings.Trim(s, " \t") && len(s) == traceparentLen && s[:2] == "00" {
			if got := string(appendTraceparent(nil, tid, span, flags)); got != s {
				t.Errorf("appendTraceparent writes %q, read from %q", got, s)
			}
		}
	})
}

// TestHeaderStrings: whatever the size, headerStrings returns the bytes
// it is given as a string, and room for the values.
func TestHeaderStrings(t *testing.T) {
	for size := range 300 {
		for n := 1; n <= maxFields; n++ {
			b := []byte(strings.Repeat("x", size))
			vals, all := headerStrings(n, b)
			if size > 0 {
				b[0] = 'y' // the caller's buffer changes after: the string must not
			}
			if len(vals) != n || cap(vals) < n || all != strings.Repeat("x", size) {
				t.Fatalf("headerStrings(%d, %d bytes) = %d slots, %q", n, size, len(vals), all)
			}
		}
	}
}
