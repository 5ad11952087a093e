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
	out := make([]trace.SpanOption, 0, len(cfg.Tags)+4)
	if cfg.Parent != nil {
		out = append(out, trace.ChildOf(spanContext(cfg.Parent)))
	}
	if !cfg.StartTime.IsZero() {
		out = append(out, trace.StartTime(cfg.StartTime))
	}
	if cfg.SpanID != 0 {
		out = append(out, trace.WithSpanID(cfg.SpanID))
	}
	if len(cfg.SpanLinks) > 0 {
		links := make([]trace.Link, len(cfg.SpanLinks))
		for i, l := range cfg.SpanLinks {
			links[i] = trace.Link{TraceID: trace.NewTraceID(l.TraceIDHigh, l.TraceID), SpanID: l.SpanID,
				Attributes: l.Attributes, Tracestate: l.Tracestate, Flags: l.Flags}
		}
		out = append(out, trace.WithLinks(links...))
	}
	for k, v := range cfg.Tags {
		out = append(out, trace.Tag(k, v))
	}
	return out
}

func spanContext(sc ddtrace.SpanContext) trace.SpanContext {
	tid := trace.NewTraceID(0, sc.TraceID())
	if w, ok := sc.(ddtrace.SpanContextW3C); ok {
		if b := trace.TraceID(w.TraceID128Bytes()); !b.IsZero() {
			tid = b
		}
	}
	var baggage map[string]string
	sc.ForeachBaggageItem(func(k, v string) bool {
		if baggage == nil {
			baggage = map[string]string{}
		}
		baggage[k] = v
		return true
	})
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sc.SpanID(), Baggage: baggage, Remote: true})
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
