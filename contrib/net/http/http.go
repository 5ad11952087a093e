// Package http traces net/http servers and clients with dd-trace-go
// v1.74.8's API for them (gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http):
// WrapHandler, NewServeMux, TraceAndServe, WrapClient, WrapRoundTripper
// and their options, with dd-trace-go's names, signatures and defaults,
// writing the spans dd-trace-go writes. Its spans are made by the HTTP
// engine every integration of this module shares (internal/httptrace).
//
// Works with the standard library of Go 1.22 and later (ServeMux patterns
// with methods and wildcards give the routes).
//
// # Server spans
//
// "http.request" spans of type web, span.kind server, component net/http,
// with http.method, http.url (with the query string, obfuscated, unless
// DD_TRACE_HTTP_URL_QUERY_STRING_DISABLED=true), http.useragent,
// http.host, http.route, http.status_code and the resource: the one
// given to WrapHandler, or "METHOD route" for a ServeMux. Statuses
// 500–599 are errors (DD_TRACE_HTTP_SERVER_ERROR_STATUSES changes that).
// The service is the tracer's, or "http.router" when it has none.
//
// # Client spans
//
// "http.request" spans of type http, span.kind client, resource
// http.request, with network.destination.name and .port (a number),
// http.status_code, and http.errors with the error's text or the status
// ("404 Not Found") when the request fails. Statuses 400–499 are errors
// (DD_TRACE_HTTP_CLIENT_ERROR_STATUSES changes that).
//
// # Where it differs from dd-trace-go, and why
//
// A handler that panics gets status 500 and the panic as its error, with
// its route and resource; dd-trace-go records status 200 and no error. A
// method that is not an HTTP token of at most 24 bytes shows as "_OTHER",
// and routes are cut at 200 bytes, so that a caller cannot make spans
// large or a resource per request. Options given to WithSpanOptions come
// after the integration's own, so they win over them. AppSec, RASP,
// client IP tags (DD_TRACE_CLIENT_IP_ENABLED) and inferred proxy spans
// are not implemented: ServeConfig.Framework and RouteParams, which only
// AppSec reads, are accepted and ignored.
package http

import (
	"net/http"

	"github.com/ctxtrace/trace/internal/httptrace"
)

const componentName = "net/http"

// ServeMux is an http.ServeMux that traces every request it serves: the
// span's route is the pattern that matched, and its resource
// "METHOD route".
type ServeMux struct {
	*http.ServeMux
	srv *httptrace.Server
}

// NewServeMux returns a new traced ServeMux.
func NewServeMux(opts ...Option) *ServeMux {
	cfg := newConfig(opts)
	sc := cfg.serverConfig()
	sc.Route = func(r *http.Request) string { return httptrace.PatternRoute(r.Pattern) }
	sc.Unrouted = func(r *http.Request) string { return httptrace.Method(r.Method) + " " }
	return &ServeMux{ServeMux: http.NewServeMux(), srv: httptrace.NewServer(sc)}
}

// ServeHTTP dispatches the request to the handler whose pattern matches
// it, inside a server span.
func (mux *ServeMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mux.srv.Serve(mux.ServeMux, w, r, "", "")
}

// WrapHandler returns h traced: each request runs inside a server span of
// service (when empty, WithServiceName's, or the default) and resource
// (WithResourceNamer's, when it names one, wins). The route is the
// pattern of the ServeMux that dispatched to h, if any.
func WrapHandler(h http.Handler, service, resource string, opts ...Option) http.Handler {
	cfg := newConfig(opts)
	if service != "" {
		cfg.service = service
	}
	namer := cfg.resourceNamer
	srv := httptrace.NewServer(cfg.serverConfig())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := resource
		if namer != nil {
			if n := namer(r); n != "" {
				res = n
			}
		}
		srv.Serve(h, w, r, httptrace.PatternRoute(r.Pattern), res)
	})
}
