package trace

import (
	"strconv"
	"sync"
)

// traceState assembles the local part of one trace: it counts the spans
// still open and holds the finished ones until the chunk is handed on. Its
// lock is per trace, never global.
type traceState struct {
	mu       sync.Mutex
	open     int        // spans started and not finished
	finished []Snapshot // finished spans not yet handed on
	one      [1]Snapshot
	oneUsed  bool // one was handed on once and must not be reused

	priority    Priority
	hasPriority bool
	mechanism   Mechanism
	origin      string
	tags        []kv // propagated trace tags; copy on write
}

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
		dm := "-" + strconv.Itoa(int(m))
		if v, ok := lookupKV(ts.tags, tagDecisionMaker); !ok || v != dm {
			ts.tags = withKV(ts.tags, tagDecisionMaker, dm, false)
		}
	} else if _, ok := lookupKV(ts.tags, tagDecisionMaker); ok {
		ts.tags = withKV(ts.tags, tagDecisionMaker, "", true)
	}
}

// tagDecisionMaker is the propagated tag that records which mechanism kept
// the trace.
const tagDecisionMaker = "_dd.p.dm"

// finish adds a finished span and hands on a chunk when the trace is
// complete, or when the partial-flush threshold is reached.
func (ts *traceState) finish(s *Span) {
	t := s.tracer
	ts.mu.Lock()
	ts.open--
	var c Chunk
	if ts.open == 0 && len(ts.finished) == 0 && !ts.oneUsed {
		// The common single-span trace: no slice to allocate.
		ts.one[0] = Snapshot{s}
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
