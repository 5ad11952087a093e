package otelcol

import (
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"strings"

	"github.com/ctxtrace/trace"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// otlpSpan is a span as the Collector wrote it, or as the mapping says it
// should arrive, in plain values that go-cmp compares: attributes as
// pcommon.Value.AsRaw gives them (string, int64, float64, bool, []any).
type otlpSpan struct {
	Resource      map[string]any
	Scope         string
	TraceID       string
	SpanID        string
	ParentID      string
	TraceState    string
	Name          string
	Kind          string
	Start, End    uint64
	Flags         uint32
	Attributes    map[string]any
	Events        []otlpEvent
	Links         []otlpLink
	StatusCode    string
	StatusMessage string
	Dropped       [3]uint32 // dropped attributes, events, links
}

type otlpEvent struct {
	Name       string
	Time       uint64
	Attributes map[string]any
}

type otlpLink struct {
	TraceID, SpanID, TraceState string
	Flags                       uint32
	Attributes                  map[string]any
}

// The differences between a span as the tracer recorded it and as it
// arrives over OTLP: each is something OTLP has no place for, or a choice
// of the mapping (exporter/otlp's package documentation). expectSpan
// applies them; nothing else may differ.
var differences = [][2]string{
	{"tags env and version", "resource attributes deployment.environment.name and service.version, not span attributes: OTLP keeps them per resource"},
	{"service", "resource attribute service.name; one ResourceSpans per service, env and version"},
	{"name, resource, type", "span name and attribute operation.name; attributes resource.name, span.type: OTLP has no resource or type"},
	{"tag span.kind", "Span.kind when it names a kind (any case), and no attribute; another value stays an attribute, kind INTERNAL"},
	{"numeric tags", "int attributes when whole and below 2^53 (3.0 arrives as 3), double otherwise: the tracer keeps numbers as float64"},
	{"bool tags", "string attributes \"true\"/\"false\": the tracer stores bools as text, as dd-trace-go"},
	{"integers beyond 2^53", "string attributes: the tracer keeps them as decimal text"},
	{"error", "status ERROR with error.message, and an exception event at the span's end; the error.* tags stay as attributes"},
	{"trace-level state", "_dd.p.* tags, _dd.p.tid and _sampling_priority_v1 on one span per trace in each request and resource, as the Agent exporter writes them"},
	{"origin, base service", "_dd.origin on the local root, _dd.base_service on spans of another service: Datadog's attributes"},
	{"flags", "W3C sampled bit; bits 8-9: whether the parent is remote (local roots with a parent)"},
	{"link flags", "only the W3C byte (the tracer's Link.Flags & 0xff)"},
	{"baggage", "not exported (OTLP has no field for it; the Agent exporter does not send it either)"},
	{"span tracestate", "empty: the tracer does not expose a span's own W3C tracestate to exporters"},
	{"unsampled traces", "not sent, counted in Stats.Dropped.Unsampled, as an OpenTelemetry SDK exports only sampled spans"},
}

// scopeName is the instrumentation scope of every span.
const scopeName = "github.com/ctxtrace/trace"

// expectSpan returns how s, of chunk c, should arrive, trace-level state
// apart (see traceAttrs), and the resource attributes of this SDK
// (telemetry.sdk.*) apart.
func expectSpan(s trace.Snapshot, c trace.Chunk) otlpSpan {
	want := otlpSpan{
		Resource:   map[string]any{"service.name": s.Service()},
		Scope:      scopeName,
		TraceID:    hexID(s.TraceID()),
		SpanID:     fmt.Sprintf("%016x", s.SpanID()),
		Name:       s.Name(),
		Kind:       "Internal",
		Start:      uint64(s.Start().UnixNano()),
		End:        uint64(s.End().UnixNano()),
		Flags:      0x100,
		Attributes: map[string]any{"operation.name": s.Name(), "resource.name": s.Resource()},
		StatusCode: "Unset",
	}
	if p := s.ParentID(); p != 0 {
		want.ParentID = fmt.Sprintf("%016x", p)
	}
	if p, ok := c.Priority(); !ok || p.Keep() {
		want.Flags |= 0x01
	}
	if s.IsLocalRoot() && s.ParentID() != 0 {
		want.Flags |= 0x200
	}
	if t := s.Type(); t != "" {
		want.Attributes["span.type"] = t
	}
	for key, v := range s.Tags() {
		switch {
		case key == "env":
			want.Resource["deployment.environment.name"] = v.String()
		case key == "version":
			want.Resource["service.version"] = v.String()
		case key == "span.kind" && knownKind(v) != "":
			want.Kind = knownKind(v)
		case v.IsNumber():
			want.Attributes[key] = number(v.Float64())
		default:
			want.Attributes[key] = v.String()
		}
	}
	if s.Service() != s.BaseService() {
		want.Attributes["_dd.base_service"] = s.BaseService()
	}
	if o := c.Origin(); o != "" && s.IsLocalRoot() {
		want.Attributes["_dd.origin"] = o
	}
	for i := range s.NumEvents() {
		e := s.EventAt(i)
		want.Events = append(want.Events, otlpEvent{Name: e.Name, Time: uint64(e.Time.UnixNano()), Attributes: rawAll(e.Attributes)})
	}
	if s.IsError() {
		want.StatusCode = "Error"
		want.StatusMessage = tagText(s, "error.message")
		if e := exceptionEvent(s); len(e.Attributes) > 0 {
			want.Events = append(want.Events, e)
		}
	}
	for i := range s.NumLinks() {
		l := s.LinkAt(i)
		attrs := map[string]any{}
		for k, v := range l.Attributes {
			attrs[k] = v
		}
		want.Links = append(want.Links, otlpLink{TraceID: hexID(l.TraceID), SpanID: fmt.Sprintf("%016x", l.SpanID),
			TraceState: l.Tracestate, Flags: l.Flags & 0xff, Attributes: attrs})
	}
	return want
}

// exceptionEvent is the event that carries a span's error.
func exceptionEvent(s trace.Snapshot) otlpEvent {
	e := otlpEvent{Name: "exception", Time: uint64(s.End().UnixNano()), Attributes: map[string]any{}}
	for tag, attr := range map[string]string{"error.type": "exception.type", "error.message": "exception.message",
		"error.stack": "exception.stacktrace"} {
		if v, ok := s.Tag(tag); ok {
			e.Attributes[attr] = v.String()
		}
	}
	return e
}

func tagText(s trace.Snapshot, key string) string {
	v, _ := s.Tag(key)
	return v.String()
}

// knownKind returns the pdata name of the kind a span.kind tag names, or "".
func knownKind(v trace.Value) string {
	if v.IsNumber() {
		return ""
	}
	switch strings.ToLower(v.String()) {
	case "server":
		return "Server"
	case "client":
		return "Client"
	case "producer":
		return "Producer"
	case "consumer":
		return "Consumer"
	case "internal":
		return "Internal"
	}
	return ""
}

// number is a numeric tag as the mapping sends it.
func number(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 && !(f == 0 && math.Signbit(f)) {
		return int64(f)
	}
	return f
}

// rawAll turns event attributes (the kinds trace.Event keeps) into what
// AsRaw returns for them.
func rawAll(attrs map[string]any) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		switch v := v.(type) {
		case []string:
			out[k] = anySlice(v)
		case []int64:
			out[k] = anySlice(v)
		case []float64:
			out[k] = anySlice(v)
		case []bool:
			out[k] = anySlice(v)
		default:
			out[k] = v
		}
	}
	return out
}

