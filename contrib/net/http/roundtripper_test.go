package http_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	httptrace "github.com/ctxtrace/trace/contrib/net/http"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// echoTrace answers 404 for /missing, else 200 with "traced" when the
// request carried a trace.
var echoTrace = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/missing") {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if r.Header.Get("X-Datadog-Trace-Id") != "" {
		w.Write([]byte("traced"))
	}
})

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 64)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return b.String()
}

func TestWrapClient(t *testing.T) {
	srv := httptest.NewServer(echoTrace)
	defer srv.Close()
	mt := mocktracer.Start()
	defer mt.Stop()
	c := httptrace.WrapClient(&http.Client{})
	if got := get(t, c, srv.URL+"/ok?password=p"); got != "traced" {
		t.Errorf("no trace sent: %q", got)
	}
	get(t, c, srv.URL+"/missing")
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	u, _ := url.Parse(srv.URL)
	s := spans[0]
	if got := shown(s, ext.ResourceName, ext.SpanType, ext.SpanKind, ext.HTTPURL, ext.HTTPCode, ext.NetworkDestinationName); len(got) != 6 ||
		got[ext.ResourceName] != "http.request" || got[ext.SpanType] != "http" || got[ext.SpanKind] != "client" ||
		got[ext.HTTPURL] != srv.URL+"/ok?<redacted>" || got[ext.HTTPCode] != "200" || got[ext.NetworkDestinationName] != "127.0.0.1" {
		t.Errorf("tags %v", got)
	}
	if p, ok := s.Tag(ext.NetworkDestinationPort).(int); !ok || strconv.Itoa(p) != u.Port() {
		t.Errorf("port %v (%T), want the number %s", s.Tag(ext.NetworkDestinationPort), s.Tag(ext.NetworkDestinationPort), u.Port())
	}
	if e := spans[1].Tag("http.errors"); e != "404 Not Found" || spans[1].Tag(ext.Error) == nil {
		t.Errorf("404: http.errors %v, error %v", e, spans[1].Tag(ext.Error))
	}
}

// TestRoundTripperOptions: every option, and a RoundTripper wrapped twice
// traced once.
func TestRoundTripperOptions(t *testing.T) {
	srv := httptest.NewServer(echoTrace)
	defer srv.Close()
	mt := mocktracer.Start()
	defer mt.Stop()
	var before, after []string
	rt := httptrace.WrapRoundTripper(nil, httptrace.RTWithServiceName("inner"))
	rt = httptrace.WrapRoundTripper(rt, httptrace.RTWithServiceName("out"), httptrace.RTWithAnalyticsRate(0.25),
		httptrace.RTWithResourceNamer(func(r *http.Request) string { return "res " + r.URL.Path }),
		httptrace.RTWithSpanNamer(func(*http.Request) string { return "out.request" }),
		httptrace.RTWithStatusCheck(func(s int) bool { return s >= 500 }),
		httptrace.RTWithErrorCheck(func(err error) bool { return !errors.Is(err, errIgnored) }),
		httptrace.RTWithPropagation(false), httptrace.RTWithSpanOptions(tracer.Tag("team", "client")),
		httptrace.WithBefore(func(r *http.Request, s ddtrace.Span) { before = append(before, r.URL.Path); s.SetTag("b", 1) }),
		httptrace.WithAfter(func(r *http.Response, s ddtrace.Span) { after = append(after, r.Status) }),
		httptrace.RTWithIgnoreRequest(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/ignored") }))
	c := &http.Client{Transport: rt}
	if got := get(t, c, srv.URL+"/ok"); got != "" {
		t.Errorf("trace sent without propagation: %q", got)
	}
	get(t, c, srv.URL+"/missing")
	get(t, c, srv.URL+"/ignored")
	spans := mt.FinishedSpans()
	if len(spans) != 2 || strings.Join(before, ",") != "/ok,/missing" || strings.Join(after, ",") != "200 OK,404 Not Found" {
		t.Fatalf("%d spans, before %q, after %q", len(spans), before, after)
	}
	for i, s := range spans {
		got := shown(s, ext.ServiceName, ext.EventSampleRate, "team", "b")
		if s.OperationName() != "out.request" || got[ext.ServiceName] != "out" || got[ext.EventSampleRate] != 0.25 ||
			got["team"] != "client" || got["b"] != 1.0 || s.Tag(ext.Error) != nil {
			t.Errorf("span %d: %s %v error %v", i, s.OperationName(), got, s.Tag(ext.Error))
		}
	}
	if spans[1].Tag(ext.ResourceName) != "res /missing" {
		t.Errorf("resource %v", spans[1].Tag(ext.ResourceName))
	}
}

var errIgnored = errors.New("ignored error")

type failing struct{}

func (failing) RoundTrip(*http.Request) (*http.Response, error) { return nil, errIgnored }

// TestRoundTripperErrors: a failed round trip's error is in http.errors;
// the span is an error unless RTWithErrorCheck says otherwise.
func TestRoundTripperErrors(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	for _, check := range []bool{true, false} {
		rt := httptrace.WrapRoundTripper(failing{}, httptrace.RTWithErrorCheck(func(error) bool { return check }),
			httptrace.RTWithAnalytics(check))
		req, _ := http.NewRequest("GET", "http://h.example/x", nil)
		if _, err := rt.RoundTrip(req); err != errIgnored {
			t.Fatalf("error %v", err)
		}
	}
	spans := mt.FinishedSpans()
	if len(spans) != 2 || spans[0].Tag("http.errors") != "ignored error" || spans[0].Tag(ext.Error) == nil ||
		spans[1].Tag(ext.Error) != nil || spans[0].Tag(ext.EventSampleRate) != 1.0 || spans[1].Tag(ext.EventSampleRate) != nil {
		t.Errorf("spans %v", spans)
	}
}
