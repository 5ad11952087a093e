package httptrace

import (
	"net/http"
	"strconv"

	"github.com/ctxtrace/trace"
)

// ClientConfig describes the client spans of one integration. The zero
// value gives dd-trace-go's net/http defaults, but for the query string
// (left out unless QueryString), the component (none) and propagation
// (on unless NoPropagation).
type ClientConfig struct {
	// Tracer makes the spans; nil means trace.Default(), looked up at
	// each request.
	Tracer *trace.Tracer
	// Component is the component tag, "net/http" say.
	Component string
	// SpanNamer names each span; nil (or "") means "http.request"
	// ("http.client.request" under DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1).
	SpanNamer func(*http.Request) string
	// ResourceNamer gives each span's resource; nil means "http.request".
	ResourceNamer func(*http.Request) string
	// Service is the spans' service; "" means the parent's (or the
	// tracer's).
	Service string
	// QueryString puts the query string in http.url, obfuscated.
	QueryString bool
	// IsStatusError tells which statuses mark the span as an error; nil
	// means 400–499.
	IsStatusError func(status int) bool
	// ErrCheck tells whether an error the round trip returns marks the
	// span as an error (it is in http.errors either way); nil means yes.
	ErrCheck func(error) bool
	// NoPropagation leaves the trace's headers out of the request.
	NoPropagation bool
	// Analytics is the App Analytics rate; the zero value defers to the
	// global one.
	Analytics Analytics
	// SpanOptions are added to every span, last, so that they win.
	SpanOptions []trace.SpanOption
	// Before is called with the request and the span once it started.
	Before func(*http.Request, *trace.Span)
	// After is called with the response (nil when the round trip failed)
	// and the span before it finishes.
	After func(*http.Response, *trace.Span)
	// Ignore, when it returns true, sends the request without a span.
	Ignore func(*http.Request) bool
}

// Transport is an http.RoundTripper that gives each request a client span
// and the headers that continue its trace.
type Transport struct {
	base      http.RoundTripper
	cfg       ClientConfig
	name      string
	component trace.SpanOption
	service   trace.SpanOption
	isError   func(int) bool
}

// NewTransport returns base traced as cfg says; a nil base means
// http.DefaultTransport.
func NewTransport(base http.RoundTripper, cfg ClientConfig) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	t := &Transport{base: base, cfg: cfg, isError: cfg.IsStatusError, name: spanName(false)}
	if t.isError == nil {
		t.isError = ClientError
	}
	if cfg.Component != "" {
		t.component = trace.Tag(tagComponent, cfg.Component)
	}
	if cfg.Service != "" {
		t.service = trace.Service(cfg.Service)
	}
	return t
}

// Unwrap returns the RoundTripper t traces.
func (t *Transport) Unwrap() http.RoundTripper { return t.base }

// RoundTrip implements http.RoundTripper. The request it is given is not
// modified: the one sent is a clone, carrying the span in its context.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr := t.cfg.Tracer
	if tr == nil {
		tr = trace.Default()
	}
	if !tr.Enabled() || t.cfg.Ignore != nil && t.cfg.Ignore(req) {
		return t.base.RoundTrip(req)
	}
	ctx, span := tr.Start(req.Context(), t.spanName(req), t.spanOptions(req)...)
	if t.cfg.Before != nil {
		t.cfg.Before(req, span)
	}
	out := req.Clone(ctx)
	if !t.cfg.NoPropagation {
		if out.Header == nil {
			out.Header = make(http.Header)
		}
		_ = tr.Inject(ctx, trace.HeaderCarrier(out.Header))
	}
	resp, err := t.base.RoundTrip(out)
	var spanErr error
	if err != nil {
		span.SetTag(tagErrors, err.Error())
		if t.cfg.ErrCheck == nil || t.cfg.ErrCheck(err) {
			spanErr = err
		}
	} else {
		span.SetTag(tagStatus, statusValue(resp.StatusCode))
		if t.isError(resp.StatusCode) {
			span.SetTag(tagErrors, resp.Status)
			spanErr = StatusError(resp.StatusCode)
		}
	}
	if t.cfg.After != nil {
		t.cfg.After(resp, span)
	}
	span.Finish(trace.WithError(spanErr))
	return resp, err
}

func (t *Transport) spanName(req *http.Request) string {
	if t.cfg.SpanNamer != nil {
		if n := t.cfg.SpanNamer(req); n != "" {
			return n
		}
	}
	return t.name
}

// spanOptions returns the options of req's span: type, resource, method,
// URL, component, kind, destination, analytics, service, then the
// user's, which come last so that they win.
func (t *Transport) spanOptions(req *http.Request) []trace.SpanOption {
	resource := spanNameDefault
	if t.cfg.ResourceNamer != nil {
		resource = t.cfg.ResourceNamer(req)
	}
	opts := make([]trace.SpanOption, 0, 10+len(t.cfg.SpanOptions))
	opts = append(opts, trace.Type("http"), trace.Resource(resource), methodTag(req.Method),
		trace.Tag(tagURL, URL(req, t.cfg.QueryString)), clientKind)
	if t.cfg.Component != "" {
		opts = append(opts, t.component)
	}
	if req.URL != nil {
		opts = append(opts, trace.Tag(tagDestName, req.URL.Hostname()))
		if p, err := strconv.Atoi(req.URL.Port()); err == nil {
			opts = append(opts, trace.Tag(tagDestPort, p))
		}
	}
	opts = appendAnalytics(opts, t.cfg.Analytics)
	if t.cfg.Service != "" {
		opts = append(opts, t.service)
	}
	return append(opts, t.cfg.SpanOptions...)
}
