package profiler

import (
	"bytes"
	"context"
	"time"
)

// cycle is one profiling period: the profiles running in it, and when its
// CPU profile starts and it ends.
type cycle struct {
	seq   uint64
	start time.Time
	end   time.Time
	cpuAt time.Time     // when the CPU profile starts; zero once started, or if not collected
	cpu   *bytes.Buffer // the CPU profile being written, or nil
	trace *traceRecorder
	// traced is the execution trace when it ended early, at its size
	// limit; nil otherwise.
	traced []byte
}

// retry is a batch waiting for its second and last attempt.
type retry struct {
	bat *batch
	at  time.Time
}

// run is the profiler's goroutine: it starts and stops the profiles at the
// times of each period, collects them at its end, and uploads them. The
// times come from p.clock, so tests drive it without waiting.
func (p *profiler) run() {
	defer close(p.done)
	c := p.begin(p.clock.Now())
	var r *retry
	for {
		next := c.end
		if !c.cpuAt.IsZero() && c.cpuAt.Before(next) {
			next = c.cpuAt
		}
		if r != nil && r.at.Before(next) {
			next = r.at
		}
		fire, release := p.clock.Timer(next.Sub(p.clock.Now()))
		var traceFull <-chan struct{}
		if c.trace != nil {
			traceFull = c.trace.full
		}
		select {
		case <-p.exit:
			release()
			p.finish(c, r)
			return
		case <-traceFull:
			c.traced = p.stopTrace(c)
		case <-fire:
		}
		release()
		now := p.clock.Now()
		if !c.cpuAt.IsZero() && !now.Before(c.cpuAt) {
			p.startCPU(c)
		}
		if r != nil && !now.Before(r.at) {
			p.deliver(p.ctx, r.bat, 2)
			r = nil
		}
		if now.Before(c.end) {
			continue
		}
		bat := p.collect(c, now)
		c = p.begin(now)
		if r != nil {
			// A newer batch is ready: the older one has its last attempt
			// now rather than later, so that at most two are held.
			p.deliver(p.ctx, r.bat, 2)
		}
		r = p.deliver(p.ctx, bat, 1)
	}
}

// begin starts a period at now: the execution trace if this period is
// traced, and the CPU profile if it covers the whole period.
func (p *profiler) begin(now time.Time) *cycle {
	c := &cycle{seq: p.seq, start: now, end: now.Add(p.cfg.period)}
	p.seq++
	if p.shouldTrace(c.seq) {
		p.startTrace(c)
	}
	if p.cfg.has(CPUProfile) {
		c.cpuAt = c.end.Add(-p.cfg.cpuDuration)
		if !now.Before(c.cpuAt) {
			p.startCPU(c)
		}
	}
	return c
}

// finish stops what runs when the profiler stops. With flushOnExit, the
// period's profiles are collected and uploaded, in one attempt within the
// upload timeout; otherwise they are dropped. A batch waiting for its
// retry is dropped.
func (p *profiler) finish(c *cycle, r *retry) {
	if r != nil {
		p.counts.failed.Add(1)
	}
	if p.cfg.flushOnExit {
		p.deliver(context.Background(), p.collect(c, p.clock.Now()), maxAttempts)
		return
	}
	p.stopCPU(c)
	p.stopTrace(c)
}
