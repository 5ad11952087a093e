package gin

import (
	"github.com/gin-gonic/gin"

	"github.com/ctxtrace/trace/internal/httptrace"
)

// Option configures Middleware.
type Option interface {
	apply(*config)
}

// optionFn is an Option made of a function.
type optionFn func(*config)

func (fn optionFn) apply(cfg *config) { fn(cfg) }

type config struct {
	analytics     httptrace.Analytics
	resourceNamer func(c *gin.Context) string
	ignoreRequest func(c *gin.Context) bool
	headerTags    httptrace.HeaderTags
}

// WithAnalytics turns App Analytics on (a rate of 1) or off for the
// spans Middleware starts, whatever the global setting.
func WithAnalytics(on bool) Option {
	return optionFn(func(cfg *config) {
		if on {
			cfg.analytics = httptrace.AnalyticsRate(1)
		} else {
			cfg.analytics = httptrace.AnalyticsOff()
		}
	})
}

// WithAnalyticsRate sets the App Analytics rate of the spans Middleware
// starts; a rate outside [0, 1] turns App Analytics off, as in
// dd-trace-go.
func WithAnalyticsRate(rate float64) Option {
	return optionFn(func(cfg *config) {
		if rate >= 0 && rate <= 1 {
			cfg.analytics = httptrace.AnalyticsRate(rate)
		} else {
			cfg.analytics = httptrace.AnalyticsOff()
		}
	})
}

// WithResourceNamer computes each span's resource from the request's
// gin.Context, replacing the default "METHOD route" (c.FullPath()).
func WithResourceNamer(namer func(c *gin.Context) string) Option {
	return optionFn(func(cfg *config) { cfg.resourceNamer = namer })
}

// WithHeaderTags records the request headers headers names as span tags,
// instead of the ones the tracer's WithHeaderTags or DD_TRACE_HEADER_TAGS
// name. Each entry is "header" (tagged http.request.headers.<header>) or
// "header:tag".
//
// Recording headers can send secrets such as authorization tokens to
// Datadog, and a header such as Cookie is recorded whole.
func WithHeaderTags(headers []string) Option {
	ht := httptrace.OwnHeaderTags(headers)
	return optionFn(func(cfg *config) { cfg.headerTags = ht })
}

// WithIgnoreRequest skips tracing the requests for which f returns true.
func WithIgnoreRequest(f func(c *gin.Context) bool) Option {
	return optionFn(func(cfg *config) { cfg.ignoreRequest = f })
}
