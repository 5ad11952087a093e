package pprofdelta

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
)

// MaxDecodedSize bounds the uncompressed size of a profile given to
// [Computer.Delta], so that a small gzip stream cannot expand into an
// unbounded amount of memory. Go runtime profiles of even very large
// programs stay far below it.
const MaxDecodedSize = 256 << 20

// ErrLayoutChanged is returned by [Computer.Delta] when a profile's sample
// types differ from the previous profile's, so that no value can be matched
// with its predecessor. The profile becomes the new baseline: the next call
// computes a delta against it.
var ErrLayoutChanged = errors.New("pprofdelta: sample types differ from the previous profile")

// Computer turns a series of cumulative profiles into delta profiles. Each
// call to Delta subtracts the values of the previous successful call.
// A Computer is safe for concurrent use, but a series only makes sense for
// profiles of one kind (heap, block or mutex) from one process, so use one
// Computer per kind.
type Computer struct {
	mu    sync.Mutex
	keys  *hasher
	names []hash128 // hashes of the delta sample type names
	prev  *baseline // nil until the first successful Delta
	// zw is reused: a flate compressor allocates about a megabyte of
	// tables, more than the rest of a delta of a typical profile
	// (BenchmarkDelta).
	zw *gzip.Writer
}

// baseline is what a Computer remembers of the previous profile: for each
// sample key, the cumulative values of the delta sample types. Keys whose
// delta values are all zero are left out, since absence means zero. Its size
// is therefore bounded by the previous input's.
type baseline struct {
	layout []hash128 // one hash per sample type: its type and unit
	time   int64
	index  map[hash128]int // key to offset in values
	values []int64         // len(delta columns) values per key
}

// New returns a Computer that subtracts the values of the named sample
// types, such as "alloc_objects" and "alloc_space" for heap profiles, or
// "contentions" and "delay" for block and mutex profiles. Values of other
// sample types, such as "inuse_space", are snapshots: they are kept as they
// are.
func New(deltaSampleTypes ...string) *Computer {
	c := &Computer{keys: newHasher()}
	for _, name := range deltaSampleTypes {
		c.names = append(c.names, c.keys.bytes([]byte(name)))
	}
	return c
}

// Delta returns profile, a gzipped or plain pprof profile, as a gzipped
// delta profile: for each stack and label set, its delta sample type values
// minus those of the profile given to the previous successful call, and its
// other values unchanged. Samples whose values are then all zero are left
// out. Samples with the same stack and labels are merged into one.
//
// The first call has nothing to subtract: its result holds the cumulative
// values since the program started. Later results cover the window between
// the two profiles: time_nanos is the previous profile's and duration_nanos
// the time between them.
//
// On error the Computer is unchanged, except for [ErrLayoutChanged], so a
// malformed profile does not break the series.
func (c *Computer) Delta(profile []byte) ([]byte, error) {
	data, err := decompress(profile, MaxDecodedSize)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := parseProfile(data, c.keys)
	if err != nil {
		return nil, fmt.Errorf("pprofdelta: %w", err)
	}
	cols := c.deltaColumns(p)
	agg, err := p.aggregate(c.keys)
	if err != nil {
		return nil, fmt.Errorf("pprofdelta: %w", err)
	}
	next := newBaseline(p, agg, cols, c.keys)
	if c.prev != nil && !slices.Equal(c.prev.layout, next.layout) {
		c.prev = next
		return nil, ErrLayoutChanged
	}
	keep := agg.subtract(c.prev, cols)
	start, duration := p.time, p.duration
	if c.prev != nil && c.prev.time > 0 && p.time > c.prev.time {
		start, duration = c.prev.time, p.time-c.prev.time
	}
	out, err := c.compress(p.encode(agg, keep, start, duration))
	if err != nil {
		return nil, err
	}
	c.prev = next
	return out, nil
}

