package agent

import (
	"encoding/binary"
	"errors"
	"sync/atomic"

	"github.com/ctxtrace/trace"
)

// blockSize is the unit a payload's memory comes in. A payload is a list of
// blocks, each filled before the next is taken: it grows without copying
// what it holds, and holds at most one block more than its length. Each
// block is taken from the memory budget first.
const blockSize = 64 << 10

// errOverBudget is what a write returns when the memory budget has no room
// for another block; the encoder takes the span back out.
var errOverBudget = errors.New("agent: memory budget full")

// wbuf is the buffer the msgpack encoder writes into: the block being
// written (cur) and the full ones before it. A write that fits in cur is
// one append, as into a plain byte slice; the encoder makes dozens of
// calls per span (BenchmarkEncode).
type wbuf struct {
	cur  []byte   // the block being written
	full [][]byte // the blocks before it, each blockSize long
	n    int      // bytes written in all
	mem  *blockPool
	held int  // bytes taken from the budget
	over bool // a write found no room since the last check
}

// Write and WriteString append to cur when it has room, inline: a
// generic function here costs a call with its dictionary on every one of
// the encoder's writes (BenchmarkEncode).
// They reslice cur in place and copy: an append would write cur's pointer
// back, a write barrier on every write while the garbage collector marks.
func (w *wbuf) Write(p []byte) (int, error) {
	if l := len(w.cur); l+len(p) <= cap(w.cur) {
		w.cur = w.cur[:l+len(p)]
		copy(w.cur[l:], p)
		w.n += len(p)
		return len(p), nil
	}
	return writeBlocks(w, p)
}

func (w *wbuf) WriteString(s string) (int, error) {
	if l := len(w.cur); l+len(s) <= cap(w.cur) {
		w.cur = w.cur[:l+len(s)]
		copy(w.cur[l:], s)
		w.n += len(s)
		return len(s), nil
	}
	return writeBlocks(w, s)
}

// writeBlocks copies p into the blocks, taking new ones as they fill.
func writeBlocks[T string | []byte](w *wbuf, p T) (int, error) {
	for done := 0; done < len(p); {
		if len(w.cur) == cap(w.cur) && !w.next() {
			return done, errOverBudget
		}
		k := copy(w.cur[len(w.cur):cap(w.cur)], p[done:])
		w.cur = w.cur[:len(w.cur)+k]
		w.n += k
		done += k
	}
	return len(p), nil
}

func (w *wbuf) WriteByte(c byte) error {
	if len(w.cur) == cap(w.cur) && !w.next() {
		return errOverBudget
	}
	l := len(w.cur)
	w.cur = w.cur[:l+1]
	w.cur[l] = c
	w.n++
	return nil
}

// next starts a new block, taken from the budget, and reports false when
// the budget has none.
func (w *wbuf) next() bool {
	if w.over {
		return false
	}
	b := w.mem.block()
	if b == nil {
		w.over = true
		return false
	}
	if w.cur != nil {
		w.full = append(w.full, w.cur)
	}
	w.held += blockSize
	w.cur = b
	return true
}

func (w *wbuf) Len() int { return w.n }

// Truncate keeps the first n bytes, giving back the blocks past them.
func (w *wbuf) Truncate(n int) {
	if n >= w.n {
		return
	}
	// While what is kept ends before cur, cur goes back and the last full
	// block becomes cur.
	for base := len(w.full) * blockSize; n < base || n == base && base > 0; base -= blockSize {
		w.held -= cap(w.cur)
		w.mem.put(w.cur)
		last := len(w.full) - 1
		w.cur, w.full[last] = w.full[last], nil
		w.full = w.full[:last]
	}
	w.cur = w.cur[:n-len(w.full)*blockSize]
	w.n = n
}

// block returns the block that holds offset at.
func (w *wbuf) block(at int) []byte {
	if i := at / blockSize; i < len(w.full) {
		return w.full[i]
	}
	return w.cur
}

// putUint32 writes v big-endian at offset at, which may straddle blocks.
func (w *wbuf) putUint32(at int, v uint32) {
	if off := at % blockSize; off <= blockSize-4 {
		binary.BigEndian.PutUint32(w.block(at)[off:], v)
		return
	}
	for i := range 4 {
		off := at + i
		w.block(off)[off%blockSize] = byte(v >> (24 - 8*i))
	}
}

