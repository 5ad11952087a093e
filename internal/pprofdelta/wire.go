package pprofdelta

import (
	"errors"
	"fmt"
)

// The protocol-buffer wire types this package understands. Groups (3 and 4)
// are deprecated and never used by profile.proto, so they are rejected.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// maxFieldNumber is the largest field number protobuf allows (2^29-1).
const maxFieldNumber = 1<<29 - 1

var (
	errTruncated = errors.New("truncated field")
	errOverflow  = errors.New("varint overflows 64 bits")
)

// field is one decoded protobuf field. data aliases the decoder's buffer:
// nothing is copied, so a decoded profile costs no more than its input.
type field struct {
	num  uint32
	typ  uint8
	val  uint64 // value of a varint, fixed64 or fixed32 field
	data []byte // payload of a length-delimited field
	raw  []byte // the whole field, tag included, for verbatim copies
}

// decoder walks the fields of one protobuf message.
type decoder struct {
	buf []byte
	pos int
	err error
}

func newDecoder(b []byte) decoder { return decoder{buf: b} }

// next decodes the next field into f. It returns false at the end of the
// message or on error; d.err tells which.
func (d *decoder) next(f *field) bool {
	if d.err != nil || d.pos >= len(d.buf) {
		return false
	}
	start := d.pos
	tag, err := d.varint()
	if err != nil {
		return d.fail(err)
	}
	num, typ := tag>>3, uint8(tag&7)
	if num == 0 || num > maxFieldNumber {
		return d.fail(fmt.Errorf("invalid field number %d", num))
	}
	f.num, f.typ, f.val, f.data = uint32(num), typ, 0, nil
	switch typ {
	case wireVarint:
		f.val, err = d.varint()
	case wireFixed64:
		f.val, err = d.fixed(8)
	case wireFixed32:
		f.val, err = d.fixed(4)
	case wireBytes:
		f.data, err = d.bytes()
	default:
		err = fmt.Errorf("field %d: unsupported wire type %d", num, typ)
	}
	if err != nil {
		return d.fail(err)
	}
	f.raw = d.buf[start:d.pos]
	return true
}

func (d *decoder) fail(err error) bool {
	d.err = err
	return false
}

func (d *decoder) varint() (uint64, error) {
	v, n := decodeVarint(d.buf[d.pos:])
	if n <= 0 {
		if n == 0 {
			return 0, errTruncated
		}
		return 0, errOverflow
	}
	d.pos += n
	return v, nil
}

func (d *decoder) fixed(size int) (uint64, error) {
	if len(d.buf)-d.pos < size {
		return 0, errTruncated
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(d.buf[d.pos+i])
	}
	d.pos += size
	return v, nil
}

func (d *decoder) bytes() ([]byte, error) {
	n, err := d.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(d.buf)-d.pos) {
		return nil, errTruncated
	}
	b := d.buf[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

// decodeVarint decodes a base-128 varint. It returns the number of bytes
// read, 0 if b ends too early, or -1 if the value overflows 64 bits.
func decodeVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		c := b[i]
		if i == 9 && c > 1 {
			return 0, -1
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// uintValue returns the value of a scalar integer field, which the wire
// format allows only as a varint.
func (f *field) uintValue() (uint64, error) {
	if f.typ != wireVarint {
		return 0, fmt.Errorf("field %d: wire type %d, want varint", f.num, f.typ)
	}
	return f.val, nil
}

// bytesValue returns the payload of a string or message field.
func (f *field) bytesValue() ([]byte, error) {
	if f.typ != wireBytes {
		return nil, fmt.Errorf("field %d: wire type %d, want bytes", f.num, f.typ)
	}
	return f.data, nil
}

// appendUints appends the values of a repeated integer field, which may be
// packed (one length-delimited field) or not (one varint per value).
func (f *field) appendUints(dst []uint64) ([]uint64, error) {
	switch f.typ {
	case wireVarint:
		return append(dst, f.val), nil
	case wireBytes:
		for b := f.data; len(b) > 0; {
			v, n := decodeVarint(b)
			if n <= 0 {
				return dst, fmt.Errorf("field %d: malformed packed varint", f.num)
			}
			dst = append(dst, v)
			b = b[n:]
		}
		return dst, nil
	}
	return dst, fmt.Errorf("field %d: wire type %d, want varint or packed", f.num, f.typ)
}

// appendVarint appends v as a base-128 varint.
func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendTag(b []byte, num uint32, typ uint8) []byte {
	return appendVarint(b, uint64(num)<<3|uint64(typ))
}

// appendVarintField appends an integer field; int64 values are encoded as
// their two's-complement uint64, as protobuf does for int64.
func appendVarintField(b []byte, num uint32, v uint64) []byte {
	return appendVarint(appendTag(b, num, wireVarint), v)
}

// appendBytesField appends a string or message field.
func appendBytesField(b []byte, num uint32, data []byte) []byte {
	b = appendVarint(appendTag(b, num, wireBytes), uint64(len(data)))
	return append(b, data...)
}

// appendPacked appends a packed repeated integer field. Empty lists are
// omitted, as protobuf encoders do.
func appendPacked(b []byte, num uint32, vals []uint64) []byte {
	if len(vals) == 0 {
		return b
	}
	size := 0
	for _, v := range vals {
		size += varintSize(v)
	}
	b = appendVarint(appendTag(b, num, wireBytes), uint64(size))
	for _, v := range vals {
		b = appendVarint(b, v)
	}
	return b
}

func varintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
