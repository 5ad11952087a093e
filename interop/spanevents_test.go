package interop

// TestSpanEventsSameWire adds the same span events with dd-trace-go v1.74.8
// (ddtrace.AddSpanEvent) and with ours (Span.AddEvent), each against its
// own stand-in Agent, once with an Agent whose /info offers native span
// events (the span_events array) and once with one that does not (the
// "events" tag, a JSON array). Both sides are decoded with the Agent's
// decoders and compared as TestSameCallsSameWire compares them, plus every
// event field by field: name, time, and each attribute's type and values.
// Our payloads must also read the same through the receiver's converting
// decoder. A difference fails the test unless knownEventDiffs lists it
// with its reason; a listed difference no longer seen fails it too.
//
//	go test -run TestSpanEventsSameWire -v

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace/idx"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// infoNoEvents is infoNoStats from an Agent that does not take span events
// natively.
var infoNoEvents = strings.Replace(infoNoStats, `"span_events": true`, `"span_events": false`, 1)

var evAt = time.Unix(1700000000, 123456789)

type evPoint struct{ X int }

type evLevel string

// evCall is one event, made alike on both sides: on the span named span.
type evCall struct {
	span, name string
	at         time.Time
	attrs      func() map[string]any // a fresh map per call: dd keeps the caller's
}

// basicEvents are the kinds both tracers take.
var basicEvents = []evCall{
	{"ev.root", "retry", evAt, func() map[string]any {
		return map[string]any{
			"s": "x", "empty": "", "html": "<a&b>", "b": true, "f": false, "i": 42, "zero": 0, "neg": int64(-7),
			"i8": int8(-8), "u8": uint8(200), "u32": uint32(1 << 31), "u64": uint64(1 << 40), "d": 2.5, "f32": float32(1.5),
			"strs": []string{"a", ""}, "bools": []bool{true, false}, "ints": []int{0, 3}, "floats": []float64{0, 1.5},
			"none": []string{},
		}
	}},
	{"ev.root", "bare", evAt.Add(time.Second), nil},
	{"ev.root", "", evAt.Add(2 * time.Second), func() map[string]any { return map[string]any{} }},
	{"ev.child", "child.event", evAt.Add(3 * time.Second), func() map[string]any { return map[string]any{"k": "v"} }},
	{"ev.owntag", "with.tag", evAt, func() map[string]any { return map[string]any{"n": 1} }},
}

// edgeEvents are values where the tracers part, one span each so that each
// difference is its own.
func edgeEvents() []evCall {
	n := 5
	one := func(span string, v any) evCall {
		return evCall{span, "e", evAt, func() map[string]any { return map[string]any{"v": v} }}
	}
	return []evCall{
		one("edge.u64big", uint64(1<<63+5)), one("edge.u64s", []uint64{1, 1<<63 + 1}),
		one("edge.f32", float32(0.1)), one("edge.f32s", []float32{0.1}),
		one("edge.nan", math.NaN()), one("edge.inf", math.Inf(1)),
		one("edge.dur", 1500*time.Millisecond), one("edge.err", errors.New("boom")),
		one("edge.ids", idList{1, 2}), one("edge.level", evLevel("warn")),
		one("edge.struct", evPoint{1}), one("edge.ptr", &n), one("edge.nil", nil), one("edge.anys", []any{"x", 1}),
		one("edge.long", strings.Repeat("x", 30000)), one("edge.bytes", []byte("hi")),
		{"edge.emptykey", "e", evAt, func() map[string]any { return map[string]any{"": "x"} }},
		{"edge.before1970", "e", time.Unix(-10, 0), nil},
	}
}

// ddEvents runs calls with dd-trace-go: ev.child is ev.root's child, and
// ev.owntag carries a tag named "events" of its own. Every span also gets
// an event after it finished, which both tracers ignore.
func ddEvents(calls []evCall) func(t *testing.T) {
	return func(t *testing.T) {
		spans := map[string]ddtrace.Span{}
		var order []string
		var get func(name string) ddtrace.Span
		get = func(name string) ddtrace.Span {
			if s, ok := spans[name]; ok {
				return s
			}
			var opts []tracer.StartSpanOption
			if name == "ev.child" {
				opts = append(opts, tracer.ChildOf(get("ev.root").Context()))
			}
			s := tracer.StartSpan(name, opts...)
			if name == "ev.owntag" {
				s.SetTag("events", "mine")
			}
			spans[name] = s
			order = append(order, name)
			return s
		}
		for _, c := range calls {
			opts := []ddtrace.SpanEventOption{ddtrace.WithSpanEventTimestamp(c.at)}
			if c.attrs != nil {
				opts = append(opts, ddtrace.WithSpanEventAttributes(c.attrs()))
			}
			ddtrace.AddSpanEvent(get(c.span), c.name, opts...)
		}
		for i := len(order) - 1; i >= 0; i-- {
			spans[order[i]].Finish()
			ddtrace.AddSpanEvent(spans[order[i]], "late", ddtrace.WithSpanEventTimestamp(evAt))
		}
	}
}

