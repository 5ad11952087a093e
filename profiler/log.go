package profiler

import (
	"encoding/json"
	"log/slog"
	"runtime"
	"time"

	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/ddlog"
)

// newLogger returns where the profiler's messages go: the logger of
// ddtrace.UseLogger, or log/slog's default.
func newLogger() *slog.Logger {
	if l := ddlog.Get(); l != nil {
		return slog.New(ddlog.Handler(l, slog.LevelInfo))
	}
	return slog.Default()
}

// logStartup logs the configuration as one JSON document, with
// dd-trace-go's "Profiler configuration" keys.
func (p *profiler) logStartup() {
	c := p.cfg
	doc := c.settings()
	for k, v := range map[string]any{
		"date":                       time.Now().Format(time.RFC3339),
		"os_name":                    runtime.GOOS,
		"version":                    agent.TracerVersion,
		"lang":                       "Go",
		"lang_version":               runtime.Version(),
		"hostname":                   c.hostname,
		"service":                    c.service,
		"env":                        c.env,
		"target_url":                 c.targetURL,
		"tags":                       c.tags,
		"custom_profiler_label_keys": c.customLabels,
		"enabled":                    c.enabled,
	} {
		doc[k] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		p.log.Warn("profiler: cannot describe the configuration", slog.String("error", err.Error()))
		return
	}
	p.log.Info("Profiler configuration: " + string(b))
}
