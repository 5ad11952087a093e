package agent

import (
	"os"
	"sync"
	"sync/atomic"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace"
)

// The Agent's v0.4 payload is a msgpack array of traces, each an array of
// span maps; v0.5 (wire05.go) is the same traces with every string replaced
// by its index in a table sent ahead of them. Arrays and maps whose lengths
// are known only once their elements are written get a 32-bit header
// (0xdd, 0xdf and four bytes), patched afterwards: msgpack allows a wide
// header for a short array, the Agent's decoders read it, and the encoder
// streams every span once, into one buffer, without counting first.
const (
	array32 = 0xdd
	map32   = 0xdf
)

// encoder writes chunks into payloads, starting a new payload whenever the
// next span would make one reach the maximum size. It only encodes: what
// goes on each span is decided by the tracer and by its own inputs.
type encoder struct {
	mu          sync.Mutex // held by the goroutine using it (encoders)
	enc         *msgpack.Encoder
	p           *payload // nil when the memory budget had no room for one
	maxPayload  int
	count       int // entries of the map being written
	free        *payloads
	v04, v05    wireConsts
	k           *wireConsts // the current payload's: &v04 or &v05
	dict        dictionary  // the strings of the v0.5 payload being built
	spanSampler SpanSampler
	kept        []spanKeep // decideSpans's decisions for the chunk being encoded
	order       []int      // spanOrder's answer for the chunk being encoded

	// clientStats says that the chunks encoded now had their statistics
	// computed here: their payloads say so to the Agent. scratch is the
	// memory for reading their spans (statScratch).
	clientStats bool
	scratch     statScratch
	// sampledOut counts the spans of a sampled-out chunk left out, and
	// whether that was the whole chunk.
	sampledOut func(whole bool, spans int)

	// use05 says whether a new payload is v0.5: the Agent's /info decides.
	use05 func() bool
	// spanEvents says whether the Agent takes span events natively (its
	// /info); eventsDropped counts the events the "events" tag left out.
	spanEvents    func() bool
	eventsDropped *atomic.Uint64
	// How the span being written sends its events, and how many the
	// events tag left out (events.go).
	ev        eventsWay
	evDropped int
	// emit receives every payload that is full; tooLarge counts spans that
	// cannot fit even in an empty payload, overBudget those for which the
	// memory budget had no room.
	emit       func(*payload)
	tooLarge   func(n int)
	overBudget func(n int)
}

func newEncoder(maxPayload int, free *payloads, emit func(*payload), tooLarge, overBudget func(int)) *encoder {
	pid := float64(os.Getpid())
	return &encoder{
		free:       free,
		enc:        msgpack.NewEncoder(nil),
		maxPayload: maxPayload,
		v04:        newWireConsts04(runtimeID, pid),
		v05:        newWireConsts05(pid),
		use05:      func() bool { return false },
		spanEvents: func() bool { return false },
		emit:       emit,
		tooLarge:   tooLarge,
		overBudget: overBudget,
		sampledOut: func(bool, int) {},
	}
}

// reset starts a new payload and reports whether the budget had room.
func (e *encoder) reset() bool {
	e.p = e.free.get()
	if e.p == nil {
		return false
	}
	e.p.clientStats = e.clientStats
	e.k, e.dict.p = &e.v04, nil
	if e.use05() {
		if !e.dict.start(e.p) {
			e.p.release()
			e.p = nil
			return false
		}
		e.k = &e.v05
	}
	e.enc.Reset(&e.p.buf)
	return true
}

// take hands the current payload on, if it holds anything; the next chunk
// starts a new one.
func (e *encoder) take() {
	if e.p == nil || e.p.traces == 0 {
		return
	}
	p := e.p
	e.p = nil
	e.free.shrink(p)
	e.emit(p)
}

// setClientStats makes the next chunks go in payloads that say whether
// their statistics were computed here: a payload must not hold both kinds.
func (e *encoder) setClientStats(on bool) {
	if e.clientStats == on {
		return
	}
	e.take()
	e.clientStats = on
	if e.p != nil {
		e.p.clientStats = on // empty: take left it
	}
}

