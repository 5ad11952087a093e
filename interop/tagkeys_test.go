package interop

// TestTagKeysSameWire sets, through tracer Span.SetTag and tracer.Tag, every
// tag key dd-trace-go's SetTag gives a meaning to (ext.AnalyticsEvent,
// ext.EventSampleRate, _dd.measured, ext.Error, ext.ManualKeep,
// ext.ManualDrop, ext.SamplingPriority, ext.SpanName, ext.ServiceName,
// ext.ResourceName, ext.SpanType, ext.Component, ext.SpanKind) with the
// value types it tells apart, in dd-trace-go v1.74.8 and in ours, each
// against its own stand-in Agent, plus tracer.Measured() on a root, a
// child and a child of another service. Both payloads are decoded with the
// Agent's decoders and compared span by span with compareSides. A
// difference fails the test unless tagKeysKnownDiffs lists it with its
// reason; a listed difference that no longer happens fails it too.
//
// The scenario is written once per package (tagkeys_dd_test.go,
// tagkeys_ours_test.go); TestTagKeysScenariosIdentical fails when the two
// differ other than by name.
//
// Requests and their headers are not compared here (TestTracerAPISameWire
// and TestSameCallsSameWire do): how many payloads a tracer sends for these
// forty traces depends on when its flush timer fires.
//
//	go test -run 'TestTagKeys' -v

import (
	"sort"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// tagKeysKnownDiffs are the understood differences of TestTagKeysSameWire,
// keyed as compareSides names them, with the reason.
var tagKeysKnownDiffs = map[string]string{
	// _dd.measured means the metric 1 to the Agent. dd-trace-go's SetTag
	// gives the key no meaning and stores true as the text "true", which
	// the Agent ignores (a dd bug); we store true as 1 (and false as 0),
	// as Datadog's Python and Java tracers do.
	"measured.bool | meta _dd.measured":   "dd stores true as the text \"true\", which the Agent ignores; we store the metric 1",
	"measured.bool | metric _dd.measured": "dd stores true as the text \"true\", which the Agent ignores; we store the metric 1",

	// dd deletes _dd.measured from a top-level span when it starts, and
	// keeps it when set later; our Agent exporter leaves it out of every
	// top-level span, whenever it was set. The Agent computes statistics
	// on top-level spans whether or not they carry it.
	"measured.root.later | metric _dd.measured": "we leave _dd.measured out of every top-level span; dd only when given at start (same statistics)",

	// A number under service.name: dd's setMetric does not check the key,
	// so it stores a metric named "service.name" and leaves the service
	// alone (a dd bug: the key means the service whatever its type); we
	// set the service to the number's text.
	"service.number | service":               "dd stores a number under service.name as a metric, the service unchanged; we set the service to its text",
	"service.number | metric service.name":   "dd stores a number under service.name as a metric, the service unchanged; we set the service to its text",
	"service.number | meta _dd.base_service": "follows from the service set by tag (dd leaves the service unchanged)",

	// sampling.priority: dd truncates a fraction to an int (1.5 -> 1, by the
	// manual mechanism, _dd.p.dm=-4); we ignore a value that is not a
	// priority, so the sampler's decision (-1) stands.
	"trace.priority.fraction | meta _dd.p.dm": "dd truncates sampling.priority 1.5 to a manual 1; we ignore a value that is not an integer priority",

	// dd's v1 shim renames sampling.priority to _sampling_priority_v1shim
	// before v2's SetTag, which gives the new key a meaning only for
	// numbers: a text value leaks onto the wire under that internal key (a
	// dd bug). We ignore it.
	"trace.priority.text | meta _sampling_priority_v1shim": "dd leaks a text sampling.priority as the meta _sampling_priority_v1shim; we ignore it",
}

func TestTagKeysScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "tagkeys_dd_test.go", "ddTagKeysScenario")
	ours := funcSource(t, "tagkeys_ours_test.go", "oursTagKeysScenario")
	if dd != ours {
		t.Errorf("ddTagKeysScenario and oursTagKeysScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

func TestTagKeysSameWire(t *testing.T) {
	ddAgent := newFakeAgent(t, infoNoStats)
	ddTagKeysScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ourAgent := newFakeAgent(t, infoNoStats)
	oursTagKeysScenario(t, ourAgent.addr())

	dd := readSide(t, "dd", ddAgent.traceRequests())
	ours := readSide(t, "ours", ourAgent.traceRequests())
	rawSeen := map[string]bool{}
	for _, req := range ourAgent.traceRequests() {
		rawCheck(t, "ours", req.Body, rawSeen)
	}
	if t.Failed() {
		return
	}
	// dd-trace-go's own behaviour with _dd.measured, read in the Agent's
	// decoding of its payload: gone from top-level spans given it at start
	// (the root, a child of another service), kept on other spans.
	for name, want := range map[string]bool{"keys.root": false, "measured.service": false, "options": true, "measured.int": true} {
		sp := dd.spans[name]
		if sp == nil {
			t.Fatalf("dd: no span %q", name)
		}
		if _, ok := sp.Metrics["_dd.measured"]; ok != want {
			t.Errorf("dd: %s carries _dd.measured: %v, want %v (metrics %v)", name, ok, want, sp.Metrics)
		}
	}
	dd.reqs, ours.reqs = nil, nil // see the comment at the top
	found := map[string]bool{}
	for _, d := range compareSides(dd, ours) {
		if reason, ok := tagKeysKnownDiffs[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	var stale []string
	for id := range tagKeysKnownDiffs {
		if !found[id] {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	for _, id := range stale {
		t.Errorf("known difference no longer seen (remove it from tagKeysKnownDiffs): %s", id)
	}
	t.Logf("dd: %d spans in %d chunks; ours: %d spans in %d chunks", len(dd.spans), len(dd.chunks), len(ours.spans), len(ours.chunks))
}
