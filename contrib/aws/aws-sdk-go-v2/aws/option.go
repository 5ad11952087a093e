package aws

import (
	"math"

	"github.com/ctxtrace/trace/internal/env"
)

// config is what the options set.
type config struct {
	serviceName   string
	analyticsRate float64 // NaN: none
	errCheck      func(err error) bool
}

// Option represents an option that can be passed to AppendMiddleware.
type Option func(*config)

// defaults are dd-trace-go's: the service inferred from each request (see
// the package documentation), App Analytics at a rate of 1 with
// DD_TRACE_AWS_ANALYTICS_ENABLED, else off (the global rate does not
// apply, as in dd-trace-go), every error marked.
func defaults() *config {
	cfg := &config{analyticsRate: math.NaN()}
	if on, _ := env.Bool("DD_TRACE_AWS_ANALYTICS_ENABLED", false); on {
		cfg.analyticsRate = 1
	}
	return cfg
}

// WithServiceName sets the given service name for the dialled connection.
// When the service name is not explicitly set it will be inferred based on the
// request to AWS.
func WithServiceName(name string) Option {
	return func(cfg *config) { cfg.serviceName = name }
}

// WithAnalytics enables Trace Analytics for all started spans.
func WithAnalytics(on bool) Option {
	return func(cfg *config) {
		if on {
			cfg.analyticsRate = 1.0
		} else {
			cfg.analyticsRate = math.NaN()
		}
	}
}

// WithAnalyticsRate sets the sampling rate for Trace Analytics events
// correlated to started spans. A rate outside [0, 1] turns them off.
func WithAnalyticsRate(rate float64) Option {
	return func(cfg *config) {
		if rate >= 0.0 && rate <= 1.0 {
			cfg.analyticsRate = rate
		} else {
			cfg.analyticsRate = math.NaN()
		}
	}
}

// WithErrorCheck specifies a function fn which determines whether the passed
// error should be marked as an error. The fn is called whenever an aws operation
// finishes with an error. A nil fn marks every error, the default.
func WithErrorCheck(fn func(err error) bool) Option {
	return func(cfg *config) { cfg.errCheck = fn }
}