// release gives back the memory of the payload being built, empty or not:
// at shutdown, once it was taken.
func (e *encoder) release() {
	if e.p != nil {
		e.p.release()
		e.p = nil
	}
}

// chunk encodes one chunk as one trace, or as several when it does not fit
// in what is left of a payload. With dropP0 (client-side statistics on),
// a sampled-out chunk is left out, but for what p0.go says is kept.
//
// The local root, if the chunk has it, goes first: the first span of each
// trace carries the trace-level tags, and dd-trace-go puts them on the
// first span its trace started, the root. The order of spans within a
// trace means nothing to the Agent.
func (e *encoder) chunk(c trace.Chunk, dropP0 bool) {
	e.kept = decideSpans(e.spanSampler, c, e.kept)
	drop := dropP0 && !keepSampledOut(c)
	order := e.spanOrder(c, drop)
	if dropped := c.Len() - len(order); dropped > 0 {
		e.sampledOut(len(order) == 0, dropped)
	}
	n := len(order)
	if e.p != nil {
		e.p.buf.over, e.p.dict.over = false, false // the budget may have room again
	}
	for i := 0; i < n; {
		if e.p == nil && !e.reset() {
			e.overBudget(n - i)
			return
		}
		traceStart := e.p.buf.Len()
		e.p.buf.Write([]byte{array32, 0, 0, 0, 0})
		count := 0
		for ; i < n; i++ {
			before, dm := e.p.buf.Len(), e.dict.mark()
			e.span(c, order[i], count == 0)
			if !e.p.over() && e.p.size() < e.maxPayload {
				count++
				e.settleEvents()
				continue
			}
			// The span overflowed the payload, or the budget: take it
			// back out.
			e.p.buf.Truncate(before)
			e.dict.rollback(dm)
			if count == 0 && e.p.traces == 0 {
				// Alone in an empty payload and still no room.
				if e.p.over() {
					e.overBudget(1)
				} else {
					e.tooLarge(1)
				}
				i++
			}
			break
		}
		if count == 0 {
			e.p.buf.Truncate(traceStart)
		} else {
			e.p.buf.putUint32(traceStart+1, uint32(count))
			e.p.traces++
			e.p.spans += count
		}
		if i < n {
			e.take() // full: the rest of the chunk goes in the next payload
		}
	}
}

// spanOrder returns the indexes of the spans to encode, the local root
// first; with onlyKept, only those single span sampling keeps. It reuses
// the encoder's memory.
func (e *encoder) spanOrder(c trace.Chunk, onlyKept bool) []int {
	e.order = e.order[:0]
	n, root := c.Len(), 0
	// A chunk holds at most one local root (its trace's), and finishes
	// with it when the trace is whole: looked for from the end, it is
	// found at once, without reading every span before the encoder does.
	for i := n - 1; i > 0; i-- {
		if c.Span(i).IsLocalRoot() {
			root = i
			break
		}
	}
	for j := range n {
		i := j - 1 // the root, then the others in order
		switch {
		case j == 0:
			i = root
		case j <= root:
		default:
			i = j
		}
		if !onlyKept || e.kept != nil && e.kept[i].keep {
			e.order = append(e.order, i)
		}
	}
	return e.order
}

// patch writes the count of the map whose 32-bit header is at at. After a
// write the budget refused, the header may not be there: the span is then
// taken back out whole.
func (e *encoder) patch(at int) {
	if !e.p.buf.over && at+5 <= e.p.buf.Len() {
		e.p.buf.putUint32(at+1, uint32(e.count))
	}
}

func (e *encoder) meta(k, v string) {
	e.str(k)
	e.str(v)
	e.count++
}

func (e *encoder) metric(k string, v float64) {
	e.str(k)
	e.p.buf.putFloat(v)
	e.count++
}

// raw writes a key/value pair encoded in advance.
func (e *encoder) raw(pair []byte) {
	e.p.buf.Write(pair)
	e.count++
}

// str writes a string: itself in v0.4, its index in the table in v0.5.
func (e *encoder) str(s string) {
	if e.p.v05 {
		e.p.buf.putUint(uint64(e.dict.index(s)))
		return
	}
	e.p.buf.putString(s)
}
