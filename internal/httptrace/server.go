package httptrace

import (
	"net/http"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// ServerConfig describes the server spans of one integration. The zero
// value gives dd-trace-go's net/http defaults, but for the query string
// (left out unless QueryString) and the component (none).
type ServerConfig struct {
	// Tracer makes the spans; nil means trace.Default(), looked up at
	// each request so that a later SetDefault is honoured.
	Tracer *trace.Tracer
	// Component is the component tag: "net/http", "go-chi/chi.v5",
	// "gorilla/mux", "gin-gonic/gin", "labstack/echo.v4"...
	Component string
	// SpanName is the spans' name; "" means "http.request"
	// ("http.server.request" under DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1).
	SpanName string
	// Service is the spans' service; "" means the tracer's (or the
	// parent's, as for any span).
	Service string
	// QueryString puts the query string in http.url, obfuscated by
	// DD_TRACE_OBFUSCATION_QUERY_STRING_REGEXP (see URL).
	QueryString bool
	// IsStatusError tells which statuses mark the span as an error; nil
	// means 500–599.
	IsStatusError func(status int) bool
	// Analytics is the App Analytics rate; the zero value defers to the
	// global one.
	Analytics Analytics
	// HeaderTags are the request headers recorded as tags; the zero value
	// defers to the global setting.
	HeaderTags HeaderTags
	// ResponseHeaderTags also records the response's headers, under
	// http.response.headers.*, for entries that name no tag of their own.
	ResponseHeaderTags bool
	// SpanOptions are added to every span, last, so that they win.
	SpanOptions []trace.SpanOption
	// NoDebugStack leaves the stack out of errors the span records.
	NoDebugStack bool
	// Ignore, when it returns true, serves the request without a span.
	Ignore func(*http.Request) bool
	// Route, when Start was given no route, computes it when the span
	// finishes, from the request the handler was given (which carries
	// what routers record in it: r.Pattern, chi's route context...).
	Route func(r *http.Request) string
	// EmptyRoute sets http.route even when the route is empty.
	EmptyRoute bool
	// ResourceNamer, when Start was given no resource, computes it when
	// the span finishes; "" falls back to "METHOD route", then Unrouted.
	ResourceNamer func(r *http.Request) string
	// Unrouted is the resource of a request with no route; nil leaves the
	// resource as the tracer makes it (the span's name).
	Unrouted func(r *http.Request) string
}

// Server starts and finishes the server spans of one integration. Make it
// once, with NewServer, when the handler is wrapped.
type Server struct {
	cfg       ServerConfig
	name      string
	component trace.SpanOption
	service   trace.SpanOption
	isError   func(int) bool
}

// NewServer returns a Server for cfg.
func NewServer(cfg ServerConfig) *Server {
	s := &Server{cfg: cfg, name: cfg.SpanName, isError: cfg.IsStatusError}
	if s.name == "" {
		s.name = spanName(true)
	}
	if s.isError == nil {
		s.isError = ServerError
	}
	if cfg.Component != "" {
		s.component = trace.Tag(tagComponent, cfg.Component)
	}
	if cfg.Service != "" {
		s.service = trace.Service(cfg.Service)
	}
	return s
}

// SpanName returns the name of the server's spans.
func (s *Server) SpanName() string { return s.name }

// Serve serves r with h inside a server span: Start, h with the traced
// writer and request, and Finish, also when h panics (the panic is
// recorded, then raised again). route and resource may be "" (see Start).
func (s *Server) Serve(h http.Handler, w http.ResponseWriter, r *http.Request, route, resource string) {
	q := s.Start(w, r, route, resource)
	if q == nil {
		h.ServeHTTP(w, r)
		return
	}
	defer func() {
		p := recover()
		q.Finish(p)
		if p != nil {
			panic(p)
		}
	}()
	h.ServeHTTP(q.Writer(), q.Request())
}

// Start starts the server span of r, continuing the trace its headers
// carry, and returns the request in progress, or nil when r is not traced
// (the tracer is off, or Ignore says so). route and resource are the
// request's if known now; "" leaves them to ServerConfig.Route and
// ResourceNamer, or to SetRoute and SetResource, when the span finishes.
func (s *Server) Start(w http.ResponseWriter, r *http.Request, route, resource string) *Request {
	t := s.cfg.Tracer
	if t == nil {
		t = trace.Default()
	}
	if !t.Enabled() || s.cfg.Ignore != nil && s.cfg.Ignore(r) {
		return nil
	}
	var buf [20]trace.SpanOption
	opts := buf[:0]
	if sc, err := t.ExtractSpanContext(trace.HeaderCarrier(r.Header)); err == nil {
		opts = append(opts, trace.ChildOf(sc))
		opts = appendBaggageTags(opts, sc)
	}
	opts = append(opts, trace.Type("web"), serverKind, methodTag(r.Method),
		trace.Tag(tagURL, URL(r, s.cfg.QueryString)), trace.Tag(tagAgent, r.UserAgent()), measured)
	if s.cfg.Component != "" {
		opts = append(opts, s.component)
	}
	if r.Host != "" {
		opts = append(opts, trace.Tag(tagHost, r.Host))
	}
	if s.cfg.Service != "" {
		opts = append(opts, s.service)
	}
	if resource != "" {
		opts = append(opts, trace.Resource(resource))
	}
	if route != "" {
		route = Truncate(route, MaxRouteLen)
		opts = append(opts, trace.Tag(tagRoute, route))
	}
	opts = appendAnalytics(opts, s.cfg.Analytics)
	headerTags := s.cfg.HeaderTags.list()
	opts = appendRequestHeaders(opts, r.Header, headerTags)
	opts = append(opts, s.cfg.SpanOptions...)
	ctx, span := t.Start(r.Context(), s.name, opts...)
	q := &Request{srv: s, span: span, route: route, resource: resource, headerTags: headerTags,
		startRoute: route, startResource: resource}
	q.rw.ResponseWriter = w
	q.req = r.WithContext(ctx)
	return q
}

// Request is a request in progress under a server span.
type Request struct {
	rw         responseWriter
	srv        *Server
	span       *trace.Span
	req        *http.Request
	route      string
	resource   string
	status     int
	err        error
	headerTags []globalconfig.HeaderTag
	// what Start tagged, so that Finish does not tag it again
	startRoute, startResource string
}

// Writer returns the writer the handler must write to: it records the
// status.
func (q *Request) Writer() http.ResponseWriter { return &q.rw }

// Request returns the request the handler must serve: it carries the
// span in its context.
func (q *Request) Request() *http.Request { return q.req }

// Span returns the server span.
func (q *Request) Span() *trace.Span { return q.span }

// SetRoute sets the route (http.route, and the resource "METHOD route"
// unless one was given).
func (q *Request) SetRoute(route string) { q.route = Truncate(route, MaxRouteLen) }

// SetResource sets the span's resource.
func (q *Request) SetResource(resource string) { q.resource = resource }

// SetStatus sets the response's status, for frameworks whose own writer
// knows it better than Writer does; 0 leaves it to Writer.
func (q *Request) SetStatus(status int) { q.status = status }

// SetError records err as the request's error (a handler's returned
// error, say), whatever the status; nil records nothing.
func (q *Request) SetError(err error) { q.err = err }

// Finish ends the span: status, route, resource, response headers, and
// the error, if any: recovered (a panic value the caller recovered and
// will raise again), the error given to SetError, or a status that the
// status check calls an error. The status of a request that panicked
// before writing one is 500, what net/http answers; of one that wrote
// nothing, 200.
func (q *Request) Finish(recovered any) {
	s, span := q.srv, q.span
	status := q.status
	if status == 0 {
		status = q.rw.status
	}
	statusErr := false
	switch {
	case status != 0:
		statusErr = s.isError(status)
	case recovered != nil:
		status = http.StatusInternalServerError
	case s.isError(0): // dd-trace-go: 0 is 200, unless the check says otherwise
		statusErr = true
	default:
		status = http.StatusOK
	}
	span.SetTag(tagStatus, statusValue(status))
	q.finishRoute()
	if s.cfg.ResponseHeaderTags {
		setResponseHeaders(span, q.rw.Header(), q.headerTags)
	}
	var err error
	switch {
	case recovered != nil:
		span.RecordPanic(recovered)
	case q.err != nil:
		err = q.err
	case statusErr:
		err = StatusError(status)
	}
	switch {
	case err == nil:
		span.Finish()
	case s.cfg.NoDebugStack:
		span.Finish(trace.WithError(err), trace.StackDepth(0, 0))
	default:
		span.Finish(trace.WithError(err))
	}
}

// finishRoute sets http.route and the resource, unless Start already
// set them to the same.
func (q *Request) finishRoute() {
	cfg := &q.srv.cfg
	route := q.route
	if route == "" && cfg.Route != nil {
		route = Truncate(cfg.Route(q.req), MaxRouteLen)
	}
	if route != q.startRoute || route == "" && cfg.EmptyRoute {
		q.span.SetTag(tagRoute, route)
	}
	res := q.resource
	if res == "" && cfg.ResourceNamer != nil {
		res = cfg.ResourceNamer(q.req)
	}
	if res == "" && route != "" {
		res = Method(q.req.Method) + " " + route
	}
	if res == "" && cfg.Unrouted != nil {
		res = cfg.Unrouted(q.req)
	}
	if res != "" && res != q.startResource {
		q.span.SetResource(res)
	}
}
