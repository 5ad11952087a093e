package echo

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// serve sends req through a router with the middleware made of opts (and
// before, echo's Recover, when recoverFirst) and the route GET path
// served by h; it returns the answer and the spans finished.
func serve(t *testing.T, opts []Option, path string, h echo.HandlerFunc, req *http.Request) (*httptest.ResponseRecorder, []mocktracer.Span) {
	t.Helper()
	mt := mocktracer.Start()
	t.Cleanup(mt.Stop)
	e := echo.New()
	e.Use(Middleware(opts...))
	e.GET(path, h)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	return w, mt.FinishedSpans()
}

func one(t *testing.T, spans []mocktracer.Span) mocktracer.Span {
	t.Helper()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1: %v", len(spans), spans)
	}
	return spans[0]
}

func get(path string) *http.Request { return httptest.NewRequest("GET", path, nil) }

func TestTrace200(t *testing.T) {
	var inner bool
	req := get("/user/123?q=1&token=s3cr3t")
	req.Header.Set("User-Agent", "probe/1")
	_, spans := serve(t, []Option{WithServiceName("foobar")}, "/user/:id", func(c echo.Context) error {
		_, inner = tracer.SpanFromContext(c.Request().Context())
		return c.String(http.StatusOK, c.Param("id"))
	}, req)
	s := one(t, spans)
	if !inner {
		t.Error("no span in the handler's context")
	}
	if s.OperationName() != "http.request" || s.Integration() != "labstack/echo.v4" {
		t.Errorf("name %q integration %q", s.OperationName(), s.Integration())
	}
	for k, want := range map[string]any{
		ext.SpanType: ext.SpanTypeWeb, ext.ServiceName: "foobar", ext.ResourceName: "GET /user/:id",
		ext.HTTPCode: "200", ext.HTTPMethod: "GET", ext.HTTPURL: "http://example.com/user/123?q=1&<redacted>",
		ext.HTTPRoute: "/user/:id", "http.host": "example.com", ext.HTTPUserAgent: "probe/1",
		ext.SpanKind: ext.SpanKindServer, ext.Component: "labstack/echo.v4", ext.Error: nil, ext.EventSampleRate: nil,
	} {
		if got := s.Tag(k); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
}

func TestStatusError(t *testing.T) {
	atLeast := func(n int) func(int) bool { return func(s int) bool { return s >= n } }
	fourXX := func(s int) bool { return s >= 400 && s < 500 }
	for i, c := range []struct {
		check   func(int) bool
		env     string
		h       echo.HandlerFunc
		code    string
		wantErr string // "": none
	}{
		{nil, "", func(echo.Context) error { return errors.New("oh no") }, "500", "oh no"},
		{nil, "", func(echo.Context) error { return echo.NewHTTPError(500, "msg") }, "500", "code=500, message=msg"},
		{nil, "", func(echo.Context) error { return echo.NewHTTPError(400, "msg") }, "400", ""},
		{fourXX, "", func(echo.Context) error { return errors.New("oh no") }, "500", ""},
		{fourXX, "", func(echo.Context) error { return echo.NewHTTPError(500, "msg") }, "500", ""},
		{atLeast(400), "", func(echo.Context) error { return echo.NewHTTPError(400, "msg") }, "400", "code=400, message=msg"},
		{atLeast(200), "", func(c echo.Context) error { return c.JSON(201, "ok") }, "201", "201: Created"},
		{atLeast(200), "", func(c echo.Context) error { c.Response().Status = 0; return nil }, "200", "200: OK"},
		{nil, "", func(c echo.Context) error { return c.NoContent(503) }, "503", "503: Service Unavailable"},
		{nil, "400", func(echo.Context) error { return echo.NewHTTPError(400, "msg") }, "400", "code=400, message=msg"},
		{func(s int) bool { return s == 400 }, "500", func(echo.Context) error { return echo.NewHTTPError(500, "msg") }, "500", ""},
		{nil, "", func(c echo.Context) error { _ = c.String(200, "sent"); return errors.New("late") }, "200", "late"},
		{nil, "", func(echo.Context) error { return fmt.Errorf("wrapped: %w", echo.ErrBadGateway) }, "502", "wrapped: code=502, message=Bad Gateway"},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if c.env != "" {
				t.Setenv("DD_TRACE_HTTP_SERVER_ERROR_STATUSES", c.env)
			}
			opts := []Option{WithServiceName("foobar")}
			if c.check != nil {
				opts = append(opts, WithStatusCheck(c.check))
			}
			_, spans := serve(t, opts, "/err", c.h, get("/err"))
			s := one(t, spans)
			if got := s.Tag(ext.HTTPCode); got != c.code {
				t.Errorf("status %v, want %s", got, c.code)
			}
			got, _ := s.Tag(ext.ErrorMsg).(string)
			if got != c.wantErr || (s.Tag(ext.Error) != nil) != (c.wantErr != "") {
				t.Errorf("error %v (%q), want %q", s.Tag(ext.Error), got, c.wantErr)
			}
		})
	}
}

