package trace

import (
	"errors"
	"net/http"
	"reflect"
	"testing"
)

// The extractors read an http.Header holding only the styles' canonical
// keys by looking them up (headerSet.lookup, tracecontextPropagator.
// extractHeader): these tests check that they read what ranging over the
// header reads.

// TestExtractKeysCanonical: the keys looked up are http's canonical forms.
func TestExtractKeysCanonical(t *testing.T) {
	all, _ := NewPropagator(PropagatorConfig{Extract: []string{"datadog", "tracecontext", "baggage", "b3multi", "b3 single header"}})
	keys := all.(*styled).extractKeys
	if len(keys) != 13 {
		t.Errorf("%d keys: %q", len(keys), keys)
	}
	for _, k := range keys {
		if c := http.CanonicalHeaderKey(k); c != k {
			t.Errorf("%q is not canonical (%q)", k, c)
		}
	}
}

// rangedCarrier hides an http.Header behind ForeachKey: Extract then
// ranges over it, as before lookups.
type rangedCarrier struct{ h HeaderCarrier }

func (c rangedCarrier) ForeachKey(fn func(k, v string) error) error { return c.h.ForeachKey(fn) }

// fuzzHeaderKeys: each header under its canonical spelling or another;
// the mask of FuzzExtractHeaderLookup picks which are sent. A header given
// under two spellings is read in map order, so only traceparent (whose
// second field makes the context corrupted, in any order) may be.
var fuzzHeaderKeys = []struct {
	header int
	key    string
}{
	{0, "Traceparent"}, {0, "traceparent"}, {1, "Tracestate"}, {1, "tracestate"},
	{2, "X-Datadog-Trace-Id"}, {2, "x-datadog-trace-id"}, {3, "X-Datadog-Parent-Id"},
	{4, "X-Datadog-Sampling-Priority"}, {5, "X-Datadog-Tags"}, {6, "X-Datadog-Origin"},
	{7, "Baggage"}, {7, "baggage"}, {8, "X-B3-Traceid"}, {9, "X-B3-Spanid"}, {10, "B3"},
	{11, "Ot-Baggage-Item"}, {12, "Content-Type"},
}

func FuzzExtractHeaderLookup(f *testing.F) {
	tp := "00-6565f7a5000000000000000000000001-0102030405060708-03"
	f.Add(uint32(0b101), tp, "dd=s:1;p:0102030405060708;t.dm:-0", "", "", "", false)
	f.Add(uint32(0b111111010101), tp, "dd=s:2;o:rum,congo=t61rcWkgMzE", "7306656160226721793", "72623859790382856", "_dd.p.tid=6565f7a500000000,_dd.p.dm=-0", true)
	f.Add(uint32(0b11), tp, "", "", "", "", false)
	f.Add(uint32(0b1000000010101), tp, "dd=s:-1", "1", "2", "k=v", false)
	f.Add(uint32(0x1ffff), "", "", "", "", "", true)
	props := map[string]Propagator{}
	for name, styles := range map[string][]string{
		"default": nil,
		"w3c":     {"tracecontext"},
		"all":     {"datadog", "tracecontext", "baggage", "b3multi", "b3 single header"},
		"b3":      {"b3multi", "b3 single header", "tracecontext"},
	} {
		p, err := NewPropagator(PropagatorConfig{Extract: styles})
		if err != nil {
			f.Fatal(err)
		}
		props[name] = p
	}
	f.Fuzz(func(t *testing.T, mask uint32, tp, ts, ddTrace, ddParent, v string, twoStates bool) {
		h := http.Header{}
		seen := map[int]bool{}
		for i, k := range fuzzHeaderKeys {
			if mask&(1<<i) == 0 || seen[k.header] && k.header != 0 {
				continue
			}
			seen[k.header] = true
			switch k.header {
			case 0:
				h[k.key] = []string{tp}
			case 1:
				h[k.key] = []string{ts}
				if twoStates {
					h[k.key] = []string{ts, v}
				}
			case 2:
				h[k.key] = []string{ddTrace}
			case 3:
				h[k.key] = []string{ddParent}
			case 7:
				h[k.key] = []string{}
				if twoStates {
					h[k.key] = []string{v}
				}
			default:
				h[k.key] = []string{v}
			}
		}
		for name, p := range props {
			got, gotErr := p.Extract(HeaderCarrier(h))
			want, wantErr := p.Extract(rangedCarrier{HeaderCarrier(h)})
			if !errors.Is(gotErr, wantErr) || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, %v: read %+v, %v; ranged over: %+v, %v", name, h, got, gotErr, want, wantErr)
			}
		}
	})
}
