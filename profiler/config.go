package profiler

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ctxtrace/trace/internal/env"
)

const (
	agentPath     = "/profiling/v1/input"
	defaultAPIURL = "https://intake.profile.datadoghq.com/v1/input"
	// customLabelLimit is how many custom label keys Datadog's UI offers.
	customLabelLimit = 10
	// defaultTraceLimit bounds an execution trace, in bytes.
	defaultTraceLimit = 5 << 20
)

// defaultSocket is where the Agent listens when set up for a Unix domain
// socket; a variable for tests.
var defaultSocket = "/var/run/datadog/apm.socket"

// execTraceConfig controls the runtime execution trace: how often (on
// average) a period is traced, and the trace's size limit in bytes.
type execTraceConfig struct {
	enabled bool
	period  time.Duration
	limit   int
}

// config is the profiler's configuration: defaults, then the environment,
// then the options.
type config struct {
	apiKey         string
	agentless      bool
	apiURL         string // Datadog's intake, for agentless upload
	agentURL       string // the Agent's profiling endpoint
	targetURL      string // where uploads go: one of the two
	service, env   string
	version        string
	hostname       string
	statsd         StatsdClient
	httpClient     *http.Client
	ownClient      bool // httpClient is the profiler's: its idle connections close at Stop
	tags           []string
	customLabels   []string
	types          map[ProfileType]bool
	period         time.Duration
	cpuDuration    time.Duration
	cpuProfileRate int
	uploadTimeout  time.Duration
	maxGoroutines  int // DD_PROFILING_WAIT_PROFILE_MAX_GOROUTINES, reported only
	mutexFraction  int
	blockRate      int
	deltaProfiles  bool
	logStartup     bool
	trace          execTraceConfig
	enabled        bool
	autoActivated  bool // DD_PROFILING_ENABLED=auto
	flushOnExit    bool
	hotspots       bool
	problems       []error // malformed variables, said at Start
}

// defaultConfig is the configuration before the options: the defaults and
// the environment, read with dd-trace-go's meanings. A malformed variable
// that dd-trace-go rejects is an error; one it ignores is kept in problems.
func defaultConfig() (*config, error) {
	c := &config{
		apiURL:        defaultAPIURL,
		service:       filepath.Base(os.Args[0]),
		period:        DefaultPeriod,
		cpuDuration:   DefaultDuration,
		blockRate:     DefaultBlockRate,
		mutexFraction: DefaultMutexFraction,
		uploadTimeout: DefaultUploadTimeout,
		maxGoroutines: 1000,
		types:         map[ProfileType]bool{MetricsProfile: true, CPUProfile: true, HeapProfile: true},
		tags:          []string{fmt.Sprintf("process_id:%d", os.Getpid())},
	}
	boolEnv := func(key string, def bool) bool {
		v, err := env.Bool(key, def)
		if err != nil {
			c.problems = append(c.problems, err)
		}
		return v
	}
	c.deltaProfiles = boolEnv("DD_PROFILING_DELTA", true)
	c.logStartup = boolEnv("DD_TRACE_STARTUP_LOGS", true)
	c.flushOnExit = boolEnv("DD_PROFILING_FLUSH_ON_EXIT", false)
	c.agentless = boolEnv("DD_PROFILING_AGENTLESS", false)
	c.hotspots = boolEnv("DD_PROFILING_CODE_HOTSPOTS_COLLECTION_ENABLED", true)
	if v := env.String("DD_PROFILING_ENABLED", ""); strings.EqualFold(v, "auto") {
		c.enabled, c.autoActivated = true, true
	} else {
		c.enabled = boolEnv("DD_PROFILING_ENABLED", true)
	}
	c.trace = execTraceConfig{
		enabled: boolEnv("DD_PROFILING_EXECUTION_TRACE_ENABLED", traceDefault),
		period:  c.durationEnv("DD_PROFILING_EXECUTION_TRACE_PERIOD", 15*time.Minute),
		limit:   c.intEnv("DD_PROFILING_EXECUTION_TRACE_LIMIT_BYTES", defaultTraceLimit),
	}
	c.setAgentURL()
	if v := env.String("DD_PROFILING_UPLOAD_TIMEOUT", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("DD_PROFILING_UPLOAD_TIMEOUT: %w", err)
		}
		c.uploadTimeout = d
	}
	if v := env.String("DD_PROFILING_WAIT_PROFILE_MAX_GOROUTINES", ""); v != "" {
		n, err := env.Int("DD_PROFILING_WAIT_PROFILE_MAX_GOROUTINES", 0)
		if err != nil {
			return nil, err
		}
		c.maxGoroutines = n
	}
	c.apiKey = env.String("DD_API_KEY", "")
	if v := env.String("DD_SITE", ""); v != "" {
		WithSite(v)(c)
	}
	c.env = env.String("DD_ENV", "")
	c.service = env.String("DD_SERVICE", c.service)
	c.version = env.String("DD_VERSION", "")
	c.tags = append(c.tags, envTags()...)
	c.tags = append(c.tags, runtimeTags()...)
	if v := env.String("DD_PROFILING_URL", ""); v != "" {
		c.apiURL = v
	}
	return c, nil
}

