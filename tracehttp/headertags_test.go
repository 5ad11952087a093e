package tracehttp_test

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/globalconfig"
	"github.com/ctxtrace/trace/tracehttp"
)

// setGlobals sets the process-wide header tags and analytics rate for one
// test, and puts them back after it.
func setGlobals(t *testing.T, headers []string, rate float64) {
	t.Helper()
	globalconfig.SetHeaderTags(headers)
	globalconfig.SetAnalyticsRate(rate)
	t.Cleanup(func() {
		globalconfig.SetHeaderTags(nil)
		globalconfig.SetAnalyticsRate(math.NaN())
	})
}

// prefixed returns the span's tags under the header-tag prefixes, the
// analytics rate and the custom tags named in extra.
func prefixed(s trace.Snapshot, extra ...string) map[string]string {
	out := map[string]string{}
	for k, v := range s.Tags() {
		switch {
		case strings.HasPrefix(k, "http.request.headers."), strings.HasPrefix(k, "http.response.headers."),
			k == "_dd1.sr.eausr":
			out[k] = v.String()
		}
		for _, e := range extra {
			if k == e {
				out[k] = v.String()
			}
		}
	}
	return out
}

func TestHeaderTagsAndAnalyticsOnServerSpans(t *testing.T) {
	setGlobals(t, []string{"X-Request-Id", "x-multi", "X-User:user.id", "Content-Type", "X-Absent"}, 0.25)
	tr, exp := newTracer(t)
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "resp-id")
		w.Header().Set("X-User", "not recorded: the entry names a tag")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
	}), tracehttp.WithTracer(tr))
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("X-Request-Id", " req-id ")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b ")
	req.Header.Set("X-User", "u1")
	req.Header.Set("X-Other", "not configured")
	h.ServeHTTP(httptest.NewRecorder(), req)

	got := prefixed(wait(t, exp, 1)[0], "user.id")
	want := map[string]string{
		"http.request.headers.x-request-id":  "req-id",
		"http.request.headers.x-multi":       "a,b",
		"user.id":                            "u1",
		"http.response.headers.x-request-id": "resp-id",
		"http.response.headers.content-type": "text/plain",
		"_dd1.sr.eausr":                      "0.25",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("server span tags (-want +got):\n%s", diff)
	}
	if v, _ := wait(t, exp, 1)[0].Tag("_dd1.sr.eausr"); !v.IsNumber() {
		t.Errorf("_dd1.sr.eausr is not a number: %v", v)
	}
}

// TestClientSpans: client spans carry the global analytics rate, and no
// header tags, as dd-trace-go's net/http client does.
func TestClientSpans(t *testing.T) {
	setGlobals(t, []string{"X-Request-Id"}, 0.5)
	tr, exp := newTracer(t)
	client := &http.Client{Transport: tracehttp.Transport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"X-Request-Id": {"resp"}}, Body: http.NoBody, Request: r}, nil
	}), tracehttp.WithTracer(tr))}
	req, _ := http.NewRequest("GET", "http://example.test/x", nil)
	req.Header.Set("X-Request-Id", "req")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if diff := cmp.Diff(map[string]string{"_dd1.sr.eausr": "0.5"}, prefixed(wait(t, exp, 1)[0])); diff != "" {
		t.Errorf("client span tags (-want +got):\n%s", diff)
	}
}

// TestNothingWhenUnset: no list and no rate, no tags.
func TestNothingWhenUnset(t *testing.T) {
	setGlobals(t, nil, math.NaN())
	tr, exp := newTracer(t)
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "resp-id")
	}), tracehttp.WithTracer(tr))
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("X-Request-Id", "req-id")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got := prefixed(wait(t, exp, 1)[0]); len(got) != 0 {
		t.Errorf("tags without settings: %v", got)
	}
}

// TestHTTPAnalyticsEnabled: DD_TRACE_HTTP_ANALYTICS_ENABLED gives server
// spans a rate of 1 whatever the global rate, read when Handler is called;
// client spans keep the global rate.
func TestHTTPAnalyticsEnabled(t *testing.T) {
	setGlobals(t, nil, 0.5)
	t.Setenv("DD_TRACE_HTTP_ANALYTICS_ENABLED", "true")
	tr, exp := newTracer(t)
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), tracehttp.WithTracer(tr))
	client := &http.Client{Transport: tracehttp.Transport(h2rt(h), tracehttp.WithTracer(tr))}
	t.Setenv("DD_TRACE_HTTP_ANALYTICS_ENABLED", "false") // too late for h
	resp, err := client.Get("http://example.test/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := map[string]string{}
	for _, s := range wait(t, exp, 2) {
		got[tag(t, s, "span.kind")] = tag(t, s, "_dd1.sr.eausr")
	}
	if diff := cmp.Diff(map[string]string{"server": "1", "client": "0.5"}, got); diff != "" {
		t.Errorf("rates by span kind (-want +got):\n%s", diff)
	}
}

// h2rt serves a client's requests with h, in process.
func h2rt(h http.Handler) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Result(), nil
	})
}

// BenchmarkHandlerHeaderTags is a traced request with three header tags
// configured, two of them present.
func BenchmarkHandlerHeaderTags(b *testing.B) {
	globalconfig.SetHeaderTags([]string{"X-Request-Id", "X-User:user.id", "X-Absent"})
	b.Cleanup(func() { globalconfig.SetHeaderTags(nil) })
	tr := trace.New(trace.WithExporter(trace.Discard))
	b.Cleanup(func() { tr.Shutdown(b.Context()) })
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), tracehttp.WithTracer(tr))
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("X-Request-Id", "id")
	req.Header.Set("X-User", "u")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}
