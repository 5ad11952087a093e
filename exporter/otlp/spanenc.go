package otlp

import (
	"encoding/binary"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/ctxtrace/trace"
)

// Tags with a meaning of their own in the mapping (see the package
// documentation).
const (
	tagEnv          = "env"
	tagVersion      = "version"
	tagSpanKind     = "span.kind"
	tagErrorMessage = "error.message"
	tagErrorType    = "error.type"
	tagErrorStack   = "error.stack"
	tagTraceIDHigh  = "_dd.p.tid"
)

// spanCtx is what a span's encoding needs to know of its chunk.
type spanCtx struct {
	chunk   trace.Chunk
	first   bool // the first span of its chunk in this request's resource
	sampled bool
}

// span writes s as a Span message in field num (ScopeSpans.spans).
func (w *buf) span(num protowire.Number, s trace.Snapshot, sc spanCtx) {
	at := w.open(num)
	tid := s.TraceID()
	w.bytes(fSpanTraceID, tid[:])
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], s.SpanID())
	w.bytes(fSpanSpanID, id[:])
	if p := s.ParentID(); p != 0 {
		binary.BigEndian.PutUint64(id[:], p)
		w.bytes(fSpanParentSpanID, id[:])
	}
	w.str(fSpanName, s.Name())
	kind, kindKnown := spanKind(s)
	w.varint(fSpanKind, kind)
	w.fixed64(fSpanStart, unixNano(s.Start()))
	w.fixed64(fSpanEnd, unixNano(s.End()))
	w.spanAttrs(s, sc, kindKnown)
	w.events(s)
	w.links(s)
	if s.IsError() {
		st := w.open(fSpanStatus)
		if v, ok := s.Tag(tagErrorMessage); ok {
			w.str(fStatusMessage, v.String())
		}
		w.varint(fStatusCode, statusError)
		w.close(st)
	}
	w.fixed32(fSpanFlags, spanFlags(s, sc.sampled))
	w.close(at)
}

// spanKind returns the OTLP kind the span.kind tag names, and whether it
// named one; a span without it, or with another value, is internal.
func spanKind(s trace.Snapshot) (uint64, bool) {
	v, ok := s.Tag(tagSpanKind)
	if !ok || v.IsNumber() {
		return kindInternal, false
	}
	switch strings.ToLower(v.String()) {
	case "server":
		return kindServer, true
	case "client":
		return kindClient, true
	case "producer":
		return kindProducer, true
	case "consumer":
		return kindConsumer, true
	case "internal":
		return kindInternal, true
	}
	return kindInternal, false
}

// spanFlags returns the W3C sampled flag and whether the parent is remote:
// a local root with a parent continues a trace from elsewhere.
func spanFlags(s trace.Snapshot, sampled bool) uint32 {
	f := uint32(flagHasIsRemote)
	if sampled {
		f |= flagSampled
	}
	if s.IsLocalRoot() && s.ParentID() != 0 {
		f |= flagParentRemote
	}
	return f
}

// unixNano returns t in nanoseconds since the epoch, 0 before it.
func unixNano(t time.Time) uint64 {
	return uint64(max(t.UnixNano(), 0))
}

// spanAttrs writes the span's attributes: what the Datadog Agent's OTLP
// intake reads back into the same Datadog span, then the tags, then the
// trace-level state on the first span of the chunk.
func (w *buf) spanAttrs(s trace.Snapshot, sc spanCtx, kindKnown bool) {
	w.kvString(fSpanAttributes, "operation.name", s.Name())
	w.kvString(fSpanAttributes, "resource.name", s.Resource())
	if t := s.Type(); t != "" {
		w.kvString(fSpanAttributes, "span.type", t)
	}
	for i := range s.NumTags() {
		key, v := s.TagAt(i)
		switch {
		case key == tagEnv || key == tagVersion:
			continue // the resource's
		case key == "operation.name" || key == "resource.name" || key == "span.type" && s.Type() != "":
			continue // written above, from the span's own fields
		case key == tagSpanKind && kindKnown:
			continue // the span's kind
		case v.IsNumber():
			w.kvNumber(fSpanAttributes, key, v.Float64())
		default:
			w.kvString(fSpanAttributes, key, v.String())
		}
	}
	if base := s.BaseService(); s.Service() != "" && !strings.EqualFold(s.Service(), base) {
		if _, set := s.Tag("_dd.base_service"); !set {
			w.kvString(fSpanAttributes, "_dd.base_service", base)
		}
	}
	if o := sc.chunk.Origin(); o != "" && s.IsLocalRoot() {
		if _, set := s.Tag("_dd.origin"); !set {
			w.kvString(fSpanAttributes, "_dd.origin", o)
		}
	}
	if sc.first {
		w.traceAttrs(s, sc.chunk)
	}
}

