package trace

import "sync/atomic"

// Stats counts what a tracer did with its spans. Once every span has
// finished and Shutdown has returned,
// SpansFinished == SpansExported + Dropped.Total(); before that, spans
// still waiting are in SpansQueued.
//
// Spans are counted by the tracer that started them, even in a trace that
// another tracer's spans began and exports.
type Stats struct {
	SpansStarted  uint64 // spans started
	SpansFinished uint64 // spans finished
	// SpansExported counts spans delivered: accepted by the destination
	// when the exporter says what became of them (an ExportReporter, such
	// as the Datadog Agent exporter), otherwise accepted by Export.
	SpansExported uint64
	SpansQueued   uint64 // spans waiting right now: in open traces, the queue, or the exporter
	Chunks        uint64 // chunks handed to the exporter
	PartialChunks uint64 // of which partial flushes of unfinished traces
	Dropped       Drops  // spans dropped, by reason
	TagsDropped   uint64 // tags refused: empty key, or over Limits.Tags
	TagsTruncated uint64 // keys, values and names cut to their limit
	MemoryInUse   uint64 // bytes of the memory budget taken now, exporter's included
}

// Drops counts dropped spans by reason.
type Drops struct {
	QueueFull    uint64 // the memory budget was full when the span finished
	ExportFailed uint64 // the exporter returned an error, timed out or panicked
	Shutdown     uint64 // finished after Shutdown, or not exported by its deadline
	Exporter     uint64 // accepted by the exporter, then dropped by it (see ExportReporter)
}

// Total returns the sum of every reason.
func (d Drops) Total() uint64 { return d.QueueFull + d.ExportFailed + d.Shutdown + d.Exporter }

// ExportReporter is an Exporter that says what became of the spans it
// accepted, so that the tracer's Stats count as exported only what reached
// the destination. ExportStats returns the exporter's totals since it was
// made: spans accepted and not yet delivered or dropped (pending), accepted
// by the destination (delivered), and given up on for any reason
// (dropped); their sum is the number of spans Export accepted.
type ExportReporter interface {
	ExportStats() (pending, delivered, dropped uint64)
}

// counter is an atomic counter spread over cache lines, so that goroutines
// counting at once do not fight over one line. Callers pick a stripe with
// a random number they already have (a span id).
type counter [16]struct {
	n atomic.Uint64
	_ [56]byte
}

func (c *counter) add(h uint64) { c[h&15].n.Add(1) }

func (c *counter) load() uint64 {
	var n uint64
	for i := range c {
		n += c[i].n.Load()
	}
	return n
}

// stats are a tracer's counters. The spans waiting are not counted: they
// are the spans finished less those with an outcome (Tracer.Stats), which
// spares the finishing goroutine an atomic add per span, and the exporting
// one a write to the line it was made on.
type stats struct {
	started, finished counter

	exported, chunks, partial           atomic.Uint64
	dropQueue, dropExport, dropShutdown atomic.Uint64
	tagsDropped, tagsTruncated          atomic.Uint64
}

// outcome is what became of a queued span.
type outcome uint8

const (
	exported outcome = iota
	dropQueue
	dropExport
	dropShutdown
)

func (s *stats) of(o outcome) *atomic.Uint64 {
	switch o {
	case dropQueue:
		return &s.dropQueue
	case dropExport:
		return &s.dropExport
	case dropShutdown:
		return &s.dropShutdown
	}
	return &s.exported
}

// settle counts the outcome of the spans of batch, each on its own
// tracer's counters. A run of spans of one tracer costs one atomic add,
// so the common batch, all of one tracer, costs one in all: counting per
// chunk had the exporting core write, for every trace, the lines the
// finishing cores count on (BenchmarkRootSpan3Tags).
func settle(batch []Chunk, o outcome) {
	var t *Tracer
	var n uint64
	for _, c := range batch {
		for _, x := range c.spans {
			if x.s.tracer == t {
				n++
				continue
			}
			t.settleRun(n, o)
			t, n = x.s.tracer, 1
		}
	}
	t.settleRun(n, o)
}

// settleRun counts n spans of t as settled with o.
func (t *Tracer) settleRun(n uint64, o outcome) {
	if t != nil && n > 0 {
		t.stats.of(o).Add(n)
	}
}

// Stats returns the tracer's counters.
func (t *Tracer) Stats() Stats {
	if !t.Enabled() {
		return Stats{}
	}
	s := &t.stats
	// Read the outcomes before the inputs, so that a snapshot taken while
	// spans flow never shows more exported than finished; the exporter's
	// first of all.
	var pending, dropped uint64
	rep, reports := t.cfg.exporter.(ExportReporter)
	if reports {
		pending, _, dropped = rep.ExportStats()
	}
	out := Stats{
		SpansExported: s.exported.Load(),
		Chunks:        s.chunks.Load(),
		PartialChunks: s.partial.Load(),
		Dropped: Drops{
			QueueFull:    s.dropQueue.Load(),
			ExportFailed: s.dropExport.Load(),
			Shutdown:     s.dropShutdown.Load(),
		},
		TagsDropped:   s.tagsDropped.Load(),
		TagsTruncated: s.tagsTruncated.Load(),
		MemoryInUse:   uint64(max(t.pipe.budget.InUse(), 0)),
	}
	// Every outcome read above came after its span's finish was counted:
	// read now, the spans finished cover them, and the rest are waiting.
	out.SpansFinished = s.finished.load()
	settled := out.SpansExported + out.Dropped.QueueFull + out.Dropped.ExportFailed + out.Dropped.Shutdown
	out.SpansQueued = out.SpansFinished - min(settled, out.SpansFinished)
	if reports {
		// What the exporter still holds or dropped was counted as exported
		// when Export took it.
		lost := min(pending+dropped, out.SpansExported)
		out.SpansExported -= lost
		out.SpansQueued += min(pending, lost)
		out.Dropped.Exporter = lost - min(pending, lost)
	}
	out.SpansStarted = s.started.load()
	return out
}
