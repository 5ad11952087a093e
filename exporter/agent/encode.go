package agent

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace"
)

// The Agent's v0.4 payload is a msgpack array of traces, each an array of
// span maps. Arrays and maps whose lengths are known only once their
// elements are written get a 32-bit header (0xdd, 0xdf and four bytes),
// patched afterwards: msgpack allows a wide header for a short array, the
// Agent's decoder reads it, and the encoder streams every span once, into
// one buffer, without counting first.
const (
	array32 = 0xdd
	map32   = 0xdf
)

// payload is a v0.4 request body being built or waiting to be sent.
type payload struct {
	buf    bytes.Buffer
	traces int
	spans  int
}

// payloads keeps a few payload buffers for reuse: a buffer grows to the
// flush size by doubling, and growing a fresh one for every payload cost
// a third of the encoder's time (BenchmarkEncode).
type payloads chan *payload

func (f payloads) get() *payload {
	var p *payload
	select {
	case p = <-f:
		p.buf.Reset()
		p.traces, p.spans = 0, 0
	default:
		p = &payload{}
	}
	p.buf.Write([]byte{array32, 0, 0, 0, 0})
	return p
}

// put returns p for reuse, unless the spare list is full or p grew past
// what one payload normally needs.
func (f payloads) put(p *payload, maxKeep int) {
	if p.buf.Cap() > maxKeep {
		return
	}
	select {
	case f <- p:
	default:
	}
}

// seal writes the trace count into the header.
func (p *payload) seal() []byte {
	b := p.buf.Bytes()
	binary.BigEndian.PutUint32(b[1:5], uint32(p.traces))
	return b
}

// encoder writes chunks into payloads, starting a new payload whenever the
// next span would make one reach the maximum size.
type encoder struct {
	enc        *msgpack.Encoder
	p          *payload
	maxPayload int
	pid        float64
	runtimeID  string
	count      int // entries of the map being written
	free       payloads

	// emit receives every payload that is full; tooLarge counts spans that
	// cannot fit even in an empty payload.
	emit     func(*payload)
	tooLarge func(n int)
}

func newEncoder(maxPayload int, free payloads, emit func(*payload), tooLarge func(int)) *encoder {
	e := &encoder{
		free:       free,
		enc:        msgpack.NewEncoder(nil),
		maxPayload: maxPayload,
		pid:        float64(os.Getpid()),
		runtimeID:  runtimeID,
		emit:       emit,
		tooLarge:   tooLarge,
	}
	e.reset()
	return e
}

func (e *encoder) reset() {
	e.p = e.free.get()
	e.enc.Reset(&e.p.buf)
}

// take hands the current payload on, if it holds anything, and starts a
// new one.
func (e *encoder) take() {
	if e.p.traces == 0 {
		return
	}
	p := e.p
	e.reset()
	e.emit(p)
}

// chunk encodes one chunk as one trace, or as several when it does not fit
// in what is left of a payload.
//
// The local root, if the chunk has it, goes first: the first span of each
// trace carries the trace-level tags, and dd-trace-go puts them on the
// first span its trace started, the root. The order of spans within a
// trace means nothing to the Agent.
func (e *encoder) chunk(c trace.Chunk) {
	n := c.Len()
	root := 0
	for i, s := range c.Spans() {
		if s.IsLocalRoot() {
			root = i
			break
		}
	}
	// at maps the encoding order to the chunk's: the root, then the rest.
	at := func(j int) int {
		switch {
		case j == 0:
			return root
		case j <= root:
			return j - 1
		}
		return j
	}
	for i := 0; i < n; {
		traceStart := e.p.buf.Len()
		e.p.buf.Write([]byte{array32, 0, 0, 0, 0})
		count := 0
		for ; i < n; i++ {
			before := e.p.buf.Len()
			e.span(c, c.Span(at(i)), count == 0)
			if e.p.buf.Len() < e.maxPayload {
				count++
				continue
			}
			// The span overflowed the payload: take it back out.
			e.p.buf.Truncate(before)
			if count == 0 && e.p.traces == 0 {
				// Alone in an empty payload and still too large.
				e.tooLarge(1)
				i++
			}
			break
		}
		if count == 0 {
			e.p.buf.Truncate(traceStart)
		} else {
			binary.BigEndian.PutUint32(e.p.buf.Bytes()[traceStart+1:], uint32(count))
			e.p.traces++
			e.p.spans += count
		}
		if i < n {
			e.take() // full: the rest of the chunk goes in the next payload
		}
	}
}

