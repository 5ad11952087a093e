package trace

import (
	"fmt"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SetTag sets the tag key to value, replacing any value it had.
//
// Values are stored as dd-trace-go stores them: strings as text; bools as
// "true" or "false"; numbers as numbers, except integers beyond ±2^53,
// which lose precision as float64 and are kept as decimal text; []byte,
// fmt.Stringer and error values as their text; a slice or an array as one
// tag per element, named key.0, key.1 and so on; anything else as fmt.Sprint
// formats it.
//
// Some keys have a meaning of their own, as in dd-trace-go (the ddtrace/ext
// package names them):
//   - "service.name", "resource.name", "span.type" and "span.name" change
//     the span's service, resource, type and name;
//   - "error" marks or clears the error: an error value records it as
//     SetError does, true or any other non-nil value marks the span, false
//     and nil clear the mark;
//   - "manual.keep" and "manual.drop" set to true keep or drop the trace,
//     false does nothing; a number under "manual.keep" is ignored, but for
//     5, which keeps the trace as dd-trace-go's AppSec does;
//   - "sampling.priority" set to an integer from -128 to 127 sets the
//     trace's priority; any other value is ignored;
//   - "analytics.event" set to true or false sets "_dd1.sr.eausr" to 1 or 0;
//   - "_dd.measured" set to true or false stores the metric 1 or 0 (the
//     Agent then computes statistics for the span; a top-level span has
//     them anyway).
//
// For these keys a pointer to a bool, a string or a number stands for its
// value, and a nil one for the zero value; a value a key gives no meaning
// to is stored as a plain tag.
//
// Keys longer than the tracer's limit are cut, values too; once a span
// holds the maximum number of tags, new keys are dropped and counted in
// Stats.
func (s *Span) SetTag(key string, value any) {
	if s == nil {
		return
	}
	var v Value
	switch x := value.(type) {
	case string: // the usual values first, without the checks below
		v = stringValue(x)
	case float64:
		v = numberValue(x)
	case int:
		v = intValue(int64(x))
	default:
		if !s.setOther(key, value) {
			return
		}
		v = toValue(value)
	}
	s.mu.Lock()
	if !s.finished {
		s.setTagLocked(key, v, value)
	}
	s.mu.Unlock()
}

// setOther is SetTag for the values that may need more than a conversion:
// it sets an error or a slice, and reports false, or reports true for a
// value to convert and set as any other.
func (s *Span) setOther(key string, value any) bool {
	// Everything that runs the caller's code (String and Error methods)
	// runs before the lock: that code may call back into the span.
	if key == tagError {
		if err, ok := value.(error); ok {
			info := describeError(err, s.tracer.cfg.stackDepth, 2) // setOther and SetTag
			s.mu.Lock()
			if !s.finished {
				s.setErrorLocked(info)
			}
			s.mu.Unlock()
			return false
		}
	}
	if rv, ok := sliceOf(value); ok {
		s.setSlice(key, rv, true)
		return false
	}
	return true
}

// setSlice sets one tag per element, key.0, key.1..., as dd-trace-go does
// with slices, up to the tracer's tag limit. locked says whether each store
// must take the span's lock (false while newSpan builds the span).
func (s *Span) setSlice(key string, rv reflect.Value, locked bool) {
	n := min(rv.Len(), s.tracer.cfg.limits.Tags)
	for i := range n {
		k := key + "." + strconv.Itoa(i)
		elem := rv.Index(i).Interface()
		v := toValue(elem) // a nested slice is text, as in dd-trace-go
		if !locked {
			s.setTagLocked(k, v, elem)
			continue
		}
		s.mu.Lock()
		if !s.finished {
			s.setTagLocked(k, v, elem)
		}
		s.mu.Unlock()
	}
}

// SetTags sets each tag in tags, as SetTag does.
func (s *Span) SetTags(tags iter.Seq2[string, any]) {
	if s == nil || tags == nil {
		return
	}
	for k, v := range tags {
		s.SetTag(k, v)
	}
}

// setTagLocked handles the special keys (tagkeys.go), then stores the
// tag. raw is the value as given, for the keys whose meaning depends on its
// type. The switch keeps the common key to one comparison of lengths.
func (s *Span) setTagLocked(key string, v Value, raw any) {
	switch key {
	case tagServiceName, tagResourceName, tagSpanType, tagSpanName, tagError,
		tagManualKeep, tagManualDrop, tagSamplingPriority, tagAnalyticsEvent, tagMeasured:
		if s.setSpecialLocked(key, v, raw) {
			return
		}
	}
	s.setValueLocked(key, v)
}

// setValueLocked stores a tag, enforcing the tracer's limits.
func (s *Span) setValueLocked(key string, v Value) {
	if key == "" {
		s.tracer.stats.tagsDropped.Add(1)
		return
	}
	lim := &s.tracer.cfg.limits
	key, cutKey := clean(key, lim.KeyLength)
	cutVal := false
	if !v.isNum() {
		var text string
		text, cutVal = clean(v.text(), lim.ValueLength)
		v = stringValue(text)
	}
	switch {
	case !s.tags.set(key, v, lim.Tags):
		s.tracer.stats.tagsDropped.Add(1) // dropped, whether cut or not
	case cutKey || cutVal:
		s.tracer.stats.tagsTruncated.Add(1)
	}
}

func (s *Span) cleanLocked(str string, max int) string {
	out, cut := clean(str, max)
	if cut {
		s.tracer.stats.tagsTruncated.Add(1)
	}
	return out
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
		return stringValue(v)
	case float64:
		return numberValue(v)
	case int:
		return intValue(int64(v))
	case int64:
		return intValue(v)
	case int32:
		return numberValue(float64(v))
	case int16:
		return numberValue(float64(v))
	case int8:
		return numberValue(float64(v))
	case uint:
		return uintValue(uint64(v))
	case uint64:
		return uintValue(v)
	case uint32:
		return numberValue(float64(v))
	case uint16:
		return numberValue(float64(v))
	case uint8:
		return numberValue(float64(v))
	case float32:
		return numberValue(float64(v))
	case bool:
		if v {
			return stringValue("true")
		}
		return stringValue("false")
	case []byte:
		return stringValue(string(v))
	case Value:
		return v
	case nil:
		return stringValue("<nil>")
	case error, fmt.Stringer:
		return stringValue(textOf(v))
	}
	// A pointer to a value is the value, as in dd-trace-go: *int 5 is the
	// number 5, not an address.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() && hops < maxPointerHops {
		return valueOf(rv.Elem().Interface(), hops+1)
	}
	return stringValue(textOf(v))
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
		return stringValue(strconv.FormatInt(v, 10))
	}
	return numberValue(float64(v))
}

func uintValue(v uint64) Value {
	if v >= maxExactInt {
		return stringValue(strconv.FormatUint(v, 10))
	}
	return numberValue(float64(v))
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
	if !validText(s) {
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

// validText is utf8.ValidString, quicker for what names, keys and values
// usually are: short ASCII strings (BenchmarkFloor: every span checks a
// few).
func validText(s string) bool {
	for len(s) >= 8 {
		_ = s[7]
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if w&0x8080808080808080 != 0 {
			return utf8.ValidString(s)
		}
		s = s[8:]
	}
	var or byte
	for i := 0; i < len(s); i++ {
		or |= s[i]
	}
	return or < utf8.RuneSelf || utf8.ValidString(s)
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
