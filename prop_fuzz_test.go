package trace

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// The extractors read whatever arrives in a request: each fuzz target
// checks that no input panics, that a context read back has ids, and that
// what is injected from it extracts again to the same ids.

func fuzzRoundTrip(t *testing.T, p Propagator, sc SpanContext, err error) {
	if err != nil {
		if !errors.Is(err, ErrSpanContextNotFound) && !errors.Is(err, ErrSpanContextCorrupted) {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if !sc.IsValid() {
		return // baggage only, a decision only, or synthetics without a parent
	}
	out := MapCarrier{}
	if err := p.Inject(sc, out); err != nil {
		t.Fatalf("inject of an extracted context: %v", err)
	}
	back, err := p.Extract(out)
	if err != nil {
		t.Fatalf("re-extract of %v: %v", out, err)
	}
	if back.traceID.Lower() != sc.traceID.Lower() || back.spanID != sc.spanID {
		t.Fatalf("round trip changed the ids: %v/%x then %v/%x (%v)", sc.traceID, sc.spanID, back.traceID, back.spanID, out)
	}
}

func FuzzExtractDatadog(f *testing.F) {
	f.Add("1234", "5678", "2", "synthetics", "_dd.p.dm=-4,_dd.p.tid=640cfd8d00000000", "ot-baggage-user", "ada")
	f.Add("-1", "0", "x", "", "_dd.p.a=,", "ot-baggage-", "")
	f.Add("18446744073709551616", "1", "-128", "o=1", "_dd.p.k=v,_dd.p.k=w", "OT-BAGGAGE-X", "%zz")
	f.Add("1", "2", "1", "rum\r\nX: y", "", "ot-baggage-a", "b\x00")
	p := datadogPropagator{tagsMax: defaultTagsHeaderMax}
	f.Fuzz(func(t *testing.T, traceID, parentID, prio, origin, tags, bk, bv string) {
		c := MapCarrier{hdrDDTraceID: traceID, hdrDDParentID: parentID, hdrDDPriority: prio, hdrDDOrigin: origin, hdrDDTags: tags, bk: bv}
		sc, err := p.Extract(c)
		checkKept(t, sc)
		fuzzRoundTrip(t, p, sc, err)
		if err == nil && sc.IsValid() {
			out := MapCarrier{}
			p.Inject(sc, out)
			checkSent(t, out)
		}
	})
}

// FuzzExtractDatadogBaggage reads many ot-baggage-* items, made from
// small inputs: n items named key0, key1..., each value val repeated rep
// times.
func FuzzExtractDatadogBaggage(f *testing.F) {
	f.Add("user", "ada", uint8(3), uint16(1))
	f.Add("K", "x", uint8(100), uint16(0))
	f.Add("k", "0123456789", uint8(20), uint16(90))
	f.Add("bad key", "a\nb", uint8(2), uint16(3))
	p := datadogPropagator{}
	f.Fuzz(func(t *testing.T, key, val string, n uint8, rep uint16) {
		c := MapCarrier{hdrDDTraceID: "1", hdrDDParentID: "2"}
		v := strings.Repeat(val, int(rep%2048))
		for i := range int(n) {
			c[hdrOTBaggage+key+strconv.Itoa(i)] = v
		}
		sc, err := p.Extract(c)
		if err != nil {
			t.Fatal(err)
		}
		checkKept(t, sc)
		out := MapCarrier{}
		if err := p.Inject(sc, out); err != nil {
			t.Fatal(err)
		}
		checkSent(t, out)
		back, err := p.Extract(out)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range back.Baggage() {
			if orig, ok := sc.BaggageItem(k); !ok || orig != v {
				t.Fatalf("round trip changed %q: %q -> %q", k, orig, v)
			}
		}
	})
}

// checkKept: what extraction keeps from a carrier is within the limits.
func checkKept(t *testing.T, sc SpanContext) {
	t.Helper()
	if originError(sc.origin, false) != "" {
		t.Fatalf("origin %q kept", sc.origin)
	}
	items, size := 0, 0
	for k, v := range sc.Baggage() {
		items, size = items+1, size+len(k)+len(v)
	}
	if items > maxBaggageMembers || size > maxBaggageBytes {
		t.Fatalf("%d baggage items, %d bytes kept", items, size)
	}
}

// checkSent: what an injection writes is a valid HTTP header, within the
// limits.
func checkSent(t *testing.T, out MapCarrier) {
	t.Helper()
	items, size := 0, 0
	for k, v := range out {
		if !validToken(k) || !validHeaderValue(v) {
			t.Fatalf("header %q: %q cannot be sent", k, v)
		}
		if strings.HasPrefix(k, hdrOTBaggage) {
			items, size = items+1, size+len(k)-len(hdrOTBaggage)+len(v)
		}
	}
	if items > maxBaggageMembers || size > maxBaggageBytes || len(out[hdrDDOrigin]) > maxOriginLen {
		t.Fatalf("%d ot-baggage items, %d bytes, %d bytes of origin sent", items, size, len(out[hdrDDOrigin]))
	}
}

func FuzzExtractTraceContext(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "dd=s:2;o:rum;p:00000000000004d2;t.dm:-4,foo=1", "")
	f.Add("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", "a=1,,b=2", "c=3")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03", "dd=s:x;t.:;p:;o:~~", "k=v,l=w")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "dd=o:"+strings.Repeat("o", 130), "")
	p := tracecontextPropagator{}
	f.Fuzz(func(t *testing.T, tp, ts1, ts2 string) {
		h := headerOf("traceparent", tp, "tracestate", ts1, "tracestate", ts2)
		sc, err := p.Extract(h)
		checkKept(t, sc)
		fuzzRoundTrip(t, p, sc, err)
		if err == nil {
			if got := composeTracestate(sc); len(got) > maxTracestateLen || strings.Count(got, ",") >= maxTracestateMember {
				t.Fatalf("tracestate out of bounds: %d bytes, %d members", len(got), strings.Count(got, ",")+1)
			}
			if _, ok := parseTracestate(composeTracestate(sc)); !ok {
				t.Fatalf("we wrote a tracestate we cannot read: %q", composeTracestate(sc))
			}
		}
	})
}

func FuzzExtractB3(f *testing.F) {
	f.Add("80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", "1", "", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90")
	f.Add("64fe8b2a57d3eff7", "0", "d", "1", "0")
	f.Add("x", "y", "true", "2", "a-b-c-d-e")
	f.Fuzz(func(t *testing.T, traceID, spanID, sampled, flags, single string) {
		m := MapCarrier{hdrB3TraceID: traceID, hdrB3SpanID: spanID, hdrB3Sampled: sampled, hdrB3Flags: flags}
		sc, err := b3MultiPropagator{}.Extract(m)
		fuzzRoundTrip(t, b3MultiPropagator{}, sc, err)
		sc, err = b3SinglePropagator{}.Extract(MapCarrier{hdrB3Single: single})
		fuzzRoundTrip(t, b3SinglePropagator{}, sc, err)
	})
}

func FuzzExtractBaggage(f *testing.F) {
	f.Add("user=ada,team=core;p=1", "x=%E2%9C%93")
	f.Add("=,a", "%")
	f.Add(strings.Repeat("k=v,", 100), "")
	f.Fuzz(func(t *testing.T, b1, b2 string) {
		sc, err := baggagePropagator{}.Extract(headerOf("baggage", b1, "baggage", b2))
		if err != nil {
			return
		}
		if n := len(*sc.baggage); n > maxBaggageMembers {
			t.Fatalf("%d members", n)
		}
		out := MapCarrier{}
		baggagePropagator{}.Inject(sc, out)
		if len(out["baggage"]) > maxBaggageBytes {
			t.Fatalf("%d bytes written", len(out["baggage"]))
		}
		back, err := baggagePropagator{}.Extract(out)
		if err != nil && out["baggage"] != "" {
			t.Fatalf("we wrote baggage we cannot read: %q: %v", out["baggage"], err)
		}
		if err == nil {
			for k, v := range back.Baggage() {
				if orig, ok := sc.BaggageItem(k); !ok || orig != v {
					t.Fatalf("round trip changed %q: %q -> %q", k, orig, v)
				}
			}
		}
	})
}

// FuzzExtractStyles runs every style at once, as the default tracer does.
func FuzzExtractStyles(f *testing.F) {
	f.Add("1234", "5678", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "dd=s:1", "a=1", "64fe8b2a57d3eff7-e457b5a2e4d86bd1-1")
	f.Add("abc", "", "garbage", "", "=", "0")
	styles := []string{styleDatadog, styleTraceContext, styleBaggage, styleB3Multi, styleB3Single}
	p, err := NewPropagator(PropagatorConfig{Inject: styles, Extract: styles})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ddTrace, ddParent, tp, ts, bag, b3 string) {
		m := MapCarrier{hdrDDTraceID: ddTrace, hdrDDParentID: ddParent, hdrTraceparent: tp, hdrTracestate: ts, hdrBaggage: bag, hdrB3Single: b3}
		sc, err := p.Extract(m)
		fuzzRoundTrip(t, p, sc, err)
	})
}

// headerOf builds a carrier with repeated keys, as HTTP allows.
func headerOf(kv ...string) HeaderCarrier {
	h := HeaderCarrier{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			h[kv[i]] = append(h[kv[i]], kv[i+1])
		}
	}
	return h
}
