package agent

import "github.com/ctxtrace/trace"

// spanKeep is a single span sampling decision: the rule's rate and limit
// for a span its rules keep out of a dropped trace.
type spanKeep struct {
	rate, maxPerSecond float64
	keep               bool
}

// decideSpans makes the single span sampling decisions for the spans of
// c, a chunk of a dropped trace, before it is encoded: the encoder only
// writes what was decided. It returns nil when there is nothing to decide
// (no rules, or a trace that is kept whole), and reuses buf.
func decideSpans(s SpanSampler, c trace.Chunk, buf []spanKeep) []spanKeep {
	if s == nil {
		return nil
	}
	if p, ok := c.Priority(); !ok || p.Keep() {
		return nil
	}
	buf = buf[:0]
	for i := range c.Len() {
		rate, mps, keep := s.SampleSpan(c.Span(i))
		buf = append(buf, spanKeep{rate, mps, keep})
	}
	return buf
}
