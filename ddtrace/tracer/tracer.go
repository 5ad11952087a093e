package tracer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/ddlog"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/globalconfig"
	"github.com/ctxtrace/trace/sampling"
)

// StartOption configures Start.
type StartOption func(*config)

type config struct {
	debug, traceID128     bool
	service, env, version string
	tags                  map[string]any
	agentURL              string
	httpClient            *http.Client
	logger                *slog.Logger
	logLevel              *slog.LevelVar // of the logger WithLogger makes
	propagator            trace.Propagator
	partialFlush          int
	enabled               bool
	agentTimeout          time.Duration
	retries               int
	retriesSet            bool
	hostname              string
	logStartup            bool
	serviceMapping        map[string]string
	sampler               trace.Sampler
	rules                 []sampling.Rule
	sampleRate            float64 // < 0: not set
	rateLimit             float64
	spanRules             []sampling.SpanRule
	ignored               []string // options accepted and ignored, for the startup log
	noDebugStack          bool
	retryInterval         time.Duration
	universalVersion      bool
	runtimeMetrics        bool
	profilerHotspots      bool
	profilerEndpoints     bool
	dogstatsdAddr         string
	peerServiceDefaults   bool
	peerServiceMappings   map[string]string
	statsComputation      *bool // WithStatsComputation; nil: the exporter reads the environment
}

// Logger is the logging interface of WithLogger: ddtrace.Logger.
type Logger = ddtrace.Logger

var (
	mu      sync.Mutex
	current *trace.Tracer // the tracer Start made, for Stop
	stopRTM func()        // stops its runtime metrics
)

// Start starts the global tracer, configured by opts and then by the
// environment (DD_SERVICE, DD_ENV, DD_VERSION, DD_TAGS, DD_TRACE_ENABLED,
// the agent's address variables, DD_TRACE_PROPAGATION_STYLE*), and makes
// it the default of the trace package. Calling Start again replaces the
// previous tracer, which is stopped.
func Start(opts ...StartOption) {
	c, problems := fromEnv()
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	Stop()
	globalconfig.SetServiceName(c.service) // for integrations and DBM comments
	globalconfig.SetDogStatsD(c.dogstatsdAddr, c.integrationStatsTags())
	if c.debug {
		c.level()
		c.logLevel.Set(slog.LevelDebug)
	}
	logger := c.logger
	if logger == nil {
		if l := ddlog.Get(); l != nil { // from ddtrace.UseLogger
			WithLogger(l)(&c)
			logger = c.logger
		}
	}
	switch {
	case logger != nil:
	case c.debug:
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	default:
		logger = slog.Default()
	}
	// A malformed variable is said once, and its default used: it never
	// stops the program.
	for _, err := range problems {
		logger.Warn("trace/tracer: ignoring a malformed setting", slog.String("error", err.Error()))
	}
	if !c.enabled {
		mu.Lock()
		last = nil // no tracer: Stats is zero
		mu.Unlock()
		return
	}
	t := trace.New(c.traceOptions(logger)...)
	if c.logStartup {
		logStartup(logger, t, &c)
	}
	logIgnored(logger, &c)
	stop := startRuntimeMetrics(&c, logger)
	mu.Lock()
	current, last, stopRTM = t, t, stop
	mu.Unlock()
	trace.SetDefault(t)
}

// agentOptions are the options of the Agent exporter Start makes.
func (c *config) agentOptions(logger *slog.Logger) []agent.Option {
	aopts := []agent.Option{agent.WithLogger(logger)}
	if c.agentURL != "" {
		aopts = append(aopts, agent.WithURL(c.agentURL))
	}
	if c.httpClient != nil {
		aopts = append(aopts, agent.WithHTTPClient(c.httpClient))
	}
	if c.agentTimeout > 0 {
		aopts = append(aopts, agent.WithTimeout(c.agentTimeout))
	}
	if c.retriesSet || c.retryInterval > 0 {
		retries := c.retries
		if !c.retriesSet {
			retries = agent.DefaultRetries
		}
		aopts = append(aopts, agent.WithRetries(retries, c.retryInterval, c.retryInterval))
	}
	if len(c.spanRules) > 0 {
		aopts = append(aopts, agent.WithSpanSampler(sampling.NewSpanSampler(c.spanRules)))
	}
	if c.statsComputation != nil {
		aopts = append(aopts, agent.WithStatsComputation(*c.statsComputation))
	}
	return aopts
}

