package gin

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

func nothing(*gin.Context) {}

func TestAnalyticsSettings(t *testing.T) {
	for _, c := range []struct {
		name   string
		global float64 // 0: not set
		env    bool
		opts   []Option
		want   any
	}{
		{name: "defaults", want: nil},
		{name: "global", global: 0.4, want: 0.4},
		{name: "enabled", opts: []Option{WithAnalytics(true)}, want: 1.0},
		{name: "disabled", global: 0.4, opts: []Option{WithAnalytics(false)}, want: nil},
		{name: "override", global: 0.4, opts: []Option{WithAnalyticsRate(0.23)}, want: 0.23},
		{name: "out of range", global: 0.4, opts: []Option{WithAnalyticsRate(1.5)}, want: nil},
		{name: "environment", env: true, want: 1.0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.global != 0 {
				globalconfig.SetAnalyticsRate(c.global)
				t.Cleanup(func() { globalconfig.SetAnalyticsRate(math.NaN()) })
			}
			if c.env {
				t.Setenv("DD_TRACE_GIN_ANALYTICS_ENABLED", "true")
			}
			s := one(t, serve(t, "", c.opts, "/x", nothing, httptest.NewRequest("GET", "/x", nil)))
			if got := s.Tag(ext.EventSampleRate); got != c.want {
				t.Errorf("rate %v, want %v", got, c.want)
			}
		})
	}
}

func TestResourceNamer(t *testing.T) {
	named := WithResourceNamer(func(c *gin.Context) string { return "named " + c.Request.Method })
	for _, c := range []struct {
		name string
		opts []Option
		want string
	}{
		{"default", nil, "GET /test"},
		{"custom", []Option{named}, "named GET"},
		{"nil namer is the default", []Option{WithResourceNamer(nil)}, "GET /test"},
		{"nil option", []Option{nil}, "GET /test"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := one(t, serve(t, "", c.opts, "/test", nothing, httptest.NewRequest("GET", "/test", nil)))
			if got := s.Tag(ext.ResourceName); got != c.want {
				t.Errorf("resource %v, want %q", got, c.want)
			}
		})
	}
}

func TestWithHeaderTags(t *testing.T) {
	req := func() *http.Request {
		r := httptest.NewRequest("GET", "/test", nil)
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
		{"override", []string{"3header"}, integration,
			map[string]any{"http.request.headers.3header": nil, "tag": "2val", "http.request.headers.h_e_a-d_e_r": "val,val2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			globalconfig.SetHeaderTags(c.global)
			t.Cleanup(func() { globalconfig.SetHeaderTags(nil) })
			s := one(t, serve(t, "", c.opts, "/test", nothing, req()))
			for k, want := range c.want {
				if got := s.Tag(k); got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}

func TestIgnoreRequest(t *testing.T) {
	skip := WithIgnoreRequest(func(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/skip") })
	for path, want := range map[string]int{"/ok": 1, "/skip": 0, "/skipfoo": 0} {
		ran := false
		spans := serve(t, "", []Option{skip}, path, func(*gin.Context) { ran = true }, httptest.NewRequest("GET", path, nil))
		if len(spans) != want || !ran {
			t.Errorf("%s: %d spans (want %d), handler ran: %v", path, len(spans), want, ran)
		}
	}
}

func TestServiceName(t *testing.T) {
	for _, c := range []struct {
		name, global, service, want string
	}{
		{"default", "", "", "gin.router"},
		{"global", "global-service", "", "global-service"},
		{"custom", "global-service", "my-service", "my-service"},
	} {
		t.Run(c.name, func(t *testing.T) {
			globalconfig.SetServiceName(c.global)
			t.Cleanup(func() { globalconfig.SetServiceName("") })
			s := one(t, serve(t, c.service, nil, "/ping", nothing, httptest.NewRequest("GET", "/ping", nil)))
			if got := s.Tag(ext.ServiceName); got != c.want {
				t.Errorf("service %v, want %q", got, c.want)
			}
		})
	}
}

// TestNotTraced: without a tracer, requests are served as they are.
func TestNotTraced(t *testing.T) {
	r := gin.New()
	r.Use(Middleware(""))
	r.GET("/x", func(c *gin.Context) {
		if _, ok := tracer.SpanFromContext(c.Request.Context()); ok {
			t.Error("a span without a tracer")
		}
		c.String(http.StatusOK, "ok")
	})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	if w.Body.String() != "ok" {
		t.Errorf("answer %q", w.Body.String())
	}
}
