package pprofdelta

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var heapTypes = [][2]string{{"alloc_space", "bytes"}, {"inuse_space", "bytes"}}

// short keys a summary by function names, leaf first, and labels, which is
// enough to tell the samples of a synth profile apart.
func short(s summary) map[string][]int64 {
	out := map[string][]int64{}
	for key, row := range s.samples {
		lines := strings.Split(key, "\n")
		var names []string
		for _, l := range lines[:len(lines)-1] {
			names = append(names, strings.Fields(l)[1])
		}
		out[strings.Join(names, ";")+lines[len(lines)-1]] = row
	}
	return out
}

func stack(values []int64, names ...string) synthSample {
	return synthSample{stack: names, values: values}
}

func labelled(values []int64, labels [][2]string, names ...string) synthSample {
	return synthSample{stack: names, values: values, labels: labels}
}

type want = map[string][]int64

// deltaTests are series of profiles and the deltas they give, keyed by
// function names and labels.
var deltaTests = []struct {
	name     string
	profiles [][]synthSample
	want     []want // one per profile
}{{
	name: "first is cumulative without zero samples",
	profiles: [][]synthSample{{
		stack([]int64{5, 1}, "a", "main"), stack([]int64{0, 0}, "b", "main"),
	}},
	want: []want{{"a;main[]": {5, 1}}},
}, {
	name: "matches by content though ids and order differ",
	profiles: [][]synthSample{{
		stack([]int64{5, 1}, "a", "main"), stack([]int64{3, 0}, "b", "main"),
	}, {
		stack([]int64{1, 0}, "c", "main"), stack([]int64{3, 0}, "b", "main"), stack([]int64{8, 2}, "a", "main"),
	}},
	want: []want{
		{"a;main[]": {5, 1}, "b;main[]": {3, 0}},
		{"a;main[]": {3, 2}, "c;main[]": {1, 0}},
	},
}, {
	name: "keeps snapshot values of an unchanged stack",
	profiles: [][]synthSample{
		{stack([]int64{5, 7}, "a")},
		{stack([]int64{5, 7}, "a")},
	},
	want: []want{{"a[]": {5, 7}}, {"a[]": {0, 7}}},
}, {
	name: "merges samples with one stack",
	profiles: [][]synthSample{
		{stack([]int64{1, 1}, "a"), stack([]int64{2, 0}, "a")},
		{stack([]int64{4, 0}, "a"), stack([]int64{1, 0}, "a")},
	},
	want: []want{{"a[]": {3, 1}}, {"a[]": {2, 0}}},
}, {
	name: "labels are a set",
	profiles: [][]synthSample{
		{labelled([]int64{2, 0}, [][2]string{{"x", "1"}, {"y", "2"}}, "a")},
		{labelled([]int64{5, 0}, [][2]string{{"y", "2"}, {"x", "1"}}, "a")},
	},
	want: []want{{"a[x=1/0,y=2/0]": {2, 0}}, {"a[x=1/0,y=2/0]": {3, 0}}},
}, {
	name: "labels tell samples apart",
	profiles: [][]synthSample{{
		labelled([]int64{2, 0}, [][2]string{{"x", "1"}}, "a"), labelled([]int64{2, 0}, [][2]string{{"x", "2"}}, "a"),
	}, {
		labelled([]int64{2, 0}, [][2]string{{"x", "1"}}, "a"), labelled([]int64{4, 0}, [][2]string{{"x", "2"}}, "a"),
	}},
	want: []want{{"a[x=1/0]": {2, 0}, "a[x=2/0]": {2, 0}}, {"a[x=2/0]": {2, 0}}},
}, {
	name: "stacks differ by caller",
	profiles: [][]synthSample{
		{stack([]int64{2, 0}, "a", "b")},
		{stack([]int64{2, 0}, "a", "b"), stack([]int64{2, 0}, "a", "c")},
	},
	want: []want{{"a;b[]": {2, 0}}, {"a;c[]": {2, 0}}},
}, {
	name: "a stack absent from the previous profile counts from zero",
	profiles: [][]synthSample{
		{stack([]int64{5, 0}, "a")}, {stack([]int64{1, 0}, "b")}, {stack([]int64{6, 0}, "a")},
	},
	want: []want{{"a[]": {5, 0}}, {"b[]": {1, 0}}, {"a[]": {6, 0}}},
}, {
	name: "a decrease is negative",
	profiles: [][]synthSample{
		{stack([]int64{5, 0}, "a")}, {stack([]int64{3, 0}, "a")},
	},
	want: []want{{"a[]": {5, 0}}, {"a[]": {-2, 0}}},
}}

