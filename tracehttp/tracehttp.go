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
// http.status_code, http.route, http.useragent, span.kind and component.
// Query strings are left out of http.url unless WithQueryString says
// otherwise, because they often carry secrets. Unlike dd-trace-go, a
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
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// Tag keys and values, as dd-trace-go's contrib/net/http writes them.
const (
	spanName    = "http.request"
	component   = "net/http"
	tagMethod   = "http.method"
	tagURL      = "http.url"
	tagStatus   = "http.status_code"
	tagRoute    = "http.route"
	tagAgent    = "http.useragent"
	tagKind     = "span.kind"
	tagComp     = "component"
	tagDestName = "network.destination.name"
	tagDestPort = "network.destination.port"
	maxResource = 200
)

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

func newConfig(opts []Option, isError func(int) bool) config {
	c := config{isError: isError}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

func (c *config) tracerFor() *trace.Tracer {
	if c.tracer != nil {
		return c.tracer
	}
	return trace.Default()
}

// WithTracer makes spans with t rather than trace.Default() (looked up on
// every request, so a later SetDefault is honoured).
func WithTracer(t *trace.Tracer) Option { return func(c *config) { c.tracer = t } }

// WithService sets the service name of the spans.
func WithService(name string) Option { return func(c *config) { c.service = name } }

// WithQueryString includes the query string in http.url. It is off by
// default because query strings often carry tokens.
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

// commonOptions appends to dst the span options that server and client
// spans share: type, kind, method, URL, component, service. Callers append
// their own and then the user's (WithSpanOptions), which come last so that
// they win.
//
// kind is serverKind or clientKind: options made once, since boxing a
// string that is not a constant into a tag costs an allocation.
func (c *config) commonOptions(dst []trace.SpanOption, r *http.Request, spanType string, kind trace.SpanOption) []trace.SpanOption {
	dst = append(dst,
		trace.Type(spanType),
		trace.Tag(tagMethod, method(r.Method)),
		trace.Tag(tagURL, requestURL(r, c.query)),
		kind,
		componentTag,
	)
	if c.service != "" {
		dst = append(dst, trace.Service(c.service))
	}
	return dst
}

var (
	serverKind   = trace.Tag(tagKind, "server")
	clientKind   = trace.Tag(tagKind, "client")
	componentTag = trace.Tag(tagComp, component)
)

func serverError(status int) bool { return status >= 500 && status < 600 }

func clientError(status int) bool { return status >= 400 && status < 500 }

// Handler returns h traced: every request runs inside an "http.request"
// server span that continues the caller's trace.
func Handler(h http.Handler, opts ...Option) http.Handler {
	cfg := newConfig(opts, serverError)
	forceAnalytics := httpAnalyticsEnabled()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := cfg.tracerFor()
		if !t.Enabled() {
			h.ServeHTTP(w, r)
			return
		}
		ctx := t.Extract(r.Context(), trace.HeaderCarrier(r.Header))
		var buf [8]trace.SpanOption
		sopts := cfg.commonOptions(buf[:0], r, "web", serverKind)
		if ua := r.UserAgent(); ua != "" {
			sopts = append(sopts, trace.Tag(tagAgent, ua))
		}
		sopts = appendAnalytics(sopts, forceAnalytics)
		headerTags := globalconfig.HeaderTags()
		sopts = appendRequestHeaders(sopts, r.Header, headerTags)
		ctx, span := t.Start(ctx, spanName, append(sopts, cfg.spanOptions...)...)
		rw := &responseWriter{ResponseWriter: w}
		r2 := r.WithContext(ctx)
		defer func() {
			p := recover()
			status := rw.status
			switch {
			case status != 0:
			case p != nil:
				status = http.StatusInternalServerError // what net/http answers
			default:
				status = http.StatusOK
			}
			span.SetTag(tagStatus, statusString(status))
			route := route(r2.Pattern)
			if route != "" {
				span.SetTag(tagRoute, route)
			}
			span.SetResource(resourceFor(&cfg, r2, route))
			setResponseHeaders(span, rw.Header(), headerTags)
			switch {
			case p != nil:
				// Recorded as Do records a panic; net/http's own recovery
				// (or the caller's) still sees it.
				span.RecordPanic(p)
			case cfg.isError(status):
				span.SetError(statusError(status))
			}
			span.Finish()
			if p != nil {
				panic(p)
			}
		}()
		h.ServeHTTP(rw, r2)
	})
}