// ourEvents is ddEvents with our API.
func ourEvents(calls []evCall) func(t *testing.T) {
	return func(t *testing.T) {
		spans := map[string]*trace.Span{}
		var order []string
		var get func(name string) *trace.Span
		get = func(name string) *trace.Span {
			if s, ok := spans[name]; ok {
				return s
			}
			var opts []trace.SpanOption
			if name == "ev.child" {
				opts = append(opts, trace.ChildOf(get("ev.root").Context()))
			}
			_, s := trace.Start(context.Background(), name, opts...)
			if name == "ev.owntag" {
				s.SetTag("events", "mine")
			}
			spans[name] = s
			order = append(order, name)
			return s
		}
		for _, c := range calls {
			e := trace.Event{Name: c.name, Time: c.at}
			if c.attrs != nil {
				e.Attributes = c.attrs()
			}
			get(c.span).AddEvent(e)
		}
		for i := len(order) - 1; i >= 0; i-- {
			spans[order[i]].Finish()
			spans[order[i]].AddEvent(trace.Event{Name: "late", Time: evAt})
		}
	}
}

// knownEventDiffs are the understood differences, keyed by "scenario |
// span | what", with the reason.
var knownEventDiffs = map[string]string{
	// Natively (span_events): dd converts with a type switch on exact types
	// and drops the rest; a uint64 past 2^63-1 wraps.
	"edges/native | edge.u64big | event 0 attr v":   "dd wraps a uint64 past 2^63-1 to a negative int; we send its decimal text",
	"edges/native | edge.u64s | event 0 attr v":     "dd wraps a uint64 past 2^63-1 to a negative int; we send the slice as decimal texts",
	"edges/native | edge.dur | event 0 attr v":      "dd drops a time.Duration (a named int64); we send its text, 1.5s",
	"edges/native | edge.err | event 0 attr v":      "dd drops an error; we send its text",
	"edges/native | edge.ids | event 0 attr v":      "dd drops a named slice type; ours has a String method: we send its text",
	"edges/native | edge.long | event 0 attr v":     "we cut strings at Limits.ValueLength (25,000 bytes), dd does not",
	"edges/native | edge.emptykey | event 0 attr ":  "we drop an attribute with an empty key, as a tag with one",
	"edges/native | edge.before1970 | event 0 time": "dd wraps a time before 1970 to a huge uint64; we send 0",
	// As the events tag: dd json.Marshals the caller's map as it is.
	"edges/tag | edge.u64big | meta events":     "dd: the number; we: its decimal text (the same value natively)",
	"edges/tag | edge.u64s | meta events":       "dd: the numbers; we: decimal texts (the same values natively)",
	"edges/tag | edge.f32 | meta events":        "dd formats a float32 with 32 bits (0.1); we hold float64 (0.10000000149011612), as both do natively",
	"edges/tag | edge.f32s | meta events":       "dd formats a float32 with 32 bits (0.1); we hold float64 (0.10000000149011612), as both do natively",
	"edges/tag | edge.nan | meta events":        "json.Marshal fails on NaN and dd loses every event of the span; we write \"NaN\"",
	"edges/tag | edge.inf | meta events":        "json.Marshal fails on +Inf and dd loses every event of the span; we write \"+Inf\"",
	"edges/tag | edge.dur | meta events":        "dd: nanoseconds as a number; we: its text, 1.5s",
	"edges/tag | edge.err | meta events":        "dd: {} (an error's exported fields); we: its text",
	"edges/tag | edge.ids | meta events":        "dd: the slice; ours has a String method: we send its text",
	"edges/tag | edge.level | meta events":      "dd: a named string type as text; we drop it, as dd does natively",
	"edges/tag | edge.struct | meta events":     "dd: the struct as JSON; we drop it, as dd does natively",
	"edges/tag | edge.ptr | meta events":        "dd: the value pointed to; we drop a pointer, as dd does natively",
	"edges/tag | edge.nil | meta events":        "dd: null; we drop it, as dd does natively",
	"edges/tag | edge.anys | meta events":       "dd: the []any as JSON; we drop it, as dd does natively",
	"edges/tag | edge.long | meta events":       "dd sends a tag past the Agent's 25,000 bytes, which the Agent cuts into invalid JSON; we leave the event out (Stats.EventsDropped)",
	"edges/tag | edge.emptykey | meta events":   "we drop an attribute with an empty key, as a tag with one",
	"edges/tag | edge.bytes | meta events":      "dd: json.Marshal's base64 text; we: the integers, as both send natively",
	"edges/tag | edge.before1970 | meta events": "dd wraps a time before 1970 to a huge uint64; we send 0",
}

