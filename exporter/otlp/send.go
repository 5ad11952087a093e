package otlp

import (
	"context"
	"github.com/ctxtrace/trace/internal/retry"
	"log/slog"
	"math/rand/v2"
	"time"
)

// retryPolicy is the backoff between attempts (WithRetry).
type retryPolicy struct{ initial, max time.Duration }

var defaultRetry = retryPolicy{initial: 500 * time.Millisecond, max: 5 * time.Second}

// clock is the time the senders see: the real one, or a test's, which
// waits for nothing.
type clock struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) bool // false if ctx ended first
	rand  func() float64                                  // in [0, 1): the backoff's jitter
}

var realClock = clock{now: time.Now, sleep: retry.Sleep, rand: rand.Float64}

// outcome is what became of one attempt at a request.
type outcome uint8

const (
	accepted  outcome = iota // the destination took it, maybe in part
	retryable                // worth trying again: a connection error, 429, 503, UNAVAILABLE...
	rejected                 // not worth trying again: 400, another 4xx or 5xx, INVALID_ARGUMENT...
)

// result is the answer to one attempt.
type result struct {
	outcome    outcome
	retryAfter time.Duration // what the destination asked to wait, if anything
	// A partial success: how many spans the destination rejected, and
	// why.
	rejectedSpans int64
	message       string
	err           error // what went wrong, for the log
	// sent is the size of the request as it went on the wire, when the
	// transport compressed it (gRPC with gzip); 0 means its body's.
	sent int
}

// transport sends one encoded request.
type transport interface {
	// export makes one attempt at sending r's body, compressed already
	// when Export compresses (HTTP with gzip). What reads the body is
	// lent it (request.lent) until the transport is done with it.
	export(ctx context.Context, r *request) result
	close()
}

// sender sends requests until Shutdown closes the queue and it is
// empty.
func (e *Exporter) sender() {
	defer e.wg.Done()
	var r request
	var next *payload // taken from the queue, but too large to join the last request
	for {
		p := next
		if p == nil {
			var ok bool
			if p, ok = <-e.queue; !ok {
				return
			}
		}
		r.add(p)
		next = nil
		if e.joinable {
			next = e.join(&r)
		}
		e.send(&r)
		r.done(e)
	}
}

// join adds to r the payloads waiting in the queue, without waiting for
// any, as long as they fit below the maximum request size. It returns
// the first one that did not fit, for the next request.
func (e *Exporter) join(r *request) *payload {
	for {
		select {
		case p, ok := <-e.queue:
			if !ok {
				return nil
			}
			if r.size+len(*p.buf) > e.cfg.maxRequest {
				return p
			}
			r.add(p)
		default:
			return nil
		}
	}
}

// send delivers one request: it tries until the destination takes it,
// rejects it, or the request's timeout would pass before the next
// attempt, waiting between attempts as the retry policy or the
// destination says. Every span of the request ends counted once.
func (e *Exporter) send(r *request) {
	clk := e.clock
	deadline := clk.now().Add(e.cfg.timeout)
	backoff := e.cfg.retry.initial
	for {
		if e.ctx.Err() != nil {
			e.stats.droppedShutdown.Add(uint64(r.spans))
			return
		}
		ctx, cancel := context.WithTimeout(e.ctx, deadline.Sub(clk.now()))
		res := e.transport.export(ctx, r)
		cancel()
		e.stats.requests.Add(1)
		switch {
		case res.outcome == accepted:
			e.accepted(r, res)
			return
		case e.ctx.Err() != nil:
			e.stats.droppedShutdown.Add(uint64(r.spans))
			return
		case res.outcome == rejected:
			e.stats.droppedRejected.Add(uint64(r.spans))
			e.warn("rejected", "trace/otlp: the destination rejected a request; spans dropped",
				slog.Int("spans", r.spans), slog.String("error", errText(res)))
			return
		}
		wait := res.retryAfter
		if wait <= 0 && backoff > 0 {
			wait = backoff/2 + time.Duration(clk.rand()*float64(backoff/2))
		}
		if backoff <= 0 || clk.now().Add(wait).After(deadline) {
			e.stats.droppedFailed.Add(uint64(r.spans))
			e.warn("failed", "trace/otlp: could not export spans before the timeout; spans dropped",
				slog.Int("spans", r.spans), slog.String("error", errText(res)), slog.Duration("timeout", e.cfg.timeout))
			return
		}
		e.stats.retries.Add(1)
		if !clk.sleep(e.ctx, wait) {
			e.stats.droppedShutdown.Add(uint64(r.spans))
			return
		}
		backoff = min(2*backoff, max(e.cfg.retry.max, e.cfg.retry.initial))
	}
}

// accepted counts a request the destination took: its spans sent, but
// those a partial success says it rejected.
func (e *Exporter) accepted(r *request, res result) {
	n := uint64(r.spans)
	if res.rejectedSpans > 0 {
		k := min(uint64(res.rejectedSpans), n)
		e.stats.partialRejected.Add(k)
		n -= k
		e.warn("partial", "trace/otlp: the destination rejected part of a request",
			slog.Int64("rejected_spans", res.rejectedSpans), slog.String("message", res.message))
	} else if res.message != "" {
		e.warn("partial", "trace/otlp: the destination accepted a request with a warning",
			slog.String("message", res.message))
	}
	e.stats.sent.Add(n)
	size := r.size
	if res.sent > 0 {
		size = res.sent
	}
	e.stats.bytes.Add(uint64(size))
}

// errText describes what went wrong with an attempt.
func errText(res result) string {
	switch {
	case res.err != nil:
		return res.err.Error()
	case res.message != "":
		return res.message
	}
	return "unknown"
}

// warn logs a kind of trouble at most once per interval.
func (e *Exporter) warn(kind, msg string, attrs ...any) {
	if e.logs.Allow(kind) {
		e.logger.Warn(msg, attrs...)
	}
}
