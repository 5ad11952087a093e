package agent

import (
	"encoding/binary"
	"math"
)

// The encoder's hot path writes msgpack straight into the payload's
// buffer: the same bytes as msgpack.Encoder with its defaults (integers in
// the fewest bytes, floats always as 64-bit doubles, strings with the
// shortest header), without an interface call and a copy per value.
// Links and events, rare, still go through msgpack.Encoder.
const (
	mpUint8   = 0xcc
	mpUint16  = 0xcd
	mpUint32  = 0xce
	mpUint64  = 0xcf
	mpInt8    = 0xd0
	mpInt16   = 0xd1
	mpInt32   = 0xd2
	mpInt64   = 0xd3
	mpDouble  = 0xcb
	mpStr8    = 0xd9
	mpStr16   = 0xda
	mpStr32   = 0xdb
	mpMap16   = 0xde
	mpFixMap  = 0x80
	mpFixStr  = 0xa0
	mpMaxWide = 9 // the longest number: a code and eight bytes
)

// uintBytes writes v into b, which has room for mpMaxWide bytes, as
// msgpack.Encoder.EncodeUint does, and returns how many bytes it wrote.
func uintBytes(b []byte, v uint64) int {
	_ = b[mpMaxWide-1]
	switch {
	case v <= math.MaxInt8:
		b[0] = byte(v)
		return 1
	case v <= math.MaxUint8:
		b[0], b[1] = mpUint8, byte(v)
		return 2
	case v <= math.MaxUint16:
		b[0] = mpUint16
		binary.BigEndian.PutUint16(b[1:], uint16(v))
		return 3
	case v <= math.MaxUint32:
		b[0] = mpUint32
		binary.BigEndian.PutUint32(b[1:], uint32(v))
		return 5
	}
	b[0] = mpUint64
	binary.BigEndian.PutUint64(b[1:], v)
	return 9
}

// intBytes is uintBytes for msgpack.Encoder.EncodeInt.
func intBytes(b []byte, v int64) int {
	_ = b[mpMaxWide-1]
	switch {
	case v >= 0:
		return uintBytes(b, uint64(v))
	case v >= -32: // a negative fixint
		b[0] = byte(v)
		return 1
	case v >= math.MinInt8:
		b[0], b[1] = mpInt8, byte(v)
		return 2
	case v >= math.MinInt16:
		b[0] = mpInt16
		binary.BigEndian.PutUint16(b[1:], uint16(v))
		return 3
	case v >= math.MinInt32:
		b[0] = mpInt32
		binary.BigEndian.PutUint32(b[1:], uint32(v))
		return 5
	}
	b[0] = mpInt64
	binary.BigEndian.PutUint64(b[1:], uint64(v))
	return 9
}

// strHeader writes the header of a string of n bytes into b, which has
// room for five, as msgpack.Encoder.EncodeString does, and returns its
// length.
func strHeader(b []byte, n int) int {
	_ = b[4]
	switch {
	case n < 32:
		b[0] = mpFixStr | byte(n)
		return 1
	case n <= math.MaxUint8:
		b[0], b[1] = mpStr8, byte(n)
		return 2
	case n <= math.MaxUint16:
		b[0] = mpStr16
		binary.BigEndian.PutUint16(b[1:], uint16(n))
		return 3
	}
	b[0] = mpStr32
	binary.BigEndian.PutUint32(b[1:], uint32(n))
	return 5
}

// wide returns the mpMaxWide bytes past what cur holds, or nil when cur has
// no room for them. Nothing is written until commit.
func (w *wbuf) wide() []byte {
	l := len(w.cur)
	if cap(w.cur)-l < mpMaxWide {
		return nil
	}
	return w.cur[l : l+mpMaxWide]
}

// commit adds n bytes written past the end of cur. Reslicing cur in place
// writes its length only: an append would write its pointer back too, a
// write barrier on every value while the garbage collector marks.
func (w *wbuf) commit(n int) {
	w.cur = w.cur[:len(w.cur)+n]
	w.n += n
}

// putUint writes v as msgpack.Encoder.EncodeUint does.
func (w *wbuf) putUint(v uint64) {
	if b := w.wide(); b != nil {
		w.commit(uintBytes(b, v))
		return
	}
	var b [mpMaxWide]byte
	_, _ = w.Write(b[:uintBytes(b[:], v)])
}

// putInt writes v as msgpack.Encoder.EncodeInt does.
func (w *wbuf) putInt(v int64) {
	if b := w.wide(); b != nil {
		w.commit(intBytes(b, v))
		return
	}
	var b [mpMaxWide]byte
	_, _ = w.Write(b[:intBytes(b[:], v)])
}

// putFloat writes v as msgpack.Encoder.EncodeFloat64 does: always a double.
func (w *wbuf) putFloat(v float64) {
	if b := w.wide(); b != nil {
		w.commit(floatBytes(b, v))
		return
	}
	var b [mpMaxWide]byte
	_, _ = w.Write(b[:floatBytes(b[:], v)])
}

// floatBytes writes v into b as a msgpack double and returns its length.
func floatBytes(b []byte, v float64) int {
	_ = b[mpMaxWide-1]
	b[0] = mpDouble
	binary.BigEndian.PutUint64(b[1:], math.Float64bits(v))
	return mpMaxWide
}

// putString writes s as msgpack.Encoder.EncodeString does.
func (w *wbuf) putString(s string) {
	l := len(w.cur)
	if cap(w.cur)-l >= 5+len(s) {
		b := w.cur[l:cap(w.cur)]
		h := strHeader(b, len(s))
		copy(b[h:], s)
		w.commit(h + len(s))
		return
	}
	var b [5]byte
	if _, err := w.Write(b[:strHeader(b[:], len(s))]); err == nil {
		_, _ = w.WriteString(s)
	}
}

// putMapLen writes a map header for n entries as
// msgpack.Encoder.EncodeMapLen does.
func (w *wbuf) putMapLen(n int) {
	switch {
	case n < 16:
		_ = w.WriteByte(mpFixMap | byte(n))
	case n <= math.MaxUint16:
		_, _ = w.Write([]byte{mpMap16, byte(n >> 8), byte(n)})
	default:
		_, _ = w.Write([]byte{map32, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	}
}
