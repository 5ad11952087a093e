package trace

import (
	"strconv"
	"sync"
)

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
}

// root returns the trace's local root span.
func (ts *traceState) root() *Span { return ts.one[0].s }

// setPriority records a sampling decision. A manual decision is final: no
// later automatic or rule decision replaces it.
func (ts *traceState) setPriority(p Priority, m Mechanism) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.hasPriority && ts.mechanism == MechanismManual && m != MechanismManual {
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
// complete, or when the partial-flush threshold is reached.
func (ts *traceState) finish(s *Span) {
	t := s.tracer
	ts.mu.Lock()
	ts.open--
	var c Chunk
	if ts.open == 0 && len(ts.finished) == 0 && !ts.oneUsed && ts.one[0].s == s {
		// The common single-span trace: no slice to allocate.
		ts.oneUsed = true
		c.spans = ts.one[:1:1]
	} else {
		ts.finished = append(ts.finished, Snapshot{s})
		if ts.open > 0 && len(ts.finished) < t.cfg.partialFlush {
			ts.mu.Unlock()
			return
		}
		c.spans, c.partial = ts.finished, ts.open > 0
		ts.finished = nil
	}
	c.priority, c.hasPriority = ts.priority, ts.hasPriority
	c.origin, c.tags = ts.origin, ts.tags
	ts.mu.Unlock()
	t.pipe.enqueue(c)
}
