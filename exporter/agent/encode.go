package agent

import (
	"encoding/binary"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/id"
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

// wbuf is the buffer the msgpack encoder writes into: a byte slice that
// grows by append. It does less per call than bytes.Buffer, which keeps a
// read offset this encoder never needs; the encoder makes dozens of calls
// per span (BenchmarkEncode).
type wbuf struct{ b []byte }

func (w *wbuf) Write(p []byte) (int, error)       { w.b = append(w.b, p...); return len(p), nil }
func (w *wbuf) WriteString(s string) (int, error) { w.b = append(w.b, s...); return len(s), nil }
func (w *wbuf) WriteByte(c byte) error            { w.b = append(w.b, c); return nil }
func (w *wbuf) Len() int                          { return len(w.b) }
func (w *wbuf) Cap() int                          { return cap(w.b) }
func (w *wbuf) Bytes() []byte                     { return w.b }
func (w *wbuf) Truncate(n int)                    { w.b = w.b[:n] }

// payload is a v0.4 request body being built or waiting to be sent.
type payload struct {
	buf    wbuf
	traces int
	spans  int
}

// payloads keeps a few payload buffers for reuse, and sizes new ones for a
// whole payload at once: growing a buffer to the flush size by doubling,
// for every payload, cost a fifth of the exporter's CPU in a burst
// (BenchmarkDelivered).
type payloads struct {
	spare chan *payload
	size  int // capacity of a new buffer
}

func newPayloads(n, size int) payloads {
	return payloads{spare: make(chan *payload, n), size: size}
}

func (f payloads) get() *payload {
	var p *payload
	select {
	case p = <-f.spare:
		p.buf.b = p.buf.b[:0]
		p.traces, p.spans = 0, 0
	default:
		p = &payload{buf: wbuf{make([]byte, 0, f.size)}}
	}
	p.buf.b = append(p.buf.b, array32, 0, 0, 0, 0)
	return p
}

// put returns p for reuse, unless the spare list is full or p grew past
// what one payload normally needs.
func (f payloads) put(p *payload) {
	if p.buf.Cap() > 2*f.size {
		return
	}
	select {
	case f.spare <- p:
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
	enc         *msgpack.Encoder
	p           *payload
	maxPayload  int
	count       int // entries of the map being written
	free        payloads
	consts      wireConsts
	spanSampler SpanSampler

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
		consts:     newWireConsts(runtimeID, float64(os.Getpid())),
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

// wireConsts are msgpack encodings made once: the span map's keys, and the
// key/value pairs that are the same on every span of the process. Writing
// them is one copy instead of two encoder calls each.
type wireConsts struct {
	service, name, resource, typ, traceID, spanID, parentID, start, duration, errorKey, meta, metrics, spanLinks []byte

	language, runtimeID, processID, profiling, topLevel, schema, tidKey []byte
	errorOne, errorZero                                                 []byte
}

func newWireConsts(runtimeID string, pid float64) wireConsts {
	var w wbuf
	enc := msgpack.NewEncoder(&w)
	str := func(ss ...string) []byte {
		w.b = nil
		for _, s := range ss {
			_ = enc.EncodeString(s)
		}
		return w.b
	}
	num := func(k string, v float64) []byte {
		w.b = nil
		_ = enc.EncodeString(k)
		_ = enc.EncodeFloat64(v)
		return w.b
	}
	errPair := func(v int64) []byte {
		w.b = nil
		_ = enc.EncodeString("error")
		_ = enc.EncodeInt(v)
		return w.b
	}
	return wireConsts{
		service: str("service"), name: str("name"), resource: str("resource"), typ: str("type"),
		traceID: str("trace_id"), spanID: str("span_id"), parentID: str("parent_id"), start: str("start"),
		duration: str("duration"), errorKey: str("error"), meta: str("meta"), metrics: str("metrics"),
		spanLinks: str("span_links"),

		language:  str("language", "go"),
		tidKey:    str("_dd.p.tid"),
		runtimeID: str("runtime-id", runtimeID),
		processID: num("process_id", pid),
		profiling: num("_dd.profiling.enabled", 0),
		topLevel:  num("_dd.top_level", 1),
		schema:    num("_dd.trace_span_attribute_schema", 0),
		errorOne:  errPair(1),
		errorZero: errPair(0),
	}
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
	for i := range n {
		if c.Span(i).IsLocalRoot() {
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

// Keys the wire adds to spans, as bits: a span that set one itself keeps
// its own (a map must not hold a key twice).
const (
	hasLanguage = 1 << iota
	hasRuntimeID
	hasOrigin
	hasBaseService
	hasSpanLinks
	hasTID
	hasPriority
	hasProcessID
	hasProfiling
	hasTopLevel
	hasSchema
	hasTraceTag // one of the chunk's _dd.p.* keys: checked one by one
)

func reservedBit(k string) int {
	switch k {
	case "language":
		return hasLanguage
	case "runtime-id":
		return hasRuntimeID
	case "_dd.origin":
		return hasOrigin
	case "_dd.base_service":
		return hasBaseService
	case "_dd.span_links":
		return hasSpanLinks
	case "_dd.p.tid":
		return hasTID
	case "_sampling_priority_v1":
		return hasPriority
	case "process_id":
		return hasProcessID
	case "_dd.profiling.enabled":
		return hasProfiling
	case "_dd.top_level":
		return hasTopLevel
	case "_dd.trace_span_attribute_schema":
		return hasSchema
	}
	if strings.HasPrefix(k, "_dd.p.") {
		return hasTraceTag
	}
	return 0
}

// span encodes one span map. first marks the first span of a trace in the
// payload, which carries the trace-level tags, as dd-trace-go does. It
// reads tags by index and keeps its counts in the encoder: closures and
// iterators here would cost allocations on every span.
func (e *encoder) span(c trace.Chunk, s trace.Snapshot, first bool) {
	enc, buf, k := e.enc, &e.p.buf, &e.consts
	n := s.NumTags()
	links := s.NumLinks()
	fields := 11
	if s.Type() != "" {
		fields++
	}
	if links > 0 {
		fields++
	}
	_ = enc.EncodeMapLen(fields)
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
	_ = enc.EncodeUint(s.TraceID().Lower())
	buf.Write(k.spanID)
	_ = enc.EncodeUint(s.SpanID())
	buf.Write(k.parentID)
	_ = enc.EncodeUint(s.ParentID())
	buf.Write(k.start)
	_ = enc.EncodeInt(s.Start().UnixNano())
	buf.Write(k.duration)
	_ = enc.EncodeInt(int64(s.Duration()))
	if s.IsError() {
		buf.Write(k.errorOne)
	} else {
		buf.Write(k.errorZero)
	}

	// meta: the span's text tags, then what the wire adds.
	buf.Write(k.meta)
	at := buf.Len()
	buf.Write([]byte{map32, 0, 0, 0, 0})
	e.count = 0
	reserved := 0
	for i := range n {
		key, v := s.TagAt(i)
		reserved |= reservedBit(key)
		if v.Kind() == trace.KindString {
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
			// Sixteen hex digits written from a stack buffer as a msgpack
			// fixstr (0xa0|16): a string made for the encoder would be an
			// allocation per trace.
			var hx [17]byte
			hx[0] = 0xa0 | 16
			id.AppendHex16(hx[1:1], hi)
			buf.Write(k.tidKey)
			buf.Write(hx[:])
			e.count++
		}
	}
	binary.BigEndian.PutUint32(buf.Bytes()[at+1:], uint32(e.count))

	// metrics: the span's numeric tags, then what the wire adds.
	buf.Write(k.metrics)
	at = buf.Len()
	buf.Write([]byte{map32, 0, 0, 0, 0})
	e.count = 0
	for i := range n {
		if key, v := s.TagAt(i); v.Kind() == trace.KindNumber {
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
	if e.spanSampler != nil {
		if p, ok := c.Priority(); ok && !p.Keep() {
			if rate, mps, keep := e.spanSampler.SampleSpan(s); keep {
				e.metric("_dd.span_sampling.mechanism", 8)
				e.metric("_dd.span_sampling.rule_rate", rate)
				if mps > 0 {
					e.metric("_dd.span_sampling.max_per_second", mps)
				}
			}
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
	binary.BigEndian.PutUint32(buf.Bytes()[at+1:], uint32(e.count))

	if links > 0 {
		buf.Write(k.spanLinks)
		e.links(s)
	}
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

// raw writes a key/value pair encoded in advance.
func (e *encoder) raw(pair []byte) {
	e.p.buf.Write(pair)
	e.count++
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

func (e *encoder) str(s string) { _ = e.enc.EncodeString(s) }

// hex16 formats v as 16 lowercase hexadecimal digits, zero-padded.
func hex16(v uint64) string { return string(id.AppendHex16(nil, v)) }
