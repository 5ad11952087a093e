package trace

import (
	"strconv"
	"strings"
	"unsafe"
)

// Value is a tag's value: a string or a float64, stored without allocation.
// The zero Value is the empty string. Compare Values with Equal: as with
// slog.Value, == would compare the representation, not the value, and does
// not compile.
type Value struct {
	_ [0]func() // not comparable: see Equal

	// str holds the text, or numberMark for a number. Marking the kind
	// this way keeps a Value at three words instead of four: spans keep
	// their first tags inline, and that word per tag is what fits a root
	// span into a 512-byte allocation (BenchmarkStartFinish).
	str string
	num float64
}

// numberMark is the str of a number: a string made at run time, so that no
// other string shares its bytes, and compared by address.
var numberMark = strings.Clone("#")

// stringValue returns a Value holding s.
func stringValue(s string) Value { return Value{str: s} }

// numberValue returns a Value holding f.
func numberValue(f float64) Value { return Value{str: numberMark, num: f} }

// isNum reports whether v holds a number.
func (v Value) isNum() bool {
	return len(v.str) == 1 && unsafe.StringData(v.str) == unsafe.StringData(numberMark)
}

// IsNumber reports whether v holds a number (Datadog's "metrics") rather
// than text (its "meta").
func (v Value) IsNumber() bool { return v.isNum() }

// Float64 returns the number v holds, or 0 if v is a string.
func (v Value) Float64() float64 { return v.num }

// String returns the text v holds; a number is formatted as strconv.FormatFloat
// with the shortest exact representation ('g', -1).
func (v Value) String() string {
	if v.isNum() {
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	}
	return v.str
}

// Any returns v as a string or a float64.
func (v Value) Any() any {
	if v.isNum() {
		return v.num
	}
	return v.str
}

// Equal reports whether v and w hold the same kind and value.
func (v Value) Equal(w Value) bool {
	if v.isNum() != w.isNum() {
		return false
	}
	if v.isNum() {
		return v.num == w.num || v.num != v.num && w.num != w.num
	}
	return v.str == w.str
}

// text returns the string a text value holds, "" for a number: what the
// span's size estimate counts.
func (v Value) text() string {
	if v.isNum() {
		return ""
	}
	return v.str
}
