package ddsketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The DDSketch protobuf message (sketches-go's ddsketch.proto), written
// and read by hand: the root module takes no protobuf dependency.
//
//	DDSketch     { IndexMapping mapping = 1; Store positiveValues = 2;
//	               Store negativeValues = 3; double zeroCount = 4; }
//	IndexMapping { double gamma = 1; double indexOffset = 2; Interpolation interpolation = 3; }
//	Store        { map<sint32, double> binCounts = 1;
//	               repeated double contiguousBinCounts = 2 [packed = true];
//	               sint32 contiguousBinIndexOffset = 3; }
//
// AppendProto writes what sketches-go's ToProto and a protobuf Marshal
// write for the same bins: fields in order, zero scalars left out, both
// stores always present, the bins contiguous.

// Protobuf wire types.
const (
	wireVarint = 0
	wire64     = 1
	wireBytes  = 2
	wire32     = 5
)

// AppendProto appends the sketch's protobuf encoding to b.
func (s *Sketch) AppendProto(b []byte) []byte {
	var m []byte
	m = appendDouble(m, 1, s.m.gamma)
	m = appendDouble(m, 2, s.m.offset)
	b = appendBytes(b, 1, m)
	b = appendBytes(b, 2, s.pos.appendProto(nil))
	b = appendBytes(b, 3, s.neg.appendProto(nil))
	return appendDouble(b, 4, s.zero)
}

// appendProto appends the store's fields: the counts of its bins in use,
// contiguously, and the index of the first.
func (s *store) appendProto(b []byte) []byte {
	used := s.used()
	if len(used) == 0 {
		return b
	}
	b = binary.AppendUvarint(b, 2<<3|wireBytes)
	b = binary.AppendUvarint(b, uint64(8*len(used)))
	for _, c := range used {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c))
	}
	if s.lo != 0 {
		b = binary.AppendUvarint(b, 3<<3|wireVarint)
		b = binary.AppendUvarint(b, uint64(zigzag32(int32(s.lo))))
	}
	return b
}

func zigzag32(v int32) uint32 { return uint32(v<<1) ^ uint32(v>>31) }

func appendDouble(b []byte, field int, v float64) []byte {
	if v == 0 {
		return b
	}
	b = binary.AppendUvarint(b, uint64(field)<<3|wire64)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// appendBytes appends a length-delimited field, even an empty one: a
// message field that is set.
func appendBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|wireBytes)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// ErrInvalid is returned by Decode for bytes that are not a DDSketch
// message it can use.
var ErrInvalid = errors.New("ddsketch: invalid protobuf sketch")

// Decode reads a DDSketch protobuf message, as the Agent does: counts of
// the same bin add up, and a message field that appears twice is merged.
// Only the logarithmic mapping (interpolation NONE) is supported; bins
// beyond MaxBins are collapsed as Add collapses them. Counts must be
// finite and not negative.
func Decode(b []byte) (*Sketch, error) {
	var d decoder
	if err := d.sketch(b); err != nil {
		return nil, err
	}
	if !d.hasMapping {
		return nil, fmt.Errorf("%w: no index mapping", ErrInvalid)
	}
	if d.interpolation != 0 {
		return nil, fmt.Errorf("%w: interpolation %d is not supported", ErrInvalid, d.interpolation)
	}
	m, err := newMapping(d.gamma, d.offset)
	if err != nil {
		return nil, fmt.Errorf("%w: gamma %v, offset %v", ErrInvalid, d.gamma, d.offset)
	}
	if !validCount(d.zero) {
		return nil, fmt.Errorf("%w: zero count %v", ErrInvalid, d.zero)
	}
	s := &Sketch{m: m, pos: store{maxBins: MaxBins}, neg: store{maxBins: MaxBins}, zero: d.zero}
	for _, st := range []struct {
		in  *storeFields
		out *store
	}{{&d.pos, &s.pos}, {&d.neg, &s.neg}} {
		if err := st.in.fill(st.out); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func validCount(c float64) bool { return c >= 0 && !math.IsInf(c, 0) }
