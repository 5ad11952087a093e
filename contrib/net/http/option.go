package http

import (
	"net/http"

	"github.com/ctxtrace/trace/contrib/internal/ddspan"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// Option configures WrapHandler and NewServeMux.
type Option interface {
	apply(*config)
}

// MuxOption is Option, by its former name.
//
// Deprecated: use Option.
type MuxOption = Option

type optionFn func(*config)

func (f optionFn) apply(c *config) { f(c) }

// config is the configuration of server spans.
type config struct {
	ignore        func(*http.Request) bool
	service       string
	headerTags    httptrace.HeaderTags
	analytics     httptrace.Analytics
	spanOpts      []ddtrace.StartSpanOption
	resourceNamer func(*http.Request) string
	noDebugStack  bool
	isStatusError func(int) bool
}

// newConfig applies opts over dd-trace-go's defaults, read now.
func newConfig(opts []Option) *config {
	c := &config{service: httptrace.ServerService("http.router"), analytics: httptrace.IntegrationAnalytics("HTTP")}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c
}

func (c *config) serverConfig() httptrace.ServerConfig {
	return httptrace.ServerConfig{
		Component:     componentName,
		Service:       c.service,
		QueryString:   httptrace.ServerQueryString(),
		IsStatusError: serverStatusCheck(c.isStatusError),
		Analytics:     c.analytics,
		HeaderTags:    c.headerTags,
		SpanOptions:   ddspan.Options(c.spanOpts),
		NoDebugStack:  c.noDebugStack,
		Ignore:        c.ignore,
	}
}

// serverStatusCheck is f, or the default: DD_TRACE_HTTP_SERVER_ERROR_STATUSES,
// else 500–599.
func serverStatusCheck(f func(int) bool) func(int) bool {
	if f != nil {
		return f
	}
	return httptrace.StatusCheckFromEnv(httptrace.EnvServerErrorStatuses, httptrace.ServerError)
}

// analyticsRate is dd-trace-go's reading of an App Analytics rate: a rate
// outside [0, 1] turns App Analytics off.
func analyticsRate(rate float64) httptrace.Analytics {
	if rate >= 0 && rate <= 1 {
		return httptrace.AnalyticsRate(rate)
	}
	return httptrace.AnalyticsOff()
}

func analyticsOn(on bool) httptrace.Analytics {
	if on {
		return httptrace.AnalyticsRate(1)
	}
	return httptrace.AnalyticsOff()
}

// WithIgnoreRequest serves the requests f returns true for without a span.
func WithIgnoreRequest(f func(*http.Request) bool) MuxOption {
	return optionFn(func(c *config) { c.ignore = f })
}

// WithServiceName sets the spans' service.
func WithServiceName(name string) MuxOption {
	return optionFn(func(c *config) { c.service = name })
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

// WithAnalytics turns App Analytics on (rate 1) or off for the spans.
func WithAnalytics(on bool) MuxOption {
	return optionFn(func(c *config) { c.analytics = analyticsOn(on) })
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns it off.
func WithAnalyticsRate(rate float64) MuxOption {
	return optionFn(func(c *config) { c.analytics = analyticsRate(rate) })
}

// WithSpanOptions adds opts to every span started. They are applied once,
// when the handler is wrapped.
func WithSpanOptions(opts ...ddtrace.StartSpanOption) Option {
	return optionFn(func(c *config) { c.spanOpts = append(c.spanOpts, opts...) })
}

// WithResourceNamer computes each span's resource from the request; when
// it returns "", the default applies.
func WithResourceNamer(namer func(req *http.Request) string) Option {
	return optionFn(func(c *config) { c.resourceNamer = namer })
}

// NoDebugStack leaves the stack out of the errors spans record.
func NoDebugStack() Option {
	return optionFn(func(c *config) { c.noDebugStack = true })
}

// WithStatusCheck marks the span as an error when fn returns true for the
// response's status code.
func WithStatusCheck(fn func(statusCode int) bool) Option {
	return optionFn(func(c *config) { c.isStatusError = fn })
}
