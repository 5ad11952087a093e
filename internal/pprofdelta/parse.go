package pprofdelta

import (
	"errors"
	"fmt"
)

// Field numbers of the messages in profile.proto that this package reads.
const (
	profSampleType        = 1
	profSample            = 2
	profMapping           = 3
	profLocation          = 4
	profFunction          = 5
	profStringTable       = 6
	profDropFrames        = 7
	profKeepFrames        = 8
	profTimeNanos         = 9
	profDurationNanos     = 10
	profPeriodType        = 11
	profPeriod            = 12
	profComment           = 13
	profDefaultSampleType = 14

	sampleLocationID = 1
	sampleValue      = 2
	sampleLabel      = 3

	labelKey     = 1
	labelStr     = 2
	labelNum     = 3
	labelNumUnit = 4

	valueTypeType = 1
	valueTypeUnit = 2

	mappingID       = 1
	mappingFilename = 5
	mappingBuildID  = 6

	locationID        = 1
	locationMappingID = 2
	locationAddress   = 3
	locationLine      = 4
	locationFolded    = 5

	lineFunctionID = 1
	lineLine       = 2
	lineColumn     = 3

	functionID         = 1
	functionName       = 2
	functionSystemName = 3
	functionFilename   = 4
	functionStartLine  = 5
)

// function is one Function message of a profile.
type function struct {
	raw   []byte    // the whole field, copied verbatim to the output
	strs  [3]uint64 // name, system_name and filename string indexes
	start uint64    // start_line
	hash  hash128
	used  bool
}

// location is one Location message of a profile.
type location struct {
	raw  []byte
	body []byte
	hash hash128
	used bool
}

// profile indexes one decoded profile. Its slices alias the decoded bytes.
type profile struct {
	data        []byte
	strings     []hash128   // content hash of each string_table entry
	sampleTypes [][2]uint64 // type and unit string indexes
	functions   map[uint64]*function
	locations   map[uint64]*location
	funcOrder   []*function // functions and locations in input order
	locOrder    []*location
	mappingIDs  map[uint64]struct{}
	// refs are the string indexes that the kept messages other than
	// samples, locations and functions use; they are validated and kept.
	refs     []uint64
	time     int64
	duration int64
	samples  int
	// unknown is set when the input has a field this package does not
	// know; its string references are then unknown, so no string is pruned.
	unknown bool
}