func TestSpanEventsSameWire(t *testing.T) {
	scenarios := []struct {
		name  string
		calls []evCall
	}{{"basic", basicEvents}, {"edges", edgeEvents()}}
	modes := []struct{ name, info string }{{"native", infoNoStats}, {"tag", infoNoEvents}}
	found, ran := map[string]bool{}, map[string]bool{}
	for _, sc := range scenarios {
		for _, m := range modes {
			name := sc.name + "/" + m.name
			t.Run(name, func(t *testing.T) {
				ran[name] = true
				ddAgent := runDD(t, m.info, nil, false, ddEvents(sc.calls))
				ourAgent := runOursWithInfo(t, m.info, ourEvents(sc.calls))
				dd := readSide(t, "dd", ddAgent.traceRequests())
				ours := readSide(t, "ours", ourAgent.traceRequests())
				for _, req := range ourAgent.traceRequests() {
					for _, d := range idxEventDisagreements(t, req.Body) {
						t.Errorf("ours: decoders disagree on events: %s", d)
					}
				}
				diffs := append(compareSides(dd, ours), compareEvents(dd, ours)...)
				if m.name == "native" && countEvents(ours) == 0 || m.name == "tag" && countEvents(ours) != 0 {
					t.Errorf("ours sent %d events natively with /info %s", countEvents(ours), m.name)
				}
				for _, d := range diffs {
					id := name + " | " + d.id
					if reason, ok := knownEventDiffs[id]; ok {
						found[id] = true
						t.Logf("known difference %s: %s (%s)", id, d.detail, reason)
						continue
					}
					t.Errorf("difference %s: %s", id, d.detail)
				}
			})
		}
	}
	if t.Failed() {
		return
	}
	for id := range knownEventDiffs {
		if scenario, _, _ := strings.Cut(id, " | "); ran[scenario] && !found[id] {
			t.Errorf("known difference no longer seen (remove it from knownEventDiffs): %s", id)
		}
	}
}

// runOursWithInfo is runOurs against a stand-in answering /info with info,
// once our exporter has read it: how events travel depends on it.
func runOursWithInfo(t *testing.T, info string, fn func(t *testing.T)) *fakeAgent {
	t.Helper()
	fa := newFakeAgent(t, info)
	exp := agent.New(agent.WithURL(fa.srv.URL))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, ok := exp.Info(); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("our exporter never read /info")
		}
	}
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithVersion("1.2.3"),
		trace.WithSampler(ddDefaultSampling), trace.WithExporter(exp))
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)
	fn(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	return fa
}

func countEvents(s side) int {
	n := 0
	for _, sp := range s.spans {
		n += len(sp.SpanEvents)
	}
	return n
}

// compareEvents compares every span's native events field by field.
func compareEvents(dd, ours side) []wireDiff {
	var out []wireDiff
	for _, name := range sortedKeys(union(dd.spans, ours.spans)) {
		d, o := dd.spans[name], ours.spans[name]
		if d == nil || o == nil {
			continue // compareSides reports it
		}
		for i := range max(len(d.SpanEvents), len(o.SpanEvents)) {
			de, oe := eventFields(d.SpanEvents, i), eventFields(o.SpanEvents, i)
			for _, k := range sortedKeys(union(de, oe)) {
				dv, dok := de[k]
				ov, ook := oe[k]
				if !dok {
					dv = absent
				}
				if !ook {
					ov = absent
				}
				if dv != ov {
					out = append(out, wireDiff{fmt.Sprintf("%s | event %d %s", name, i, k), fmt.Sprintf("dd=%s ours=%s", clip(dv), clip(ov))})
				}
			}
		}
	}
	return out
}

// eventFields is the i-th event as "name", "time" and "attr <key>", each
// attribute with every field the decoder read; nil past the last event.
func eventFields(events []*pb.SpanEvent, i int) map[string]string {
	if i >= len(events) {
		return nil
	}
	e := events[i]
	m := map[string]string{"name": strconv.Quote(e.Name), "time": strconv.FormatUint(e.TimeUnixNano, 10)}
	for k, v := range e.Attributes {
		m["attr "+k] = pbAttr(v)
	}
	return m
}

// pbAttr formats an attribute as its type, its value of that type, and any
// other field that is set (which the Agent would ignore).
func pbAttr(v *pb.AttributeAnyValue) string {
	if v == nil {
		return "<nil>"
	}
	extra := pbExtra(int32(v.Type), v.StringValue, v.BoolValue, v.IntValue, v.DoubleValue)
	if v.Type != pb.AttributeAnyValue_ARRAY_VALUE && v.ArrayValue != nil {
		extra += " +array"
	}
	return pbValue(v) + extra
}

