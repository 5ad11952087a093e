// Package mocktracer is dd-trace-go's mocktracer for the tracer package:
// it records spans in memory so that tests can check what code traced.
//
//	mt := mocktracer.Start()
//	defer mt.Stop()
//	// ... code under test, using tracer.StartSpan and friends ...
//	spans := mt.FinishedSpans()
//
// A recorded span reads as dd-trace-go v1.74.8's mocktracer shows it, so
// that assertions written against dd's hold unchanged: Tag returns a
// string or a float64 as the span stores it, but for the keys dd's mock
// gives a type of their own (ext.HTTPCode and three other numeric keys
// read back as an int, ext.Error as an error, ext.SamplingPriority as an
// int); Tags holds the span's name, service, resource and type, and the
// tags dd-trace-go adds itself (language, _dd.top_level and the like).
//
// Where it departs from dd's, and why:
//   - Integration returns "" for a span without a text component, where
//     dd's panics.
//   - A span still open reads no tags: the tracer keeps a live span's tags
//     to itself.
//   - _dd.measured is left out of every top-level span; dd leaves it out
//     only when it is set as the span starts.
//   - A span that is not its trace's local root shows the sampling
//     priority it inherited as it started, not one it set itself later;
//     the local root shows the trace's final one, as in dd.
//   - Trace-level tags (_dd.p.*) show on the local root only; dd shows
//     them on the first span of every chunk, which for a span started
//     after the rest of its trace finished is that span.
//   - Span events' attributes are those the tracer keeps (see trace.Event),
//     where dd keeps the raw values: a []byte is a list of integers, not
//     base64, and an error its text, not {}.
//   - The mock tracer samples every trace as the tracer does
//     (PriorityAutoKeep), which Inject writes (x-datadog-sampling-priority:
//     1); dd's samples none. Tag(ext.SamplingPriority) still shows only a
//     priority set by hand or received, as in dd.
//   - A span started from an extracted W3C context has no "tracestate"
//     tag, where dd's records the tracestate received.
//
// interop's TestMockTracerSameSpans runs one scenario through dd's
// mocktracer and this one and checks that nothing else differs.
//
// The tracer keeps every span it records until Reset, as dd-trace-go's
// does; Stop ends the recording, not what was recorded.
package mocktracer

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/datastreams"
	"github.com/ctxtrace/trace/internal/hook"
)

// Tracer is a mock tracer, the default of the trace and tracer packages
// until Stop.
type Tracer interface {
	// OpenSpans returns the spans started since Start or Reset and not
	// finished yet, in the order they started.
	OpenSpans() []Span
	// FinishedSpans returns the spans started since Start or Reset and
	// finished since, in the order they finished.
	FinishedSpans() []Span
	// SentDSMBacklogs returns the Data Streams backlogs sent. Data Streams
	// Monitoring is not implemented in this module: it returns nil.
	SentDSMBacklogs() []datastreams.Backlog
	// Reset forgets every span recorded so far, open ones included: a span
	// started before Reset is not recorded when it finishes.
	Reset()
	// Stop makes the tracer no longer the default and stops recording.
	Stop()
}

// active is what IsActive reports.
var active atomic.Bool

// IsActive reports whether a mock tracer was started and not stopped since.
func IsActive() bool { return active.Load() }

// mock is the Tracer.
type mock struct {
	tr *trace.Tracer

	mu       sync.Mutex
	seq      uint64                     // starts so far, to order OpenSpans
	open     map[*trace.Span]*startInfo // started since Start or Reset, not finished
	finished []*finishedSpan
	stopped  bool
}

// startInfo is what the mock notes of a span as it starts.
type startInfo struct {
	seq uint64
	// prio is the sampling priority the span inherited, as dd-trace-go
	// shows it (see shownPriority); ok is false for none.
	prio float64
	ok   bool
}

// Start makes a mock tracer the default and returns it.
func Start() Tracer {
	m := &mock{open: map[*trace.Span]*startInfo{}}
	m.tr = trace.New(
		hook.NoService().(trace.Option),
		hook.OnStart(m.started).(trace.Option),
		hook.OnFinish(m.finish).(trace.Option),
	)
	trace.SetDefault(m.tr)
	active.Store(true)
	return m
}

func (m *mock) started(s any) {
	sp := s.(*trace.Span)
	// As in dd-trace-go, a span takes the priority its trace has as it
	// starts: its parent's, local or remote.
	info := &startInfo{}
	info.prio, info.ok = shownPriority(sp.Context())
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.seq++
	info.seq = m.seq
	m.open[sp] = info
}

func (m *mock) finish(s, snap any) {
	sp := s.(*trace.Span)
	m.mu.Lock()
	info, ok := m.open[sp]
	m.mu.Unlock()
	if !ok {
		return // started before Start or Reset, or by another tracer
	}
	f := newFinishedSpan(sp, snap.(trace.Snapshot), info)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.open[sp]; !ok {
		return // Reset or Stop meanwhile
	}
	delete(m.open, sp)
	m.finished = append(m.finished, f)
}

func (m *mock) OpenSpans() []Span {
	m.mu.Lock()
	type started struct {
		s   *trace.Span
		seq uint64
	}
	list := make([]started, 0, len(m.open))
	for s, info := range m.open {
		list = append(list, started{s, info.seq})
	}
	m.mu.Unlock()
	slices.SortFunc(list, func(a, b started) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Span, len(list))
	for i, o := range list {
		out[i] = openSpan{o.s}
	}
	return out
}

func (m *mock) FinishedSpans() []Span {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Span, len(m.finished))
	for i, f := range m.finished {
		out[i] = f
	}
	return out
}

// SentDSMBacklogs returns nil: Data Streams Monitoring is not implemented
// in this module.
func (m *mock) SentDSMBacklogs() []datastreams.Backlog { return nil }

func (m *mock) Reset() {
	m.mu.Lock()
	clear(m.open)
	m.finished = nil
	m.mu.Unlock()
}

func (m *mock) Stop() {
	m.mu.Lock()
	m.stopped = true
	clear(m.open)
	m.mu.Unlock()
	if trace.Default() == m.tr {
		trace.SetDefault(nil)
	}
	active.Store(false)
	_ = m.tr.Shutdown(context.Background())
}