// parseProfile indexes the top-level fields of an uncompressed profile and
// validates every reference the delta computation follows.
func parseProfile(data []byte, keys *hasher) (*profile, error) {
	p := &profile{
		data:       data,
		functions:  make(map[uint64]*function),
		locations:  make(map[uint64]*location),
		mappingIDs: make(map[uint64]struct{}),
	}
	d := newDecoder(data)
	var f field
	for d.next(&f) {
		if err := p.addField(&f, keys); err != nil {
			return nil, err
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(p.strings) == 0 {
		return nil, errors.New("empty string table")
	}
	for _, r := range p.refs {
		if err := p.checkString(r); err != nil {
			return nil, err
		}
	}
	for _, fn := range p.functions {
		for _, s := range fn.strs {
			if err := p.checkString(s); err != nil {
				return nil, err
			}
		}
	}
	p.hashFunctions(keys)
	return p, p.hashLocations(keys)
}

func (p *profile) checkString(i uint64) error {
	if i >= uint64(len(p.strings)) {
		return fmt.Errorf("string index %d out of range [0,%d)", i, len(p.strings))
	}
	return nil
}

// addField indexes one top-level field of the Profile message.
func (p *profile) addField(f *field, keys *hasher) error {
	var err error
	switch f.num {
	case profSampleType:
		var vt [2]uint64
		vt, err = p.parseValueType(f)
		p.sampleTypes = append(p.sampleTypes, vt)
	case profSample:
		_, err = f.bytesValue()
		p.samples++
	case profMapping:
		err = p.parseMapping(f)
	case profLocation:
		err = p.parseLocation(f)
	case profFunction:
		err = p.parseFunction(f)
	case profStringTable:
		var s []byte
		if s, err = f.bytesValue(); err == nil {
			if len(p.strings) == 0 && len(s) != 0 {
				return errors.New("string_table[0] is not empty")
			}
			p.strings = append(p.strings, keys.bytes(s))
		}
	case profDropFrames, profKeepFrames, profDefaultSampleType:
		var v uint64
		v, err = f.uintValue()
		p.refs = append(p.refs, v)
	case profComment:
		p.refs, err = f.appendUints(p.refs)
	case profTimeNanos:
		var v uint64
		v, err = f.uintValue()
		p.time = int64(v)
	case profDurationNanos:
		var v uint64
		v, err = f.uintValue()
		p.duration = int64(v)
	case profPeriodType:
		_, err = p.parseValueType(f)
	case profPeriod:
		_, err = f.uintValue()
	default:
		p.unknown = true
	}
	return err
}

// parseValueType decodes a ValueType and records its strings as kept.
func (p *profile) parseValueType(f *field) ([2]uint64, error) {
	var vt [2]uint64
	body, err := f.bytesValue()
	if err != nil {
		return vt, err
	}
	d := newDecoder(body)
	var g field
	for d.next(&g) {
		switch g.num {
		case valueTypeType:
			vt[0], err = g.uintValue()
		case valueTypeUnit:
			vt[1], err = g.uintValue()
		default:
			p.unknown = true
		}
		if err != nil {
			return vt, err
		}
	}
	p.refs = append(p.refs, vt[0], vt[1])
	return vt, d.err
}

// uniqueID checks that a message's id is set and not seen before.
func uniqueID(kind string, id uint64, seen bool) error {
	if id == 0 {
		return fmt.Errorf("%s with reserved id 0", kind)
	}
	if seen {
		return fmt.Errorf("duplicate %s id %d", kind, id)
	}
	return nil
}

func (p *profile) parseMapping(f *field) error {
	body, err := f.bytesValue()
	if err != nil {
		return err
	}
	var id uint64
	d := newDecoder(body)
	var g field
	for d.next(&g) {
		var v uint64
		switch g.num {
		case mappingID:
			id, err = g.uintValue()
		case mappingFilename, mappingBuildID:
			v, err = g.uintValue()
			p.refs = append(p.refs, v)
		case 2, 3, 4, 7, 8, 9, 10: // addresses and has_* flags
			_, err = g.uintValue()
		default:
			p.unknown = true
		}
		if err != nil {
			return err
		}
	}
	if d.err != nil {
		return d.err
	}
	_, seen := p.mappingIDs[id]
	if err := uniqueID("mapping", id, seen); err != nil {
		return err
	}
	p.mappingIDs[id] = struct{}{}
	return nil
}

// parseLocation records a Location by id; its lines are resolved once all
// functions are known, since fields may come in any order.
func (p *profile) parseLocation(f *field) error {
	body, err := f.bytesValue()
	if err != nil {
		return err
	}
	var id uint64
	d := newDecoder(body)
	var g field
	for d.next(&g) && err == nil {
		if g.num == locationID {
			id, err = g.uintValue()
		}
	}
	if err = errors.Join(err, d.err); err != nil {
		return err
	}
	_, seen := p.locations[id]
	if err := uniqueID("location", id, seen); err != nil {
		return err
	}
	loc := &location{raw: f.raw, body: body}
	p.locations[id] = loc
	p.locOrder = append(p.locOrder, loc)
	return nil
}

func (p *profile) parseFunction(f *field) error {
	body, err := f.bytesValue()
	if err != nil {
		return err
	}
	var id uint64
	fn := &function{raw: f.raw}
	d := newDecoder(body)
	var g field
	for d.next(&g) {
		switch g.num {
		case functionID:
			id, err = g.uintValue()
		case functionName, functionSystemName, functionFilename:
			fn.strs[g.num-functionName], err = g.uintValue()
		case functionStartLine:
			fn.start, err = g.uintValue()
		default:
			p.unknown = true
		}
		if err != nil {
			return err
		}
	}
	if d.err != nil {
		return d.err
	}
	_, seen := p.functions[id]
	if err := uniqueID("function", id, seen); err != nil {
		return err
	}
	p.functions[id] = fn
	p.funcOrder = append(p.funcOrder, fn)
	return nil
}
