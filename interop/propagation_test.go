package interop

// Propagation round trips through http.Header with the real peers:
//
//   - TestPropagationOursDDOurs: our span → our Inject → dd-trace-go v1.74.8
//     tracer.Extract → dd child span → tracer.Inject → our Extract → our
//     child span.
//   - TestPropagationDDOursDD: the same, starting and ending with dd-trace-go.
//   - TestPropagationBaggageChars: W3C and ot-baggage values with characters
//     that need percent-encoding, both ways through dd-trace-go.
//   - TestPropagationOTel: ours ↔ OpenTelemetry Go v1.47.0's TraceContext and
//     Baggage propagators.
//
// Each dd round trip runs for dd's default styles (datadog, tracecontext,
// baggage), datadog alone, tracecontext alone, tracecontext with baggage, B3
// multi and B3 single header, the same styles on both sides, and checks the
// trace id (both halves), the parent chain, the sampling priority, the origin,
// the propagated tags (_dd.p.dm, _dd.p.usr.id) and the baggage, as far as the
// styles carry them: on the context each side extracts, and on the spans each
// side sends (dd's to a stand-in Agent, ours to a memory exporter).

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	v2tracer "github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/ext"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// propStyles is one propagation configuration, the same on both sides, and
// what its headers carry.
type propStyles struct {
	name string
	dd   string   // DD_TRACE_PROPAGATION_STYLE; "" is dd's default
	ours []string // our PropagatorConfig Inject and Extract; nil is our default

	exactPriority bool // the priority itself travels (else only keep or drop: 1 or 0)
	origin, tags  bool // the origin and the _dd.p.* tags travel
	otBaggage     bool // ot-baggage-* headers
	w3cBaggage    bool // the W3C baggage header
	parentID      bool // tracestate's p: (the last Datadog parent) travels
}

var propStyleSets = []propStyles{
	{name: "default", dd: "", ours: nil, exactPriority: true, origin: true, tags: true, otBaggage: true, w3cBaggage: true, parentID: true},
	{name: "datadog", dd: "datadog", ours: []string{"datadog"}, exactPriority: true, origin: true, tags: true, otBaggage: true},
	{name: "tracecontext", dd: "tracecontext", ours: []string{"tracecontext"}, exactPriority: true, origin: true, tags: true, parentID: true},
	{name: "tracecontext+baggage", dd: "tracecontext,baggage", ours: []string{"tracecontext", "baggage"}, exactPriority: true, origin: true, tags: true, w3cBaggage: true, parentID: true},
	{name: "b3multi", dd: "b3multi", ours: []string{"b3multi"}},
	{name: "b3single", dd: "b3 single header", ours: []string{"b3 single header"}},
}

// wantPriority is what a priority becomes through st.
func (st propStyles) wantPriority(p int) int {
	switch {
	case st.exactPriority:
		return p
	case p > 0:
		return 1
	}
	return 0
}

func (st propStyles) carriesBaggage() bool { return st.otBaggage || st.w3cBaggage }

// startDDProp starts dd-trace-go's global tracer with st's styles against a
// fresh stand-in agent. The caller runs its work, then stopDD.
func startDDProp(t *testing.T, st propStyles) *fakeAgent {
	t.Helper()
	t.Setenv("DD_INSTRUMENTATION_TELEMETRY_ENABLED", "false")
	t.Setenv("DD_REMOTE_CONFIGURATION_ENABLED", "false")
	if st.dd != "" {
		t.Setenv("DD_TRACE_PROPAGATION_STYLE", st.dd)
	}
	a := newFakeAgent(t, infoNoStats)
	tracer.Start(ddBaseOpts(a.addr())...)
	return a
}

// stopDD stops dd-trace-go (which flushes) and returns the spans its agent
// received, by span id.
func stopDD(t *testing.T, a *fakeAgent) map[uint64]*pb.Span {
	t.Helper()
	tracer.Stop()
	spans := map[uint64]*pb.Span{}
	for _, r := range a.traceRequests() {
		traces, err := decodeV04(r.Body)
		if err != nil {
			t.Fatalf("dd payload: %v", err)
		}
		for _, tc := range traces {
			for _, s := range tc {
				spans[s.SpanID] = s
			}
		}
	}
	return spans
}

// newOursProp returns our tracer with st's styles, recording into a memory
// exporter. It samples new traces as dd-trace-go does before the Agent
// sends rates (priority 1, _dd.p.dm=-1).
func newOursProp(t *testing.T, st propStyles) (*trace.Tracer, *memory.Exporter) {
	t.Helper()
	p, err := trace.NewPropagator(trace.PropagatorConfig{Inject: st.ours, Extract: st.ours})
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.New()
	tr := trace.New(trace.WithService("ours"), trace.WithExporter(mem), trace.WithPropagator(p),
		trace.WithSampler(ddDefaultSampling))
	return tr, mem
}

// shutdownOurs flushes our tracer and returns the spans, by span id.
func shutdownOurs(t *testing.T, tr *trace.Tracer, mem *memory.Exporter) map[uint64]trace.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	out := map[uint64]trace.Snapshot{}
	for _, s := range mem.Spans() {
		out[s.SpanID()] = s
	}
	return out
}

