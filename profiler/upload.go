package profiler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maxAttempts is how many times a batch is sent, as in dd-trace-go: once,
// and once more after a connection error or a 5xx.
const maxAttempts = 2

// errOldAgent is what a 404 from the Agent means.
var errOldAgent = errors.New("the Datadog Agent is not accepting profiles: agent-based profiling requires Datadog Agent >= 7.20")

// retriable marks an error after which a later attempt may succeed.
type retriable struct{ err error }

func (e retriable) Error() string { return e.err.Error() }
func (e retriable) Unwrap() error { return e.err }

// deliver makes attempt number attempt (1 or 2) to upload b. After a first
// attempt that may succeed later, it returns the retry to make, at a random
// time within the next period as dd-trace-go does; otherwise it counts the
// outcome, logs a failure (once per interval) and returns nil.
func (p *profiler) deliver(ctx context.Context, b *batch, attempt int) *retry {
	if attempt > 1 {
		p.counts.retried.Add(1)
	}
	err := p.send(ctx, b)
	var re retriable
	switch {
	case err == nil:
		p.counts.uploaded.Add(1)
		p.cfg.count("datadog.profiling.go.upload_success", 1, nil)
		p.cfg.count("datadog.profiling.go.uploaded_profile_bytes", b.size(), nil)
		return nil
	case errors.As(err, &re) && attempt < maxAttempts && ctx.Err() == nil:
		p.cfg.count("datadog.profiling.go.upload_retry", 1, nil)
		return &retry{bat: b, at: p.clock.Now().Add(time.Duration(p.randN(int64(p.cfg.period))))}
	}
	p.counts.failed.Add(1)
	p.cfg.count("datadog.profiling.go.upload_error", 1, nil)
	if ctx.Err() == nil && p.limiter.Allow("upload") {
		p.log.Warn("profiler: could not upload profiles",
			slog.String("url", p.cfg.targetURL), slog.Int("attempts", attempt),
			slog.Uint64("failed_so_far", p.counts.failed.Load()), slog.String("error", err.Error()))
	}
	return nil
}

// size is the batch's profile bytes.
func (b *batch) size() int64 {
	var n int64
	for _, prof := range b.profiles {
		n += int64(len(prof.data))
	}
	return n
}

// send posts b once, within the upload timeout and ctx.
func (p *profiler) send(ctx context.Context, b *batch) error {
	body, contentType, err := p.encode(b)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.uploadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.targetURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range p.headers {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := p.cfg.httpClient.Do(req)
	if err != nil {
		return retriable{err}
	}
	defer resp.Body.Close()
	// Read a little of the answer, so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode/100 == 5:
		return retriable{fmt.Errorf("the Agent answered %s", resp.Status)}
	case resp.StatusCode == http.StatusNotFound && !p.cfg.agentless:
		return errOldAgent
	}
	return fmt.Errorf("the Agent answered %s", resp.Status)
}
