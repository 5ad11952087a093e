// Package slog joins log/slog records to traces (https://pkg.go.dev/log/slog),
// with dd-trace-go v1.74.8's API of the package of that path.
//
// A record logged with a context that carries a span gets, at its top
// level whatever groups the logger has opened, the two attributes
// dd-trace-go's integration writes:
//
//   - dd.trace_id: the whole 128-bit trace id as 32 lowercase hex digits;
//     the lower 64 bits in decimal when DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED
//     is false, or when the trace id has no upper half (a trace continued
//     from a tracer that sends 64-bit ids, or DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED=false);
//   - dd.span_id: the span id in decimal.
//
// Records without a span pass through untouched. For dd.service, dd.env
// and dd.version as well, use the root package's trace.LogHandler.
//
// # Differences from dd-trace-go
//
// For a trace id without an upper half, dd-trace-go v1.74.8's integration
// writes 32 hex digits, the first 16 of them zeros. We write the decimal
// form, as dd-trace-go's own rule says (DataDog/dd-trace-go#1746: "when
// the upper 64 bits are zero, the decimal encoding, preserving the
// behavior of 64-bit trace ids") and as its tracer's %v formatting of a
// span and Datadog's other tracers do. The variable is read when the
// handler is made, where dd-trace-go reads it once, when the program
// starts.
//
// Supported: log/slog of Go 1.25 and later (this module's Go version).
package slog

import (
	"context"
	"io"
	"log/slog"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/logcorr"
)

// NewJSONHandler is a convenience function that returns a *slog.JSONHandler
// logger enhanced with tracing information: WrapHandler(slog.NewJSONHandler(w, opts)).
func NewJSONHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	return WrapHandler(slog.NewJSONHandler(w, opts))
}

// WrapHandler enhances the given logger handler attaching tracing
// information to logs: dd.trace_id and dd.span_id, as the package
// documentation says.
func WrapHandler(h slog.Handler) slog.Handler {
	return logcorr.NewHandler(h, ids, logcorr.TraceID128())
}

// ids are the span's ids, and nothing else, as dd-trace-go's integration
// writes.
func ids(ctx context.Context) (logcorr.Fields, bool) {
	s := trace.SpanFromContext(ctx)
	if s == nil {
		return logcorr.Fields{}, false
	}
	id := s.TraceID()
	return logcorr.Fields{TraceIDUpper: id.Upper(), TraceIDLower: id.Lower(), SpanID: s.SpanID()}, true
}
