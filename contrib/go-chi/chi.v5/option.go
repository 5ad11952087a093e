package chi

import (
	"net/http"

	"github.com/ctxtrace/trace/contrib/internal/ddspan"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// Option configures Middleware.
type Option interface {
	apply(*config)
}

type optionFn func(*config)

func (f optionFn) apply(c *config) { f(c) }

type config struct {
	service        string
	spanOpts       []ddtrace.StartSpanOption
	analytics      httptrace.Analytics
	isStatusError  func(int) bool
	ignore         func(*http.Request) bool
	modifyResource func(string) string
	headerTags     httptrace.HeaderTags
	resourceNamer  func(*http.Request) string
}

// newConfig applies opts over dd-trace-go's defaults, read now.
func newConfig(opts []Option) *config {
	c := &config{service: httptrace.ServerService("chi.router"), analytics: httptrace.IntegrationAnalytics("CHI")}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c
}

func (c *config) serverConfig() httptrace.ServerConfig {
	isError := c.isStatusError
	if isError == nil {
		isError = httptrace.StatusCheckFromEnv(httptrace.EnvServerErrorStatuses, httptrace.ServerError)
	}
	route := routePattern
	if modify := c.modifyResource; modify != nil {
		route = func(r *http.Request) string { return modify(routePattern(r)) }
	}
	return httptrace.ServerConfig{
		Component:     componentName,
		Service:       c.service,
		QueryString:   httptrace.ServerQueryString(),
		IsStatusError: isError,
		Analytics:     c.analytics,
		HeaderTags:    c.headerTags,
		SpanOptions:   ddspan.Options(c.spanOpts),
		Ignore:        c.ignore,
		Route:         route,
		EmptyRoute:    true,
		ResourceNamer: c.resourceNamer,
		Unrouted:      func(r *http.Request) string { return httptrace.Method(r.Method) + " unknown" },
	}
}

// WithServiceName sets the spans' service.
func WithServiceName(name string) Option {
	return optionFn(func(c *config) { c.service = name })
}

// WithSpanOptions sets options added to every span started, replacing
// those given before. They are applied once, when Middleware is called.
func WithSpanOptions(opts ...ddtrace.StartSpanOption) Option {
	return optionFn(func(c *config) { c.spanOpts = opts })
}

// WithAnalytics turns App Analytics on (rate 1) or off for the spans.
func WithAnalytics(on bool) Option {
	return optionFn(func(c *config) {
		c.analytics = httptrace.AnalyticsOff()
		if on {
			c.analytics = httptrace.AnalyticsRate(1)
		}
	})
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns it off.
func WithAnalyticsRate(rate float64) Option {
	return optionFn(func(c *config) {
		c.analytics = httptrace.AnalyticsOff()
		if rate >= 0 && rate <= 1 {
			c.analytics = httptrace.AnalyticsRate(rate)
		}
	})
}

// WithStatusCheck marks the span as an error when fn returns true for the
// response's status code (by default DD_TRACE_HTTP_SERVER_ERROR_STATUSES,
// else 500–599).
func WithStatusCheck(fn func(statusCode int) bool) Option {
	return optionFn(func(c *config) { c.isStatusError = fn })
}

// WithIgnoreRequest serves the requests fn returns true for without a
// span.
func WithIgnoreRequest(fn func(r *http.Request) bool) Option {
	return optionFn(func(c *config) { c.ignore = fn })
}

// WithModifyResourceName changes the route pattern that http.route and
// the resource ("METHOD route") are made of.
func WithModifyResourceName(fn func(resourceName string) string) Option {
	return optionFn(func(c *config) { c.modifyResource = fn })
}

// WithHeaderTags records the request headers named ("header" or
// "header:tag") as tags, instead of those the tracer's WithHeaderTags
// names.
//
// Warning: headers can carry secrets, such as authorization tokens; a
// header is recorded whole (all of Cookie, say).
func WithHeaderTags(headers []string) Option {
	return optionFn(func(c *config) { c.headerTags = httptrace.OwnHeaderTags(headers) })
}

// WithResourceNamer computes each span's resource from the request once
// it was served; when it returns "", the default applies.
func WithResourceNamer(fn func(r *http.Request) string) Option {
	return optionFn(func(c *config) { c.resourceNamer = fn })
}

// WithNoAppsec opts the router out of AppSec. This SDK does not implement
// AppSec: accepted and ignored.
func WithNoAppsec(disabled bool) Option {
	return optionFn(func(*config) {})
}

// WithResponseHeaderCopier gives the function that reads the response's
// headers for AppSec. This SDK does not implement AppSec: accepted and
// ignored.
func WithResponseHeaderCopier(f func(http.ResponseWriter) http.Header) Option {
	return optionFn(func(*config) {})
}
