package agent

import (
	"math"
	"strconv"
	"sync/atomic"

	"github.com/ctxtrace/trace"
)

// Dropping sampled-out chunks ("P0s"). Once this exporter computes the
// trace statistics itself (WithStatsComputation) and the Agent allows it,
// the Agent needs no chunk that sampling dropped: it would only count it
// and throw it away. Such chunks are then not encoded at all, as
// dd-trace-go does, except what the Agent would keep of them:
//
//   - a chunk with an error span, which the Agent's error sampler may
//     keep (dd-trace-go: "traces with any span containing an error get
//     kept");
//   - a chunk with a span that App Analytics keeps (_dd1.sr.eausr, by
//     the same hash of the trace id as dd-trace-go);
//   - the spans single span sampling keeps (WithSpanSampler), sent alone.
//
// A chunk with no sampling priority is sent: nothing decided to drop it.
// What is dropped is counted in Stats (Dropped.SampledOut) and told to the
// Agent in the Datadog-Client-Dropped-P0-Traces and -Spans headers of the
// next trace payload.

// keepSampledOut reports whether a chunk is sent even though its priority
// drops it.
func keepSampledOut(c trace.Chunk) bool {
	p, ok := c.Priority()
	if !ok || p.Keep() {
		return true
	}
	for i := range c.Len() {
		s := c.Span(i)
		if s.IsError() {
			return true
		}
		if v, ok := s.Tag(tagEventSampleRate); ok && v.IsNumber() && sampledByRate(s.TraceID().Lower(), v.Float64()) {
			return true
		}
	}
	return false
}

// tagEventSampleRate is App Analytics' rate (ext.EventSampleRate).
const tagEventSampleRate = "_dd1.sr.eausr"

// knuthFactor is the multiplier of dd-trace-go's sampling hash.
const knuthFactor = uint64(1111111111111111111)

// sampledByRate reports whether id falls within rate, as dd-trace-go's
// rate samplers decide.
func sampledByRate(id uint64, rate float64) bool {
	switch rate {
	case 1:
		return true
	case 0:
		return false
	}
	return id*knuthFactor <= uint64(rate*math.MaxUint64)
}

// p0Counts are the sampled-out chunks and spans dropped and not yet told
// to the Agent: each trace payload takes them for its headers, and gives
// them back when the Agent does not take the payload.
type p0Counts struct {
	traces, spans atomic.Uint64
}

func (c *p0Counts) add(traces, spans uint64) {
	c.traces.Add(traces)
	c.spans.Add(spans)
}

// take returns the counts and resets them.
func (c *p0Counts) take() (traces, spans uint64) {
	return c.traces.Swap(0), c.spans.Swap(0)
}

// p0Headers are the dropped-P0 headers' values.
func p0Headers(traces, spans uint64) (string, string) {
	return strconv.FormatUint(traces, 10), strconv.FormatUint(spans, 10)
}
