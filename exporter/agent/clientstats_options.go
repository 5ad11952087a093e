package agent

import (
	"github.com/ctxtrace/trace/internal/env"
)

// WithStatsComputation makes the exporter compute Datadog's trace
// statistics itself (hits, errors and latency distributions per service,
// operation, resource, HTTP and gRPC status, span kind and peer, in
// 10-second buckets) and send them to the Agent's /v0.6/stats, and then
// not send the chunks sampling dropped: the Agent needs them only for its
// statistics. Chunks with an error, and spans single span sampling keeps,
// are still sent. It takes effect once the Agent's /info says it serves
// /v0.6/stats and lets clients drop sampled-out traces
// (client_drop_p0s); until then, and with an Agent that does not, every
// chunk is sent as without it.
//
// Default: DD_TRACE_STATS_COMPUTATION_ENABLED, and false when it is unset
// (dd-trace-go v1.74.8 defaults to true: see the package documentation).
// The statistics are computed in Export, off the application's path.
// With statistics on, New waits for the Agent's /info, at most two
// seconds, as dd-trace-go's Start does, so that the first traces are
// already treated as the Agent allows.
func WithStatsComputation(enabled bool) Option {
	return func(c *config) { c.stats = &enabled }
}

// WithStatsMaxGroups bounds the groups (distinct service, operation,
// resource, status, kind and peer) a 10-second bucket of client-side
// statistics holds; the spans of further groups are left out of the
// statistics and counted (Stats.ClientStats.Cut). Default
// DefaultStatsMaxGroups.
func WithStatsMaxGroups(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.statsMaxGroups = n
		}
	}
}

// statsEnabled resolves WithStatsComputation and the environment; a
// malformed variable is reported through the logger and read as unset.
func (c *config) statsEnabled() bool {
	if c.stats != nil {
		return *c.stats
	}
	on, err := env.Bool("DD_TRACE_STATS_COMPUTATION_ENABLED", false)
	if err != nil {
		c.logger.Warn("trace/agent: ignoring a malformed setting", "error", err.Error())
	}
	return on
}
