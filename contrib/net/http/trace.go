package http

import (
	"net/http"

	"github.com/ctxtrace/trace/contrib/internal/ddspan"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// ServeConfig configures TraceAndServe.
type ServeConfig struct {
	// Framework names the framework serving the request. Only AppSec,
	// which this SDK does not implement, reads it: accepted and ignored.
	Framework string
	// Service is the span's service; "" means the tracer's.
	Service string
	// Resource is the span's resource; "" means the span's name, as in
	// dd-trace-go, even when there is a Route.
	Resource string
	// QueryParams is accepted and ignored, as in dd-trace-go: the query
	// string is in http.url (obfuscated) unless
	// DD_TRACE_HTTP_URL_QUERY_STRING_DISABLED says otherwise.
	QueryParams bool
	// Route is the route that matched the request (http.route).
	Route string
	// RouteParams are the route's parameters. Only AppSec reads them:
	// accepted and ignored.
	RouteParams map[string]string
	// FinishOpts configure how the span finishes; only NoDebugStack is
	// read.
	FinishOpts []ddtrace.FinishOption
	// SpanOpts are added to the span as it starts.
	SpanOpts []ddtrace.StartSpanOption
	// IsStatusError marks the span as an error when it returns true for
	// the response's status; nil means DD_TRACE_HTTP_SERVER_ERROR_STATUSES,
	// else 500–599.
	IsStatusError func(int) bool
}

// TraceAndServe serves r with h inside a server span configured by cfg
// (nil means the zero ServeConfig). Unlike WrapHandler's spans, its spans
// record no header tags and no App Analytics rate but those SpanOpts
// give, as in dd-trace-go.
func TraceAndServe(h http.Handler, w http.ResponseWriter, r *http.Request, cfg *ServeConfig) {
	if cfg == nil {
		cfg = &ServeConfig{}
	}
	srv := httptrace.NewServer(httptrace.ServerConfig{
		Component:     componentName,
		Service:       cfg.Service,
		QueryString:   httptrace.ServerQueryString(),
		IsStatusError: serverStatusCheck(cfg.IsStatusError),
		Analytics:     httptrace.AnalyticsOff(),
		HeaderTags:    httptrace.OwnHeaderTags(nil),
		SpanOptions:   ddspan.Options(cfg.SpanOpts),
		NoDebugStack:  ddspan.NoDebugStack(cfg.FinishOpts),
	})
	res := cfg.Resource
	if res == "" {
		res = srv.SpanName()
	}
	srv.Serve(h, w, r, cfg.Route, res)
}
