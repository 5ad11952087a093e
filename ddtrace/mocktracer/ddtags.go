package mocktracer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
)

// The tags a recorded span shows are those dd-trace-go v1.74.8's mocktracer
// shows: the span's own, as the tracer stores them (strings and float64s),
// its name, service, resource and type under their ext keys, and the tags
// dd-trace-go's tracer adds to a span itself. The tracer here adds those
// only as the Agent exporter encodes a span, so they are made here, as dd
// makes them for spans its mocktracer starts.

// Keys dd-trace-go's tracer sets on spans itself.
const (
	keyLanguage          = "language"
	keyTopLevel          = "_dd.top_level"
	keyMeasured          = "_dd.measured"
	keyProfilingEnabled  = "_dd.profiling.enabled"
	keyBaseService       = "_dd.base_service"
	keyTraceIDHigh       = "_dd.p.tid"
	keyDecisionMaker     = "_dd.p.dm"
	keySamplingPriority  = "_sampling_priority_v1"
	keyPriorityTag       = "sampling.priority" // ext.SamplingPriority, deprecated
	keySpanLinks         = "_dd.span_links"
	keySpanEvents        = "events"
	debugStackDisabled   = "<debug stack disabled>"
	ownDecisionMechanism = "-0" // _dd.p.dm of the mock tracer's own sampling
)

// ddTags returns the tags of x, a span that just finished, as dd-trace-go's
// mocktracer keeps them. sp is the span x was taken from, and info what
// the mock noted as it started.
func ddTags(sp *trace.Span, x trace.Snapshot, info *startInfo) map[string]any {
	m := make(map[string]any, x.NumTags()+10)
	for k, v := range x.Tags() {
		m[k] = v.Any()
	}
	m[ext.SpanName] = x.Name()
	m[ext.ServiceName] = x.Service()
	m[ext.ResourceName] = x.Resource()
	m[ext.SpanType] = x.Type()
	// dd sets the language before the start options' tags, so one of
	// them may replace it; the others it sets after.
	if _, ok := m[keyLanguage]; !ok {
		m[keyLanguage] = "go"
	}
	if x.IsTopLevel() {
		// A top-level span is measured anyway: dd drops the tag.
		m[keyTopLevel] = 1.0
		delete(m, keyMeasured)
	}
	prio, hasPrio := info.prio, info.ok
	if x.IsLocalRoot() {
		m[keyProfilingEnabled] = 0.0
		// The root shows its trace's state when it finishes: the final
		// priority, and the trace's propagated tags.
		sc := sp.Context()
		prio, hasPrio = shownPriority(sc)
		traceTags(m, x, sc, hasPrio)
	}
	if hasPrio {
		m[keySamplingPriority] = prio
	}
	if svc, base := x.Service(), x.BaseService(); svc != "" && !strings.EqualFold(svc, base) {
		m[keyBaseService] = base
	}
	if x.NumLinks() > 0 {
		if b, err := json.Marshal(linksOf(x)); err == nil {
			m[keySpanLinks] = string(b)
		}
	}
	if ev := eventsJSON(x); ev != "" {
		m[keySpanEvents] = ev
	}
	return m
}

// traceTags adds the trace-level tags dd-trace-go puts on the first span
// of a chunk: the upper half of the trace id and the propagated tags
// (_dd.p.*), the decision maker only when the priority shows.
func traceTags(m map[string]any, x trace.Snapshot, sc trace.SpanContext, hasPrio bool) {
	if hi := x.TraceID().Upper(); hi != 0 {
		m[keyTraceIDHigh] = fmt.Sprintf("%016x", hi)
	}
	for k, v := range sc.Tags() {
		if k != keyDecisionMaker || hasPrio {
			m[k] = v
		}
	}
}

