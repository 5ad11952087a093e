package trace

import (
	"context"
	"log/slog"
)

// LogOption configures LogHandler.
type LogOption func(*logConfig)

type logConfig struct{ traceID128 bool }

// LogTraceID128 writes dd.trace_id as the whole 128-bit id in 32 hex
// digits instead of the lower 64 bits in decimal, the form Datadog's log
// correlation reads by default.
func LogTraceID128() LogOption { return func(c *logConfig) { c.traceID128 = true } }

// LogHandler wraps next so that every record logged with a context that
// carries a span is joined to its trace, as Datadog's log correlation
// expects: dd.trace_id, dd.span_id, the span's dd.service, and the tracer's
// dd.env and dd.version. Records without a span pass through untouched.
//
//	slog.SetDefault(slog.New(trace.LogHandler(slog.NewJSONHandler(os.Stdout, nil))))
//	slog.InfoContext(ctx, "charged") // {"msg":"charged","dd.trace_id":"…","dd.span_id":"…",…}
//
// It allocates nothing for records without a span; for the others, what
// the added attributes take.
func LogHandler(next slog.Handler, opts ...LogOption) slog.Handler {
	h := logHandler{next: next}
	for _, o := range opts {
		if o != nil {
			o(&h.cfg)
		}
	}
	return h
}

type logHandler struct {
	next slog.Handler
	cfg  logConfig
}

func (h logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	s := SpanFromContext(ctx)
	if s == nil {
		return h.next.Handle(ctx, r)
	}
	r = r.Clone() // the record may be shared with other handlers
	traceID := slog.Uint64("dd.trace_id", s.TraceID().Lower())
	if h.cfg.traceID128 {
		traceID = slog.String("dd.trace_id", s.TraceID().String())
	}
	r.AddAttrs(traceID, slog.Uint64("dd.span_id", s.SpanID()))
	// The span's service, which is the tracer's unless the span was given
	// its own, as a second service in the same process is.
	s.mu.Lock()
	service := s.service
	s.mu.Unlock()
	cfg := &s.tracer.cfg
	r.AddAttrs(slog.String("dd.service", service))
	if cfg.env != "" {
		r.AddAttrs(slog.String("dd.env", cfg.env))
	}
	if cfg.version != "" {
		r.AddAttrs(slog.String("dd.version", cfg.version))
	}
	return h.next.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{next: h.next.WithAttrs(attrs), cfg: h.cfg}
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{next: h.next.WithGroup(name), cfg: h.cfg}
}
