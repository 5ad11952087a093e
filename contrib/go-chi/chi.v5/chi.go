// Package chi traces github.com/go-chi/chi/v5 routers with dd-trace-go
// v1.74.8's API for them (gopkg.in/DataDog/dd-trace-go.v1/contrib/go-chi/chi.v5):
// Middleware and its options, with dd-trace-go's names, signatures and
// defaults, writing the spans dd-trace-go writes. Its spans are made by
// the HTTP engine every integration of this module shares
// (internal/httptrace).
//
// Supports chi v5: tested with v5.5.0; it uses only chi.RouteContext and
// Context.RoutePattern, which every v5 release has.
//
// Each request gets an "http.request" span of type web, span.kind server,
// component go-chi/chi.v5, service the tracer's ("chi.router" when it has
// none), with http.route the pattern that matched and the resource
// "METHOD pattern" ("METHOD unknown" when none matched), and the tags of
// every HTTP server span (see contrib/net/http).
//
// # Where it differs from dd-trace-go, and why
//
// A handler that panics gets status 500, the panic as its error, and its
// route and resource; dd-trace-go records status 200, no error, no route,
// and the span's name as its resource. Options given to WithSpanOptions
// come after the integration's own, so they win over them. AppSec is not
// implemented: WithNoAppsec and WithResponseHeaderCopier are accepted and
// ignored.
package chi

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ctxtrace/trace/internal/httptrace"
)

const componentName = "go-chi/chi.v5"

// Middleware returns chi middleware that traces each request it serves.
func Middleware(opts ...Option) func(next http.Handler) http.Handler {
	cfg := newConfig(opts)
	srv := httptrace.NewServer(cfg.serverConfig())
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.Serve(next, w, r, "", "")
		})
	}
}

// routePattern returns the pattern chi matched for r, or "".
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}
