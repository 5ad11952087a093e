package tracer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/dogstatsd"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/runtimemetrics"
)

// WithRuntimeMetrics enables automatic collection of runtime metrics every
// 10 seconds: the runtime.go.* gauges (runtime.MemStats), sent to
// DogStatsD (see WithDogstatsdAddress). DD_RUNTIME_METRICS_ENABLED=true
// does the same.
//
// As in dd-trace-go v1.74.8, a started tracer also sends the
// runtime.go.metrics.* set (runtime/metrics) whether or not this option
// is given, unless DD_RUNTIME_METRICS_V2_ENABLED=false.
func WithRuntimeMetrics() StartOption {
	return func(c *config) { c.runtimeMetrics = true }
}

// WithDogstatsdAddress specifies the address to connect to for sending
// metrics to the Datadog Agent: "host:port", "unix:///path/to/socket" or
// the socket's path. If not set: DD_DOGSTATSD_URL (unix:///path or
// udp://host:port); else /var/run/datadog/dsd.socket if it exists and
// none of the following is set; else DD_DOGSTATSD_HOST or DD_AGENT_HOST
// (default localhost) and DD_DOGSTATSD_PORT (default 8125).
//
// This option is in effect when runtime metrics are sent.
func WithDogstatsdAddress(addr string) StartOption {
	return func(c *config) { c.dogstatsdAddr = addr }
}

// runtimeMetricsFromEnv reads DD_RUNTIME_METRICS_ENABLED into c, with
// OTEL_METRICS_EXPORTER=none as a synonym of false when it is unset, as
// dd-trace-go does. Start options are applied after it.
func runtimeMetricsFromEnv(c *config) error {
	on, err := env.Bool("DD_RUNTIME_METRICS_ENABLED", false)
	c.runtimeMetrics = on
	if err != nil || env.String("DD_RUNTIME_METRICS_ENABLED", "") != "" {
		return err
	}
	if otel := env.String("OTEL_METRICS_EXPORTER", ""); otel != "" && !strings.EqualFold(otel, "none") {
		return fmt.Errorf("OTEL_METRICS_EXPORTER=%q is not supported (only none is)", otel)
	}
	return nil
}

// startRuntimeMetrics starts sending runtime metrics as c asks, and
// returns what stops them (safe to call more than once); with nothing to
// send it starts nothing. Trouble is said through logger, never returned:
// metrics must not keep a tracer from starting.
func startRuntimeMetrics(c *config, logger *slog.Logger) (stop func()) {
	r, client, err := newRuntimeMetrics(c, logger)
	switch {
	case err != nil && r == nil:
		logger.Warn("trace/tracer: runtime metrics are off", slog.String("error", err.Error()))
	case err != nil:
		logger.Warn("trace/tracer: runtime metrics: ignoring a malformed setting", slog.String("error", err.Error()))
	}
	if r == nil {
		return func() {}
	}
	r.Start()
	return sync.OnceFunc(func() {
		r.Stop()
		_ = client.Close()
	})
}

// newRuntimeMetrics builds the runner startRuntimeMetrics starts; nil
// when there is nothing to send. Tests give it their ticks through opts.
func newRuntimeMetrics(c *config, logger *slog.Logger, opts ...runtimemetrics.Option) (*runtimemetrics.Runner, *dogstatsd.Client, error) {
	var errs []error
	v2, err := env.Bool("DD_RUNTIME_METRICS_V2_ENABLED", true)
	errs = append(errs, err)
	// DD_APM_TRACING_ENABLED=false keeps the tracer as a mere transport
	// for other products: dd-trace-go then sends no runtime metrics.
	apm, err := env.Bool("DD_APM_TRACING_ENABLED", true)
	errs = append(errs, err)
	if !apm || (!c.runtimeMetrics && !v2) {
		return nil, nil, errors.Join(errs...)
	}
	dopts := []dogstatsd.Option{
		dogstatsd.WithAddress(c.dogstatsdAddr),
		dogstatsd.WithTags(c.statsIdentity().Tags()...),
		dogstatsd.WithLogger(logger),
	}
	origin, err := env.Bool("DD_ORIGIN_DETECTION_ENABLED", true)
	errs = append(errs, err)
	if origin {
		dopts = append(dopts, dogstatsd.WithContainerID(containerField()))
	}
	client, err := dogstatsd.New(dopts...)
	if err != nil {
		return nil, nil, errors.Join(append(errs, err)...)
	}
	opts = append([]runtimemetrics.Option{
		runtimemetrics.WithMemStats(c.runtimeMetrics),
		runtimemetrics.WithV2(v2),
		runtimemetrics.WithLogger(logger),
	}, opts...)
	return runtimemetrics.New(client, opts...), client, errors.Join(errs...)
}

// statsIdentity is what the metrics' tags say about the program, as
// dd-trace-go's DogStatsD client tags: the service defaults to the
// program's name, as the tracer's does.
func (c *config) statsIdentity() runtimemetrics.Identity {
	service := c.service
	if s, ok := c.tags["service"].(string); ok && service == "" {
		service = s
	}
	if service == "" {
		service = filepath.Base(os.Args[0])
	}
	return runtimemetrics.Identity{
		Service:       service,
		Env:           c.env,
		Hostname:      c.hostname,
		RuntimeID:     agent.RuntimeID(),
		TracerVersion: agent.TracerVersion,
		GlobalTags:    c.tags,
	}
}

// containerField is DogStatsD's origin-detection field, as datadog-go
// fills it: the container id, or else the cgroup inode ("in-...").
func containerField() string {
	if id := agent.ContainerID(); id != "" {
		return id
	}
	if id := agent.EntityID(); strings.HasPrefix(id, "in-") {
		return id
	}
	return ""
}

// integrationStatsTags are the tags integrations put on their metrics
// (database/sql's DB stats), as dd-trace-go's statsTags: the identity's
// without runtime-id, tracer_version and service.
func (c *config) integrationStatsTags() []string {
	id := c.statsIdentity()
	id.Service, id.TracerVersion, id.RuntimeID = "", "", ""
	return id.Tags()
}
