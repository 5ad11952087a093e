package profiler

import (
	"bytes"
	"context"
	"runtime/trace"
	"strconv"
	"sync"
)

// traceRecorder keeps an execution trace in memory and says when it has
// reached its size limit. The runtime's tracing goroutine writes to it;
// trace.Stop returns once the last write is done, and only then is the
// buffer read.
type traceRecorder struct {
	buf   bytes.Buffer
	limit int
	full  chan struct{}
	once  sync.Once
}

// Write keeps b; past the limit it closes full, and the loop stops the
// trace. What the runtime writes before it stops is kept, as in
// dd-trace-go: the trace stays readable, a little over the limit.
func (r *traceRecorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	if r.buf.Len() >= r.limit {
		r.once.Do(func() { close(r.full) })
	}
	return len(b), nil
}

// startTrace starts c's execution trace; when another one runs (the
// program's own), this period has none.
func (p *profiler) startTrace(c *cycle) {
	r := &traceRecorder{limit: p.cfg.trace.limit, full: make(chan struct{})}
	if err := trace.Start(r); err != nil {
		p.collectError(executionTrace, err)
		return
	}
	if rate := p.cfg.cpuProfileRate; rate != 0 {
		// Lets trace readers weigh CPU samples right.
		trace.Log(context.Background(), "cpuProfileRate", strconv.Itoa(rate))
	}
	c.trace = r
}

// stopTrace stops c's execution trace, if it runs, and returns it.
func (p *profiler) stopTrace(c *cycle) []byte {
	if c.trace == nil {
		return nil
	}
	trace.Stop()
	data := c.trace.buf.Bytes()
	c.trace = nil
	return data
}
