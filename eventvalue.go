package trace

import (
	"fmt"
	"slices"
	"strconv"
	"unsafe"
)

// Attribute values of events (Event.Attributes): what a span keeps of
// them, what it returns from a Snapshot, and what they cost the memory
// budget.

// eventValue converts an attribute value to one of the kinds a span keeps
// (see Event), with its entries and how many cuts it took; ok is false for
// a value that is dropped. Slices are copies, at most Limits.Tags long.
func eventValue(v any, lim *Limits) (val any, n, cut int, ok bool) {
	str := func(s string) (any, int, int, bool) {
		s, c := clean(s, lim.ValueLength)
		return s, 1, b2i(c), true
	}
	switch v := v.(type) {
	case string:
		return str(v)
	case bool:
		return v, 1, 0, true
	case int:
		return int64(v), 1, 0, true
	case int8:
		return int64(v), 1, 0, true
	case int16:
		return int64(v), 1, 0, true
	case int32:
		return int64(v), 1, 0, true
	case int64:
		return v, 1, 0, true
	case uint8:
		return int64(v), 1, 0, true
	case uint16:
		return int64(v), 1, 0, true
	case uint32:
		return int64(v), 1, 0, true
	case uint:
		return uintAttr(uint64(v)), 1, 0, true
	case uint64:
		return uintAttr(v), 1, 0, true
	case uintptr:
		return uintAttr(uint64(v)), 1, 0, true
	case float32:
		return float64(v), 1, 0, true
	case float64:
		return v, 1, 0, true
	case Value:
		if v.IsNumber() {
			return v.Float64(), 1, 0, true
		}
		return str(v.String())
	case error, fmt.Stringer:
		return str(textOf(v))
	}
	return sliceAttr(v, lim)
}

// sliceAttr is eventValue for slices.
func sliceAttr(v any, lim *Limits) (val any, n, cut int, ok bool) {
	max := lim.Tags
	switch v := v.(type) {
	case []string:
		out, c := capSlice(v, max)
		out = slices.Clone(out)
		for i, s := range out {
			var cs bool
			if out[i], cs = clean(s, lim.ValueLength); cs {
				c++
			}
		}
		return nonNil(out), max1(len(out)), c, true
	case []bool:
		out, c := capSlice(v, max)
		return nonNil(slices.Clone(out)), max1(len(out)), c, true
	case []float64:
		out, c := capSlice(v, max)
		return nonNil(slices.Clone(out)), max1(len(out)), c, true
	case []float32:
		in, c := capSlice(v, max)
		out := make([]float64, len(in))
		for i, f := range in {
			out[i] = float64(f)
		}
		return out, max1(len(out)), c, true
	case []int:
		return intSlice(v, max)
	case []int8:
		return intSlice(v, max)
	case []int16:
		return intSlice(v, max)
	case []int32:
		return intSlice(v, max)
	case []int64:
		return intSlice(v, max)
	case []uint:
		return intSlice(v, max)
	case []uint8:
		return intSlice(v, max)
	case []uint16:
		return intSlice(v, max)
	case []uint32:
		return intSlice(v, max)
	case []uint64:
		return intSlice(v, max)
	case []uintptr:
		return intSlice(v, max)
	}
	return nil, 0, 0, false
}

type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// intSlice converts a slice of integers to []int64, or to their decimal
// texts if one is an unsigned integer past math.MaxInt64.
func intSlice[T integer](v []T, max int) (val any, n, cut int, ok bool) {
	in, c := capSlice(v, max)
	out := make([]int64, len(in))
	for i, x := range in {
		if x > 0 && int64(x) < 0 {
			// Only an unsigned T wraps: every element is unsigned.
			texts := make([]string, len(in))
			for j, y := range in {
				texts[j] = strconv.FormatUint(uint64(y), 10)
			}
			return texts, max1(len(texts)), c, true
		}
		out[i] = int64(x)
	}
	return out, max1(len(out)), c, true
}

// uintAttr is u as an int64, or as its decimal text past math.MaxInt64.
func uintAttr(u uint64) any {
	if int64(u) < 0 {
		return strconv.FormatUint(u, 10)
	}
	return int64(u)
}

// capSlice returns v cut to max elements, and 1 if it was cut.
func capSlice[T any](v []T, max int) ([]T, int) {
	if len(v) > max {
		return v[:max], 1
	}
	return v, 0
}

// cutSlice returns a copy of the first n elements of a converted slice.
func cutSlice(v any, n int) any {
	switch v := v.(type) {
	case []string:
		return slices.Clone(v[:n])
	case []bool:
		return slices.Clone(v[:n])
	case []int64:
		return slices.Clone(v[:n])
	case []float64:
		return slices.Clone(v[:n])
	}
	return v
}

// nonNil keeps an empty slice empty rather than nil: an empty array is a
// value the Agent receives.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func max1(n int) int { return max(n, 1) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cloneEvent returns e with copies of its map and slices.
func cloneEvent(e Event) Event {
	if e.Attributes == nil {
		return e
	}
	m := make(map[string]any, len(e.Attributes))
	for k, v := range e.Attributes {
		switch v := v.(type) {
		case []string:
			m[k] = slices.Clone(v)
		case []bool:
			m[k] = slices.Clone(v)
		case []int64:
			m[k] = slices.Clone(v)
		case []float64:
			m[k] = slices.Clone(v)
		default:
			m[k] = v
		}
	}
	e.Attributes = m
	return e
}

// eventsPinned returns the bytes the span's events keep alive, for the
// memory budget (pinnedLocked).
func (x *spanExtra) eventsPinned() int {
	n := 0
	for _, e := range x.events {
		n += int(unsafe.Sizeof(e)) + len(e.Name)
		for k, v := range e.Attributes {
			n += len(k) + mapEntryBytes + attrBytes(v)
		}
	}
	return n
}

// attrBytes returns what an attribute value holds beyond its map entry:
// the boxed value and a slice's elements.
func attrBytes(v any) int {
	const header = int(unsafe.Sizeof([]int{}))
	const strHeader = int(unsafe.Sizeof(""))
	switch v := v.(type) {
	case string:
		return strHeader + len(v)
	case int64, float64:
		return 8
	case []string:
		n := header + strHeader*len(v)
		for _, s := range v {
			n += len(s)
		}
		return n
	case []bool:
		return header + len(v)
	case []int64:
		return header + 8*len(v)
	case []float64:
		return header + 8*len(v)
	}
	return 0
}
