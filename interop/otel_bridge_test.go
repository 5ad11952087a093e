package interop

// TestOTelBridgeSameWire runs one program against OpenTelemetry's API over
// dd-trace-go v1.74.8's ddtrace/opentelemetry provider and over ours, each
// tracer sending to its own stand-in Agent: an otelhttp server
// (otelhttp.NewHandler over a ServeMux with a route pattern) and an
// otelhttp client (otelhttp.NewTransport) exchange the same requests
// (success, 404, 500, a query string), and the handlers start spans by
// hand: attributes of every kind, events, statuses (Error, Error then
// Ok), links, RecordError, the semantic conventions the operation name
// derives from, operation.name, ContextWithStartOptions and EndOptions,
// explicit start and end times, a native span inside an OpenTelemetry
// span and an OpenTelemetry span inside a native one; the client calls
// under an OpenTelemetry span with baggage and under a native span. The
// answers must be the same. The payloads are decoded with the Agent's
// decoders and compared span by span with compareSides, events field by
// field with compareEvents, and the explicit times; each span is named by
// its place in its trace (readOTelSide). A difference fails the test
// unless otelBridgeKnownDiffs lists it, or a rule of otelBridgeRules
// explains it, with its reason; a listed difference or a rule that no
// longer matches fails it too.
//
// TestOTelPropagators injects and extracts with OpenTelemetry's
// propagators (TraceContext, Baggage, composite): round trips through
// spans of our provider, and traces continued between a span of dd's
// provider and one of ours, both ways, checked on both Agents' payloads.
//
//	go test -run 'OTel' -v

import (
	"context"
	"fmt"
	"go/types"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/google/go-cmp/cmp"
	otelbaggage "go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"
	"golang.org/x/tools/go/packages"
	ddotel "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/opentelemetry"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ourtrace "github.com/ctxtrace/trace"
	ourotel "github.com/ctxtrace/trace/ddtrace/opentelemetry"
	ourtracer "github.com/ctxtrace/trace/ddtrace/tracer"
)

// otelTraceStateOf parses a tracestate the scenarios use, from a
// handler's goroutine: a failure is an error, not Fatal.
func otelTraceStateOf(t *testing.T, s string) oteltrace.TraceState {
	ts, err := oteltrace.ParseTraceState(s)
	if err != nil {
		t.Errorf("tracestate %q: %v", s, err)
	}
	return ts
}

// otelScenarioStart is the start time the scenarios give explicitly
// (their "at").
var otelScenarioStart = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano()

func TestOTelBridgeScenariosIdentical(t *testing.T) {
	for _, f := range []string{"OTelScenario", "OTelManual"} {
		dd := funcSource(t, "otel_bridge_dd_test.go", "dd"+f)
		ours := funcSource(t, "otel_bridge_ours_test.go", "ours"+f)
		// The scenario calls its own package's handler.
		if dd != strings.ReplaceAll(ours, "oursOTelManual", "ddOTelManual") {
			t.Errorf("dd%s and ours%s differ; keep them identical\n--- dd\n%s\n--- ours\n%s", f, f, dd, ours)
		}
	}
}

func TestOTelBridgeSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddAnswers := ddOTelScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ourAnswers := oursOTelScenario(t, ourAgent.addr())
	if diff := cmp.Diff(ddAnswers, ourAnswers); diff != "" {
		t.Errorf("the servers answered differently (-dd +ours):\n%s", diff)
	}
	dd, ours := readOTelSide(t, "dd", ddAgent.traceRequests()), readOTelSide(t, "ours", ourAgent.traceRequests())
	rawSeen := map[string]bool{}
	for _, req := range ourAgent.traceRequests() {
		rawCheck(t, "ours", req.Body, rawSeen)
	}
	if t.Failed() {
		return
	}
	dd.reqs, ours.reqs = nil, nil // payload boundaries depend on flush timing
	diffs := compareSides(dd, ours)
	diffs = append(diffs, compareNames(dd, ours)...)
	diffs = append(diffs, compareEvents(dd, ours)...)
	diffs = append(diffs, compareGivenTimes(dd, ours)...)
	found, used := map[string]bool{}, make([]int, len(otelBridgeRules))
