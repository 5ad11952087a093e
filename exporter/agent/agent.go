package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace"
)

// Exporter sends traces to a Datadog Agent. Create it with New and give it
// to trace.New with trace.WithExporter. It is safe for concurrent use.
type Exporter struct {
	cfg       config
	client    *http.Client
	ownClient bool // made here, so its idle connections are ours to close
	tracesURL string
	infoURL   string
	headers   http.Header

	mu     sync.Mutex // guards enc and closed
	enc    *encoder
	closed bool

	queue   chan *payload
	free    payloads
	queued  atomic.Int64 // bytes of payloads queued or in flight
	pending idleSignal   // payloads queued or in flight

	ctx      context.Context // parent of every request; cancelled when Shutdown gives up
	cancel   context.CancelFunc
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup

	receiver atomic.Pointer[receiverBox]
	info     atomic.Pointer[Info]
	stats    counters
	logs     logLimiter
}

type receiverBox struct{ r trace.RateReceiver }

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
		cfg:   cfg,
		queue: make(chan *payload, 4096),
		free:  newPayloads(cfg.concurrency+1, cfg.flushSize+cfg.flushSize/4),
		stop:  make(chan struct{}),
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.enc = newEncoder(cfg.maxPayload, e.free, e.enqueue, func(n int) { e.stats.droppedTooLarge.Add(uint64(n)) })
	e.enc.spanSampler = cfg.spanSampler

	ep, err := resolve(cfg.url)
	if err != nil {
		cfg.logger.Error("trace/agent: no usable Agent address; traces will be dropped", slog.String("error", err.Error()))
	} else {
		e.client = ep.client(cfg.client, cfg.concurrency)
		e.ownClient = cfg.client == nil
		e.tracesURL = ep.base + "/v0.4/traces"
		e.infoURL = ep.base + "/info"
	}
	e.headers = http.Header{
		"Content-Type":                      {"application/msgpack"},
		"Datadog-Meta-Lang":                 {"go"},
		"Datadog-Meta-Lang-Version":         {langVersion},
		"Datadog-Meta-Lang-Interpreter":     {langInterpreter},
		"Datadog-Meta-Tracer-Version":       {TracerVersion},
		"Datadog-Client-Computed-Top-Level": {"yes"},
		// Every trace is sent, sampled out or not, so that the Agent's
		// statistics see them all: nothing is dropped on this side.
		"Datadog-Client-Dropped-P0-Traces": {"0"},
		"Datadog-Client-Dropped-P0-Spans":  {"0"},
	}
	if id := containerID(); id != "" {
		e.headers.Set("Datadog-Container-ID", id)
	}

	e.wg.Add(cfg.concurrency + 2)
	for range cfg.concurrency {
		go e.sender()
	}
	go e.ticker()
	go e.discover()
	return e
}

// Export encodes batch into the payload being built, and hands the payload
// to the senders when it passes the flush size. It never waits for the
// network.
func (e *Exporter) Export(ctx context.Context, batch []trace.Chunk) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrShutdown
	}
	for _, c := range batch {
		e.stats.received.Add(uint64(c.Len()))
		e.enc.chunk(c)
		if e.enc.p.buf.Len() >= e.cfg.flushSize {
			e.enc.take()
		}
	}
	return nil
}

// Flush sends the payload being built and waits until every payload
// handed on so far was sent (or dropped), or until ctx is done.
func (e *Exporter) Flush(ctx context.Context) error {
	e.mu.Lock()
	if !e.closed {
		e.enc.take()
	}
	e.mu.Unlock()
	return e.pending.wait(ctx)
}

// Shutdown sends what is buffered and waits for the payloads in flight, at
// most until ctx is done; then it cancels them and says how many spans were
// lost. Every goroutine of the exporter has ended when it returns.
func (e *Exporter) Shutdown(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e.stopOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		e.enc.take()
		close(e.queue)
		e.mu.Unlock()
		close(e.stop)
	})
	done := make(chan struct{})
	go func() {
		e.wg.Wait()
		// Idle keep-alive connections hold two goroutines each until the
		// transport's idle timeout: close them with the exporter.
		if e.ownClient {
			e.client.CloseIdleConnections()
		}
		close(done)
	}()
	select {
	case <-done:
		e.cancel()
		return nil
	case <-ctx.Done():
	}
	// Give up: requests and backoffs end at once, and the payloads still
	// queued are counted as lost at shutdown.
	e.cancel()
	<-done
	lost := e.stats.droppedShutdown.Load()
	// Said here too: a tracer's Shutdown may have stopped waiting for this
	// one, and would not see the error.
	e.cfg.logger.Warn("trace/agent: shutdown deadline passed; spans not delivered", slog.Uint64("spans", lost))
	return fmt.Errorf("agent: shutdown: %d spans not delivered: %w", lost, ctx.Err())
}

// SetRateReceiver makes the exporter hand the Agent's sampling rates to r.
// trace.New calls it when the tracer's sampler is a trace.RateReceiver.
func (e *Exporter) SetRateReceiver(r trace.RateReceiver) {
	e.receiver.Store(&receiverBox{r})
}

