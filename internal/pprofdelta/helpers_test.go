package pprofdelta

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"
)

// summary is a profile resolved to text, for tests: values by stack and
// labels, with all ids and string indexes resolved.
type summary struct {
	types     []string // "type/unit"
	samples   map[string][]int64
	strings   []string
	time      int64
	duration  int64
	locations int
	functions int
}

// rawProfile is a profile's messages by id, for readProfile to resolve.
type rawProfile struct {
	summary
	vts     [][2]uint64
	funcs   map[uint64][3]uint64 // name, filename, start_line
	locs    map[uint64][]byte
	samples [][]byte
}

// readProfile resolves a gzipped or plain profile. Samples with the same
// stack and labels are summed, as a delta merges them.
func readProfile(t testing.TB, b []byte) summary {
	t.Helper()
	r := decodeRaw(t, b)
	for _, vt := range r.vts {
		r.types = append(r.types, r.str(t, vt[0])+"/"+r.str(t, vt[1]))
	}
	for _, body := range r.samples {
		var sm sample
		if err := sm.decode(body); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, id := range sm.locs {
			parts = append(parts, r.frame(t, id))
		}
		var labels []string
		for _, l := range sm.labels {
			labels = append(labels, fmt.Sprintf("%s=%s/%d%s", r.str(t, subUint(t, l, labelKey)),
				r.str(t, subUint(t, l, labelStr)), subUint(t, l, labelNum), r.str(t, subUint(t, l, labelNumUnit))))
		}
		slices.Sort(labels)
		key := strings.Join(parts, "\n") + "\n[" + strings.Join(labels, ",") + "]"
		row := r.summary.samples[key]
		if row == nil {
			row = make([]int64, len(sm.values))
			r.summary.samples[key] = row
		}
		for i, v := range sm.values {
			row[i] += int64(v)
		}
	}
	return r.summary
}