// span encodes one span map. first marks the first span of a trace in the
// payload, which carries the trace-level tags, as dd-trace-go does. It
// reads tags by index and keeps its counts in the encoder: closures and
// iterators here would cost allocations on every span.
func (e *encoder) span(c trace.Chunk, s trace.Snapshot, first bool) {
	enc, buf := e.enc, &e.p.buf
	fields := 11
	if s.Type() != "" {
		fields++
	}
	if s.NumLinks() > 0 {
		fields++
	}
	_ = enc.EncodeMapLen(fields)
	e.str("service")
	e.str(s.Service())
	e.str("name")
	e.str(s.Name())
	e.str("resource")
	e.str(s.Resource())
	if s.Type() != "" {
		e.str("type")
		e.str(s.Type())
	}
	e.str("trace_id")
	_ = enc.EncodeUint(s.TraceID().Lower())
	e.str("span_id")
	_ = enc.EncodeUint(s.SpanID())
	e.str("parent_id")
	_ = enc.EncodeUint(s.ParentID())
	e.str("start")
	_ = enc.EncodeInt(s.Start().UnixNano())
	e.str("duration")
	_ = enc.EncodeInt(int64(s.Duration()))
	e.str("error")
	if s.IsError() {
		_ = enc.EncodeInt(1)
	} else {
		_ = enc.EncodeInt(0)
	}
	n := s.NumTags()

	// meta: the span's text tags, then what the wire adds.
	e.str("meta")
	at := buf.Len()
	buf.Write([]byte{map32, 0, 0, 0, 0})
	e.count = 0
	for i := range n {
		if k, v := s.TagAt(i); v.Kind() == trace.KindString {
			e.meta(k, v.String())
		}
	}
	e.extraMeta(s, "language", "go")
	e.extraMeta(s, "runtime-id", e.runtimeID)
	if s.IsLocalRoot() {
		if o := c.Origin(); o != "" {
			e.extraMeta(s, "_dd.origin", o)
		}
	}
	if base := s.BaseService(); s.Service() != "" && !strings.EqualFold(s.Service(), base) {
		e.extraMeta(s, "_dd.base_service", base)
	}
	if s.NumLinks() > 0 {
		e.extraMeta(s, "_dd.span_links", linksJSON(s))
	}
	if first {
		hi := s.TraceID().Upper()
		for k, v := range c.Tags() {
			if k == "_dd.p.tid" && hi != 0 {
				continue // written below, from the trace id itself
			}
			e.extraMeta(s, k, v)
		}
		if hi != 0 {
			e.extraMeta(s, "_dd.p.tid", hex16(hi))
		}
	}
	binary.BigEndian.PutUint32(buf.Bytes()[at+1:], uint32(e.count))

	// metrics: the span's numeric tags, then what the wire adds.
	e.str("metrics")
	at = buf.Len()
	buf.Write([]byte{map32, 0, 0, 0, 0})
	e.count = 0
	for i := range n {
		if k, v := s.TagAt(i); v.Kind() == trace.KindNumber {
			e.metric(k, v.Float64())
		}
	}
	if p, ok := c.Priority(); ok {
		e.extraMetric(s, "_sampling_priority_v1", float64(p))
	}
	e.extraMetric(s, "process_id", e.pid)
	if s.IsLocalRoot() {
		// No profiler runs beside this tracer; dd-trace-go says so on roots.
		e.extraMetric(s, "_dd.profiling.enabled", 0)
	}
	if s.IsTopLevel() {
		e.extraMetric(s, "_dd.top_level", 1)
		e.extraMetric(s, "_dd.trace_span_attribute_schema", 0)
	}
	binary.BigEndian.PutUint32(buf.Bytes()[at+1:], uint32(e.count))

	if s.NumLinks() > 0 {
		e.str("span_links")
		e.links(s)
	}
}