// traceOptions are the options of the tracer Start makes.
func (c *config) traceOptions(logger *slog.Logger) []trace.Option {
	topts := []trace.Option{
		// The logger first, so that a warning about OTEL_TRACES_EXPORTER
		// goes to it. The Agent exporter is built only if it is chosen.
		trace.WithLogger(logger),
		trace.WithExporterFromEnvFunc(func() trace.Exporter { return agent.New(c.agentOptions(logger)...) }),
		trace.WithSampler(c.buildSampler()),
	}
	if c.service != "" {
		topts = append(topts, trace.WithService(c.service))
	}
	if c.env != "" {
		topts = append(topts, trace.WithEnv(c.env))
	}
	if c.version != "" {
		topts = append(topts, trace.WithVersion(c.version))
		if c.universalVersion {
			topts = append(topts, trace.WithGlobalTag("version", c.version))
		}
	}
	if c.noDebugStack {
		topts = append(topts, trace.WithStackDepth(0))
	}
	for k, v := range c.tags {
		topts = append(topts, trace.WithGlobalTag(k, v))
	}
	if c.hostname != "" {
		topts = append(topts, trace.WithGlobalTag("_dd.hostname", c.hostname))
	}
	if c.propagator == nil {
		// Read at every Start, so that the variables of this moment count.
		c.propagator, _ = trace.PropagatorFromEnv() // problems were said above
	}
	topts = append(topts, trace.WithPropagator(c.propagator))
	if c.partialFlush > 0 {
		topts = append(topts, trace.WithPartialFlush(c.partialFlush))
	}
	topts = append(topts, c.hotspotOptions()...)
	if c.serviceMapping != nil {
		topts = append(topts, trace.WithServiceMapping(c.serviceMapping))
	}
	if !c.traceID128 {
		topts = append(topts, trace.WithTraceID128(false))
	}
	topts = append(topts, c.peerServiceOptions()...)
	return topts
}

// stopTimeout bounds how long Stop waits for the Agent, as dd-trace-go's
// Stop does not take a context.
const stopTimeout = 10 * time.Second

// Stop flushes what is finished to the Agent and stops the tracer, waiting
// at most ten seconds. It is safe to call more than once, and without
// Start.
func Stop() {
	mu.Lock()
	t, stop := current, stopRTM
	current, stopRTM = nil, nil
	mu.Unlock()
	if t == nil {
		return
	}
	trace.SetDefault(nil)
	if stop != nil {
		stop()
	}
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	_ = t.Shutdown(ctx)
}

// Flush sends what is finished to the Agent now and waits for it, at most
// ten seconds.
func Flush() {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	_ = trace.Default().Flush(ctx)
}

