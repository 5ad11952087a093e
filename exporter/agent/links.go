package agent

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/ctxtrace/trace"
)

// links writes the span's links as the Agent's span_links array, leaving
// out empty optional fields as dd-trace-go does.
func (e *encoder) links(s trace.Snapshot) {
	n := s.NumLinks()
	_ = e.enc.EncodeArrayLen(n)
	for i := range n {
		l := s.LinkAt(i)
		fields := 2
		if l.TraceID.Upper() != 0 {
			fields++
		}
		if len(l.Attributes) > 0 {
			fields++
		}
		if l.Tracestate != "" {
			fields++
		}
		if l.Flags != 0 {
			fields++
		}
		_ = e.enc.EncodeMapLen(fields)
		e.str("trace_id")
		_ = e.enc.EncodeUint(l.TraceID.Lower())
		if hi := l.TraceID.Upper(); hi != 0 {
			e.str("trace_id_high")
			_ = e.enc.EncodeUint(hi)
		}
		e.str("span_id")
		_ = e.enc.EncodeUint(l.SpanID)
		if len(l.Attributes) > 0 {
			e.str("attributes")
			_ = e.enc.EncodeMapLen(len(l.Attributes))
			for _, k := range slices.Sorted(maps.Keys(l.Attributes)) {
				e.str(k)
				e.str(l.Attributes[k])
			}
		}
		if l.Tracestate != "" {
			e.str("tracestate")
			e.str(l.Tracestate)
		}
		if l.Flags != 0 {
			e.str("flags")
			_ = e.enc.EncodeUint(uint64(l.Flags))
		}
	}
}

// linksJSON is the _dd.span_links tag dd-trace-go adds beside the native
// array, for Agents that predate it: every field, in this order.
func linksJSON(s trace.Snapshot) string {
	type link struct {
		TraceID     uint64            `json:"trace_id"`
		TraceIDHigh uint64            `json:"trace_id_high"`
		SpanID      uint64            `json:"span_id"`
		Attributes  map[string]string `json:"attributes"`
		Tracestate  string            `json:"tracestate"`
		Flags       uint32            `json:"flags"`
	}
	out := make([]link, s.NumLinks())
	for i := range out {
		l := s.LinkAt(i)
		out[i] = link{l.TraceID.Lower(), l.TraceID.Upper(), l.SpanID, l.Attributes, l.Tracestate, l.Flags}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "[]"
	}
	return string(b)
}
