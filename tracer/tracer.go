package tracer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/env"
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
	rules                 []SamplingRule
	sampleRate            float64 // < 0: not set
	rateLimit             float64
	spanRules             []sampling.SpanRule
}

// SamplingRule keeps the traces it matches at its rate; see the sampling
// package.
type SamplingRule = sampling.Rule

// Sampler is dd-trace-go's custom sampler: Sample reports whether the trace
// whose root span is span is kept.
type Sampler interface {
	Sample(span Span) bool
}

// WithSampler replaces priority sampling with s: its keeps are automatic
// keeps (priority 1), its drops automatic drops (priority 0).
func WithSampler(s Sampler) StartOption {
	return func(c *config) {
		if s == nil {
			return
		}
		c.sampler = trace.SamplerFunc(func(p trace.SamplingParams) trace.Decision {
			if s.Sample(span{p.Span()}) {
				return trace.Decision{Priority: trace.PriorityAutoKeep}
			}
			return trace.Decision{Priority: trace.PriorityAutoReject}
		})
	}
}

// WithTraceSampler replaces priority sampling with one of the trace
// package's samplers (the sampling package's, or your own).
func WithTraceSampler(s trace.Sampler) StartOption { return func(c *config) { c.sampler = s } }

// RateSampler keeps traces at a rate that can change.
type RateSampler interface {
	Sampler
	Rate() float64
	SetRate(rate float64)
}

// NewRateSampler returns a RateSampler keeping traces at rate, by the trace
// id's hash shared with the Datadog Agent and libraries.
func NewRateSampler(rate float64) RateSampler {
	r := &rateSampler{}
	r.SetRate(rate)
	return r
}

// NewAllSampler returns a RateSampler that keeps everything.
func NewAllSampler() RateSampler { return NewRateSampler(1) }

type rateSampler struct{ rate atomic.Uint64 }

func (r *rateSampler) Rate() float64        { return math.Float64frombits(r.rate.Load()) }
func (r *rateSampler) SetRate(rate float64) { r.rate.Store(math.Float64bits(rate)) }
func (r *rateSampler) Sample(s Span) bool {
	return sampling.Keep(trace.NewTraceID(0, s.Context().TraceID()), r.Rate())
}

// WithSamplingRules sets the sampling rules (DD_TRACE_SAMPLING_RULES).
func WithSamplingRules(rules []SamplingRule) StartOption {
	return func(c *config) { c.rules = append([]SamplingRule(nil), rules...) }
}

// sampler builds priority sampling: the Agent's rates, under the user's
// rules and global rate when there are any, as dd-trace-go does.
func (c *config) buildSampler() trace.Sampler {
	if c.sampler != nil {
		return c.sampler
	}
	rules := c.rules
	if c.sampleRate >= 0 {
		rules = sampling.WithGlobalRate(rules, c.sampleRate)
	}
	if len(rules) == 0 {
		return sampling.NewAgentRates()
	}
	return sampling.NewRules(rules, c.rateLimit, sampling.NewAgentRates())
}

// Logger is the logging interface of dd-trace-go's WithLogger.
type Logger interface {
	Log(msg string)
}

