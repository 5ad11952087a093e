package trace

import (
	"context"
	"fmt"
	"math"
	"runtime/pprof"
	rtrace "runtime/trace"
	"strings"
	"sync"
	"time"
)

// Span is one timed operation. It is mutable while live and frozen by
// Finish; a nil *Span is valid and does nothing. All methods are safe for
// concurrent use.
type Span struct {
	mu        sync.Mutex
	finished  bool
	errored   bool
	localRoot bool
	topLevel  bool  // entered its service: see Snapshot.IsTopLevel
	size      int32 // bytes the frozen span pins, set by Finish for the memory budget

	tracer *Tracer
	trace  *traceState

	// The fields below are written under mu while live and never after
	// Finish, which is what lets a Snapshot read them without the lock.
	name, service, resource, spanType string
	traceID                           TraceID
	spanID, parentID                  uint64
	start                             time.Time
	duration                          time.Duration
	tags                              tagSet
	baggage                           kvs
	extra                             *spanExtra // rare: links and events; a pointer keeps a root span within 512 bytes

	// task is the span's runtime/trace task while the Go execution tracer
	// runs (see Start); nil otherwise.
	task *rtrace.Task
	// labels are the span's pprof labels and those Finish sets back, while
	// the profiler's code hotspots are on (see hotspots.go); nil otherwise.
	labels *spanLabels
}

// spanCtx is the context.Context Start returns: the parent context's
// deadline, cancellation and values, plus the span under ctxKey. It is an
// allocation of its own, apart from the span, so that a finished span
// waiting for export does not keep the caller's context (and everything its
// values reach) alive.
type spanCtx struct {
	context.Context
	span *Span
}

// Value returns the span for ctxKey and asks the parent for anything else.
func (c *spanCtx) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return c.span
	}
	return c.Context.Value(key)
}

// String names the context as the context package's own types do.
func (c *spanCtx) String() string {
	c.span.mu.Lock()
	name := c.span.name // SetName may run at the same time
	c.span.mu.Unlock()
	return fmt.Sprintf("%v.WithSpan(%s)", c.Context, name)
}

// SetName changes the span's name (its operation name).
func (s *Span) SetName(name string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.finished {
		s.name = s.cleanLocked(name, maxNameLen)
	}
	s.mu.Unlock()
}

// SetResource changes the span's resource.
func (s *Span) SetResource(resource string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.finished {
		s.resource = s.cleanLocked(resource, maxResourceLen)
		s.relabelEndpointLocked()
	}
	s.mu.Unlock()
}

// SetBaggageItem sets a baggage item, which travels with this span's context
// to its children and, through propagation, to other services.
//
// A span holds what propagation can carry: at most 64 items and 8,192 bytes
// of keys and values, the W3C baggage limits (maxBaggageMembers,
// maxBaggageBytes). An item that would take the baggage past either limit
// is not set.
func (s *Span) SetBaggageItem(key, value string) {
	if s == nil || key == "" {
		return
	}
	s.mu.Lock()
	if !s.finished {
		// The list is shared with children and contexts, never written:
		// setKV copies it, and its limits keep the copy small.
		s.baggage, _ = setKV(s.baggage, key, value, maxBaggageMembers, maxBaggageBytes)
	}
	s.mu.Unlock()
}

// BaggageItem returns the baggage item key, or "".
func (s *Span) BaggageItem(key string) string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	v, _ := lookupKV(s.baggage, key)
	s.mu.Unlock()
	return v
}

// Context returns the span's SpanContext, for propagation or ChildOf.
func (s *Span) Context() SpanContext {
	if s == nil {
		return SpanContext{}
	}
	s.mu.Lock()
	sc := SpanContext{traceID: s.traceID, spanID: s.spanID, baggage: s.baggage, span: s}
	s.mu.Unlock()
	ts := s.trace
	ts.mu.Lock()
	sc.priority, sc.hasPriority = ts.priority, ts.hasPriority
	sc.origin, sc.tags, sc.w3c = ts.origin, ts.tags, ts.w3c
	ts.mu.Unlock()
	return sc
}

// TraceID returns the span's trace id.
func (s *Span) TraceID() TraceID {
	if s == nil {
		return TraceID{}
	}
	return s.traceID // never written after newSpan
}

