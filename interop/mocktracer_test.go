package interop

// TestMockTracerSameSpans runs one scenario against dd-trace-go v1.74.8's
// ddtrace/mocktracer and against ours (github.com/ctxtrace/trace/ddtrace/
// mocktracer) and compares what each records: for every finished span, in
// the order they finished, its operation name, every tag Tags returns and
// what Tag returns for it and for keys dd's mock reads specially (value and
// Go type both), its parent and its trace (by the names of the spans),
// links, events, Integration, and whether its Context has its ids; and the
// names of the spans still open.
//
// The scenario is written once per package, in mocktracer_dd_test.go
// (ddMockScenario) and mocktracer_ours_test.go (oursMockScenario);
// TestMockTracerScenariosIdentical fails when the two differ other than by
// name and import paths. A difference fails the test unless mockKnownDiffs
// lists it with its reason; a listed difference no longer seen fails it
// too.
//
//	go test -run 'TestMockTracer' -v

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// mockKnownDiffs are the understood differences, by "span | what", with
// the reason.
var mockKnownDiffs = map[string]string{
	"no.component | Integration": "dd's Integration panics on a span without a text component; ours returns \"\"",
	"late.child | Tags[_dd.p.tid]": "dd puts the trace-level tags on the first span of the trace's next chunk; " +
		"ours only on the local root",
	"late.child | Tag(_dd.p.tid)": "the same",
	"late.child | Tags[_dd.p.dm]": "the same",
	"late.child | Tag(_dd.p.dm)":  "the same",
	"server | Tags[tracestate]": "dd records the W3C tracestate it extracted as a tag of the span started from that context; " +
		"ours does not (as TestTracerAPISameWire finds too)",
	"server | Tag(tracestate)": "the same",
	"child.sets.priority | Tags[_sampling_priority_v1]": "a span that is not the local root and sets the priority " +
		"itself: dd shows it on that span; ours shows the priority a span inherited as it started (the root shows the final one)",
	"child.sets.priority | Tag(sampling.priority)":     "the same",
	"child.sets.priority | Tag(_sampling_priority_v1)": "the same",
	"measured.later | Tags[_dd.measured]": "dd drops _dd.measured from a top-level span only when it is set as the span " +
		"starts; ours from every top-level span",
	"measured.later | Tag(_dd.measured)": "the same",
	"events | Events": "event attributes: dd keeps the raw value (a []byte encodes as base64, an error as {}); " +
		"ours keeps what the tracer keeps (a []byte as integers, an error as its text)",
	"events | Tags[events]": "the same, in the JSON of the events tag",
	"events | Tag(events)":  "the same",
	"injected header X-Datadog-Sampling-Priority": "dd's mocktracer samples nothing, so it injects no priority; " +
		"ours samples every trace as the tracer does (PriorityAutoKeep, decision maker -0) and injects that",
	"injected header X-Datadog-Tags": "the same: ours carries the decision maker _dd.p.dm=-0",
	"injected header Traceparent": "the same (sampled flag 01, which dd leaves 00), with the Level 2 random-trace-id flag (02) " +
		"ours sets on locally generated ids",
	"injected header Tracestate": "the same (s:1 and t.dm:-0 where dd writes s:0); and dd adds t.tid, which ours leaves out " +
		"(traceparent carries the whole id)",
}

func TestMockTracerScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "mocktracer_dd_test.go", "ddMockScenario")
	ours := funcSource(t, "mocktracer_ours_test.go", "oursMockScenario")
	if dd != ours {
		t.Errorf("ddMockScenario and oursMockScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

func TestMockTracerSameSpans(t *testing.T) {
	dd := ddMockScenario(t)
	ours := oursMockScenario(t)
	if t.Failed() {
		return
	}
	found := map[string]bool{}
	for _, d := range compareMock(dd, ours) {
		if reason, ok := mockKnownDiffs[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	for _, id := range sortedKeys(mockKnownDiffs) {
		if !found[id] {
			t.Errorf("known difference no longer seen (remove it from mockKnownDiffs): %s", id)
		}
	}
	t.Logf("%d finished spans compared, %d open", len(dd.finished), len(dd.open))
}

// mockSpan is what the scenario reads of a recorded span, in both
// packages.
type mockSpan interface {
	OperationName() string
	SpanID() uint64
	TraceID() uint64
	ParentID() uint64
	StartTime() time.Time
	FinishTime() time.Time
	Tag(k string) any
	Tags() map[string]any
	Integration() string
	String() string
}

// mockContext is what the scenario reads of a recorded span's Context.
type mockContext interface {
	SpanID() uint64
	TraceID() uint64
}

// mockRecord is one span as the scenario recorded it.
type mockRecord struct {
	s             mockSpan
	links, events any
	ctx           mockContext
}

// mockResult is what a scenario recorded.
type mockResult struct {
	finished []mockRecord
	open     []string
	injected http.Header // by Inject, from a span of the mock tracer
}

// specialKeys are read with Tag on every span, set or not: dd's mock
// gives them a meaning of their own.
var specialKeys = []string{"error", "error.stack", "error.message", "http.status_code", "sampling.priority",
	"manual.keep", "manual.drop", "_dd.measured", "_sampling_priority_v1", "missing"}

// compareMock compares what two scenarios recorded.
func compareMock(dd, ours mockResult) []wireDiff {
	var out []wireDiff
	add := func(id, format string, args ...any) { out = append(out, wireDiff{id, fmt.Sprintf(format, args...)}) }
	if a, b := namesOf(dd.finished), namesOf(ours.finished); a != b {
		add("FinishedSpans", "order: dd=%s ours=%s", a, b)
		return out
	}
	// OpenSpans comes from a map in dd's mocktracer: its order is random,
	// so the two are compared as sets.
	if a, b := strings.Join(slices.Sorted(slices.Values(dd.open)), ","), strings.Join(slices.Sorted(slices.Values(ours.open)), ","); a != b {
		add("OpenSpans", "dd=%s ours=%s", a, b)
	}
	out = append(out, compareInjected(dd.injected, ours.injected)...)
	dv, ov := viewsOf(dd.finished), viewsOf(ours.finished)
	for i := range dv {
		name := dv[i]["name"]
		for _, k := range sortedKeys(union(dv[i], ov[i])) {
			d, o := valueOr(dv[i], k), valueOr(ov[i], k)
			if d != o {
				add(name+" | "+k, "dd=%s ours=%s", d, o)
			}
		}
	}
	return out
}

func namesOf(recs []mockRecord) string {
	var names []string
	for _, r := range recs {
		names = append(names, r.s.OperationName())
	}
	return strings.Join(names, ",")
}

func valueOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return absent
}

// viewsOf describes each span as comparable text: ids as the names of the
// spans they point to, values with their Go types.
func viewsOf(recs []mockRecord) []map[string]string {
	byID := map[uint64]string{}
	traces := map[uint64][]string{}
	for _, r := range recs {
		byID[r.s.SpanID()] = r.s.OperationName()
		traces[r.s.TraceID()] = append(traces[r.s.TraceID()], r.s.OperationName())
	}
	out := make([]map[string]string, len(recs))
	for i, r := range recs {
		s := r.s
		v := map[string]string{"name": s.OperationName()}
		v["Parent"] = "none"
		if p := s.ParentID(); p != 0 {
			v["Parent"] = "remote or unknown"
			if n, ok := byID[p]; ok {
				v["Parent"] = n
			}
		}
		names := append([]string(nil), traces[s.TraceID()]...)
		sort.Strings(names)
		v["Trace"] = strings.Join(names, ",")
		tid := traceIDHigh(r.ctx)
		tags := s.Tags()
		for k, val := range tags {
			v["Tags["+k+"]"] = describeValue(k, val, tid)
		}
		for _, k := range append(sortedKeys(tags), specialKeys...) {
			v["Tag("+k+")"] = describeValue(k, s.Tag(k), tid)
		}
		v["Integration"] = integrationOf(s)
		v["Links"] = fmt.Sprintf("%#v", plain(r.links))
		v["Events"] = fmt.Sprintf("%#v", plain(r.events))
		v["Context"] = fmt.Sprintf("ids match: %t, w3c: %t", r.ctx.SpanID() == s.SpanID() && r.ctx.TraceID() == s.TraceID(), tid != "")
		v["Times"] = fmt.Sprintf("finish after start: %t", !s.FinishTime().Before(s.StartTime()))
		out[i] = v
	}
	return out
}

// traceIDHigh returns the upper half of ctx's trace id in hex, when ctx
// gives the whole id and its lower half is the span's.
func traceIDHigh(ctx mockContext) string {
	w, ok := ctx.(interface{ TraceID128() string })
	if !ok {
		return ""
	}
	id := w.TraceID128()
	if len(id) != 32 || id[16:] != fmt.Sprintf("%016x", ctx.TraceID()) {
		return "bad TraceID128 " + id
	}
	return id[:16]
}

// stackRE matches what a stack trace starts with.
var stackRE = regexp.MustCompile(`^goroutine |\.go:\d+|^\S+\(`)

// describeValue prints a tag value with its Go type, masking what differs
// by nature: a stack, and the upper half of the trace id (which is checked
// against the context's instead).
func describeValue(k string, v any, tid string) string {
	switch {
	case k == "error.stack" && v != nil && v != "" && v != "<debug stack disabled>":
		if s, ok := v.(string); ok && stackRE.MatchString(s) {
			return "string <a stack>"
		}
	case k == "_dd.p.tid":
		if v == tid {
			return "string <the trace id's upper half>"
		}
	}
	return fmt.Sprintf("%T %#v", v, v)
}

// integrationOf returns s.Integration(), or "<panic>".
func integrationOf(s mockSpan) (out string) {
	defer func() {
		if recover() != nil {
			out = "<panic>"
		}
	}()
	return s.Integration()
}

// plain turns structs into maps of their exported fields and slices of
// them into []any, recursively, so that dd's types and ours compare by
// content; other values stay as they are, with their Go types.
func plain(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		if rv.IsNil() {
			return "nil slice"
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plain(rv.Index(i).Interface())
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		for i := range rv.NumField() {
			if f := rv.Type().Field(i); f.IsExported() {
				out[f.Name] = rv.Field(i).Interface()
			}
		}
		return out
	}
	return v
}
