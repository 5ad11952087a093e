package chi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	chitrace "github.com/ctxtrace/trace/contrib/go-chi/chi.v5"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func handle(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/panic"):
		panic("boom")
	case strings.HasSuffix(r.URL.Path, "/fail"):
		w.WriteHeader(http.StatusBadGateway)
	default:
		w.Write([]byte(chi.URLParam(r, "id")))
	}
}

func serve(h http.Handler, method, target string, header http.Header) (code int) {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			code = -1
		}
	}()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestMiddleware(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	r := chi.NewRouter()
	r.Use(chitrace.Middleware())
	r.Get("/users/{id}", handle)
	r.Get("/panic", handle)
	if code := serve(r, "GET", "/users/7?token=t", nil); code != 200 {
		t.Fatalf("code %d", code)
	}
	if code := serve(r, "GET", "/panic", nil); code != -1 {
		t.Fatalf("panic not raised again: %d", code)
	}
	serve(r, "GET", "/missing", nil)
	spans := mt.FinishedSpans()
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	for i, want := range []struct{ resource, route, status, url string }{
		{"GET /users/{id}", "/users/{id}", "200", "http://example.com/users/7?<redacted>"},
		{"GET /panic", "/panic", "500", "http://example.com/panic"},
		{"GET unknown", "", "404", "http://example.com/missing"},
	} {
		s := spans[i]
		if s.Tag(ext.ResourceName) != want.resource || s.Tag(ext.HTTPRoute) != want.route || s.Tag(ext.HTTPCode) != want.status ||
			s.Tag(ext.HTTPURL) != want.url || s.Tag(ext.Component) != "go-chi/chi.v5" || s.Tag(ext.SpanKind) != "server" ||
			s.Tag(ext.ServiceName) != "chi.router" || s.OperationName() != "http.request" {
			t.Errorf("span %d: %v", i, s.Tags())
		}
	}
	if spans[1].Tag(ext.Error) == nil || spans[0].Tag(ext.Error) != nil {
		t.Error("errors")
	}
}

func TestMiddlewareOptions(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	r := chi.NewRouter()
	r.Use(chitrace.Middleware(chitrace.WithServiceName("api"), chitrace.WithAnalytics(true),
		chitrace.WithHeaderTags([]string{"x-h"}), chitrace.WithStatusCheck(func(s int) bool { return s == 200 }),
		chitrace.WithModifyResourceName(strings.ToUpper), chitrace.WithSpanOptions(tracer.Tag("team", "t")),
		chitrace.WithIgnoreRequest(func(r *http.Request) bool { return r.URL.Path == "/health" }),
		chitrace.WithNoAppsec(true), chitrace.WithResponseHeaderCopier(func(w http.ResponseWriter) http.Header { return w.Header() })))
	r.Get("/users/{id}", handle)
	r.Get("/health", handle)
	r.Get("/fail", handle)
	serve(r, "GET", "/users/1", http.Header{"X-H": {"v"}})
	serve(r, "GET", "/health", nil)
	serve(r, "GET", "/fail", nil)
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Tag(ext.ServiceName) != "api" || s.Tag(ext.ResourceName) != "GET /USERS/{ID}" || s.Tag(ext.HTTPRoute) != "/USERS/{ID}" ||
		s.Tag(ext.EventSampleRate) != 1.0 || s.Tag("http.request.headers.x-h") != "v" || s.Tag("team") != "t" || s.Tag(ext.Error) == nil {
		t.Errorf("span: %v", s.Tags())
	}
	if spans[1].Tag(ext.Error) != nil {
		t.Error("502 an error despite the status check")
	}

	mt.Reset()
	named := chi.NewRouter()
	named.Use(chitrace.Middleware(chitrace.WithResourceNamer(func(r *http.Request) string { return "named" }),
		chitrace.WithAnalyticsRate(0.5), chitrace.WithAnalyticsRate(7)))
	named.Get("/x", handle)
	serve(named, "GET", "/x", nil)
	if s := mt.FinishedSpans()[0]; s.Tag(ext.ResourceName) != "named" || s.Tag(ext.EventSampleRate) != nil {
		t.Errorf("span: %v", s.Tags())
	}
}
