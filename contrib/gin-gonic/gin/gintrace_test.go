package gin

import (
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// serve sends one request through a router with the middleware made of
// service and opts and the route GET path served by h; it returns the
// spans finished.
func serve(t *testing.T, service string, opts []Option, route string, h gin.HandlerFunc, req *http.Request) []mocktracer.Span {
	t.Helper()
	mt := mocktracer.Start()
	t.Cleanup(mt.Stop)
	r := gin.New()
	r.SetHTMLTemplate(template.Must(template.New("hello").Parse("hello {{.}}")))
	r.Use(Middleware(service, opts...))
	r.GET(route, h)
	r.ServeHTTP(httptest.NewRecorder(), req)
	return mt.FinishedSpans()
}

func one(t *testing.T, spans []mocktracer.Span) mocktracer.Span {
	t.Helper()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1: %v", len(spans), spans)
	}
	return spans[0]
}

func TestTrace200(t *testing.T) {
	var inner bool
	req := httptest.NewRequest("GET", "/user/123?q=1&token=s3cr3t", nil)
	req.Header.Set("User-Agent", "probe/1")
	s := one(t, serve(t, "foobar", nil, "/user/:id", func(c *gin.Context) {
		_, inner = tracer.SpanFromContext(c.Request.Context())
		c.String(http.StatusOK, c.Param("id"))
	}, req))
	if !inner {
		t.Error("no span in the handler's context")
	}
	if s.OperationName() != "http.request" || s.Integration() != "gin-gonic/gin" {
		t.Errorf("name %q integration %q", s.OperationName(), s.Integration())
	}
	for k, want := range map[string]any{
		ext.SpanType: ext.SpanTypeWeb, ext.ServiceName: "foobar", ext.ResourceName: "GET /user/:id",
		ext.HTTPCode: "200", ext.HTTPMethod: "GET", ext.HTTPURL: "http://example.com/user/123?q=1&<redacted>",
		ext.HTTPRoute: "/user/:id", "http.host": "example.com", ext.HTTPUserAgent: "probe/1",
		ext.SpanKind: ext.SpanKindServer, ext.Component: "gin-gonic/gin", ext.Error: nil, "gin.errors": nil,
	} {
		if got := s.Tag(k); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
}

func TestPropagation(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	parent := tracer.StartSpan("caller")
	req := httptest.NewRequest("GET", "/user/1", nil)
	if err := tracer.Inject(parent.Context(), tracer.HTTPHeadersCarrier(req.Header)); err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(Middleware("foobar"))
	r.GET("/user/:id", func(c *gin.Context) {
		child, _ := tracer.StartSpanFromContext(c.Request.Context(), "child")
		child.Finish()
	})
	r.ServeHTTP(httptest.NewRecorder(), req)
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	child, server := spans[0], spans[1]
	if server.ParentID() != parent.Context().SpanID() || child.ParentID() != server.SpanID() {
		t.Errorf("parents: server %d (want %d), child %d (want %d)", server.ParentID(), parent.Context().SpanID(), child.ParentID(), server.SpanID())
	}
}

func TestStatusAndErrors(t *testing.T) {
	for _, c := range []struct {
		name      string
		env       string
		h         gin.HandlerFunc
		status    string
		errMsg    any
		ginErrors any
	}{
		{"server error", "", func(c *gin.Context) { _ = c.AbortWithError(500, errors.New("oh no")) },
			"500", "500: Internal Server Error", "Error #01: oh no\n"},
		{"client error", "", func(c *gin.Context) { _ = c.AbortWithError(418, errors.New("oh no")) },
			"418", nil, "Error #01: oh no\n"},
		{"bare status", "", func(c *gin.Context) { c.Status(503) }, "503", "503: Service Unavailable", nil},
		{"nothing written", "", func(*gin.Context) {}, "200", nil, nil},
		{"statuses from the environment", "400-499", func(c *gin.Context) { c.Status(418) }, "418", "418: I'm a teapot", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv("DD_TRACE_HTTP_SERVER_ERROR_STATUSES", c.env)
			}
			s := one(t, serve(t, "", nil, "/x", c.h, httptest.NewRequest("GET", "/x", nil)))
			if got := s.Tag(ext.HTTPCode); got != c.status {
				t.Errorf("status %v, want %s", got, c.status)
			}
			if got := s.Tag(ext.ErrorMsg); got != c.errMsg {
				t.Errorf("error.message %#v, want %#v", got, c.errMsg)
			}
			if got := s.Tag("gin.errors"); got != c.ginErrors {
				t.Errorf("gin.errors %#v, want %#v", got, c.ginErrors)
			}
		})
	}
}