next:
	for _, d := range diffs {
		if reason, ok := otelBridgeKnownDiffs[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		label, field, _ := strings.Cut(d.id, " | ")
		for i, r := range otelBridgeRules {
			if ds, os := dd.spans[label], ours.spans[label]; ds != nil && os != nil && r.match(field, ds, os) {
				used[i]++
				t.Logf("known difference %s: %s (%s)", d.id, d.detail, r.reason)
				continue next
			}
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	staleDiffs(t, otelBridgeKnownDiffs, found)
	for i, r := range otelBridgeRules {
		if used[i] == 0 {
			t.Errorf("rule no longer matches any difference: %s", r.reason)
		}
	}
	// 8 requests (a client and a server span each), 6 spans by hand in
	// /manual, 2 in /native, and the two parents of client calls.
	if want := 8*2 + 6 + 2 + 2; len(dd.spans) != want {
		t.Errorf("dd: %d spans, want %d: the scenario does not do what it means to", len(dd.spans), want)
	}
	t.Logf("compared side by side: %d spans (dd %d, ours %d) in %d and %d chunks; %d differences, %d explained by rules",
		len(union(dd.spans, ours.spans)), len(dd.spans), len(ours.spans), len(dd.chunks), len(ours.chunks), len(diffs), sum(used))
	t.Logf("spans: %q", sortedKeys(dd.spans))
}

// localAddr matches a loopback address with its port, which differs from
// run to run and between the two sides.
var localAddr = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// readOTelSide decodes an Agent's payloads (checking both of the Agent's
// decoders agree), masks the ports of the loopback servers (in meta
// values, and the *.port metrics), and names each span by its place in
// its trace: "<root> > ... > <span>", each step the span's label
// (otelLabel), with "#n" for the nth span of one name in start order. A
// span's parent's name is part of its own, across chunks and across the
// client's and server's halves of a request alike.
func readOTelSide(t *testing.T, who string, reqs []recordedRequest) side {
	t.Helper()
	s := side{reqs: reqs, spans: map[string]*pb.Span{}, byID: map[uint64]string{}, heads: map[string]bool{}}
	if len(reqs) == 0 {
		t.Errorf("%s: no trace payload received", who)
	}
	var chunks [][]*pb.Span
	var all []*pb.Span
	byID := map[uint64]*pb.Span{}
	for ri, r := range reqs {
		tr, tp, err := decodeBoth(r.Body)
		if err != nil {
			t.Errorf("%s: payload %d: %v", who, ri, err)
			continue
		}
		for _, d := range idxDisagreements(tr, tp) {
			t.Errorf("%s: payload %d: decoders disagree: %s", who, ri, d)
		}
		for _, chunk := range tr {
			chunks = append(chunks, chunk)
			for _, sp := range chunk {
				maskPorts(sp)
				all, byID[sp.SpanID] = append(all, sp), sp
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Start < all[j].Start })
	var path func(sp *pb.Span, depth int) string
	path = func(sp *pb.Span, depth int) string {
		if p := byID[sp.ParentID]; p != nil && depth < 20 {
			return path(p, depth+1) + " > " + otelLabel(sp)
		}
		return otelLabel(sp)
	}
	seen := map[string]int{}
	for _, sp := range all {
		key := path(sp, 0)
		if seen[key]++; seen[key] > 1 {
			key += "#" + strconv.Itoa(seen[key])
		}
		s.spans[key], s.byID[sp.SpanID] = sp, key
	}
	for _, chunk := range chunks {
		var names []string
		for i, sp := range chunk {
			names = append(names, s.byID[sp.SpanID])
			if i == 0 {
				s.heads[s.byID[sp.SpanID]] = true
			}
		}
		sort.Strings(names)
		s.chunks = append(s.chunks, strings.Join(names, ","))
	}
	sort.Strings(s.chunks)
	return s
}

// otelLabel names a span the same way on both sides, whatever its name and
// resource: an HTTP span by its kind and URL (the client's url.full, the
// server's url.path and url.query), any other by its resource.
func otelLabel(sp *pb.Span) string {
	if u, ok := sp.Meta["url.full"]; ok {
		return sp.Meta["span.kind"] + " " + u
	}
	if p, ok := sp.Meta["url.path"]; ok {
		if q := sp.Meta["url.query"]; q != "" {
			p += "?" + q
		}
		return sp.Meta["span.kind"] + " " + p
	}
	return sp.Resource
}

// maskPorts replaces the loopback servers' ports, in meta values and in the
// metrics named *.port.
func maskPorts(sp *pb.Span) {
	for k, v := range sp.Meta {
		sp.Meta[k] = localAddr.ReplaceAllString(v, "127.0.0.1:PORT")
	}
	for k := range sp.Metrics {
		if strings.HasSuffix(k, ".port") {
			sp.Metrics[k] = 0
		}
	}
}

// compareNames compares the spans' names (operation names), which
// compareSides leaves to the spans' labels.
func compareNames(dd, ours side) []wireDiff {
	var out []wireDiff
	for _, n := range sortedKeys(dd.spans) {
		if d, o := dd.spans[n], ours.spans[n]; o != nil && d.Name != o.Name {
			out = append(out, wireDiff{n + " | name", fmt.Sprintf("dd=%q ours=%q", d.Name, o.Name)})
		}
	}
	return out
}

// compareGivenTimes compares the start and duration of the spans whose
// start the scenario gave (trace.WithTimestamp), which both sides must
// keep exactly.
func compareGivenTimes(dd, ours side) []wireDiff {
	var out []wireDiff
	for _, n := range sortedKeys(dd.spans) {
		d, o := dd.spans[n], ours.spans[n]
		if o == nil || d.Start != otelScenarioStart {
			continue
		}
		if d.Start != o.Start || d.Duration != o.Duration {
			out = append(out, wireDiff{n + " | times", fmt.Sprintf("dd=%d+%d ours=%d+%d", d.Start, d.Duration, o.Start, o.Duration)})
		}
	}
	return out
}

// otelBridgeKnownDiffs are the understood differences of
// TestOTelBridgeSameWire, keyed as compareSides names them, with the
// reason.
var otelBridgeKnownDiffs = map[string]string{}

// otelRule explains the differences it matches: match is given the
// difference's field ("resource", "meta error.type", "event 0 name"...)
// and the span on both sides, and must check how the two relate, not
// merely the field.
type otelRule struct {
	reason string
	match  func(field string, dd, ours *pb.Span) bool
}

// otelBridgeRules explain the differences that repeat on every span of a
// kind.
var otelBridgeRules = []otelRule{
	{"otelhttp renames a server span after its route (SetName): dd-trace-go v1.74.8 makes the new name, lowercased, the " +
		"operation name and keeps the method as the resource; we keep the operation name derived from the attributes " +
		"(http.server.request) and make the new name the resource, as the Datadog Agent does with OTLP spans and " +
		"dd-trace-go v2.12 under DD_TRACE_OTEL_SEMANTICS_ENABLED",
		func(f string, d, o *pb.Span) bool {
			method := o.Meta["http.request.method"]
			renamed := o.Meta["span.kind"] == "server" && strings.HasPrefix(o.Resource, method+" /")
			switch f {
			case "resource":
				return renamed && d.Resource == method
			case "name":
				return renamed && o.Name == "http.server.request" && d.Name == strings.ToLower(o.Resource)
			}
			return false
		}},
	{"a server span continuing the client's W3C traceparent: we record the tracestate's p: (the last Datadog span " +
		"upstream) as _dd.parent_id, as the tracers' own W3C extraction does; dd's OpenTelemetry bridge reads the ids only",
		func(f string, d, o *pb.Span) bool {
			_, dok := d.Meta["_dd.parent_id"]
			return f == "meta _dd.parent_id" && !dok && o.Meta["_dd.parent_id"] == fmt.Sprintf("%016x", o.ParentID)
		}},
	{"a server span continuing a remote parent: we take the sampling decision from its W3C flags and dd= member, as " +
		"dd-trace-go v2.12 does; dd v1.74.8's bridge reads the ids only and samples again at the local root, with the " +
		"Agent's rate (_dd.agent_psr); the priority is the same",
		func(f string, d, o *pb.Span) bool {
			_, dok := d.Metrics["_dd.agent_psr"]
			_, ook := o.Metrics["_dd.agent_psr"]
			return f == "metric _dd.agent_psr" && dok && !ook && o.ParentID != 0 &&
				d.Metrics["_sampling_priority_v1"] == o.Metrics["_sampling_priority_v1"]
		}},
	{"an otelhttp client span of a 4xx or 5xx answer has the attribute error.type (the status code) and the status " +
		"Error: dd-trace-go v1.74.8 records the status as a new error, which overwrites error.type with " +
		"*errors.errorString and adds a stack; we keep the error tags given as attributes and mark the error, as " +
		"dd-trace-go v2.12 does (DataDog/dd-trace-go#3708)",
		func(f string, d, o *pb.Span) bool {
			_, dStack := d.Meta["error.stack"]
			_, oStack := o.Meta["error.stack"]
			given := o.Error == 1 && d.Error == 1 && o.Meta["error.type"] == o.Meta["http.status_code"]
			switch f {
			case "meta error.type":
				return given && d.Meta["error.type"] == "*errors.errorString"
			case "meta error.stack":
				return given && dStack && !oStack
			}
			return false
		}},
	{"we record the OpenTelemetry status as otel.status_code (Ok or Error) and, with Error, its description as " +
		"otel.status_description, as the Datadog Agent does with OTLP spans; dd-trace-go records neither",
		func(f string, d, o *pb.Span) bool {
			_, dok := d.Meta[strings.TrimPrefix(f, "meta ")]
			switch f {
			case "meta otel.status_code":
				return !dok && (o.Error == 1) == (o.Meta["otel.status_code"] == "Error") && d.Error == o.Error
			case "meta otel.status_description":
				return !dok && o.Meta["otel.status_description"] != "" && o.Meta["otel.status_description"] == o.Meta["error.message"]
			}
			return false
		}},
	{"RecordError records an \"exception\" span event (exception.type, exception.message), as OpenTelemetry's SDK and " +
		"dd-trace-go v2.12 do; in dd-trace-go v1.74.8 it does nothing",
		func(f string, d, o *pb.Span) bool {
			return len(d.SpanEvents) == 0 && len(o.SpanEvents) == 1 && o.SpanEvents[0].Name == "exception" &&
				(f == "span_events" || strings.HasPrefix(f, "event 0 "))
		}},
}

// TestOTelPropagators: OpenTelemetry's propagators with spans of our
// provider, and between dd's provider and ours, both running at once (two
// global tracers, each with its own stand-in Agent).
func TestOTelPropagators(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddProvider := ddotel.NewTracerProvider(ddtracer.WithService("dd-svc"), ddtracer.WithAgentAddr(ddAgent.addr()),
		ddtracer.WithLogStartup(false), ddtracer.WithLogger(silentLogger{}), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	defer ddProvider.Shutdown()
	ourProvider := ourotel.NewTracerProvider(ourtracer.WithService("our-svc"), ourtracer.WithAgentAddr(ourAgent.addr()),
		ourtracer.WithLogStartup(false), ourtracer.WithLogger(silentLogger{}))
	defer ourProvider.Shutdown()
	ddOTel, ourOTel := ddProvider.Tracer(""), ourProvider.Tracer("")
	props := map[string]propagation.TextMapPropagator{
		"tracecontext": propagation.TraceContext{},
		"composite":    propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}
	member, _ := otelbaggage.NewMember("user.id", "u42")
	bag, _ := otelbaggage.New(member)
	withBaggage := otelbaggage.ContextWithBaggage(context.Background(), bag)

	checkOTelRoundTrips(t, withBaggage, ourOTel, props)

	prop := props["composite"]
	// dd's span -> ours.
	dctx, ddClient := ddOTel.Start(withBaggage, "dd.client")
	h := http.Header{}
	prop.Inject(dctx, propagation.HeaderCarrier(h))
	sctx, ourServer := ourOTel.Start(prop.Extract(context.Background(), propagation.HeaderCarrier(h)), "our.server")
	if got := ourtrace.SpanFromContext(sctx).BaggageItem("user.id"); got != "u42" {
		t.Errorf("our server span's baggage item user.id = %q after dd's client", got)
	}
	ourServer.End()
	ddSC, ddHeader := ddClient.SpanContext(), h.Clone()
	ddClient.End()
	// Ours -> dd's.
	octx, ourClient := ourOTel.Start(context.Background(), "our.client")
	h = http.Header{}
	prop.Inject(octx, propagation.HeaderCarrier(h))
	_, ddServer := ddOTel.Start(prop.Extract(context.Background(), propagation.HeaderCarrier(h)), "dd.server")
	ddServer.End()
	ourSC, ourHeader := ourClient.SpanContext(), h.Clone()
	ourClient.End()

	// The headers each writes, ids masked: dd's flags lack W3C Level 2's
	// random bit, which ours sets on the trace ids it makes.
	mask := func(h http.Header, sc oteltrace.SpanContext) string {
		return strings.NewReplacer(sc.TraceID().String(), "<trace>", sc.SpanID().String(), "<span>").Replace(
			fmt.Sprintf("traceparent=%s tracestate=%s baggage=%s", headerOf(h, "traceparent"), headerOf(h, "tracestate"), headerOf(h, "baggage")))
	}
	// dd's tracestate also has t.tid, the trace id's upper half, which ours
	// leaves out as the tracer's own W3C injection does (the traceparent
	// carries the whole id).
	if got, want := mask(ourHeader, ourSC), "traceparent=00-<trace>-<span>-03 tracestate=dd=s:1;p:<span>;t.dm:-1 baggage="; got != want {
		t.Errorf("ours injects %s, want %s", got, want)
	}
	ddTID := ddSC.TraceID()
	got, tid := mask(ddHeader, ddSC), fmt.Sprintf(";t.tid:%x", ddTID[:8]) // dd writes its tags in no set order
	if !strings.Contains(got, tid) {
		t.Errorf("dd injects %s, without %s", got, tid)
	}
	if got, want := strings.Replace(got, tid, "", 1), "traceparent=00-<trace>-<span>-01 tracestate=dd=s:1;p:<span>;t.dm:-1 baggage=user.id=u42"; got != want {
		t.Errorf("dd injects %s (its t.tid aside), want %s", got, want)
	}
	t.Logf("dd's span's context: remote %v; ours: remote %v (a span of this process is not remote: OpenTelemetry's meaning)", ddSC.IsRemote(), ourSC.IsRemote())

	if err := ddProvider.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if err := ourProvider.Shutdown(); err != nil {
		t.Fatal(err)
	}
	ddSpans, ourSpans := spansByResource(t, ddAgent), spansByResource(t, ourAgent)
	checkContinued(t, "ours after dd's", ourSpans["our.server"], ddSpans["dd.client"], ddSC)
	checkContinued(t, "dd's after ours", ddSpans["dd.server"], ourSpans["our.client"], ourSC)
	if got, want := ourSpans["our.server"].Meta["_dd.parent_id"], ddSC.SpanID().String(); got != want {
		t.Errorf("our server: _dd.parent_id %q, want %q (the tracestate's p:)", got, want)
	}
}

// checkOTelRoundTrips injects the context of a span of ours with each
// propagator and extracts it back: what is extracted is what the span's
// SpanContext says, remote, and the baggage with the composite.
func checkOTelRoundTrips(t *testing.T, withBaggage context.Context, ourOTel oteltrace.Tracer, props map[string]propagation.TextMapPropagator) {
	t.Helper()
	for name, prop := range props {
		ctx, sp := ourOTel.Start(withBaggage, "round.trip."+name)
		h := http.Header{}
		prop.Inject(ctx, propagation.HeaderCarrier(h))
		got := oteltrace.SpanContextFromContext(prop.Extract(context.Background(), propagation.HeaderCarrier(h)))
		want := sp.SpanContext().WithRemote(true)
		if !got.Equal(want) {
			t.Errorf("%s: extracted %+v, injected %+v (headers %v)", name, got, want, h)
		}
		wantBag := ""
		if name == "composite" {
			wantBag = "u42"
		}
		if b := otelbaggage.FromContext(prop.Extract(context.Background(), propagation.HeaderCarrier(h))); b.Member("user.id").Value() != wantBag {
			t.Errorf("%s: baggage %q after the round trip", name, b)
		}
		sp.End()
	}
}

// checkContinued checks that child continues parent's trace across
// processes: the same 128-bit trace id, parent's span id as its parent,
// the same sampling priority.
func checkContinued(t *testing.T, what string, child, parent *pb.Span, parentSC oteltrace.SpanContext) {
	t.Helper()
	if child == nil || parent == nil {
		t.Fatalf("%s: span missing (child %v, parent %v)", what, child != nil, parent != nil)
	}
	tid := parentSC.TraceID()
	if child.TraceID != parent.TraceID || child.Meta["_dd.p.tid"] != fmt.Sprintf("%x", tid[:8]) || child.ParentID != parent.SpanID {
		t.Errorf("%s: trace %d (_dd.p.tid %q), parent %d; want trace %d (%x), parent %d",
			what, child.TraceID, child.Meta["_dd.p.tid"], child.ParentID, parent.TraceID, tid[:8], parent.SpanID)
	}
	if cp, pp := child.Metrics["_sampling_priority_v1"], parent.Metrics["_sampling_priority_v1"]; cp != pp {
		t.Errorf("%s: sampling priority %v, parent's %v", what, cp, pp)
	}
}

// spansByResource decodes an Agent's payloads and returns the spans by
// resource.
func spansByResource(t *testing.T, a *fakeAgent) map[string]*pb.Span {
	t.Helper()
	out := map[string]*pb.Span{}
	for i, r := range a.traceRequests() {
		tr, err := decodeV04(r.Body)
		if err != nil {
			t.Fatalf("payload %d: %v", i, err)
		}
		for _, chunk := range tr {
			for _, sp := range chunk {
				out[sp.Resource] = sp
			}
		}
	}
	return out
}

// TestOTelBridgeAPI checks that every exported name of dd-trace-go
// v1.74.8's ddtrace/opentelemetry is in ours with the same kind and type
// (dd's import prefix replaced by ours), exported struct fields and the
// methods of each type and its pointer included, and lists what ours
// adds.
func TestOTelBridgeAPI(t *testing.T) {
	const rel = "/ddtrace/opentelemetry"
	// Types from the compiler's export data: much faster than loadTypes,
	// which type-checks every dependency from source.
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedTypes | packages.NeedName}, ddPrefix+rel, oursPrefix+rel)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*types.Package{}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Fatalf("loading %s: %v", p.PkgPath, p.Errors)
		}
		byPath[p.PkgPath] = p.Types
	}
	dd, ours := byPath[ddPrefix+rel], byPath[oursPrefix+rel]
	if dd == nil || ours == nil {
		t.Fatal("could not load both packages")
	}
	ddAPI, ourAPI := exportedAPI(dd, ddPrefix), exportedAPI(ours, oursPrefix)
	for _, name := range sortedKeys(ddAPI) {
		if got, ok := ourAPI[name]; !ok {
			t.Errorf("%s: missing here (dd: %s)", name, ddAPI[name])
		} else if got != ddAPI[name] {
			t.Errorf("%s: %s here, %s in dd", name, got, ddAPI[name])
		}
	}
	var added []string
	for _, name := range sortedKeys(ourAPI) {
		if _, ok := ddAPI[name]; !ok {
			added = append(added, name+" "+ourAPI[name])
		}
	}
	t.Logf("%d names of dd's API checked; added here: %q", len(ddAPI), added)
}

