// Package ddspan turns dd-trace-go's option and span types, which the
// contrib packages' APIs take and give (ddtrace.StartSpanOption,
// ddtrace.FinishOption, ddtrace.Span), into the trace package's and back,
// for the integrations under contrib/, which make their spans with the
// trace package.
package ddspan

import (
	"context"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/ddconv"
)

// Options returns the trace package's options that opts, applied in order,
// describe: tags (the keys dd-trace-go gives a meaning, such as
// resource.name, keep it), start time, span id, links and parent. A
// parent that is not a span of this tracer is taken as a remote one, as
// tracer.ChildOf takes it; one of this tracer's spans too, through its
// ids and baggage (ddtrace.SpanContext shows no more), so that the span
// starts a new local root of the same trace. opts are applied once, when
// Options is called: integrations call it when they are configured.
func Options(opts []ddtrace.StartSpanOption) []trace.SpanOption {
	if len(opts) == 0 {
		return nil
	}
	var cfg ddtrace.StartSpanConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return ddconv.SpanOptions(&cfg, ddconv.RemoteContext)
}

// NoDebugStack reports whether opts ask to leave the stack out of errors
// (tracer.NoDebugStack).
func NoDebugStack(opts []ddtrace.FinishOption) bool {
	var cfg ddtrace.FinishConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg.NoDebugStack
}

// Span returns s as dd-trace-go's API shows a span: the ddtrace/tracer
// package's own wrapper, so that what the caller does with it (SetTag,
// Finish, Context for ChildOf or Inject) acts on s.
func Span(s *trace.Span) ddtrace.Span {
	sp, _ := tracer.SpanFromContext(trace.ContextWithSpan(context.Background(), s))
	return sp
}
