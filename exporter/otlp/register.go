package otlp

import (
	"log/slog"

	"github.com/ctxtrace/trace/internal/exporters"
)

// The exporter is OTEL_TRACES_EXPORTER's "otlp" for trace.WithExporterFromEnv
// in every program that links this package in, configured by the
// environment alone.
func init() {
	exporters.Register("otlp", func(logger *slog.Logger) (any, error) {
		return New(WithLogger(logger))
	})
}