// exportedAPI describes every exported name of p, with its members, as
// "name" -> "kind type", the module prefix written as "<prefix>".
func exportedAPI(p *types.Package, prefix string) map[string]string {
	out := map[string]string{}
	q := func(other *types.Package) string { return strings.Replace(other.Path(), prefix, "<prefix>", 1) }
	for _, name := range p.Scope().Names() {
		obj := p.Scope().Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.TypeName:
			out[name] = "type"
			if st, ok := obj.Type().Underlying().(*types.Struct); ok {
				for f := range st.Fields() {
					if f.Exported() {
						out[name+"."+f.Name()] = "field " + types.TypeString(f.Type(), q)
					}
				}
			}
			for _, typ := range []types.Type{obj.Type(), types.NewPointer(obj.Type())} {
				ms := types.NewMethodSet(typ)
				for m := range ms.Methods() {
					if m.Obj().Exported() {
						out[types.TypeString(typ, q)+"."+m.Obj().Name()] = "method " + types.TypeString(m.Type(), q)
					}
				}
			}
		default:
			out[name] = fmt.Sprintf("%T %s", obj, types.TypeString(obj.Type(), q))
		}
	}
	return out
}

// headerOf returns h's single value of key, for the messages.
func headerOf(h http.Header, key string) string { return strings.Join(h.Values(key), ",") }
