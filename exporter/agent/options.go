package agent

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ctxtrace/trace"
)

// Defaults, each changed by the option named beside it.
const (
	DefaultFlushInterval = 2 * time.Second  // WithFlushInterval
	DefaultFlushSize     = 4 << 20          // WithFlushSize
	DefaultMaxPayload    = 25 << 20         // WithMaxPayload
	DefaultTimeout       = 10 * time.Second // WithTimeout
	DefaultRetries       = 7                // WithRetries
	DefaultConcurrency   = 2                // WithConcurrency
)

// Option configures an Exporter; see New.
type Option func(*config)

type config struct {
	url           string // as given, before resolution; "" resolves from the environment
	client        *http.Client
	logger        *slog.Logger
	flushInterval time.Duration
	flushSize     int
	maxPayload    int
	timeout       time.Duration
	retries       int
	backoff       time.Duration
	maxBackoff    time.Duration
	concurrency   int
	protocol      string // "v0.4", "v0.5", or "" for the Agent's choice
	infoTimeout   time.Duration
	spanSampler   SpanSampler

	stats          *bool // WithStatsComputation; nil: from the environment
	statsMaxGroups int
}

// SpanSampler decides whether a span of a dropped trace is kept on its own
// (Datadog's single span sampling, DD_SPAN_SAMPLING_RULES), with the rate
// and the per-second limit of the rule that decided: the sampling package's
// SpanSampler.
type SpanSampler interface {
	SampleSpan(s trace.Snapshot) (rate, maxPerSecond float64, keep bool)
}

// WithSpanSampler marks the spans of dropped traces that s keeps, with
// _dd.span_sampling.mechanism, .rule_rate and .max_per_second, so that the
// Agent keeps them when it drops their trace.
func WithSpanSampler(s SpanSampler) Option { return func(c *config) { c.spanSampler = s } }

func newConfig(opts []Option) config {
	c := config{
		flushInterval: DefaultFlushInterval,
		flushSize:     DefaultFlushSize,
		maxPayload:    DefaultMaxPayload,
		timeout:       DefaultTimeout,
		retries:       DefaultRetries,
		backoff:       100 * time.Millisecond,
		maxBackoff:    2 * time.Second,
		concurrency:   DefaultConcurrency,
		infoTimeout:   2 * time.Second,

		statsMaxGroups: DefaultStatsMaxGroups,
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	c.flushSize = min(c.flushSize, c.maxPayload)
	return c
}

// WithURL sets the Agent's address: "http://host:port", "https://host:port"
// or "unix:///path/to/apm.socket". Without it, the address comes from
// DD_TRACE_AGENT_URL, then DD_AGENT_HOST and DD_TRACE_AGENT_PORT, then the
// socket /var/run/datadog/apm.socket if it exists, then localhost:8126.
func WithURL(url string) Option { return func(c *config) { c.url = url } }

// WithAddr sets the Agent's address as "host:port" over HTTP.
func WithAddr(hostport string) Option {
	return func(c *config) {
		if hostport != "" {
			c.url = "http://" + hostport
		}
	}
}

// WithUDS sets the path of the Agent's Unix domain socket.
func WithUDS(path string) Option {
	return func(c *config) {
		if path != "" {
			c.url = "unix://" + path
		}
	}
}

// WithHTTPClient sets the client that sends payloads. Its transport decides
// how to reach the Agent (a Unix socket address is then ignored) and
// WithTimeout still bounds each request.
func WithHTTPClient(client *http.Client) Option { return func(c *config) { c.client = client } }

// WithLogger sets where the exporter reports trouble, at most once per
// interval per kind. Default: slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithFlushInterval sets how often buffered traces are sent. Default
// DefaultFlushInterval.
func WithFlushInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.flushInterval = d
		}
	}
}

// WithFlushSize sets the payload size in bytes past which traces are sent
// without waiting for the interval. Default DefaultFlushSize.
func WithFlushSize(bytes int) Option {
	return func(c *config) {
		if bytes > 0 {
			c.flushSize = bytes
		}
	}
}

// WithMaxPayload sets the size every payload stays below: the Agent's body
// limit. A trace that does not fit is sent in several chunks; a single span
// that does not fit is dropped and counted. Default DefaultMaxPayload.
func WithMaxPayload(bytes int) Option {
	return func(c *config) {
		if bytes > 0 {
			c.maxPayload = bytes
		}
	}
}

// WithTimeout bounds each request to the Agent. Default DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithRetries sets how many times a payload is sent again after a
// connection error, a 429 or a 5xx, with exponential backoff from initial
// to at most max between attempts. A 400, a 413 or another 4xx is never
// retried. Default DefaultRetries, from 100ms to 2s: a payload is tried for
// about seven seconds, so an Agent that restarts loses nothing.
func WithRetries(n int, initial, max time.Duration) Option {
	return func(c *config) {
		c.retries = n
		if initial > 0 {
			c.backoff = initial
		}
		if max > 0 {
			c.maxBackoff = max
		}
	}
}

// WithConcurrency sets how many payloads may be in flight at once. Default
// DefaultConcurrency.
func WithConcurrency(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// WithProtocol chooses the Agent protocol: "v0.4" (span maps, what
// dd-trace-go sends) or "v0.5" (a string table and span arrays: the same
// spans for about a third of the bytes and memory). Default "": v0.5 once
// the Agent's /info offers /v0.5/traces, v0.4 until then and otherwise.
// Another value means the default.
func WithProtocol(version string) Option {
	return func(c *config) {
		switch version {
		case "v0.4", "v0.5":
			c.protocol = version
		default:
			c.protocol = ""
		}
	}
}
