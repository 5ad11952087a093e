package trace

import (
	"iter"
	"math"
	"strconv"
	"sync"
)

// Chunk is what the pipeline hands to exporters: finished spans of one
// trace, with the trace-level state they share. A trace whose spans all
// finished arrives as one chunk; a long one may arrive as several, each
// but the last marked Partial. A Chunk is immutable.
type Chunk struct {
	spans       []Snapshot
	partial     bool
	priority    Priority
	hasPriority bool
	origin      string
	tags        kvs
	bytes       int // taken from the memory budget; given back once exported or dropped
}

// Len returns the number of spans.
func (c Chunk) Len() int { return len(c.spans) }

// Span returns the i-th span, in the order they finished.
func (c Chunk) Span(i int) Snapshot { return c.spans[i] }

// Spans returns the spans with their indexes, in the order they finished.
func (c Chunk) Spans() iter.Seq2[int, Snapshot] {
	return func(yield func(int, Snapshot) bool) {
		for i, s := range c.spans {
			if !yield(i, s) {
				return
			}
		}
	}
}

// TraceID returns the trace the spans belong to.
func (c Chunk) TraceID() TraceID {
	if len(c.spans) == 0 {
		return TraceID{}
	}
	return c.spans[0].TraceID()
}

// Partial reports whether more spans of the trace were still running when
// the chunk was handed on.
func (c Chunk) Partial() bool { return c.partial }

// Priority returns the trace's sampling priority, and false if none was
// decided.
func (c Chunk) Priority() (Priority, bool) { return c.priority, c.hasPriority }

// Origin returns the trace's origin, or "".
func (c Chunk) Origin() string { return c.origin }

// Tags returns the propagated trace tags (Datadog's _dd.p.*), such as the
// sampling decision maker _dd.p.dm.
func (c Chunk) Tags() iter.Seq2[string, string] { return seqKV(c.tags) }

// NumTags returns how many propagated trace tags the chunk has.
func (c Chunk) NumTags() int {
	if c.tags == nil {
		return 0
	}
	return len(*c.tags)
}

// TagAt returns the i-th propagated trace tag, 0 <= i < NumTags(): Tags
// without the iterator, for exporters that count their allocations.
func (c Chunk) TagAt(i int) (string, string) {
	e := (*c.tags)[i]
	return e.k, e.v
}

// traceState assembles the local part of one trace: it counts the spans
// still open and holds the finished ones until the chunk is handed on. Its
// lock is per trace, never global.
type traceState struct {
	mu          sync.Mutex
	open        int32 // spans started and not finished
	oneUsed     bool  // one was handed on and must not be reused
	hasPriority bool
	priority    Priority
	mechanism   Mechanism
	finished    []Snapshot // finished spans not yet handed on
	// one holds the local root from the start: the chunk of a trace that
	// is just its root is this array, with no slice to allocate, and
	// trace-level tags set later (propagation errors) find the root here.
	// Written once, before the trace is shared.
	one    [1]Snapshot
	origin string
	tags   kvs       // propagated trace tags
	w3c    *w3cState // fixed when the trace starts here
	held   int32     // budget bytes of the finished spans held

	// The pipeline's list of open traces that hold finished spans, guarded
	// by the lock of the pipeline shard the trace id picks.
	linked     bool
	ticks      uint8 // flush intervals spent in the list
	prev, next *traceState
}

// root returns the trace's local root span.
func (ts *traceState) root() *Span { return ts.one[0].s }

// setPriority records a sampling decision. A manual decision is final: no
// later automatic or rule decision replaces it.
func (ts *traceState) setPriority(p Priority, m Mechanism) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.hasPriority && ts.mechanism == mechanismManual && m != mechanismManual {
		return
	}
	ts.priority, ts.hasPriority, ts.mechanism = p, true, m
	if p.Keep() {
		dm := m.tag()
		switch v, ok := lookupKV(ts.tags, tagDecisionMaker); {
		case ok && v == dm:
		case ts.tags == nil && m >= 0 && int(m) < len(dmOnly):
			ts.tags = &dmOnly[m] // shared and never written: no allocation
		default:
			ts.tags = withKV(ts.tags, tagDecisionMaker, dm, false)
		}
	} else if _, ok := lookupKV(ts.tags, tagDecisionMaker); ok {
		ts.tags = withKV(ts.tags, tagDecisionMaker, "", true)
	}
}