// Transport returns rt traced: every request gets a client span, and the
// headers that continue the trace in the server. A nil rt means
// http.DefaultTransport.
func Transport(rt http.RoundTripper, opts ...Option) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &transport{base: rt, cfg: newConfig(opts, clientError)}
}

type transport struct {
	base http.RoundTripper
	cfg  config
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr := t.cfg.tracerFor()
	if !tr.Enabled() {
		return t.base.RoundTrip(req)
	}
	var buf [8]trace.SpanOption
	sopts := t.cfg.commonOptions(buf[:0], req, "http", clientKind)
	if req.URL != nil {
		if h := req.URL.Hostname(); h != "" {
			sopts = append(sopts, trace.Tag(tagDestName, h))
		}
		if p := req.URL.Port(); p != "" {
			sopts = append(sopts, trace.Tag(tagDestPort, p))
		}
	}
	resource := spanName // dd-trace-go's default for client spans
	if t.cfg.resource != nil {
		resource = t.cfg.resource(req)
	}
	sopts = append(sopts, trace.Resource(resource))
	sopts = appendAnalytics(sopts, false) // the global rate only, as in dd-trace-go
	ctx, span := tr.Start(req.Context(), spanName, append(sopts, t.cfg.spanOptions...)...)
	// A RoundTripper must not modify the request it is given.
	out := req.Clone(ctx)
	if out.Header == nil {
		out.Header = make(http.Header)
	}
	_ = tr.Inject(ctx, trace.HeaderCarrier(out.Header))
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		span.Finish(trace.WithError(err))
		return resp, err
	}
	span.SetTag(tagStatus, statusString(resp.StatusCode))
	if t.cfg.isError(resp.StatusCode) {
		span.SetError(statusError(resp.StatusCode))
	}
	span.Finish()
	return resp, nil
}

// statusStrings holds the decimal text of every valid status code, so that
// tagging one costs no allocation.
var statusStrings = func() (s [500]string) {
	for i := range s {
		s[i] = strconv.Itoa(100 + i)
	}
	return s
}()

func statusString(status int) string {
	if status >= 100 && status < 600 {
		return statusStrings[status-100]
	}
	return strconv.Itoa(status)
}

func statusError(status int) error {
	return fmt.Errorf("%d: %s", status, http.StatusText(status))
}

// route turns a ServeMux pattern ("GET example.com/users/{id}") into its
// path part ("/users/{id}"), of at most maxRouteLen bytes.
func route(pattern string) string {
	if pattern == "" {
		return ""
	}
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:] // drop a host
	}
	return truncate(pattern, maxRouteLen)
}

func resourceFor(cfg *config, r *http.Request, route string) string {
	if cfg.resource != nil {
		return cfg.resource(r)
	}
	if route == "" {
		route = quantize(r.URL.Path)
	}
	return method(r.Method) + " " + route
}

// quantize bounds a raw path's cardinality when there is no route: path
// segments that look like identifiers (containing digits, or long) become
// "?", and the result is at most maxResource bytes.
func quantize(path string) string {
	if path == "" {
		return "/"
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(strings.TrimPrefix(path, "/"), "/") {
		b.WriteByte('/')
		if isIdentifier(seg) {
			b.WriteByte('?')
		} else {
			b.WriteString(seg)
		}
		if b.Len() >= maxResource {
			break
		}
	}
	return truncate(b.String(), maxResource)
}

func isIdentifier(seg string) bool {
	if len(seg) > 32 {
		return true
	}
	for i := 0; i < len(seg); i++ {
		if seg[i] >= '0' && seg[i] <= '9' {
			return true
		}
	}
	return false
}

// requestURL renders r's URL for http.url: scheme, host and path, with the
// query only when asked for, and never user information.
func requestURL(r *http.Request, query bool) string {
	u := r.URL
	if u == nil {
		return ""
	}
	scheme, host := u.Scheme, u.Host
	if host == "" {
		host = r.Host
	}
	if scheme == "" {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
	}
	s := scheme + "://" + host + u.EscapedPath()
	if query && u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}
