package pprofdelta

import (
	"bytes"
	"runtime/pprof"
	"testing"
)

// FuzzDelta feeds two profiles to one Computer, so that the second is
// subtracted from the first, and checks that nothing panics and that every
// profile written is valid and no larger than its input allows.
func FuzzDelta(f *testing.F) {
	a := synth{types: heapTypes, samples: []synthSample{
		labelled([]int64{5, 1}, [][2]string{{"k", "v"}}, "a", "main"),
		stack([]int64{3, 0}, "b", "main"),
	}, time: 100}.encode()
	b := synth{types: heapTypes, samples: []synthSample{
		labelled([]int64{8, 1}, [][2]string{{"k", "v"}}, "a", "main"),
		stack([]int64{3, 0}, "b", "main"),
		stack([]int64{1, 1}, "c"),
	}, time: 200, shift: 2}.encode()
	// A goroutine profile is a small real one: mappings, inlined lines.
	var real bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&real, 0); err != nil {
		f.Fatal(err)
	}
	f.Add(a, b)
	f.Add(b, a)
	f.Add(a, []byte{})
	f.Add(real.Bytes(), real.Bytes())
	f.Fuzz(func(t *testing.T, first, second []byte) {
		c := New("alloc_space", "delay", "goroutine")
		for _, in := range [][]byte{first, second} {
			out, err := c.Delta(in)
			if err != nil {
				continue
			}
			checkOutput(t, in, out)
		}
	})
}

// checkOutput checks that out, the delta of in, is a valid profile with no
// more samples than in, and at most ten times its size: each value may grow
// from one byte to a ten-byte negative varint, nothing else grows.
func checkOutput(t *testing.T, in, out []byte) {
	t.Helper()
	raw, err := decompress(in, MaxDecodedSize)
	if err != nil {
		t.Fatalf("accepted input does not decompress: %v", err)
	}
	data, err := decompress(out, MaxDecodedSize)
	if err != nil {
		t.Fatalf("output does not decompress: %v", err)
	}
	if len(data) > 10*len(raw)+32 {
		t.Errorf("output is %d bytes for an input of %d", len(data), len(raw))
	}
	keys := newHasher()
	pin, err := parseProfile(raw, keys)
	if err != nil {
		t.Fatalf("accepted input does not parse: %v", err)
	}
	pout, err := parseProfile(data, keys)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if _, err := pout.aggregate(keys); err != nil {
		t.Fatalf("output samples are invalid: %v", err)
	}
	if pout.samples > pin.samples || len(pout.strings) != len(pin.strings) {
		t.Errorf("output has %d samples and %d strings, input %d and %d",
			pout.samples, len(pout.strings), pin.samples, len(pin.strings))
	}
}
