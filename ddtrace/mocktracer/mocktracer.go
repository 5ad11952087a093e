// Package mocktracer is dd-trace-go's mocktracer for the tracer package:
// it records spans in memory so that tests can check what code traced.
//
//	mt := mocktracer.Start()
//	defer mt.Stop()
//	// ... code under test, using tracer.StartSpan and friends ...
//	spans := mt.FinishedSpans()
//
// Unlike dd-trace-go's, it records spans exactly as production would
// (tag values converted as SetTag converts them: a fmt.Stringer is its
// text, numbers are numbers), parent relationships hold across goroutines
// and services, WithSpanID is honoured, and Reset forgets everything.
// It is built on the memory exporter.
package mocktracer

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/hook"
)

// Tracer is a mock tracer, the default of the trace and tracer packages
// until Stop.
type Tracer interface {
	// OpenSpans returns the spans started and not finished.
	OpenSpans() []Span
	// FinishedSpans returns the spans finished since Start or Reset, in
	// the order they finished.
	FinishedSpans() []Span
	// Reset forgets every span recorded so far.
	Reset()
	// Stop makes the tracer no longer the default.
	Stop()
}

// Span is a recorded span.
type Span interface {
	// Tag returns the tag k as production stores it: a string or a
	// float64; nil when it is not set (or the span is still open).
	Tag(k string) any
	// Tags returns every tag.
	Tags() map[string]any
	// OperationName returns the span's name.
	OperationName() string
	// SpanID returns the span id.
	SpanID() uint64
	// TraceID returns the lower half of the trace id.
	TraceID() uint64
	// ParentID returns the parent's span id, or 0.
	ParentID() uint64
	// StartTime returns when the span started.
	StartTime() time.Time
	// FinishTime returns when the span finished; the zero time if open.
	FinishTime() time.Time
	// String describes the span.
	String() string
}

type mock struct {
	tr  *trace.Tracer
	mem *memory.Exporter

	mu      sync.Mutex
	started []*trace.Span
}

// Start makes a mock tracer the default and returns it.
func Start() Tracer {
	m := &mock{mem: memory.New()}
	m.tr = trace.New(
		trace.WithExporter(m.mem),
		trace.WithPartialFlush(1), // every finished span reaches the exporter at once
		trace.WithFlushInterval(time.Hour),
		hook.OnStart(m.track).(trace.Option),
	)
	trace.SetDefault(m.tr)
	return m
}

func (m *mock) track(s any) {
	m.mu.Lock()
	m.started = append(m.started, s.(*trace.Span))
	m.mu.Unlock()
}

func (m *mock) OpenSpans() []Span {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Span
	kept := m.started[:0]
	for _, s := range m.started {
		if !s.IsFinished() {
			out = append(out, openSpan{s})
			kept = append(kept, s)
		}
	}
	clear(m.started[len(kept):])
	m.started = kept
	return out
}

func (m *mock) FinishedSpans() []Span {
	_ = m.tr.Flush(context.Background())
	snaps := m.mem.Spans()
	out := make([]Span, len(snaps))
	for i, s := range snaps {
		out[i] = finishedSpan{s}
	}
	return out
}

func (m *mock) Reset() {
	_ = m.tr.Flush(context.Background())
	m.mem.Reset()
	m.mu.Lock()
	m.started = slices.DeleteFunc(m.started, func(s *trace.Span) bool { return s.IsFinished() })
	m.mu.Unlock()
}

func (m *mock) Stop() {
	if trace.Default() == m.tr {
		trace.SetDefault(nil)
	}
	_ = m.tr.Shutdown(context.Background())
}

// finishedSpan is a recorded snapshot.
type finishedSpan struct{ s trace.Snapshot }

func (f finishedSpan) Tag(k string) any {
	switch k {
	case "service.name":
		return f.s.Service()
	case "resource.name":
		return f.s.Resource()
	case "span.type":
		return f.s.Type()
	}
	if v, ok := f.s.Tag(k); ok {
		return v.Any()
	}
	return nil
}

func (f finishedSpan) Tags() map[string]any {
	m := map[string]any{}
	for k, v := range f.s.Tags() {
		m[k] = v.Any()
	}
	return m
}

func (f finishedSpan) OperationName() string { return f.s.Name() }
func (f finishedSpan) SpanID() uint64        { return f.s.SpanID() }
func (f finishedSpan) TraceID() uint64       { return f.s.TraceID().Lower() }
func (f finishedSpan) ParentID() uint64      { return f.s.ParentID() }
func (f finishedSpan) StartTime() time.Time  { return f.s.Start() }
func (f finishedSpan) FinishTime() time.Time { return f.s.End() }
func (f finishedSpan) String() string        { return f.s.String() }

// openSpan is a span still running: its tags cannot be read until it
// finishes.
type openSpan struct{ s *trace.Span }

func (o openSpan) Tag(string) any        { return nil }
func (o openSpan) Tags() map[string]any  { return map[string]any{} }
func (o openSpan) OperationName() string { return o.s.Name() }
func (o openSpan) SpanID() uint64        { return o.s.SpanID() }
func (o openSpan) TraceID() uint64       { return o.s.TraceID().Lower() }
func (o openSpan) ParentID() uint64      { return o.s.ParentID() }
func (o openSpan) StartTime() time.Time  { return o.s.StartTime() }
func (o openSpan) FinishTime() time.Time { return time.Time{} }
func (o openSpan) String() string        { return fmt.Sprintf("open %s", o.s) }
