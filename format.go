package trace

import (
	"fmt"
	"reflect"
	"strconv"
)

// Bounds on formatting a tag value of an arbitrary type. fmt.Sprint
// follows slices, maps, interfaces and structs without limit: a slice that
// contains itself (s := []any{nil}; s[0] = s) makes it recurse until the
// goroutine's stack overflows, which kills the process (no recover catches
// it), and slices that share their elements (s2 = []any{s1, s1}, and so on)
// make it print exponentially many.
const (
	maxFormatDepth = 32      // levels of nesting
	maxFormatNodes = 1 << 14 // containers visited
	maxFormatBytes = 1 << 16 // what the bounded printer writes
)

// sprint formats v as fmt.Sprint does when v is within the bounds, and
// otherwise with a bounded printer of its own: fmt's layout, cut at
// maxFormatDepth levels ("...") and maxFormatBytes bytes, without calling
// the String, Error or Format methods of what v contains.
func sprint(v any) string {
	rv := reflect.ValueOf(v)
	budget := maxFormatNodes
	if fitsFormat(rv, 0, &budget) {
		return fmt.Sprint(v)
	}
	var p boundedPrinter
	p.print(rv, 0)
	return string(p.b)
}

// fitsFormat reports whether fmt.Sprint can print v within the bounds,
// walking v as fmt does: a pointer is followed only at the top (fmt prints
// the others as addresses), everything else to the end. What cannot
// contain other values is not walked.
func fitsFormat(v reflect.Value, depth int, budget *int) bool {
	if !v.IsValid() {
		return true
	}
	k := v.Kind()
	if k == reflect.Pointer {
		if depth > 0 || v.IsNil() {
			return true
		}
		switch v.Elem().Kind() {
		case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
			return fitsFormat(v.Elem(), depth+1, budget)
		}
		return true
	}
	if k == reflect.Interface {
		// Not counted: an interface holds one value, never itself.
		return depth < maxFormatDepth && fitsFormat(v.Elem(), depth+1, budget)
	}
	if flat(v.Type(), 0) {
		return true
	}
	if *budget--; *budget < 0 || depth >= maxFormatDepth {
		return false
	}
	switch k {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !fitsFormat(v.Index(i), depth+1, budget) {
				return false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !fitsFormat(it.Key(), depth+1, budget) || !fitsFormat(it.Value(), depth+1, budget) {
				return false
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !fitsFormat(v.Field(i), depth+1, budget) {
				return false
			}
		}
	}
	return true
}

// flat reports whether fmt prints values of t without following other
// values: scalars, strings, pointers below the top, and collections of
// those. Types nested deeper than a few levels count as not flat.
func flat(t reflect.Type, depth int) bool {
	if depth > 4 {
		return false
	}
	switch t.Kind() {
	case reflect.Interface:
		return false
	case reflect.Slice, reflect.Array:
		return flat(t.Elem(), depth+1)
	case reflect.Map:
		return flat(t.Key(), depth+1) && flat(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if !flat(t.Field(i).Type, depth+1) {
				return false
			}
		}
	}
	return true
}

// boundedPrinter prints a value in fmt's %v layout within the bounds.
type boundedPrinter struct{ b []byte }

func (p *boundedPrinter) full() bool { return len(p.b) >= maxFormatBytes }

func (p *boundedPrinter) print(v reflect.Value, depth int) {
	switch {
	case p.full():
		return
	case !v.IsValid():
		p.b = append(p.b, "<nil>"...)
		return
	case depth > maxFormatDepth:
		p.b = append(p.b, "..."...)
		return
	}
	switch v.Kind() {
	case reflect.Interface:
		p.print(v.Elem(), depth+1)
	case reflect.Pointer:
		if depth == 0 && !v.IsNil() {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.b = append(p.b, '&')
				p.print(v.Elem(), depth+1)
				return
			}
		}
		p.pointer(v)
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		p.pointer(v)
	case reflect.Slice, reflect.Array:
		p.b = append(p.b, '[')
		for i := 0; i < v.Len() && !p.full(); i++ {
			if i > 0 {
				p.b = append(p.b, ' ')
			}
			p.print(v.Index(i), depth+1)
		}
		p.b = append(p.b, ']')
	case reflect.Map:
		p.b = append(p.b, "map["...)
		for it, i := v.MapRange(), 0; it.Next() && !p.full(); i++ {
			if i > 0 {
				p.b = append(p.b, ' ')
			}
			p.print(it.Key(), depth+1)
			p.b = append(p.b, ':')
			p.print(it.Value(), depth+1)
		}
		p.b = append(p.b, ']')
	case reflect.Struct:
		p.b = append(p.b, '{')
		for i := 0; i < v.NumField() && !p.full(); i++ {
			if i > 0 {
				p.b = append(p.b, ' ')
			}
			p.print(v.Field(i), depth+1)
		}
		p.b = append(p.b, '}')
	default:
		p.scalar(v)
	}
}

// pointer prints an address as fmt does: hexadecimal, or <nil>.
func (p *boundedPrinter) pointer(v reflect.Value) {
	if v.IsNil() {
		p.b = append(p.b, "<nil>"...)
		return
	}
	p.b = append(p.b, "0x"...)
	p.b = strconv.AppendUint(p.b, uint64(v.Pointer()), 16)
}

// scalar prints a string, a bool or a number, as fmt's %v does.
func (p *boundedPrinter) scalar(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		p.b = append(p.b, v.String()[:min(v.Len(), maxFormatBytes)]...)
	case reflect.Bool:
		p.b = strconv.AppendBool(p.b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.b = strconv.AppendInt(p.b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.b = strconv.AppendUint(p.b, v.Uint(), 10)
	case reflect.Float32:
		p.b = strconv.AppendFloat(p.b, v.Float(), 'g', -1, 32)
	case reflect.Float64:
		p.b = strconv.AppendFloat(p.b, v.Float(), 'g', -1, 64)
	case reflect.Complex64, reflect.Complex128:
		p.b = fmt.Append(p.b, v.Complex())
	}
}
