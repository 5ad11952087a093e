// Package ddconv turns dd-trace-go's span configuration types (package
// ddtrace) into the trace package's options, once, for the ddtrace/tracer
// wrappers and the contrib integrations.
package ddconv

import (
	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
)

// SpanOptions returns the trace package's options that a filled
// StartSpanConfig describes: parent (converted by parentOf), start time,
// span id, links and tags. cfg.Context is not among them: it is the
// context the span starts in.
func SpanOptions(cfg *ddtrace.StartSpanConfig, parentOf func(ddtrace.SpanContext) trace.SpanContext) []trace.SpanOption {
	return AppendSpanOptions(make([]trace.SpanOption, 0, len(cfg.Tags)+4), cfg, parentOf)
}

// AppendSpanOptions appends SpanOptions' options to out and returns the
// result, for callers that reuse one slice.
func AppendSpanOptions(out []trace.SpanOption, cfg *ddtrace.StartSpanConfig, parentOf func(ddtrace.SpanContext) trace.SpanContext) []trace.SpanOption {
	if cfg.Parent != nil {
		out = append(out, trace.ChildOf(parentOf(cfg.Parent)))
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
			links[i] = Link(l)
		}
		out = append(out, trace.WithLinks(links...))
	}
	for k, v := range cfg.Tags {
		out = append(out, trace.Tag(k, v))
	}
	return out
}

// Link converts a dd-trace-go span link.
func Link(l ddtrace.SpanLink) trace.Link {
	return trace.Link{
		TraceID:    trace.NewTraceID(l.TraceIDHigh, l.TraceID),
		SpanID:     l.SpanID,
		Attributes: l.Attributes,
		Tracestate: l.Tracestate,
		Flags:      l.Flags,
	}
}

// RemoteContext returns a remote trace.SpanContext with sc's ids (the
// whole trace id when sc implements ddtrace.SpanContextW3C and gives a
// non-zero one) and baggage.
func RemoteContext(sc ddtrace.SpanContext) trace.SpanContext {
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
