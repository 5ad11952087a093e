package agent_test

import (
	"fmt"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/exporter/exportertest"
)

// TestConformance runs the exporter conformance checks against the
// stand-in Agent, in both protocols. The Agent's fields hold the lower 64
// bits of the trace id; the upper half is the _dd.p.tid tag of the first
// span of each trace in a payload. The tags the exporter adds of its own
// (language, runtime-id, process_id, _dd.top_level...) are left in: the
// checks compare only the span's own.
func TestConformance(t *testing.T) {
	for _, proto := range []string{"v0.4", "v0.5"} {
		t.Run(proto, func(t *testing.T) {
			exportertest.Run(t, func(t *testing.T) (trace.Exporter, func() []exportertest.Span) {
				s := newStandIn(t)
				exp := agent.New(agent.WithURL(s.url()), agent.WithProtocol(proto),
					agent.WithLogger(slog.New(slog.DiscardHandler)))
				return exp, func() []exportertest.Span { return wireSpans(t, s.reqs()) }
			})
		})
	}
}

// wireSpans turns what the stand-in decoded back into spans, joining each
// trace's upper trace-id half to every span of the trace.
func wireSpans(t *testing.T, reqs []request) []exportertest.Span {
	t.Helper()
	var out []exportertest.Span
	for _, r := range reqs {
		for _, tr := range r.traces {
			var upper uint64
			for _, m := range tr {
				if tid, ok := wireMap(t, m, "meta")["_dd.p.tid"]; ok {
					u, err := strconv.ParseUint(fmt.Sprint(tid), 16, 64)
					if err != nil {
						t.Errorf("_dd.p.tid %q: %v", tid, err)
					}
					upper = u
				}
			}
			for _, m := range tr {
				out = append(out, wireSpan(t, m, upper))
			}
		}
	}
	return out
}

// wireSpan turns one decoded span map into a span.
func wireSpan(t *testing.T, m map[string]any, upper uint64) exportertest.Span {
	t.Helper()
	s := exportertest.Span{
		TraceID:  trace.NewTraceID(upper, wireUint(t, m, "trace_id")),
		SpanID:   wireUint(t, m, "span_id"),
		ParentID: wireUint(t, m, "parent_id"),
		Start:    time.Unix(0, int64(wireUint(t, m, "start"))),
		Duration: time.Duration(wireUint(t, m, "duration")),
		Error:    wireUint(t, m, "error") != 0,
		Meta:     map[string]string{},
		Metrics:  map[string]float64{},
	}
	s.Name, _ = m["name"].(string)
	s.Service, _ = m["service"].(string)
	s.Resource, _ = m["resource"].(string)
	s.Type, _ = m["type"].(string) // left out when empty
	for k, v := range wireMap(t, m, "meta") {
		text, ok := v.(string)
		if !ok {
			t.Errorf("meta %q = %v, of type %T; want a string", k, v, v)
		}
		s.Meta[k] = text
	}
	for k, v := range wireMap(t, m, "metrics") {
		switch v := v.(type) {
		case float64:
			s.Metrics[k] = v
		case float32:
			s.Metrics[k] = float64(v)
		default:
			s.Metrics[k] = float64(wireUint(t, map[string]any{k: v}, k))
		}
	}
	return s
}

// wireMap returns the map field key of a decoded span.
func wireMap(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key]
	if !ok {
		return nil
	}
	sub, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s is a %T; want a map", key, v)
	}
	return sub
}

// wireUint returns the integer field key of a decoded span, which msgpack
// decodes to the smallest type that holds it. A negative integer comes
// back as its two's complement.
func wireUint(t *testing.T, m map[string]any, key string) uint64 {
	t.Helper()
	switch n := m[key].(type) {
	case int8:
		return uint64(n)
	case int16:
		return uint64(n)
	case int32:
		return uint64(n)
	case int64:
		return uint64(n)
	case uint8:
		return uint64(n)
	case uint16:
		return uint64(n)
	case uint32:
		return uint64(n)
	case uint64:
		return n
	case nil:
		t.Errorf("the span has no %s: %v", key, m)
		return 0
	}
	t.Errorf("%s = %v, of type %T; want an integer", key, m[key], m[key])
	return 0
}
