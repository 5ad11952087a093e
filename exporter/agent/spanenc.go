package agent

import (
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/id"
)

// span encodes one span map. first marks the first span of a trace in the
// payload, which carries the trace-level tags, as dd-trace-go does. It
// reads tags by index and keeps its counts in the encoder: closures and
// iterators here would cost allocations on every span.
func (e *encoder) span(c trace.Chunk, idx int, first bool) {
	s := c.Span(idx)
	links := s.NumLinks()
	e.ev = evNone
	if s.NumEvents() > 0 {
		e.eventsHow()
	}
	e.head(s, links)
	reserved := e.metaMap(c, s, first, links)
	e.metricsMap(c, s, idx, reserved)
	e.tail(s, links)
}

// metaMap writes meta: the span's text tags, then what the wire adds. It
// returns the reserved keys the span set itself (reservedBit).
func (e *encoder) metaMap(c trace.Chunk, s trace.Snapshot, first bool, links int) int {
	k, n := e.k, s.NumTags()
	at := e.openMap(k.meta)
	reserved := 0
	// The events, when they travel as a tag, replace a tag of the span's
	// named "events", as in dd-trace-go.
	eventsTag := e.ev == evTag
	for i := range n {
		key, v := s.TagAt(i)
		reserved |= reservedBit(key)
		if !v.IsNumber() && !(eventsTag && key == "events") {
			e.meta(key, v.String())
		}
	}
	if reserved&hasLanguage == 0 {
		e.raw(k.language)
	}
	if reserved&hasRuntimeID == 0 {
		e.raw(k.runtimeID)
	}
	if s.IsLocalRoot() && reserved&hasOrigin == 0 {
		if o := c.Origin(); o != "" {
			e.meta("_dd.origin", o)
		}
	}
	if base := s.BaseService(); reserved&hasBaseService == 0 && s.Service() != "" && !strings.EqualFold(s.Service(), base) {
		e.meta("_dd.base_service", base)
	}
	if links > 0 && reserved&hasSpanLinks == 0 {
		e.meta("_dd.span_links", linksJSON(s))
	}
	if eventsTag {
		e.eventsTag(s)
	}
	if first {
		hi := s.TraceID().Upper()
		for i := range c.NumTags() {
			key, v := c.TagAt(i)
			if key == "_dd.p.tid" && hi != 0 {
				continue // written below, from the trace id itself
			}
			if reserved&hasTraceTag != 0 {
				if _, dup := s.Tag(key); dup {
					continue
				}
			}
			e.meta(key, v)
		}
		if hi != 0 && reserved&hasTID == 0 {
			e.tid(hi)
		}
	}
	e.patch(at)
	return reserved
}

// metricsMap writes metrics: the span's numeric tags, then what the wire
// adds.
func (e *encoder) metricsMap(c trace.Chunk, s trace.Snapshot, idx, reserved int) {
	k, n := e.k, s.NumTags()
	at := e.openMap(k.metrics)
	// dd-trace-go deletes _dd.measured from top-level spans: the Agent
	// computes their statistics anyway. The key costs a comparison only
	// on the spans that carry it.
	skipMeasured := reserved&hasMeasured != 0 && s.IsTopLevel()
	for i := range n {
		if key, v := s.TagAt(i); v.IsNumber() && !(skipMeasured && key == "_dd.measured") {
			e.metric(key, v.Float64())
		}
	}
	if p, ok := c.Priority(); ok && reserved&hasPriority == 0 {
		e.metric("_sampling_priority_v1", float64(p))
	}
	if reserved&hasProcessID == 0 {
		e.raw(k.processID)
	}
	if s.IsLocalRoot() && reserved&hasProfiling == 0 {
		// No profiler runs beside this tracer; dd-trace-go says so on roots.
		e.raw(k.profiling)
	}
	if d := e.kept; d != nil && d[idx].keep {
		e.metric("_dd.span_sampling.mechanism", 8)
		e.metric("_dd.span_sampling.rule_rate", d[idx].rate)
		if d[idx].maxPerSecond > 0 {
			e.metric("_dd.span_sampling.max_per_second", d[idx].maxPerSecond)
		}
	}
	if s.IsTopLevel() {
		if reserved&hasTopLevel == 0 {
			e.raw(k.topLevel)
		}
		if reserved&hasSchema == 0 {
			e.raw(k.schema)
		}
	}
	e.patch(at)
}

// head writes what comes before meta: a map header and the first fields in
// v0.4, the fixed array of twelve in v0.5.
func (e *encoder) head(s trace.Snapshot, links int) {
	buf, k := &e.p.buf, e.k
	if e.p.v05 {
		buf.WriteByte(0x90 | 12)
		e.str(s.Service())
		e.str(s.Name())
		e.str(s.Resource())
		buf.putUint(s.TraceID().Lower())
		buf.putUint(s.SpanID())
		buf.putUint(s.ParentID())
		buf.putInt(s.Start().UnixNano())
		buf.putInt(int64(s.Duration()))
	} else {
		fields := 11
		if s.Type() != "" {
			fields++
		}
		if links > 0 {
			fields++
		}
		if e.ev == evNative {
			fields++
		}
		buf.putMapLen(fields)
		buf.Write(k.service)
		e.str(s.Service())
		buf.Write(k.name)
		e.str(s.Name())
		buf.Write(k.resource)
		e.str(s.Resource())
		if s.Type() != "" {
			buf.Write(k.typ)
			e.str(s.Type())
		}
		buf.Write(k.traceID)
		buf.putUint(s.TraceID().Lower())
		buf.Write(k.spanID)
		buf.putUint(s.SpanID())
		buf.Write(k.parentID)
		buf.putUint(s.ParentID())
		buf.Write(k.start)
		buf.putInt(s.Start().UnixNano())
		buf.Write(k.duration)
		buf.putInt(int64(s.Duration()))
	}
	if s.IsError() {
		buf.Write(k.errorOne)
	} else {
		buf.Write(k.errorZero)
	}
}

// tail writes what comes after metrics: the span links and events in v0.4
// (v0.5 has no field for them: the _dd.span_links and events tags carry
// them), the type in v0.5.
func (e *encoder) tail(s trace.Snapshot, links int) {
	if e.p.v05 {
		e.str(s.Type())
		return
	}
	if links > 0 {
		e.p.buf.Write(e.k.spanLinks)
		e.links(s)
	}
	if e.ev == evNative {
		e.events(s)
	}
}

// tid writes the _dd.p.tid pair: sixteen hex digits from a stack buffer,
// as a msgpack fixstr (0xa0|16) in v0.4: a string made for the encoder
// would be an allocation per trace.
func (e *encoder) tid(hi uint64) {
	var hx [17]byte
	hx[0] = 0xa0 | 16
	id.AppendHex16(hx[1:1], hi)
	e.p.buf.Write(e.k.tidKey)
	if e.p.v05 {
		e.p.buf.putUint(uint64(e.dict.indexBytes(hx[1:])))
	} else {
		e.p.buf.Write(hx[:])
	}
	e.count++
}

// openMap starts the meta or metrics map, after its key in v0.4 (a v0.5
// span's fields have no keys), with a 32-bit header that patch fills in;
// it returns where the header is.
func (e *encoder) openMap(key []byte) int {
	buf := &e.p.buf
	if !e.p.v05 {
		buf.Write(key)
	}
	at := buf.Len()
	buf.Write([]byte{map32, 0, 0, 0, 0})
	e.count = 0
	return at
}