// bytes returns the blocks holding what was written.
func (w *wbuf) bytes() [][]byte {
	if len(w.cur) == 0 {
		return w.full
	}
	return append(w.full[:len(w.full):len(w.full)], w.cur)
}

// release gives the buffer's blocks back and forgets them.
func (w *wbuf) release() {
	for _, b := range w.full {
		w.mem.put(b)
	}
	if w.cur != nil {
		w.mem.put(w.cur)
	}
	w.cur, w.full, w.n, w.held = nil, nil, 0, 0
}

// payload is a request body being built or waiting to be sent: the
// traces, and for v0.5 the string table that goes before them.
type payload struct {
	buf  wbuf
	dict wbuf // v0.5 only
	v05  bool
	// clientStats says that the statistics of these traces were
	// computed here (Datadog-Client-Computed-Stats).
	clientStats bool
	traces      int
	spans       int
	strings     int // entries of dict
}

// size is the body's length so far.
func (p *payload) size() int { return p.buf.Len() + p.dict.Len() }

// over reports whether a write found no room in the budget.
func (p *payload) over() bool { return p.buf.over || p.dict.over }

// release gives back the memory of both buffers.
func (p *payload) release() {
	p.buf.release()
	p.dict.release()
}

// seal writes the counts into the headers and returns the body: the table
// (v0.5), then the traces.
func (p *payload) seal() [][]byte {
	p.buf.putUint32(1, uint32(p.traces))
	if !p.v05 {
		return p.buf.bytes()
	}
	p.dict.putUint32(2, uint32(p.strings))
	return append(append([][]byte(nil), p.dict.bytes()...), p.buf.bytes()...)
}

// payloads hands out payloads whose memory comes from one budget: the
// tracer's, once it gives its own (trace.BudgetUser).
type payloads struct {
	mem atomic.Pointer[blockPool]
}

// get returns an empty payload with its array header written, or nil when
// the budget has no room for even that.
func (f *payloads) get() *payload {
	p := &payload{buf: wbuf{mem: f.mem.Load()}}
	if _, err := p.buf.Write([]byte{array32, 0, 0, 0, 0}); err != nil {
		return nil
	}
	return p
}

// shrink copies a payload that fills little of its block into memory of
// its size: a payload waiting for an Agent that does not answer then holds
// only its own bytes.
func (f *payloads) shrink(p *payload) {
	for _, w := range []*wbuf{&p.buf, &p.dict} {
		if len(w.full) != 0 || w.cur == nil || w.n >= blockSize/2 {
			continue
		}
		if !w.mem.budget.TryAcquire(w.n) {
			continue // no room for the copy: keep the block
		}
		small := append(make([]byte, 0, w.n), w.cur...)
		w.mem.put(w.cur)
		w.cur, w.held = small, w.n
	}
}

// spareBlocks is how many free blocks an exporter keeps for reuse: taking
// a fresh 64 KiB block for every part of every payload, and giving it to
// the garbage collector after, cost a tenth of the exporter's CPU
// (BenchmarkHTTPMiddleware's profile: clearing and returning memory).
const spareBlocks = 72 // a payload of the default flush size, and a few more

// blockPool is where a payload's blocks come from: one budget, and a few
// free blocks kept for reuse, which stay counted in the budget while they
// wait; when the budget has no room for a new block, the spares go back
// to it first.
type blockPool struct {
	budget *trace.MemoryBudget
	spare  chan []byte
}

func newBlockPool(b *trace.MemoryBudget) *blockPool {
	return &blockPool{budget: b, spare: make(chan []byte, spareBlocks)}
}

// block returns an empty block, or nil when the budget has no room.
func (m *blockPool) block() []byte {
	select {
	case b := <-m.spare:
		return b[:0]
	default:
	}
	if !m.budget.TryAcquire(blockSize) {
		m.drain()
		if !m.budget.TryAcquire(blockSize) {
			return nil
		}
	}
	return make([]byte, 0, blockSize)
}

// put takes back b, a block or a shrunk copy, keeping a block as a spare
// if there is room.
func (m *blockPool) put(b []byte) {
	if cap(b) == blockSize {
		select {
		case m.spare <- b:
			return
		default:
		}
	}
	m.budget.Release(cap(b))
}

// drain gives the spare blocks' memory back to the budget.
func (m *blockPool) drain() {
	for {
		select {
		case b := <-m.spare:
			m.budget.Release(cap(b))
		default:
			return
		}
	}
}