// SpanID returns the span's id.
func (s *Span) SpanID() uint64 {
	if s == nil {
		return 0
	}
	return s.spanID // never written after newSpan
}

// ParentID returns the parent's span id, or 0 for a root.
func (s *Span) ParentID() uint64 {
	if s == nil {
		return 0
	}
	return s.parentID // never written after newSpan
}

// StartTime returns when the span started.
func (s *Span) StartTime() time.Time {
	if s == nil {
		return time.Time{}
	}
	return s.start // never written after newSpan
}

// Root returns the local root of the span's trace: the span itself for a
// root, or the first span of the trace in this process.
func (s *Span) Root() *Span {
	if s == nil {
		return nil
	}
	return s.trace.root()
}

// SetPropagatedTag sets a trace-level tag that travels with the trace to
// other services (Datadog's _dd.p.* tags, in x-datadog-tags and in the
// tracestate's dd= member), such as _dd.p.usr.id. Keys outside _dd.p.* are
// refused, as Datadog's headers would not carry them, and so is a tag that
// would take the trace's propagated tags past 64 tags or 512 bytes of keys
// and values, more than x-datadog-tags can hold.
func (s *Span) SetPropagatedTag(key, value string) {
	if s == nil || !strings.HasPrefix(key, ddTagPrefix) || key == tagTraceIDHigh || key == tagDecisionMaker {
		return
	}
	ts := s.trace
	ts.mu.Lock()
	ts.tags, _ = setKV(ts.tags, key, value, maxPropagatedTags, defaultTagsHeaderMax)
	ts.mu.Unlock()
}

// IsFinished reports whether Finish was called.
func (s *Span) IsFinished() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finished
}

// Name returns the span's current name.
func (s *Span) Name() string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

// Keep marks the trace for keeping (PriorityUserKeep), a decision no
// sampler overrides.
func (s *Span) Keep() {
	if s != nil {
		s.trace.setPriority(PriorityUserKeep, mechanismManual)
	}
}

// Drop marks the trace for dropping (PriorityUserReject), a decision no
// sampler overrides.
func (s *Span) Drop() {
	if s != nil {
		s.trace.setPriority(PriorityUserReject, mechanismManual)
	}
}

// Finish ends the span. The first call freezes it and hands its Snapshot to
// the export pipeline; later calls, and every setter after it, do nothing.
func (s *Span) Finish(opts ...FinishOption) {
	if s == nil {
		return
	}
	var cfg finishConfig
	cfg.apply(opts)
	s.finish(cfg, 2)
}

// finish is Finish with its options applied; skip counts the tracer's frames
// above it, for the error stack.
func (s *Span) finish(cfg finishConfig, skip int) {
	// Take the end time before anything else, so options and locks do not
	// lengthen the span.
	var d time.Duration
	if cfg.end.IsZero() {
		d = time.Since(s.start)
	} else {
		d = cfg.end.Sub(s.start)
	}
	var info errorInfo
	if cfg.err != nil {
		depth := s.tracer.cfg.stackDepth
		if cfg.stackSet {
			depth = cfg.stackDepth
		}
		info = describeError(cfg.err, depth, skip+cfg.stackSkip)
	}
	s.mu.Lock()
	if s.finished {
		s.mu.Unlock()
		return
	}
	if cfg.err != nil {
		s.setErrorLocked(info)
	}
	s.applyPeerServiceLocked()
	s.duration = max(d, 0)
	s.finished = true
	labels := s.labels
	s.labels = nil // a finished span pins no label sets
	s.size = int32(min(s.pinnedLocked(), math.MaxInt32/4))
	s.mu.Unlock()
	if labels != nil {
		// Set back the labels of before the span, so that later samples
		// are not charged to it.
		pprof.SetGoroutineLabels(&labels.restore)
	}
	if s.task != nil {
		s.task.End()
	}
	s.tracer.stats.finished.add(s.spanID)
	s.trace.finish(s)
	if f := s.tracer.cfg.onFinish; f != nil {
		f(s) // a mocktracer's tracer only: see finish_hook.go
	}
}

// String describes the span for debugging.
func (s *Span) String() string {
	if s == nil {
		return "<nil span>"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("span %q trace=%s id=%d parent=%d", s.name, s.traceID, s.spanID, s.parentID)
}
