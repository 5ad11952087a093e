package agent

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/retry"
)

// How client-side statistics are switched on, flushed and sent. The
// exporter computes them only once the Agent allows it (useInfo), stops
// for good when the Agent refuses them (a 4xx from /v0.6/stats: the Agent
// then computes them from every trace again, as before), and sends them
// from one goroutine: every bucket interval, on Flush, and at Shutdown.

// clientStats returns what the statistics need from the Agent's /info
// when the exporter computes them now, or nil.
func (e *Exporter) clientStats() *statsView {
	if e.conc == nil || e.statsRefused.Load() {
		return nil
	}
	return e.statsView.Load()
}

// useInfo records the Agent's /info, and switches client-side statistics
// on if they are wanted and the Agent allows them: it serves /v0.6/stats
// and lets clients drop sampled-out traces.
func (e *Exporter) useInfo(i *Info) {
	if e.conc != nil && i.ClientDropP0s && i.Supports("/v0.6/stats") {
		e.statsView.Store(&statsView{peerKeys: i.PeerTags, defaultEnv: i.DefaultEnv})
	}
	e.info.Store(i)
}

// startStats makes the concentrator and starts the goroutine that sends
// what it holds, when WithStatsComputation (or the environment) asks for
// client-side statistics.
func (e *Exporter) startStats() {
	if !e.cfg.statsEnabled() {
		return
	}
	e.conc = newConcentrator(time.Now().UnixNano(), e.cfg.statsMaxGroups,
		func() *trace.MemoryBudget { return e.free.mem.Load().budget })
	e.statsFlush = make(chan chan struct{})
	e.statsHeaders = http.Header{
		"Content-Type":                  {"application/msgpack"},
		"Datadog-Meta-Lang":             {"go"},
		"Datadog-Meta-Lang-Version":     {langVersion},
		"Datadog-Meta-Lang-Interpreter": {langInterpreter},
		"Datadog-Meta-Tracer-Version":   {TracerVersion},
	}
	if id := containerID(); id != "" {
		e.statsHeaders.Set("Datadog-Container-ID", id)
	}
	e.wg.Add(1)
	go e.statsLoop()
}

// statsLoop sends the buckets that are done every bucket interval, and
// every bucket on Flush and at Shutdown.
func (e *Exporter) statsLoop() {
	defer e.wg.Done()
	t := time.NewTicker(time.Duration(statsBucketNS))
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			e.sendBuckets(e.conc.flush(now.UnixNano(), false))
		case done := <-e.statsFlush:
			e.sendBuckets(e.conc.flush(time.Now().UnixNano(), true))
			close(done)
		case <-e.stop:
			// No Export runs any more (Shutdown closed the encoders).
			e.sendBuckets(e.conc.flush(time.Now().UnixNano(), true))
			return
		}
	}
}

// flushStats sends every bucket and waits until they were sent or given
// up on, or until ctx is done.
func (e *Exporter) flushStats(ctx context.Context) error {
	if e.conc == nil {
		return nil
	}
	done := make(chan struct{})
	select {
	case e.statsFlush <- done:
	case <-e.stop:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sendBuckets encodes the buckets, one payload per payload key, sends
// them, and gives their memory back.
func (e *Exporter) sendBuckets(buckets []*statsBucket) {
	defer func() {
		for _, b := range buckets {
			b.release()
		}
	}()
	if len(buckets) == 0 {
		return
	}
	for _, p := range splitPayloads(buckets) {
		e.sendStats(p.encode(e.statsSeq.Add(1)))
	}
}

// sendStats posts one statistics payload, retrying connection errors,
// 429s and 5xxs as trace payloads are retried. A 4xx other than 429 means
// the Agent does not take client-side statistics after all: the exporter
// stops computing them, and sends every trace again.
func (e *Exporter) sendStats(body []byte) {
	backoff := e.cfg.backoff
	for attempt := 0; ; attempt++ {
		status, err := e.postStats(body)
		switch {
		case err == nil && status/100 == 2:
			e.stats.statsPayloads.Add(1)
			return
		case err == nil && status/100 == 4 && status != http.StatusTooManyRequests:
			e.stats.statsFailed.Add(1)
			if !e.statsRefused.Swap(true) {
				e.cfg.logger.Warn("trace/agent: the Agent refused client-side statistics; it computes them from every trace again",
					slog.Int("status", status))
			}
			return
		}
		if e.ctx.Err() != nil || attempt >= e.cfg.retries || !retry.Sleep(e.ctx, backoff) {
			e.stats.statsFailed.Add(1)
			attrs := []any{slog.Int("attempts", attempt+1)}
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
			} else {
				attrs = append(attrs, slog.Int("status", status))
			}
			e.warn("stats", "trace/agent: could not send statistics to the Agent", attrs...)
			return
		}
		backoff = min(2*backoff, e.cfg.maxBackoff)
	}
}

// postStats sends a statistics payload once and returns the HTTP status.
func (e *Exporter) postStats(body []byte) (int, error) {
	if e.client == nil {
		return 0, errNoAddress
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.baseURL+"/v0.6/stats", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range e.statsHeaders {
		req.Header[k] = v
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
	return resp.StatusCode, nil
}
