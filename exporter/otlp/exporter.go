package otlp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/idle"
	"github.com/ctxtrace/trace/internal/ratelog"
)

// The SDK the resource and the scope name (telemetry.sdk.*).
const (
	sdkName    = "ctxtrace"
	sdkVersion = "0.1.0" // exporter/agent's TracerVersion, less its prefix
	scopeName  = "github.com/ctxtrace/trace"
)

// queueLength bounds the requests waiting for a sender; the memory budget
// bounds their bytes.
const queueLength = 1024

// Exporter sends traces to an OpenTelemetry Collector, or any OTLP
// destination. Create it with New and give it to trace.New with
// trace.WithExporter. It is safe for concurrent use.
type Exporter struct {
	cfg       settings
	logger    *slog.Logger
	clock     clock
	transport transport
	// compress: Export gzips each request (HTTP with gzip); joinable:
	// senders may join queued requests into one (request).
	compress, joinable bool
	res                *resources
	encs               encoderPool
	bodies             bodyPool
	mem                atomic.Pointer[trace.MemoryBudget]

	mu      sync.RWMutex // Export reads closed and queues under it; Shutdown closes the queue
	closed  bool
	queue   chan *payload
	pending idle.Signal // requests queued or in flight

	ctx      context.Context // parent of every request; cancelled when Shutdown gives up
	cancel   context.CancelFunc
	stopOnce sync.Once
	endOnce  sync.Once
	wg       sync.WaitGroup
	ended    chan struct{} // closed when every sender has returned

	stats counters
	logs  ratelog.Limiter
}

// ErrShutdown is returned by Export after Shutdown.
var ErrShutdown = errors.New("otlp: exporter is shut down")

// New returns an Exporter configured by opts, then by the OTEL_* variables
// (see the package documentation), and starts its senders. It fails only
// on a malformed option: a malformed variable is logged once and its
// default used. It connects to nothing until the first export.
func New(opts ...Option) (*Exporter, error) {
	o := options{getenv: os.Getenv, clock: realClock}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	logger := o.logger
	if logger == nil {
		logger = slog.Default()
	}
	cfg, err := resolve(&o, env{get: o.getenv, warn: logger.Warn})
	if err != nil {
		return nil, err
	}
	var tr transport
	if cfg.protocol == GRPC {
		tr, err = newGRPC(cfg, o.dialOptions)
	} else {
		tr = newHTTP(cfg, o.httpClient)
	}
	if err != nil {
		return nil, err
	}
	e := &Exporter{
		cfg:       cfg,
		logger:    logger,
		clock:     o.clock,
		transport: tr,
		compress:  cfg.gzip && cfg.protocol != GRPC,
		res:       newResources(cfg.resource, cfg.service),
		queue:     make(chan *payload, queueLength),
		ended:     make(chan struct{}),
	}
	// Compressed requests are not joined: a body of several gzip members
	// is valid gzip, but not every server reads past the first.
	e.joinable = !e.compress
	e.mem.Store(trace.NewMemoryBudget(0))
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.wg.Add(cfg.concurrency)
	for range cfg.concurrency {
		go e.sender()
	}
	go func() {
		e.wg.Wait()
		close(e.ended)
	}()
	return e, nil
}

// UseBudget makes the exporter take the memory of its requests from b,
// the tracer's budget: trace.New calls it (trace.BudgetUser). Without a
// tracer, the exporter has a budget of its own, of the default size.
func (e *Exporter) UseBudget(b *trace.MemoryBudget) {
	if b != nil {
		e.mem.Store(b)
	}
}

// NonBlocking says that Export never waits for the network
// (trace.NonBlockingExporter).
func (e *Exporter) NonBlocking() {}

