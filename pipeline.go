package trace

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"
)

// The pipeline carries chunks from Finish to the exporter.
//
// Producers (Finish) append to one of several shards, chosen by the trace
// id, each behind its own lock: no lock is shared by all
// goroutines, and a full shard drops instead of waiting. One batcher
// goroutine swaps the shards' slices out every flush interval, or when a
// shard passes its share of the batch size, and calls the exporter. The
// queue is bounded in bytes (an estimate of the memory the spans hold); the
// batch being exported is outside that bound, so at most twice the queue
// size is held.
type pipeline struct {
	t          *Tracer
	shards     []shard
	shardLimit int // bytes one shard may hold
	shardKick  int // bytes in one shard that start an export early

	kick     chan struct{}
	flushReq chan chan error
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	stopCtx  context.Context // Shutdown's context, set before stop closes
	stopErr  error           // the exporter's Shutdown result, set before done closes

	// exportCtx is the parent of every export's context; Shutdown cancels it
	// when its deadline passes, to abandon the last export.
	exportCtx    context.Context
	cancelExport context.CancelFunc

	batch []Chunk // reused by the batcher
	warn  dropReporter
}

type shard struct {
	mu     sync.Mutex
	chunks []Chunk
	spare  []Chunk
	bytes  int
	closed bool
	_      [64]byte // keep shards on separate cache lines
}

func newPipeline(t *Tracer) *pipeline {
	n := 1
	for n < 2*runtime.GOMAXPROCS(0) && n < 64 {
		n *= 2
	}
	p := &pipeline{
		t:          t,
		shards:     make([]shard, n),
		shardLimit: max(t.cfg.queueBytes/n, 1),
		shardKick:  max(t.cfg.batchBytes/n, 1),
		kick:       make(chan struct{}, 1),
		flushReq:   make(chan chan error),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	p.exportCtx, p.cancelExport = context.WithCancel(context.Background())
	go p.run()
	return p
}

// enqueue hands a chunk to the batcher without ever waiting for it.
func (p *pipeline) enqueue(c Chunk) {
	st := &p.t.stats
	n := uint64(len(c.spans))
	size := c.size()
	// The trace id picks the shard: random across traces, and the same for
	// every chunk of one trace, so that its chunks stay in order.
	sh := &p.shards[c.spans[0].s.traceID.Lower()&uint64(len(p.shards)-1)]
	sh.mu.Lock()
	switch {
	case sh.closed:
		sh.mu.Unlock()
		st.dropShutdown.Add(n)
		return
	case sh.bytes > 0 && sh.bytes+size > p.shardLimit:
		// An empty shard takes any chunk, so one large trace is not refused
		// by an idle queue; the partial-flush threshold bounds its size.
		sh.mu.Unlock()
		st.dropQueue.Add(n)
		return
	}
	sh.chunks = append(sh.chunks, c)
	sh.bytes += size
	full := sh.bytes >= p.shardKick
	behind := sh.bytes >= p.shardLimit/8
	sh.mu.Unlock()
	st.queued.Add(n)
	if full {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
	if behind {
		// The queue fills faster than the batcher drains it: more
		// goroutines finish spans than there are cores, and the batcher
		// waits for a turn. Yield this one's turn so that it gets one,
		// instead of dropping later. Gosched never waits for the
		// exporter or any I/O; it only costs a trip through the
		// scheduler, and only while a shard holds more than an eighth of its budget, four times
		// what should have started an export.
		runtime.Gosched()
	}
}

func (p *pipeline) run() {
	defer close(p.done)
	tick := time.NewTicker(p.t.cfg.flushInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			p.export(false)
			p.warn.report(p.t)
		case <-p.kick:
			p.export(false)
		case ack := <-p.flushReq:
			ack <- p.export(false)
		case <-p.stop:
			p.export(true)
			p.warn.report(p.t)
			// Here, and only here, no Export can be running: the exporter's
			// Shutdown comes after the last one even when Shutdown's caller
			// gave up waiting.
			p.stopErr = p.shutdownExporter()
			return
		}
	}
}

// export takes every queued chunk and hands it to the exporter. With last,
// it also closes the shards, so that later chunks are counted as dropped.
func (p *pipeline) export(last bool) error {
	batch := p.batch[:0]
	for i := range p.shards {
		sh := &p.shards[i]
		sh.mu.Lock()
		taken := sh.chunks
		sh.chunks, sh.spare = sh.spare[:0], nil
		sh.bytes = 0
		sh.closed = sh.closed || last
		sh.mu.Unlock()
		batch = append(batch, taken...)
		clear(taken)
		sh.mu.Lock()
		if sh.spare == nil {
			sh.spare = taken[:0]
		}
		sh.mu.Unlock()
	}
	defer func() {
		clear(batch) // let the spans go
		p.batch = batch[:0]
	}()
	if len(batch) == 0 {
		return nil
	}
	var spans, partial uint64
	for _, c := range batch {
		spans += uint64(len(c.spans))
		if c.partial {
			partial++
		}
	}
	st := &p.t.stats
	st.queued.Add(^(spans - 1))
	err := p.call(batch)
	switch {
	case err == nil:
		st.exported.Add(spans)
		st.chunks.Add(uint64(len(batch)))
		st.partial.Add(partial)
	case last && p.exportCtx.Err() != nil:
		st.dropShutdown.Add(spans)
	default:
		st.dropExport.Add(spans)
		p.warn.exportFailed(err)
	}
	return err
}

// call runs the exporter with a timeout, turning a panic into an error: a
// faulty exporter must not take the application down.
func (p *pipeline) call(batch []Chunk) (err error) {
	ctx, cancel := context.WithTimeout(p.exportCtx, p.t.cfg.exportTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("trace: exporter panicked: %v", r)
		}
	}()
	return p.t.cfg.exporter.Export(ctx, batch)
}