func TestDelta(t *testing.T) {
	for _, tt := range deltaTests {
		t.Run(tt.name, func(t *testing.T) {
			c := New("alloc_space")
			for i, samples := range tt.profiles {
				in := synth{types: heapTypes, samples: samples, shift: uint64(3 * i)}.encode()
				out, err := c.Delta(in)
				if err != nil {
					t.Fatalf("profile %d: %v", i, err)
				}
				if diff := cmp.Diff(tt.want[i], short(readProfile(t, out))); diff != "" {
					t.Errorf("profile %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func TestDeltaWindow(t *testing.T) {
	tests := []struct {
		name                   string
		prev, cur              int64
		wantTime, wantDuration int64
	}{
		{"spans both profiles", 100, 250, 100, 150},
		{"no previous time", 0, 250, 250, 0},
		{"clock stepped back", 300, 250, 250, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New("alloc_space")
			samples := []synthSample{stack([]int64{1, 1}, "a")}
			first, err := c.Delta(synth{types: heapTypes, samples: samples, time: tt.prev}.encode())
			if err != nil {
				t.Fatal(err)
			}
			if got := readProfile(t, first).time; got != tt.prev {
				t.Errorf("first time = %d, want %d", got, tt.prev)
			}
			out, err := c.Delta(synth{types: heapTypes, samples: samples, time: tt.cur}.encode())
			if err != nil {
				t.Fatal(err)
			}
			s := readProfile(t, out)
			if s.time != tt.wantTime || s.duration != tt.wantDuration {
				t.Errorf("window = [%d, +%d], want [%d, +%d]", s.time, s.duration, tt.wantTime, tt.wantDuration)
			}
		})
	}
}

func TestDeltaErrorKeepsBaseline(t *testing.T) {
	c := New("alloc_space")
	p := func(v int64) []byte {
		return synth{types: heapTypes, samples: []synthSample{stack([]int64{v, 0}, "a")}}.encode()
	}
	if _, err := c.Delta(p(5)); err != nil {
		t.Fatal(err)
	}
	bad := append(p(7), 0x08) // a truncated field
	if _, err := c.Delta(bad); err == nil {
		t.Fatal("Delta accepted a truncated profile")
	}
	out, err := c.Delta(p(9))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]int64{"a[]": {4, 0}}, short(readProfile(t, out))); diff != "" {
		t.Errorf("delta after an error (-want +got):\n%s", diff)
	}
}

func TestDeltaLayoutChanged(t *testing.T) {
	c := New("alloc_space")
	other := [][2]string{{"inuse_space", "bytes"}, {"alloc_space", "bytes"}}
	steps := []struct {
		types   [][2]string
		value   int64
		wantErr error
		want    map[string][]int64
	}{
		{heapTypes, 5, nil, map[string][]int64{"a[]": {5, 0}}},
		{other, 7, ErrLayoutChanged, nil},
		{other, 9, nil, map[string][]int64{"a[]": {0, 2}}},
	}
	for i, st := range steps {
		vals := []int64{st.value, 0}
		if i > 0 {
			vals = []int64{0, st.value}
		}
		in := synth{types: st.types, samples: []synthSample{stack(vals, "a")}}.encode()
		out, err := c.Delta(in)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("step %d: err = %v, want %v", i, err, st.wantErr)
		}
		if err != nil {
			continue
		}
		if diff := cmp.Diff(st.want, short(readProfile(t, out))); diff != "" {
			t.Errorf("step %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestDeltaAcceptsGzip(t *testing.T) {
	in := synth{types: heapTypes, samples: []synthSample{stack([]int64{3, 1}, "a")}}.encode()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(in)
	zw.Close()
	plain, err := New("alloc_space").Delta(in)
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := New("alloc_space").Delta(gz.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, zipped) {
		t.Error("gzipped and plain inputs give different outputs")
	}
	if _, err := gzip.NewReader(bytes.NewReader(plain)); err != nil {
		t.Errorf("output is not gzipped: %v", err)
	}
}

func TestDeltaPrunes(t *testing.T) {
	c := New("alloc_space")
	samples := []synthSample{stack([]int64{3, 0}, "a", "main"), stack([]int64{1, 0}, "gone", "elsewhere")}
	if _, err := c.Delta(synth{types: heapTypes, samples: samples}.encode()); err != nil {
		t.Fatal(err)
	}
	samples[0].values[0] = 4
	in := synth{types: heapTypes, samples: samples}.encode()
	out, err := c.Delta(in)
	if err != nil {
		t.Fatal(err)
	}
	s, full := readProfile(t, out), readProfile(t, in)
	if s.locations != 2 || s.functions != 2 {
		t.Errorf("kept %d locations and %d functions, want 2 and 2", s.locations, s.functions)
	}
	if len(s.strings) != len(full.strings) {
		t.Fatalf("string table has %d entries, want %d", len(s.strings), len(full.strings))
	}
	for i, str := range s.strings {
		unused := strings.Contains(full.strings[i], "gone") || strings.Contains(full.strings[i], "elsewhere")
		if want := full.strings[i]; unused && str != "" || !unused && str != want {
			t.Errorf("string %d = %q, input has %q", i, str, want)
		}
	}
}

func TestDeltaConcurrent(t *testing.T) {
	c := New("alloc_space")
	in := synth{types: heapTypes, samples: []synthSample{stack([]int64{3, 0}, "a")}}.encode()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := c.Delta(in); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
