package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/idle"
	"github.com/ctxtrace/trace/internal/ratelog"
)

// Exporter sends traces to a Datadog Agent. Create it with New and give it
// to trace.New with trace.WithExporter. It is safe for concurrent use.
//
// The payloads it builds and holds until the Agent takes them count
// against the tracer's trace.MemoryBudget (see trace.BudgetUser): past it,
// spans are dropped and counted, whatever the Agent does. Used without a
// tracer, it has a budget of its own, of the default size (32 MiB).
type Exporter struct {
	cfg       config
	client    *http.Client
	ownClient bool   // made here, so its idle connections are ours to close
	baseURL   string // scheme://host[:port]
	infoURL   string
	headers   http.Header

	encs *encoders

	queue   chan *payload
	free    payloads
	pending idle.Signal  // payloads queued or in flight
	pause   atomic.Int64 // no request before this UnixNano: the Agent's Retry-After

	ctx      context.Context // parent of every request; cancelled when Shutdown gives up
	cancel   context.CancelFunc
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
	ended    chan struct{} // closed when every goroutine has returned
	// discovered is closed once the request for /info is over, answered
	// or not.
	discovered chan struct{}

	receiver atomic.Pointer[receiverBox]
	info     atomic.Pointer[Info]
	stats    counters
	logs     ratelog.Limiter

	// Client-side statistics (clientstats*.go); conc is nil when they are
	// not wanted.
	conc         *concentrator
	statsView    atomic.Pointer[statsView] // set once the Agent allows them
	statsRefused atomic.Bool               // the Agent refused a payload: off for good
	statsFlush   chan chan struct{}
	statsSeq     atomic.Uint64
	statsHeaders http.Header
	p0           p0Counts // sampled-out chunks dropped, for the next trace payload's headers
}

// rateReceiver is what follows the Agent's rates: sampling.AgentRates.
type rateReceiver = interface {
	ReceiveRates(rates map[string]float64)
}

type receiverBox struct{ r rateReceiver }

// ErrShutdown is returned by Export after Shutdown.
var ErrShutdown = errors.New("agent: exporter is shut down")

// New returns an Exporter configured by opts and starts its background
// work: one goroutine that flushes on an interval, the senders, and a
// one-off request for the Agent's /info, none of which delays the caller.
// An address that cannot be parsed is reported by the logger, and the
// exporter then drops what it is given, counting it as failed.
func New(opts ...Option) *Exporter {
	cfg := newConfig(opts)
	e := &Exporter{
		cfg:        cfg,
		queue:      make(chan *payload, 4096),
		stop:       make(chan struct{}),
		ended:      make(chan struct{}),
		discovered: make(chan struct{}),
	}
	e.free.mem.Store(newBlockPool(trace.NewMemoryBudget(0)))
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.encs = newEncoders(func() *encoder {
		enc := newEncoder(cfg.maxPayload, &e.free, e.enqueue,
			func(n int) { e.stats.droppedTooLarge.Add(uint64(n)) },
			e.overBudget)
		enc.spanSampler = cfg.spanSampler
		enc.use05 = e.use05
		enc.spanEvents = e.spanEvents
		enc.eventsDropped = &e.stats.eventsDropped
		enc.sampledOut = e.countSampledOut
		return enc
	})

	ep, err := resolve(cfg.url)
	if err != nil {
		cfg.logger.Error("trace/agent: no usable Agent address; traces will be dropped", slog.String("error", err.Error()))
	} else {
		e.client = ep.client(cfg.client, cfg.concurrency)
		e.ownClient = cfg.client == nil
		e.baseURL = ep.base
		e.infoURL = ep.base + "/info"
	}
	e.headers = newHeaders()
	e.startStats()

	e.wg.Add(cfg.concurrency + 2)
	for range cfg.concurrency {
		go e.sender()
	}
	go e.ticker()
	go e.discover()
	go func() {
		e.wg.Wait()
		close(e.ended)
	}()
	if e.conc != nil {
		// With client-side statistics wanted, New waits for the Agent's
		// /info (at most its short timeout), as dd-trace-go's Start
		// does: the first traces are then counted by the statistics the
		// Agent allows, not sent as if they were off.
		<-e.discovered
	}
	return e
}

// use05 says whether the next payload is v0.5: as WithProtocol says, or,
// by default, once the Agent's /info has offered it.
func (e *Exporter) use05() bool {
	switch e.cfg.protocol {
	case "v0.4":
		return false
	case "v0.5":
		return true
	}
	i := e.info.Load()
	return i != nil && i.Supports("/v0.5/traces")
}

// spanEvents says whether the Agent's /info has said it takes span events
// natively (events.go).
func (e *Exporter) spanEvents() bool {
	i := e.info.Load()
	return i != nil && i.SpanEvents
}

// UseBudget makes the exporter take the memory of its payloads from b, the
// tracer's budget: trace.New calls it. Payloads already built keep the
// budget they were taken from.
func (e *Exporter) UseBudget(b *trace.MemoryBudget) {
	if b != nil {
		if old := e.free.mem.Swap(newBlockPool(b)); old != nil {
			old.drain()
		}
	}
}

// NonBlocking says that Export never waits for the network
// (trace.NonBlockingExporter).
func (e *Exporter) NonBlocking() {}

