package pprofdelta

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"slices"
)

// hash128 identifies content: a string, a function, a location, a label or
// a whole sample. Ids and string indexes differ between two runtime/pprof
// outputs, so samples are matched by what the ids resolve to.
//
// Hashing, rather than keeping the resolved text, keeps memory proportional
// to the input: a stack of a million frames of one long-named function costs
// 16 bytes per frame, not a copy of the name per frame. Two random seeds give
// 128 bits, so an accidental or crafted collision is not a practical concern.
type hash128 struct{ a, b uint64 }

// Domain tags keep a function's hash from ever equalling a location's.
const (
	tagFunction = 'F'
	tagLocation = 'L'
	tagLine     = 'l'
	tagLabel    = 'B'
	tagSample   = 'S'
	tagType     = 'T'
)

// hasher computes hash128 values; one Computer keeps its seeds for life so
// that the same content hashes the same in every profile it sees.
type hasher struct {
	seeds   [2]maphash.Seed
	h       [2]maphash.Hash
	scratch [8]byte
}

func newHasher() *hasher {
	k := &hasher{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	k.h[0].SetSeed(k.seeds[0])
	k.h[1].SetSeed(k.seeds[1])
	return k
}

func (k *hasher) bytes(b []byte) hash128 {
	return hash128{maphash.Bytes(k.seeds[0], b), maphash.Bytes(k.seeds[1], b)}
}

func (k *hasher) start(tag byte) {
	k.h[0].Reset()
	k.h[1].Reset()
	k.u64(uint64(tag))
}

func (k *hasher) u64(v uint64) {
	binary.LittleEndian.PutUint64(k.scratch[:], v)
	k.h[0].Write(k.scratch[:])
	k.h[1].Write(k.scratch[:])
}

func (k *hasher) add(x hash128) {
	k.u64(x.a)
	k.u64(x.b)
}

func (k *hasher) sum() hash128 { return hash128{k.h[0].Sum64(), k.h[1].Sum64()} }

func compareHash(x, y hash128) int {
	if x.a != y.a {
		if x.a < y.a {
			return -1
		}
		return 1
	}
	if x.b != y.b {
		if x.b < y.b {
			return -1
		}
		return 1
	}
	return 0
}

// hashFunctions hashes each function by its name, system name, file name
// and start line.
func (p *profile) hashFunctions(k *hasher) {
	for _, fn := range p.funcOrder {
		k.start(tagFunction)
		for _, s := range fn.strs {
			k.add(p.strings[s])
		}
		k.u64(fn.start)
		fn.hash = k.sum()
	}
}

// hashLocations hashes each location by its lines (resolved functions,
// line and column numbers), address and is_folded. The mapping is left
// out: within one process an address already names the mapping.
//
// Each line is written as a fixed-size record that starts with tagLine, and
// the address follows tagLocation, so the encoding is unambiguous without
// first collecting the lines.
func (p *profile) hashLocations(k *hasher) error {
	for id, loc := range p.locations {
		var addr, folded uint64
		k.start(tagLocation)
		d := newDecoder(loc.body)
		var g field
		var err error
		for d.next(&g) && err == nil {
			switch g.num {
			case locationAddress:
				addr, err = g.uintValue()
			case locationFolded:
				folded, err = g.uintValue()
			case locationLine:
				err = p.hashLine(&g, k)
			case locationID, locationMappingID:
				_, err = g.uintValue()
			default:
				p.unknown = true
			}
		}
		if err == nil {
			err = d.err
		}
		if err != nil {
			return fmt.Errorf("location %d: %w", id, err)
		}
		k.u64(tagLocation)
		k.u64(addr)
		k.u64(folded)
		loc.hash = k.sum()
	}
	return nil
}

// hashLine writes one line of a location to k.
func (p *profile) hashLine(f *field, k *hasher) error {
	body, err := f.bytesValue()
	if err != nil {
		return err
	}
	var fn hash128 // a line without a function keeps the zero hash
	var line, column uint64
	d := newDecoder(body)
	var g field
	for d.next(&g) && err == nil {
		switch g.num {
		case lineFunctionID:
			var id uint64
			if id, err = g.uintValue(); err == nil && id != 0 {
				f, ok := p.functions[id]
				if !ok {
					return fmt.Errorf("unknown function id %d", id)
				}
				fn = f.hash
			}
		case lineLine:
			line, err = g.uintValue()
		case lineColumn:
			column, err = g.uintValue()
		default:
			p.unknown = true
		}
	}
	if err == nil {
		err = d.err
	}
	k.u64(tagLine)
	k.add(fn)
	k.u64(line)
	k.u64(column)
	return err
}

// sample is one decoded Sample message; its slices are reused.
type sample struct {
	body   []byte
	locs   []uint64
	values []uint64
	labels [][]byte
	// labelKeys is scratch space for sorting label hashes.
	labelKeys []hash128
}

func (s *sample) decode(body []byte) error {
	s.body, s.locs, s.values, s.labels = body, s.locs[:0], s.values[:0], s.labels[:0]
	d := newDecoder(body)
	var g field
	var err error
	for d.next(&g) && err == nil {
		switch g.num {
		case sampleLocationID:
			s.locs, err = g.appendUints(s.locs)
		case sampleValue:
			s.values, err = g.appendUints(s.values)
		case sampleLabel:
			var b []byte
			b, err = g.bytesValue()
			s.labels = append(s.labels, b)
		}
	}
	if err != nil {
		return err
	}
	return d.err
}

// sampleKey hashes a sample's stack and its label set. Labels are a set, so
// their hashes are sorted before they are combined.
func (p *profile) sampleKey(s *sample, k *hasher) (hash128, error) {
	s.labelKeys = s.labelKeys[:0]
	for _, body := range s.labels {
		h, err := p.labelKey(body, k)
		if err != nil {
			return hash128{}, err
		}
		s.labelKeys = append(s.labelKeys, h)
	}
	slices.SortFunc(s.labelKeys, compareHash)
	k.start(tagSample)
	k.u64(uint64(len(s.locs)))
	for _, id := range s.locs {
		loc, ok := p.locations[id]
		if !ok {
			return hash128{}, fmt.Errorf("sample references unknown location id %d", id)
		}
		k.add(loc.hash)
	}
	k.u64(uint64(len(s.labelKeys)))
	for _, h := range s.labelKeys {
		k.add(h)
	}
	return k.sum(), nil
}

// labelKey hashes one Label by its resolved key, string value, number and
// unit.
func (p *profile) labelKey(body []byte, k *hasher) (hash128, error) {
	var strs [3]uint64 // key, str, num_unit
	var num uint64
	d := newDecoder(body)
	var g field
	var err error
	for d.next(&g) && err == nil {
		switch g.num {
		case labelKey:
			strs[0], err = g.uintValue()
		case labelStr:
			strs[1], err = g.uintValue()
		case labelNum:
			num, err = g.uintValue()
		case labelNumUnit:
			strs[2], err = g.uintValue()
		default:
			p.unknown = true
		}
	}
	if err == nil {
		err = d.err
	}
	if err != nil {
		return hash128{}, fmt.Errorf("label: %w", err)
	}
	k.start(tagLabel)
	for _, s := range strs {
		if err := p.checkString(s); err != nil {
			return hash128{}, fmt.Errorf("label: %w", err)
		}
		k.add(p.strings[s])
	}
	k.u64(num)
	return k.sum(), nil
}
