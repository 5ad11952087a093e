package interop

// ddRoutersScenario is TestRoutersSameWire's scenario written against
// dd-trace-go v1.74.8's contrib/go-chi/chi.v5, contrib/gorilla/mux and
// tracer packages. oursRoutersScenario in contrib_http_routers_ours_test.go
// is the same function against ours: the two must stay identical apart
// from their names and the file's imports, which
// TestRoutersScenariosIdentical checks.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	chitrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/go-chi/chi.v5"
	muxtrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/gorilla/mux"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddRoutersScenario(t *testing.T, addr string, extra ...tracer.StartOption) []string {
	tracer.Start(append([]tracer.StartOption{tracer.WithService("svc"), tracer.WithEnv("prod"),
		tracer.WithAgentAddr(addr), tracer.WithLogStartup(false), tracer.WithLogger(silentLogger{}),
		tracer.WithHeaderTags([]string{"X-Request-Id", "x-user:user.tag"})}, extra...)...)
	defer tracer.Stop()
	handle := func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/client-error"):
			http.Error(w, "nope", http.StatusNotFound)
			return
		case strings.HasSuffix(r.URL.Path, "/server-error"):
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		case strings.HasSuffix(r.URL.Path, "/panic"):
			panic("router panic")
		case strings.HasSuffix(r.URL.Path, "/child"):
			span, _ := tracer.StartSpanFromContext(r.Context(), "child.work")
			span.Finish()
		}
		fmt.Fprint(w, "ok ", chi.URLParam(r, "id"), mux.Vars(r)["id"])
	}
	c, co, cn := ddChiRouters(handle)
	m, mo := ddMuxRouters(handle)
	out := serveCases(c, chiCases)
	out = append(out, serveCases(co, chiOptsCases)...)
	out = append(out, serveCases(cn, chiNamedCases)...)
	out = append(out, serveCases(m, muxCases)...)
	return append(out, serveCases(mo, muxOptsCases)...)
}

// ddChiRouters are the scenario's chi routers: the middleware with the
// defaults, with options and a recoverer after it, with a resource namer.
func ddChiRouters(handle http.HandlerFunc) (c, co, cn *chi.Mux) {
	// chi with the defaults, a mounted router and a method-only route.
	c = chi.NewRouter()
	c.Use(chitrace.Middleware())
	c.Get("/c/users/{id}", handle)
	c.Get("/c/users/{id}/child", handle)
	c.Get("/c/client-error", handle)
	c.Get("/c/server-error", handle)
	c.Get("/c/panic", handle)
	c.Post("/c/users", handle)
	c.Get("/c/files/*", handle)
	c.Mount("/c/api", chi.NewRouter().With(func(h http.Handler) http.Handler { return h }).Group(func(r chi.Router) {
		r.Get("/v1/items/{id}", handle)
	}))
	// chi with options, and a recoverer after the middleware.
	recoverer := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if recover() != nil {
					w.WriteHeader(http.StatusInternalServerError)
				}
			}()
			h.ServeHTTP(w, r)
		})
	}
	co = chi.NewRouter()
	co.Use(chitrace.Middleware(chitrace.WithServiceName("chi-svc"), chitrace.WithAnalyticsRate(0.5),
		chitrace.WithHeaderTags([]string{"x-custom"}), chitrace.WithStatusCheck(func(s int) bool { return s >= 400 }),
		chitrace.WithModifyResourceName(func(s string) string { return strings.TrimSuffix(s, "/") }),
		chitrace.WithSpanOptions(tracer.Tag("team", "chi")), chitrace.WithNoAppsec(true),
		chitrace.WithIgnoreRequest(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/ignored") })),
		recoverer)
	co.Get("/co/users/{id}/", handle)
	co.Get("/co/client-error", handle)
	co.Get("/co/panic", handle)
	co.Get("/co/ignored", handle)
	cn = chi.NewRouter()
	cn.Use(chitrace.Middleware(chitrace.WithResourceNamer(func(r *http.Request) string { return "named " + r.URL.Path })))
	cn.Get("/cn/{id}", handle)
	return c, co, cn
}

// ddMuxRouters are the scenario's gorilla/mux routers: NewRouter with the
// defaults, WrapRouter with options.
func ddMuxRouters(handle http.HandlerFunc) (m, mo *muxtrace.Router) {
	// gorilla/mux with the defaults, and with options.
	m = muxtrace.NewRouter()
	m.HandleFunc("/m/users/{id:[0-9]+}", handle).Methods("GET")
	m.HandleFunc("/m/users/{id}/child", handle)
	m.HandleFunc("/m/client-error", handle)
	m.HandleFunc("/m/server-error", handle)
	m.HandleFunc("/m/panic", handle)
	m.Host("{sub}.host.example").Path("/m/host").HandlerFunc(handle)
	m.PathPrefix("/m/static/").HandlerFunc(handle)
	mo = muxtrace.WrapRouter(mux.NewRouter(), muxtrace.WithServiceName("mux-svc"), muxtrace.WithAnalytics(true),
		muxtrace.WithHeaderTags([]string{"x-custom"}), muxtrace.WithStatusCheck(func(s int) bool { return s >= 400 }),
		muxtrace.WithSpanOptions(tracer.Tag("team", "mux")), muxtrace.NoDebugStack(), muxtrace.WithQueryParams(),
		muxtrace.WithResourceNamer(func(r *muxtrace.Router, req *http.Request) string { return "named " + req.URL.Path }),
		muxtrace.WithIgnoreRequest(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/ignored") }))
	mo.StrictSlash(true).HandleFunc("/mo/users/{id}/", handle)
	mo.HandleFunc("/mo/server-error", handle)
	mo.HandleFunc("/mo/ignored", handle)

	return m, mo
}