func anySlice[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func hexID(id trace.TraceID) string { return hex.EncodeToString(id[:]) }

// traceAttrs returns the trace-level attributes a chunk's spans may carry
// (one span per trace in each request and resource), as the mapping sends
// them.
func traceAttrs(c trace.Chunk) map[string]any {
	out := map[string]any{}
	hi := c.TraceID().Upper()
	for i := range c.NumTags() {
		k, v := c.TagAt(i)
		out[k] = v
	}
	if hi != 0 {
		out["_dd.p.tid"] = fmt.Sprintf("%016x", hi)
	}
	if p, ok := c.Priority(); ok {
		out["_sampling_priority_v1"] = int64(p)
	}
	return out
}

// fromOTLP reads a span as the Collector wrote it.
func fromOTLP(res pcommon.Resource, scope pcommon.InstrumentationScope, s ptrace.Span) otlpSpan {
	tid, sid := s.TraceID(), s.SpanID()
	got := otlpSpan{
		Resource:      res.Attributes().AsRaw(),
		Scope:         scope.Name(),
		TraceID:       hex.EncodeToString(tid[:]),
		SpanID:        hex.EncodeToString(sid[:]),
		TraceState:    s.TraceState().AsRaw(),
		Name:          s.Name(),
		Kind:          s.Kind().String(),
		Start:         uint64(s.StartTimestamp()),
		End:           uint64(s.EndTimestamp()),
		Flags:         s.Flags(),
		Attributes:    s.Attributes().AsRaw(),
		StatusCode:    s.Status().Code().String(),
		StatusMessage: s.Status().Message(),
		Dropped:       [3]uint32{s.DroppedAttributesCount(), s.DroppedEventsCount(), s.DroppedLinksCount()},
	}
	if pid := s.ParentSpanID(); !pid.IsEmpty() {
		got.ParentID = hex.EncodeToString(pid[:])
	}
	for i := range s.Events().Len() {
		e := s.Events().At(i)
		got.Events = append(got.Events, otlpEvent{Name: e.Name(), Time: uint64(e.Timestamp()), Attributes: e.Attributes().AsRaw()})
	}
	for i := range s.Links().Len() {
		l := s.Links().At(i)
		ltid, lsid := l.TraceID(), l.SpanID()
		got.Links = append(got.Links, otlpLink{TraceID: hex.EncodeToString(ltid[:]), SpanID: hex.EncodeToString(lsid[:]),
			TraceState: l.TraceState().AsRaw(), Flags: l.Flags(), Attributes: l.Attributes().AsRaw()})
	}
	return got
}

// splitTraceAttrs moves out of got the trace-level attributes that are not
// the span's own tags: what the mapping puts on one span per trace.
func splitTraceAttrs(got *otlpSpan, own trace.Snapshot, c trace.Chunk) map[string]any {
	out := map[string]any{}
	for k := range traceAttrs(c) {
		if _, isTag := own.Tag(k); isTag {
			continue
		}
		if v, ok := got.Attributes[k]; ok {
			out[k] = v
			delete(got.Attributes, k)
		}
	}
	return out
}

// withoutSDK removes the telemetry.sdk.* resource attributes, returning
// them.
func withoutSDK(res map[string]any) map[string]any {
	sdk := map[string]any{}
	for k, v := range maps.Clone(res) {
		if strings.HasPrefix(k, "telemetry.sdk.") {
			sdk[k] = v
			delete(res, k)
		}
	}
	return sdk
}