// Export encodes batch into a payload being built, and hands the payload
// to the senders when it passes the flush size. It never waits for the
// network, and several goroutines may call it at once, each with an
// encoder of its own.
func (e *Exporter) Export(ctx context.Context, batch []trace.Chunk) error {
	enc := e.encs.acquire()
	if enc == nil {
		return ErrShutdown
	}
	defer enc.mu.Unlock()
	view := e.clientStats()
	enc.setClientStats(view != nil)
	// Counted, and the flush size read, once per batch: both read lines
	// that every exporting core writes (the budget's counter most of all),
	// a cache miss per trace when done per chunk (BenchmarkRootSpan3Tags).
	// Received before encoding: a payload may be sent, and counted, before
	// this returns.
	spans := 0
	for _, c := range batch {
		spans += c.Len()
	}
	e.stats.received.Add(uint64(spans))
	flushAt := e.flushAt()
	for _, c := range batch {
		if view != nil && c.Len() > 0 {
			e.conc.add(enc.scratch.read(c, view))
		}
		enc.chunk(c, view != nil)
		if enc.p != nil && enc.p.size() >= flushAt {
			enc.take()
		}
	}
	return nil
}

// flushAt is the payload size at which a payload is handed to the
// senders: the flush size, or a quarter megabyte once half the memory
// budget is taken, so that payloads being built by several encoders do not
// sit on memory the senders could be draining.
func (e *Exporter) flushAt() int {
	if b := e.free.mem.Load().budget; b.InUse() > b.Limit()/2 {
		return min(e.cfg.flushSize, 4*blockSize)
	}
	return e.cfg.flushSize
}

// Flush sends the payloads being built and waits until every payload
// handed on so far was sent (or dropped), or until ctx is done. With
// client-side statistics, it also sends every bucket of statistics, the
// current one included, as dd-trace-go's Flush does.
func (e *Exporter) Flush(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e.encs.each((*encoder).take)
	if err := e.pending.Wait(ctx); err != nil {
		return err
	}
	return e.flushStats(ctx)
}

// Shutdown sends what is buffered (statistics included) and waits for the
// payloads in flight, at most until ctx is done; then it cancels them and says how many spans were
// lost. It returns by ctx's deadline whatever the HTTP transport does;
// every goroutine of the exporter has ended by then, except a request
// stuck in a transport that ignores its context, which ends (and is
// counted) when the transport returns.
func (e *Exporter) Shutdown(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e.stopOnce.Do(func() {
		e.encs.close(func(enc *encoder) {
			enc.take()
			enc.release()
		})
		close(e.queue) // no Export can hand on a payload now
		close(e.stop)
	})
	select {
	case <-e.ended:
		e.closeIdle()
		e.free.mem.Load().drain()
		e.cancel()
		return nil
	case <-ctx.Done():
	}
	// Give up: requests and backoffs end at once, and the payloads still
	// queued are counted as lost at shutdown.
	e.cancel()
	select {
	case <-e.ended:
		e.closeIdle()
		e.free.mem.Load().drain()
	case <-time.After(shutdownGrace):
		// A transport that ignores cancellation: do not wait for it.
	}
	pending, _, _ := e.ExportStats()
	lost := pending + e.stats.droppedShutdown.Load()
	// Said here too: a tracer's Shutdown may have stopped waiting for this
	// one, and would not see the error.
	e.cfg.logger.Warn("trace/agent: shutdown deadline passed; spans not delivered", slog.Uint64("spans", lost))
	return fmt.Errorf("agent: shutdown: %d spans not delivered: %w", lost, ctx.Err())
}

// shutdownGrace is how long Shutdown, past its deadline, waits for
// cancelled requests to return before it stops waiting for them.
const shutdownGrace = 50 * time.Millisecond

// closeIdle closes the idle keep-alive connections of a client made here:
// each holds two goroutines until the transport's idle timeout.
func (e *Exporter) closeIdle() {
	if e.ownClient && e.client != nil {
		e.client.CloseIdleConnections()
	}
}

// SetRateReceiver makes the exporter hand the Agent's sampling rates to r.
// trace.New calls it when the tracer's sampler follows such rates, as
// sampling.AgentRates does.
func (e *Exporter) SetRateReceiver(r rateReceiver) {
	e.receiver.Store(&receiverBox{r})
}

// enqueue hands a full payload to the senders. Its memory was taken from
// the budget as it was built; it never waits.
func (e *Exporter) enqueue(p *payload) {
	e.pending.Add()
	select {
	case e.queue <- p:
	default:
		e.pending.Done()
		e.stats.droppedQueueFull.Add(uint64(p.spans))
		p.release()
	}
}

// overBudget counts spans the memory budget had no room for.
func (e *Exporter) overBudget(n int) {
	e.stats.droppedQueueFull.Add(uint64(n))
	e.warn("budget", "trace/agent: memory budget full; dropping spans", slog.Int("spans", n))
}

// warn logs a kind of trouble at most once per interval.
func (e *Exporter) warn(kind, msg string, attrs ...any) {
	if e.logs.Allow(kind) {
		e.cfg.logger.Warn(msg, attrs...)
	}
}

func (e *Exporter) ticker() {
	defer e.wg.Done()
	t := time.NewTicker(e.cfg.flushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			e.encs.each((*encoder).take)
		case <-e.stop:
			return
		}
	}
}

func (e *Exporter) sender() {
	defer e.wg.Done()
	for p := range e.queue {
		e.send(p)
		e.pending.Done()
		p.release()
	}
}
