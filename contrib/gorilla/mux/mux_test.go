package mux_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	muxtrace "github.com/ctxtrace/trace/contrib/gorilla/mux"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func handle(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/panic"):
		panic("boom")
	case strings.HasSuffix(r.URL.Path, "/fail"):
		w.WriteHeader(http.StatusInternalServerError)
	default:
		w.Write([]byte(mux.Vars(r)["id"]))
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

func TestRouter(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	r := muxtrace.NewRouter().SkipClean(false).UseEncodedPath()
	r.HandleFunc("/users/{id:[0-9]+}", handle).Methods("GET")
	r.Host("{sub}.example.org").Path("/host").HandlerFunc(handle)
	r.HandleFunc("/panic", handle)
	if code := serve(r, "GET", "/users/7?password=p", nil); code != 200 {
		t.Fatalf("code %d", code)
	}
	serve(r, "GET", "http://api.example.org/host", nil)
	if code := serve(r, "GET", "/panic", nil); code != -1 {
		t.Fatalf("panic not raised again: %d", code)
	}
	serve(r, "GET", "/missing", nil)
	spans := mt.FinishedSpans()
	if len(spans) != 4 {
		t.Fatalf("%d spans", len(spans))
	}
	for i, want := range []struct{ resource, route, status string }{
		{"GET /users/{id:[0-9]+}", "/users/{id:[0-9]+}", "200"},
		{"GET /host", "/host", "200"},
		{"GET /panic", "/panic", "500"},
		{"GET unknown", "", "404"},
	} {
		s := spans[i]
		route, _ := s.Tag(ext.HTTPRoute).(string)
		if s.Tag(ext.ResourceName) != want.resource || route != want.route || s.Tag(ext.HTTPCode) != want.status ||
			s.Tag(ext.Component) != "gorilla/mux" || s.Tag(ext.SpanKind) != "server" || s.Tag(ext.ServiceName) != "mux.router" {
			t.Errorf("span %d: %v", i, s.Tags())
		}
	}
	if spans[0].Tag(ext.HTTPURL) != "http://example.com/users/7?<redacted>" || spans[1].Tag("mux.host") != "{sub}.example.org" {
		t.Errorf("url %v, mux.host %v", spans[0].Tag(ext.HTTPURL), spans[1].Tag("mux.host"))
	}
	if spans[2].Tag(ext.Error) == nil || spans[0].Tag(ext.Error) != nil {
		t.Error("errors")
	}
}

func TestRouterOptions(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	r := muxtrace.WrapRouter(mux.NewRouter(), muxtrace.WithServiceName("api"), muxtrace.WithAnalyticsRate(0.5),
		muxtrace.WithHeaderTags([]string{"x-h"}), muxtrace.WithStatusCheck(func(s int) bool { return s == 200 }),
		muxtrace.WithSpanOptions(tracer.Tag("team", "t")), muxtrace.NoDebugStack(), muxtrace.WithQueryParams(),
		muxtrace.WithResourceNamer(func(r *muxtrace.Router, req *http.Request) string { return "named " + req.URL.Path }),
		muxtrace.WithIgnoreRequest(func(r *http.Request) bool { return r.URL.Path == "/health" }))
	r.StrictSlash(true).HandleFunc("/users/{id}/", handle)
	r.HandleFunc("/health", handle)
	serve(r, "GET", "/users/1/", http.Header{"X-H": {"v"}})
	serve(r, "GET", "/health", nil)
	if code := serve(r, "GET", "/users/2", nil); code != http.StatusMovedPermanently {
		t.Errorf("StrictSlash: %d", code)
	}
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Tag(ext.ServiceName) != "api" || s.Tag(ext.ResourceName) != "named /users/1/" || s.Tag(ext.EventSampleRate) != 0.5 ||
		s.Tag("http.request.headers.x-h") != "v" || s.Tag("team") != "t" || s.Tag(ext.Error) == nil ||
		s.Tag(ext.ErrorStack) != "<debug stack disabled>" {
		t.Errorf("span: %v", s.Tags())
	}

	mt.Reset()
	for _, o := range []muxtrace.RouterOption{muxtrace.WithAnalytics(true), muxtrace.WithAnalytics(false), muxtrace.WithAnalyticsRate(-1)} {
		r := muxtrace.WrapRouter(mux.NewRouter(), o)
		r.HandleFunc("/a", handle)
		serve(r, "GET", "/a", nil)
	}
	if s := mt.FinishedSpans(); s[0].Tag(ext.EventSampleRate) != 1.0 || s[1].Tag(ext.EventSampleRate) != nil || s[2].Tag(ext.EventSampleRate) != nil {
		t.Errorf("analytics: %v", s)
	}
}