// Export encodes batch into requests and queues them for the senders. It
// never waits for the network, and several goroutines may call it at
// once. Spans that find no room, in the memory budget or the queue, are
// dropped and counted, never waited for.
func (e *Exporter) Export(_ context.Context, batch []trace.Chunk) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return ErrShutdown
	}
	enc := e.encs.get(e.newEncoder)
	defer e.encs.put(enc)
	for _, c := range batch {
		n := uint64(c.Len())
		if n == 0 {
			continue
		}
		e.stats.received.Add(n)
		p, decided := c.Priority()
		sampled := !decided || p.Keep()
		if !sampled && !e.cfg.sendUnsampled {
			e.stats.droppedUnsampled.Add(n)
			continue
		}
		enc.chunk(c, sampled)
	}
	enc.flush()
	return nil
}

func (e *Exporter) newEncoder() *encoder {
	return &encoder{
		res:      e.res,
		max:      e.cfg.maxRequest,
		emit:     e.emit,
		tooLarge: e.tooLarge,
	}
}

// emit queues the request enc has built, compressed if Export compresses.
// The caller holds e.mu for reading.
func (e *Exporter) emit(enc *encoder) {
	var zipped []byte
	size := 0
	if e.compress {
		var err error
		if zipped, err = enc.gz.compress(enc); err != nil {
			e.stats.droppedRejected.Add(uint64(enc.spans))
			e.warn("encode", "trace/otlp: could not compress a request; spans dropped", slog.String("error", err.Error()))
			return
		}
		size = len(zipped)
	} else {
		size = enc.requestSize()
	}
	mem := e.mem.Load()
	buf := e.bodies.get(mem, size)
	if buf == nil {
		e.stats.droppedQueueFull.Add(uint64(enc.spans))
		e.warn("budget", "trace/otlp: memory budget full; spans dropped", slog.Int("spans", enc.spans))
		return
	}
	p := &payload{buf: buf, spans: enc.spans, mem: mem, held: cap(*buf)}
	if e.compress {
		*buf = append(*buf, zipped...)
	} else {
		*buf = enc.appendRequest(*buf)
	}
	e.pending.Add()
	select {
	case e.queue <- p:
	default:
		e.pending.Done()
		e.free(p, true)
		e.stats.droppedQueueFull.Add(uint64(p.spans))
		e.warn("queue", "trace/otlp: too many requests waiting; spans dropped", slog.Int("spans", p.spans))
	}
}

func (e *Exporter) tooLarge() {
	e.stats.droppedTooLarge.Add(1)
	e.warn("too-large", "trace/otlp: a span is larger than the maximum request; dropped",
		slog.Int("max_request_bytes", e.cfg.maxRequest))
}

// Flush waits until every request queued so far was sent or dropped, or
// until ctx is done (trace.Flusher).
func (e *Exporter) Flush(ctx context.Context) error { return e.pending.Wait(ctx) }

// shutdownGrace is how long Shutdown, past its deadline, waits for
// cancelled requests to return before it stops waiting for them.
const shutdownGrace = 50 * time.Millisecond

// Shutdown sends what is queued and waits for it, at most until ctx is
// done; then it cancels what is left, which is counted as dropped at
// shutdown, and says how many spans were lost. Export fails after it; a
// second call does no harm.
func (e *Exporter) Shutdown(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e.stopOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		close(e.queue)
		e.mu.Unlock()
	})
	select {
	case <-e.ended:
		e.end()
		return nil
	case <-ctx.Done():
	}
	e.cancel() // attempts and waits end at once; what is queued is dropped
	select {
	case <-e.ended:
	case <-time.After(shutdownGrace):
		// A transport that ignores cancellation: do not wait for it.
	}
	e.end()
	pending, _, _ := e.ExportStats()
	lost := pending + e.stats.droppedShutdown.Load()
	e.logger.Warn("trace/otlp: shutdown deadline passed; spans not delivered", slog.Uint64("spans", lost))
	return fmt.Errorf("otlp: shutdown: %d spans not delivered: %w", lost, ctx.Err())
}

// end releases the transport once the senders are done with it.
func (e *Exporter) end() {
	e.endOnce.Do(func() {
		e.cancel()
		e.transport.close()
	})
}
