package agent

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/ctxtrace/trace/internal/retry"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// MaxRetryAfter bounds how long the exporter honours an Agent's
// Retry-After: a longer wait holds memory the budget would rather give to
// newer spans.
const MaxRetryAfter = time.Minute

func newHeaders() http.Header {
	h := http.Header{
		"Content-Type":                      {"application/msgpack"},
		"Datadog-Meta-Lang":                 {"go"},
		"Datadog-Meta-Lang-Version":         {langVersion},
		"Datadog-Meta-Lang-Interpreter":     {langInterpreter},
		"Datadog-Meta-Tracer-Version":       {TracerVersion},
		"Datadog-Client-Computed-Top-Level": {"yes"},
	}
	if id := containerID(); id != "" {
		h.Set("Datadog-Container-ID", id)
	}
	return h
}

// send delivers one payload, retrying connection errors, 429s and 5xxs
// with exponential backoff, or after the Agent's Retry-After when it gives
// one (at most MaxRetryAfter, for every sender); other answers are final.
func (e *Exporter) send(p *payload) {
	body := p.seal()
	size := 0
	for _, b := range body {
		size += len(b)
	}
	// The sampled-out chunks dropped so far travel with this payload, and
	// wait for the next one if the Agent does not take it.
	p0Traces, p0Spans := e.p0.take()
	accepted := false
	defer func() {
		if !accepted {
			e.p0.add(p0Traces, p0Spans)
		}
	}()
	backoff := e.cfg.backoff
	for attempt := 0; ; attempt++ {
		if !e.waitPause() {
			e.stats.droppedShutdown.Add(uint64(p.spans))
			return
		}
		status, retryAfter, err := e.post(p, body, size, p0Traces, p0Spans)
		switch {
		case err == nil && status/100 == 2:
			accepted = true
			e.stats.payloads.Add(1)
			e.stats.sent.Add(uint64(p.spans))
			e.stats.bytes.Add(uint64(size))
			return
		case err == nil && status/100 == 4 && status != http.StatusTooManyRequests:
			e.stats.droppedRejected.Add(uint64(p.spans))
			e.warn("rejected", "trace/agent: the Agent rejected a payload",
				slog.Int("status", status), slog.Int("spans", p.spans), slog.Int("bytes", size))
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
			e.warn("failed", "trace/agent: could not send traces to the Agent", attrs...)
			return
		}
		e.stats.retries.Add(1)
		wait := backoff
		if retryAfter > 0 {
			wait = min(retryAfter, MaxRetryAfter)
			e.setPause(time.Now().Add(wait))
		}
		if !retry.Sleep(e.ctx, wait) {
			e.stats.droppedShutdown.Add(uint64(p.spans))
			return
		}
		backoff = min(2*backoff, e.cfg.maxBackoff)
	}
}

// setPause makes every sender wait until t before its next request.
func (e *Exporter) setPause(t time.Time) {
	for {
		old := e.pause.Load()
		if t.UnixNano() <= old || e.pause.CompareAndSwap(old, t.UnixNano()) {
			return
		}
	}
}

// waitPause waits out a pause the Agent asked for, and reports false if
// the exporter gave up meanwhile.
func (e *Exporter) waitPause() bool {
	until := e.pause.Load()
	if until == 0 {
		return e.ctx.Err() == nil
	}
	return retry.Sleep(e.ctx, time.Until(time.Unix(0, until)))
}

// maxResponse bounds how much of an answer is read: the Agent's answer is a
// small JSON object, and a broken one must not cost memory.
const maxResponse = 64 << 10

var errNoAddress = errors.New("agent: no usable address")

// post sends p's body, size bytes in blocks, once and returns the HTTP
// status, and the Retry-After of a 429 or 503. p0Traces and p0Spans are the
// sampled-out chunks and spans dropped, for the Agent's counts.
func (e *Exporter) post(p *payload, body [][]byte, size int, p0Traces, p0Spans uint64) (int, time.Duration, error) {
	if e.client == nil {
		return 0, 0, errNoAddress
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.timeout)
	defer cancel()
	path := "/v0.4/traces"
	if p.v05 {
		path = "/v0.5/traces"
	}
	bufs := net.Buffers(slices.Clone(body)) // reading consumes it: one per attempt
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.baseURL+path, &bufs)
	if err != nil {
		return 0, 0, err
	}
	req.ContentLength = int64(size)
	for k, v := range e.headers {
		req.Header[k] = v
	}
	req.Header.Set("X-Datadog-Trace-Count", strconv.Itoa(p.traces))
	if p.clientStats {
		req.Header.Set("Datadog-Client-Computed-Stats", "yes")
	}
	t, s := p0Headers(p0Traces, p0Spans)
	req.Header.Set("Datadog-Client-Dropped-P0-Traces", t)
	req.Header.Set("Datadog-Client-Dropped-P0-Spans", s)
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	var retryAfter time.Duration
	switch {
	case resp.StatusCode/100 == 2:
		e.feedback(answer, err)
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusServiceUnavailable:
		retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return resp.StatusCode, retryAfter, nil
}

// feedback hands the rates of a successful answer to the sampler.
func (e *Exporter) feedback(answer []byte, readErr error) {
	box := e.receiver.Load()
	if box == nil {
		return
	}
	if readErr != nil || len(answer) > maxResponse {
		e.warn("answer", "trace/agent: unreadable answer from the Agent; sampling rates unchanged")
		return
	}
	var r struct {
		RateByService map[string]float64 `json:"rate_by_service"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		e.warn("answer", "trace/agent: invalid answer from the Agent; sampling rates unchanged",
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

// parseRetryAfter reads a Retry-After header, at most MaxRetryAfter.
func parseRetryAfter(h string, now time.Time) time.Duration {
	return retry.ParseAfter(h, now, MaxRetryAfter)
}
