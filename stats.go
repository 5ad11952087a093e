package trace

import "sync/atomic"

// Stats counts what a tracer did with its spans. Once every span has
// finished and Shutdown has returned,
// SpansFinished == SpansExported + Dropped.Total().
type Stats struct {
	SpansStarted  uint64 // spans started
	SpansFinished uint64 // spans finished
	SpansExported uint64 // spans the exporter accepted
	SpansQueued   uint64 // spans waiting for export right now
	Chunks        uint64 // chunks handed to the exporter
	PartialChunks uint64 // of which partial flushes of unfinished traces
	Dropped       Drops  // spans dropped, by reason
	TagsDropped   uint64 // tags refused: empty key, or over Limits.Tags
	TagsTruncated uint64 // keys, values and names cut to their limit
}

// Drops counts dropped spans by reason.
type Drops struct {
	QueueFull    uint64 // the queue was full when the chunk arrived
	ExportFailed uint64 // the exporter returned an error, timed out or panicked
	Shutdown     uint64 // finished after Shutdown, or not exported by its deadline
}

// Total returns the sum of every reason.
func (d Drops) Total() uint64 { return d.QueueFull + d.ExportFailed + d.Shutdown }

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

type stats struct {
	started, finished counter

	exported, queued, chunks, partial   atomic.Uint64
	dropQueue, dropExport, dropShutdown atomic.Uint64
	tagsDropped, tagsTruncated          atomic.Uint64
}

// Stats returns the tracer's counters.
func (t *Tracer) Stats() Stats {
	if !t.Enabled() {
		return Stats{}
	}
	s := &t.stats
	// Read the outcomes before the inputs, so that a snapshot taken while
	// spans flow never shows more exported than finished.
	out := Stats{
		SpansExported: s.exported.Load(),
		SpansQueued:   s.queued.Load(),
		Chunks:        s.chunks.Load(),
		PartialChunks: s.partial.Load(),
		Dropped: Drops{
			QueueFull:    s.dropQueue.Load(),
			ExportFailed: s.dropExport.Load(),
			Shutdown:     s.dropShutdown.Load(),
		},
		TagsDropped:   s.tagsDropped.Load(),
		TagsTruncated: s.tagsTruncated.Load(),
	}
	out.SpansFinished = s.finished.load()
	out.SpansStarted = s.started.load()
	return out
}
