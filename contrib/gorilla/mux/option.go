package mux

import (
	"net/http"

	"github.com/ctxtrace/trace/contrib/internal/ddspan"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// RouterOption configures NewRouter and WrapRouter.
type RouterOption interface {
	apply(*routerConfig)
}

type optionFn func(*routerConfig)

func (f optionFn) apply(c *routerConfig) { f(c) }

type routerConfig struct {
	service       string
	spanOpts      []ddtrace.StartSpanOption
	noDebugStack  bool
	analytics     httptrace.Analytics
	resourceNamer func(*Router, *http.Request) string
	ignore        func(*http.Request) bool
	headerTags    httptrace.HeaderTags
	isStatusError func(int) bool
}

// newConfig applies opts over dd-trace-go's defaults, read now.
func newConfig(opts []RouterOption) *routerConfig {
	c := &routerConfig{service: httptrace.ServerService("mux.router"), analytics: httptrace.IntegrationAnalytics("MUX")}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c
}

func (c *routerConfig) serverConfig() httptrace.ServerConfig {
	isError := c.isStatusError
	if isError == nil {
		isError = httptrace.StatusCheckFromEnv(httptrace.EnvServerErrorStatuses, httptrace.ServerError)
	}
	return httptrace.ServerConfig{
		Component:     componentName,
		Service:       c.service,
		QueryString:   httptrace.ServerQueryString(),
		IsStatusError: isError,
		Analytics:     c.analytics,
		HeaderTags:    c.headerTags,
		SpanOptions:   ddspan.Options(c.spanOpts),
		NoDebugStack:  c.noDebugStack,
	}
}

// WithIgnoreRequest serves the requests f returns true for without a span.
func WithIgnoreRequest(f func(*http.Request) bool) RouterOption {
	return optionFn(func(c *routerConfig) { c.ignore = f })
}

// WithServiceName sets the spans' service.
func WithServiceName(name string) RouterOption {
	return optionFn(func(c *routerConfig) { c.service = name })
}

// WithSpanOptions sets options added to every span started, replacing
// those given before. They are applied once, when the router is wrapped.
func WithSpanOptions(opts ...ddtrace.StartSpanOption) RouterOption {
	return optionFn(func(c *routerConfig) { c.spanOpts = opts })
}

// NoDebugStack leaves the stack out of the errors spans record.
func NoDebugStack() RouterOption {
	return optionFn(func(c *routerConfig) { c.noDebugStack = true })
}

// WithAnalytics turns App Analytics on (rate 1) or off for the spans.
func WithAnalytics(on bool) RouterOption {
	return optionFn(func(c *routerConfig) {
		c.analytics = httptrace.AnalyticsOff()
		if on {
			c.analytics = httptrace.AnalyticsRate(1)
		}
	})
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns it off.
func WithAnalyticsRate(rate float64) RouterOption {
	return optionFn(func(c *routerConfig) {
		c.analytics = httptrace.AnalyticsOff()
		if rate >= 0 && rate <= 1 {
			c.analytics = httptrace.AnalyticsRate(rate)
		}
	})
}

// WithResourceNamer computes each span's resource from the router and the
// request, before the request is served. The default is "METHOD template"
// of the route that matches, or "METHOD unknown".
func WithResourceNamer(namer func(router *Router, req *http.Request) string) RouterOption {
	return optionFn(func(c *routerConfig) { c.resourceNamer = namer })
}

// WithHeaderTags records the request headers named ("header" or
// "header:tag") as tags, instead of those the tracer's WithHeaderTags
// names.
//
// Warning: headers can carry secrets, such as authorization tokens; a
// header is recorded whole (all of Cookie, say).
func WithHeaderTags(headers []string) RouterOption {
	return optionFn(func(c *routerConfig) { c.headerTags = httptrace.OwnHeaderTags(headers) })
}

// WithQueryParams is accepted and ignored, as in dd-trace-go: the query
// string is in http.url (obfuscated) unless
// DD_TRACE_HTTP_URL_QUERY_STRING_DISABLED says otherwise.
func WithQueryParams() RouterOption {
	return optionFn(func(*routerConfig) {})
}

// WithStatusCheck marks the span as an error when fn returns true for the
// response's status code (by default DD_TRACE_HTTP_SERVER_ERROR_STATUSES,
// else 500–599).
func WithStatusCheck(fn func(statusCode int) bool) RouterOption {
	return optionFn(func(c *routerConfig) { c.isStatusError = fn })
}
