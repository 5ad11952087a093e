package mocktracer_test

// The assertions of dd-trace-go v1.74.8's contrib/net/http tests
// (http_test.go, trace_test.go, roundtripper_test.go), unchanged but for
// testify's spelling, against spans made the way that contrib makes them:
// traceAndServe below starts, tags and finishes a span with the tracer
// package as dd's httptrace.StartRequestSpan and FinishRequestSpan do.

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"

	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// serveConfig is the part of dd's contrib configuration the tests use.
type serveConfig struct {
	service, resource string
	spanOpts          []tracer.StartSpanOption
	isStatusError     func(int) bool // default: status >= 500
	noDebugStack      bool
	analyticsRate     float64 // NaN: not set
	ignore            func(*http.Request) bool
}

// traceAndServe serves r with h inside a span, as dd's contrib does.
func traceAndServe(h http.Handler, w http.ResponseWriter, r *http.Request, cfg *serveConfig) {
	if cfg.ignore != nil && cfg.ignore(r) {
		h.ServeHTTP(w, r)
		return
	}
	opts := []tracer.StartSpanOption{
		tracer.SpanType(ext.SpanTypeWeb),
		tracer.Tag(ext.HTTPMethod, r.Method),
		tracer.Tag(ext.HTTPURL, "http://example.com"+r.URL.Path),
		tracer.Tag(ext.SpanKind, ext.SpanKindServer),
		tracer.Tag(ext.Component, "net/http"),
		tracer.Measured(),
	}
	if cfg.service != "" {
		opts = append(opts, tracer.ServiceName(cfg.service))
	}
	if cfg.resource != "" {
		opts = append(opts, tracer.ResourceName(cfg.resource))
	}
	if !math.IsNaN(cfg.analyticsRate) {
		opts = append(opts, tracer.Tag(ext.EventSampleRate, cfg.analyticsRate))
	}
	if sc, err := tracer.Extract(tracer.HTTPHeadersCarrier(r.Header)); err == nil {
		opts = append(opts, tracer.ChildOf(sc))
	}
	span, ctx := tracer.StartSpanFromContext(r.Context(), "http.request", append(opts, cfg.spanOpts...)...)
	rw := &statusWriter{ResponseWriter: w}
	h.ServeHTTP(rw, r.WithContext(ctx))

	isErr := cfg.isStatusError
	if isErr == nil {
		isErr = func(code int) bool { return code >= 500 }
	}
	status := rw.status
	if status == 0 {
		status = http.StatusOK
	}
	code := strconv.Itoa(status)
	if isErr(status) {
		span.SetTag(ext.Error, fmt.Errorf("%s: %s", code, http.StatusText(status)))
	}
	var fin []tracer.FinishOption
	if cfg.noDebugStack {
		span.SetTag(ext.ErrorStack, "")
		fin = append(fin, tracer.NoDebugStack())
	}
	span.SetTag(ext.HTTPCode, code)
	span.Finish(fin...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func handler200(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("OK\n")) }
func handler500(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "500!", http.StatusInternalServerError)
}

// serve runs a request for url through traceAndServe with the router's
// defaults of dd's tests: service my-service, resource "GET url", tag foo.
func serve(url string, h http.HandlerFunc, cfg serveConfig) *httptest.ResponseRecorder {
	if cfg.service == "" {
		cfg.service = "my-service"
	}
	if cfg.resource == "" {
		cfg.resource = "GET " + url
	}
	cfg.spanOpts = append([]tracer.StartSpanOption{tracer.Tag("foo", "bar")}, cfg.spanOpts...)
	if cfg.analyticsRate == 0 {
		cfg.analyticsRate = math.NaN()
	}
	w := httptest.NewRecorder()
	traceAndServe(h, w, httptest.NewRequest("GET", url, nil), &cfg)
	return w
}

func equal(t *testing.T, expected, actual any) {
	t.Helper()
	if !reflect.DeepEqual(expected, actual) {
		t.Errorf("got %T %#v, want %T %#v", actual, actual, expected, expected)
	}
}

func TestHttpTracer(t *testing.T) {
	for _, c := range []struct {
		url  string
		h    http.HandlerFunc
		code string
		err  any
	}{
		{"/200", handler200, "200", nil},
		{"/500", handler500, "500", "500: Internal Server Error"},
	} {
		mt := mocktracer.Start()
		serve(c.url, c.h, serveConfig{})
		spans := mt.FinishedSpans()
		equal(t, 1, len(spans))
		s := spans[0]
		equal(t, "http.request", s.OperationName())
		equal(t, "my-service", s.Tag(ext.ServiceName))
		equal(t, "GET "+c.url, s.Tag(ext.ResourceName))
		equal(t, c.code, s.Tag(ext.HTTPCode))
		equal(t, "GET", s.Tag(ext.HTTPMethod))
		equal(t, "http://example.com"+c.url, s.Tag(ext.HTTPURL))
		if c.err == nil {
			equal(t, nil, s.Tag(ext.Error))
		} else {
			equal(t, c.err, s.Tag(ext.Error).(error).Error())
		}
		equal(t, "bar", s.Tag("foo"))
		equal(t, ext.SpanKindServer, s.Tag(ext.SpanKind))
		equal(t, "net/http", s.Tag(ext.Component))
		equal(t, "net/http", s.Integration())
		equal(t, ext.SpanTypeWeb, s.Tag(ext.SpanType))
		mt.Stop()
	}
}

