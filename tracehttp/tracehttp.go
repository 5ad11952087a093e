// Package tracehttp traces net/http servers and clients in one line each.
//
// Handler wraps a server's handler: it continues the trace the caller sent
// in the request headers, starts an "http.request" span of type "web"
// whose resource is "METHOD route", and puts the span in the request's
// context so the handler's own spans become its children. Transport wraps
// a client's RoundTripper: each request gets a client span and the headers
// that carry it to the next service.
//
// Span names and tags follow dd-trace-go's contrib/net/http, so existing
// Datadog dashboards and monitors keep working: http.method, http.url,
// http.status_code, http.route, http.host, http.useragent, span.kind and
// component; client spans add network.destination.name and .port, and
// http.errors when the request fails. The spans are made by the engine
// every HTTP integration of this module shares (internal/httptrace).
// Query strings are left out of http.url unless WithQueryString says
// otherwise, because they often carry secrets; when kept, what looks like
// a secret is replaced by "<redacted>", as dd-trace-go does (see
// DD_TRACE_OBFUSCATION_QUERY_STRING_REGEXP). Unlike dd-trace-go, a
// method that is not a token of at most 24 bytes shows as "_OTHER", and
// routes are cut at 200 bytes: a caller cannot make spans large, or make
// a new resource per request.
//
// The settings ddtrace/tracer gives HTTP integrations apply here too. Server
// spans record the headers named by WithHeaderTags or DD_TRACE_HEADER_TAGS,
// from the request (http.request.headers.*, or the tag the entry names)
// and, beyond dd-trace-go, from the response (http.response.headers.*,
// for entries that name no tag). With WithAnalytics, WithAnalyticsRate or
// DD_TRACE_ANALYTICS_ENABLED, server and client spans carry the App
// Analytics rate (_dd1.sr.eausr); DD_TRACE_HTTP_ANALYTICS_ENABLED=true, read
// when Handler is called, gives server spans a rate of 1.
package tracehttp

import (
	"net/http"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

const component = "net/http"

// Option configures Handler and Transport.
type Option func(*config)

type config struct {
	tracer      *trace.Tracer
	service     string
	query       bool
	isError     func(status int) bool
	resource    func(*http.Request) string
	spanOptions []trace.SpanOption
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithTracer makes spans with t rather than trace.Default() (looked up on
// every request, so a later SetDefault is honoured).
func WithTracer(t *trace.Tracer) Option { return func(c *config) { c.tracer = t } }

// WithService sets the service name of the spans.
func WithService(name string) Option { return func(c *config) { c.service = name } }

// WithQueryString includes the query string in http.url, obfuscated. It
// is off by default because query strings often carry tokens.
func WithQueryString(on bool) Option { return func(c *config) { c.query = on } }

// WithStatusError decides which response status codes mark the span as an
// error. The defaults are dd-trace-go's: 500–599 for a server span (its
// fault), 400–499 for a client span (the caller's request was refused).
func WithStatusError(f func(status int) bool) Option {
	return func(c *config) {
		if f != nil {
			c.isError = f
		}
	}
}

// WithResourceNamer computes each span's resource from the request,
// replacing the default "METHOD route".
func WithResourceNamer(f func(*http.Request) string) Option {
	return func(c *config) { c.resource = f }
}

// WithSpanOptions adds options (tags, say) to every span started.
func WithSpanOptions(opts ...trace.SpanOption) Option {
	return func(c *config) { c.spanOptions = append(c.spanOptions, opts...) }
}

// Handler returns h traced: every request runs inside an "http.request"
// server span that continues the caller's trace.
func Handler(h http.Handler, opts ...Option) http.Handler {
	c := newConfig(opts)
	cfg := httptrace.ServerConfig{
		Tracer:             c.tracer,
		Component:          component,
		Service:            c.service,
		QueryString:        c.query,
		IsStatusError:      c.isError,
		ResponseHeaderTags: true,
		SpanOptions:        c.spanOptions,
		Route:              func(r *http.Request) string { return httptrace.PatternPath(r.Pattern) },
		ResourceNamer:      c.resource,
		Unrouted: func(r *http.Request) string {
			return httptrace.Method(r.Method) + " " + httptrace.Quantize(r.URL.Path)
		},
	}
	if httptrace.HTTPAnalyticsEnabled() {
		cfg.Analytics = httptrace.AnalyticsRate(1)
	}
	srv := httptrace.NewServer(cfg)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.Serve(h, w, r, "", "")
	})
}

// Transport returns rt traced: every request gets a client span, and the
// headers that continue the trace in the server. A nil rt means
// http.DefaultTransport.
func Transport(rt http.RoundTripper, opts ...Option) http.RoundTripper {
	c := newConfig(opts)
	return httptrace.NewTransport(rt, httptrace.ClientConfig{
		Tracer:        c.tracer,
		Component:     component,
		Service:       c.service,
		QueryString:   c.query,
		IsStatusError: c.isError,
		ResourceNamer: c.resource,
		SpanOptions:   c.spanOptions,
	})
}
