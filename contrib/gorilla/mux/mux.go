// Package mux traces github.com/gorilla/mux routers with dd-trace-go
// v1.74.8's API for them (gopkg.in/DataDog/dd-trace-go.v1/contrib/gorilla/mux):
// NewRouter, WrapRouter, Router and the options, with dd-trace-go's names,
// signatures and defaults, writing the spans dd-trace-go writes. Its
// spans are made by the HTTP engine every integration of this module
// shares (internal/httptrace).
//
// Supports gorilla/mux v1.8 (tested with v1.8.1, the latest release; the
// route templates it reads are in every v1 release since v1.6.1).
//
// Each request gets an "http.request" span of type web, span.kind server,
// component gorilla/mux, service the tracer's ("mux.router" when it has
// none), with http.route the path template of the route that matched,
// mux.host its host template if it has one, and the resource "METHOD
// template" ("METHOD unknown" when no route matched), and the tags of
// every HTTP server span (see contrib/net/http).
//
// # Where it differs from dd-trace-go, and why
//
// A handler that panics gets status 500 and the panic as its error;
// dd-trace-go records status 200 and no error. Options given to
// WithSpanOptions come after the integration's own, so they win over
// them.
package mux

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/ctxtrace/trace/internal/httptrace"
)

const componentName = "gorilla/mux"

// Router is a gorilla/mux Router that traces every request it serves.
type Router struct {
	*mux.Router
	config *routerConfig
	srv    *httptrace.Server
}

// NewRouter returns a new traced Router.
func NewRouter(opts ...RouterOption) *Router {
	return WrapRouter(mux.NewRouter(), opts...)
}

// WrapRouter returns router traced.
func WrapRouter(router *mux.Router, opts ...RouterOption) *Router {
	cfg := newConfig(opts)
	return &Router{Router: router, config: cfg, srv: httptrace.NewServer(cfg.serverConfig())}
}

// StrictSlash sets the trailing slash behaviour of new routes, as
// mux.Router.StrictSlash does, and returns r.
func (r *Router) StrictSlash(value bool) *Router {
	r.Router.StrictSlash(value)
	return r
}

// SkipClean sets the path cleaning behaviour of new routes, as
// mux.Router.SkipClean does, and returns r.
func (r *Router) SkipClean(value bool) *Router {
	r.Router.SkipClean(value)
	return r
}

// UseEncodedPath makes the router match the encoded path, as
// mux.Router.UseEncodedPath does, and returns r.
func (r *Router) UseEncodedPath() *Router {
	r.Router.UseEncodedPath()
	return r
}

// ServeHTTP dispatches the request to the handler of the route that
// matches it, inside a server span.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.config.ignore != nil && r.config.ignore(req) {
		r.Router.ServeHTTP(w, req)
		return
	}
	var match mux.RouteMatch
	var route, host string
	if r.Match(req, &match) && match.Route != nil {
		if h, err := match.Route.GetHostTemplate(); err == nil {
			host = h
		}
		route, _ = match.Route.GetPathTemplate()
	}
	var resource string
	if r.config.resourceNamer != nil {
		resource = r.config.resourceNamer(r, req)
	} else if route != "" {
		resource = httptrace.Method(req.Method) + " " + route
	} else {
		resource = httptrace.Method(req.Method) + " unknown"
	}
	q := r.srv.Start(w, req, route, resource)
	if q == nil {
		r.Router.ServeHTTP(w, req)
		return
	}
	if host != "" {
		q.Span().SetTag("mux.host", host)
	}
	defer func() {
		p := recover()
		q.Finish(p)
		if p != nil {
			panic(p)
		}
	}()
	r.Router.ServeHTTP(q.Writer(), q.Request())
}