// ddV2 is the dd-trace-go v2 SpanContext under a v1 one (the v1 API hides
// the priority; the v2 type has SamplingPriority).
func ddV2(sc ddtrace.SpanContext) *v2tracer.SpanContext {
	rv := reflect.ValueOf(sc)
	if rv.Kind() == reflect.Struct {
		if f := rv.FieldByName("Ctx"); f.IsValid() && f.CanInterface() {
			c, _ := f.Interface().(*v2tracer.SpanContext)
			return c
		}
	}
	return nil
}

func ddPriority(sc ddtrace.SpanContext) (int, bool) {
	if c := ddV2(sc); c != nil {
		return c.SamplingPriority()
	}
	return 0, false
}

func ddBaggage(sc ddtrace.SpanContext) map[string]string {
	m := map[string]string{}
	sc.ForeachBaggageItem(func(k, v string) bool { m[k] = v; return true })
	return m
}

func ddTraceID128(sc ddtrace.SpanContext) string {
	if w, ok := sc.(ddtrace.SpanContextW3C); ok {
		return w.TraceID128()
	}
	return fmt.Sprintf("%032x", sc.TraceID())
}

// ourPriority formats our context's priority as dd's SamplingPriority does.
func ourPriority(sc trace.SpanContext) (int, bool) {
	p, ok := sc.Priority()
	return int(p), ok
}

// checker collects the differences of one round trip, with the headers each
// hop wrote, for the failure message.
type checker struct {
	t       *testing.T
	headers []string
}

func (c *checker) hop(name string, h http.Header) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:", name)
	for _, k := range slices.Sorted(maps.Keys(h)) {
		fmt.Fprintf(&b, "\n    %s: %s", k, strings.Join(h[k], " | "))
	}
	c.headers = append(c.headers, b.String())
}

