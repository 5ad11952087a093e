package httptrace

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

func TestServeTags(t *testing.T) {
	tr, exp := newTracer(t)
	srv := NewServer(ServerConfig{Tracer: tr, Component: "net/http", Service: "api", QueryString: true,
		Analytics: AnalyticsRate(0.5), HeaderTags: OwnHeaderTags([]string{"x-req", "x-user:user.tag"}),
		ResponseHeaderTags: true, SpanOptions: []trace.SpanOption{trace.Tag("team", "web")}})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if trace.SpanFromContext(r.Context()) == nil {
			t.Error("no span in the handler's context")
		}
		w.Header().Set("X-Req", "resp")
		w.WriteHeader(http.StatusCreated)
	})
	r := httptest.NewRequest("POST", "/items/7?token=t&x=1", nil)
	r.Header.Set("User-Agent", "ua/1")
	r.Header.Set("X-Req", " a ")
	r.Header.Set("X-User", "u")
	srv.Serve(h, httptest.NewRecorder(), r, "/items/{id}", "")
	got := spans(t, tr, exp)
	if len(got) != 1 {
		t.Fatalf("%d spans", len(got))
	}
	s := got[0]
	if s.Name() != "http.request" || s.Service() != "api" || s.Resource() != "POST /items/{id}" || s.Type() != "web" || s.IsError() {
		t.Errorf("span %s", s)
	}
	want := map[string]string{
		"span.kind": "server", "component": "net/http", "http.method": "POST", "http.useragent": "ua/1",
		"http.url": "http://example.com/items/7?<redacted>&x=1", "http.host": "example.com", "_dd.measured": "#1",
		"http.route": "/items/{id}", "http.status_code": "201", "_dd1.sr.eausr": "#0.5", "team": "web",
		"http.request.headers.x-req": "a", "user.tag": "u", "http.response.headers.x-req": "resp",
	}
	if diff := cmp.Diff(want, tags(s)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

func TestServePanic(t *testing.T) {
	tr, exp := newTracer(t)
	srv := NewServer(ServerConfig{Tracer: tr, Route: func(r *http.Request) string { return PatternRoute(r.Pattern) }})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /panic/{id}", func(http.ResponseWriter, *http.Request) { panic("bug") })
	func() {
		defer func() {
			if p := recover(); p != "bug" {
				t.Errorf("recovered %v, want the handler's panic", p)
			}
		}()
		srv.Serve(mux, httptest.NewRecorder(), httptest.NewRequest("GET", "/panic/1", nil), "", "")
	}()
	s := spans(t, tr, exp)[0]
	tg := tags(s)
	if !s.IsError() || tg["http.status_code"] != "500" || tg["error.message"] != "panic: bug" || tg["error.stack"] == "" {
		t.Errorf("panic not recorded: %v", tg)
	}
	if s.Resource() != "GET /panic/{id}" || tg["http.route"] != "/panic/{id}" {
		t.Errorf("resource %q, route %q", s.Resource(), tg["http.route"])
	}
}

// TestFinishRules: the status, route and resource rules of Finish.
func TestFinishRules(t *testing.T) {
	for _, c := range []struct {
		name                     string
		cfg                      ServerConfig
		route, resource          string
		do                       func(q *Request)
		status, wantRes, wantRte string
		wantErr                  string
	}{
		{name: "nothing written is 200", status: "200", wantRes: "http.request"},
		{name: "status 0 an error", cfg: ServerConfig{IsStatusError: func(s int) bool { return s == 0 }},
			status: "0", wantRes: "http.request", wantErr: "0: "},
		{name: "unrouted", cfg: ServerConfig{Unrouted: func(r *http.Request) string { return r.Method + " unknown" }},
			status: "200", wantRes: "GET unknown"},
		{name: "empty route tagged", cfg: ServerConfig{EmptyRoute: true, Route: func(*http.Request) string { return "" }},
			status: "200", wantRes: "http.request", wantRte: "(empty)"},
		{name: "namer", cfg: ServerConfig{ResourceNamer: func(r *http.Request) string { return "named" }}, route: "/r",
			status: "200", wantRes: "named", wantRte: "/r"},
		{name: "set later", route: "/a", resource: "A", status: "404", wantRes: "B", wantRte: "/b",
			do: func(q *Request) { q.SetRoute("/b"); q.SetResource("B"); q.SetStatus(404) }},
		{name: "error given", status: "200", wantRes: "GET /e", route: "/e", wantRte: "/e", wantErr: "failed",
			do: func(q *Request) { q.SetError(errors.New("failed")) }},
		{name: "status error without stack", cfg: ServerConfig{NoDebugStack: true}, status: "502", wantRes: "http.request",
			wantErr: "502: Bad Gateway", do: func(q *Request) { q.Writer().WriteHeader(502) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, exp := newTracer(t)
			c.cfg.Tracer = tr
			q := NewServer(c.cfg).Start(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), c.route, c.resource)
			if c.do != nil {
				c.do(q)
			}
			q.Finish(nil)
			s := spans(t, tr, exp)[0]
			tg := tags(s)
			route, ok := tg["http.route"]
			if ok && route == "" {
				route = "(empty)"
			}
			if tg["http.status_code"] != c.status || s.Resource() != c.wantRes || route != c.wantRte {
				t.Errorf("status %q resource %q route %q", tg["http.status_code"], s.Resource(), route)
			}
			if msg := tg["error.message"]; s.IsError() != (c.wantErr != "") || len(msg) < len(c.wantErr) || msg[:len(c.wantErr)] != c.wantErr {
				t.Errorf("error %v %q, want %q", s.IsError(), msg, c.wantErr)
			}
			if _, ok := tg["error.stack"]; ok && c.cfg.NoDebugStack {
				t.Error("a stack with NoDebugStack")
			}
		})
	}
}