func TestNoStack(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	serve("/", handler500, serveConfig{resource: "my-resource", noDebugStack: true})
	spans := mt.FinishedSpans()
	equal(t, 1, len(spans))
	s := spans[0]
	equal(t, "500: Internal Server Error", spans[0].Tags()[ext.Error].(error).Error())
	equal(t, "<debug stack disabled>", s.Tags()[ext.ErrorStack])
	equal(t, "net/http", s.Integration())
}

func TestTraceAndServeParents(t *testing.T) {
	for _, how := range []string{"distributed", "context"} {
		mt := mocktracer.Start()
		parent := tracer.StartSpan("parent")
		parent.Finish() // finish it so the mocktracer can catch it
		r := httptest.NewRequest("GET", "/", nil)
		if how == "distributed" {
			if err := tracer.Inject(parent.Context(), tracer.HTTPHeadersCarrier(r.Header)); err != nil {
				t.Fatal(err)
			}
		} else {
			r = r.WithContext(tracer.ContextWithSpan(r.Context(), parent))
		}
		traceAndServe(http.HandlerFunc(handler200), httptest.NewRecorder(), r,
			&serveConfig{service: "service", resource: "resource", analyticsRate: math.NaN()})
		var p, c mocktracer.Span
		spans := mt.FinishedSpans()
		equal(t, 2, len(spans))
		if spans[0].OperationName() == "parent" {
			p, c = spans[0], spans[1]
		} else {
			p, c = spans[1], spans[0]
		}
		equal(t, c.ParentID(), p.SpanID())
		equal(t, c.TraceID(), p.TraceID())
		mt.Stop()
	}
}

func TestTraceAndServeNoConfig(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	traceAndServe(http.HandlerFunc(handler200), httptest.NewRecorder(), httptest.NewRequest("GET", "/path", nil),
		&serveConfig{analyticsRate: math.NaN()})
	span := mt.FinishedSpans()[0]
	if v := span.Tag(ext.ServiceName); v != "" {
		t.Errorf("service %#v, want the zero value", v)
	}
	equal(t, "http.request", span.Tag(ext.ResourceName))
	equal(t, nil, span.Tag(ext.HTTPRoute))
	equal(t, "200", span.Tag(ext.HTTPCode))
}

func TestStatusErrorsAndReset(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	cfg := serveConfig{isStatusError: func(i int) bool { return i == 400 }}
	serve("/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadRequest) }, cfg)
	spans := mt.FinishedSpans()
	equal(t, 1, len(spans))
	equal(t, "400", spans[0].Tag(ext.HTTPCode))
	equal(t, "400: Bad Request", spans[0].Tag(ext.Error).(error).Error())

	mt.Reset()
	serve("/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }, cfg)
	spans = mt.FinishedSpans()
	equal(t, 1, len(spans))
	equal(t, "500", spans[0].Tag(ext.HTTPCode))
	equal(t, nil, spans[0].Tag(ext.Error))
}

func TestAnalyticsAndIgnore(t *testing.T) {
	for _, rate := range []any{nil, 1.0, 0.23} {
		mt := mocktracer.Start()
		cfg := serveConfig{}
		if rate != nil {
			cfg.analyticsRate = rate.(float64)
		}
		serve("/200", handler200, cfg)
		spans := mt.FinishedSpans()
		equal(t, 1, len(spans))
		equal(t, rate, spans[0].Tag(ext.EventSampleRate))
		mt.Stop()
	}
	mt := mocktracer.Start()
	defer mt.Stop()
	for _, c := range []struct {
		url   string
		count int
	}{{"/skip", 0}, {"/200", 1}} {
		serve(c.url, handler200, serveConfig{ignore: func(r *http.Request) bool { return r.URL.Path == "/skip" }})
		equal(t, c.count, len(mt.FinishedSpans()))
		mt.Reset()
	}
}

func TestHeaderTags(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	r := httptest.NewRequest("GET", "/test", nil)
	r.Header.Add("h!e@a-d.e*r", "val")
	r.Header.Add("h!e@a-d.e*r", "val2")
	// As WithHeaderTags does: the joined values under the tag's name.
	traceAndServe(http.HandlerFunc(handler200), httptest.NewRecorder(), r, &serveConfig{
		analyticsRate: math.NaN(),
		spanOpts:      []tracer.StartSpanOption{tracer.Tag("http.request.headers.h_e_a-d_e_r", "val,val2")},
	})
	s := mt.FinishedSpans()[0]
	equal(t, "val,val2", s.Tags()["http.request.headers.h_e_a-d_e_r"])
	if _, ok := s.Tags()["http.headers.x-datadog-header"]; ok {
		t.Error("a header tag that was not asked for")
	}
}

// TestSpanOptions is roundtripper_test.go's: a raw option writing
// cfg.Tags, after an option that made the map.
func TestSpanOptions(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	span := tracer.StartSpan("http.request", tracer.SpanType(ext.SpanTypeHTTP), tracer.Tag("bar", "baz"),
		func(cfg *ddtrace.StartSpanConfig) { cfg.Tags["foo"] = "bar" })
	span.Finish()
	spans := mt.FinishedSpans()
	equal(t, 1, len(spans))
	equal(t, "bar", spans[0].Tag("foo"))
	equal(t, "baz", spans[0].Tag("bar"))
}