func (c *checker) eq(what string, got, want any) {
	c.t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		c.t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func (c *checker) done() {
	if c.t.Failed() || testing.Verbose() {
		c.t.Logf("headers:\n  %s", strings.Join(c.headers, "\n  "))
	}
}

// hex16 is a span id as tracestate and _dd.p.tid write it.
func hex16(v uint64) string { return fmt.Sprintf("%016x", v) }

// ---------------------------------------------------------------------------
// ours → dd-trace-go → ours

// oursPrio is how our first span gets its priority: inherited from an
// upstream context (as if extracted), then possibly Keep or Drop.
type oursPrio struct {
	name     string
	parent   trace.Priority
	parentDM string // _dd.p.dm upstream; "" for none
	act      func(*trace.Span)
	want     int    // the priority our span propagates
	wantDM   string // its _dd.p.dm; "" for none
}

var oursPrios = []oursPrio{
	{name: "p1", parent: trace.PriorityAutoKeep, parentDM: "-1", want: 1, wantDM: "-1"},
	{name: "p2_keep", parent: trace.PriorityAutoKeep, parentDM: "-1", act: (*trace.Span).Keep, want: 2, wantDM: "-4"},
	{name: "p-1_drop", parent: trace.PriorityAutoKeep, parentDM: "-1", act: (*trace.Span).Drop, want: -1},
	{name: "p0", parent: trace.PriorityAutoReject, want: 0},
}

const (
	testOrigin  = "synthetics-browser"
	testUserTag = "_dd.p.usr.id"
	testUserID  = "dXNlcjE=" // base64("user1"), as dd's SetUser propagates it: '=' becomes '~' in tracestate
	// The trace id of our upstream: a 128-bit id, upper half as dd makes them
	// (seconds since the epoch, then zeros).
	testTraceHi = 0x6565f7a500000000
	testTraceLo = 0x0af7651916cd43dd
)

func TestPropagationOursDDOurs(t *testing.T) {
	for _, st := range propStyleSets {
		t.Run(st.name, func(t *testing.T) {
			fa := startDDProp(t, st)
			tr, mem := newOursProp(t, st)
			type result struct {
				p                 oursPrio
				ours1, dd2, ours3 uint64 // span ids along the chain
			}
			var results []result
			tid := trace.NewTraceID(testTraceHi, testTraceLo)
			for _, p := range oursPrios {
				t.Run(p.name, func(t *testing.T) {
					c := &checker{t: t}
					defer c.done()
					tags := map[string]string{testUserTag: testUserID}
					if p.parentDM != "" {
						tags["_dd.p.dm"] = p.parentDM
					}
					up := trace.NewSpanContext(trace.SpanContextConfig{
						TraceID: tid, SpanID: 0x0102030405060708,
						Priority: p.parent, HasPriority: true,
						Origin: testOrigin, Tags: tags,
						Baggage: map[string]string{"session": "s-42"},
						Remote:  true,
					})
					ctx, s1 := tr.Start(trace.ContextWithSpanContext(context.Background(), up), "ours.client")
					if p.act != nil {
						p.act(s1)
					}
					s1.SetBaggageItem("cart.id", "c-7")
					h1 := http.Header{}
					if err := tr.Inject(ctx, trace.HeaderCarrier(h1)); err != nil {
						t.Fatalf("our Inject: %v", err)
					}
					c.hop("ours → dd", h1)
					s1.Finish()

					// dd-trace-go reads what we wrote.
					ddsc, err := tracer.Extract(tracer.HTTPHeadersCarrier(h1))
					if err != nil {
						t.Fatalf("dd Extract: %v", err)
					}
					c.eq("dd: trace id", ddTraceID128(ddsc), tid.String())
					c.eq("dd: parent span id", hex16(ddsc.SpanID()), hex16(s1.SpanID()))
					pr, ok := ddPriority(ddsc)
					c.eq("dd: priority", fmt.Sprint(pr, ok), fmt.Sprint(st.wantPriority(p.want), true))
					wantBag := map[string]string{}
					if st.carriesBaggage() {
						wantBag = map[string]string{"session": "s-42", "cart.id": "c-7"}
					}
					c.eq("dd: baggage", sortedKV(ddBaggage(ddsc)), sortedKV(wantBag))

					// dd's child, injected with dd's styles.
					d2 := tracer.StartSpan("dd.server", tracer.ChildOf(ddsc))
					h2 := http.Header{}
					if err := tracer.Inject(d2.Context(), tracer.HTTPHeadersCarrier(h2)); err != nil {
						t.Fatalf("dd Inject: %v", err)
					}
					c.hop("dd → ours", h2)
					d2.Finish()

					// We read what dd wrote.
					sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h2))
					if err != nil {
						t.Fatalf("our Extract: %v", err)
					}
					c.eq("ours: trace id", sc.TraceID().String(), tid.String())
					c.eq("ours: parent span id", hex16(sc.SpanID()), hex16(d2.Context().SpanID()))
					c.eq("ours: remote", sc.IsRemote(), true)
					opr, ok := ourPriority(sc)
					c.eq("ours: priority", fmt.Sprint(opr, ok), fmt.Sprint(st.wantPriority(p.want), true))
					wantOrigin, wantTags := "", map[string]string{}
					if st.origin {
						wantOrigin = testOrigin
					}
					if st.tags {
						wantTags[testUserTag] = testUserID
						if p.wantDM != "" {
							wantTags["_dd.p.dm"] = p.wantDM
						}
					}
					c.eq("ours: origin", sc.Origin(), wantOrigin)
					c.eq("ours: tags", sortedKV(maps.Collect(sc.Tags())), sortedKV(wantTags))
					c.eq("ours: baggage", sortedKV(maps.Collect(sc.Baggage())), sortedKV(wantBag))

					_, s3 := tr.Start(context.Background(), "ours.server", trace.ChildOf(sc))
					s3.Finish()
					results = append(results, result{p: p, ours1: s1.SpanID(), dd2: d2.Context().SpanID(), ours3: s3.SpanID()})
				})
			}

			// What each side sent: the chain of parents, and the trace-level
			// tags dd puts on its local root.
			ddSpans := stopDD(t, fa)
			ours := shutdownOurs(t, tr, mem)
			for _, r := range results {
				t.Run(r.p.name+"/spans", func(t *testing.T) {
					c := &checker{t: t}
					d2, ok := ddSpans[r.dd2]
					if !ok {
						t.Fatalf("dd's span %x did not reach the agent", r.dd2)
					}
					c.eq("dd span: trace id (lower)", hex16(d2.TraceID), hex16(testTraceLo))
					c.eq("dd span: _dd.p.tid", d2.Meta["_dd.p.tid"], hex16(testTraceHi))
					c.eq("dd span: parent", hex16(d2.ParentID), hex16(r.ours1))
					c.eq("dd span: _sampling_priority_v1", d2.Metrics["_sampling_priority_v1"], st.wantPriority(r.p.want))
					wantOrigin := ""
					if st.origin {
						wantOrigin = testOrigin
					}
					c.eq("dd span: _dd.origin", d2.Meta["_dd.origin"], wantOrigin)
					wantUser, wantDM := "", ""
					if st.tags {
						wantUser, wantDM = testUserID, r.p.wantDM
					}
					c.eq("dd span: "+testUserTag, d2.Meta[testUserTag], wantUser)
					if st.exactPriority || r.p.want <= 0 {
						// Through B3, a kept trace arrives without a
						// mechanism and dd decides again (-1): checked
						// in the B3 subtests below.
						c.eq("dd span: _dd.p.dm", d2.Meta["_dd.p.dm"], wantDM)
					}
					if pid, ok := d2.Meta["_dd.parent_id"]; ok || st.parentID && !st.otBaggage {
						// dd records the last Datadog parent from tracestate's p:
						// when tracecontext is the only style that found it.
						c.eq("dd span: _dd.parent_id", pid, hex16(r.ours1))
					}
					s3, ok := ours[r.ours3]
					if !ok {
						t.Fatalf("our span %x was not exported", r.ours3)
					}
					c.eq("our span: trace id", s3.TraceID().String(), trace.NewTraceID(testTraceHi, testTraceLo).String())
					c.eq("our span: parent", hex16(s3.ParentID()), hex16(r.dd2))
					if st.parentID && !st.otBaggage {
						// tracecontext alone: dd's p: names dd's span, which
						// our local root records as the last Datadog parent.
						v, _ := s3.Tag("_dd.parent_id")
						c.eq("our span: _dd.parent_id", v.String(), hex16(r.dd2))
					}
				})
			}
		})
	}
}

