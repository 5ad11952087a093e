package otlp

import (
	"math"
	"slices"
	"sync"

	"github.com/ctxtrace/trace"
)

// bodyPool keeps the memory of requests sent for the requests that come
// after: taking fresh memory for each, which Go zeroes, and leaving it to
// the garbage collector cost 7% more CPU per span in a burst
// (BenchmarkOTLPDelivered). Bodies come in sizes an eighth of an octave
// apart (bodySizes), each size with a pool of its own, so that a request
// finds one at most a tenth larger than it needs. A body is taken from
// the memory budget, by its capacity, used or not, while it holds a
// request, and not while it waits here, where the garbage collector may
// take it, as it may the encoders' buffers.
type bodyPool struct {
	pools [len(bodySizes)]sync.Pool
}

// bodySizes are the capacities of pooled bodies, from 4 KiB up to the
// default maximum request, each 2^⅛ times the one before, rounded up to a
// 512-byte multiple. Larger bodies are made to measure and not kept.
var bodySizes = func() [81]int {
	var s [81]int
	for i := range s {
		n := int(math.Ceil(4096 * math.Pow(2, float64(i)/8)))
		s[i] = (n + 511) &^ 511
	}
	return s
}()

// get returns an empty body with room for n bytes, its capacity taken
// from mem, or nil when mem has no room.
func (bp *bodyPool) get(mem *trace.MemoryBudget, n int) *[]byte {
	i, _ := slices.BinarySearch(bodySizes[:], n)
	if i == len(bodySizes) {
		if !mem.TryAcquire(n) {
			return nil
		}
		b := make([]byte, 0, n)
		return &b
	}
	if !mem.TryAcquire(bodySizes[i]) {
		return nil
	}
	if b, ok := bp.pools[i].Get().(*[]byte); ok {
		*b = (*b)[:0]
		return b
	}
	b := make([]byte, 0, bodySizes[i])
	return &b
}

// put keeps b for a later request. The caller has given its memory back
// to the budget, and nothing reads it any more.
func (bp *bodyPool) put(b *[]byte) {
	if i, found := slices.BinarySearch(bodySizes[:], cap(*b)); found {
		bp.pools[i].Put(b)
	}
}
