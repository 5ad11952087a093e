package otlp

import "sync/atomic"

// Stats counts what the exporter did with the spans it was given. Once
// Shutdown has returned, SpansReceived == SpansSent + SpansDropped.
type Stats struct {
	SpansReceived uint64 // spans handed to Export
	SpansSent     uint64 // spans the destination accepted
	// SpansDropped counts every span not sent: Dropped.Total() and
	// PartialRejected.
	SpansDropped uint64
	Dropped      Drops
	// PartialRejected counts spans the destination rejected in
	// answers that accepted the rest of their request (OTLP's partial
	// success).
	PartialRejected uint64
	Requests        uint64 // attempts at sending a request, retries included
	Retries         uint64 // attempts repeated after a failure worth retrying
	// Bytes counts the bytes of the requests accepted, as sent:
	// compressed when they were, by Export over HTTP or by gRPC.
	Bytes uint64
}

// Drops counts dropped spans by reason.
type Drops struct {
	// Unsampled: the trace's sampling priority rejected it, and they are
	// not sent (see WithSendUnsampled).
	Unsampled uint64
	QueueFull uint64 // the memory budget or the queue of requests had no room for them
	TooLarge  uint64 // a single span larger than the maximum request (WithMaxRequestBytes)
	Rejected  uint64 // the destination rejected their request: retrying would not help
	Failed    uint64 // not accepted before the timeout: connection errors, 429, 503, UNAVAILABLE...
	Shutdown  uint64 // still queued or in flight when Shutdown gave up
}

// Total returns the sum of every reason.
func (d Drops) Total() uint64 {
	return d.Unsampled + d.QueueFull + d.TooLarge + d.Rejected + d.Failed + d.Shutdown
}

type counters struct {
	received, sent, partialRejected, requests, retries, bytes atomic.Uint64

	droppedUnsampled, droppedQueueFull, droppedTooLarge atomic.Uint64
	droppedRejected, droppedFailed, droppedShutdown     atomic.Uint64
}

// dropped returns the spans dropped for any reason.
func (c *counters) dropped() uint64 {
	return c.droppedUnsampled.Load() + c.droppedQueueFull.Load() + c.droppedTooLarge.Load() +
		c.droppedRejected.Load() + c.droppedFailed.Load() + c.droppedShutdown.Load() +
		c.partialRejected.Load()
}

// ExportStats says what became of the spans Export accepted, for the
// tracer's Stats (trace.ExportReporter): a tracer then counts as exported
// only the spans the destination accepted.
func (e *Exporter) ExportStats() (pending, delivered, dropped uint64) {
	c := &e.stats
	// Outcomes first, so that a span settling meanwhile is not counted as
	// both pending and done.
	dropped = c.dropped()
	delivered = c.sent.Load()
	received := c.received.Load()
	return received - min(received, delivered+dropped), delivered, dropped
}

// Stats returns the exporter's counters.
func (e *Exporter) Stats() Stats {
	c := &e.stats
	s := Stats{
		SpansSent:       c.sent.Load(),
		PartialRejected: c.partialRejected.Load(),
		Requests:        c.requests.Load(),
		Retries:         c.retries.Load(),
		Bytes:           c.bytes.Load(),
		Dropped: Drops{
			Unsampled: c.droppedUnsampled.Load(),
			QueueFull: c.droppedQueueFull.Load(),
			TooLarge:  c.droppedTooLarge.Load(),
			Rejected:  c.droppedRejected.Load(),
			Failed:    c.droppedFailed.Load(),
			Shutdown:  c.droppedShutdown.Load(),
		},
	}
	s.SpansDropped = s.Dropped.Total() + s.PartialRejected
	s.SpansReceived = c.received.Load()
	return s
}
