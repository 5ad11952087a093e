package trace

// hold lists ts, an open trace that has just started holding finished
// spans, for the batcher to age.
func (p *pipeline) hold(ts *traceState) {
	sh := p.shardOf(ts)
	sh.mu.Lock()
	if !ts.linked {
		ts.linked, ts.ticks, ts.prev, ts.next = true, 0, nil, sh.held
		if sh.held != nil {
			sh.held.prev = ts
		}
		sh.held = ts
	}
	sh.mu.Unlock()
}

func (sh *shard) unlink(ts *traceState) {
	if ts.prev != nil {
		ts.prev.next = ts.next
	} else {
		sh.held = ts.next
	}
	if ts.next != nil {
		ts.next.prev = ts.prev
	}
	ts.linked, ts.prev, ts.next = false, nil, nil
}

// age hands on, as partial chunks, the finished spans of open traces that
// have waited holdTicks intervals; all of them with all (at shutdown).
func (p *pipeline) age(all bool) {
	var due []*traceState
	for i := range p.shards {
		sh := &p.shards[i]
		sh.mu.Lock()
		for ts := sh.held; ts != nil; {
			next := ts.next
			ts.ticks++
			if all || ts.ticks >= p.holdTicks {
				sh.unlink(ts)
				due = append(due, ts)
			}
			ts = next
		}
		sh.mu.Unlock()
	}
	for _, ts := range due {
		if c := ts.age(); c.spans != nil {
			p.enqueue(c, ts)
		}
	}
}