func (c *config) durationEnv(key string, def time.Duration) time.Duration {
	v := env.String(key, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		c.problems = append(c.problems, fmt.Errorf("%s=%q is not a duration: %w", key, v, err))
		return def
	}
	return d
}

func (c *config) intEnv(key string, def int) int {
	n, err := env.Int(key, def)
	if err != nil {
		c.problems = append(c.problems, err)
	}
	return n
}

// setAgentURL finds the Agent as dd-trace-go does: DD_TRACE_AGENT_URL
// (http, https or unix), then DD_AGENT_HOST and DD_TRACE_AGENT_PORT, then
// the default socket if it exists, then localhost:8126.
func (c *config) setAgentURL() {
	if raw := env.String("DD_TRACE_AGENT_URL", ""); raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			c.problems = append(c.problems, fmt.Errorf("DD_TRACE_AGENT_URL: %w", err))
		case u.Scheme == "unix":
			WithUDS(cmpOr(u.Path, u.Opaque))(c)
			return
		case u.Scheme == "http" || u.Scheme == "https":
			c.agentURL = strings.TrimSuffix(u.String(), "/") + agentPath
			return
		default:
			c.problems = append(c.problems, fmt.Errorf("DD_TRACE_AGENT_URL=%q: the scheme must be http, https or unix", raw))
		}
	}
	host := env.String("DD_AGENT_HOST", "")
	port := env.String("DD_TRACE_AGENT_PORT", "")
	if host == "" && port == "" {
		if _, err := os.Stat(defaultSocket); err == nil {
			WithUDS(defaultSocket)(c)
			return
		}
	}
	c.agentURL = "http://" + net.JoinHostPort(cmpOr(host, "localhost"), cmpOr(port, "8126")) + agentPath
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var (
	errLambda    = errors.New("profiling is not supported in AWS Lambda runtimes")
	errAgentless = errors.New("agentless upload requires a valid API key - set the DD_API_KEY env variable to configure one")
)

// newConfig applies opts over the defaults and checks the result. It
// returns dd-trace-go's errors for what dd-trace-go rejects, and an error
// for a period that is not positive, which dd-trace-go does not check (its
// ticker panics).
func newConfig(opts ...Option) (*config, error) {
	if env.String("AWS_LAMBDA_FUNCTION_NAME", "") != "" {
		return nil, errLambda
	}
	c, err := defaultConfig()
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.uploadTimeout <= 0 {
		return nil, fmt.Errorf("invalid upload timeout, must be > 0: %s", c.uploadTimeout)
	}
	if c.period <= 0 {
		return nil, fmt.Errorf("invalid period, must be > 0: %s", c.period)
	}
	for t := range c.types {
		if !t.public() {
			return nil, fmt.Errorf("unknown profile type: %d", t)
		}
	}
	if c.agentless {
		if !validAPIKey(c.apiKey) {
			return nil, errAgentless
		}
		c.targetURL = c.apiURL
	} else {
		c.targetURL = c.agentURL
	}
	if c.hostname == "" {
		h, err := os.Hostname()
		if err != nil && c.agentless {
			return nil, fmt.Errorf("could not obtain hostname: %w", err)
		}
		c.hostname = h
	}
	c.cpuDuration = min(max(c.cpuDuration, 0), c.period)
	if len(c.customLabels) > customLabelLimit {
		c.customLabels = c.customLabels[:customLabelLimit]
	}
	if c.trace.enabled && (c.trace.period <= 0 || c.trace.limit <= 0) {
		c.problems = append(c.problems, errors.New("execution trace enabled with a period or size limit of 0: execution tracing disabled"))
		c.trace.enabled = false
	}
	if c.httpClient == nil {
		c.httpClient, c.ownClient = defaultClient, true
	}
	c.tags = versionTags(c.tags, c.version)
	return c, nil
}

// validAPIKey reports whether key looks like a Datadog API key: 32
// lower-case letters and digits.
func validAPIKey(key string) bool {
	if len(key) != 32 {
		return false
	}
	for _, r := range key {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// defaultClient has a transport of its own, so that an instrumented
// http.DefaultTransport never traces the profiler's uploads.
var defaultClient = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConns:          100,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   10 * time.Second,
	ExpectContinueTimeout: time.Second,
}}

// traceDefault is whether execution tracing is on by default: where its
// overhead is low, as in dd-trace-go.
var traceDefault = runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"

// has reports whether profile type t is collected.
func (c *config) has(t ProfileType) bool { return c.types[t] }
