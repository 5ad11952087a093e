package main

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// The fields walked, from opentelemetry/proto/collector/trace/v1 and
// opentelemetry/proto/trace/v1: ExportTraceServiceRequest.resource_spans,
// ResourceSpans.scope_spans and ScopeSpans.spans.
const (
	fieldResourceSpans protowire.Number = 1
	fieldScopeSpans    protowire.Number = 2
	fieldSpans         protowire.Number = 2
)

// CountSpans returns the number of spans in an ExportTraceServiceRequest
// in protobuf, walking the messages that hold spans and skipping every
// other field, spans included, by its wire type. Malformed protobuf, or a
// field that should hold a message holding something else, is an error.
func CountSpans(b []byte) (int64, error) {
	var n int64
	err := walk(b, fieldResourceSpans, func(rs []byte) error {
		return walk(rs, fieldScopeSpans, func(ss []byte) error {
			return walk(ss, fieldSpans, func([]byte) error { n++; return nil })
		})
	})
	return n, err
}

var errWireType = errors.New("field of the wrong wire type")

// walk calls fn with every length-delimited field number want of the
// message b, and checks that the other fields are well formed.
func walk(b []byte, want protowire.Number, fn func([]byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if num == want {
			if typ != protowire.BytesType {
				return fmt.Errorf("field %d: %w", num, errWireType)
			}
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
			}
			if err := fn(v); err != nil {
				return err
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
		}
		b = b[m:]
	}
	return nil
}