var (
	mu      sync.Mutex
	current *trace.Tracer // the tracer Start made, for Stop
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
	logger := c.logger
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
	if c.retriesSet {
		aopts = append(aopts, agent.WithRetries(c.retries, 0, 0))
	}
	if len(c.spanRules) > 0 {
		aopts = append(aopts, agent.WithSpanSampler(sampling.NewSpanSampler(c.spanRules)))
	}
	topts := []trace.Option{
		trace.WithExporter(agent.New(aopts...)),
		trace.WithLogger(logger),
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
	if c.serviceMapping != nil {
		topts = append(topts, trace.WithServiceMapping(c.serviceMapping))
	}
	if !c.traceID128 {
		topts = append(topts, trace.WithTraceID128(false))
	}
	t := trace.New(topts...)
	if c.logStartup {
		logStartup(logger, t, &c)
	}
	mu.Lock()
	current, last = t, t
	mu.Unlock()
	trace.SetDefault(t)
}

// stopTimeout bounds how long Stop waits for the Agent, as dd-trace-go's
// Stop does not take a context.
const stopTimeout = 10 * time.Second

// Stop flushes what is finished to the Agent and stops the tracer, waiting
// at most ten seconds. It is safe to call more than once, and without
// Start.
func Stop() {
	mu.Lock()
	t := current
	current = nil
	mu.Unlock()
	if t == nil {
		return
	}
	trace.SetDefault(nil)
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
		tags:       parseDDTags(env.String("DD_TAGS", "")),
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
	return c, errs
}

// noPartialFlush is the threshold that DD_TRACE_PARTIAL_FLUSH_ENABLED=false
// means: traces are handed on whole, however long.
const noPartialFlush = 1 << 30

// logStartup writes one line that describes the configuration, as JSON,
// as dd-trace-go's "DATADOG TRACER CONFIGURATION" line does.
func logStartup(logger *slog.Logger, t *trace.Tracer, c *config) {
	doc := map[string]any{
		"date":           time.Now().Format(time.RFC3339),
		"lang":           "Go",
		"lang_version":   runtime.Version(),
		"tracer_version": agent.TracerVersion,
		"service":        t.Service(),
		"env":            c.env,
		"dd_version":     c.version,
		"agent_url":      c.agentURL,
		"debug":          c.debug,
		"enabled":        c.enabled,
		"tags":           c.tags,
		"partial_flush":  c.partialFlush,
		"trace_id_128":   c.traceID128,
		"agent_timeout":  c.agentTimeout.String(),
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	logger.Info("DATADOG TRACER CONFIGURATION " + string(b))
}

// parseDDTags reads DD_TAGS: key:value pairs separated by commas or
// spaces; a key alone has an empty value.
func parseDDTags(s string) map[string]any {
	out := map[string]any{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		k, v, _ := strings.Cut(f, ":")
		if k = strings.TrimSpace(k); k != "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// WithService sets the service name (DD_SERVICE).
func WithService(name string) StartOption { return func(c *config) { c.service = name } }

// WithServiceName sets the service name.
//
// Deprecated: use WithService, as in dd-trace-go.
func WithServiceName(name string) StartOption { return WithService(name) }

// WithEnv sets the environment (DD_ENV).
func WithEnv(env string) StartOption { return func(c *config) { c.env = env } }

// WithServiceVersion sets the application's version (DD_VERSION).
func WithServiceVersion(version string) StartOption { return func(c *config) { c.version = version } }

// WithGlobalTag adds a tag to every span.
func WithGlobalTag(k string, v any) StartOption {
	return func(c *config) {
		if c.tags == nil {
			c.tags = map[string]any{}
		}
		c.tags[k] = v
	}
}

// WithAgentAddr sets the Agent's host:port.
func WithAgentAddr(addr string) StartOption { return func(c *config) { c.agentURL = "http://" + addr } }

// WithAgentURL sets the Agent's URL: http://, https:// or unix://.
func WithAgentURL(url string) StartOption { return func(c *config) { c.agentURL = url } }

// WithUDS sets the path of the Agent's Unix domain socket.
func WithUDS(path string) StartOption { return func(c *config) { c.agentURL = "unix://" + path } }

// WithHTTPClient sets the client that talks to the Agent.
func WithHTTPClient(client *http.Client) StartOption {
	return func(c *config) { c.httpClient = client }
}

// WithPropagator sets the propagator used by Inject and Extract: one from
// NewPropagator, or your own.
func WithPropagator(p Propagator) StartOption {
	return func(c *config) {
		if p != nil {
			c.propagator = asTracePropagator(p)
		}
	}
}

// WithLogger sends the tracer's messages to l.
func WithLogger(l Logger) StartOption {
	return func(c *config) {
		if l != nil {
			level := slog.LevelInfo
			if c.debug {
				level = slog.LevelDebug
			}
			c.logger = slog.New(logHandler{l, level})
		}
	}
}

// WithDebugMode logs debug messages too (DD_TRACE_DEBUG).
func WithDebugMode(on bool) StartOption {
	return func(c *config) {
		c.debug = on
		if h, ok := handlerOf(c.logger); ok && on {
			h.level = slog.LevelDebug
			c.logger = slog.New(h)
		}
	}
}

func handlerOf(l *slog.Logger) (logHandler, bool) {
	if l == nil {
		return logHandler{}, false
	}
	h, ok := l.Handler().(logHandler)
	return h, ok
}

// WithLogStartup logs the tracer's configuration at Start, one JSON line
// (DD_TRACE_STARTUP_LOGS; on by default).
func WithLogStartup(on bool) StartOption { return func(c *config) { c.logStartup = on } }

// WithPartialFlushing sends the finished spans of an unfinished trace once
// there are numSpans of them.
func WithPartialFlushing(numSpans int) StartOption {
	return func(c *config) { c.partialFlush = numSpans }
}

// WithTraceEnabled turns tracing off when false (DD_TRACE_ENABLED): every
// call then does nothing.
func WithTraceEnabled(on bool) StartOption { return func(c *config) { c.enabled = on } }

// WithAgentTimeout bounds each request to the Agent, in seconds.
func WithAgentTimeout(seconds int) StartOption {
	return func(c *config) { c.agentTimeout = time.Duration(seconds) * time.Second }
}

// WithSendRetries sets how many times a payload is retried.
func WithSendRetries(n int) StartOption { return func(c *config) { c.retries, c.retriesSet = n, true } }

// WithServiceMapping renames the service from to to on every span.
func WithServiceMapping(from, to string) StartOption {
	return func(c *config) {
		if c.serviceMapping == nil {
			c.serviceMapping = map[string]string{}
		}
		c.serviceMapping[from] = to
	}
}

// WithHostname sets the hostname reported on every span (_dd.hostname).
func WithHostname(name string) StartOption { return func(c *config) { c.hostname = name } }

// logHandler adapts a dd-trace-go Logger to slog.
type logHandler struct {
	l     Logger
	level slog.Level
}

func (h logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteString(": ")
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteByte(' ')
		b.WriteString(a.String())
		return true
	})
	h.l.Log(b.String())
	return nil
}

func (h logHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h logHandler) WithGroup(string) slog.Handler      { return h }
