package tracer

import (
	"github.com/ctxtrace/trace/internal/ddlog"
	"log/slog"
	"net/http"
	"time"
)

// WithService sets the service name (DD_SERVICE).
func WithService(name string) StartOption { return func(c *config) { c.service = name } }

// WithServiceName sets the service name.
// It is deprecated, as in dd-trace-go: use WithService.
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

// WithLogger sends the tracer's messages to l, one line each.
func WithLogger(l Logger) StartOption {
	return func(c *config) {
		if l != nil {
			c.logger = slog.New(ddlog.Handler(l, c.level()))
		}
	}
}

// WithDebugMode logs debug messages too (DD_TRACE_DEBUG).
func WithDebugMode(on bool) StartOption {
	return func(c *config) {
		c.debug = on
	}
}

// level is the level of the logger WithLogger makes: debug in debug mode,
// whichever of the two options comes first.
func (c *config) level() slog.Leveler {
	if c.logLevel == nil {
		c.logLevel = new(slog.LevelVar)
	}
	return c.logLevel
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
