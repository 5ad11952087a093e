package pprofdelta

import (
	"fmt"
	"testing"
)

// benchProfile is a heap-like profile of n samples with 16-frame stacks
// drawn from 500 functions, whose alloc values grow with round.
func benchProfile(n int, round int64) []byte {
	p := synth{types: heapTypes, shift: uint64(round % 3)}
	for i := range n {
		stack := make([]string, 16)
		for j := range stack {
			stack[j] = fmt.Sprintf("pkg.fn%d", (i*7+j*13)%500)
		}
		p.samples = append(p.samples, synthSample{stack: stack, values: []int64{int64(i%5) * round, int64(i % 3)}})
	}
	return p.encode()
}

// BenchmarkDelta measures one delta of a 2000-sample profile against the
// previous one, as a profiler does every collection.
func BenchmarkDelta(b *testing.B) {
	profiles := [][]byte{benchProfile(2000, 1), benchProfile(2000, 2)}
	c := New("alloc_space")
	b.SetBytes(int64(len(profiles[0])))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Delta(profiles[i%2]); err != nil && err != ErrLayoutChanged {
			b.Fatal(err)
		}
	}
}