// ---------------------------------------------------------------------------
// dd-trace-go → ours → dd-trace-go

// ddPrio is how dd's first span gets its priority.
type ddPrio struct {
	name   string
	set    func(tracer.Span)
	want   int
	wantDM string
}

var ddPrios = []ddPrio{
	{name: "p1", set: func(tracer.Span) {}, want: 1, wantDM: "-1"}, // dd's own sampler, no agent rates yet
	{name: "p2_manual_keep", set: func(s tracer.Span) { s.SetTag(ext.ManualKeep, true) }, want: 2, wantDM: "-4"},
	{name: "p-1_manual_drop", set: func(s tracer.Span) { s.SetTag(ext.ManualDrop, true) }, want: -1},
	{name: "p0", set: func(s tracer.Span) { s.SetTag(ext.SamplingPriority, 0) }, want: 0},
}

func TestPropagationDDOursDD(t *testing.T) {
	for _, st := range propStyleSets {
		t.Run(st.name, func(t *testing.T) {
			fa := startDDProp(t, st)
			tr, mem := newOursProp(t, st)
			type result struct {
				name         string
				want         int
				wantDM       string
				origin       string
				traceID      string // 32 hex
				dd1, o2, dd3 uint64
			}
			var results []result
			// Each priority from a dd root span, and once more from a dd span
			// continuing a synthetic test's request (dd cannot set an origin
			// otherwise).
			type ddStart struct {
				ddPrio
				origin string
			}
			starts := []ddStart{}
			for _, p := range ddPrios {
				starts = append(starts, ddStart{ddPrio: p})
			}
			starts = append(starts, ddStart{ddPrio: ddPrio{name: "p1_synthetics", set: func(tracer.Span) {}, want: 1, wantDM: "-1"}, origin: testOrigin})
			for _, sp := range starts {
				t.Run(sp.name, func(t *testing.T) {
					c := &checker{t: t}
					defer c.done()
					var opts []tracer.StartSpanOption
					if sp.origin != "" {
						if !st.origin {
							t.Skipf("%s does not carry an origin", st.name)
						}
						// The synthetic request, in Datadog and W3C headers
						// (the W3C ones for the tracecontext-only runs).
						up, err := tracer.Extract(tracer.TextMapCarrier{
							"x-datadog-trace-id": "4242", "x-datadog-parent-id": "4343",
							"x-datadog-sampling-priority": "1",
							"x-datadog-origin":            sp.origin,
							"x-datadog-tags":              "_dd.p.dm=-1,_dd.p.tid=" + hex16(testTraceHi),
							"traceparent":                 fmt.Sprintf("00-%016x%016x-%016x-01", testTraceHi, 4242, 4343),
							"tracestate":                  "dd=s:1;o:" + sp.origin + ";t.dm:-1",
						})
						if err != nil {
							t.Fatalf("dd Extract of the synthetic request: %v", err)
						}
						opts = append(opts, tracer.ChildOf(up))
					}
					d1 := tracer.StartSpan("dd.client", opts...)
					sp.set(d1)
					tracer.SetUser(d1, "user1", tracer.WithPropagation()) // _dd.p.usr.id = base64("user1")
					d1.SetBaggageItem("session", "s-42")
					h1 := http.Header{}
					if err := tracer.Inject(d1.Context(), tracer.HTTPHeadersCarrier(h1)); err != nil {
						t.Fatalf("dd Inject: %v", err)
					}
					c.hop("dd → ours", h1)
					d1.Finish()
					tid := ddTraceID128(d1.Context())
					if tid[:16] == "0000000000000000" {
						t.Errorf("dd made a 64-bit trace id %s; the test wants 128 bits", tid)
					}

					sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h1))
					if err != nil {
						t.Fatalf("our Extract: %v", err)
					}
					c.eq("ours: trace id", sc.TraceID().String(), tid)
					c.eq("ours: parent span id", hex16(sc.SpanID()), hex16(d1.Context().SpanID()))
					opr, ok := ourPriority(sc)
					c.eq("ours: priority", fmt.Sprint(opr, ok), fmt.Sprint(st.wantPriority(sp.want), true))
					wantOrigin, wantTags := "", map[string]string{}
					if st.origin {
						wantOrigin = sp.origin
					}
					if st.tags {
						wantTags[testUserTag] = testUserID
						if sp.wantDM != "" {
							wantTags["_dd.p.dm"] = sp.wantDM
						}
					}
					c.eq("ours: origin", sc.Origin(), wantOrigin)
					c.eq("ours: tags", sortedKV(maps.Collect(sc.Tags())), sortedKV(wantTags))
					wantBag := map[string]string{}
					if st.carriesBaggage() {
						wantBag["session"] = "s-42"
					}
					c.eq("ours: baggage", sortedKV(maps.Collect(sc.Baggage())), sortedKV(wantBag))

					ctx, o2 := tr.Start(context.Background(), "ours.server", trace.ChildOf(sc))
					o2.SetBaggageItem("cart.id", "c-7")
					h2 := http.Header{}
					if err := tr.Inject(ctx, trace.HeaderCarrier(h2)); err != nil {
						t.Fatalf("our Inject: %v", err)
					}
					c.hop("ours → dd", h2)
					o2.Finish()

					ddsc, err := tracer.Extract(tracer.HTTPHeadersCarrier(h2))
					if err != nil {
						t.Fatalf("dd Extract: %v", err)
					}
					c.eq("dd: trace id", ddTraceID128(ddsc), tid)
					c.eq("dd: parent span id", hex16(ddsc.SpanID()), hex16(o2.SpanID()))
					pr, ok := ddPriority(ddsc)
					c.eq("dd: priority", fmt.Sprint(pr, ok), fmt.Sprint(st.wantPriority(sp.want), true))
					if st.carriesBaggage() {
						wantBag["cart.id"] = "c-7"
					}
					c.eq("dd: baggage", sortedKV(ddBaggage(ddsc)), sortedKV(wantBag))
					d3 := tracer.StartSpan("dd.backend", tracer.ChildOf(ddsc))
					d3.Finish()
					results = append(results, result{name: sp.name, want: sp.want, wantDM: sp.wantDM, origin: sp.origin,
						traceID: tid, dd1: d1.Context().SpanID(), o2: o2.SpanID(), dd3: d3.Context().SpanID()})
				})
			}
			ddSpans := stopDD(t, fa)
			ours := shutdownOurs(t, tr, mem)
			for _, r := range results {
				t.Run(r.name+"/spans", func(t *testing.T) {
					c := &checker{t: t}
					o2, ok := ours[r.o2]
					if !ok {
						t.Fatalf("our span %x was not exported", r.o2)
					}
					c.eq("our span: trace id", o2.TraceID().String(), r.traceID)
					c.eq("our span: parent", hex16(o2.ParentID()), hex16(r.dd1))
					d3, ok := ddSpans[r.dd3]
					if !ok {
						t.Fatalf("dd's span %x did not reach the agent", r.dd3)
					}
					c.eq("dd span: trace id (lower)", hex16(d3.TraceID), r.traceID[16:])
					c.eq("dd span: _dd.p.tid", d3.Meta["_dd.p.tid"], r.traceID[:16])
					c.eq("dd span: parent", hex16(d3.ParentID), hex16(r.o2))
					c.eq("dd span: _sampling_priority_v1", d3.Metrics["_sampling_priority_v1"], st.wantPriority(r.want))
					wantOrigin, wantUser, wantDM := "", "", ""
					if st.origin {
						wantOrigin = r.origin
					}
					if st.tags {
						wantUser, wantDM = testUserID, r.wantDM
					}
					c.eq("dd span: _dd.origin", d3.Meta["_dd.origin"], wantOrigin)
					c.eq("dd span: "+testUserTag, d3.Meta[testUserTag], wantUser)
					if st.exactPriority || r.want <= 0 {
						c.eq("dd span: _dd.p.dm", d3.Meta["_dd.p.dm"], wantDM)
					}
				})
			}
		})
	}
}