// traceAttrs writes the chunk's propagated tags, the upper half of the
// trace id as _dd.p.tid and the sampling priority, as the Agent exporter
// writes them on the first span of each trace in a payload.
func (w *buf) traceAttrs(s trace.Snapshot, c trace.Chunk) {
	hi := s.TraceID().Upper()
	for i := range c.NumTags() {
		key, v := c.TagAt(i)
		if key == tagTraceIDHigh && hi != 0 {
			continue // written below, from the trace id itself
		}
		if _, dup := s.Tag(key); dup {
			continue
		}
		w.kvString(fSpanAttributes, key, v)
	}
	if hi != 0 {
		if _, dup := s.Tag(tagTraceIDHigh); !dup {
			var hx [16]byte
			w.kvString(fSpanAttributes, tagTraceIDHigh, string(appendHex16(hx[:0], hi)))
		}
	}
	if p, ok := c.Priority(); ok {
		if _, dup := s.Tag("_sampling_priority_v1"); !dup {
			w.kvInt(fSpanAttributes, "_sampling_priority_v1", int64(p))
		}
	}
}

// appendHex16 appends v as sixteen lowercase hex digits.
func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[(v>>uint(shift))&0xf])
	}
	return b
}

// events writes the span's events, then its error as an exception event,
// at its end: the span does not say when the error was recorded.
func (w *buf) events(s trace.Snapshot) {
	for i := range s.NumEvents() {
		e := s.EventAt(i)
		at := w.open(fSpanEvents)
		w.fixed64(fEventTime, unixNano(e.Time))
		w.str(fEventName, e.Name)
		for _, k := range slices.Sorted(maps.Keys(e.Attributes)) {
			w.kvAny(fEventAttributes, k, e.Attributes[k])
		}
		w.close(at)
	}
	if !s.IsError() {
		return
	}
	msg, hasMsg := s.Tag(tagErrorMessage)
	typ, hasType := s.Tag(tagErrorType)
	stack, hasStack := s.Tag(tagErrorStack)
	if !hasMsg && !hasType && !hasStack {
		return
	}
	at := w.open(fSpanEvents)
	w.fixed64(fEventTime, unixNano(s.End()))
	w.str(fEventName, "exception")
	if hasType {
		w.kvString(fEventAttributes, "exception.type", typ.String())
	}
	if hasMsg {
		w.kvString(fEventAttributes, "exception.message", msg.String())
	}
	if hasStack {
		w.kvString(fEventAttributes, "exception.stacktrace", stack.String())
	}
	w.close(at)
}

// links writes the span's links, span pointers (zero ids) included.
func (w *buf) links(s trace.Snapshot) {
	for i := range s.NumLinks() {
		l := s.LinkAt(i)
		at := w.open(fSpanLinks)
		w.bytes(fLinkTraceID, l.TraceID[:])
		var id [8]byte
		binary.BigEndian.PutUint64(id[:], l.SpanID)
		w.bytes(fLinkSpanID, id[:])
		w.str(fLinkTraceState, l.Tracestate)
		for _, k := range slices.Sorted(maps.Keys(l.Attributes)) {
			w.kvString(fLinkAttributes, k, l.Attributes[k])
		}
		w.fixed32(fLinkFlags, l.Flags&traceFlagsMask)
		w.close(at)
	}
}

// kvAny writes an event attribute: the kinds trace.Event keeps.
func (w *buf) kvAny(num protowire.Number, key string, v any) {
	switch v := v.(type) {
	case string:
		w.kvString(num, key, v)
	case int64:
		w.kvInt(num, key, v)
	case float64:
		w.kvDouble(num, key, v)
	case bool:
		at := w.open(num)
		w.str(fKeyValueKey, key)
		val := w.open(fKeyValueValue)
		w.b = protowire.AppendTag(w.b, fAnyBool, protowire.VarintType)
		w.b = protowire.AppendVarint(w.b, protowire.EncodeBool(v))
		w.close(val)
		w.close(at)
	case []string, []int64, []float64, []bool:
		at := w.open(num)
		w.str(fKeyValueKey, key)
		val := w.open(fKeyValueValue)
		arr := w.open(fAnyArray)
		w.array(v)
		w.close(arr)
		w.close(val)
		w.close(at)
	}
}

// array writes the values of an ArrayValue, each an AnyValue.
func (w *buf) array(v any) {
	one := func(tag protowire.Type, num protowire.Number, write func()) {
		at := w.open(fArrayVals)
		w.b = protowire.AppendTag(w.b, num, tag)
		write()
		w.close(at)
	}
	switch v := v.(type) {
	case []string:
		for _, x := range v {
			one(protowire.BytesType, fAnyString, func() { w.b = protowire.AppendString(w.b, utf8Text(x)) })
		}
	case []int64:
		for _, x := range v {
			one(protowire.VarintType, fAnyInt, func() { w.b = protowire.AppendVarint(w.b, uint64(x)) })
		}
	case []float64:
		for _, x := range v {
			one(protowire.Fixed64Type, fAnyDouble, func() { w.b = protowire.AppendFixed64(w.b, math.Float64bits(x)) })
		}
	case []bool:
		for _, x := range v {
			one(protowire.VarintType, fAnyBool, func() { w.b = protowire.AppendVarint(w.b, protowire.EncodeBool(x)) })
		}
	}
}
