package trace

import (
	"log/slog"
	"sync"
	"time"

	"github.com/ctxtrace/trace/internal/ratelog"
)

// dropReporter logs drops at most once per interval, never once per span,
// and once more at shutdown for whatever the last interval held back.
// Only the batcher reports; exportFailed may be called by any goroutine
// that exports.
type dropReporter struct {
	now      func() time.Time
	limit    ratelog.Limiter
	reported Drops

	mu        sync.Mutex
	lastError error
}

func (r *dropReporter) exportFailed(err error) {
	r.mu.Lock()
	r.lastError = err
	r.mu.Unlock()
}

// report logs the drops since the last report, if there are any and the
// interval allows it; final (at shutdown) ignores the interval.
func (r *dropReporter) report(cfg *pipelineConfig, final bool) {
	s := cfg.drops()
	if s == r.reported {
		return
	}
	if r.limit.Now == nil {
		r.limit.Now = r.now
	}
	if !r.limit.Allow("drops") && !final {
		return
	}
	d := Drops{
		QueueFull:    s.QueueFull - r.reported.QueueFull,
		ExportFailed: s.ExportFailed - r.reported.ExportFailed,
		Shutdown:     s.Shutdown - r.reported.Shutdown,
		Exporter:     s.Exporter - r.reported.Exporter,
	}
	attrs := []any{
		slog.Uint64("queue_full", d.QueueFull),
		slog.Uint64("export_failed", d.ExportFailed),
		slog.Uint64("shutdown", d.Shutdown),
		slog.Uint64("exporter", d.Exporter),
	}
	r.mu.Lock()
	if r.lastError != nil {
		attrs = append(attrs, slog.String("last_error", r.lastError.Error()))
	}
	r.reported, r.lastError = s, nil
	r.mu.Unlock()
	cfg.logger.Warn("trace: spans dropped", attrs...)
}
