package agent

import (
	"bytes"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

// wireConsts are msgpack encodings made once, per protocol: the span map's
// keys (v0.4 only), and the key/value pairs that are the same on every span
// of the process. Writing them is one copy instead of two encoder calls
// each. In v0.5 the strings are indexes into the table every payload starts
// with (seeds05).
type wireConsts struct {
	service, name, resource, typ, traceID, spanID, parentID, start, duration, meta, metrics, spanLinks []byte

	language, runtimeID, processID, profiling, topLevel, schema, tidKey []byte
	errorOne, errorZero                                                 []byte
}

// constEncoder makes the encodings of wireConsts.
type constEncoder struct {
	w   bytes.Buffer
	enc *msgpack.Encoder
}

func newConstEncoder() *constEncoder {
	c := &constEncoder{}
	c.enc = msgpack.NewEncoder(&c.w)
	return c
}

// of returns what f wrote, as a slice of its own.
func (c *constEncoder) of(f func(enc *msgpack.Encoder)) []byte {
	c.w.Reset()
	f(c.enc)
	return bytes.Clone(c.w.Bytes())
}

func newWireConsts04(runtimeID string, pid float64) wireConsts {
	c := newConstEncoder()
	str := func(ss ...string) []byte {
		return c.of(func(enc *msgpack.Encoder) {
			for _, s := range ss {
				_ = enc.EncodeString(s)
			}
		})
	}
	num := func(k string, v float64) []byte {
		return c.of(func(enc *msgpack.Encoder) { _ = enc.EncodeString(k); _ = enc.EncodeFloat64(v) })
	}
	errPair := func(v int64) []byte {
		return c.of(func(enc *msgpack.Encoder) { _ = enc.EncodeString("error"); _ = enc.EncodeInt(v) })
	}
	return wireConsts{
		service: str("service"), name: str("name"), resource: str("resource"), typ: str("type"),
		traceID: str("trace_id"), spanID: str("span_id"), parentID: str("parent_id"), start: str("start"),
		duration: str("duration"), meta: str("meta"), metrics: str("metrics"),
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
	hasMeasured // not written on top-level spans: see metricsMap
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
	case "_dd.measured":
		return hasMeasured
	}
	if strings.HasPrefix(k, "_dd.p.") {
		return hasTraceTag
	}
	return 0
}