// shownPriority returns the sampling priority a trace shows in dd-trace-go's
// mocktracer, which samples nothing: one set by hand (ext.ManualKeep,
// ext.SamplingPriority...) or received from a remote parent; not the one the
// mock tracer's own sampler gave the trace (PriorityAutoKeep, mechanism 0).
func shownPriority(sc trace.SpanContext) (float64, bool) {
	p, ok := sc.Priority()
	if !ok {
		return 0, false
	}
	if dm, _ := sc.Tag(keyDecisionMaker); p == trace.PriorityAutoKeep && dm == ownDecisionMechanism {
		return 0, false
	}
	return float64(p), true
}

// linksOf returns x's links in dd-trace-go's shape.
func linksOf(x trace.Snapshot) []ddtrace.SpanLink {
	n := x.NumLinks()
	if n == 0 {
		return nil
	}
	out := make([]ddtrace.SpanLink, n)
	for i := range n {
		l := x.LinkAt(i)
		out[i] = ddtrace.SpanLink{
			TraceID: l.TraceID.Lower(), TraceIDHigh: l.TraceID.Upper(), SpanID: l.SpanID,
			Attributes: l.Attributes, Tracestate: l.Tracestate, Flags: l.Flags,
		}
	}
	return out
}

// eventJSON is an event as dd-trace-go encodes it in the "events" tag of
// a span, when the Agent takes no span events of its own (as for spans
// its mocktracer starts).
type eventJSON struct {
	Name         string         `json:"name"`
	TimeUnixNano uint64         `json:"time_unix_nano"`
	Attributes   map[string]any `json:"attributes,omitempty"`
}

// eventsJSON returns x's events as dd-trace-go's "events" tag holds them,
// or "" for none. As in dd, events that JSON cannot encode (a NaN) are
// all left out.
func eventsJSON(x trace.Snapshot) string {
	n := x.NumEvents()
	if n == 0 {
		return ""
	}
	list := make([]eventJSON, n)
	for i := range n {
		e := x.EventAt(i)
		list[i] = eventJSON{Name: e.Name, TimeUnixNano: uint64(e.Time.UnixNano()), Attributes: e.Attributes}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return ""
	}
	return string(b)
}

// ddTag returns tag k of tags, as dd-trace-go's mocktracer Span.Tag does:
// some keys read back with a type of their own.
func ddTag(tags map[string]any, k string) any {
	switch k {
	case ext.Error:
		if msg, ok := tags[ext.ErrorMsg]; ok {
			return errorOf(msg)
		}
		return nil
	case ext.HTTPCode, ext.MessagingKafkaPartition, ext.NetworkDestinationPort, ext.RedisDatabaseIndex:
		if f, ok := tags[k].(float64); ok {
			return int(f)
		}
		return tags[k]
	case keyPriorityTag:
		if f, ok := tags[keySamplingPriority].(float64); ok {
			return int(f)
		}
		return 0
	case ext.ErrorStack:
		if v, ok := tags[k]; ok && v != "" {
			return v
		}
		if _, ok := tags[ext.ErrorMsg]; ok {
			// An error without a stack: it was turned off.
			return debugStackDisabled
		}
		return nil
	}
	return tags[k]
}

// ddTagMap returns a copy of tags as dd-trace-go's mocktracer Span.Tags
// does: with the error under ext.Error, and a stack for it.
func ddTagMap(tags map[string]any) map[string]any {
	m := make(map[string]any, len(tags)+2)
	for k, v := range tags {
		m[k] = v
	}
	if msg, ok := m[ext.ErrorMsg]; ok {
		m[ext.Error] = errorOf(msg)
		if v, ok := m[ext.ErrorStack]; !ok || v == "" {
			m[ext.ErrorStack] = debugStackDisabled
		}
	}
	return m
}

// errorOf returns an error whose message is msg: a string, or a number
// when someone set error.message to one (where dd's mocktracer panics).
func errorOf(msg any) error {
	if s, ok := msg.(string); ok {
		return errors.New(s)
	}
	return errors.New(fmt.Sprint(msg))
}