func decodeRaw(t testing.TB, b []byte) *rawProfile {
	t.Helper()
	data, err := decompress(b, MaxDecodedSize)
	if err != nil {
		t.Fatal(err)
	}
	r := &rawProfile{funcs: map[uint64][3]uint64{}, locs: map[uint64][]byte{}}
	r.summary.samples = map[string][]int64{}
	d := newDecoder(data)
	var f field
	for d.next(&f) {
		switch f.num {
		case profSampleType:
			r.vts = append(r.vts, [2]uint64{subUint(t, f.data, 1), subUint(t, f.data, 2)})
		case profSample:
			r.samples = append(r.samples, f.data)
		case profLocation:
			r.locs[subUint(t, f.data, locationID)] = f.data
			r.locations++
		case profFunction:
			r.funcs[subUint(t, f.data, functionID)] = [3]uint64{
				subUint(t, f.data, functionName), subUint(t, f.data, functionFilename), subUint(t, f.data, functionStartLine)}
			r.functions++
		case profStringTable:
			r.strings = append(r.strings, string(f.data))
		case profTimeNanos:
			r.time = int64(f.val)
		case profDurationNanos:
			r.duration = int64(f.val)
		}
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	return r
}

func (r *rawProfile) str(t testing.TB, i uint64) string {
	t.Helper()
	if i >= uint64(len(r.strings)) {
		t.Fatalf("string index %d out of range", i)
	}
	return r.strings[i]
}

// frame resolves a location to its address and lines.
func (r *rawProfile) frame(t testing.TB, id uint64) string {
	t.Helper()
	body, ok := r.locs[id]
	if !ok {
		t.Fatalf("unknown location %d", id)
	}
	out := []string{fmt.Sprintf("%#x", subUint(t, body, locationAddress))}
	d := newDecoder(body)
	var g field
	for d.next(&g) {
		if g.num == locationLine {
			fn, ok := r.funcs[subUint(t, g.data, lineFunctionID)]
			if !ok {
				t.Fatalf("location %d: unknown function", id)
			}
			out = append(out, fmt.Sprintf("%s %s:%d", r.str(t, fn[0]), r.str(t, fn[1]), subUint(t, g.data, lineLine)))
		}
	}
	return strings.Join(out, " ")
}

// subUint returns the last value of a varint field of a message, or 0.
func subUint(t testing.TB, body []byte, num uint32) uint64 {
	t.Helper()
	var v uint64
	d := newDecoder(body)
	var f field
	for d.next(&f) {
		if f.num == num {
			v = f.val
		}
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	return v
}

// column returns the index of a sample type, or fails the test.
func (s summary) column(t testing.TB, name string) int {
	t.Helper()
	for i, ty := range s.types {
		if strings.HasPrefix(ty, name+"/") {
			return i
		}
	}
	t.Fatalf("no sample type %q in %v", name, s.types)
	return -1
}

// expectDelta computes, from two summaries, the delta the package should
// write: new minus old on the delta columns, with all-zero rows dropped.
func expectDelta(prev, cur summary, deltaCols []int) map[string][]int64 {
	want := map[string][]int64{}
	for key, row := range cur.samples {
		out := slices.Clone(row)
		if old, ok := prev.samples[key]; ok {
			for _, c := range deltaCols {
				out[c] -= old[c]
			}
		}
		if slices.ContainsFunc(out, func(v int64) bool { return v != 0 }) {
			want[key] = out
		}
	}
	return want
}

// synth describes a small profile; encode writes it with ids and string
// indexes shifted by shift, so that two encodings of the same content
// share no ids, as two runtime/pprof outputs may not.
type synth struct {
	types   [][2]string
	samples []synthSample
	time    int64
	shift   uint64
}

type synthSample struct {
	stack  []string // function names, leaf first
	values []int64
	labels [][2]string // key, value
}

func (p synth) encode() []byte {
	strs := []string{""}
	for i := uint64(0); i < p.shift; i++ {
		strs = append(strs, fmt.Sprintf("unused-%d", i))
	}
	index := map[string]uint64{}
	str := func(s string) uint64 {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = uint64(len(strs))
		strs = append(strs, s)
		return index[s]
	}
	var out []byte
	for _, vt := range p.types {
		var m []byte
		m = appendVarintField(m, valueTypeType, str(vt[0]))
		m = appendVarintField(m, valueTypeUnit, str(vt[1]))
		out = appendBytesField(out, profSampleType, m)
	}
	locIDs := map[string]uint64{}
	var locs, funcs []byte
	for _, s := range p.samples {
		var ids []uint64
		for _, name := range s.stack {
			id, ok := locIDs[name]
			if !ok {
				id = 3*p.shift + uint64(len(locIDs)) + 1
				locIDs[name] = id
				h := fnv.New64a()
				h.Write([]byte(name))
				var fm, line, lm []byte
				fm = appendVarintField(fm, functionID, id+100)
				fm = appendVarintField(fm, functionName, str(name))
				fm = appendVarintField(fm, functionFilename, str(name+".go"))
				funcs = appendBytesField(funcs, profFunction, fm)
				line = appendVarintField(line, lineFunctionID, id+100)
				line = appendVarintField(line, lineLine, 10)
				lm = appendVarintField(lm, locationID, id)
				lm = appendVarintField(lm, locationAddress, h.Sum64()>>8)
				lm = appendBytesField(lm, locationLine, line)
				locs = appendBytesField(locs, profLocation, lm)
			}
			ids = append(ids, id)
		}
		var m []byte
		m = appendPacked(m, sampleLocationID, ids)
		vals := make([]uint64, len(s.values))
		for i, v := range s.values {
			vals[i] = uint64(v)
		}
		m = appendPacked(m, sampleValue, vals)
		for _, l := range s.labels {
			var lm []byte
			lm = appendVarintField(lm, labelKey, str(l[0]))
			lm = appendVarintField(lm, labelStr, str(l[1]))
			m = appendBytesField(m, sampleLabel, lm)
		}
		out = appendBytesField(out, profSample, m)
	}
	out = append(out, locs...)
	out = append(out, funcs...)
	for _, s := range strs {
		out = appendBytesField(out, profStringTable, []byte(s))
	}
	if p.time != 0 {
		out = appendVarintField(out, profTimeNanos, uint64(p.time))
	}
	return out
}