// tagDecisionMaker is the propagated tag that records which mechanism kept
// the trace.
const tagDecisionMaker = "_dd.p.dm"

// dmOnly holds, per mechanism, the propagated tags of a trace that has no
// other: the common case, served without allocating.
var dmOnly = func() (out [16][]kv) {
	for m := range out {
		out[m] = []kv{{tagDecisionMaker, Mechanism(m).tag()}}
	}
	return out
}()

// tag returns the mechanism as _dd.p.dm writes it: "-" and the number.
func (m Mechanism) tag() string {
	if m >= 0 && int(m) < len(dmStrings) {
		return dmStrings[m]
	}
	return "-" + strconv.Itoa(int(m))
}

var dmStrings = [...]string{"-0", "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9", "-10", "-11", "-12", "-13", "-14", "-15"}

// finish adds a finished span and hands on a chunk when the trace is
// complete, or when the partial-flush threshold is reached. The trace goes
// to its local root's tracer, whichever tracer started the span; the span
// is counted by its own.
//
// A finished span is admitted into the root tracer's memory budget here,
// once, whether it waits for the rest of its trace or goes straight to the
// queue; a span that does not fit is dropped and counted.
func (ts *traceState) finish(s *Span) {
	p := ts.root().tracer.pipe
	size := int(s.size)
	admitted := p.admit(ts, size)
	ts.mu.Lock()
	ts.open--
	if !admitted {
		c := ts.flushIfDoneLocked()
		ts.mu.Unlock()
		// Counted straight away, by the span's own tracer: a drop at full
		// rate against a bad Agent must cost no allocation.
		s.tracer.stats.dropQueue.Add(1)
		if c.spans != nil {
			p.enqueue(c, ts)
		}
		return
	}
	var c Chunk
	if ts.open == 0 && len(ts.finished) == 0 && !ts.oneUsed && ts.one[0].s == s {
		// The common single-span trace: no slice to allocate.
		ts.oneUsed = true
		c.spans, c.bytes = ts.one[:1:1], size
	} else {
		if ts.finished == nil {
			ts.finished = make([]Snapshot, 0, heldSpans)
		}
		ts.finished = append(ts.finished, Snapshot{s})
		ts.held += int32(size) // below MaxInt32/2 before, and size is an int32
		if ts.open > 0 && len(ts.finished) < p.cfg.partialFlush && ts.held < math.MaxInt32/2 {
			first := len(ts.finished) == 1
			ts.mu.Unlock()
			if first {
				p.hold(ts)
			}
			return
		}
		c = ts.takeLocked()
	}
	ts.chunkStateLocked(&c)
	ts.mu.Unlock()
	p.enqueue(c, ts)
}

// heldSpans is the room a trace makes for its finished spans when the
// first one arrives while others still run: growing the slice from one
// span cost an allocation and a copy at 1, 2, 4 and 8 spans
// (BenchmarkDelivered's traces have ten).
const heldSpans = 8

// takeLocked makes a chunk of the finished spans held, partial if the trace
// is still open.
func (ts *traceState) takeLocked() Chunk {
	c := Chunk{spans: ts.finished, partial: ts.open > 0, bytes: int(ts.held)}
	ts.finished, ts.held = nil, 0
	return c
}

// flushIfDoneLocked hands on what the trace holds when its last open span
// has just finished (without being admitted itself).
func (ts *traceState) flushIfDoneLocked() Chunk {
	if ts.open > 0 || len(ts.finished) == 0 {
		return Chunk{}
	}
	c := ts.takeLocked()
	ts.chunkStateLocked(&c)
	return c
}

// chunkStateLocked copies the trace-level state into c.
func (ts *traceState) chunkStateLocked(c *Chunk) {
	c.priority, c.hasPriority = ts.priority, ts.hasPriority
	c.origin, c.tags = ts.origin, ts.tags
}

// age is called by the batcher on an open trace that holds finished spans,
// once per flush interval: after limit intervals, or at once with all, it
// hands them on as a partial chunk, so that a root that runs for long, or
// never finishes, does not hold its children forever.
func (ts *traceState) age() Chunk {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.finished) == 0 {
		return Chunk{}
	}
	c := ts.takeLocked()
	ts.chunkStateLocked(&c)
	return c
}
