package otlp

import (
	"log/slog"
	"maps"
	"net/http"
	"time"

	"google.golang.org/grpc"
)

// Protocol is an OTLP transport, as OTEL_EXPORTER_OTLP_PROTOCOL names it.
type Protocol string

// The transports: protobuf over HTTP (the default), and gRPC.
const (
	HTTPProtobuf Protocol = "http/protobuf"
	GRPC         Protocol = "grpc"
)

// Defaults, each changed by the option named beside it or by its
// variable.
const (
	DefaultHTTPEndpoint    = "http://localhost:4318/v1/traces" // WithEndpoint, WithTracesEndpoint
	DefaultGRPCEndpoint    = "localhost:4317"                  // likewise, insecure
	DefaultTimeout         = 10 * time.Second                  // WithTimeout
	DefaultMaxRequestBytes = 4_000_000                         // WithMaxRequestBytes
	DefaultConcurrency     = 8                                 // WithConcurrency
)

// Option configures an Exporter; see New. An option given to New wins
// over the environment.
type Option func(*options)

type options struct {
	endpoint, tracesEndpoint string
	protocol                 Protocol
	compression              string
	headers                  map[string]string
	timeout                  time.Duration
	insecure                 bool
	logger                   *slog.Logger
	resource                 map[string]string
	httpClient               *http.Client
	dialOptions              []grpc.DialOption
	retry                    *retryPolicy
	sendUnsampled            bool
	maxRequest               int
	concurrency              int
	getenv                   func(string) string // os.Getenv; tests give their own
	clock                    clock               // realClock; tests give a fake
}

// WithEndpoint sets where spans go, as OTEL_EXPORTER_OTLP_ENDPOINT does:
// over HTTP, a base URL ("http://127.0.0.1:4318") to which the signal's
// path, /v1/traces, is appended; over gRPC, "host:port" or a URL, whose
// scheme http means without TLS. A base URL without a scheme gets http
// with WithInsecure, https otherwise. WithTracesEndpoint wins over it.
func WithEndpoint(endpoint string) Option { return func(o *options) { o.endpoint = endpoint } }

// WithTracesEndpoint sets the URL spans are sent to, used as it is, as
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT does ("http://127.0.0.1:4318/v1/traces";
// over gRPC, "host:port" or a URL).
func WithTracesEndpoint(url string) Option { return func(o *options) { o.tracesEndpoint = url } }

// WithProtocol chooses the transport: HTTPProtobuf (the default) or GRPC.
// New returns an error for another value.
func WithProtocol(p Protocol) Option { return func(o *options) { o.protocol = p } }

// WithCompression sets how requests are compressed: "gzip" or "none" (the
// default). New returns an error for another value.
func WithCompression(c string) Option { return func(o *options) { o.compression = c } }

// WithHeaders sets headers sent with every request (gRPC metadata over
// gRPC), such as an API key, instead of those of OTEL_EXPORTER_OTLP_HEADERS.
func WithHeaders(h map[string]string) Option {
	return func(o *options) { o.headers = maps.Clone(h) }
}

// WithTimeout bounds the export of each request, retries included.
// Default DefaultTimeout; a value of 0 or less means the default.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithInsecure sends without TLS to an endpoint given without a scheme,
// as OTEL_EXPORTER_OTLP_INSECURE=true does. An endpoint's own scheme
// (http or https) wins over it.
func WithInsecure() Option { return func(o *options) { o.insecure = true } }

// WithLogger sets where the exporter reports trouble: each kind at most
// once per interval, and bad settings once, when New reads them. Default
// slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithResourceAttributes adds attributes to the resource of every span,
// over those of OTEL_RESOURCE_ATTRIBUTES. A span's own service, env and
// version win over service.name, deployment.environment.name and
// service.version given here, which name those of spans without one.
func WithResourceAttributes(attrs map[string]string) Option {
	return func(o *options) { o.resource = maps.Clone(attrs) }
}

// WithHTTPClient sets the client that sends requests over HTTP (its
// transport's TLS settings, a proxy); WithTimeout still bounds each
// export. Its transport should keep as many idle connections per host as
// WithConcurrency allows requests in flight (net/http keeps two), or a
// busy exporter dials anew for most requests. It is ignored over gRPC.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithGRPCDialOptions adds options to the gRPC client's (credentials, a
// custom dialer); they come after the exporter's own, so that they win. It
// is ignored over HTTP.
func WithGRPCDialOptions(opts ...grpc.DialOption) Option {
	return func(o *options) { o.dialOptions = append(o.dialOptions, opts...) }
}

// WithRetry sets the backoff between attempts at a request that failed
// for a reason worth retrying: from initial, doubling up to max, each wait
// drawn at random from half to all of it, or what the destination asked
// for (Retry-After, RetryInfo). Attempts stop when the request's timeout
// (WithTimeout) would pass. An initial of 0 or less turns retrying off.
// Default: from 500ms up to 5s.
func WithRetry(initial, max time.Duration) Option {
	return func(o *options) {
		o.retry = &retryPolicy{initial: initial, max: max}
	}
}

// WithSendUnsampled sends the traces the sampler rejected too (priority 0
// or less), with the W3C sampled flag off and their priority in
// _sampling_priority_v1, for a Datadog Agent, which computes its
// statistics from every trace. By default they are not sent, as an
// OpenTelemetry SDK sends only sampled spans; they are counted in
// Stats.Dropped.Unsampled.
func WithSendUnsampled() Option { return func(o *options) { o.sendUnsampled = true } }

// WithMaxRequestBytes sets the size an uncompressed request stays below:
// a batch is cut into several requests, and a span that no request could
// hold is dropped and counted. Requests waiting for a sender are joined
// up to it (see the package documentation). Default
// DefaultMaxRequestBytes, below the 4 MiB that gRPC servers, the
// Collector's among them, accept by default.
func WithMaxRequestBytes(n int) Option { return func(o *options) { o.maxRequest = n } }

// WithConcurrency sets how many requests may be in flight at once, each on
// a connection of its own over HTTP (gRPC multiplexes them on one).
// Connections are opened only when requests overlap: an exporter that
// keeps up sends one request at a time, on one. Default
// DefaultConcurrency: when a burst of spans keeps every core busy, each
// round trip waits on the scheduler, and eight requests in flight keep
// the backlog, and the memory it holds, lower than two did
// (BenchmarkOTLPDelivered).
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = n } }
