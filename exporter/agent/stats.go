package agent

import (
	"sync/atomic"
)

// Stats counts what the exporter did with the spans it was given. Once
// Shutdown has returned,
// SpansReceived == SpansSent + Dropped.Total().
type Stats struct {
	SpansReceived uint64 // spans handed to Export
	SpansSent     uint64 // spans in payloads the Agent accepted
	Payloads      uint64 // payloads the Agent accepted
	Bytes         uint64 // bytes of those payloads
	Retries       uint64 // attempts repeated after a failure
	Dropped       Drops
	// EventsDropped counts span events left out of the "events" tag, which
	// carries them when the Agent does not take them natively: the Agent
	// cuts a tag at 25,000 bytes, which would break the tag's JSON.
	EventsDropped uint64
	// ClientStats counts the work of client-side statistics
	// (WithStatsComputation).
	ClientStats ClientStats
}

// ClientStats counts the work of client-side statistics.
type ClientStats struct {
	Spans uint64 // spans counted in the statistics
	// Cut counts spans left out of the statistics: their bucket held the
	// most groups (WithStatsMaxGroups), too many buckets were open (spans
	// ending far in the future), or the memory budget had no room.
	Cut      uint64
	Payloads uint64 // statistics payloads the Agent accepted
	Failed   uint64 // statistics payloads given up on: not accepted after every retry, or refused
	// ChunksDropped counts sampled-out chunks left out whole; their spans
	// are in Dropped.SampledOut.
	ChunksDropped uint64
}

// Drops counts dropped spans by reason.
type Drops struct {
	QueueFull uint64 // the memory budget had no room for them
	TooLarge  uint64 // a single span larger than the maximum payload
	Rejected  uint64 // the Agent answered 4xx (not 429): retrying would not help
	Failed    uint64 // no success after every retry (connection errors, 429, 5xx, timeouts)
	Shutdown  uint64 // still queued or in flight when Shutdown gave up
	// SampledOut counts spans of sampled-out traces not sent because the
	// exporter computes the statistics itself (WithStatsComputation): the
	// Agent needs them for nothing else.
	SampledOut uint64
}

// Total returns the sum of every reason.
func (d Drops) Total() uint64 {
	return d.QueueFull + d.TooLarge + d.Rejected + d.Failed + d.Shutdown + d.SampledOut
}

type counters struct {
	received, sent, payloads, bytes, retries                                           atomic.Uint64
	droppedQueueFull, droppedTooLarge, droppedRejected, droppedFailed, droppedShutdown atomic.Uint64
	eventsDropped                                                                      atomic.Uint64
	droppedSampled, chunksSampled, statsPayloads, statsFailed                          atomic.Uint64
}

// ExportStats says what became of the spans Export accepted, for the
// tracer's Stats (trace.ExportReporter). Spans of sampled-out traces left
// out because the statistics are computed here (Dropped.SampledOut) count
// as delivered: that is what the Agent asks for once it lets clients drop
// them, their statistics were sent, and the tracer's warnings about
// dropped spans are kept for spans that were meant to arrive.
func (e *Exporter) ExportStats() (pending, delivered, dropped uint64) {
	c := &e.stats
	// Outcomes first, so that a span settling meanwhile is not counted as
	// both pending and done.
	dropped = c.droppedQueueFull.Load() + c.droppedTooLarge.Load() + c.droppedRejected.Load() +
		c.droppedFailed.Load() + c.droppedShutdown.Load()
	delivered = c.sent.Load() + c.droppedSampled.Load()
	received := c.received.Load()
	return received - min(received, delivered+dropped), delivered, dropped
}

// Stats returns the exporter's counters.
func (e *Exporter) Stats() Stats {
	c := &e.stats
	return Stats{
		SpansSent: c.sent.Load(),
		Payloads:  c.payloads.Load(),
		Bytes:     c.bytes.Load(),
		Retries:   c.retries.Load(),
		Dropped: Drops{
			QueueFull:  c.droppedQueueFull.Load(),
			TooLarge:   c.droppedTooLarge.Load(),
			Rejected:   c.droppedRejected.Load(),
			Failed:     c.droppedFailed.Load(),
			Shutdown:   c.droppedShutdown.Load(),
			SampledOut: c.droppedSampled.Load(),
		},
		SpansReceived: c.received.Load(),
		EventsDropped: c.eventsDropped.Load(),
		ClientStats:   e.clientStatsCounts(),
	}
}

func (e *Exporter) clientStatsCounts() ClientStats {
	cs := ClientStats{
		Payloads:      e.stats.statsPayloads.Load(),
		Failed:        e.stats.statsFailed.Load(),
		ChunksDropped: e.stats.chunksSampled.Load(),
	}
	if e.conc != nil {
		cs.Spans, cs.Cut = e.conc.spans.Load(), e.conc.cut.Load()
	}
	return cs
}

// countSampledOut counts the spans of a sampled-out chunk left out, for
// Stats and for the Agent (p0Counts).
func (e *Exporter) countSampledOut(whole bool, spans int) {
	e.stats.droppedSampled.Add(uint64(spans))
	var chunks uint64
	if whole {
		chunks = 1
		e.stats.chunksSampled.Add(1)
	}
	e.p0.add(chunks, uint64(spans))
}
