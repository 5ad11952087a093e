package tracehttp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/tracehttp"
)

// TestOptions: the query string kept, the user's error statuses, resource
// namer and span options, on a server span and on a client span.
func TestOptions(t *testing.T) {
	tr, exp := newTracer(t)
	opts := []tracehttp.Option{
		tracehttp.WithTracer(tr),
		tracehttp.WithQueryString(true),
		tracehttp.WithStatusError(func(status int) bool { return status == http.StatusTeapot }),
		tracehttp.WithResourceNamer(func(r *http.Request) string { return "named " + r.URL.Path }),
		tracehttp.WithSpanOptions(trace.Tag("team", "web")),
	}
	srv := httptest.NewServer(tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tea" {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		w.WriteHeader(http.StatusInternalServerError) // not an error by WithStatusError
	}), opts...))
	defer srv.Close()
	client := &http.Client{Transport: tracehttp.Transport(nil, opts...)}
	for _, p := range []string{"/tea?cup=1", "/fail?cup=2"} {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	spans := wait(t, exp, 4)
	type key struct{ kind, resource string }
	byKey := map[key]trace.Snapshot{}
	for _, s := range spans {
		byKey[key{tag(t, s, "span.kind"), s.Resource()}] = s
	}
	for _, c := range []struct {
		kind, path, query string
		isError           bool
	}{
		{"server", "/tea", "cup=1", true},
		{"server", "/fail", "cup=2", false},
		{"client", "/tea", "cup=1", true},
		{"client", "/fail", "cup=2", false},
	} {
		s, ok := byKey[key{c.kind, "named " + c.path}]
		if !ok {
			t.Errorf("no %s span named %q; have %v", c.kind, "named "+c.path, byKey)
			continue
		}
		if got, want := tag(t, s, "http.url"), srv.URL+c.path+"?"+c.query; got != want {
			t.Errorf("%s %s: http.url %q, want %q", c.kind, c.path, got, want)
		}
		if s.IsError() != c.isError {
			t.Errorf("%s %s: error %v, want %v", c.kind, c.path, s.IsError(), c.isError)
		}
		if got := tag(t, s, "team"); got != "web" {
			t.Errorf("%s %s: team %q", c.kind, c.path, got)
		}
	}
}
