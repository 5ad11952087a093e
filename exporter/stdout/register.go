package stdout

import (
	"log/slog"

	"github.com/ctxtrace/trace/internal/exporters"
)

// The exporter is OTEL_TRACES_EXPORTER's "console" for trace.WithExporterFromEnv
// in every program that links this package in: the trace package cannot
// import this one, which imports it.
func init() {
	exporters.Register("console", func(*slog.Logger) (any, error) { return New(nil), nil })
}
