package gorm

import (
	"math"

	"gorm.io/gorm"

	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// Option configures Open and NewTracePlugin. A nil Option is ignored.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	serviceName   string
	analyticsRate float64 // NaN: none
	errCheck      func(err error) bool
	tagFns        map[string]func(db *gorm.DB) any
}

// newConfig is the configuration opts give: by default the service
// "gorm.db" (the tracer's when DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED,
// tracer.WithGlobalServiceName or DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1 asks
// integrations not to name services of their own, which dd-trace-go's
// gorm integration ignores), App
// Analytics as DD_TRACE_GORM_ANALYTICS_ENABLED says (dd-trace-go reads
// DD_TRACE__ANALYTICS_ENABLED, its prefix missing), every error an error.
func newConfig(opts []Option) *config {
	c := &config{serviceName: "gorm.db", analyticsRate: math.NaN(), tagFns: map[string]func(*gorm.DB) any{}}
	if s := httptrace.ClientService(); s != "" {
		c.serviceName = s
	}
	if on, _ := env.Bool("DD_TRACE_GORM_ANALYTICS_ENABLED", false); on {
		c.analyticsRate = 1
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c
}

// WithServiceName sets the service of the spans. Default: "gorm.db".
func WithServiceName(name string) Option {
	return optionFunc(func(c *config) { c.serviceName = name })
}

// WithAnalytics turns App Analytics on or off for the spans.
func WithAnalytics(on bool) Option {
	return optionFunc(func(c *config) {
		c.analyticsRate = math.NaN()
		if on {
			c.analyticsRate = 1
		}
	})
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns App Analytics off.
func WithAnalyticsRate(rate float64) Option {
	return optionFunc(func(c *config) {
		c.analyticsRate = math.NaN()
		if rate >= 0 && rate <= 1 {
			c.analyticsRate = rate
		}
	})
}

// WithErrorCheck sets fn to decide whether an operation's error marks its
// span as an error (by default every error does, gorm.ErrRecordNotFound
// included, as in dd-trace-go). fn is called only with an error;
// dd-trace-go also calls it with nil.
func WithErrorCheck(fn func(err error) bool) Option {
	return optionFunc(func(c *config) { c.errCheck = fn })
}

// WithCustomTag sets the tag named tag on every span to what tagFn
// returns, called once the operation is done, with the *gorm.DB it ran
// on (dd-trace-go calls it before the operation runs, though its
// documentation says after). A nil tagFn removes the tag.
func WithCustomTag(tag string, tagFn func(db *gorm.DB) interface{}) Option {
	return optionFunc(func(c *config) {
		if tagFn == nil {
			delete(c.tagFns, tag)
			return
		}
		c.tagFns[tag] = tagFn
	})
}