// pbValue formats an attribute as its type and its value of that type.
func pbValue(v *pb.AttributeAnyValue) string {
	var s string
	switch v.Type {
	case pb.AttributeAnyValue_STRING_VALUE:
		s = "string " + strconv.Quote(v.StringValue)
	case pb.AttributeAnyValue_BOOL_VALUE:
		s = "bool " + strconv.FormatBool(v.BoolValue)
	case pb.AttributeAnyValue_INT_VALUE:
		s = "int " + strconv.FormatInt(v.IntValue, 10)
	case pb.AttributeAnyValue_DOUBLE_VALUE:
		s = "double " + strconv.FormatFloat(v.DoubleValue, 'g', -1, 64)
	case pb.AttributeAnyValue_ARRAY_VALUE:
		var parts []string
		if v.ArrayValue != nil {
			for _, e := range v.ArrayValue.Values {
				parts = append(parts, pbArrayElem(e))
			}
		}
		s = "array [" + strings.Join(parts, ", ") + "]"
	default:
		s = fmt.Sprintf("type %d", v.Type)
	}
	return s
}

func pbArrayElem(v *pb.AttributeArrayValue) string {
	if v == nil {
		return "<nil>"
	}
	var s string
	switch v.Type {
	case pb.AttributeArrayValue_STRING_VALUE:
		s = "string " + strconv.Quote(v.StringValue)
	case pb.AttributeArrayValue_BOOL_VALUE:
		s = "bool " + strconv.FormatBool(v.BoolValue)
	case pb.AttributeArrayValue_INT_VALUE:
		s = "int " + strconv.FormatInt(v.IntValue, 10)
	case pb.AttributeArrayValue_DOUBLE_VALUE:
		s = "double " + strconv.FormatFloat(v.DoubleValue, 'g', -1, 64)
	default:
		s = fmt.Sprintf("type %d", v.Type)
	}
	return s + pbExtra(int32(v.Type), v.StringValue, v.BoolValue, v.IntValue, v.DoubleValue)
}

// pbExtra lists the value fields set besides the one of type typ.
func pbExtra(typ int32, str string, b bool, i int64, d float64) string {
	var out string
	if typ != 0 && str != "" {
		out += " +string"
	}
	if typ != 1 && b {
		out += " +bool"
	}
	if typ != 2 && i != 0 {
		out += " +int"
	}
	if typ != 3 && d != 0 {
		out += " +double"
	}
	return out
}

// idxEventDisagreements reports where the receiver's converting decoder
// reads a payload's span events differently from pb.Traces.
func idxEventDisagreements(t *testing.T, body []byte) []string {
	tr, tp, err := decodeBoth(body)
	if err != nil {
		t.Errorf("decoding: %v", err)
		return nil
	}
	var out []string
	for ci, chunk := range tr {
		for si, s := range chunk {
			if ci >= len(tp.Chunks) || si >= len(tp.Chunks[ci].Spans) {
				return append(out, "the decoders read different chunks")
			}
			events := tp.Chunks[ci].Spans[si].Events()
			if len(events) != len(s.SpanEvents) {
				out = append(out, fmt.Sprintf("%s: idx %d events, pb %d", s.Name, len(events), len(s.SpanEvents)))
				continue
			}
			for i, ie := range events {
				pe := s.SpanEvents[i]
				want := map[string]string{"name": pe.Name, "time": fmt.Sprint(pe.TimeUnixNano)}
				for k, v := range pe.Attributes {
					want["attr "+k] = pbValue(v)
				}
				got := map[string]string{"name": ie.Name(), "time": fmt.Sprint(ie.Time())}
				for k, v := range ie.Attributes() {
					got["attr "+ie.Strings.Get(k)] = idxAttr(v, ie.Strings)
				}
				if fmt.Sprint(want) != fmt.Sprint(got) {
					out = append(out, fmt.Sprintf("%s event %d: idx %v, pb %v", s.Name, i, got, want))
				}
			}
		}
	}
	return out
}

// idxAttr formats an idx.AnyValue as pbAttr formats the same value.
func idxAttr(v *idx.AnyValue, strs *idx.StringTable) string {
	switch x := v.Value.(type) {
	case *idx.AnyValue_StringValueRef:
		return "string " + strconv.Quote(strs.Get(x.StringValueRef))
	case *idx.AnyValue_BoolValue:
		return "bool " + strconv.FormatBool(x.BoolValue)
	case *idx.AnyValue_IntValue:
		return "int " + strconv.FormatInt(x.IntValue, 10)
	case *idx.AnyValue_DoubleValue:
		return "double " + strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
	case *idx.AnyValue_ArrayValue:
		var parts []string
		for _, e := range x.ArrayValue.GetValues() {
			parts = append(parts, idxAttr(e, strs))
		}
		return "array [" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprintf("%T", v.Value)
}
