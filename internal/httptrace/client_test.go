package httptrace

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ctxtrace/trace"
)

// target answers by path: /404, /500, /eof (closes the connection), else
// 200 with whether a trace came along.
func target(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			w.WriteHeader(http.StatusNotFound)
		case "/500":
			w.WriteHeader(http.StatusInternalServerError)
		case "/eof":
			if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
				c.Close()
			}
		default:
			if r.Header.Get("X-Datadog-Trace-Id") == "" {
				w.WriteHeader(http.StatusNoContent)
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTransport(t *testing.T) {
	srv := target(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()
	tr, exp := newTracer(t)
	c := &http.Client{Transport: NewTransport(&http.Transport{DisableKeepAlives: true}, ClientConfig{Tracer: tr, Component: "net/http"})}
	for _, u := range []string{srv.URL + "/ok?token=t", srv.URL + "/404", srv.URL + "/500", srv.URL + "/eof", refused + "/x"} {
		resp, err := c.Get(u)
		if err == nil {
			if u == srv.URL+"/ok?token=t" && resp.StatusCode != http.StatusOK {
				t.Errorf("no trace headers sent: %d", resp.StatusCode)
			}
			resp.Body.Close()
		}
	}
	byPath := map[string]map[string]string{}
	for _, s := range spans(t, tr, exp) {
		if s.Name() != "http.request" || s.Resource() != "http.request" || s.Type() != "http" {
			t.Errorf("span %s", s)
		}
		tg := tags(s)
		tg["error"] = map[bool]string{true: "yes", false: "no"}[s.IsError()]
		byPath[tg["http.url"][strings.LastIndexByte(tg["http.url"], '/'):]] = tg
	}
	for path, want := range map[string]map[string]string{
		"/ok":  {"http.status_code": "200", "error": "no", "http.errors": ""},
		"/404": {"http.status_code": "404", "error": "yes", "http.errors": "404 Not Found"},
		"/500": {"http.status_code": "500", "error": "no", "http.errors": ""},
		"/eof": {"http.status_code": "", "error": "yes", "http.errors": "EOF"},
		"/x":   {"http.status_code": "", "error": "yes", "http.errors": "dial tcp " + strings.TrimPrefix(refused, "http://") + ": connect: connection refused"},
	} {
		tg := byPath[path]
		if tg == nil {
			t.Errorf("no span for %s: %v", path, byPath)
			continue
		}
		for k, v := range want {
			if tg[k] != v {
				t.Errorf("%s: %s = %q, want %q", path, k, tg[k], v)
			}
		}
		if tg["span.kind"] != "client" || tg["component"] != "net/http" || tg["network.destination.name"] != "127.0.0.1" ||
			!strings.HasPrefix(tg["network.destination.port"], "#") {
			t.Errorf("%s: %v", path, tg)
		}
	}
	if got := byPath["/ok"]["http.url"]; got != srv.URL+"/ok" {
		t.Errorf("query kept without QueryString: %q", got)
	}
}

func TestTransportOptions(t *testing.T) {
	srv := target(t)
	tr, exp := newTracer(t)
	var before, after int
	c := &http.Client{Transport: NewTransport(nil, ClientConfig{
		Tracer: tr, Service: "out", QueryString: true, NoPropagation: true, Analytics: AnalyticsRate(1),
		SpanNamer:     func(*http.Request) string { return "custom" },
		ResourceNamer: func(r *http.Request) string { return r.URL.Path },
		IsStatusError: func(s int) bool { return s >= 500 },
		ErrCheck:      func(err error) bool { return !errors.Is(err, errSkip) },
		SpanOptions:   []trace.SpanOption{trace.Tag("team", "t")},
		Before:        func(*http.Request, *trace.Span) { before++ },
		After:         func(*http.Response, *trace.Span) { after++ },
		Ignore:        func(r *http.Request) bool { return r.URL.Path == "/ignored" },
	})}
	for _, p := range []string{"/ok?a=1", "/404", "/500", "/ignored"} {
		resp, err := c.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if p == "/ok?a=1" && resp.StatusCode != http.StatusNoContent {
			t.Errorf("trace headers sent without propagation")
		}
	}
	got := spans(t, tr, exp)
	if len(got) != 3 || before != 3 || after != 3 {
		t.Fatalf("%d spans, %d before, %d after", len(got), before, after)
	}
	for _, s := range got {
		tg := tags(s)
		if s.Name() != "custom" || s.Service() != "out" || tg["team"] != "t" || tg["_dd1.sr.eausr"] != "#1" {
			t.Errorf("span %s %v", s, tg)
		}
		if s.IsError() != (s.Resource() == "/500") {
			t.Errorf("%s: error %v", s.Resource(), s.IsError())
		}
		if s.Resource() == "/ok" && tg["http.url"] != srv.URL+"/ok?a=1" {
			t.Errorf("http.url %q", tg["http.url"])
		}
	}
	if NewTransport(nil, ClientConfig{}).Unwrap() != http.DefaultTransport {
		t.Error("nil base is not http.DefaultTransport")
	}
}

var errSkip = errors.New("skip")

// TestTransportErrCheck: an error ErrCheck rejects is in http.errors, and
// the span is not an error.
func TestTransportErrCheck(t *testing.T) {
	tr, exp := newTracer(t)
	failing := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errSkip })
	rt := NewTransport(failing, ClientConfig{Tracer: tr, ErrCheck: func(err error) bool { return !errors.Is(err, errSkip) }})
	req, _ := http.NewRequest("GET", "http://h.example/x", nil)
	if _, err := rt.RoundTrip(req); err != errSkip {
		t.Fatalf("error %v", err)
	}
	s := spans(t, tr, exp)[0]
	if tg := tags(s); s.IsError() || tg["http.errors"] != "skip" {
		t.Errorf("error %v, tags %v", s.IsError(), tg)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSchemaV1Names: the naming schema v1's span names and services.
func TestSchemaV1Names(t *testing.T) {
	// No tracer was started in this test binary: the global service is
	// DD_SERVICE.
	t.Setenv("DD_SERVICE", "envsvc")
	t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", "v1")
	if spanName(true) != "http.server.request" || spanName(false) != "http.client.request" {
		t.Error("v1 names")
	}
	if ClientService() != "envsvc" || ServerService("x") != "envsvc" {
		t.Errorf("v1: client %q server %q, want the global service", ClientService(), ServerService("x"))
	}
	t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", "")
	if spanName(true) != "http.request" || ClientService() != "" || ServerService("fallback") != "envsvc" {
		t.Errorf("v0: %q %q %q", spanName(true), ClientService(), ServerService("fallback"))
	}
	t.Setenv("DD_SERVICE", "")
	if ServerService("fallback") != "fallback" {
		t.Errorf("no service: %q", ServerService("fallback"))
	}
}

func TestQueryStringDefaults(t *testing.T) {
	if !ServerQueryString() || !ClientQueryString() {
		t.Error("defaults")
	}
	t.Setenv("DD_TRACE_HTTP_URL_QUERY_STRING_DISABLED", "true")
	t.Setenv("DD_TRACE_HTTP_CLIENT_TAG_QUERY_STRING", "false")
	if ServerQueryString() || ClientQueryString() {
		t.Error("variables not read")
	}
}
