package trace

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// Hostile input through propagation (GitHub issue "Under pressure", items
// 6 and 7): whatever a carrier holds, what is kept is bounded, and what is
// sent again is a valid header of bounded size.

func TestHostileOriginExtract(t *testing.T) {
	maxed := strings.Repeat("o", maxOriginLen)
	over := maxed + "o"
	const ids = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	cases := []struct {
		name       string
		in         MapCarrier
		origin     string
		propError  string
		wantParent bool
	}{
		{"datadog: synthetics", ddOrigin("synthetics"), "synthetics", "", true},
		{"datadog: printable with space", ddOrigin("a b=c;d"), "a b=c;d", "", true},
		{"datadog: at the limit", ddOrigin(maxed), maxed, "", true},
		{"datadog: one over the limit", ddOrigin(over), "", "extract_max_size", true},
		{"datadog: 600 KB", ddOrigin(strings.Repeat("x", 600<<10)), "", "extract_max_size", true},
		{"datadog: CR LF", ddOrigin("synthetics\r\nX-Evil: 1"), "", "decoding_error", true},
		{"datadog: NUL", ddOrigin("rum\x00"), "", "decoding_error", true},
		{"datadog: DEL", ddOrigin("rum\x7f"), "", "decoding_error", true},
		{"datadog: not ASCII", ddOrigin("sÿnthetics"), "", "decoding_error", true},
		{"datadog: tags error comes first", MapCarrier{hdrDDTraceID: "1", hdrDDParentID: "2", hdrDDOrigin: over, hdrDDTags: "_dd.p.a"}, "", "decoding_error", true},
		// A synthetic test's first request has no parent: only a valid
		// "synthetics" origin makes it a context.
		{"datadog: synthetics without parent", MapCarrier{hdrDDTraceID: "1", hdrDDOrigin: "synthetics"}, "synthetics", "", false},
		{"tracestate: o", MapCarrier{hdrTraceparent: ids, hdrTracestate: "dd=s:1;o:rum"}, "rum", "", true},
		{"tracestate: o with ~", MapCarrier{hdrTraceparent: ids, hdrTracestate: "dd=s:1;o:a~b"}, "a=b", "", true},
		{"tracestate: o at the limit", MapCarrier{hdrTraceparent: ids, hdrTracestate: "dd=s:1;o:" + maxed}, maxed, "", true},
		{"tracestate: o over the limit", MapCarrier{hdrTraceparent: ids, hdrTracestate: "dd=s:1;o:" + over}, "", "extract_max_size", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p Propagator = datadogPropagator{tagsMax: defaultTagsHeaderMax}
			if _, ok := c.in[hdrTraceparent]; ok {
				p = tracecontextPropagator{}
			}
			sc, err := p.Extract(c.in)
			if err != nil {
				t.Fatal(err)
			}
			perr := ""
			if sc.extracted != nil {
				perr = sc.extracted.propError
			}
			if sc.origin != c.origin || perr != c.propError || sc.spanID != 0 != c.wantParent {
				t.Errorf("origin %.40q, propagation error %q, parent %x; want %.40q, %q", sc.origin, perr, sc.spanID, c.origin, c.propError)
			}
			if c.propError == "" {
				return
			}
			// The error lands on the local root that continues the trace.
			exp := &recordAll{}
			tr := New(WithExporter(exp))
			_, root := tr.Start(ContextWithSpanContext(context.Background(), sc), "root")
			root.Finish()
			tr.Shutdown(context.Background())
			if got, _ := exp.find("root").Tag(tagPropagationError); got.String() != c.propError {
				t.Errorf("root's %s = %q, want %q", tagPropagationError, got, c.propError)
			}
		})
	}
}

func ddOrigin(origin string) MapCarrier {
	return MapCarrier{hdrDDTraceID: "1", hdrDDParentID: "2", hdrDDOrigin: origin}
}

// TestHostileOriginOutgoingRequests: an origin read from a map carrier
// (message headers) goes out on every request of the trace. Before the
// fix, CR/LF in it made net/http refuse each of them, and a long one went
// out twice, as x-datadog-origin and in tracestate.
func TestHostileOriginOutgoingRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	maxed := strings.Repeat("o", maxOriginLen)
	for _, c := range []struct {
		origin, sent string
	}{
		{"synthetics", "synthetics"},
		{"synthetics\r\nX-Evil: 1", ""},
		{"nul\x00", ""},
		{maxed, maxed},
		{maxed + "o", ""},
		{strings.Repeat("x", 600<<10), ""},
	} {
		tr := New(WithPropagator(mustPropagator(t, PropagatorConfig{})))
		in := MapCarrier{hdrDDTraceID: "1", hdrDDParentID: "2", hdrDDOrigin: c.origin}
		ctx, span := tr.Start(tr.Extract(context.Background(), in), "consume")
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		if err := tr.Inject(ctx, HeaderCarrier(req.Header)); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Errorf("origin %.20q: the outgoing request failed: %v", c.origin, err)
		} else {
			resp.Body.Close()
		}
		if got := req.Header.Get(hdrDDOrigin); got != c.sent {
			t.Errorf("origin %.20q: x-datadog-origin %.20q, want %.20q", c.origin, got, c.sent)
		}
		if ts := req.Header.Get(hdrTracestate); strings.Contains(ts, "o:") != (c.sent != "") {
			t.Errorf("origin %.20q: tracestate %.60q", c.origin, ts)
		}
		if n := headerBytes(req.Header); n > 2048 {
			t.Errorf("origin %.20q: %d bytes of headers sent", c.origin, n)
		}
		span.Finish()
		tr.Shutdown(context.Background())
	}
}

