package trace

import "unsafe"

// fields collects the headers a propagator writes, and writes them with
// as few allocations as it can: the values it formats go into one string,
// and an http.Header's one-element value slices are cut from one array,
// both in one allocation when they fit (headerStrings).
type fields struct {
	keys, canon [maxFields]string
	vals        [maxFields]string // values that are strings already
	from, to    [maxFields]int    // for the others, where they are in the bytes given to writeTo
	n           int
}

// maxFields is the most headers written at once: Datadog's five and W3C's
// two, which styled.Inject writes together (maxStyleFields is one style's
// most).
const (
	maxFields      = 7
	maxStyleFields = 5
)

// add adds header k, whose canonical HTTP form is canon, with the value v.
func (f *fields) add(k, canon, v string) {
	f.keys[f.n], f.canon[f.n], f.vals[f.n], f.from[f.n], f.to[f.n] = k, canon, v, 0, -1
	f.n++
}

// addBytes adds header k with the value b[from:to] of the bytes that will
// be given to writeTo.
func (f *fields) addBytes(k, canon string, from, to int) {
	f.keys[f.n], f.canon[f.n], f.vals[f.n], f.from[f.n], f.to[f.n] = k, canon, "", from, to
	f.n++
}

// headerValues is what an http.Header gets from the propagators, in one
// allocation: the header values, and the bytes of those formatted. Its
// strings point into buf, which is never written once they are made. Each
// size is a size class: 128 bytes hold a traceparent and our tracestate,
// 160 Datadog's ids, priority and x-datadog-tags, 256 either with more
// tags or an origin, 288 both styles' headers, 384 both with more tags
// (BenchmarkInjectExtract, BenchmarkInjectExtractDefault).
type (
	headerValues2 struct {
		vals [2]string
		buf  [128 - 2*16]byte
	}
	headerValues160 struct {
		vals [maxStyleFields]string
		buf  [160 - maxStyleFields*16]byte
	}
	headerValues256 struct {
		vals [maxStyleFields]string
		buf  [256 - maxStyleFields*16]byte
	}
	headerValues288 struct {
		vals [maxFields]string
		buf  [288 - maxFields*16]byte
	}
	headerValues384 struct {
		vals [maxFields]string
		buf  [384 - maxFields*16]byte
	}
)

// headerBufLen is the most bytes of one style's formatted values that go
// into a headerValues, allHeadersBufLen of all styles' together.
const (
	headerBufLen     = len(headerValues256{}.buf)
	allHeadersBufLen = len(headerValues384{}.buf)
)

// headerStrings returns n slots for header values, and b as a string, in
// one allocation when they fit in a headerValues.
func headerStrings(n int, b []byte) ([]string, string) {
	switch {
	case n <= 2 && len(b) <= len(headerValues2{}.buf):
		x := new(headerValues2)
		return x.vals[:n], unsafe.String(&x.buf[0], copy(x.buf[:], b))
	case n <= maxStyleFields && len(b) <= len(headerValues160{}.buf):
		x := new(headerValues160)
		return x.vals[:n], unsafe.String(&x.buf[0], copy(x.buf[:], b))
	case n <= maxStyleFields && len(b) <= headerBufLen:
		x := new(headerValues256)
		return x.vals[:n], unsafe.String(&x.buf[0], copy(x.buf[:], b))
	case n <= maxFields && len(b) <= len(headerValues288{}.buf):
		x := new(headerValues288)
		return x.vals[:n], unsafe.String(&x.buf[0], copy(x.buf[:], b))
	case n <= maxFields && len(b) <= allHeadersBufLen:
		x := new(headerValues384)
		return x.vals[:n], unsafe.String(&x.buf[0], copy(x.buf[:], b))
	}
	return make([]string, n), string(b)
}

// writeTo writes the headers to w, b holding the bytes of those added with
// addBytes.
func (f *fields) writeTo(w TextMapWriter, b []byte) {
	h, isHeader := w.(HeaderCarrier)
	var all string
	var vals []string
	if isHeader {
		vals, all = headerStrings(f.n, b)
	} else {
		all = string(b)
	}
	for i := range f.n {
		v := f.vals[i]
		if f.to[i] >= 0 {
			v = all[f.from[i]:f.to[i]]
		}
		if !isHeader {
			w.Set(f.keys[i], v)
			continue
		}
		vals[i] = v
		h[f.canon[i]] = vals[i : i+1 : i+1]
	}
}
