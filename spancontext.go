package trace

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"iter"
	"maps"
	"slices"
	"strconv"
)

// TraceID is a 128-bit trace identifier. Datadog's 64-bit systems see only
// its lower half; the upper half travels as the propagated tag _dd.p.tid.
type TraceID [16]byte

// NewTraceID returns the TraceID with the given upper and lower halves.
func NewTraceID(upper, lower uint64) TraceID {
	var t TraceID
	binary.BigEndian.PutUint64(t[:8], upper)
	binary.BigEndian.PutUint64(t[8:], lower)
	return t
}

// ParseTraceID parses 32 hexadecimal digits (either case), or 16 for a
// 64-bit id whose upper half is zero. The all-zero id is rejected.
func ParseTraceID(s string) (TraceID, error) {
	var t TraceID
	var err error
	switch len(s) {
	case 32:
		_, err = hex.Decode(t[:], []byte(s))
	case 16:
		_, err = hex.Decode(t[8:], []byte(s))
	default:
		return TraceID{}, errors.New("trace: a trace id has 16 or 32 hex digits")
	}
	if err != nil {
		return TraceID{}, errors.New("trace: a trace id is hexadecimal")
	}
	if t.IsZero() {
		return TraceID{}, errors.New("trace: the trace id is zero")
	}
	return t, nil
}

// Upper returns the upper 64 bits.
func (t TraceID) Upper() uint64 { return binary.BigEndian.Uint64(t[:8]) }

// Lower returns the lower 64 bits: what Datadog's 64-bit fields carry.
func (t TraceID) Lower() uint64 { return binary.BigEndian.Uint64(t[8:]) }

// IsZero reports whether t is the invalid all-zero id.
func (t TraceID) IsZero() bool { return t == TraceID{} }

// String returns the id as 32 lowercase hexadecimal digits.
func (t TraceID) String() string { return hex.EncodeToString(t[:]) }

// SpanContext is the part of a span that crosses process boundaries: the
// ids, the sampling decision, the origin, the propagated trace tags and the
// baggage. It is an immutable value; the zero SpanContext is invalid.
type SpanContext struct {
	traceID     TraceID
	spanID      uint64
	priority    Priority
	hasPriority bool
	remote      bool
	origin      string
	tags        kvs // propagated trace tags (_dd.p.*)
	baggage     kvs
	w3c         *w3cState  // what a W3C traceparent brought, or the local trace's
	extracted   *extracted // links and errors extraction leaves for the local root
	ddParent    uint64     // the last Datadog span upstream (_dd.parent_id), if a W3C hop came between

	// span is the live span this context was taken from, when it is local:
	// starting a child of it joins that span's in-process trace.
	span *Span
}

type kv struct{ k, v string }

// w3cState is the W3C part of a trace, fixed when the trace starts: the
// other vendors' tracestate members, kept in order to pass them on, and
// whether the trace id's right half is random (the Level 2 flag).
type w3cState struct {
	others []kv
	random bool
}

// localW3C is the state of traces that start here: their ids' right
// halves are random (see internal/id), and no vendor spoke before us.
var localW3C = w3cRandom

// The states of W3C contexts without other vendors' members, shared.
var (
	w3cRandom = &w3cState{random: true}
	w3cPlain  = &w3cState{}
)

// extracted is what extraction records for the local root of the trace
// it continues: links to contexts of other traces found beside the
// chosen one, and the propagation error (_dd.propagation_error), if any.
type extracted struct {
	links     []Link
	propError string
}

// kvs is an immutable list of pairs, shared by every context and span that
// carries it and replaced, never written, when it changes. A pointer keeps
// the structs that hold one small; nil is the empty list.
type kvs = *[]kv

// SpanContextConfig holds the fields of a SpanContext made by hand, usually
// by a custom propagator.
type SpanContextConfig struct {
	TraceID     TraceID
	SpanID      uint64
	Priority    Priority
	HasPriority bool // whether Priority was decided upstream
	Origin      string
	Tags        map[string]string // propagated trace tags, such as _dd.p.dm
	Baggage     map[string]string
	Remote      bool // whether the context came from another process
}

// NewSpanContext returns a SpanContext built from cfg.
func NewSpanContext(cfg SpanContextConfig) SpanContext {
	sc := SpanContext{
		traceID:     cfg.TraceID,
		spanID:      cfg.SpanID,
		priority:    cfg.Priority,
		hasPriority: cfg.HasPriority,
		origin:      cfg.Origin,
		remote:      cfg.Remote,
	}
	tags := cfg.Tags
	if tid, ok := cfg.Tags["_dd.p.tid"]; ok {
		// The upper half of the trace id travels as a tag in Datadog's
		// headers; in a SpanContext it is part of the id.
		if hi, err := strconv.ParseUint(tid, 16, 64); err == nil && len(tid) == 16 && sc.traceID.Upper() == 0 {
			sc.traceID = NewTraceID(hi, sc.traceID.Lower())
		}
		tags = maps.Clone(tags)
		delete(tags, "_dd.p.tid")
	}
	sc.tags, sc.baggage = kvsOf(tags), kvsOf(cfg.Baggage)
	return sc
}

// IsValid reports whether both ids are non-zero.
func (sc SpanContext) IsValid() bool { return !sc.traceID.IsZero() && sc.spanID != 0 }

