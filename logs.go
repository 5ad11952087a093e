package trace

import (
	"context"
	"log/slog"

	"github.com/ctxtrace/trace/internal/logcorr"
)

// LogHandler wraps next so that every record logged with a context that
// carries a span is joined to its trace, as Datadog's log correlation
// expects: dd.trace_id, dd.span_id, the span's dd.service, and the tracer's
// dd.env and dd.version. Records without a span pass through untouched.
// The dd.* attributes are at the top level of the record, whatever groups
// the logger has opened.
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
	return logcorr.NewHandler(next, logFields, logcorr.TraceID128())
}

// logFields are the log correlation fields of the span in ctx: its ids,
// its service, which is the tracer's unless the span was given its own,
// as a second service in the same process is, and the tracer's env and
// version.
func logFields(ctx context.Context) (logcorr.Fields, bool) {
	s := SpanFromContext(ctx)
	if s == nil {
		return logcorr.Fields{}, false
	}
	s.mu.Lock()
	service := s.service
	s.mu.Unlock()
	id := s.TraceID()
	return logcorr.Fields{
		TraceIDUpper: id.Upper(), TraceIDLower: id.Lower(), SpanID: s.SpanID(),
		Service: service, Env: s.tracer.cfg.env, Version: s.tracer.cfg.version,
	}, true
}
