package ddsketch

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// sameSketch reports whether a and b count the same values in the same
// bins, with the same mapping.
func sameSketch(t *testing.T, a, b *Sketch) {
	t.Helper()
	if a.m != b.m || a.zero != b.zero {
		t.Fatalf("mapping or zero count differ: %+v %v, %+v %v", a.m, a.zero, b.m, b.zero)
	}
	for _, st := range [][2]*store{{&a.pos, &b.pos}, {&a.neg, &b.neg}} {
		x, y := st[0], st[1]
		// Counts are sums, which the order of the additions may round
		// differently.
		if !near(x.count, y.count) || x.count > 0 && (x.lo != y.lo || x.hi != y.hi) {
			t.Fatalf("stores differ: %v %d..%d, %v %d..%d", x.count, x.lo, x.hi, y.count, y.lo, y.hi)
		}
		for i, c := range x.used() {
			if y.used()[i] != c {
				t.Fatalf("bin %d: %v != %v", x.lo+i, c, y.used()[i])
			}
		}
	}
}

func near(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func TestProtoRoundTrip(t *testing.T) {
	for _, d := range distributions {
		t.Run(d.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			s := New()
			for range 10_000 {
				s.Add(d.draw(r))
			}
			got, err := Decode(s.AppendProto(nil))
			if err != nil {
				t.Fatal(err)
			}
			sameSketch(t, s, got)
			for _, q := range quantiles {
				a, _ := s.Quantile(q)
				b, _ := got.Quantile(q)
				if a != b {
					t.Errorf("q%v: %v before, %v after", q, a, b)
				}
			}
		})
	}
}

// TestProtoEmpty: an empty sketch is its mapping and two empty stores,
// as sketches-go writes it.
func TestProtoEmpty(t *testing.T) {
	b := New().AppendProto(nil)
	want := []byte{0x0a, 9, 0x09}
	want = binary.LittleEndian.AppendUint64(want, math.Float64bits(gammaFor(0.01)))
	want = append(want, 0x12, 0, 0x1a, 0)
	if string(b) != string(want) {
		t.Fatalf("% x, want % x", b, want)
	}
	s, err := Decode(b)
	if err != nil || !s.IsEmpty() {
		t.Fatalf("%v %v", s, err)
	}
}

// protoMsg builds protobuf bytes by hand for the decoder's tests.
type protoMsg []byte

func (m protoMsg) varint(field int, v uint64) protoMsg {
	m = binary.AppendUvarint(m, uint64(field)<<3)
	return binary.AppendUvarint(m, v)
}

func (m protoMsg) double(field int, v float64) protoMsg {
	m = binary.AppendUvarint(m, uint64(field)<<3|1)
	return binary.LittleEndian.AppendUint64(m, math.Float64bits(v))
}

func (m protoMsg) bytes(field int, b []byte) protoMsg {
	m = binary.AppendUvarint(m, uint64(field)<<3|2)
	m = binary.AppendUvarint(m, uint64(len(b)))
	return append(m, b...)
}

var goodMapping = protoMsg(nil).double(1, gammaFor(0.01))

// TestDecodeForms reads the forms another encoder may use: sparse bins
// (last entry of a key wins), unpacked counts, both encodings at once,
// a store given in two parts, unknown fields.
func TestDecodeForms(t *testing.T) {
	entry := func(i int32, c float64) []byte {
		return protoMsg(nil).varint(1, uint64(zigzag32(i))).double(2, c)
	}
	st1 := protoMsg(nil).bytes(1, entry(-3, 2)).bytes(1, entry(5, 9)).bytes(1, entry(5, 1)).
		double(2, 4).double(2, 6).varint(3, uint64(zigzag32(4))) // bins 4, 5 contiguous
	st2 := protoMsg(nil).varint(7, 99).bytes(1, entry(100, 3))
	b := protoMsg(nil).bytes(1, goodMapping).bytes(2, st1).bytes(2, st2).double(4, 2).
		varint(9, 1).double(10, 1).bytes(11, []byte("x"))
	s, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := New()
	for i, c := range map[int]float64{-3: 2, 4: 4, 5: 1 + 6, 100: 3} {
		want.pos.add(i, c)
	}
	want.zero = 2
	sameSketch(t, want, s)
}

func TestDecodeInvalid(t *testing.T) {
	for name, b := range map[string][]byte{
		"no mapping":       protoMsg(nil).bytes(2, nil),
		"gamma 1":          protoMsg(nil).bytes(1, protoMsg(nil).double(1, 1)),
		"gamma NaN":        protoMsg(nil).bytes(1, protoMsg(nil).double(1, math.NaN())),
		"offset Inf":       protoMsg(nil).bytes(1, goodMapping.double(2, math.Inf(1))),
		"interpolated":     protoMsg(nil).bytes(1, goodMapping.varint(3, 3)),
		"negative count":   protoMsg(nil).bytes(1, goodMapping).bytes(2, protoMsg(nil).double(2, -1)),
		"NaN count":        protoMsg(nil).bytes(1, goodMapping).bytes(3, protoMsg(nil).double(2, math.NaN())),
		"infinite zeros":   protoMsg(nil).bytes(1, goodMapping).double(4, math.Inf(1)),
		"truncated":        protoMsg(nil).bytes(1, goodMapping)[:5],
		"bad length":       {0x0a, 0xff, 0x01},
		"field 0":          {0x00, 0x01},
		"group":            {0x0b},
		"packed remainder": protoMsg(nil).bytes(1, goodMapping).bytes(2, protoMsg(nil).bytes(2, []byte{1, 2, 3})),
		"mapping as int":   protoMsg(nil).varint(1, 5),
		"gamma as int":     protoMsg(nil).bytes(1, protoMsg(nil).varint(1, 5)),
		"long varint":      {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		if _, err := Decode(b); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// TestDecodeFarApart: bins far apart in a sparse encoding collapse
// instead of taking memory for every index between them.
func TestDecodeFarApart(t *testing.T) {
	entry := func(i int32) []byte {
		return protoMsg(nil).varint(1, uint64(zigzag32(i))).double(2, 1)
	}
	st := protoMsg(nil).bytes(1, entry(math.MinInt32)).bytes(1, entry(math.MaxInt32)).bytes(1, entry(0))
	s, err := Decode(protoMsg(nil).bytes(1, goodMapping).bytes(2, st))
	if err != nil {
		t.Fatal(err)
	}
	if s.Count() != 3 || s.Bytes() > 8*MaxBins {
		t.Fatalf("count %v, %d bytes", s.Count(), s.Bytes())
	}
}

func FuzzDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, d := range distributions {
		s := New()
		for range 50 {
			s.Add(d.draw(r))
		}
		f.Add(s.AppendProto(nil))
	}
	f.Add(New().AppendProto(nil))
	f.Add([]byte(protoMsg(nil).bytes(1, goodMapping).bytes(2, protoMsg(nil).double(2, 1).varint(3, 99))))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b)
		if err != nil {
			return
		}
		// What decodes encodes again to the same sketch.
		again, err := Decode(s.AppendProto(nil))
		if err != nil {
			t.Fatalf("re-encoded sketch does not decode: %v", err)
		}
		sameSketch(t, s, again)
		if s.Count() != again.Count() {
			return // rounded apart: ranks may differ
		}
		for _, q := range quantiles {
			a, okA := s.Quantile(q)
			b, okB := again.Quantile(q)
			if okA != okB || a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
				t.Fatalf("q%v: %v, then %v", q, a, b)
			}
		}
	})
}