// TestHostileOriginInject: an origin made by hand (NewSpanContext, a
// custom propagator) is checked on the way out too, and the reason it was
// not sent is recorded on the local root.
func TestHostileOriginInject(t *testing.T) {
	for _, c := range []struct{ origin, want string }{
		{"rum", ""},
		{"a\nb", "encoding_error"},
		{strings.Repeat("x", maxOriginLen+1), "inject_max_size"},
	} {
		exp := &recordAll{}
		tr := New(WithExporter(exp), WithPropagator(mustPropagator(t, PropagatorConfig{})))
		parent := NewSpanContext(SpanContextConfig{TraceID: NewTraceID(0, 1), SpanID: 2, Origin: c.origin, Remote: true})
		ctx, root := tr.Start(context.Background(), "root", ChildOf(parent))
		h := http.Header{}
		if err := tr.Inject(ctx, HeaderCarrier(h)); err != nil {
			t.Fatal(err)
		}
		sent := h.Get(hdrDDOrigin) != "" || strings.Contains(h.Get(hdrTracestate), "o:")
		if sent != (c.want == "") {
			t.Errorf("origin %.20q: sent %v (%v)", c.origin, sent, h)
		}
		root.Finish()
		tr.Shutdown(context.Background())
		got, _ := exp.find("root").Tag(tagPropagationError)
		if got.String() != c.want {
			t.Errorf("origin %.20q: %s = %q, want %q", c.origin, tagPropagationError, got, c.want)
		}
	}
}

func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

func TestHostileDatadogBaggageExtract(t *testing.T) {
	many := func(n, size int) MapCarrier {
		m := ddOrigin("")
		delete(m, hdrDDOrigin)
		for i := range n {
			m["ot-baggage-k"+strconv.Itoa(i)] = strings.Repeat("v", size)
		}
		return m
	}
	withItem := func(m MapCarrier, k, v string) MapCarrier { m[k] = v; return m }
	cases := []struct {
		name         string
		in           MapCarrier
		items, bytes int // exactly, or at most when bytes is negative
	}{
		{"a few", many(3, 1), 3, 3 * 3},
		{"100 items", many(100, 1), maxBaggageMembers, -maxBaggageBytes},
		{"1 MB item", withItem(many(0, 0), "ot-baggage-big", strings.Repeat("x", 1<<20)), 0, 0},
		{"1 MB key", withItem(many(0, 0), "ot-baggage-"+strings.Repeat("K", 1<<20), "v"), 0, 0},
		{"1 MB beside small ones", withItem(many(2, 1), "ot-baggage-big", strings.Repeat("x", 1<<20)), 2, 2 * 3},
		{"20 items of 1000 bytes", many(20, 1000), 8, -maxBaggageBytes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := datadogPropagator{}.Extract(c.in)
			if err != nil {
				t.Fatal(err)
			}
			items, size := 0, 0
			for k, v := range sc.Baggage() {
				items, size = items+1, size+len(k)+len(v)
			}
			if items != c.items || c.bytes >= 0 && size != c.bytes || size > maxBaggageBytes {
				t.Errorf("%d items, %d bytes kept; want %d, %d", items, size, c.items, c.bytes)
			}
		})
	}
}

func TestHostileDatadogBaggageInject(t *testing.T) {
	items := func(n, size int) []kv {
		out := make([]kv, n)
		for i := range out {
			out[i] = kv{"k" + strconv.Itoa(i), strings.Repeat("v", size)}
		}
		return out
	}
	cases := []struct {
		name       string
		bag        []kv
		items      int
		first, not string // an item written, and one that is not
	}{
		{"a few", items(3, 1), 3, "k2", ""},
		{"100 items", items(100, 1), maxBaggageMembers, "k63", "k64"},
		{"20 items of 1000 bytes", items(20, 1000), 8, "k7", "k8"},
		{"1 MB first, small after", append([]kv{{"big", strings.Repeat("x", 1<<20)}}, items(2, 1)...), 2, "k1", "big"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := MapCarrier{}
			sc := SpanContext{traceID: NewTraceID(0, 1), spanID: 2, baggage: &c.bag}
			if err := (datadogPropagator{}).Inject(sc, out); err != nil {
				t.Fatal(err)
			}
			n, size := 0, 0
			for k, v := range out {
				if strings.HasPrefix(k, hdrOTBaggage) {
					n, size = n+1, size+len(k)-len(hdrOTBaggage)+len(v)
				}
			}
			if n != c.items || size > maxBaggageBytes {
				t.Errorf("%d headers, %d bytes written; want %d", n, size, c.items)
			}
			if _, ok := out[hdrOTBaggage+c.first]; !ok {
				t.Errorf("%s not written", c.first)
			}
			if _, ok := out[hdrOTBaggage+c.not]; ok && c.not != "" {
				t.Errorf("%s written", c.not)
			}
		})
	}
}
