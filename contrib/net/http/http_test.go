package http_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	httptrace "github.com/ctxtrace/trace/contrib/net/http"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// serve sends one request through h, recovering a panic h lets through.
func serve(h http.Handler, method, target string) (code int) {
	w := httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			code = -1
		}
	}()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w.Code
}

var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/fail":
		w.WriteHeader(http.StatusInternalServerError)
	case "/panic":
		panic("boom")
	default:
		fmt.Fprint(w, "ok")
	}
})

// shown returns the tags a test looks at, as mocktracer shows them.
func shown(s mocktracer.Span, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v := s.Tag(k); v != nil {
			out[k] = v
		}
	}
	return out
}

var serverKeys = []string{ext.ServiceName, ext.ResourceName, ext.SpanType, ext.SpanKind, ext.Component, ext.HTTPMethod,
	ext.HTTPURL, ext.HTTPCode, ext.HTTPRoute, "http.host"}

func TestWrapHandler(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	h := httptrace.WrapHandler(app, "", "GET /res")
	named := httptrace.WrapHandler(app, "svc", "ignored", httptrace.WithServiceName("ignored"),
		httptrace.WithResourceNamer(func(r *http.Request) string { return "named " + r.URL.Path }),
		httptrace.WithStatusCheck(func(int) bool { return false }), httptrace.NoDebugStack())
	if code := serve(h, "GET", "/ok?token=x"); code != 200 {
		t.Fatalf("code %d", code)
	}
	serve(named, "GET", "/fail")
	serve(h, "GET", "/panic")
	spans := mt.FinishedSpans()
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	want := []map[string]any{
		{ext.ServiceName: "http.router", ext.ResourceName: "GET /res", ext.SpanType: "web", ext.SpanKind: "server",
			ext.Component: "net/http", ext.HTTPMethod: "GET", ext.HTTPURL: "http://example.com/ok?<redacted>", ext.HTTPCode: "200",
			"http.host": "example.com"},
		{ext.ServiceName: "svc", ext.ResourceName: "named /fail", ext.SpanType: "web", ext.SpanKind: "server",
			ext.Component: "net/http", ext.HTTPMethod: "GET", ext.HTTPURL: "http://example.com/fail", ext.HTTPCode: "500",
			"http.host": "example.com"},
		{ext.ServiceName: "http.router", ext.ResourceName: "GET /res", ext.SpanType: "web", ext.SpanKind: "server",
			ext.Component: "net/http", ext.HTTPMethod: "GET", ext.HTTPURL: "http://example.com/panic", ext.HTTPCode: "500",
			"http.host": "example.com"},
	}
	for i, s := range spans {
		if diff := cmp.Diff(want[i], shown(s, serverKeys...)); diff != "" {
			t.Errorf("span %d (-want +got):\n%s", i, diff)
		}
		if s.OperationName() != "http.request" {
			t.Errorf("span %d: %s", i, s.OperationName())
		}
	}
	if spans[1].Tag(ext.Error) != nil || spans[2].Tag(ext.Error) == nil {
		t.Errorf("errors: %v, %v", spans[1].Tag(ext.Error), spans[2].Tag(ext.Error))
	}
}

func TestServeMux(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	mux := httptrace.NewServeMux(httptrace.WithServiceName("mux-svc"), httptrace.WithAnalytics(true),
		httptrace.WithHeaderTags([]string{"x-h"}), httptrace.WithSpanOptions(tracer.Tag("team", "t")),
		httptrace.WithIgnoreRequest(func(r *http.Request) bool { return r.URL.Path == "/health" }))
	mux.Handle("GET /users/{id}", app)
	mux.HandleFunc("/health", app)
	r := httptest.NewRequest("GET", "/users/7", nil)
	r.Header.Set("X-H", "v")
	mux.ServeHTTP(httptest.NewRecorder(), r)
	serve(mux, "GET", "/missing")
	serve(mux, "GET", "/health")
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if got := shown(s, ext.ServiceName, ext.ResourceName, ext.HTTPRoute, ext.EventSampleRate, "http.request.headers.x-h", "team"); !cmp.Equal(got, map[string]any{
		ext.ServiceName: "mux-svc", ext.ResourceName: "GET /users/{id}", ext.HTTPRoute: "/users/{id}",
		ext.EventSampleRate: 1.0, "http.request.headers.x-h": "v", "team": "t"}) {
		t.Errorf("tags %v", got)
	}
	if res := spans[1].Tag(ext.ResourceName); res != "GET " || spans[1].Tag(ext.HTTPCode) != "404" {
		t.Errorf("unmatched: resource %q status %v", res, spans[1].Tag(ext.HTTPCode))
	}
}

func TestTraceAndServe(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httptrace.TraceAndServe(app, w, r, &httptrace.ServeConfig{Service: "fw", Resource: "GET /fw/{x}", Route: "/fw/{x}",
			SpanOpts:   []tracer.StartSpanOption{tracer.Tag("framework", "mine")},
			FinishOpts: []tracer.FinishOption{tracer.NoDebugStack()}, IsStatusError: func(s int) bool { return s == 200 }})
	})
	serve(h, "GET", "/fw/1")
	serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { httptrace.TraceAndServe(app, w, r, nil) }), "GET", "/nil")
	serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httptrace.TraceAndServe(app, w, r, &httptrace.ServeConfig{Route: "/r/{x}"})
	}), "GET", "/r/1")
	spans := mt.FinishedSpans()
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	got := shown(spans[0], ext.ServiceName, ext.ResourceName, ext.HTTPRoute, "framework", ext.ErrorStack)
	if !cmp.Equal(got, map[string]any{ext.ServiceName: "fw", ext.ResourceName: "GET /fw/{x}", ext.HTTPRoute: "/fw/{x}",
		"framework": "mine", ext.ErrorStack: "<debug stack disabled>"}) || spans[0].Tag(ext.Error) == nil {
		t.Errorf("tags %v, error %v", got, spans[0].Tag(ext.Error))
	}
	if res := spans[1].Tag(ext.ResourceName); res != "http.request" {
		t.Errorf("nil config: resource %v", res)
	}
	// As in dd-trace-go: no resource given is the span's name, route or not.
	if res, route := spans[2].Tag(ext.ResourceName), spans[2].Tag(ext.HTTPRoute); res != "http.request" || route != "/r/{x}" {
		t.Errorf("route only: resource %v, route %v", res, route)
	}
}

// TestAnalyticsOptions: WithAnalyticsRate out of [0, 1] and
// WithAnalytics(false) turn App Analytics off.
func TestAnalyticsOptions(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	for _, o := range []httptrace.Option{httptrace.WithAnalyticsRate(0.2), httptrace.WithAnalyticsRate(2), httptrace.WithAnalytics(false)} {
		serve(httptrace.WrapHandler(app, "", "", o), "GET", "/")
	}
	spans := mt.FinishedSpans()
	if len(spans) != 3 || spans[0].Tag(ext.EventSampleRate) != 0.2 || spans[1].Tag(ext.EventSampleRate) != nil ||
		spans[2].Tag(ext.EventSampleRate) != nil {
		t.Errorf("rates: %v", spans)
	}
}