func (p *pipeline) shutdownExporter() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("trace: exporter panicked in Shutdown: %v", r)
		}
	}()
	return p.t.cfg.exporter.Shutdown(p.stopCtx)
}

var errShutdown = errors.New("trace: tracer is shut down")

func (p *pipeline) flush(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ack := make(chan error, 1)
	select {
	case p.flushReq <- ack:
	case <-p.done:
		return errShutdown
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-ack:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// shutdown exports what is queued, shuts the exporter down and stops the
// batcher, giving up when ctx is done: the export in flight is then
// cancelled and its spans counted as dropped at shutdown.
func (p *pipeline) shutdown(ctx context.Context) error {
	p.stopOnce.Do(func() {
		p.stopCtx = ctx
		close(p.stop)
	})
	select {
	case <-p.done:
		p.cancelExport()
		return p.stopErr
	case <-ctx.Done():
		p.cancelExport()
		return fmt.Errorf("trace: shutdown: %w", ctx.Err())
	}
}

// dropReporter logs drops at most once per interval, never once per span.
type dropReporter struct {
	last      time.Time
	reported  Drops
	lastError error
}

const reportEvery = 10 * time.Second

func (r *dropReporter) exportFailed(err error) { r.lastError = err }

func (r *dropReporter) report(t *Tracer) {
	now := time.Now()
	if !r.last.IsZero() && now.Sub(r.last) < reportEvery {
		return
	}
	s := t.Stats().Dropped
	if s == r.reported {
		return
	}
	d := Drops{
		QueueFull:    s.QueueFull - r.reported.QueueFull,
		ExportFailed: s.ExportFailed - r.reported.ExportFailed,
		Shutdown:     s.Shutdown - r.reported.Shutdown,
	}
	attrs := []any{
		slog.Uint64("queue_full", d.QueueFull),
		slog.Uint64("export_failed", d.ExportFailed),
		slog.Uint64("shutdown", d.Shutdown),
	}
	if r.lastError != nil {
		attrs = append(attrs, slog.String("last_error", r.lastError.Error()))
	}
	t.cfg.logger.Warn("trace: spans dropped", attrs...)
	r.last, r.reported, r.lastError = now, s, nil
}