// TestPropagationB3Mechanism: through B3 (ids and keep/drop only), a kept
// trace arrives without its decision maker, and each side decides again, as
// the other would.
func TestPropagationB3Mechanism(t *testing.T) {
	for _, st := range propStyleSets {
		if st.exactPriority {
			continue
		}
		t.Run(st.name, func(t *testing.T) {
			fa := startDDProp(t, st)
			tr, mem := newOursProp(t, st)
			ctx, s1 := tr.Start(context.Background(), "ours.client")
			s1.Keep() // priority 2, _dd.p.dm=-4: B3 says only "sampled"
			h1 := http.Header{}
			if err := tr.Inject(ctx, trace.HeaderCarrier(h1)); err != nil {
				t.Fatal(err)
			}
			s1.Finish()
			ddsc, err := tracer.Extract(tracer.HTTPHeadersCarrier(h1))
			if err != nil {
				t.Fatal(err)
			}
			d2 := tracer.StartSpan("dd.server", tracer.ChildOf(ddsc))
			h2 := http.Header{}
			tracer.Inject(d2.Context(), tracer.HTTPHeadersCarrier(h2))
			d2.Finish()
			sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h2))
			if err != nil {
				t.Fatal(err)
			}
			_, s3 := tr.Start(context.Background(), "ours.server", trace.ChildOf(sc))
			s3.Finish()
			ddSpans := stopDD(t, fa)
			shutdownOurs(t, tr, mem)
			d := ddSpans[d2.Context().SpanID()]
			if d == nil {
				t.Fatal("dd's span did not reach the agent")
			}
			if got := d.Metrics["_sampling_priority_v1"]; got != 1 {
				t.Errorf("dd span: priority %v, want 1", got)
			}
			// dd sets the priority it extracted with the "unknown"
			// mechanism: no _dd.p.dm.
			if dm, ok := d.Meta["_dd.p.dm"]; ok {
				t.Errorf("dd span: _dd.p.dm=%q, want none", dm)
			}
			if p, _ := sc.Priority(); p != 1 {
				t.Errorf("ours: priority %d, want 1", p)
			}
			if dm, ok := sc.Tag("_dd.p.dm"); ok {
				t.Errorf("ours: _dd.p.dm=%q, want none", dm)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Baggage values that need escaping, both ways through dd-trace-go

const bagDropped = "<header dropped>"

// baggageChars pins how each value crosses between us and dd-trace-go. The
// ot-baggage-* headers carry values verbatim both ways; the W3C baggage
// header is percent-encoded, and there dd-trace-go departs from the W3C
// specification: it decodes with url.QueryUnescape ('+' is a space) and
// encodes with url.QueryEscape (a space is '+') but leaves '%' unescaped.
var baggageChars = []struct {
	name, value string
	ddReads     string // what dd reads from the W3C baggage we write; "" = the value
	weRead      string // what we read from the W3C baggage dd writes; "" = the value
	why         string
}{
	{name: "plain", value: "u-1"},
	{name: "space", value: "a b", weRead: "a+b",
		why: "dd writes a space as '+'; in W3C baggage '+' is a baggage-octet, itself, and we read it so (as OpenTelemetry does)"},
	{name: "plus", value: "a+b",
		why: "we write '+' as %2B (allowed by the spec) so that dd, which decodes with url.QueryUnescape, does not read a space"},
	{name: "percent", value: "100%", weRead: bagDropped,
		why: "dd leaves '%' unescaped: \"k=100%\" is not valid percent-encoding; we drop the whole header, as OpenTelemetry does (dd itself would keep an empty value)"},
	{name: "percent-escape-lookalike", value: "a%20b", weRead: "a b",
		why: "dd leaves '%' unescaped, so the next hop decodes a literal \"%20\" into a space"},
	{name: "quote-and-space", value: `say "hi"`, weRead: `say+"hi"`, why: "the space again: dd writes '+'"},
	{name: "comma", value: "x,y"},
	{name: "semicolon", value: "x;y"},
	{name: "equals", value: "k=v"},
	{name: "utf8", value: "né"},
	{name: "url", value: "/p?q=1&r=[2]"},
	{name: "tab", value: "t\tab"},
}

// TestPropagationBaggageChars sends one item with a value of baggageChars
// beside a plain one, ours → dd and dd → ours, with dd's default styles
// (both baggage headers; the W3C one wins on both sides), datadog alone
// (ot-baggage-*) and tracecontext with baggage (W3C alone).
func TestPropagationBaggageChars(t *testing.T) {
	for _, st := range propStyleSets {
		if !st.carriesBaggage() {
			continue
		}
		t.Run(st.name, func(t *testing.T) {
			fa := startDDProp(t, st)
			tr, mem := newOursProp(t, st)
			defer shutdownOurs(t, tr, mem)
			defer stopDD(t, fa)
			for _, bc := range baggageChars {
				t.Run(bc.name, func(t *testing.T) {
					c := &checker{t: t}
					defer c.done()
					if bc.why != "" {
						t.Log(bc.why)
					}
					// ours → dd
					ctx, s1 := tr.Start(context.Background(), "ours")
					s1.SetBaggageItem("k", bc.value)
					s1.SetBaggageItem("other", "1")
					h1 := http.Header{}
					if err := tr.Inject(ctx, trace.HeaderCarrier(h1)); err != nil {
						t.Fatal(err)
					}
					c.hop("ours → dd", h1)
					s1.Finish()
					ddsc, err := tracer.Extract(tracer.HTTPHeadersCarrier(h1))
					if err != nil {
						t.Fatal(err)
					}
					want := bc.value
					if st.w3cBaggage && bc.ddReads != "" {
						want = bc.ddReads // the W3C header wins over ot-baggage in dd
					}
					c.eq("dd reads", fmt.Sprintf("%q", ddBaggage(ddsc)["k"]), fmt.Sprintf("%q", want))
					c.eq("dd reads the other item", ddBaggage(ddsc)["other"], "1")

					// dd → ours
					d := tracer.StartSpan("dd")
					d.SetBaggageItem("k", bc.value)
					d.SetBaggageItem("other", "1")
					h2 := http.Header{}
					if err := tracer.Inject(d.Context(), tracer.HTTPHeadersCarrier(h2)); err != nil {
						t.Fatal(err)
					}
					c.hop("dd → ours", h2)
					d.Finish()
					sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h2))
					if err != nil {
						t.Fatal(err)
					}
					want, wantOther := bc.value, "1"
					switch {
					case !st.w3cBaggage || bc.weRead == "":
					case bc.weRead != bagDropped:
						want = bc.weRead // the W3C header wins over ot-baggage here too
					case !st.otBaggage:
						// W3C alone: the malformed header takes every item
						// with it.
						want, wantOther = bagDropped, bagDropped
					}
					got := func(k string) string {
						if v, ok := sc.BaggageItem(k); ok {
							return v
						}
						return bagDropped
					}
					c.eq("we read", fmt.Sprintf("%q", got("k")), fmt.Sprintf("%q", want))
					c.eq("we read the other item", got("other"), wantOther)
				})
			}
		})
	}
}

// ---------------------------------------------------------------------------
// ours ↔ OpenTelemetry Go v1.47.0 (TraceContext and Baggage propagators)

// otelProp is what an OpenTelemetry service installs for W3C propagation.
var otelProp = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// otelBaggage are baggage values that need percent-encoding; both sides
// decode with url.PathUnescape and encode what the W3C grammar forbids, so
// every one crosses intact both ways.
var otelBaggage = map[string]string{
	"plain":   "u-1",
	"space":   "a b",
	"plus":    "a+b",
	"percent": "100%",
	"escape":  "a%20b",
	"comma":   "x,y",
	"semi":    "x;y",
	"equals":  "k=v",
	"quote":   `say "hi"`,
	"utf8":    "né ü 日本",
	"url":     "/p?q=1&r=[2]",
	"bslash":  `a\b`,
}

// The other vendors' tracestate members upstream, kept in order by both.
const otelVendors = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"

func TestPropagationOTel(t *testing.T) {
	tid := trace.NewTraceID(testTraceHi, testTraceLo)
	t.Run("ours→otel", func(t *testing.T) {
		for _, p := range []struct {
			prio    int
			dm      string
			sampled bool
		}{{1, "-1", true}, {2, "-4", true}, {-1, "", false}, {0, "", false}} {
			t.Run(fmt.Sprintf("p%d", p.prio), func(t *testing.T) {
				c := &checker{t: t}
				defer c.done()
				tr, mem := newOursProp(t, propStyleSets[0]) // our default styles
				defer shutdownOurs(t, tr, mem)
				// Our upstream: a W3C request through two other vendors, with
				// our dd= member, and the Level 2 random flag.
				flags := 0x02
				if p.sampled {
					flags |= 0x01
				}
				dd := fmt.Sprintf("dd=s:%d;o:rum;t.usr.id:dXNlcjE~", p.prio)
				if p.dm != "" {
					dd += ";t.dm:" + p.dm
				}
				h0 := http.Header{}
				h0.Set("traceparent", fmt.Sprintf("00-%s-%016x-%02x", tid, 0x0102030405060708, flags))
				h0.Set("tracestate", dd+","+otelVendors)
				up, err := tr.ExtractSpanContext(trace.HeaderCarrier(h0))
				if err != nil {
					t.Fatal(err)
				}
				ctx, s1 := tr.Start(context.Background(), "ours.client", trace.ChildOf(up))
				for k, v := range otelBaggage {
					s1.SetBaggageItem(k, v)
				}
				h1 := http.Header{}
				if err := tr.Inject(ctx, trace.HeaderCarrier(h1)); err != nil {
					t.Fatal(err)
				}
				c.hop("upstream", h0)
				c.hop("ours → otel", h1)
				s1.Finish()

				octx := otelProp.Extract(context.Background(), propagation.HeaderCarrier(h1))
				osc := oteltrace.SpanContextFromContext(octx)
				c.eq("otel: valid", osc.IsValid(), true)
				c.eq("otel: remote", osc.IsRemote(), true)
				c.eq("otel: trace id", osc.TraceID().String(), tid.String())
				c.eq("otel: span id", osc.SpanID().String(), hex16(s1.SpanID()))
				c.eq("otel: sampled", osc.IsSampled(), p.sampled)
				c.eq("otel: random", osc.TraceFlags().IsRandom(), true)
				// tracestate: our dd= member first, the vendors after it, in
				// their order.
				var keys []string
				osc.TraceState().Walk(func(k, _ string) bool { keys = append(keys, k); return true })
				c.eq("otel: tracestate keys", keys, []string{"dd", "rojo", "congo"})
				c.eq("otel: rojo", osc.TraceState().Get("rojo"), "00f067aa0ba902b7")
				c.eq("otel: congo", osc.TraceState().Get("congo"), "t61rcWkgMzE")
				wantDD := fmt.Sprintf("s:%d;o:rum;p:%s;t.usr.id:dXNlcjE~", p.prio, hex16(s1.SpanID()))
				if p.dm != "" {
					wantDD += ";t.dm:" + p.dm
				}
				c.eq("otel: dd member", osc.TraceState().Get("dd"), wantDD)
				bag := baggage.FromContext(octx)
				got := map[string]string{}
				for _, m := range bag.Members() {
					got[m.Key()] = m.Value()
				}
				c.eq("otel: baggage", sortedKV(got), sortedKV(otelBaggage))
			})
		}
	})

	// Keys: W3C baggage keys are tokens, never percent-encoded. Both sides
	// keep them literally, and neither sends a key that is not a token.
	t.Run("baggage-keys", func(t *testing.T) {
		tr, mem := newOursProp(t, propStyles{ours: []string{"baggage"}})
		defer shutdownOurs(t, tr, mem)
		ctx, s := tr.Start(context.Background(), "ours")
		s.SetBaggageItem("user id", "1") // not a token
		s.SetBaggageItem("K+y", "2")     // a token
		h := http.Header{}
		if err := tr.Inject(ctx, trace.HeaderCarrier(h)); err != nil {
			t.Fatal(err)
		}
		s.Finish()
		got := map[string]string{}
		for _, m := range baggage.FromContext(otelProp.Extract(context.Background(), propagation.HeaderCarrier(h))).Members() {
			got[m.Key()] = m.Value()
		}
		if want := map[string]string{"K+y": "2"}; sortedKV(got) != sortedKV(want) {
			t.Errorf("otel read keys %s from %q, want %s", sortedKV(got), h.Get("baggage"), sortedKV(want))
		}
		// OpenTelemetry sends the token "a%41" as is; we read it as is.
		h = http.Header{}
		m, _ := baggage.NewMemberRaw("a%41", "3")
		bag, _ := baggage.New(m)
		otelProp.Inject(baggage.ContextWithBaggage(context.Background(), bag), propagation.HeaderCarrier(h))
		sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h))
		if err != nil {
			t.Fatal(err)
		}
		if got := sortedKV(maps.Collect(sc.Baggage())); got != sortedKV(map[string]string{"a%41": "3"}) {
			t.Errorf("we read %s from %q", got, h.Get("baggage"))
		}
	})

	t.Run("otel→ours", func(t *testing.T) {
		for _, sampled := range []bool{true, false} {
			t.Run(fmt.Sprintf("sampled=%v", sampled), func(t *testing.T) {
				c := &checker{t: t}
				defer c.done()
				tr, mem := newOursProp(t, propStyleSets[0])
				defer shutdownOurs(t, tr, mem)
				ts, err := oteltrace.ParseTraceState(otelVendors)
				if err != nil {
					t.Fatal(err)
				}
				flags := oteltrace.FlagsRandom
				if sampled {
					flags |= oteltrace.FlagsSampled
				}
				osc := oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
					TraceID: oteltrace.TraceID(tid), SpanID: oteltrace.SpanID{0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4},
					TraceFlags: flags, TraceState: ts,
				})
				var members []baggage.Member
				for k, v := range otelBaggage {
					m, err := baggage.NewMemberRaw(k, v)
					if err != nil {
						t.Fatal(err)
					}
					members = append(members, m)
				}
				bag, err := baggage.New(members...)
				if err != nil {
					t.Fatal(err)
				}
				octx := oteltrace.ContextWithSpanContext(baggage.ContextWithBaggage(context.Background(), bag), osc)
				h1 := http.Header{}
				otelProp.Inject(octx, propagation.HeaderCarrier(h1))
				c.hop("otel → ours", h1)

				sc, err := tr.ExtractSpanContext(trace.HeaderCarrier(h1))
				if err != nil {
					t.Fatal(err)
				}
				c.eq("ours: trace id", sc.TraceID().String(), tid.String())
				c.eq("ours: span id", hex16(sc.SpanID()), "aabbccdd01020304")
				c.eq("ours: remote", sc.IsRemote(), true)
				wantP := 0
				if sampled {
					wantP = 1
				}
				opr, ok := ourPriority(sc)
				c.eq("ours: priority", fmt.Sprint(opr, ok), fmt.Sprint(wantP, true))
				c.eq("ours: tags", sortedKV(maps.Collect(sc.Tags())), sortedKV(nil))
				c.eq("ours: origin", sc.Origin(), "")
				c.eq("ours: baggage", sortedKV(maps.Collect(sc.Baggage())), sortedKV(otelBaggage))

				// Our child, back to OpenTelemetry: our dd= member first,
				// OpenTelemetry's vendors after it, untouched.
				ctx, s2 := tr.Start(context.Background(), "ours.server", trace.ChildOf(sc))
				h2 := http.Header{}
				if err := tr.Inject(ctx, trace.HeaderCarrier(h2)); err != nil {
					t.Fatal(err)
				}
				c.hop("ours → otel", h2)
				s2.Finish()
				wantTS := fmt.Sprintf("dd=s:%d;p:%s,%s", wantP, hex16(s2.SpanID()), otelVendors)
				c.eq("ours: tracestate written", h2.Get("tracestate"), wantTS)
				octx2 := otelProp.Extract(context.Background(), propagation.HeaderCarrier(h2))
				osc2 := oteltrace.SpanContextFromContext(octx2)
				c.eq("otel: trace id", osc2.TraceID().String(), tid.String())
				c.eq("otel: parent", osc2.SpanID().String(), hex16(s2.SpanID()))
				c.eq("otel: sampled", osc2.IsSampled(), sampled)
				c.eq("otel: random", osc2.TraceFlags().IsRandom(), true)
				c.eq("otel: tracestate", osc2.TraceState().String(), wantTS)
				got := map[string]string{}
				for _, m := range baggage.FromContext(octx2).Members() {
					got[m.Key()] = m.Value()
				}
				c.eq("otel: baggage back", sortedKV(got), sortedKV(otelBaggage))
			})
		}
	})
}
