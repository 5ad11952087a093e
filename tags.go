package trace

import (
	"fmt"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// inlineTags is how many tags a span stores without allocating, as
// slog.Record keeps five attributes inline. More would push the span into a
// larger allocation size class for every span.
const inlineTags = 5

// indexAt is the tag count from which a map indexes keys, so that a span
// given thousands of tags does not pay a linear search for each.
const indexAt = 16

type tag struct {
	key string
	val Value
}

// tagSet is a span's tags: the first few inline, the rest in a slice. Keys
// are unique; setting a key again replaces its value, whatever its kind.
type tagSet struct {
	n      int
	inline [inlineTags]tag
	over   *tagOverflow // nil until the inline slots are full
}

// tagOverflow holds what does not fit inline, apart so that the common span
// does not carry its size.
type tagOverflow struct {
	more  []tag
	index map[string]int // from indexAt tags on
}

func (ts *tagSet) at(i int) *tag {
	if i < inlineTags {
		return &ts.inline[i]
	}
	return &ts.over.more[i-inlineTags]
}

func (ts *tagSet) find(key string) int {
	if ts.over != nil && ts.over.index != nil {
		if i, ok := ts.over.index[key]; ok {
			return i
		}
		return -1
	}
	for i := 0; i < ts.n; i++ {
		if ts.at(i).key == key {
			return i
		}
	}
	return -1
}

// set stores key=v, and reports false if the set was full and key was new.
func (ts *tagSet) set(key string, v Value, max int) bool {
	if i := ts.find(key); i >= 0 {
		ts.at(i).val = v
		return true
	}
	if ts.n >= max {
		return false
	}
	ts.add(key, v)
	return true
}

// pinned returns the bytes the tags hold beyond the span itself: their
// strings, and the overflow slice and index.
func (ts *tagSet) pinned() int {
	n := 0
	for i := range ts.n {
		t := ts.at(i)
		n += len(t.key) + len(t.val.text())
	}
	if o := ts.over; o != nil {
		n += int(unsafe.Sizeof(tagOverflow{})) + cap(o.more)*int(unsafe.Sizeof(tag{}))
		if o.index != nil {
			n += len(o.index) * mapEntryBytes
		}
	}
	return n
}

// mapEntryBytes is what one entry of a small map costs, roughly: key and
// value, the control byte, and the table's slack.
const mapEntryBytes = 48

// add appends a tag whose key is known to be absent.
func (ts *tagSet) add(key string, v Value) {
	if ts.n < inlineTags {
		ts.inline[ts.n] = tag{key, v}
	} else {
		if ts.over == nil {
			ts.over = &tagOverflow{more: make([]tag, 0, inlineTags)}
		}
		ts.over.more = append(ts.over.more, tag{key, v})
	}
	switch {
	case ts.over == nil:
	case ts.over.index != nil:
		ts.over.index[key] = ts.n
	case ts.n+1 == indexAt:
		ts.over.index = make(map[string]int, 2*indexAt)
		for i := 0; i <= ts.n; i++ {
			ts.over.index[ts.at(i).key] = i
		}
	}
	ts.n++
}

func (ts *tagSet) get(key string) (Value, bool) {
	if i := ts.find(key); i >= 0 {
		return ts.at(i).val, true
	}
	return Value{}, false
}

func (ts *tagSet) all() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for i := 0; i < ts.n; i++ {
			t := ts.at(i)
			if !yield(t.key, t.val) {
				return
			}
		}
	}
}

// maxExactInt is 2^53: integers from it on (in absolute value) may lose
// precision as float64, so they travel as decimal strings, as in
// dd-trace-go.
const maxExactInt = 1 << 53

// toValue converts a tag value with dd-trace-go's routing: numbers become
// numbers, except integers beyond ±2^53; bools become "true"/"false";
// []byte, fmt.Stringer and error become their text; anything else is
// formatted with fmt.Sprint (see sprint for the values it cannot format).
// A String or Error method that panics yields a text describing the panic
// instead of crashing the caller.
func toValue(v any) Value { return valueOf(v, 0) }

// maxPointerHops bounds how many pointers toValue follows to their value:
// a pointer may point to itself (type P *P; p = &p).
const maxPointerHops = 8

// valueOf is toValue after hops pointers were followed.
func valueOf(v any, hops int) Value {
	switch v := v.(type) {
	case string:
		return Value{str: v}
	case float64:
		return NumberValue(v)
	case int:
		return intValue(int64(v))
	case int64:
		return intValue(v)
	case int32:
		return NumberValue(float64(v))
	case int16:
		return NumberValue(float64(v))
	case int8:
		return NumberValue(float64(v))
	case uint:
		return uintValue(uint64(v))
	case uint64:
		return uintValue(v)
	case uint32:
		return NumberValue(float64(v))
	case uint16:
		return NumberValue(float64(v))
	case uint8:
		return NumberValue(float64(v))
	case float32:
		return NumberValue(float64(v))
	case bool:
		if v {
			return Value{str: "true"}
		}
		return Value{str: "false"}
	case []byte:
		return Value{str: string(v)}
	case Value:
		return v
	case nil:
		return Value{str: "<nil>"}
	case error, fmt.Stringer:
		return Value{str: textOf(v)}
	}
	// A pointer to a value is the value, as in dd-trace-go: *int 5 is the
	// number 5, not an address.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() && hops < maxPointerHops {
		return valueOf(rv.Elem().Interface(), hops+1)
	}
	return Value{str: textOf(v)}
}

// sliceOf returns v as a reflect.Value when it is a slice whose elements
// SetTag sets one by one, as dd-trace-go does: not a byte slice (text), not
// a slice with a String or Error method (its text), not an array.
func sliceOf(v any) (reflect.Value, bool) {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Slice || t.Elem().Kind() == reflect.Uint8 {
		return reflect.Value{}, false
	}
	switch v.(type) {
	case error, fmt.Stringer:
		return reflect.Value{}, false
	}
	return reflect.ValueOf(v), true
}

func intValue(v int64) Value {
	if v >= maxExactInt || v <= -maxExactInt {
		return Value{str: strconv.FormatInt(v, 10)}
	}
	return NumberValue(float64(v))
}

func uintValue(v uint64) Value {
	if v >= maxExactInt {
		return Value{str: strconv.FormatUint(v, 10)}
	}
	return NumberValue(float64(v))
}

// textOf formats v, recovering from a panicking String or Error method.
func textOf(v any) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = "%!v(PANIC=" + sprint(r) + ")"
		}
	}()
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	return sprint(v)
}

// clean makes s safe to store: valid UTF-8 (invalid bytes become U+FFFD)
// and at most max bytes, cut at a rune boundary.
func clean(s string, max int) (out string, truncated bool) {
	// Repair first: a replacement character is three bytes, so repairing
	// after the cut could pass the limit.
	if !utf8.ValidString(s) {
		s = toValidUTF8(s)
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		// A copy: the cut value must not keep the whole original alive
		// while the span waits for export.
		s, truncated = strings.Clone(s[:cut]), true
	}
	return s, truncated
}

func toValidUTF8(s string) string {
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