func TestServeNotTraced(t *testing.T) {
	tr, exp := newTracer(t)
	for _, srv := range []*Server{
		NewServer(ServerConfig{}), // trace.Default(), which is off
		NewServer(ServerConfig{Tracer: tr, Ignore: func(*http.Request) bool { return true }}),
	} {
		called := false
		srv.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			called = trace.SpanFromContext(r.Context()) == nil
		}), httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), "", "")
		if !called {
			t.Error("handler not called, or called with a span")
		}
	}
	if n := len(spans(t, tr, exp)); n != 0 {
		t.Errorf("%d spans", n)
	}
}

// TestServeContinuesTrace: the caller's trace and its baggage.
func TestServeContinuesTrace(t *testing.T) {
	tr, exp := newTracer(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Datadog-Trace-Id", "1234")
	r.Header.Set("X-Datadog-Parent-Id", "5678")
	r.Header.Set("Baggage", "user.id=u1,other=o")
	NewServer(ServerConfig{Tracer: tr}).Serve(http.NotFoundHandler(), httptest.NewRecorder(), r, "", "")
	s := spans(t, tr, exp)[0]
	if s.TraceID().Lower() != 1234 || s.ParentID() != 5678 {
		t.Errorf("trace %v parent %d", s.TraceID(), s.ParentID())
	}
	tg := tags(s)
	if tg["baggage.user.id"] != "u1" || tg["baggage.other"] != "" {
		t.Errorf("baggage tags: %v", tg)
	}
}

func TestBaggageKeys(t *testing.T) {
	if b := parseBaggageKeys("", false); len(b.keys) != 3 || b.all {
		t.Errorf("default: %+v", b)
	}
	if b := parseBaggageKeys("*", true); !b.all {
		t.Errorf("*: %+v", b)
	}
	if b := parseBaggageKeys(" a, ,b ", true); !cmp.Equal(b.keys, []string{"a", "b"}) {
		t.Errorf("list: %+v", b)
	}
	if b := parseBaggageKeys("", true); len(b.keys) != 0 || b.all {
		t.Errorf("empty: %+v", b)
	}
}

// TestAnalyticsAndHeaderDefaults: the zero values defer to globalconfig.
func TestAnalyticsAndHeaderDefaults(t *testing.T) {
	globalconfig.SetAnalyticsRate(0.3)
	globalconfig.SetHeaderTags([]string{"x-global"})
	t.Cleanup(func() { globalconfig.SetAnalyticsRate(math.NaN()); globalconfig.SetHeaderTags(nil) })
	if r := (Analytics{}).Rate(); r != 0.3 {
		t.Errorf("global rate %v", r)
	}
	if r := AnalyticsOff().Rate(); !math.IsNaN(r) {
		t.Errorf("off: %v", r)
	}
	if l := (HeaderTags{}).list(); len(l) != 1 || l[0].Header != "X-Global" {
		t.Errorf("global header tags %v", l)
	}
	if l := OwnHeaderTags(nil).list(); len(l) != 0 {
		t.Errorf("own, none: %v", l)
	}
	t.Setenv("DD_TRACE_CHI_ANALYTICS_ENABLED", "true")
	if r := IntegrationAnalytics("CHI").Rate(); r != 1 {
		t.Errorf("DD_TRACE_CHI_ANALYTICS_ENABLED: %v", r)
	}
	if HTTPAnalyticsEnabled() {
		t.Error("DD_TRACE_HTTP_ANALYTICS_ENABLED unset, yet on")
	}
}
