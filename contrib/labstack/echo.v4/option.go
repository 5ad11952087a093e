package echo

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/ctxtrace/trace/internal/httptrace"
)

// Option configures Middleware.
type Option interface {
	apply(*config)
}

// optionFn is an Option made of a function.
type optionFn func(*config)

func (fn optionFn) apply(cfg *config) { fn(cfg) }

// IgnoreRequestFunc determines if tracing will be skipped for a request.
type IgnoreRequestFunc func(c echo.Context) bool

type config struct {
	service        string
	analytics      httptrace.Analytics
	noDebugStack   bool
	ignoreRequest  IgnoreRequestFunc
	isStatusError  func(statusCode int) bool
	translateError func(err error) (*echo.HTTPError, bool)
	headerTags     httptrace.HeaderTags
	errCheck       func(error) bool
	tags           []tag
}

type tag struct {
	key   string
	value any
}

// defaults are dd-trace-go's, read when Middleware is called: the
// tracer's service when it was given one, else "echo"; no App Analytics
// whatever the global rate; 500–599 are errors (or what
// DD_TRACE_HTTP_SERVER_ERROR_STATUSES lists); the *echo.HTTPError in an
// error's chain gives the status.
func defaults() *config {
	return &config{
		service:        httptrace.ServerService("echo"),
		analytics:      httptrace.AnalyticsOff(),
		isStatusError:  httptrace.StatusCheckFromEnv(httptrace.EnvServerErrorStatuses, httptrace.ServerError),
		translateError: asHTTPError,
	}
}

func asHTTPError(err error) (*echo.HTTPError, bool) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he, true
	}
	return nil, false
}

// WithServiceName sets the service of the spans Middleware starts. The
// default is the tracer's service when it was given one (WithService,
// DD_SERVICE), else "echo".
func WithServiceName(name string) Option {
	return optionFn(func(cfg *config) { cfg.service = name })
}

// WithAnalytics turns App Analytics on (a rate of 1) or off for the
// spans Middleware starts. It is off by default, whatever the global
// setting, as in dd-trace-go.
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
// starts; a rate outside [0, 1] turns App Analytics off.
func WithAnalyticsRate(rate float64) Option {
	return optionFn(func(cfg *config) {
		if rate >= 0 && rate <= 1 {
			cfg.analytics = httptrace.AnalyticsRate(rate)
		} else {
			cfg.analytics = httptrace.AnalyticsOff()
		}
	})
}

// NoDebugStack leaves the stack trace (error.stack) out of spans that
// finish with an error, for services where errors are frequent and
// performance is critical.
func NoDebugStack() Option {
	return optionFn(func(cfg *config) { cfg.noDebugStack = true })
}

// WithIgnoreRequest skips tracing the requests for which ignoreRequestFunc
// returns true.
func WithIgnoreRequest(ignoreRequestFunc IgnoreRequestFunc) Option {
	return optionFn(func(cfg *config) { cfg.ignoreRequest = ignoreRequestFunc })
}

// WithErrorTranslator sets the function that turns an error a handler
// returns into an *echo.HTTPError, whose Code is the status the span
// records. By default, the *echo.HTTPError in the error's chain; an error
// it cannot translate counts as a 500.
func WithErrorTranslator(fn func(err error) (*echo.HTTPError, bool)) Option {
	return optionFn(func(cfg *config) { cfg.translateError = fn })
}

// WithStatusCheck sets the function that reports whether a status code
// marks the span as an error (by default 500–599, or what
// DD_TRACE_HTTP_SERVER_ERROR_STATUSES lists).
func WithStatusCheck(fn func(statusCode int) bool) Option {
	return optionFn(func(cfg *config) { cfg.isStatusError = fn })
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

// WithErrorCheck sets the function that decides whether an error is
// recorded on the span: the error a handler returns, and the one a status
// that WithStatusCheck calls an error makes. The span records it when
// errCheck returns true, and not when it returns false (dd-trace-go's doc
// comment says the opposite of what its code does; this is what its code
// does).
func WithErrorCheck(errCheck func(error) bool) Option {
	return optionFn(func(cfg *config) { cfg.errCheck = errCheck })
}

// WithCustomTag puts the tag key with value on every span Middleware
// starts. Standard span tags cannot be replaced: a custom tag of a key
// Middleware sets (component, span.kind, http.method, http.url,
// http.route, http.status_code...) or that names the span's service,
// resource, type or name is ignored.
func WithCustomTag(key string, value interface{}) Option {
	return optionFn(func(cfg *config) { cfg.tags = append(cfg.tags, tag{key, value}) })
}
