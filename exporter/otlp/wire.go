package otlp

import (
	"math"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// The OTLP messages are written field by field with protowire, straight
// from the snapshots: building the generated structs first would cost
// three allocations per attribute (KeyValue, AnyValue and its oneof) and
// a second walk to marshal them. The generated types read the result back
// in the tests, which check every field.

// Field numbers of opentelemetry/proto (trace/v1, common/v1,
// resource/v1, collector/trace/v1).
const (
	fRequestResourceSpans = 1 // ExportTraceServiceRequest.resource_spans

	fResourceSpansResource   = 1 // ResourceSpans.resource
	fResourceSpansScopeSpans = 2 // ResourceSpans.scope_spans
	fResourceAttributes      = 1 // Resource.attributes
	fScopeSpansScope         = 1 // ScopeSpans.scope
	fScopeSpansSpans         = 2 // ScopeSpans.spans
	fScopeName               = 1 // InstrumentationScope.name
	fScopeVersion            = 2 // InstrumentationScope.version

	fSpanTraceID      = 1
	fSpanSpanID       = 2
	fSpanTraceState   = 3
	fSpanParentSpanID = 4
	fSpanName         = 5
	fSpanKind         = 6
	fSpanStart        = 7 // fixed64
	fSpanEnd          = 8 // fixed64
	fSpanAttributes   = 9
	fSpanEvents       = 11
	fSpanLinks        = 13
	fSpanStatus       = 15
	fSpanFlags        = 16 // fixed32

	fEventTime       = 1 // fixed64
	fEventName       = 2
	fEventAttributes = 3

	fLinkTraceID    = 1
	fLinkSpanID     = 2
	fLinkTraceState = 3
	fLinkAttributes = 4
	fLinkFlags      = 6 // fixed32

	fStatusMessage = 2
	fStatusCode    = 3

	fKeyValueKey   = 1
	fKeyValueValue = 2

	fAnyString = 1
	fAnyBool   = 2
	fAnyInt    = 3
	fAnyDouble = 4 // fixed64
	fAnyArray  = 5
	fArrayVals = 1 // ArrayValue.values
)

// Span kinds and status codes of trace/v1.
const (
	kindInternal = 1
	kindServer   = 2
	kindClient   = 3
	kindProducer = 4
	kindConsumer = 5

	statusError = 2
)

// Span flags of trace/v1: the W3C trace flags in the low byte, then
// whether the parent's remoteness is known, and whether it is remote.
const (
	flagSampled       = 0x01
	flagHasIsRemote   = 0x100
	flagParentRemote  = 0x200
	traceFlagsMask    = 0xff
	maxVarintOverhead = 10
)

// buf is a protobuf message being written.
type buf struct{ b []byte }

// open starts an embedded message in field num and returns where its
// content begins, for close. One byte is kept for the length, the common
// case; a longer length moves the content up.
func (w *buf) open(num protowire.Number) int {
	w.b = protowire.AppendTag(w.b, num, protowire.BytesType)
	w.b = append(w.b, 0)
	return len(w.b)
}

// close writes the length of the message opened at start.
func (w *buf) close(start int) {
	n := len(w.b) - start
	size := protowire.SizeVarint(uint64(n))
	if size == 1 {
		w.b[start-1] = byte(n)
		return
	}
	w.b = append(w.b, make([]byte, size-1)...)
	copy(w.b[start-1+size:], w.b[start:start+n])
	protowire.AppendVarint(w.b[start-1:start-1], uint64(n))
}

func (w *buf) str(num protowire.Number, s string) {
	if s == "" {
		return
	}
	w.b = protowire.AppendTag(w.b, num, protowire.BytesType)
	w.b = protowire.AppendString(w.b, utf8Text(s))
}

// utf8Text returns s with every invalid UTF-8 sequence replaced by U+FFFD:
// protobuf strings must be UTF-8, and a destination rejects a request
// with one that is not, whole. The tracer keeps tags as it is given them.
func utf8Text(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func (w *buf) bytes(num protowire.Number, p []byte) {
	w.b = protowire.AppendTag(w.b, num, protowire.BytesType)
	w.b = protowire.AppendBytes(w.b, p)
}

func (w *buf) varint(num protowire.Number, v uint64) {
	if v == 0 {
		return
	}
	w.b = protowire.AppendTag(w.b, num, protowire.VarintType)
	w.b = protowire.AppendVarint(w.b, v)
}

func (w *buf) fixed64(num protowire.Number, v uint64) {
	if v == 0 {
		return
	}
	w.b = protowire.AppendTag(w.b, num, protowire.Fixed64Type)
	w.b = protowire.AppendFixed64(w.b, v)
}

func (w *buf) fixed32(num protowire.Number, v uint32) {
	if v == 0 {
		return
	}
	w.b = protowire.AppendTag(w.b, num, protowire.Fixed32Type)
	w.b = protowire.AppendFixed32(w.b, v)
}

// kvString writes a KeyValue with a string value in field num. Its length
// is known beforehand: no content is moved.
func (w *buf) kvString(num protowire.Number, key, val string) {
	key, val = utf8Text(key), utf8Text(val)
	anyLen := 1 + protowire.SizeBytes(len(val))
	w.b = protowire.AppendTag(w.b, num, protowire.BytesType)
	w.b = protowire.AppendVarint(w.b, uint64(1+protowire.SizeBytes(len(key))+1+protowire.SizeBytes(anyLen)))
	w.b = protowire.AppendTag(w.b, fKeyValueKey, protowire.BytesType)
	w.b = protowire.AppendString(w.b, key)
	w.b = protowire.AppendTag(w.b, fKeyValueValue, protowire.BytesType)
	w.b = protowire.AppendVarint(w.b, uint64(anyLen))
	w.b = protowire.AppendTag(w.b, fAnyString, protowire.BytesType)
	w.b = protowire.AppendString(w.b, val)
}

// kvInt writes a KeyValue with an int value in field num.
func (w *buf) kvInt(num protowire.Number, key string, v int64) {
	key = utf8Text(key)
	anyLen := 1 + protowire.SizeVarint(uint64(v))
	w.b = protowire.AppendTag(w.b, num, protowire.BytesType)
	w.b = protowire.AppendVarint(w.b, uint64(1+protowire.SizeBytes(len(key))+1+protowire.SizeBytes(anyLen)))
	w.b = protowire.AppendTag(w.b, fKeyValueKey, protowire.BytesType)
	w.b = protowire.AppendString(w.b, key)
	w.b = protowire.AppendTag(w.b, fKeyValueValue, protowire.BytesType)
	w.b = protowire.AppendVarint(w.b, uint64(anyLen))
	w.b = protowire.AppendTag(w.b, fAnyInt, protowire.VarintType)
	w.b = protowire.AppendVarint(w.b, uint64(v))
}

// kvDouble writes a KeyValue with a double value in field num.
func (w *buf) kvDouble(num protowire.Number, key string, v float64) {
	const anyLen = 1 + 8
	key = utf8Text(key)
	w.b = protowire.AppendTag(w.b, num, protowire.BytesType)
	w.b = protowire.AppendVarint(w.b, uint64(1+protowire.SizeBytes(len(key))+1+protowire.SizeBytes(anyLen)))
	w.b = protowire.AppendTag(w.b, fKeyValueKey, protowire.BytesType)
	w.b = protowire.AppendString(w.b, key)
	w.b = protowire.AppendTag(w.b, fKeyValueValue, protowire.BytesType)
	w.b = protowire.AppendVarint(w.b, anyLen)
	w.b = protowire.AppendTag(w.b, fAnyDouble, protowire.Fixed64Type)
	w.b = protowire.AppendFixed64(w.b, math.Float64bits(v))
}

// maxExactInt is 2^53: a number below it in absolute value with no
// fraction is an integer the float64 holds exactly.
const maxExactInt = 1 << 53

// kvNumber writes a numeric tag: an int when it is a whole number that a
// float64 holds exactly, a double otherwise.
func (w *buf) kvNumber(num protowire.Number, key string, f float64) {
	if f == math.Trunc(f) && math.Abs(f) < maxExactInt && !(f == 0 && math.Signbit(f)) {
		w.kvInt(num, key, int64(f))
		return
	}
	w.kvDouble(num, key, f)
}
