package trace

import (
	"context"
	"log/slog"
	"slices"
	"strconv"

	"github.com/ctxtrace/trace/internal/env"
)

// LogHandler wraps next so that every record logged with a context that
// carries a span is joined to its trace, as Datadog's log correlation
// expects: dd.trace_id, dd.span_id, the span's dd.service, and the tracer's
// dd.env and dd.version. Records without a span pass through untouched.
//
// As dd-trace-go writes them: dd.span_id in decimal; dd.trace_id as the
// whole 128-bit id in 32 lowercase hex digits, or, for a trace whose id has
// no upper half or when DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED is false
// (read when LogHandler is called), the lower 64 bits in decimal.
//
//	slog.SetDefault(slog.New(trace.LogHandler(slog.NewJSONHandler(os.Stdout, nil))))
//	slog.InfoContext(ctx, "charged") // {"msg":"charged","dd.trace_id":"…","dd.span_id":"…",…}
//
// It allocates nothing for records without a span; for the others, what
// the added attributes take.
func LogHandler(next slog.Handler) slog.Handler {
	on, _ := env.Bool("DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", true) // malformed: the default
	return logHandler{next: next, traceID128: on}
}

// logHandler joins records to traces. Datadog reads dd.* at the top level
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
type logHandler struct {
	next slog.Handler
	base slog.Handler // next before the first WithGroup; nil while none
	ops  *logOp       // the last call since the first WithGroup; nil while none

	traceID128 bool // dd.trace_id in 32 hex digits when the id has an upper half
}

// logOp is a WithGroup (group set) or WithAttrs call made after a group,
// linked to the call before it. It is never written once made, so that
// handlers derived from one another share their calls.
type logOp struct {
	group string
	attrs []slog.Attr
	prev  *logOp
}

func (h logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	s := SpanFromContext(ctx)
	if s == nil {
		return h.next.Handle(ctx, r)
	}
	var attrs [5]slog.Attr
	dd := h.attrs(s, attrs[:0])
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

// grouped returns r's attributes inside the groups of h.ops, with the
// attributes given after each group: what base.WithGroup(g).WithAttrs(a)
// and so on would make of them.
func (h logHandler) grouped(r slog.Record) []slog.Attr {
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
	for op := h.ops; op != nil; op = op.prev {
		if op.group == "" {
			pending = append(pending, op.attrs)
			n += len(op.attrs)
			continue
		}
		content := make([]slog.Attr, 0, n+len(inner))
		for i := len(pending) - 1; i >= 0; i-- {
			content = append(content, pending[i]...)
		}
		content = append(content, inner...)
		inner = []slog.Attr{{Key: op.group, Value: slog.GroupValue(content...)}}
		pending, n = pending[:0], 0
	}
	return inner // the first call is a group: nothing is left pending
}

// attrs appends the dd.* attributes of s to dst. The ids are strings, as
// Datadog's tracers write them, since JSON numbers above 2^53
// lose precision in many log pipelines.
func (h logHandler) attrs(s *Span, dst []slog.Attr) []slog.Attr {
	traceID := slog.String("dd.trace_id", strconv.FormatUint(s.TraceID().Lower(), 10))
	if h.traceID128 && s.TraceID().Upper() != 0 {
		traceID = slog.String("dd.trace_id", s.TraceID().String())
	}
	dst = append(dst, traceID, slog.String("dd.span_id", strconv.FormatUint(s.SpanID(), 10)))
	// The span's service, which is the tracer's unless the span was given
	// its own, as a second service in the same process is.
	s.mu.Lock()
	service := s.service
	s.mu.Unlock()
	cfg := &s.tracer.cfg
	dst = append(dst, slog.String("dd.service", service))
	if cfg.env != "" {
		dst = append(dst, slog.String("dd.env", cfg.env))
	}
	if cfg.version != "" {
		dst = append(dst, slog.String("dd.version", cfg.version))
	}
	return dst
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	out := logHandler{next: h.next.WithAttrs(attrs), base: h.base, ops: h.ops, traceID128: h.traceID128}
	if h.base != nil {
		out.ops = &logOp{attrs: slices.Clone(attrs), prev: h.ops}
	}
	return out
}

func (h logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	out := logHandler{next: h.next.WithGroup(name), base: h.base, traceID128: h.traceID128}
	if out.base == nil {
		out.base = h.next
	}
	out.ops = &logOp{group: name, prev: h.ops}
	return out
}
