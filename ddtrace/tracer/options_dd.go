package tracer

import (
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ctxtrace/trace/internal/globalconfig"
)

// ignore records that an option this package accepts but does not act on
// was given: Start names them in one log line.
func (c *config) ignore(name string) {
	if !slices.Contains(c.ignored, name) {
		c.ignored = append(c.ignored, name)
	}
}

// logIgnored says, once per Start, which options were accepted and
// ignored.
func logIgnored(logger *slog.Logger, c *config) {
	if len(c.ignored) > 0 {
		logger.Warn("trace/tracer: these options were accepted and are ignored: this SDK does not implement what they configure",
			slog.String("options", strings.Join(c.ignored, ", ")))
	}
}

// WithAppSecEnabled is accepted and ignored: this SDK does not implement
// Application Security Management. Start logs that it was given.
func WithAppSecEnabled(enabled bool) StartOption {
	return func(c *config) {
		if enabled {
			c.ignore("WithAppSecEnabled")
		}
	}
}

// WithFeatureFlags is accepted and ignored: none of dd-trace-go's
// experimental feature flags exists here. Start logs that it was given.
func WithFeatureFlags(feats ...string) StartOption {
	return func(c *config) {
		if len(feats) > 0 {
			c.ignore("WithFeatureFlags")
		}
	}
}

// WithPrioritySampling does nothing: priority sampling is always on, as in
// dd-trace-go.
// It is deprecated, as in dd-trace-go.
func WithPrioritySampling() StartOption { return func(*config) {} }

// WithDebugStack, when false, leaves the stack out of every error recorded
// (error.stack), as if each finished with NoDebugStack.
func WithDebugStack(enabled bool) StartOption {
	return func(c *config) { c.noDebugStack = !enabled }
}

// WithLambdaMode is accepted and ignored: this SDK does not write traces
// to standard output for the AWS Lambda extension; traces go to the
// Agent's address. Start logs that it was given.
func WithLambdaMode(enabled bool) StartOption {
	return func(c *config) {
		if enabled {
			c.ignore("WithLambdaMode")
		}
	}
}

// WithRetryInterval sets the pause, in seconds, before a payload the Agent
// did not take is sent again (see WithSendRetries).
func WithRetryInterval(interval int) StartOption {
	return func(c *config) { c.retryInterval = time.Duration(max(interval, 0)) * time.Second }
}

// WithGlobalServiceName, when true, makes integrations (tracehttp and
// contrib) name their spans' service after the tracer's rather than
// after themselves (DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED).
func WithGlobalServiceName(enabled bool) StartOption {
	return func(*config) { globalconfig.SetRemoveIntegrationServiceNames(enabled) }
}

// WithHTTPRoundTripper sets the transport of the client that talks to the
// Agent.
// It is deprecated, as in dd-trace-go: use WithHTTPClient.
func WithHTTPRoundTripper(r http.RoundTripper) StartOption {
	return func(c *config) {
		if r != nil {
			c.httpClient = &http.Client{Transport: r}
		}
	}
}

// WithAnalytics turns App Analytics on (a rate of 1) or off for the spans
// of integrations (tracehttp and contrib).
// App Analytics is deprecated in favour of ingestion controls, as in
// dd-trace-go.
func WithAnalytics(on bool) StartOption {
	return func(*config) {
		if on {
			globalconfig.SetAnalyticsRate(1)
		} else {
			globalconfig.SetAnalyticsRate(math.NaN())
		}
	}
}

// WithAnalyticsRate sets the App Analytics rate of integrations' spans; a
// rate outside 0..1 turns it off.
// App Analytics is deprecated in favour of ingestion controls, as in
// dd-trace-go.
func WithAnalyticsRate(rate float64) StartOption {
	return func(*config) {
		if rate >= 0 && rate <= 1 {
			globalconfig.SetAnalyticsRate(rate)
		} else {
			globalconfig.SetAnalyticsRate(math.NaN())
		}
	}
}

// WithUniversalVersion sets the application's version and puts it on
// every span, of every service (WithServiceVersion puts it only on the
// spans of the tracer's own service).
func WithUniversalVersion(version string) StartOption {
	return func(c *config) { c.version, c.universalVersion = version, true }
}

// WithDebugSpansMode is accepted and ignored: this SDK does not log spans
// left open. Open traces are handed on, partially, after five flush
// intervals instead (see the trace package). Start logs that it was given.
func WithDebugSpansMode(timeout time.Duration) StartOption {
	return func(c *config) { c.ignore("WithDebugSpansMode") }
}

// WithStatsComputation sets whether the tracer computes Datadog's trace
// statistics itself and sends them to the Agent's /v0.6/stats, and then
// does not send the traces sampling dropped (agent.WithStatsComputation).
// It takes effect only with an Agent that allows it (its /info serves
// /v0.6/stats and says client_drop_p0s); otherwise the Agent computes
// them, from every trace. Without this option,
// DD_TRACE_STATS_COMPUTATION_ENABLED decides, and the default is false
// (dd-trace-go v1.74.8 defaults to true).
func WithStatsComputation(enabled bool) StartOption {
	return func(c *config) { c.statsComputation = &enabled }
}

// WithHeaderTags records the given HTTP headers as tags on the spans of
// HTTP integrations (DD_TRACE_HEADER_TAGS): "header" for a tag named
// after it, "header:tag" for a tag of your choice.
func WithHeaderTags(headerAsTags []string) StartOption {
	return func(*config) { globalconfig.SetHeaderTags(headerAsTags) }
}