// links writes the span's links as the Agent's span_links array, leaving
// out empty optional fields as dd-trace-go does.
func (e *encoder) links(s trace.Snapshot) {
	n := s.NumLinks()
	_ = e.enc.EncodeArrayLen(n)
	for i := range n {
		l := s.LinkAt(i)
		fields := 2
		if l.TraceID.Upper() != 0 {
			fields++
		}
		if len(l.Attributes) > 0 {
			fields++
		}
		if l.Tracestate != "" {
			fields++
		}
		if l.Flags != 0 {
			fields++
		}
		_ = e.enc.EncodeMapLen(fields)
		e.str("trace_id")
		_ = e.enc.EncodeUint(l.TraceID.Lower())
		if hi := l.TraceID.Upper(); hi != 0 {
			e.str("trace_id_high")
			_ = e.enc.EncodeUint(hi)
		}
		e.str("span_id")
		_ = e.enc.EncodeUint(l.SpanID)
		if len(l.Attributes) > 0 {
			e.str("attributes")
			_ = e.enc.EncodeMapLen(len(l.Attributes))
			for _, k := range slices.Sorted(maps.Keys(l.Attributes)) {
				e.str(k)
				e.str(l.Attributes[k])
			}
		}
		if l.Tracestate != "" {
			e.str("tracestate")
			e.str(l.Tracestate)
		}
		if l.Flags != 0 {
			e.str("flags")
			_ = e.enc.EncodeUint(uint64(l.Flags))
		}
	}
}

// linksJSON is the _dd.span_links tag dd-trace-go adds beside the native
// array, for Agents that predate it: every field, in this order.
func linksJSON(s trace.Snapshot) string {
	type link struct {
		TraceID     uint64            `json:"trace_id"`
		TraceIDHigh uint64            `json:"trace_id_high"`
		SpanID      uint64            `json:"span_id"`
		Attributes  map[string]string `json:"attributes"`
		Tracestate  string            `json:"tracestate"`
		Flags       uint32            `json:"flags"`
	}
	out := make([]link, s.NumLinks())
	for i := range out {
		l := s.LinkAt(i)
		out[i] = link{l.TraceID.Lower(), l.TraceID.Upper(), l.SpanID, l.Attributes, l.Tracestate, l.Flags}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "[]"
	}
	return string(b)
}

func (e *encoder) meta(k, v string) {
	e.str(k)
	e.str(v)
	e.count++
}

func (e *encoder) metric(k string, v float64) {
	e.str(k)
	_ = e.enc.EncodeFloat64(v)
	e.count++
}

// extraMeta and extraMetric add what the wire format adds, unless the span
// set the key itself: a map must not hold a key twice.
func (e *encoder) extraMeta(s trace.Snapshot, k, v string) {
	if _, dup := s.Tag(k); !dup {
		e.meta(k, v)
	}
}

func (e *encoder) extraMetric(s trace.Snapshot, k string, v float64) {
	if _, dup := s.Tag(k); !dup {
		e.metric(k, v)
	}
}

func (e *encoder) str(s string) { _ = e.enc.EncodeString(s) }

// hex16 formats v as 16 lowercase hexadecimal digits, zero-padded.
func hex16(v uint64) string {
	s := strconv.FormatUint(v, 16)
	return strings.Repeat("0", 16-len(s)) + s
}
