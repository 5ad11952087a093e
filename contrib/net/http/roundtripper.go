package http

import (
	"net/http"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/contrib/internal/ddspan"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// RoundTripperOption configures WrapRoundTripper and WrapClient.
type RoundTripperOption interface {
	applyRoundTripper(*rtConfig)
}

type rtOptionFn func(*rtConfig)

func (f rtOptionFn) applyRoundTripper(c *rtConfig) { f(c) }

// A RoundTripperBeforeFunc is called with the request and its span once
// the span started, before the request is sent.
type RoundTripperBeforeFunc func(*http.Request, ddtrace.Span)

// A RoundTripperAfterFunc is called with the response and the span before
// the span finishes. The response is nil when the request failed.
type RoundTripperAfterFunc func(*http.Response, ddtrace.Span)

// rtConfig is the configuration of client spans.
type rtConfig struct {
	ignore        func(*http.Request) bool
	service       string
	analytics     httptrace.Analytics
	resourceNamer func(*http.Request) string
	spanNamer     func(*http.Request) string
	spanOpts      []ddtrace.StartSpanOption
	isStatusError func(int) bool
	errCheck      func(error) bool
	noPropagation bool
	before        RoundTripperBeforeFunc
	after         RoundTripperAfterFunc
}

// clientConfig applies opts over dd-trace-go's defaults, read now.
func clientConfig(opts []RoundTripperOption) httptrace.ClientConfig {
	c := rtConfig{
		service:       httptrace.ClientService(),
		isStatusError: httptrace.StatusCheckFromEnv(httptrace.EnvClientErrorStatuses, httptrace.ClientError),
	}
	for _, o := range opts {
		if o != nil {
			o.applyRoundTripper(&c)
		}
	}
	cc := httptrace.ClientConfig{
		Component:     componentName,
		SpanNamer:     c.spanNamer,
		ResourceNamer: c.resourceNamer,
		Service:       c.service,
		QueryString:   httptrace.ClientQueryString(),
		IsStatusError: c.isStatusError,
		ErrCheck:      c.errCheck,
		NoPropagation: c.noPropagation,
		Analytics:     c.analytics,
		SpanOptions:   ddspan.Options(c.spanOpts),
		Ignore:        c.ignore,
	}
	if before := c.before; before != nil {
		cc.Before = func(r *http.Request, s *trace.Span) { before(r, ddspan.Span(s)) }
	}
	if after := c.after; after != nil {
		cc.After = func(r *http.Response, s *trace.Span) { after(r, ddspan.Span(s)) }
	}
	return cc
}

// WrapRoundTripper returns rt traced: each request gets a client span and
// the headers that continue its trace. A nil rt means
// http.DefaultTransport; an rt this package (or tracehttp) traced already
// is traced once, as opts say.
func WrapRoundTripper(rt http.RoundTripper, opts ...RoundTripperOption) http.RoundTripper {
	if t, ok := rt.(*httptrace.Transport); ok {
		rt = t.Unwrap()
	}
	return httptrace.NewTransport(rt, clientConfig(opts))
}

// WrapClient traces c's transport (http.DefaultTransport when it has
// none) and returns c.
func WrapClient(c *http.Client, opts ...RoundTripperOption) *http.Client {
	c.Transport = WrapRoundTripper(c.Transport, opts...)
	return c
}

// WithBefore calls f with each request and its span before it is sent.
func WithBefore(f RoundTripperBeforeFunc) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.before = f })
}

// WithAfter calls f with each response and its span before the span
// finishes.
func WithAfter(f RoundTripperAfterFunc) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.after = f })
}

// RTWithResourceNamer computes each span's resource from the request
// (by default "http.request").
func RTWithResourceNamer(namer func(req *http.Request) string) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.resourceNamer = namer })
}

// RTWithSpanNamer computes each span's name from the request (by default
// "http.request").
func RTWithSpanNamer(namer func(req *http.Request) string) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.spanNamer = namer })
}

// RTWithSpanOptions adds opts to every span started. They are applied
// once, when the RoundTripper is wrapped.
func RTWithSpanOptions(opts ...ddtrace.StartSpanOption) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.spanOpts = append(c.spanOpts, opts...) })
}

// RTWithServiceName sets the spans' service (by default, their parent's).
func RTWithServiceName(name string) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.service = name })
}

// RTWithAnalytics turns App Analytics on (rate 1) or off for the spans.
func RTWithAnalytics(on bool) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.analytics = analyticsOn(on) })
}

// RTWithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns it off.
func RTWithAnalyticsRate(rate float64) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.analytics = analyticsRate(rate) })
}

// RTWithPropagation turns on (the default) or off the headers that carry
// the trace to the server. Off, the server's spans start a new trace.
func RTWithPropagation(propagation bool) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.noPropagation = !propagation })
}

// RTWithIgnoreRequest sends the requests f returns true for without a
// span.
func RTWithIgnoreRequest(f func(*http.Request) bool) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.ignore = f })
}

// RTWithErrorCheck marks the span as an error when the round trip fails
// with an error fn returns true for (all, by default); the error's text
// is in http.errors either way.
func RTWithErrorCheck(fn func(err error) bool) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.errCheck = fn })
}

// RTWithStatusCheck marks the span as an error when fn returns true for
// the response's status code (400–499 by default).
func RTWithStatusCheck(fn func(statusCode int) bool) RoundTripperOption {
	return rtOptionFn(func(c *rtConfig) { c.isStatusError = fn })
}