// enqueue hands a full payload to the senders, or drops it when the queue
// is over its byte budget. It never waits.
func (e *Exporter) enqueue(p *payload) {
	size := int64(p.buf.Len())
	if e.queued.Add(size) > int64(e.cfg.queueBytes) {
		e.queued.Add(-size)
		e.stats.droppedQueueFull.Add(uint64(p.spans))
		e.free.put(p)
		e.logs.warn(e.cfg.logger, "queue_full", "trace/agent: payload queue full; dropping spans",
			slog.Int("spans", p.spans))
		return
	}
	e.pending.add()
	select {
	case e.queue <- p:
	default:
		e.queued.Add(-size)
		e.pending.done()
		e.stats.droppedQueueFull.Add(uint64(p.spans))
	}
}

func (e *Exporter) ticker() {
	defer e.wg.Done()
	t := time.NewTicker(e.cfg.flushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			e.mu.Lock()
			if !e.closed {
				e.enc.take()
			}
			e.mu.Unlock()
		case <-e.stop:
			return
		}
	}
}

func (e *Exporter) sender() {
	defer e.wg.Done()
	for p := range e.queue {
		e.send(p)
		e.queued.Add(-int64(p.buf.Len()))
		e.pending.done()
		e.free.put(p)
	}
}

// send delivers one payload, retrying connection errors, 429s and 5xxs
// with exponential backoff; other answers are final.
func (e *Exporter) send(p *payload) {
	body := p.seal()
	backoff := e.cfg.backoff
	for attempt := 0; ; attempt++ {
		status, err := e.post(body, p.traces)
		switch {
		case err == nil && status/100 == 2:
			e.stats.payloads.Add(1)
			e.stats.sent.Add(uint64(p.spans))
			e.stats.bytes.Add(uint64(len(body)))
			return
		case err == nil && status/100 == 4 && status != http.StatusTooManyRequests:
			e.stats.droppedRejected.Add(uint64(p.spans))
			e.logs.warn(e.cfg.logger, "rejected", "trace/agent: the Agent rejected a payload",
				slog.Int("status", status), slog.Int("spans", p.spans), slog.Int("bytes", len(body)))
			return
		}
		if e.ctx.Err() != nil {
			e.stats.droppedShutdown.Add(uint64(p.spans))
			return
		}
		if attempt >= e.cfg.retries {
			e.stats.droppedFailed.Add(uint64(p.spans))
			attrs := []any{slog.Int("spans", p.spans), slog.Int("attempts", attempt+1)}
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
			} else {
				attrs = append(attrs, slog.Int("status", status))
			}
			e.logs.warn(e.cfg.logger, "failed", "trace/agent: could not send traces to the Agent", attrs...)
			return
		}
		e.stats.retries.Add(1)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-e.ctx.Done():
			t.Stop()
		}
		backoff = min(2*backoff, e.cfg.maxBackoff)
	}
}

// maxResponse bounds how much of an answer is read: the Agent's answer is a
// small JSON object, and a broken one must not cost memory.
const maxResponse = 64 << 10

var errNoAddress = errors.New("agent: no usable address")

// post sends body once and returns the HTTP status.
func (e *Exporter) post(body []byte, traces int) (int, error) {
	if e.client == nil {
		return 0, errNoAddress
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.tracesURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range e.headers {
		req.Header[k] = v
	}
	req.Header.Set("X-Datadog-Trace-Count", strconv.Itoa(traces))
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if resp.StatusCode/100 == 2 {
		e.feedback(answer, err)
	}
	return resp.StatusCode, nil
}

// feedback hands the rates of a successful answer to the sampler.
func (e *Exporter) feedback(answer []byte, readErr error) {
	box := e.receiver.Load()
	if box == nil {
		return
	}
	if readErr != nil || len(answer) > maxResponse {
		e.logs.warn(e.cfg.logger, "answer", "trace/agent: unreadable answer from the Agent; sampling rates unchanged")
		return
	}
	var r struct {
		RateByService map[string]float64 `json:"rate_by_service"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		e.logs.warn(e.cfg.logger, "answer", "trace/agent: invalid answer from the Agent; sampling rates unchanged",
			slog.String("error", err.Error()))
		return
	}
	if r.RateByService == nil {
		return
	}
	for k, v := range r.RateByService {
		if !(v >= 0 && v <= 1) {
			delete(r.RateByService, k)
		}
	}
	box.r.ReceiveRates(r.RateByService)
}

// idleSignal counts work in progress and lets callers wait for none.
type idleSignal struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n is 0; nil means closed
}

func (s *idleSignal) add() {
	s.mu.Lock()
	if s.n == 0 {
		s.idle = make(chan struct{})
	}
	s.n++
	s.mu.Unlock()
}

func (s *idleSignal) done() {
	s.mu.Lock()
	s.n--
	if s.n == 0 {
		close(s.idle)
	}
	s.mu.Unlock()
}

func (s *idleSignal) wait(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	s.mu.Lock()
	if s.n == 0 {
		s.mu.Unlock()
		return nil
	}
	ch := s.idle
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// logLimiter logs each kind of trouble at most once per interval.
type logLimiter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const logEvery = 10 * time.Second

func (l *logLimiter) warn(logger *slog.Logger, kind, msg string, attrs ...any) {
	now := time.Now()
	l.mu.Lock()
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	if t, ok := l.last[kind]; ok && now.Sub(t) < logEvery {
		l.mu.Unlock()
		return
	}
	l.last[kind] = now
	l.mu.Unlock()
	logger.Warn(msg, attrs...)
}
