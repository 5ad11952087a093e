package trace

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The pipeline carries chunks from Finish to the exporter.
//
// Producers (Finish) append to one of several shards, chosen by the trace
// id, each behind its own lock: no lock is shared by all goroutines, and
// nothing on the producer's side waits, sleeps or yields. One batcher
// goroutine swaps the shards' slices out every flush interval, or as soon
// as a shard passes its share of the batch size, and hands them to the
// exporter in batches of about the batch size.
//
// Memory is bounded by the tracer's one MemoryBudget: a span is admitted
// when it finishes (see traceState.finish) and its bytes are given back
// once the exporter has taken it or it was dropped. Producers are admitted
// below the limit less a reserve, so that the exporter, which takes from
// the same budget for the payloads it builds, always has room to turn a
// batch into a payload.
type pipeline struct {
	cfg       pipelineConfig
	budget    *MemoryBudget
	reserve   int64
	shards    []shard
	shardKick int // bytes in one shard that start an export early
	holdTicks uint8

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

	inline   bool    // the exporter never blocks: producers may export
	gathered []Chunk // the batcher's batch, when it alone exports
	warn     dropReporter
}

type shard struct {
	mu     sync.Mutex
	chunks []Chunk // queued from head on, oldest first
	head   int
	bytes  int
	closed bool
	held   *traceState  // open traces holding finished spans, linked by prev/next
	credit atomic.Int64 // budget bytes taken for this shard's spans, not yet used

	// exportMu makes the shard's exports one at a time, in order: the
	// batcher's, or one a producer runs itself (inline). Shards export in
	// parallel, so a goroutine that loses the CPU in the middle of an
	// export holds up one shard, not the pipeline.
	exportMu sync.Mutex
	scratch  []Chunk  // the batch being exported, under exportMu
	_        [64]byte // keep shards on separate cache lines
}

// holdIntervals is how many flush intervals the finished spans of a trace
// still running may wait for the rest of it before they are handed on as a
// partial chunk: 5, ten seconds with the default interval.
const holdIntervals = 5

// pipelineConfig is what the pipeline needs of its tracer, and no more.
type pipelineConfig struct {
	exporter      Exporter
	logger        *slog.Logger
	flushInterval time.Duration
	exportTimeout time.Duration
	batchBytes    int
	partialFlush  int
	budget        int
	stats         *stats       // where chunk counts go
	drops         func() Drops // the tracer's drops, for the reports
}

func newPipeline(cfg pipelineConfig) *pipeline {
	n := 1
	for n < 2*runtime.GOMAXPROCS(0) && n < 64 {
		n *= 2
	}
	p := &pipeline{
		cfg:       cfg,
		budget:    NewMemoryBudget(cfg.budget),
		shards:    make([]shard, n),
		shardKick: max(cfg.batchBytes/n, 1),
		holdTicks: holdIntervals,
		kick:      make(chan struct{}, 1),
		flushReq:  make(chan chan error),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
		warn:      dropReporter{now: time.Now},
	}
	p.reserve = int64(min(2*cfg.batchBytes, cfg.budget/4))
	_, p.inline = cfg.exporter.(NonBlockingExporter)
	p.exportCtx, p.cancelExport = context.WithCancel(context.Background())
	return p
}

// admit takes n bytes of a finished span of ts from the budget, below the
// reserve kept for the exporter. It takes them from its shard's credit,
// which it tops up from the budget a lease at a time: the budget's counter
// is shared with the goroutines that give memory back, and touching it for
// every span had two cores fight over its cache line (BenchmarkChildSpan).
// The credit is counted as in use, and given back at shutdown.
func (p *pipeline) admit(ts *traceState, n int) bool {
	sh := p.shardOf(ts)
	if sh.credit.Add(-int64(n)) >= 0 {
		return true
	}
	lease := max(int64(n), leaseBytes)
	if !p.budget.tryAcquire(lease, p.reserve) {
		sh.credit.Add(int64(n))
		return false
	}
	sh.credit.Add(lease)
	return true
}

// leaseBytes is how much of the budget a shard takes at a time for the
// spans it admits.
const leaseBytes = 32 << 10

// returnCredit gives the shards' unused credit back to the budget.
func (p *pipeline) returnCredit() {
	for i := range p.shards {
		if c := p.shards[i].credit.Swap(0); c > 0 {
			p.budget.Release(int(c))
		}
	}
}

func (p *pipeline) shardOf(ts *traceState) *shard {
	// The trace id picks the shard: random across traces, and the same for
	// every chunk of one trace, so that its chunks stay in order.
	return &p.shards[ts.root().traceID.Lower()&uint64(len(p.shards)-1)]
}

// enqueue hands a chunk of ts, admitted already, to the batcher without
// ever waiting for it.
func (p *pipeline) enqueue(c Chunk, ts *traceState) {
	sh := p.shardOf(ts)
	sh.mu.Lock()
	if ts.linked {
		sh.unlink(ts) // what it held is in c: nothing left to age
	}
	if sh.closed {
		sh.mu.Unlock()
		p.drop(c, c.bytes, dropShutdown)
		p.returnCredit() // what a span finished after Shutdown leased
		return
	}
	sh.chunks = append(sh.chunks, c)
	sh.bytes += c.bytes
	n := sh.bytes
	sh.mu.Unlock()
	if n < p.shardKick {
		return
	}
	// The shard holds a batch's share: the batcher exports it, on a core
	// of its own when there is one, and the caller goes on. When the
	// batcher is behind (the shard holds several shares: more busy
	// goroutines than cores leave it too small a share of the CPU to keep
	// up with a burst) and the exporter never blocks, the caller exports a
	// share itself, if no other goroutine is exporting this shard. That is
	// a share of the exporter's work, never a wait for the batcher or the
	// network (TestBurst in exporter/agent, BenchmarkDelivered).
	if p.inline && n >= behindShares*p.shardKick && sh.exportMu.TryLock() {
		p.exportTurn(sh, p.shardKick, false)
		sh.exportMu.Unlock()
		return
	}
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// behindShares is how many batch shares a shard holds before the
// goroutines that finish spans help the batcher.
const behindShares = 4

func (p *pipeline) run() {
	defer close(p.done)
	tick := time.NewTicker(p.cfg.flushInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			p.age(false)
			p.export(false)
			p.warn.report(&p.cfg, false)
		case <-p.kick:
			p.export(false)
		case ack := <-p.flushReq:
			ack <- p.export(false)
		case <-p.stop:
			p.age(true)
			p.export(true)
			// A producer may still be in the middle of an export it took
			// before the shards closed: the exporter's Shutdown must come
			// after it.
			for i := range p.shards {
				p.shards[i].exportMu.Lock()
				//lint:ignore SA2001 waiting for an export in flight is the point
				p.shards[i].exportMu.Unlock()
			}
			p.returnCredit()
			p.warn.report(&p.cfg, true)
			// Here, and only here, no Export can be running: the exporter's
			// Shutdown comes after the last one even when Shutdown's caller
			// gave up waiting.
			p.stopErr = p.shutdownExporter()
			return
		}
	}
}

var errShutdown = errors.New("trace: tracer is shut down")

// flush asks the batcher for an export and waits for it. A done ctx is
// reported at once, before anything is asked: the select below would
// otherwise pick at random between it and a batcher ready to receive.
func (p *pipeline) flush(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
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
