package profiler

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"
)

const (
	// DefaultMutexFraction is the mutex profile fraction used by the mutex
	// profiler; see MutexProfileFraction.
	DefaultMutexFraction = 10

	// DefaultBlockRate is the block profiling rate, in nanoseconds, used by
	// the block profiler; see BlockProfileRate. We do not recommend enabling
	// the block profile in production: no rate is provably cheap for every
	// workload.
	DefaultBlockRate = 100000000

	// DefaultPeriod is the period at which profiles are collected.
	DefaultPeriod = time.Minute

	// DefaultDuration is the length of the CPU profile of each period.
	DefaultDuration = time.Minute

	// DefaultUploadTimeout is the timeout of each upload. The
	// DD_PROFILING_UPLOAD_TIMEOUT variable and WithUploadTimeout change it.
	DefaultUploadTimeout = 10 * time.Second
)

// An Option configures the profiler.
type Option func(*config)

// WithAgentAddr sets the Datadog Agent's address, as host:port.
func WithAgentAddr(hostport string) Option {
	return func(c *config) { c.agentURL = "http://" + hostport + agentPath }
}

// WithAPIKey is accepted and ignored, as in dd-trace-go v1: profiles go to
// the Agent, which holds the key. (DD_API_KEY with DD_PROFILING_AGENTLESS
// still selects agentless upload.)
func WithAPIKey(key string) Option { return func(*config) {} }

// WithAgentlessUpload is accepted and ignored, as in dd-trace-go v1, where
// it does nothing either; DD_PROFILING_AGENTLESS=true selects agentless
// upload.
func WithAgentlessUpload() Option { return func(*config) {} }

// WithDeltaProfiles sets whether the heap, block and mutex profiles are
// uploaded as deltas over the period (the default, and DD_PROFILING_DELTA).
func WithDeltaProfiles(enabled bool) Option {
	return func(c *config) { c.deltaProfiles = enabled }
}

// WithURL sets the URL of the Datadog intake used by agentless upload; with
// the Agent (the default) it has no effect, as in dd-trace-go.
func WithURL(url string) Option { return func(c *config) { c.apiURL = url } }

// WithPeriod sets the interval at which profiles are collected and
// uploaded. It must be positive.
func WithPeriod(d time.Duration) Option { return func(c *config) { c.period = d } }

// CPUDuration sets how long the CPU profile of each period runs: the last
// d of the period (at most the whole period).
func CPUDuration(d time.Duration) Option { return func(c *config) { c.cpuDuration = d } }

// CPUProfileRate sets the CPU profile's sampling frequency in hertz; by
// default runtime/pprof's (100). A rate other than the default makes the
// runtime print a spurious warning each time CPU profiling starts, as with
// dd-trace-go.
func CPUProfileRate(hz int) Option { return func(c *config) { c.cpuProfileRate = hz } }

// MutexProfileFraction turns on the mutex profile, reporting on average
// one in rate contention events (runtime.SetMutexProfileFraction).
func MutexProfileFraction(rate int) Option {
	return func(c *config) {
		c.types[MutexProfile] = true
		c.mutexFraction = rate
	}
}

// BlockProfileRate turns on the block profile with the given rate in
// nanoseconds (runtime.SetBlockProfileRate). We do not recommend it; see
// DefaultBlockRate.
func BlockProfileRate(rate int) Option {
	return func(c *config) {
		c.types[BlockProfile] = true
		c.blockRate = rate
	}
}

// WithProfileTypes sets the profile types collected, replacing the
// defaults (CPU and heap); the metrics profile is always collected.
func WithProfileTypes(types ...ProfileType) Option {
	return func(c *config) {
		clear(c.types)
		c.types[MetricsProfile] = true
		for _, t := range types {
			c.types[t] = true
		}
	}
}

// WithService sets the service name (DD_SERVICE; by default the
// program's name).
func WithService(name string) Option { return func(c *config) { c.service = name } }

// WithEnv sets the environment (DD_ENV).
func WithEnv(env string) Option { return func(c *config) { c.env = env } }

// WithVersion sets the service's version (DD_VERSION); it replaces any
// version tag given by WithTags.
func WithVersion(version string) Option { return func(c *config) { c.version = version } }

// WithTags adds tags, "key:value", to every upload.
func WithTags(tags ...string) Option {
	return func(c *config) { c.tags = append(c.tags, tags...) }
}

// WithStatsd sends the profiler's own metrics (uploads, errors, collection
// times) to client. By default none are sent.
func WithStatsd(client StatsdClient) Option { return func(c *config) { c.statsd = client } }

// WithUploadTimeout sets the timeout of each upload (by default
// DefaultUploadTimeout or DD_PROFILING_UPLOAD_TIMEOUT). Start fails when it
// is not positive.
func WithUploadTimeout(d time.Duration) Option {
	return func(c *config) { c.uploadTimeout = d }
}

// WithSite sets the Datadog site (datadoghq.com, datadoghq.eu, ...) that
// agentless upload sends to (DD_SITE).
func WithSite(site string) Option {
	return func(c *config) { c.apiURL = "https://intake.profile." + site + "/v1/input" }
}

// WithHTTPClient sets the HTTP client used to upload profiles.
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) { c.httpClient, c.ownClient = client, false }
}

// WithUDS sends profiles to the Agent through the Unix domain socket at
// socketPath.
func WithUDS(socketPath string) Option {
	return func(c *config) {
		// The URL needs a host: a name made from the path keeps logs
		// readable; the client dials the socket whatever the host.
		host := "UDS_" + strings.NewReplacer(":", "_", "/", "_", `\`, "_").Replace(socketPath)
		c.agentURL = "http://" + host + agentPath
		var d net.Dialer
		c.httpClient = &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return d.DialContext(ctx, "unix", socketPath)
			},
			IdleConnTimeout: 90 * time.Second,
		}}
		c.ownClient = true
	}
}

// WithLogStartup sets whether Start logs the profiler's configuration, as
// one JSON document (DD_TRACE_STARTUP_LOGS; on by default).
func WithLogStartup(enabled bool) Option { return func(c *config) { c.logStartup = enabled } }

// WithHostname sets the host tag of uploads; by default os.Hostname().
func WithHostname(hostname string) Option { return func(c *config) { c.hostname = hostname } }

// WithCustomProfilerLabelKeys names pprof label keys offered as filters on
// CPU and goroutine flame graphs in Datadog's UI (the event's
// custom_attributes). Keys past the first 10 are left out of that list but
// stay in the profiles.
func WithCustomProfilerLabelKeys(keys ...string) Option {
	return func(c *config) { c.customLabels = append(c.customLabels, keys...) }
}