// deltaColumns returns the indexes of p's sample types whose name is one of
// the Computer's delta sample types.
func (c *Computer) deltaColumns(p *profile) []int {
	var cols []int
	for i, vt := range p.sampleTypes {
		if slices.Contains(c.names, p.strings[vt[0]]) {
			cols = append(cols, i)
		}
	}
	return cols
}

// aggregate holds the samples of one profile merged by key, in the order
// of their first occurrence.
type aggregate struct {
	index  map[hash128]int
	keys   []hash128
	bodies [][]byte // the first sample with each key, written to the output
	values []int64  // width values per key, summed over its samples
	width  int
}

// aggregate merges p's samples by key. The Go heap profile can hold two
// samples with one stack, when runtime frames are hidden; they are one
// sample for the delta.
func (p *profile) aggregate(k *hasher) (*aggregate, error) {
	agg := &aggregate{index: make(map[hash128]int), width: len(p.sampleTypes)}
	var s sample
	d := newDecoder(p.data)
	var f field
	for d.next(&f) {
		if f.num != profSample {
			continue
		}
		if err := s.decode(f.data); err != nil {
			return nil, fmt.Errorf("sample: %w", err)
		}
		if len(s.values) != agg.width {
			return nil, fmt.Errorf("sample has %d values, want %d", len(s.values), agg.width)
		}
		key, err := p.sampleKey(&s, k)
		if err != nil {
			return nil, err
		}
		i, ok := agg.index[key]
		if !ok {
			i = len(agg.keys)
			agg.index[key] = i
			agg.keys = append(agg.keys, key)
			agg.bodies = append(agg.bodies, s.body)
			agg.values = append(agg.values, make([]int64, agg.width)...)
		}
		row := agg.values[i*agg.width : (i+1)*agg.width]
		for j, v := range s.values {
			row[j] += int64(v)
		}
	}
	return agg, d.err
}

// newBaseline records the cumulative delta values of agg.
func newBaseline(p *profile, agg *aggregate, cols []int, k *hasher) *baseline {
	b := &baseline{time: p.time, index: make(map[hash128]int)}
	for _, vt := range p.sampleTypes {
		k.start(tagType)
		k.add(p.strings[vt[0]])
		k.add(p.strings[vt[1]])
		b.layout = append(b.layout, k.sum())
	}
	for i, key := range agg.keys {
		row := agg.values[i*agg.width:]
		zero := true
		for _, c := range cols {
			zero = zero && row[c] == 0
		}
		if zero {
			continue
		}
		b.index[key] = len(b.values)
		for _, c := range cols {
			b.values = append(b.values, row[c])
		}
	}
	return b
}

// subtract replaces the delta columns of agg by their difference with prev,
// and reports which keys still have a non-zero value.
func (agg *aggregate) subtract(prev *baseline, cols []int) []bool {
	keep := make([]bool, len(agg.keys))
	for i, key := range agg.keys {
		row := agg.values[i*agg.width : (i+1)*agg.width]
		if prev != nil {
			if off, ok := prev.index[key]; ok {
				for j, c := range cols {
					row[c] -= prev.values[off+j]
				}
			}
		}
		for _, v := range row {
			keep[i] = keep[i] || v != 0
		}
	}
	return keep
}

// decompress returns the profile's protobuf bytes, gunzipping them if they
// start with the gzip magic number, and fails if they exceed limit bytes.
// A protobuf message cannot start so: 0x1f would be field 3 with the
// invalid wire type 7.
func decompress(b []byte, limit int) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		if len(b) > limit {
			return nil, fmt.Errorf("pprofdelta: profile exceeds %d bytes", limit)
		}
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("pprofdelta: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("pprofdelta: %w", err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("pprofdelta: decompressed profile exceeds %d bytes", limit)
	}
	return data, nil
}

// compress gzips a profile at the speed-first level runtime/pprof uses.
func (c *Computer) compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	if c.zw == nil {
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err != nil {
			return nil, err
		}
		c.zw = zw
	}
	c.zw.Reset(&buf)
	if _, err := c.zw.Write(data); err != nil {
		return nil, err
	}
	if err := c.zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
