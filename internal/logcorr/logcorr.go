// Package logcorr joins log records to traces as Datadog's log
// correlation expects, for every integration that does it: the root
// package's trace.LogHandler, contrib/log/slog and contrib/sirupsen/logrus.
// It holds the one rule for writing dd.trace_id and the one log/slog
// handler that adds the dd.* attributes at the top level of a record,
// whatever groups the logger has opened.
package logcorr

import (
	"context"
	"log/slog"
	"slices"
	"strconv"

	"github.com/ctxtrace/trace/internal/env"
)

// Log keys, as dd-trace-go's ext.LogKey* name them.
const (
	KeyTraceID = "dd.trace_id"
	KeySpanID  = "dd.span_id"
	KeyService = "dd.service"
	KeyEnv     = "dd.env"
	KeyVersion = "dd.version"
)

// TraceID128 reports DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED: whether a
// trace id with an upper half is logged whole, in hex. It defaults to
// true, as in dd-trace-go v1.74.8; a malformed value is the default.
func TraceID128() bool {
	on, _ := env.Bool("DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", true)
	return on
}

// TraceID is dd.trace_id's value for the trace id upper:lower, by
// dd-trace-go's rule (DataDog/dd-trace-go#1746, Span.Format): the whole
// id as 32 lowercase hex digits when hex128 is set and the id has an
// upper half; otherwise the lower 64 bits in decimal, as 64-bit trace ids
// have always been logged.
func TraceID(upper, lower uint64, hex128 bool) string {
	if !hex128 || upper == 0 {
		return strconv.FormatUint(lower, 10)
	}
	const digits = "0123456789abcdef"
	var b [32]byte
	for i := 15; i >= 0; i-- {
		b[i], b[16+i] = digits[upper&0xf], digits[lower&0xf]
		upper, lower = upper>>4, lower>>4
	}
	return string(b[:])
}

// SpanID is dd.span_id's value: the span id in decimal.
func SpanID(id uint64) string { return strconv.FormatUint(id, 10) }

// Fields are what joins a record to its trace. The strings are written
// when not empty.
type Fields struct {
	TraceIDUpper, TraceIDLower uint64
	SpanID                     uint64
	Service, Env, Version      string
}

// Lookup returns the fields of the span in ctx, and false when ctx has
// none. It returns them by value, so that a record without a span costs
// no allocation.
type Lookup func(ctx context.Context) (Fields, bool)

// NewHandler wraps next so that every record logged with a context for
// which lookup finds a span carries the span's fields at the top level:
// dd.trace_id (hex128 chooses its form, see TraceID), dd.span_id, and
// dd.service, dd.env and dd.version when not empty. Records without a
// span pass through untouched.
func NewHandler(next slog.Handler, lookup Lookup, hex128 bool) slog.Handler {
	return handler{next: next, lookup: lookup, hex128: hex128}
}

// handler joins records to traces. Datadog reads dd.* at the top level
// of a log, so once a group is open (WithGroup) the attributes cannot
// simply be added to the record, which would put them inside the group.
// The handler then keeps base, next as it was before the first group, and
// ops, what was applied since, and for a record with a span hands base a
// record whose attributes are dd.* followed by the groups as group
// attributes, each holding the attributes given after it and, innermost,
// the record's own. Without groups, the common case, it adds the
// attributes to the record and nothing else.
//
// Both costs are linear: WithAttrs and WithGroup add one link to ops
// without copying it, and a record's attributes are gathered in one walk
// over ops. Replaying the calls on base for every record instead, as
// base.WithAttrs(dd).WithGroup(g).WithAttrs(a)..., would cost each record
// time and memory quadratic in the attributes, since a handler such as
// slog.JSONHandler copies what it holds on each WithAttrs.
type handler struct {
	next   slog.Handler
	base   slog.Handler // next before the first WithGroup; nil while none
	ops    *op          // the last call since the first WithGroup; nil while none
	lookup Lookup
	hex128 bool
}

// op is a WithGroup (group set) or WithAttrs call made after a group,
// linked to the call before it. It is never written once made, so that
// handlers derived from one another share their calls.
type op struct {
	group string
	attrs []slog.Attr
	prev  *op
}

func (h handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	f, ok := h.lookup(ctx)
	if !ok {
		return h.next.Handle(ctx, r)
	}
	var buf [5]slog.Attr
	dd := f.attrs(buf[:0], h.hex128)
	if h.base == nil {
		r = r.Clone() // the record may be shared with other handlers
		r.AddAttrs(dd...)
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(dd...)
	out.AddAttrs(h.grouped(r)...)
	return h.base.Handle(ctx, out)
}

// attrs appends the dd.* attributes of f to dst. The ids are strings, as
// Datadog's tracers write them, since JSON numbers above 2^53 lose
// precision in many log pipelines.
func (f Fields) attrs(dst []slog.Attr, hex128 bool) []slog.Attr {
	dst = append(dst,
		slog.String(KeyTraceID, TraceID(f.TraceIDUpper, f.TraceIDLower, hex128)),
		slog.String(KeySpanID, SpanID(f.SpanID)))
	for _, a := range [...]struct{ k, v string }{{KeyService, f.Service}, {KeyEnv, f.Env}, {KeyVersion, f.Version}} {
		if a.v != "" {
			dst = append(dst, slog.String(a.k, a.v))
		}
	}
	return dst
}

// grouped returns r's attributes inside the groups of h.ops, with the
// attributes given after each group: what base.WithGroup(g).WithAttrs(a)
// and so on would make of them.
func (h handler) grouped(r slog.Record) []slog.Attr {
	inner := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		inner = append(inner, a)
		return true
	})
	// Walk from the last call to the first: the attributes of a group's
	// WithAttrs calls are gathered, last first, until the group itself
	// closes them, with what is inside, into one group attribute.
	var buf [4][]slog.Attr
	pending, n := buf[:0], 0
	for o := h.ops; o != nil; o = o.prev {
		if o.group == "" {
			pending = append(pending, o.attrs)
			n += len(o.attrs)
			continue
		}
		content := make([]slog.Attr, 0, n+len(inner))
		for i := len(pending) - 1; i >= 0; i-- {
			content = append(content, pending[i]...)
		}
		content = append(content, inner...)
		inner = []slog.Attr{{Key: o.group, Value: slog.GroupValue(content...)}}
		pending, n = pending[:0], 0
	}
	return inner // the first call is a group: nothing is left pending
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	out := h
	out.next = h.next.WithAttrs(attrs)
	if h.base != nil {
		out.ops = &op{attrs: slices.Clone(attrs), prev: h.ops}
	}
	return out
}

func (h handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	out := h
	out.next = h.next.WithGroup(name)
	if out.base == nil {
		out.base = h.next
	}
	out.ops = &op{group: name, prev: h.ops}
	return out
}
