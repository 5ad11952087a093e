package redis

import (
	"math"

	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// clientConfig is what the options set.
type clientConfig struct {
	serviceName   string
	spanName      string
	analyticsRate float64 // NaN: none
	skipRaw       bool
	errCheck      func(err error) bool
}

// ClientOption represents an option that can be used to create or wrap a client.
type ClientOption func(*clientConfig)

// defaults are dd-trace-go's, read when the client is wrapped: the
// tracer's service, or "redis.client" when it has none; the span name
// redis.command (under both naming schemas); App Analytics at a rate of 1
// with DD_TRACE_REDIS_ANALYTICS_ENABLED, else off (the global rate does
// not apply, as in dd-trace-go).
func defaults() *clientConfig {
	cfg := &clientConfig{
		serviceName:   httptrace.ServerService("redis.client"),
		spanName:      "redis.command",
		analyticsRate: math.NaN(),
	}
	if on, _ := env.Bool("DD_TRACE_REDIS_ANALYTICS_ENABLED", false); on {
		cfg.analyticsRate = 1
	}
	return cfg
}

// WithSkipRawCommand reports whether to skip setting the "redis.raw_command" tag
// on instrumenation spans. This may be useful if the Datadog Agent is not
// set up to obfuscate this value and it could contain sensitive information.
func WithSkipRawCommand(skip bool) ClientOption {
	return func(cfg *clientConfig) { cfg.skipRaw = skip }
}

// WithServiceName sets the given service name for the client. An empty
// name keeps the default (dd-trace-go would send spans without a
// service).
func WithServiceName(name string) ClientOption {
	return func(cfg *clientConfig) {
		if name != "" {
			cfg.serviceName = name
		}
	}
}

// WithAnalytics enables Trace Analytics for all started spans.
func WithAnalytics(on bool) ClientOption {
	return func(cfg *clientConfig) {
		if on {
			cfg.analyticsRate = 1.0
		} else {
			cfg.analyticsRate = math.NaN()
		}
	}
}

// WithAnalyticsRate sets the sampling rate for Trace Analytics events
// correlated to started spans. A rate outside [0, 1] turns them off.
func WithAnalyticsRate(rate float64) ClientOption {
	return func(cfg *clientConfig) {
		if rate >= 0.0 && rate <= 1.0 {
			cfg.analyticsRate = rate
		} else {
			cfg.analyticsRate = math.NaN()
		}
	}
}

// WithErrorCheck specifies a function fn which determines whether the passed
// error should be marked as an error. A nil fn marks every error but
// redis.Nil, the default (dd-trace-go would panic on the first error).
func WithErrorCheck(fn func(err error) bool) ClientOption {
	return func(cfg *clientConfig) { cfg.errCheck = fn }
}
