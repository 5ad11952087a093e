package ddsketch

import (
	"encoding/binary"
	"fmt"
	"math"
)

// decoder gathers the fields of a DDSketch message. Repeated and merged
// fields accumulate: a field that appears twice is read as protobuf reads
// it (the last scalar wins; repeated values and map entries add up).
type decoder struct {
	hasMapping    bool
	gamma, offset float64
	interpolation uint64
	pos, neg      storeFields
	zero          float64
}

// storeFields are the fields of a Store message.
type storeFields struct {
	sparse     []sparseBin // binCounts, in order: a key seen twice keeps its last count
	contiguous []float64
	offset     int32
}

type sparseBin struct {
	index int32
	count float64
}

// field is one field of a message: its number, wire type, and value (v
// for varints and fixed-size values, data for length-delimited ones).
type field struct {
	num  uint64
	wire uint64
	v    uint64
	data []byte
}

// fields calls f with each field of the message b, stopping at the first
// error.
func fields(b []byte, f func(field) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return fmt.Errorf("%w: bad field key", ErrInvalid)
		}
		b = b[n:]
		fl := field{num: key >> 3, wire: key & 7}
		if fl.num == 0 || fl.num > math.MaxInt32 {
			return fmt.Errorf("%w: field number %d", ErrInvalid, fl.num)
		}
		switch fl.wire {
		case wireVarint:
			fl.v, n = binary.Uvarint(b)
			if n <= 0 {
				return fmt.Errorf("%w: bad varint", ErrInvalid)
			}
			b = b[n:]
		case wire64:
			if len(b) < 8 {
				return fmt.Errorf("%w: truncated fixed64", ErrInvalid)
			}
			fl.v, b = binary.LittleEndian.Uint64(b), b[8:]
		case wire32:
			if len(b) < 4 {
				return fmt.Errorf("%w: truncated fixed32", ErrInvalid)
			}
			fl.v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		case wireBytes:
			size, n := binary.Uvarint(b)
			if n <= 0 || size > uint64(len(b)-n) {
				return fmt.Errorf("%w: bad length", ErrInvalid)
			}
			fl.data, b = b[n:n+int(size)], b[n+int(size):]
		default:
			return fmt.Errorf("%w: wire type %d", ErrInvalid, fl.wire)
		}
		if err := f(fl); err != nil {
			return err
		}
	}
	return nil
}

// double reads a double field: fixed64 only.
func (fl field) double() (float64, error) {
	if fl.wire != wire64 {
		return 0, fmt.Errorf("%w: field %d is not a double", ErrInvalid, fl.num)
	}
	return math.Float64frombits(fl.v), nil
}

// message checks that a field is length-delimited.
func (fl field) message() ([]byte, error) {
	if fl.wire != wireBytes {
		return nil, fmt.Errorf("%w: field %d is not a message", ErrInvalid, fl.num)
	}
	return fl.data, nil
}

func (d *decoder) sketch(b []byte) error {
	return fields(b, func(fl field) error {
		var err error
		switch fl.num {
		case 1:
			var m []byte
			if m, err = fl.message(); err == nil {
				d.hasMapping = true
				err = fields(m, d.mapping)
			}
		case 2, 3:
			st := &d.pos
			if fl.num == 3 {
				st = &d.neg
			}
			var m []byte
			if m, err = fl.message(); err == nil {
				err = fields(m, st.field)
			}
		case 4:
			d.zero, err = fl.double()
		}
		return err // other fields: unknown, skipped
	})
}

func (d *decoder) mapping(fl field) error {
	var err error
	switch fl.num {
	case 1:
		d.gamma, err = fl.double()
	case 2:
		d.offset, err = fl.double()
	case 3:
		if fl.wire != wireVarint {
			return fmt.Errorf("%w: interpolation is not a varint", ErrInvalid)
		}
		d.interpolation = fl.v
	}
	return err
}

func (st *storeFields) field(fl field) error {
	switch fl.num {
	case 1: // a map entry: {sint32 key = 1; double value = 2}
		m, err := fl.message()
		if err != nil {
			return err
		}
		var bin sparseBin
		err = fields(m, func(e field) error {
			var err error
			switch {
			case e.num == 1 && e.wire == wireVarint:
				bin.index = unzigzag32(uint32(e.v))
			case e.num == 1:
				err = fmt.Errorf("%w: bin index is not a varint", ErrInvalid)
			case e.num == 2:
				bin.count, err = e.double()
			}
			return err
		})
		if err != nil {
			return err
		}
		st.sparse = append(st.sparse, bin)
	case 2: // packed, or one value at a time
		if fl.wire == wire64 {
			st.contiguous = append(st.contiguous, math.Float64frombits(fl.v))
			return nil
		}
		data, err := fl.message()
		if err != nil || len(data)%8 != 0 {
			return fmt.Errorf("%w: bad packed counts", ErrInvalid)
		}
		for ; len(data) > 0; data = data[8:] {
			st.contiguous = append(st.contiguous, math.Float64frombits(binary.LittleEndian.Uint64(data)))
		}
	case 3:
		if fl.wire != wireVarint {
			return fmt.Errorf("%w: bin offset is not a varint", ErrInvalid)
		}
		st.offset = unzigzag32(uint32(fl.v))
	}
	return nil
}

func unzigzag32(v uint32) int32 { return int32(v>>1) ^ -int32(v&1) }

// fill counts the fields' bins into s. A sparse index given twice keeps
// its last count, as a protobuf map does; counts in both encodings add.
func (st *storeFields) fill(s *store) error {
	last := make(map[int32]int, len(st.sparse))
	for i, b := range st.sparse {
		last[b.index] = i
	}
	for i, b := range st.sparse {
		if !validCount(b.count) {
			return fmt.Errorf("%w: count %v", ErrInvalid, b.count)
		}
		if last[b.index] == i {
			s.add(int(b.index), b.count)
		}
	}
	for j, c := range st.contiguous {
		if !validCount(c) {
			return fmt.Errorf("%w: count %v", ErrInvalid, c)
		}
		s.add(int(st.offset)+j, c)
	}
	return nil
}