func TestWithErrorCheck(t *testing.T) {
	no4xx := WithErrorCheck(func(err error) bool {
		var he *echo.HTTPError
		return !errors.As(err, &he) || he.Code >= 500 || he.Code < 400
	})
	for _, c := range []struct {
		name    string
		err     error
		opts    []Option
		wantErr string
		code    string
	}{
		{"4xx ignored", echo.NewHTTPError(404, "nf"), []Option{no4xx, WithStatusCheck(func(int) bool { return true })}, "", "404"},
		{"500 kept", echo.NewHTTPError(500, "ie"), []Option{no4xx}, "code=500, message=ie", "500"},
		{"none ignored", errors.New("any"), []Option{WithErrorCheck(func(error) bool { return true })}, "any", "500"},
		{"all ignored", errors.New("any"), []Option{WithErrorCheck(func(error) bool { return false })}, "", "500"},
		{"status errors too", echo.NewHTTPError(404, "nf"), []Option{
			WithStatusCheck(func(s int) bool { return s == 404 }), WithErrorCheck(func(error) bool { return false })}, "", "404"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, spans := serve(t, c.opts, "/err", func(echo.Context) error { return c.err }, get("/err"))
			s := one(t, spans)
			got, _ := s.Tag(ext.ErrorMsg).(string)
			if got != c.wantErr || s.Tag(ext.HTTPCode) != c.code {
				t.Errorf("error %q status %v, want %q %s", got, s.Tag(ext.HTTPCode), c.wantErr, c.code)
			}
		})
	}
}

func TestWithErrorTranslator(t *testing.T) {
	errConflict := errors.New("conflict")
	translate := WithErrorTranslator(func(err error) (*echo.HTTPError, bool) {
		if errors.Is(err, errConflict) {
			return echo.NewHTTPError(409), true
		}
		return nil, false
	})
	for _, c := range []struct {
		name string
		opts []Option
		err  error
		code string
	}{
		{"translated", []Option{translate}, errConflict, "409"},
		{"untranslated", []Option{translate}, echo.NewHTTPError(418), "500"},
		{"nil translator is the default", []Option{WithErrorTranslator(nil)}, echo.NewHTTPError(418), "418"},
		{"nil *HTTPError", []Option{WithErrorTranslator(func(error) (*echo.HTTPError, bool) { return nil, true })}, errConflict, "500"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, spans := serve(t, c.opts, "/err", func(echo.Context) error { return c.err }, get("/err"))
			if got := one(t, spans).Tag(ext.HTTPCode); got != c.code {
				t.Errorf("status %v, want %s", got, c.code)
			}
		})
	}
}

// TestPanic: a panic that reaches the middleware is recorded, with status
// 500, and raised again; a panic echo's Recover (after the middleware)
// turns into a 500 is a status error.
func TestPanic(t *testing.T) {
	for _, c := range []struct {
		name         string
		recoverFirst bool
		wantMsg      string
	}{
		{"through the middleware", true, "boom"},
		{"recovered inside", false, "500: Internal Server Error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mt := mocktracer.Start()
			defer mt.Stop()
			e := echo.New()
			quiet := middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true})
			if c.recoverFirst {
				e.Use(quiet, Middleware())
			} else {
				e.Use(Middleware(), quiet)
			}
			e.GET("/boom", func(echo.Context) error { panic("boom") })
			w := httptest.NewRecorder()
			e.ServeHTTP(w, get("/boom"))
			s := one(t, mt.FinishedSpans())
			msg, _ := s.Tag(ext.ErrorMsg).(string)
			if w.Code != 500 || s.Tag(ext.HTTPCode) != "500" || !strings.Contains(msg, c.wantMsg) {
				t.Errorf("answer %d, span status %v error %q", w.Code, s.Tag(ext.HTTPCode), msg)
			}
		})
	}
}

func TestNoRoute(t *testing.T) {
	w, spans := serve(t, nil, "/x", func(echo.Context) error { return nil }, get("/nowhere"))
	s := one(t, spans)
	if w.Code != 404 || s.Tag(ext.ResourceName) != "GET " || s.Tag(ext.HTTPRoute) != "" || s.Tag(ext.HTTPCode) != "404" {
		t.Errorf("answer %d resource %q route %#v status %v", w.Code, s.Tag(ext.ResourceName), s.Tag(ext.HTTPRoute), s.Tag(ext.HTTPCode))
	}
}

// TestNoDebugStack: the mock tracer shows a stack left out as dd's does.
func TestNoDebugStack(t *testing.T) {
	for _, opts := range [][]Option{nil, {NoDebugStack()}} {
		_, spans := serve(t, opts, "/err", func(c echo.Context) error {
			err := errors.New("oh no")
			c.Error(err)
			return err
		}, get("/err"))
		s := one(t, spans)
		stack, _ := s.Tag(ext.ErrorStack).(string)
		if s.Tag(ext.ErrorMsg) != "oh no" || (stack == "<debug stack disabled>") != (opts != nil) || stack == "" {
			t.Errorf("options %d: error %v, error.stack %.40q", len(opts), s.Tag(ext.ErrorMsg), stack)
		}
	}
}
