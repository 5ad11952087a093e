package trace

import (
	"strconv"
)

// Kind says how a tag's value is stored: as text (Datadog's "meta") or as a
// number (Datadog's "metrics").
type Kind uint8

const (
	// KindString is a text value.
	KindString Kind = iota
	// KindNumber is a float64 value.
	KindNumber
)

// String returns "string" or "number".
func (k Kind) String() string {
	if k == KindNumber {
		return "number"
	}
	return "string"
}

// Value is a tag's value: a string or a float64, stored without allocation.
// The zero Value is the empty string.
type Value struct {
	str  string
	num  float64
	kind Kind
}

// StringValue returns a Value holding s.
func StringValue(s string) Value { return Value{str: s} }

// NumberValue returns a Value holding f.
func NumberValue(f float64) Value { return Value{num: f, kind: KindNumber} }

// Kind reports whether v is a string or a number.
func (v Value) Kind() Kind { return v.kind }

// Float64 returns the number v holds, or 0 if v is a string.
func (v Value) Float64() float64 { return v.num }

// String returns the text v holds; a number is formatted as strconv.FormatFloat
// with the shortest exact representation ('g', -1).
func (v Value) String() string {
	if v.kind == KindNumber {
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	}
	return v.str
}

// Any returns v as a string or a float64.
func (v Value) Any() any {
	if v.kind == KindNumber {
		return v.num
	}
	return v.str
}

// Equal reports whether v and w hold the same kind and value.
func (v Value) Equal(w Value) bool {
	return v.kind == w.kind && v.str == w.str && (v.num == w.num || v.num != v.num && w.num != w.num)
}