// usable reports whether sc carries anything a new span can inherit: a
// trace id (a synthetic test's first request has no parent id), or without
// one baggage or an upstream sampling decision (B3's "b3: 0").
func (sc SpanContext) usable() bool {
	return !sc.traceID.IsZero() || sc.baggage != nil || sc.hasPriority
}

// IsRemote reports whether the context was extracted from another process.
func (sc SpanContext) IsRemote() bool { return sc.remote }

// TraceID returns the 128-bit trace id.
func (sc SpanContext) TraceID() TraceID { return sc.traceID }

// SpanID returns the span id.
func (sc SpanContext) SpanID() uint64 { return sc.spanID }

// Priority returns the trace's sampling priority, and false if none was
// decided yet.
func (sc SpanContext) Priority() (Priority, bool) { return sc.priority, sc.hasPriority }

// Origin returns where the trace began when it was not in a traced service
// (for example "synthetics"), or "".
func (sc SpanContext) Origin() string { return sc.origin }

// Tags returns the propagated trace tags (Datadog's _dd.p.*).
func (sc SpanContext) Tags() iter.Seq2[string, string] { return seqKV(sc.tags) }

// Tag returns the propagated trace tag key.
func (sc SpanContext) Tag(key string) (string, bool) { return lookupKV(sc.tags, key) }

// Baggage returns the baggage items.
func (sc SpanContext) Baggage() iter.Seq2[string, string] { return seqKV(sc.baggage) }

// BaggageItem returns the baggage item key.
func (sc SpanContext) BaggageItem(key string) (string, bool) { return lookupKV(sc.baggage, key) }

// Links returns the links extraction recorded beside the context it chose
// (contexts of other traces found in the same carrier); the span started
// from this context carries them. Each Link is a copy.
func (sc SpanContext) Links() iter.Seq[Link] {
	return func(yield func(Link) bool) {
		if sc.extracted == nil {
			return
		}
		for _, l := range sc.extracted.links {
			l.Attributes = maps.Clone(l.Attributes)
			if !yield(l) {
				return
			}
		}
	}
}

// kvsOf returns the pairs of m sorted by key, or nil if m is empty.
func kvsOf(m map[string]string) kvs {
	if len(m) == 0 {
		return nil
	}
	s := make([]kv, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s = append(s, kv{k, m[k]})
	}
	return &s
}

func seqKV(s kvs) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if s == nil {
			return
		}
		for _, e := range *s {
			if !yield(e.k, e.v) {
				return
			}
		}
	}
}

func lookupKV(s kvs, key string) (string, bool) {
	if s == nil {
		return "", false
	}
	for _, e := range *s {
		if e.k == key {
			return e.v, true
		}
	}
	return "", false
}

// withKV returns a copy of s with key set to v (or removed when del is
// true). s itself is never written, so contexts that share it stay intact.
func withKV(s kvs, key, v string, del bool) kvs {
	var old []kv
	if s != nil {
		old = *s
	}
	out := make([]kv, 0, len(old)+1)
	for _, e := range old {
		if e.k != key {
			out = append(out, e)
		}
	}
	if !del {
		out = append(out, kv{key, v})
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// setKV returns s with key set to v, as withKV does, unless that would
// take the list past maxItems pairs or maxBytes bytes of keys and values:
// then it returns s and false. A change that does not grow a measure past
// its limit is always made, so a list inherited over the limits can still
// be updated. Each call copies s once; the limits bound that copy, so a
// span given thousands of items costs time linear in their number.
func setKV(s kvs, key, v string, maxItems, maxBytes int) (kvs, bool) {
	items, size, old := 0, 0, -1
	if s != nil {
		for _, e := range *s {
			items++
			size += len(e.k) + len(e.v)
			if e.k == key {
				old = len(e.v)
			}
		}
	}
	after := size + len(v)
	if old >= 0 {
		after -= old
	} else {
		after += len(key)
		if items >= maxItems {
			return s, false
		}
	}
	if after > maxBytes && after > size {
		return s, false
	}
	return withKV(s, key, v, false), true
}

// ctxKey is the context key under which the active span (*Span) or a remote
// parent (SpanContext) travels. One key for both, so the innermost wins.
type ctxKey struct{}

// ContextWithSpan returns a copy of ctx that carries span as the active span.
// A nil span returns ctx unchanged.
func ContextWithSpan(ctx context.Context, span *Span) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if span == nil {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, span)
}

// ContextWithSpanContext returns a copy of ctx that carries sc as the parent
// of the next span started from it: this is how an extracted remote context
// continues a trace. A context without ids that carries baggage or a
// sampling decision starts a new trace that inherits them; an empty one
// returns ctx unchanged.
func ContextWithSpanContext(ctx context.Context, sc SpanContext) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if !sc.usable() {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, sc)
}

// SpanFromContext returns the active span in ctx, or nil. A nil *Span is
// safe to use: every method does nothing.
func SpanFromContext(ctx context.Context) *Span {
	if ctx == nil {
		return nil
	}
	if c, ok := ctx.(*spanCtx); ok {
		return c.span
	}
	s, _ := ctx.Value(ctxKey{}).(*Span)
	return s
}

// SpanContextFromContext returns the context of the active span in ctx, or
// the remote parent stored by ContextWithSpanContext; the zero SpanContext
// when there is neither.
func SpanContextFromContext(ctx context.Context) SpanContext {
	if ctx == nil {
		return SpanContext{}
	}
	switch v := ctx.Value(ctxKey{}).(type) {
	case *Span:
		return v.Context()
	case SpanContext:
		return v
	}
	return SpanContext{}
}