// TestPanic: a panic that reaches the middleware is recorded, with status
// 500, and raised again for gin's recovery (before the middleware) or
// net/http's.
func TestPanic(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	r := gin.New()
	r.Use(gin.RecoveryWithWriter(nil), Middleware("foobar"))
	r.GET("/boom", func(*gin.Context) { panic("boom") })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != 500 {
		t.Errorf("answer %d", w.Code)
	}
	s := one(t, mt.FinishedSpans())
	if s.Tag(ext.HTTPCode) != "500" || !strings.Contains(s.Tag(ext.ErrorMsg).(string), "boom") {
		t.Errorf("status %v error %v", s.Tag(ext.HTTPCode), s.Tag(ext.ErrorMsg))
	}

	bare := gin.New()
	bare.Use(Middleware("foobar"))
	bare.GET("/boom", func(*gin.Context) { panic("again") })
	defer func() {
		if p := recover(); p != "again" {
			t.Errorf("recovered %v, want the handler's panic", p)
		}
	}()
	bare.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
}

func TestNoRoute(t *testing.T) {
	s := one(t, serve(t, "", nil, "/x", func(*gin.Context) {}, httptest.NewRequest("GET", "/nowhere", nil)))
	if s.Tag(ext.ResourceName) != "GET " || s.Tag(ext.HTTPRoute) != "" || s.Tag(ext.HTTPCode) != "404" {
		t.Errorf("resource %q route %#v status %v", s.Tag(ext.ResourceName), s.Tag(ext.HTTPRoute), s.Tag(ext.HTTPCode))
	}
}

func TestHTML(t *testing.T) {
	spans := serve(t, "foobar", nil, "/hello", func(c *gin.Context) {
		HTML(c, 200, "hello", "world")
		HTML(c, 200, "missing", nil)
	}, httptest.NewRequest("GET", "/hello", nil))
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	ok, missing := spans[0], spans[1]
	for _, s := range spans[:2] {
		if s.OperationName() != "gin.render.html" || s.Tag(ext.Component) != "gin-gonic/gin" || s.Tag(ext.ServiceName) != "foobar" {
			t.Errorf("span %v", s)
		}
		if _, ok := s.Tags()[ext.SpanKind]; ok {
			t.Errorf("span.kind on %v", s)
		}
	}
	if ok.Tag("go.template") != "hello" || ok.Tag(ext.Error) != nil {
		t.Errorf("rendered: %v", ok)
	}
	if missing.Tag("go.template") != "missing" || !strings.HasPrefix(missing.Tag(ext.ErrorMsg).(string), "error rendering tmpl:missing: ") {
		t.Errorf("missing template: %v", missing)
	}
}

func TestHTMLPanic(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/", nil)
	func() {
		defer func() { _ = recover() }()
		HTML(c, 200, "page", nil) // no templates: gin panics
	}()
	s := one(t, mt.FinishedSpans())
	if msg, _ := s.Tag(ext.ErrorMsg).(string); !strings.HasPrefix(msg, "error rendering tmpl:page: ") {
		t.Errorf("error.message %q", msg)
	}
}
