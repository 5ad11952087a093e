package trace

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"reflect"
	rtrace "runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctxtrace/trace/internal/id"
)

// Tag keys with a meaning of their own, as in dd-trace-go's ext package.
const (
	// TagServiceName set with SetTag changes the span's service.
	TagServiceName = "service.name"
	// TagResourceName set with SetTag changes the span's resource.
	TagResourceName = "resource.name"
	// TagSpanType set with SetTag changes the span's type.
	TagSpanType = "span.type"
	// TagSpanName set with SetTag changes the span's name.
	TagSpanName = "span.name"
	// TagError set with SetTag marks or clears the error: an error value
	// records it as SetError does, true or any other non-nil value marks the
	// span as an error, false and nil clear the mark.
	TagError = "error"
	// TagErrorMessage, TagErrorType and TagErrorStack describe an error.
	TagErrorMessage = "error.message"
	TagErrorType    = "error.type"
	TagErrorStack   = "error.stack"
	// TagManualKeep set with SetTag to true keeps the trace (PriorityUserKeep).
	TagManualKeep = "manual.keep"
	// TagManualDrop set with SetTag to true drops the trace (PriorityUserReject).
	TagManualDrop = "manual.drop"
	// TagSamplingPriority set with SetTag to a number sets the trace's priority.
	TagSamplingPriority = "sampling.priority"
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
	links                             []Link

	// task is the span's runtime/trace task while the Go execution tracer
	// runs (see Start); nil otherwise.
	task *rtrace.Task
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

// rootSpan is a local root: the span and its trace's state in one
// allocation. Children point at their root's state and stay smaller.
type rootSpan struct {
	Span
	ts traceState
}

// newSpan builds a span under parent (which may be the zero SpanContext).
// Its Tag and Tags options are applied here, straight onto the span.
func (t *Tracer) newSpan(name string, parent SpanContext, cfg *spanConfig, opts []SpanOption) *Span {
	var s *Span
	if parent.span != nil {
		s = &Span{}
	} else {
		r := &rootSpan{}
		s = &r.Span
		s.trace = &r.ts
	}
	s.tracer = t
	s.name = s.cleanLocked(name, maxNameLen)
	s.resource = s.name
	if cfg.start.IsZero() {
		s.start = time.Now()
	} else {
		s.start = cfg.start
	}
	if cfg.spanID != 0 {
		s.spanID = cfg.spanID
	} else {
		s.spanID = id.Span()
	}

	var parentService string
	if p := parent.span; p != nil {
		// A local parent: join its in-process trace.
		p.mu.Lock()
		s.service, s.baggage = p.service, p.baggage
		parentService = p.service
		p.mu.Unlock()
		s.trace, s.traceID, s.parentID = p.trace, p.traceID, p.spanID
		s.trace.mu.Lock()
		s.trace.open++
		s.trace.mu.Unlock()
	} else {
		s.localRoot = true
		ts := s.trace
		ts.open, ts.one[0] = 1, Snapshot{s}
		s.service = t.cfg.service
		// A remote parent without ids (baggage only, or B3's "b3: 0")
		// still hands over its baggage and its decision.
		s.baggage = parent.baggage
		if parent.hasPriority {
			ts.priority, ts.hasPriority = parent.priority, true
		}
		if !parent.traceID.IsZero() {
			s.traceID, s.parentID = parent.traceID, parent.spanID
			ts.origin, ts.tags, ts.w3c = parent.origin, parent.tags, parent.w3c
		} else {
			var hi uint64
			if !t.cfg.traceID64 {
				hi = id.TraceHigh(s.start)
			}
			s.traceID = NewTraceID(hi, s.spanID)
			ts.w3c = localW3C
		}
	}
	if cfg.service != "" {
		s.service = s.cleanLocked(cfg.service, maxNameLen)
	}
	if cfg.resource != "" {
		s.resource = s.cleanLocked(cfg.resource, maxResourceLen)
	}
	if cfg.spanType != "" {
		s.spanType = s.cleanLocked(cfg.spanType, maxNameLen)
	}

	for _, g := range t.cfg.globalTags {
		s.tags.add(g.key, g.val)
	}
	if t.cfg.env != "" {
		s.setValueLocked("env", StringValue(t.cfg.env))
	}
	for i := range opts {
		switch o := &opts[i]; o.kind {
		case optTag:
			if rv, ok := sliceOf(o.val); ok {
				s.setSlice(o.str, rv, false)
			} else {
				s.setTagLocked(o.str, toValue(o.val), o.val)
			}
		case optLinks:
			links, _ := o.val.([]Link)
			for _, l := range links {
				s.addLinkLocked(l)
			}
		case optTags:
			m, _ := o.val.(map[string]any)
			for _, k := range slices.Sorted(maps.Keys(m)) {
				s.setTagLocked(k, toValue(m[k]), m[k])
			}
		}
	}
	if m := t.cfg.serviceMapping; m != nil {
		if to, ok := m[s.service]; ok {
			s.service = s.cleanLocked(to, maxNameLen)
		}
	}
	// version goes on spans of the tracer's own service, judged after the
	// start options (a service.name tag among them), as dd-trace-go does,
	// unless a tag set it already.
	if t.cfg.version != "" && s.service == t.cfg.service {
		if _, set := s.tags.get("version"); !set {
			s.setValueLocked("version", StringValue(t.cfg.version))
		}
	}
	if s.localRoot && parent.ddParent != 0 {
		s.setValueLocked(tagParentID, StringValue(hex16(parent.ddParent)))
	}
	if x := parent.extracted; x != nil && s.localRoot {
		if x.propError != "" {
			s.setValueLocked(tagPropagationError, StringValue(x.propError))
		}
		for _, l := range x.links {
			s.addLinkLocked(l)
		}
	}
	// As in dd-trace-go, a span enters its service if its service differs
	// from its local parent's when it starts, tags included.
	s.topLevel = s.localRoot || s.service != parentService
	if s.localRoot && !s.trace.hasPriority {
		d := t.cfg.sampler.Sample(SamplingParams{
			TraceID: s.traceID, Name: s.name, Service: s.service,
			Resource: s.resource, Type: s.spanType, span: s,
		})
		s.applyDecisionLocked(d)
	}
	t.stats.started.add(s.spanID)
	if t.cfg.onStart != nil {
		t.cfg.onStart(s)
	}
	return s
}

// applyDecisionLocked records a sampler's decision on a local root.
func (s *Span) applyDecisionLocked(d Decision) {
	switch d.Mechanism {
	case MechanismAgentRate:
		s.setValueLocked("_dd.agent_psr", NumberValue(d.Rate))
	case MechanismRule:
		s.setValueLocked("_dd.rule_psr", NumberValue(d.Rate))
	}
	if d.Limited {
		s.setValueLocked("_dd.limit_psr", NumberValue(d.LimitRate))
	}
	s.trace.setPriority(d.Priority, d.Mechanism)
}

// SetTag sets the tag key to value, replacing any value it had.
//
// Values are stored as dd-trace-go stores them: strings as text; bools as
// "true" or "false"; numbers as numbers, except integers beyond ±2^53,
// which lose precision as float64 and are kept as decimal text; []byte,
// fmt.Stringer and error values as their text; a slice or an array as one
// tag per element, named key.0, key.1 and so on; anything else as fmt.Sprint
// formats it. Some keys have a meaning of their own (see TagServiceName and
// the constants after it). Keys longer than the tracer's limit are cut,
// values too; once a span holds the maximum number of tags, new keys are
// dropped and counted in Stats.
func (s *Span) SetTag(key string, value any) {
	if s == nil {
		return
	}
	// Everything that runs the caller's code (String and Error methods)
	// runs before the lock: that code may call back into the span.
	if key == TagError {
		if err, ok := value.(error); ok {
			info := describeError(err, s.tracer.cfg.stackDepth, 1)
			s.mu.Lock()
			if !s.finished {
				s.setErrorLocked(info)
			}
			s.mu.Unlock()
			return
		}
	}
	if rv, ok := sliceOf(value); ok {
		s.setSlice(key, rv, true)
		return
	}
	v := toValue(value)
	s.mu.Lock()
	if !s.finished {
		s.setTagLocked(key, v, value)
	}
	s.mu.Unlock()
}

// setSlice sets one tag per element, key.0, key.1..., as dd-trace-go does
// with slices, up to the tracer's tag limit. locked says whether each store
// must take the span's lock (false while newSpan builds the span).
func (s *Span) setSlice(key string, rv reflect.Value, locked bool) {
	n := min(rv.Len(), s.tracer.cfg.limits.Tags)
	for i := range n {
		k := key + "." + strconv.Itoa(i)
		elem := rv.Index(i).Interface()
		v := toValue(elem) // a nested slice is text, as in dd-trace-go
		if !locked {
			s.setTagLocked(k, v, elem)
			continue
		}
		s.mu.Lock()
		if !s.finished {
			s.setTagLocked(k, v, elem)
		}
		s.mu.Unlock()
	}
}

// SetTags sets each tag in tags, as SetTag does.
func (s *Span) SetTags(tags iter.Seq2[string, any]) {
	if s == nil || tags == nil {
		return
	}
	for k, v := range tags {
		s.SetTag(k, v)
	}
}

// setTagLocked handles the special keys, then stores the tag. raw is the
// value as given, for the keys whose meaning depends on its type.
func (s *Span) setTagLocked(key string, v Value, raw any) {
	switch key {
	case TagServiceName:
		s.service = s.cleanLocked(v.String(), maxNameLen)
		return
	case TagResourceName:
		s.resource = s.cleanLocked(v.String(), maxResourceLen)
		return
	case TagSpanType:
		s.spanType = s.cleanLocked(v.String(), maxNameLen)
		return
	case TagSpanName:
		s.name = s.cleanLocked(v.String(), maxNameLen)
		return
	case TagError:
		switch e := raw.(type) {
		case nil:
			s.errored = false
		case bool:
			s.errored = e
		case error: // from a Tag option: newSpan holds no lock yet
			s.setErrorLocked(describeError(e, s.tracer.cfg.stackDepth, 3))
		default:
			// Marked, with no message: dd-trace-go does the same.
			s.errored = true
		}
		return
	case TagManualKeep, TagManualDrop:
		if b, ok := raw.(bool); ok && !b {
			return
		}
		p := PriorityUserKeep
		if key == TagManualDrop {
			p = PriorityUserReject
		}
		s.trace.setPriority(p, MechanismManual)
		return
	case TagSamplingPriority:
		// Only an integer that a Priority holds is a priority: anything
		// else is ignored, not wrapped (256 would become 0, a drop). An
		// out-of-range conversion gives some int8, never equal to v.num.
		if p := Priority(v.num); v.isNum() && float64(p) == v.num {
			s.trace.setPriority(p, MechanismManual)
		}
		return
	}
	s.setValueLocked(key, v)
}

// setValueLocked stores a tag, enforcing the tracer's limits.
func (s *Span) setValueLocked(key string, v Value) {
	if key == "" {
		s.tracer.stats.tagsDropped.Add(1)
		return
	}
	lim := &s.tracer.cfg.limits
	key, cutKey := clean(key, lim.KeyLength)
	cutVal := false
	if !v.isNum() {
		v.str, cutVal = clean(v.str, lim.ValueLength)
	}
	switch {
	case !s.tags.set(key, v, lim.Tags):
		s.tracer.stats.tagsDropped.Add(1) // dropped, whether cut or not
	case cutKey || cutVal:
		s.tracer.stats.tagsTruncated.Add(1)
	}
}

func (s *Span) cleanLocked(str string, max int) string {
	out, cut := clean(str, max)
	if cut {
		s.tracer.stats.tagsTruncated.Add(1)
	}
	return out
}

// SetError marks the span as an error and records err's message, its type
// and the stack of the caller. A nil err does nothing.
func (s *Span) SetError(err error) {
	if s == nil || err == nil {
		return
	}
	info := describeError(err, s.tracer.cfg.stackDepth, 1)
	s.mu.Lock()
	if !s.finished {
		s.setErrorLocked(info)
	}
	s.mu.Unlock()
}

// errorInfo is what the error tags say about an error or a panic.
type errorInfo struct{ msg, typ, stack string }

// describeError describes err, calling its Error method, so it must run
// without the span's lock. depth is the number of stack frames to keep (0:
// none) and skip the number of the tracer's own frames between it and the
// user's code, which the stack leaves out.
func describeError(err error, depth, skip int) errorInfo {
	e := errorInfo{msg: textOf(err), typ: errorType(err)}
	if depth > 0 {
		e.stack = stack(skip+1, depth)
	}
	return e
}

// describePanic describes a recovered panic value.
func describePanic(r any, stack string) errorInfo {
	e := errorInfo{msg: "panic: " + textOf(r), stack: stack}
	if err, ok := r.(error); ok {
		e.typ = errorType(err)
	} else {
		e.typ = fmt.Sprintf("%T", r)
	}
	return e
}

// setErrorLocked marks the span as an error and records e's tags.
func (s *Span) setErrorLocked(e errorInfo) {
	s.errored = true
	s.setValueLocked(TagErrorMessage, StringValue(e.msg))
	s.setValueLocked(TagErrorType, StringValue(e.typ))
	if e.stack != "" {
		s.setValueLocked(TagErrorStack, StringValue(e.stack))
	}
}

// errorType names err's dynamic type, as dd-trace-go does
// ("*errors.errorString", "*fs.PathError").
func errorType(err error) string {
	return reflect.TypeOf(err).String()
}

// recordPanic marks the span with a recovered panic value and its stack.
func (s *Span) recordPanic(r any, stack string) {
	info := describePanic(r, stack)
	s.mu.Lock()
	if !s.finished {
		s.setErrorLocked(info)
	}
	s.mu.Unlock()
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
// would take the trace's propagated tags past maxPropagatedTags or past
// DefaultTagsHeaderMax bytes of keys and values, more than x-datadog-tags
// can hold.
func (s *Span) SetPropagatedTag(key, value string) {
	if s == nil || !strings.HasPrefix(key, ddTagPrefix) || key == tagTraceIDHigh || key == tagDecisionMaker {
		return
	}
	ts := s.trace
	ts.mu.Lock()
	ts.tags, _ = setKV(ts.tags, key, value, maxPropagatedTags, DefaultTagsHeaderMax)
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
		s.trace.setPriority(PriorityUserKeep, MechanismManual)
	}
}

// Drop marks the trace for dropping (PriorityUserReject), a decision no
// sampler overrides.
func (s *Span) Drop() {
	if s != nil {
		s.trace.setPriority(PriorityUserReject, MechanismManual)
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
	s.duration = max(d, 0)
	s.finished = true
	s.size = int32(min(s.pinnedLocked(), math.MaxInt32))
	s.mu.Unlock()
	if s.task != nil {
		s.task.End()
	}
	s.tracer.stats.finished.add(s.spanID)
	s.trace.finish(s)
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

// errNilFunc is returned by Do when it is given no function.
var errNilFunc = errors.New("trace: Do called with a nil function")
