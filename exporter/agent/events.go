package agent

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ctxtrace/trace"
)

// Span events travel as dd-trace-go v2.3.0 sends them. When the Agent's
// /info says "span_events": true, a v0.4 span carries them in its
// span_events array, each event a map of name, time_unix_nano and
// attributes, each attribute a map of its type and its value (the Agent's
// pbgo/trace SpanEvent and AttributeAnyValue). Otherwise, and always in
// v0.5, which has no field for them, they are the "events" tag: a JSON
// array of {"name", "time_unix_nano", "attributes"}, which is also how the
// Agent's own OTLP receiver hands events on. The Agent cuts a tag's value
// at 25,000 bytes, which would break the JSON: events that would take the
// tag past it are left out and counted (Stats.EventsDropped).

// maxEventsTag is the Agent's limit on a tag's value (MaxMetaValLen).
const maxEventsTag = 25000

// The attribute types of the Agent's AttributeAnyValue.
const (
	attrString = 0
	attrBool   = 1
	attrInt    = 2
	attrDouble = 3
	attrArray  = 4
)

// eventsWay is how a span's events travel.
type eventsWay uint8

const (
	evNone   eventsWay = iota // the span has none
	evNative                  // the span_events array
	evTag                     // the events tag
)

// eventsHow decides, once per span that has events, how they travel:
// head, metaMap and tail must agree even if /info answers meanwhile.
func (e *encoder) eventsHow() {
	e.ev = evTag
	if !e.p.v05 && e.spanEvents() {
		e.ev = evNative
	}
}

// events writes the span_events array, with every field, as dd-trace-go
// does; an attribute's value only when it is not the zero value, as
// dd-trace-go's omitempty does. Attributes go in the order of their keys.
func (e *encoder) events(s trace.Snapshot) {
	e.str("span_events")
	n := s.NumEvents()
	_ = e.enc.EncodeArrayLen(n)
	for i := range n {
		ev := s.EventAt(i)
		_ = e.enc.EncodeMapLen(3)
		e.str("name")
		e.str(ev.Name)
		e.str("time_unix_nano")
		_ = e.enc.EncodeUint(unixNano(ev.Time))
		e.str("attributes")
		_ = e.enc.EncodeMapLen(len(ev.Attributes))
		for _, k := range slices.Sorted(maps.Keys(ev.Attributes)) {
			e.str(k)
			e.attr(ev.Attributes[k])
		}
	}
}

// attr writes one attribute value: a scalar, or an array of scalars.
func (e *encoder) attr(v any) {
	var n int
	var at func(i int) any
	switch v := v.(type) {
	case []string:
		n, at = len(v), func(i int) any { return v[i] }
	case []bool:
		n, at = len(v), func(i int) any { return v[i] }
	case []int64:
		n, at = len(v), func(i int) any { return v[i] }
	case []float64:
		n, at = len(v), func(i int) any { return v[i] }
	default:
		e.scalar(v)
		return
	}
	_ = e.enc.EncodeMapLen(2)
	e.str("type")
	_ = e.enc.EncodeInt(attrArray)
	e.str("array_value")
	_ = e.enc.EncodeMapLen(1)
	e.str("values")
	_ = e.enc.EncodeArrayLen(n)
	for i := range n {
		e.scalar(at(i))
	}
}

// scalar writes {type, <kind>_value}, leaving out a zero value.
func (e *encoder) scalar(v any) {
	typ, key := attrString, ""
	switch x := v.(type) {
	case string:
		if x != "" {
			key = "string_value"
		}
	case bool:
		typ = attrBool
		if x {
			key = "bool_value"
		}
	case int64:
		typ = attrInt
		if x != 0 {
			key = "int_value"
		}
	case float64:
		typ = attrDouble
		if x != 0 {
			key = "double_value"
		}
	}
	if key == "" {
		_ = e.enc.EncodeMapLen(1)
	} else {
		_ = e.enc.EncodeMapLen(2)
	}
	e.str("type")
	_ = e.enc.EncodeInt(int64(typ))
	if key == "" {
		return
	}
	e.str(key)
	switch x := v.(type) {
	case string:
		e.str(x)
	case bool:
		_ = e.enc.EncodeBool(x)
	case int64:
		_ = e.enc.EncodeInt(x)
	case float64:
		_ = e.enc.EncodeFloat64(x)
	}
}

// eventsTag writes the "events" tag: the events that fit in the Agent's
// limit, in order; evDropped counts the others.
func (e *encoder) eventsTag(s trace.Snapshot) {
	type jsonEvent struct {
		Name         string         `json:"name"`
		TimeUnixNano uint64         `json:"time_unix_nano"`
		Attributes   map[string]any `json:"attributes,omitempty"`
	}
	e.evDropped = 0
	b := []byte{'['}
	for i := range s.NumEvents() {
		ev := s.EventAt(i)
		for k, v := range ev.Attributes {
			ev.Attributes[k] = jsonSafe(v)
		}
		one, err := json.Marshal(jsonEvent{ev.Name, unixNano(ev.Time), ev.Attributes})
		if err != nil || len(b)+len(one)+1 > maxEventsTag {
			e.evDropped++
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, one...)
	}
	if len(b) > 1 {
		e.meta("events", string(append(b, ']')))
	}
}

// settleEvents counts the events the span just written left out, once the
// span is in the payload for good (chunk may take a span back out and
// write it again in the next payload).
func (e *encoder) settleEvents() {
	if e.ev == evTag && e.evDropped > 0 && e.eventsDropped != nil {
		e.eventsDropped.Add(uint64(e.evDropped))
	}
}

// jsonSafe replaces what JSON cannot hold, NaN and the infinities, by the
// strings "NaN", "+Inf" and "-Inf": json.Marshal would fail on them, and
// dd-trace-go then loses every event of the span.
func jsonSafe(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
	case []float64:
		if slices.ContainsFunc(x, func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }) {
			out := make([]any, len(x))
			for i, f := range x {
				out[i] = jsonSafe(f)
			}
			return out
		}
	}
	return v
}

// unixNano is t in nanoseconds since the Unix epoch, 0 before it.
func unixNano(t time.Time) uint64 { return uint64(max(t.UnixNano(), 0)) }