// fromEnv reads the DD_* variables, with dd-trace-go's meanings and
// defaults, and returns what it could not read.
func fromEnv() (config, []error) {
	var errs []error
	boolean := func(key string, def bool) bool {
		v, err := env.Bool(key, def)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	integer := func(key string, def int) int {
		v, err := env.Int(key, def)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	c := config{
		service:    env.String("DD_SERVICE", ""),
		env:        env.String("DD_ENV", ""),
		version:    env.String("DD_VERSION", ""),
		tags:       ddTags(env.String("DD_TAGS", "")),
		enabled:    boolean("DD_TRACE_ENABLED", true),
		debug:      boolean("DD_TRACE_DEBUG", false),
		logStartup: boolean("DD_TRACE_STARTUP_LOGS", true),
		traceID128: boolean("DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED", true),
	}
	c.sampleRate = -1
	if v := env.String("DD_TRACE_SAMPLE_RATE", ""); v != "" {
		if r, err := env.Float("DD_TRACE_SAMPLE_RATE", -1); err != nil || r < 0 || r > 1 {
			errs = append(errs, fmt.Errorf("DD_TRACE_SAMPLE_RATE=%q is not a rate between 0 and 1", v))
		} else {
			c.sampleRate = r
		}
	}
	rules, err := sampling.ParseRules(env.String("DD_TRACE_SAMPLING_RULES", ""))
	if err != nil {
		errs = append(errs, err)
	}
	c.rules = rules
	spanRules, err := sampling.ParseSpanRules(env.String("DD_SPAN_SAMPLING_RULES", ""))
	if err != nil {
		errs = append(errs, err)
	}
	c.spanRules = spanRules
	c.rateLimit = 100
	if v, err := env.Float("DD_TRACE_RATE_LIMIT", 100); err != nil {
		errs = append(errs, err)
	} else {
		c.rateLimit = v
	}
	if secs := integer("DD_TRACE_AGENT_TIMEOUT", 0); secs > 0 {
		c.agentTimeout = time.Duration(secs) * time.Second
	}
	if boolean("DD_TRACE_PARTIAL_FLUSH_ENABLED", true) {
		if n := integer("DD_TRACE_PARTIAL_FLUSH_MIN_SPANS", 0); n > 0 {
			c.partialFlush = n
		}
	} else {
		c.partialFlush = noPartialFlush
	}
	if _, err := trace.PropagatorFromEnv(); err != nil {
		errs = append(errs, err)
	}
	c.hotspotsFromEnv(boolean)
	if err := runtimeMetricsFromEnv(&c); err != nil {
		errs = append(errs, err)
	}
	if err := peerServiceFromEnv(&c); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, headerTagsFromEnv()...)
	return c, errs
}

// noPartialFlush is the threshold that DD_TRACE_PARTIAL_FLUSH_ENABLED=false
// means: traces are handed on whole, however long.
const noPartialFlush = 1 << 30

// logStartup writes one line that describes the configuration, as JSON,
// as dd-trace-go's "DATADOG TRACER CONFIGURATION" line does.
func logStartup(logger *slog.Logger, t *trace.Tracer, c *config) {
	doc := map[string]any{
		"date":                           time.Now().Format(time.RFC3339),
		"lang":                           "Go",
		"lang_version":                   runtime.Version(),
		"tracer_version":                 agent.TracerVersion,
		"service":                        t.Service(),
		"env":                            c.env,
		"dd_version":                     c.version,
		"agent_url":                      c.agentURL,
		"debug":                          c.debug,
		"enabled":                        c.enabled,
		"tags":                           c.tags,
		"partial_flush":                  c.partialFlush,
		"trace_id_128":                   c.traceID128,
		"agent_timeout":                  c.agentTimeout.String(),
		"integrations":                   importedIntegrations(),
		"profiler_code_hotspots_enabled": c.profilerHotspots,
		"profiler_endpoints_enabled":     c.profilerEndpoints,
		"ignored":                        c.ignored,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	logger.Info("DATADOG TRACER CONFIGURATION " + string(b))
}

// ddTags reads DD_TAGS as dd-trace-go does (see env.ParseTags), as global
// tags.
func ddTags(s string) map[string]any {
	out := map[string]any{}
	for k, v := range env.ParseTags(s) {
		out[k] = v
	}
	return out
}

// globalService is the service the latest Start was given (DD_SERVICE or
// WithService), "" when it was given none; before any Start, DD_SERVICE.
// It outlives Stop, as dd-trace-go's global service name does.
func globalService() string {
	if s, ok := globalconfig.ServiceName(); ok {
		return s
	}
	return env.String("DD_SERVICE", "")
}
