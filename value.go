package trace

import (
	"math"
	"strconv"
	"unsafe"
)

// Value is a tag's value: a string or a float64, stored without allocation.
// The zero Value is the empty string. Compare Values with Equal: as with
// slog.Value, == would compare the representation, not the value, and does
// not compile.
type Value struct {
	_ [0]func() // not comparable: see Equal

	// A Value is two words, as a string is: p points to the text's bytes
	// and n is its length, or p is &numberMark and n holds the float64's
	// bits. Spans keep their first tags inline, and the word per tag this
	// saves over a string and a float64 side by side is what leaves room in
	// a root span's 512-byte allocation for its context (BenchmarkFloor).
	p *byte
	n uint64
}

// numberMark marks a number: its address is no string's bytes.
var numberMark byte

// stringValue returns a Value holding s.
func stringValue(s string) Value { return Value{p: unsafe.StringData(s), n: uint64(len(s))} }

// numberValue returns a Value holding f.
func numberValue(f float64) Value { return Value{p: &numberMark, n: math.Float64bits(f)} }

// isNum reports whether v holds a number.
func (v Value) isNum() bool { return v.p == &numberMark }

// num returns the number v holds; garbage for a string.
func (v Value) num() float64 { return math.Float64frombits(v.n) }

// IsNumber reports whether v holds a number (Datadog's "metrics") rather
// than text (its "meta").
func (v Value) IsNumber() bool { return v.isNum() }

// Float64 returns the number v holds, or 0 if v is a string.
func (v Value) Float64() float64 {
	if v.isNum() {
		return v.num()
	}
	return 0
}

// String returns the text v holds; a number is formatted as strconv.FormatFloat
// with the shortest exact representation ('g', -1).
func (v Value) String() string {
	if v.isNum() {
		return strconv.FormatFloat(v.num(), 'g', -1, 64)
	}
	return v.text()
}

// Any returns v as a string or a float64.
func (v Value) Any() any {
	if v.isNum() {
		return v.num()
	}
	return v.text()
}

// Equal reports whether v and w hold the same kind and value.
func (v Value) Equal(w Value) bool {
	if v.isNum() != w.isNum() {
		return false
	}
	if v.isNum() {
		a, b := v.num(), w.num()
		return a == b || a != a && b != b
	}
	return v.text() == w.text()
}

// text returns the string a text value holds, "" for a number: what the
// span's size estimate counts.
func (v Value) text() string {
	if v.isNum() {
		return ""
	}
	return unsafe.String(v.p, v.n)
}
