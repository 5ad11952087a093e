package trace

import (
	"context"
	"errors"
	"fmt"
)

// export hands every chunk queued now to the exporter, shard by shard, in
// turns of about the batch size. Each turn holds the shard's exportMu: a producer
// exporting inline never waits for more than a turn, and a batcher that
// loses the CPU in the middle of one holds up no more. With last, it also
// closes the shards, so that later chunks are counted as dropped.
func (p *pipeline) export(last bool) error {
	if !p.inline {
		return p.exportGathered(last)
	}
	var errs []error
	for i := range p.shards {
		sh := &p.shards[i]
		sh.mu.Lock()
		due := sh.bytes // what arrives meanwhile waits for the next export
		sh.closed = sh.closed || last
		sh.mu.Unlock()
		for due > 0 {
			sh.exportMu.Lock()
			n, err := p.exportTurn(sh, p.cfg.batchBytes, last)
			sh.exportMu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if n == 0 {
				break
			}
			due -= n
		}
	}
	return errors.Join(errs...)
}

// exportGathered is export for an exporter only the batcher calls: the
// chunks of every shard in one batch, or in batches of about the batch
// size, so that a flush of a few traces is one Export call (an exporter
// for people sorts what one call gets).
func (p *pipeline) exportGathered(last bool) error {
	batch, bytes := p.gathered[:0], 0
	for i := range p.shards {
		sh := &p.shards[i]
		sh.mu.Lock()
		due := sh.bytes
		sh.closed = sh.closed || last
		sh.mu.Unlock()
		var n int
		batch, n = sh.take(due, batch)
		bytes += n
	}
	defer func() {
		clear(batch) // let the spans go
		p.gathered = batch[:0]
	}()
	var errs []error
	for rest := batch; len(rest) > 0; {
		n, size := 0, 0
		for n < len(rest) && (n == 0 || size+rest[n].bytes <= p.cfg.batchBytes) {
			size += rest[n].bytes
			n++
		}
		if err := p.exportBatch(rest[:n], size, last); err != nil {
			errs = append(errs, err)
		}
		rest = rest[n:]
	}
	return errors.Join(errs...)
}

// exportTurn exports the shard's oldest chunks, up to limit bytes (at
// least one chunk), and returns their bytes. The caller holds the shard's
// exportMu.
func (p *pipeline) exportTurn(sh *shard, limit int, last bool) (int, error) {
	batch, bytes := sh.take(limit, sh.scratch[:0])
	defer func() {
		clear(batch) // let the spans go
		sh.scratch = batch[:0]
	}()
	if len(batch) == 0 {
		return 0, nil
	}
	return bytes, p.exportBatch(batch, bytes, last)
}

// take moves the oldest chunks, up to limit bytes (at least one), to dst.
// When they all fit and dst is empty, the queue and dst trade places: the
// lock is held for no copy, and producers never wait for one
// (BenchmarkRootSpan3TagsParallel's mutex profile).
func (sh *shard) take(limit int, dst []Chunk) ([]Chunk, int) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	q := sh.chunks[sh.head:]
	if len(dst) == 0 && sh.bytes <= limit && len(q) > 0 {
		bytes := sh.bytes
		sh.chunks, sh.head, sh.bytes = dst[:0], 0, 0
		return q, bytes
	}
	n, bytes := 0, 0
	for n < len(q) && (n == 0 || bytes+q[n].bytes <= limit) {
		bytes += q[n].bytes
		n++
	}
	dst = append(dst, q[:n]...)
	clear(q[:n])
	sh.head += n
	sh.bytes -= bytes
	switch {
	case sh.head == len(sh.chunks):
		sh.chunks, sh.head = sh.chunks[:0], 0
	case sh.head > len(sh.chunks)/2:
		// Move what is left to the front, so that appending does not grow
		// the slice past twice what is queued.
		m := copy(sh.chunks, sh.chunks[sh.head:])
		clear(sh.chunks[m:])
		sh.chunks, sh.head = sh.chunks[:m], 0
	}
	return dst, bytes
}

// exportBatch hands one batch to the exporter, settles its spans' counts
// and gives their bytes back to the budget.
func (p *pipeline) exportBatch(batch []Chunk, bytes int, last bool) error {
	err := p.call(batch)
	reason := exported
	switch {
	case err == nil:
		var partial uint64
		for _, c := range batch {
			if c.partial {
				partial++
			}
		}
		p.cfg.stats.chunks.Add(uint64(len(batch)))
		p.cfg.stats.partial.Add(partial)
	case last && p.exportCtx.Err() != nil:
		reason = dropShutdown
	default:
		reason = dropExport
		p.warn.exportFailed(err)
	}
	settle(batch, reason)
	p.budget.Release(bytes)
	return err
}

// drop counts c's spans as dropped for reason and gives bytes back.
func (p *pipeline) drop(c Chunk, bytes int, reason outcome) {
	settle([]Chunk{c}, reason)
	p.budget.Release(bytes)
}

// call runs the exporter with a timeout, turning a panic into an error: a
// faulty exporter must not take the application down.
func (p *pipeline) call(batch []Chunk) (err error) {
	ctx, cancel := context.WithTimeout(p.exportCtx, p.cfg.exportTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("trace: exporter panicked: %v", r)
		}
	}()
	return p.cfg.exporter.Export(ctx, batch)
}

func (p *pipeline) shutdownExporter() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("trace: exporter panicked in Shutdown: %v", r)
		}
	}()
	return p.cfg.exporter.Shutdown(p.stopCtx)
}
