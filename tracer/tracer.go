package tracer

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/env"
)

// StartOption configures Start.
type StartOption func(*config)

type config struct {
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
	c := config{enabled: true}
	c.service = env.String("DD_SERVICE", "")
	c.env = env.String("DD_ENV", "")
	c.version = env.String("DD_VERSION", "")
	c.tags = parseDDTags(env.String("DD_TAGS", ""))
	if on, err := env.Bool("DD_TRACE_ENABLED", true); err == nil {
		c.enabled = on
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	Stop()
	if !c.enabled {
		return
	}
	logger := c.logger
	if logger == nil {
		logger = slog.Default()
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
	topts := []trace.Option{
		trace.WithExporter(agent.New(aopts...)),
		trace.WithLogger(logger),
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
	if c.propagator != nil {
		topts = append(topts, trace.WithPropagator(c.propagator))
	}
	if c.partialFlush > 0 {
		topts = append(topts, trace.WithPartialFlush(c.partialFlush))
	}
	if c.serviceMapping != nil {
		topts = append(topts, trace.WithServiceMapping(c.serviceMapping))
	}
	t := trace.New(topts...)
	if c.logStartup {
		logger.Info("trace/tracer: started", slog.String("service", t.Service()), slog.String("env", c.env), slog.String("version", c.version))
	}
	mu.Lock()
	current = t
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

// WithPropagator sets the propagator used by Inject and Extract.
func WithPropagator(p trace.Propagator) StartOption { return func(c *config) { c.propagator = p } }

// WithLogger sends the tracer's messages to l.
func WithLogger(l Logger) StartOption {
	return func(c *config) {
		if l != nil {
			c.logger = slog.New(logHandler{l, slog.LevelInfo})
		}
	}
}

// WithDebugMode logs debug messages too.
func WithDebugMode(on bool) StartOption {
	return func(c *config) {
		if !on {
			return
		}
		if c.logger == nil {
			c.logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
			return
		}
		if h, ok := c.logger.Handler().(logHandler); ok {
			h.level = slog.LevelDebug
			c.logger = slog.New(h)
		}
	}
}

// WithLogStartup logs the tracer's configuration at Start.
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
