package echo

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

func ok(c echo.Context) error { return c.String(http.StatusOK, "ok") }

func TestAnalyticsSettings(t *testing.T) {
	for _, c := range []struct {
		name   string
		global float64 // 0: not set
		opts   []Option
		want   any
	}{
		{name: "defaults", want: nil},
		{name: "global ignored, as in dd", global: 0.4, want: nil},
		{name: "enabled", opts: []Option{WithAnalytics(true)}, want: 1.0},
		{name: "disabled", opts: []Option{WithAnalytics(true), WithAnalytics(false)}, want: nil},
		{name: "rate", global: 0.4, opts: []Option{WithAnalyticsRate(0.23)}, want: 0.23},
		{name: "out of range", opts: []Option{WithAnalyticsRate(-1)}, want: nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.global != 0 {
				globalconfig.SetAnalyticsRate(c.global)
				t.Cleanup(func() { globalconfig.SetAnalyticsRate(math.NaN()) })
			}
			_, spans := serve(t, c.opts, "/x", ok, get("/x"))
			if got := one(t, spans).Tag(ext.EventSampleRate); got != c.want {
				t.Errorf("rate %v, want %v", got, c.want)
			}
		})
	}
}

func TestServiceName(t *testing.T) {
	for _, c := range []struct {
		name, global string
		opts         []Option
		want         string
	}{
		{"default", "", nil, "echo"},
		{"global", "global-service", nil, "global-service"},
		{"custom", "global-service", []Option{WithServiceName("my-service")}, "my-service"},
		{"nil option", "", []Option{nil}, "echo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			globalconfig.SetServiceName(c.global)
			t.Cleanup(func() { globalconfig.SetServiceName("") })
			_, spans := serve(t, c.opts, "/x", ok, get("/x"))
			if got := one(t, spans).Tag(ext.ServiceName); got != c.want {
				t.Errorf("service %v, want %q", got, c.want)
			}
		})
	}
}

func TestIgnoreRequest(t *testing.T) {
	skip := WithIgnoreRequest(func(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/skip") })
	for path, want := range map[string]int{"/ok": 1, "/skip": 0, "/skipfoo": 0} {
		w, spans := serve(t, []Option{skip}, path, ok, get(path))
		if len(spans) != want || w.Body.String() != "ok" {
			t.Errorf("%s: %d spans (want %d), answer %q", path, len(spans), want, w.Body.String())
		}
	}
}

func TestWithHeaderTags(t *testing.T) {
	req := func() *http.Request {
		r := get("/test")
		r.Header.Set("h!e@a-d.e*r", "val")
		r.Header.Add("h!e@a-d.e*r", "val2")
		r.Header.Set("2header", "2val")
		r.Header.Set("3header", "3val")
		return r
	}
	integration := []Option{WithHeaderTags([]string{"h!e@a-d.e*r", "2header:tag"})}
	for _, c := range []struct {
		name   string
		global []string
		opts   []Option
		want   map[string]any
	}{
		{"default off", nil, nil, map[string]any{"http.request.headers.h_e_a-d_e_r": nil, "tag": nil}},
		{"integration", nil, integration, map[string]any{"http.request.headers.h_e_a-d_e_r": "val,val2", "tag": "2val"}},
		{"global", []string{"3header"}, nil, map[string]any{"http.request.headers.3header": "3val", "tag": nil}},
		{"override", []string{"3header"}, integration, map[string]any{"http.request.headers.3header": nil, "tag": "2val"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			globalconfig.SetHeaderTags(c.global)
			t.Cleanup(func() { globalconfig.SetHeaderTags(nil) })
			_, spans := serve(t, c.opts, "/test", ok, req())
			s := one(t, spans)
			for k, want := range c.want {
				if got := s.Tag(k); got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}

func TestWithCustomTags(t *testing.T) {
	_, spans := serve(t, []Option{
		WithServiceName("foobar"),
		WithCustomTag("customTag1", "customValue1"),
		WithCustomTag("customTag2", 2),
		WithCustomTag(ext.SpanKind, "replace me"),
		WithCustomTag(ext.HTTPMethod, "replace me"),
		WithCustomTag(ext.ServiceName, "replace me"),
	}, "/test", ok, get("/test"))
	s := one(t, spans)
	for k, want := range map[string]any{"customTag1": "customValue1", "customTag2": 2.0, ext.SpanKind: "server",
		ext.HTTPMethod: "GET", ext.ServiceName: "foobar"} {
		if got := s.Tag(k); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
}

func TestPropagation(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	parent := tracer.StartSpan("caller")
	req := get("/user/1")
	if err := tracer.Inject(parent.Context(), tracer.HTTPHeadersCarrier(req.Header)); err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.Use(Middleware())
	e.GET("/user/:id", func(c echo.Context) error {
		child, _ := tracer.StartSpanFromContext(c.Request().Context(), "child")
		child.Finish()
		return nil
	})
	e.ServeHTTP(httptest.NewRecorder(), req)
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	child, server := spans[0], spans[1]
	if server.ParentID() != parent.Context().SpanID() || child.ParentID() != server.SpanID() {
		t.Errorf("parents: server %d (want %d), child %d (want %d)", server.ParentID(), parent.Context().SpanID(), child.ParentID(), server.SpanID())
	}
}

// TestNotTraced: without a tracer, requests are served as they are.
func TestNotTraced(t *testing.T) {
	e := echo.New()
	e.Use(Middleware())
	e.GET("/x", func(c echo.Context) error {
		if _, ok := tracer.SpanFromContext(c.Request().Context()); ok {
			t.Error("a span without a tracer")
		}
		return ok(c)
	})
	w := httptest.NewRecorder()
	e.ServeHTTP(w, get("/x"))
	if w.Body.String() != "ok" {
		t.Errorf("answer %q", w.Body.String())
	}
}
