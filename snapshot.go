package trace

import (
	"fmt"
	"iter"
	"maps"
	"time"
)

// Snapshot is the immutable record of a finished span. It is a small value
// that shares the frozen span's storage: Finish guarantees nothing writes to
// the span again, so copying a Snapshot is cheap and sharing one across
// goroutines is safe. The zero Snapshot reads as empty.
type Snapshot struct{ s *Span }

// Name returns the span's name (Datadog's operation name).
func (x Snapshot) Name() string {
	if x.s == nil {
		return ""
	}
	return x.s.name
}

// Service returns the service the span belongs to.
func (x Snapshot) Service() string {
	if x.s == nil {
		return ""
	}
	return x.s.service
}

// Resource returns what the span acted on, such as "GET /posts" or a query.
// It defaults to the name.
func (x Snapshot) Resource() string {
	if x.s == nil {
		return ""
	}
	return x.s.resource
}

// Type returns the span's type, such as "web", "sql" or "http", or "".
func (x Snapshot) Type() string {
	if x.s == nil {
		return ""
	}
	return x.s.spanType
}

// TraceID returns the 128-bit trace id.
func (x Snapshot) TraceID() TraceID {
	if x.s == nil {
		return TraceID{}
	}
	return x.s.traceID
}

// SpanID returns the span id.
func (x Snapshot) SpanID() uint64 {
	if x.s == nil {
		return 0
	}
	return x.s.spanID
}

// ParentID returns the parent's span id, or 0 for a root.
func (x Snapshot) ParentID() uint64 {
	if x.s == nil {
		return 0
	}
	return x.s.parentID
}

// IsLocalRoot reports whether the span had no parent in this process: the
// root of the trace or the first span after a remote parent.
func (x Snapshot) IsLocalRoot() bool { return x.s != nil && x.s.localRoot }

// IsTopLevel reports whether the span is where its service is entered: a
// local root, or a span whose service differed from its local parent's when
// it started. Datadog computes its per-service statistics on these spans.
func (x Snapshot) IsTopLevel() bool { return x.s != nil && x.s.topLevel }

// BaseService returns the service of the tracer that recorded the span,
// which differs from Service when the span named another (Datadog's
// _dd.base_service).
func (x Snapshot) BaseService() string {
	if x.s == nil {
		return ""
	}
	return x.s.tracer.cfg.service
}

// Start returns when the span started.
func (x Snapshot) Start() time.Time {
	if x.s == nil {
		return time.Time{}
	}
	return x.s.start
}

// Duration returns how long the span lasted; never negative.
func (x Snapshot) Duration() time.Duration {
	if x.s == nil {
		return 0
	}
	return x.s.duration
}

// End returns Start plus Duration.
func (x Snapshot) End() time.Time { return x.Start().Add(x.Duration()) }

// IsError reports whether the span was marked as an error.
func (x Snapshot) IsError() bool { return x.s != nil && x.s.errored }

// Tags returns every tag, strings and numbers, in the order they were first
// set.
func (x Snapshot) Tags() iter.Seq2[string, Value] {
	if x.s == nil {
		return func(func(string, Value) bool) {}
	}
	return x.s.tags.all()
}

// Tag returns the tag key.
func (x Snapshot) Tag(key string) (Value, bool) {
	if x.s == nil {
		return Value{}, false
	}
	return x.s.tags.get(key)
}

// TagAt returns the i-th tag, 0 <= i < NumTags(), in the order Tags
// yields them. It is Tags without the iterator, for exporters that count
// their allocations.
func (x Snapshot) TagAt(i int) (string, Value) {
	t := x.s.tags.at(i)
	return t.key, t.val
}

// NumTags returns how many tags the span has.
func (x Snapshot) NumTags() int {
	if x.s == nil {
		return 0
	}
	return x.s.tags.len()
}

// Baggage returns the baggage the span carried when it finished.
func (x Snapshot) Baggage() iter.Seq2[string, string] {
	if x.s == nil {
		return seqKV(nil)
	}
	return seqKV(x.s.baggage)
}

// String describes the snapshot on one line, for debugging and test failures.
func (x Snapshot) String() string {
	if x.s == nil {
		return "<empty snapshot>"
	}
	return fmt.Sprintf("%s %q service=%q resource=%q id=%d parent=%d duration=%s error=%t",
		x.s.traceID, x.s.name, x.s.service, x.s.resource, x.s.spanID, x.s.parentID, x.s.duration, x.s.errored)
}

// NumLinks returns how many links the span has.
func (x Snapshot) NumLinks() int {
	if x.s == nil {
		return 0
	}
	return len(x.s.linkList())
}

// LinkAt returns the i-th link, 0 <= i < NumLinks(). Its Attributes map is
// a copy: changing it changes nothing in the snapshot.
func (x Snapshot) LinkAt(i int) Link {
	l := x.s.linkList()[i]
	l.Attributes = maps.Clone(l.Attributes)
	return l
}

// NumEvents returns how many events the span has.
func (x Snapshot) NumEvents() int {
	if x.s == nil {
		return 0
	}
	return len(x.s.eventList())
}

// EventAt returns the i-th event, 0 <= i < NumEvents(), in the order they
// were added. Its attribute values are a string, bool, int64, float64,
// []string, []bool, []int64 or []float64 (see Event); its Attributes map
// and slices are copies: changing them changes nothing in the snapshot.
func (x Snapshot) EventAt(i int) Event {
	return cloneEvent(x.s.eventList()[i])
}
