package agent

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace"
)

// testBuf is a wbuf with its own budget, for writing at most a few blocks.
func testBuf() *wbuf {
	return &wbuf{mem: newBlockPool(trace.NewMemoryBudget(0))}
}

// joined is everything w holds, in one slice.
func joined(w *wbuf) []byte { return bytes.Join(w.bytes(), nil) }

// checkSame writes with put into a wbuf and with ref into a msgpack.Encoder,
// and compares the bytes, at the start of a block and across a block's end.
func checkSame(t *testing.T, what string, put func(*wbuf), ref func(*msgpack.Encoder)) {
	t.Helper()
	var want bytes.Buffer
	ref(msgpack.NewEncoder(&want))
	for _, pad := range []int{0, blockSize - 1, blockSize - 4, blockSize - 8} {
		w := testBuf()
		_, _ = w.Write(make([]byte, pad))
		put(w)
		if got := joined(w)[pad:]; !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%s after %d bytes: got % x, want % x", what, pad, got, want.Bytes())
		}
		if w.Len() != pad+want.Len() {
			t.Fatalf("%s after %d bytes: Len %d, want %d", what, pad, w.Len(), pad+want.Len())
		}
		w.release()
	}
}

var numberCases = []int64{
	0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64,
	-1, -31, -32, -33, -127, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64,
}

// TestPutNumbersMatchEncoder: the encoder's own number encodings are
// msgpack.Encoder's, byte for byte.
func TestPutNumbersMatchEncoder(t *testing.T) {
	for _, v := range numberCases {
		checkSame(t, "int", func(w *wbuf) { w.putInt(v) }, func(e *msgpack.Encoder) { _ = e.EncodeInt(v) })
		u := uint64(v)
		checkSame(t, "uint", func(w *wbuf) { w.putUint(u) }, func(e *msgpack.Encoder) { _ = e.EncodeUint(u) })
		f := float64(v) / 3
		checkSame(t, "float", func(w *wbuf) { w.putFloat(f) }, func(e *msgpack.Encoder) { _ = e.EncodeFloat64(f) })
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 0.25, 200} {
		checkSame(t, "float", func(w *wbuf) { w.putFloat(f) }, func(e *msgpack.Encoder) { _ = e.EncodeFloat64(f) })
	}
	for _, n := range []int{0, 15, 16, 65535, 65536} {
		checkSame(t, "map", func(w *wbuf) { w.putMapLen(n) }, func(e *msgpack.Encoder) { _ = e.EncodeMapLen(n) })
	}
}

// TestPutStringMatchesEncoder: strings of every header size, and across
// blocks.
func TestPutStringMatchesEncoder(t *testing.T) {
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536, blockSize + 3} {
		s := strings.Repeat("x", n)
		checkSame(t, "string", func(w *wbuf) { w.putString(s) }, func(e *msgpack.Encoder) { _ = e.EncodeString(s) })
	}
}

// TestPutOverBudget: a write the budget has no room for sets over, and
// writes nothing past what fits.
func TestPutOverBudget(t *testing.T) {
	w := &wbuf{mem: newBlockPool(trace.NewMemoryBudget(blockSize))}
	_, _ = w.Write(make([]byte, blockSize-2))
	w.putUint(math.MaxUint64)
	w.putString("a string longer than what is left")
	w.putFloat(1)
	if !w.over || w.Len() > blockSize {
		t.Fatalf("over %v, Len %d: want over and at most %d", w.over, w.Len(), blockSize)
	}
	w.release()
}

// TestDictionaryRecent: the strings the recent slots remember give the
// indexes the table has, after a rollback and in a new table too; long
// strings are added each time.
func TestDictionaryRecent(t *testing.T) {
	var d dictionary
	p := &payload{buf: wbuf{mem: newBlockPool(trace.NewMemoryBudget(0))}}
	if !d.start(p) {
		t.Fatal("start: no room")
	}
	keys := []string{"", "a", "b", "http.method", "http.route", "GET", "go", "language"}
	want := map[string]uint32{}
	for range 3 {
		for _, k := range keys {
			i := d.index(strings.Clone(k)) // the same text at another address
			if j, ok := want[k]; ok && i != j {
				t.Fatalf("index(%q) = %d, then %d", k, j, i)
			}
			want[k] = i
			if d.index(k) != i {
				t.Fatalf("index(%q) changed", k)
			}
		}
	}
	if want[""] != 0 || uint64(want["go"]) != seed05("go") {
		t.Fatalf("seeds at %d and %d, want 0 and %d", want[""], want["go"], seed05("go"))
	}
	long := strings.Repeat("l", maxDictKey+1)
	if a, b := d.index(long), d.index(long); a == b {
		t.Fatalf("a long string twice got index %d twice, want two entries", a)
	}
	m := d.mark()
	fresh := d.index("fresh")
	d.rollback(m)
	if got := d.index("other"); got != fresh {
		t.Fatalf("after rollback a new string got %d, want %d again", got, fresh)
	}
	if got := d.index("fresh"); got == fresh {
		t.Fatalf("a string taken back out kept its index %d", got)
	}
	p.release()
}

// FuzzPutMatchesEncoder: any number or string, written at any offset in a
// block, comes out as msgpack.Encoder writes it.
func FuzzPutMatchesEncoder(f *testing.F) {
	f.Add(int64(-33), 1.5, "http.method", uint16(3))
	f.Add(int64(math.MaxInt64), math.Inf(1), strings.Repeat("x", 300), uint16(65530))
	f.Fuzz(func(t *testing.T, v int64, x float64, s string, pad uint16) {
		var want bytes.Buffer
		enc := msgpack.NewEncoder(&want)
		_ = enc.EncodeInt(v)
		_ = enc.EncodeUint(uint64(v))
		_ = enc.EncodeFloat64(x)
		_ = enc.EncodeString(s)
		w := testBuf()
		defer w.release()
		_, _ = w.Write(make([]byte, int(pad)%blockSize))
		w.putInt(v)
		w.putUint(uint64(v))
		w.putFloat(x)
		w.putString(s)
		if got := joined(w)[int(pad)%blockSize:]; !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("got % x, want % x", got, want.Bytes())
		}
	})
}
