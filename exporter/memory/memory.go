// Package memory provides an Exporter that keeps finished traces in memory,
// for tests.
//
// Give it to a tracer, run the code under test, then wait for the spans and
// inspect them:
//
//	exp := memory.New()
//	tr := trace.New(trace.WithExporter(exp))
//	defer tr.Shutdown(context.Background())
//	// ... code under test, using tr ...
//	spans, err := exp.WaitForSpans(ctx, 3)
//
// Unlike OpenTelemetry's in-memory exporter, Shutdown does not forget what
// was recorded: a test may shut the tracer down (which flushes it) and read
// the spans afterwards. Snapshots are immutable, so the slices returned are
// the caller's to keep.
package memory

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/ctxtrace/trace"
)

// Exporter records every chunk it is given. It is safe for concurrent use.
// The zero value is not usable; call New.
type Exporter struct {
	mu      sync.Mutex
	chunks  []trace.Chunk
	spans   int
	changed chan struct{} // closed and replaced whenever spans arrive
	closed  bool
}

// New returns an empty Exporter.
func New() *Exporter {
	return &Exporter{changed: make(chan struct{})}
}

// ErrShutdown is returned by Export after Shutdown.
var ErrShutdown = errors.New("memory: exporter is shut down")

// Export records the chunks of batch.
func (e *Exporter) Export(ctx context.Context, batch []trace.Chunk) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrShutdown
	}
	for _, c := range batch {
		e.chunks = append(e.chunks, c)
		e.spans += c.Len()
	}
	close(e.changed)
	e.changed = make(chan struct{})
	return nil
}

// Shutdown makes later exports fail. What was recorded stays readable.
func (e *Exporter) Shutdown(context.Context) error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	return nil
}

// Chunks returns the chunks received, in arrival order.
func (e *Exporter) Chunks() []trace.Chunk {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.chunks)
}

// Spans returns every span received, chunk by chunk in arrival order.
func (e *Exporter) Spans() []trace.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.spansLocked()
}

func (e *Exporter) spansLocked() []trace.Snapshot {
	out := make([]trace.Snapshot, 0, e.spans)
	for _, c := range e.chunks {
		for _, s := range c.Spans() {
			out = append(out, s)
		}
	}
	return out
}

// Len returns the number of spans received.
func (e *Exporter) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.spans
}

// Traces returns the spans grouped by trace, traces in the order their
// first chunk arrived (which, across traces, need not be the order they
// finished in), spans within a trace sorted by start time (then span
// id). Chunks of one trace that arrived separately (partial flushes, or
// spans that finished after their root) are joined.
func (e *Exporter) Traces() [][]trace.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	index := map[trace.TraceID]int{}
	var out [][]trace.Snapshot
	for _, c := range e.chunks {
		id := c.TraceID()
		i, ok := index[id]
		if !ok {
			i = len(out)
			index[id] = i
			out = append(out, nil)
		}
		for _, s := range c.Spans() {
			out[i] = append(out[i], s)
		}
	}
	for _, t := range out {
		slices.SortStableFunc(t, func(a, b trace.Snapshot) int {
			if c := a.Start().Compare(b.Start()); c != 0 {
				return c
			}
			return cmpUint(a.SpanID(), b.SpanID())
		})
	}
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Find returns the first span received with the given name.
func (e *Exporter) Find(name string) (trace.Snapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.chunks {
		for _, s := range c.Spans() {
			if s.Name() == name {
				return s, true
			}
		}
	}
	return trace.Snapshot{}, false
}

// Reset forgets everything received and reopens an exporter that was shut
// down.
func (e *Exporter) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.chunks, e.spans, e.closed = nil, 0, false
}

// WaitForSpans waits until at least n spans have arrived and returns them
// all, or returns ctx's error with the spans received so far. Spans reach
// the exporter when the tracer flushes: call the tracer's Flush, or give it
// a short flush interval, rather than waiting for the default two seconds.
func (e *Exporter) WaitForSpans(ctx context.Context, n int) ([]trace.Snapshot, error) {
	for {
		e.mu.Lock()
		if e.spans >= n {
			out := e.spansLocked()
			e.mu.Unlock()
			return out, nil
		}
		changed := e.changed
		e.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return e.Spans(), ctx.Err()
		}
	}
}
