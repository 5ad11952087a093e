package trace

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestDatadogExtract(t *testing.T) {
	cases := []struct {
		name   string
		in     MapCarrier
		err    error
		lo, hi uint64
		span   uint64
		prio   Priority
		hasP   bool
		origin string
		tags   map[string]string
		perr   string
	}{
		{name: "full", in: MapCarrier{"x-datadog-trace-id": "1234", "x-datadog-parent-id": "5678", "x-datadog-sampling-priority": "2",
			"x-datadog-origin": "synthetics", "x-datadog-tags": "_dd.p.dm=-4,_dd.p.tid=640cfd8d00000000,_dd.p.usr.id=abc,other=x"},
			lo: 1234, hi: 0x640cfd8d00000000, span: 5678, prio: 2, hasP: true, origin: "synthetics", tags: map[string]string{"_dd.p.dm": "-4", "_dd.p.usr.id": "abc"}},
		{name: "mixed case keys", in: MapCarrier{"X-Datadog-Trace-Id": "1", "X-DATADOG-PARENT-ID": "2"}, lo: 1, span: 2},
		{name: "no priority", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2"}, lo: 1, span: 2},
		{name: "negative ids", in: MapCarrier{"x-datadog-trace-id": "-1", "x-datadog-parent-id": "2"}, lo: ^uint64(0), span: 2},
		{name: "max uint64", in: MapCarrier{"x-datadog-trace-id": "18446744073709551615", "x-datadog-parent-id": "2"}, lo: ^uint64(0), span: 2},
		{name: "missing", in: MapCarrier{}, err: ErrSpanContextNotFound},
		{name: "zero trace", in: MapCarrier{"x-datadog-trace-id": "0", "x-datadog-parent-id": "2"}, err: ErrSpanContextNotFound},
		{name: "no parent", in: MapCarrier{"x-datadog-trace-id": "1"}, err: ErrSpanContextNotFound},
		{name: "synthetics without parent", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-origin": "synthetics"}, lo: 1, origin: "synthetics"},
		{name: "plus sign", in: MapCarrier{"x-datadog-trace-id": "+1", "x-datadog-parent-id": "2"}, err: ErrSpanContextCorrupted},
		{name: "hex", in: MapCarrier{"x-datadog-trace-id": "0x1", "x-datadog-parent-id": "2"}, err: ErrSpanContextCorrupted},
		{name: "overflow", in: MapCarrier{"x-datadog-trace-id": "18446744073709551616", "x-datadog-parent-id": "2"}, err: ErrSpanContextCorrupted},
		{name: "bad parent", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "x"}, err: ErrSpanContextCorrupted},
		{name: "bad priority", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-sampling-priority": "1.0"}, err: ErrSpanContextCorrupted},
		{name: "tags too long", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-tags": "_dd.p.a=" + strings.Repeat("x", 600)}, lo: 1, span: 2, perr: "extract_max_size"},
		{name: "tags malformed", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-tags": "_dd.p.a=1,_dd.p.b"}, lo: 1, span: 2, perr: "decoding_error"},
		{name: "tags trailing comma", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-tags": "_dd.p.a=1,"}, lo: 1, span: 2, perr: "decoding_error"},
		{name: "tags empty value", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-tags": "_dd.p.a="}, lo: 1, span: 2, perr: "decoding_error"},
		{name: "bad tid ignored", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-tags": "_dd.p.tid=640CFD8D00000000,_dd.p.dm=-1"}, lo: 1, span: 2, tags: map[string]string{"_dd.p.dm": "-1"}},
		{name: "exactly 512", in: MapCarrier{"x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-tags": "_dd.p.a=" + strings.Repeat("x", 504)}, lo: 1, span: 2, tags: map[string]string{"_dd.p.a": strings.Repeat("x", 504)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := datadogPropagator{tagsMax: 512}.Extract(c.in)
			if !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if sc.traceID != NewTraceID(c.hi, c.lo) || sc.spanID != c.span || sc.hasPriority != c.hasP || sc.priority != c.prio || sc.origin != c.origin || !sc.IsRemote() {
				t.Errorf("got %+v", sc)
			}
			for k, v := range c.tags {
				if got, _ := sc.Tag(k); got != v {
					t.Errorf("tag %s = %q", k, got)
				}
			}
			if _, ok := sc.Tag("other"); ok {
				t.Error("a tag outside _dd.p.* was kept")
			}
			perr := ""
			if sc.extracted != nil {
				perr = sc.extracted.propError
			}
			if perr != c.perr {
				t.Errorf("propagation error %q, want %q", perr, c.perr)
			}
		})
	}
}

func TestDatadogInject(t *testing.T) {
	tags := []kv{{"_dd.p.dm", "-4"}, {"not.propagated", "x"}}
	bag := []kv{{"user", "ada"}}
	sc := SpanContext{traceID: NewTraceID(0x640cfd8d00000000, 1234), spanID: 5678, priority: 2, hasPriority: true, origin: "rum", tags: &tags, baggage: &bag}
	c := MapCarrier{}
	if err := (datadogPropagator{tagsMax: 512}).Inject(sc, c); err != nil {
		t.Fatal(err)
	}
	want := MapCarrier{"x-datadog-trace-id": "1234", "x-datadog-parent-id": "5678", "x-datadog-sampling-priority": "2",
		"x-datadog-origin": "rum", "x-datadog-tags": "_dd.p.tid=640cfd8d00000000,_dd.p.dm=-4", "ot-baggage-user": "ada"}
	if len(c) != len(want) {
		t.Errorf("got %v", c)
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %q, want %q", k, c[k], v)
		}
	}
	// No tags header when disabled; an invalid span context is refused.
	c = MapCarrier{}
	datadogPropagator{}.Inject(sc, c)
	if _, ok := c["x-datadog-tags"]; ok {
		t.Error("x-datadog-tags written with a limit of 0")
	}
	if err := (datadogPropagator{}).Inject(SpanContext{}, c); !errors.Is(err, ErrInvalidSpanContext) {
		t.Error(err)
	}
}

func TestInjectErrorsOnRoot(t *testing.T) {
	for _, c := range []struct {
		tag, value, want string
	}{
		{"_dd.p.big", strings.Repeat("x", 600), "inject_max_size"},
		{"_dd.p.bad", "a,b", "encoding_error"},
	} {
		exp := &recordAll{}
		tr := New(WithExporter(exp), WithPropagator(mustPropagator(t, PropagatorConfig{})))
		ctx, root := tr.Start(context.Background(), "root")
		root.trace.mu.Lock()
		root.trace.tags = withKV(root.trace.tags, c.tag, c.value, false)
		root.trace.mu.Unlock()
		cctx, child := tr.Start(ctx, "child")
		h := http.Header{}
		if err := tr.Inject(cctx, HeaderCarrier(h)); err != nil {
			t.Fatal(err)
		}
		if c.want == "inject_max_size" && h.Get("x-datadog-tags") != "" {
			t.Error("an oversized x-datadog-tags was written")
		}
		child.Finish()
		root.Finish()
		tr.Shutdown(context.Background())
		got, _ := exp.find("root").Tag("_dd.propagation_error")
		if got.String() != c.want {
			t.Errorf("_dd.propagation_error = %q, want %q", got, c.want)
		}
	}
}

func mustPropagator(t testing.TB, cfg PropagatorConfig) Propagator {
	t.Helper()
	p, err := NewPropagator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// recordAll is a minimal exporter for internal tests.
type recordAll struct{ spans []Snapshot }

func (r *recordAll) Export(_ context.Context, b []Chunk) error {
	for _, c := range b {
		r.spans = append(r.spans, c.spans...)
	}
	return nil
}
func (r *recordAll) Shutdown(context.Context) error { return nil }
func (r *recordAll) find(name string) Snapshot {
	for _, s := range r.spans {
		if s.Name() == name {
			return s
		}
	}
	return Snapshot{}
}

func TestB3(t *testing.T) {
	cases := []struct {
		name string
		in   MapCarrier
		err  error
		id   string
		span uint64
		prio Priority
		hasP bool
	}{
		{name: "multi 128", in: MapCarrier{"X-B3-TraceId": "80f198ee56343ba864fe8b2a57d3eff7", "X-B3-SpanId": "e457b5a2e4d86bd1", "X-B3-Sampled": "1"},
			id: "80f198ee56343ba864fe8b2a57d3eff7", span: 0xe457b5a2e4d86bd1, prio: 1, hasP: true},
		{name: "multi 64", in: MapCarrier{"x-b3-traceid": "64fe8b2a57d3eff7", "x-b3-spanid": "e457b5a2e4d86bd1", "x-b3-sampled": "0"},
			id: "000000000000000064fe8b2a57d3eff7", span: 0xe457b5a2e4d86bd1, prio: 0, hasP: true},
		{name: "multi debug", in: MapCarrier{"x-b3-traceid": "64fe8b2a57d3eff7", "x-b3-spanid": "e457b5a2e4d86bd1", "x-b3-flags": "1", "x-b3-parentspanid": "05e3ac9a4f6e3b90"},
			id: "000000000000000064fe8b2a57d3eff7", span: 0xe457b5a2e4d86bd1, prio: 2, hasP: true},
		{name: "multi true", in: MapCarrier{"x-b3-traceid": "64fe8b2a57d3eff7", "x-b3-spanid": "e457b5a2e4d86bd1", "x-b3-sampled": "true"},
			id: "000000000000000064fe8b2a57d3eff7", span: 0xe457b5a2e4d86bd1, prio: 1, hasP: true},
		{name: "multi no decision", in: MapCarrier{"x-b3-traceid": "64fe8b2a57d3eff7", "x-b3-spanid": "e457b5a2e4d86bd1"},
			id: "000000000000000064fe8b2a57d3eff7", span: 0xe457b5a2e4d86bd1},
		{name: "multi bad sampled", in: MapCarrier{"x-b3-traceid": "64fe8b2a57d3eff7", "x-b3-spanid": "e457b5a2e4d86bd1", "x-b3-sampled": "yes"}, err: ErrSpanContextCorrupted},
		{name: "multi bad flags", in: MapCarrier{"x-b3-traceid": "64fe8b2a57d3eff7", "x-b3-spanid": "e457b5a2e4d86bd1", "x-b3-flags": "2"}, err: ErrSpanContextCorrupted},
		{name: "multi bad id", in: MapCarrier{"x-b3-traceid": "xyz", "x-b3-spanid": "e457b5a2e4d86bd1"}, err: ErrSpanContextCorrupted},
		{name: "multi zero id", in: MapCarrier{"x-b3-traceid": "0000000000000000", "x-b3-spanid": "e457b5a2e4d86bd1"}, err: ErrSpanContextCorrupted},
		{name: "multi missing", in: MapCarrier{}, err: ErrSpanContextNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := b3MultiPropagator{}.Extract(c.in)
			checkExtract(t, sc, err, c.err, c.id, c.span, c.prio, c.hasP)
		})
	}
	single := []struct {
		in   string
		err  error
		id   string
		span uint64
		prio Priority
		hasP bool
	}{
		{"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", nil, "80f198ee56343ba864fe8b2a57d3eff7", 0xe457b5a2e4d86bd1, 1, true},
		{"64fe8b2a57d3eff7-e457b5a2e4d86bd1-d", nil, "000000000000000064fe8b2a57d3eff7", 0xe457b5a2e4d86bd1, 2, true},
		{"64fe8b2a57d3eff7-e457b5a2e4d86bd1-0", nil, "000000000000000064fe8b2a57d3eff7", 0xe457b5a2e4d86bd1, 0, true},
		{"64fe8b2a57d3eff7-e457b5a2e4d86bd1", nil, "000000000000000064fe8b2a57d3eff7", 0xe457b5a2e4d86bd1, 0, false},
		{"0", nil, "00000000000000000000000000000000", 0, 0, true},
		{"1", nil, "00000000000000000000000000000000", 0, 1, true},
		{"x", ErrSpanContextCorrupted, "", 0, 0, false},
		{"64fe8b2a57d3eff7-e457b5a2e4d86bd1-true", ErrSpanContextCorrupted, "", 0, 0, false},
		{"64fe8b2a57d3eff7-e457b5a2e4d86bd1-1-zz", ErrSpanContextCorrupted, "", 0, 0, false},
		{"64fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-x", ErrSpanContextCorrupted, "", 0, 0, false},
		{"64fe8b2a57d3eff7", ErrSpanContextCorrupted, "", 0, 0, false},
	}
	for _, c := range single {
		sc, err := b3SinglePropagator{}.Extract(MapCarrier{"b3": c.in})
		checkExtract(t, sc, err, c.err, c.id, c.span, c.prio, c.hasP)
	}
	if _, err := (b3SinglePropagator{}).Extract(MapCarrier{}); !errors.Is(err, ErrSpanContextNotFound) {
		t.Error(err)
	}
	// Inject.
	sc := SpanContext{traceID: NewTraceID(0, 0x64fe8b2a57d3eff7), spanID: 0xe457b5a2e4d86bd1, priority: 2, hasPriority: true}
	m := MapCarrier{}
	b3MultiPropagator{}.Inject(sc, m)
	b3SinglePropagator{}.Inject(sc, m)
	if m["x-b3-traceid"] != "64fe8b2a57d3eff7" || m["x-b3-spanid"] != "e457b5a2e4d86bd1" || m["x-b3-sampled"] != "1" || m["b3"] != "64fe8b2a57d3eff7-e457b5a2e4d86bd1-1" {
		t.Errorf("inject: %v", m)
	}
	sc.traceID, sc.priority = NewTraceID(1, 2), -1
	m = MapCarrier{}
	b3MultiPropagator{}.Inject(sc, m)
	b3SinglePropagator{}.Inject(sc, m)
	if m["x-b3-traceid"] != "00000000000000010000000000000002" || m["x-b3-sampled"] != "0" || !strings.HasSuffix(m["b3"], "-0") {
		t.Errorf("inject: %v", m)
	}
	for _, p := range []Propagator{b3MultiPropagator{}, b3SinglePropagator{}} {
		if err := p.Inject(SpanContext{}, m); !errors.Is(err, ErrInvalidSpanContext) {
			t.Error(err)
		}
	}
}

func checkExtract(t *testing.T, sc SpanContext, err, wantErr error, id string, span uint64, prio Priority, hasP bool) {
	t.Helper()
	if !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
		t.Fatalf("err = %v, want %v", err, wantErr)
	}
	if err != nil {
		return
	}
	if sc.traceID.String() != id || sc.spanID != span || sc.priority != prio || sc.hasPriority != hasP {
		t.Errorf("got trace %s span %x priority %v/%v", sc.traceID, sc.spanID, sc.priority, sc.hasPriority)
	}
}

func TestBaggage(t *testing.T) {
	cases := []struct {
		in   string
		err  error
		want map[string]string
	}{
		{"user=ada,team=core", nil, map[string]string{"user": "ada", "team": "core"}},
		{" user = ada ; prop=1 , x=%E2%9C%93", nil, map[string]string{"user": "ada", "x": "✓"}},
		{"a=1+2", nil, map[string]string{"a": "1+2"}},
		{"k%20e=v", nil, map[string]string{"k%20e": "v"}}, // keys are tokens, never decoded
		{"a", ErrSpanContextCorrupted, nil},
		{"=v", ErrSpanContextCorrupted, nil},
		{"a=%zz", ErrSpanContextCorrupted, nil},
		{"a b=1", ErrSpanContextCorrupted, nil},
		{",,", ErrSpanContextNotFound, nil},
	}
	for _, c := range cases {
		sc, err := baggagePropagator{}.Extract(MapCarrier{"baggage": c.in})
		if !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		for k, v := range c.want {
			if got, _ := sc.BaggageItem(k); got != v {
				t.Errorf("%q: %s = %q", c.in, k, got)
			}
		}
	}
	// Limits: 64 members, 8192 bytes; whole members only.
	var b strings.Builder
	for i := range 100 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("k")
		b.WriteString(strconv.Itoa(i))
		b.WriteString("=v")
	}
	sc, err := baggagePropagator{}.Extract(MapCarrier{"baggage": b.String()})
	if n := len(*sc.baggage); err != nil || n != 64 {
		t.Errorf("%d members, err %v", n, err)
	}
	if v, _ := sc.BaggageItem("k63"); v != "v" {
		t.Error("the 64th member is missing")
	}
	if _, ok := sc.BaggageItem("k64"); ok {
		t.Error("a 65th member was kept")
	}
	dup, _ := baggagePropagator{}.Extract(headerOf("baggage", "a=1,b=2", "baggage", "a=3"))
	if v, _ := dup.BaggageItem("a"); v != "3" || len(*dup.baggage) != 2 {
		t.Errorf("a key given twice: %v", *dup.baggage)
	}
	huge := "a=" + strings.Repeat("x", 9000)
	if _, err := (baggagePropagator{}).Extract(MapCarrier{"baggage": huge}); err == nil {
		t.Error("a 9 KB baggage header was read")
	}
	// Inject: escaped, bounded.
	items := []kv{{"user", "ada lovelace"}, {"weird", "a,b;c%+d"}, {"not a token", "x"}, {"big", strings.Repeat("y", 9000)}}
	m := MapCarrier{}
	baggagePropagator{}.Inject(SpanContext{baggage: &items}, m)
	if m["baggage"] != "user=ada%20lovelace,weird=a%2Cb%3Bc%25%2Bd" {
		t.Errorf("baggage = %q", m["baggage"])
	}
	back, err := baggagePropagator{}.Extract(m)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := back.BaggageItem("weird"); v != "a,b;c%+d" {
		t.Errorf("round trip: %q", v)
	}
	// ot-baggage-* goes only where a header can hold it.
	od := MapCarrier{}
	odItems := []kv{{"ok", "v"}, {"bad key", "v"}, {"nl", "a\nb"}}
	datadogPropagator{}.Inject(SpanContext{traceID: NewTraceID(0, 1), spanID: 2, baggage: &odItems}, od)
	if _, ok := od["ot-baggage-ok"]; !ok || len(od) != 3 {
		t.Errorf("ot-baggage: %v", od)
	}
	many := make([]kv, 100)
	for i := range many {
		many[i] = kv{strings.Repeat("k", i+1), "v"}
	}
	m = MapCarrier{}
	baggagePropagator{}.Inject(SpanContext{baggage: &many}, m)
	if n := strings.Count(m["baggage"], ",") + 1; n != 64 {
		t.Errorf("%d members injected", n)
	}
}

// BenchmarkInjectExtract is a span context out to an http.Header and back,
// per style: the figures bench/ compares with dd-trace-go and OpenTelemetry.
func BenchmarkInjectExtract(b *testing.B) {
	tags := []kv{{"_dd.p.dm", "-1"}}
	sc := SpanContext{traceID: NewTraceID(0x6b08fb4900000000, 0x69eafb56dd6165cb), spanID: 0x69eafb56dd6165cb,
		priority: 1, hasPriority: true, tags: &tags, w3c: localW3C}
	for _, style := range []string{styleDatadog, styleTraceContext} {
		p := mustPropagator(&testing.T{}, PropagatorConfig{Inject: []string{style}, Extract: []string{style}})
		b.Run(style, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h := http.Header{}
				_ = p.Inject(sc, HeaderCarrier(h))
				if got, err := p.Extract(HeaderCarrier(h)); err != nil || got.spanID != sc.spanID {
					b.Fatal(err)
				}
			}
		})
	}
}
