package trace

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ctxtrace/trace/internal/exporters"
)

// envTracesExporter is OpenTelemetry's variable naming the trace exporter.
const envTracesExporter = "OTEL_TRACES_EXPORTER"

// WithExporterFromEnv sets the tracer's exporter from OTEL_TRACES_EXPORTER,
// as OpenTelemetry's SDKs read it, with fallback for when it names none:
//
//   - unset or blank: fallback;
//   - "otlp": the OTLP exporter of package exporter/otlp, configured by
//     the OTEL_EXPORTER_OTLP_* variables. That package is a module of its
//     own, which this one cannot import: the program links it in with
//     import _ "github.com/ctxtrace/trace/exporter/otlp" (or by using it).
//     If it is not linked in, or cannot start, a warning says so and
//     fallback is used;
//   - "none": Discard, so that spans are traced but sent nowhere;
//   - "console": the exporter of package exporter/stdout, writing to
//     standard output, when the program links that package in (it imports
//     this one, so this one cannot import it); otherwise a warning and
//     fallback;
//   - anything else ("zipkin", a typo): a warning and fallback.
//
// The value is read when the option is applied, without regard to case
// or spaces. It may list several names, separated by commas, whose
// exporters then all receive every trace (MultiExporter); the names that
// cannot be used are warned about and left out. When the variable names an
// exporter that is used, OTEL_SERVICE_NAME, if set, names the tracer's
// service, unless WithService has set it before this option (a WithService
// after it wins in any case), as dd-trace-go lets DD_SERVICE win over
// OTEL_SERVICE_NAME.
//
// Warnings go to the logger set by a WithLogger before this option, or to
// slog.Default(). A nil fallback means Discard. The fallback, already
// made, runs even when it is not used: see WithExporterFromEnvFunc to make
// it only when needed.
func WithExporterFromEnv(fallback Exporter) Option {
	return WithExporterFromEnvFunc(func() Exporter { return fallback })
}

// WithExporterFromEnvFunc is WithExporterFromEnv with a fallback made only
// if it is used: an exporter that starts goroutines or connects somewhere
// when made, such as the Datadog Agent exporter, then does not when
// OTEL_TRACES_EXPORTER chooses another. A nil fallback, or one that
// returns nil, means Discard.
func WithExporterFromEnvFunc(fallback func() Exporter) Option {
	return func(c *config) {
		logger := c.logger
		if logger == nil {
			logger = slog.Default()
		}
		exp, chosen := exporterFromEnv(os.Getenv(envTracesExporter), logger)
		if !chosen {
			if fallback != nil {
				exp = fallback()
			}
			if exp == nil {
				exp = Discard
			}
			c.exporter = exp
			return
		}
		c.exporter = exp
		if name := strings.TrimSpace(os.Getenv("OTEL_SERVICE_NAME")); name != "" && c.service == filepath.Base(os.Args[0]) {
			WithService(name)(c)
		}
	}
}

// exporterFromEnv returns the exporter that value, OTEL_TRACES_EXPORTER,
// names, and false when it names none that can be used: the caller then
// uses its fallback. It warns about every name it cannot use.
func exporterFromEnv(value string, logger *slog.Logger) (Exporter, bool) {
	var (
		found []Exporter
		none  bool
	)
	for name := range strings.SplitSeq(value, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if name == "none" {
			none = true
			continue
		}
		exp, err := registered(name, logger)
		if err != nil {
			logger.Warn("trace: "+envTracesExporter+" names an exporter that cannot be used; using the default exporter instead",
				slog.String("exporter", name), slog.String("error", err.Error()))
			continue
		}
		found = append(found, exp)
	}
	switch {
	case len(found) == 1:
		return found[0], true
	case len(found) > 1:
		return MultiExporter(found...), true
	case none:
		return Discard, true
	}
	return nil, false
}

// registered makes the exporter registered under name.
func registered(name string, logger *slog.Logger) (Exporter, error) {
	f, ok := exporters.Lookup(name)
	if !ok {
		switch name {
		case "otlp":
			return nil, fmt.Errorf("%w: the program does not link in github.com/ctxtrace/trace/exporter/otlp", errNotLinked)
		case "console":
			return nil, fmt.Errorf("%w: the program does not link in github.com/ctxtrace/trace/exporter/stdout", errNotLinked)
		}
		return nil, errUnknownExporter
	}
	v, err := f(logger)
	if err != nil {
		return nil, fmt.Errorf("trace: exporter %q: %w", name, err)
	}
	exp, ok := v.(Exporter)
	if !ok || exp == nil {
		return nil, fmt.Errorf("trace: exporter %q is registered as a %T, not a trace.Exporter", name, v)
	}
	return exp, nil
}

var (
	errNotLinked       = errors.New("trace: exporter not linked in")
	errUnknownExporter = errors.New("trace: no such exporter (supported: otlp, console, none)")
)
