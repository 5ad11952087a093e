package otlp

import (
	"context"
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

var realClock = clock{now: time.Now, sleep: sleepCtx, rand: rand.Float64}

// sleepCtx waits d, and reports false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

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
}

// transport sends one encoded request.
type transport interface {
	// prepare turns an encoded request into the body sent on every
	// attempt: compressed, for HTTP with gzip.
	prepare(body []byte) ([]byte, error)
	export(ctx context.Context, body []byte) result
	close()
}

// send delivers one request: it tries until the destination takes it,
// rejects it, or the request's timeout would pass before the next
// attempt, waiting between attempts as the retry policy or the
// destination says. Every span of the request ends counted once.
func (e *Exporter) send(p *payload) {
	body, err := e.transport.prepare(p.body)
	if err != nil {
		e.stats.droppedRejected.Add(uint64(p.spans))
		e.warn("encode", "trace/otlp: could not prepare a request; spans dropped", slog.String("error", err.Error()))
		return
	}
	p.swap(body)
	clk := e.clock
	deadline := clk.now().Add(e.cfg.timeout)
	backoff := e.cfg.retry.initial
	for {
		if e.ctx.Err() != nil {
			e.stats.droppedShutdown.Add(uint64(p.spans))
			return
		}
		ctx, cancel := context.WithTimeout(e.ctx, deadline.Sub(clk.now()))
		res := e.transport.export(ctx, body)
		cancel()
		e.stats.requests.Add(1)
		switch {
		case res.outcome == accepted:
			e.accepted(p, len(body), res)
			return
		case e.ctx.Err() != nil:
			e.stats.droppedShutdown.Add(uint64(p.spans))
			return
		case res.outcome == rejected:
			e.stats.droppedRejected.Add(uint64(p.spans))
			e.warn("rejected", "trace/otlp: the destination rejected a request; spans dropped",
				slog.Int("spans", p.spans), slog.String("error", errText(res)))
			return
		}
		wait := res.retryAfter
		if wait <= 0 && backoff > 0 {
			wait = backoff/2 + time.Duration(clk.rand()*float64(backoff/2))
		}
		if backoff <= 0 || clk.now().Add(wait).After(deadline) {
			e.stats.droppedFailed.Add(uint64(p.spans))
			e.warn("failed", "trace/otlp: could not export spans before the timeout; spans dropped",
				slog.Int("spans", p.spans), slog.String("error", errText(res)), slog.Duration("timeout", e.cfg.timeout))
			return
		}
		e.stats.retries.Add(1)
		if !clk.sleep(e.ctx, wait) {
			e.stats.droppedShutdown.Add(uint64(p.spans))
			return
		}
		backoff = min(2*backoff, max(e.cfg.retry.max, e.cfg.retry.initial))
	}
}

// accepted counts a request the destination took: its spans sent, but
// those a partial success says it rejected.
func (e *Exporter) accepted(p *payload, size int, res result) {
	n := uint64(p.spans)
	if res.rejectedSpans > 0 {
		r := min(uint64(res.rejectedSpans), n)
		e.stats.partialRejected.Add(r)
		n -= r
		e.warn("partial", "trace/otlp: the destination rejected part of a request",
			slog.Int64("rejected_spans", res.rejectedSpans), slog.String("message", res.message))
	} else if res.message != "" {
		e.warn("partial", "trace/otlp: the destination accepted a request with a warning",
			slog.String("message", res.message))
	}
	e.stats.sent.Add(n)
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
