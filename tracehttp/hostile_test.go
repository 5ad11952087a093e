package tracehttp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ctxtrace/trace/tracehttp"
)

// Hostile requests (GitHub issue "Under pressure", item 9): net/http's
// server accepts any token as a method, up to the size of the request
// line; before the fix a 500 KB one became a 5,000-byte resource and a
// 25,000-byte http.method tag, and a new resource per request.

func TestHostileServerMethodAndRoute(t *testing.T) {
	longRoute := "/" + strings.Repeat("a", 1000)
	// Segments of 15 two-byte characters: quantizing cuts into one.
	wide := strings.Repeat("/"+strings.Repeat("é", 15), 10)
	cases := []struct {
		name, method, path string
		wantMethod         string
		wantResource       string // "" to check only its bounds
	}{
		{"GET", "GET", "/users/7", "GET", "GET /users/{id}"},
		{"WebDAV", "PROPFIND", "/users/7", "PROPFIND", "PROPFIND /users/{id}"},
		{"longest registered", "UPDATEREDIRECTREF", "/x", "UPDATEREDIRECTREF", "UPDATEREDIRECTREF /x"},
		{"500 KB token", strings.Repeat("A", 500<<10), "/users/7", "_OTHER", "_OTHER /users/{id}"},
		{"just over the bound", strings.Repeat("M", 25), "/x", "_OTHER", "_OTHER /x"},
		{"not a token", "GE T", "/x", "_OTHER", "_OTHER /x"},
		{"long route", "GET", longRoute, "GET", ""},
		{"path cut between bytes of a character", "GET", wide, "GET", ""},
	}
	tr, exp := newTracer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/users/{id}", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc(longRoute, func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/x", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/nowhere/", func(http.ResponseWriter, *http.Request) {})
	h := tracehttp.Handler(mux, tracehttp.WithTracer(tr))
	for i, c := range cases {
		req := httptest.NewRequest("GET", c.path, nil)
		req.Method = c.method // what the server's parser accepts
		h.ServeHTTP(httptest.NewRecorder(), req)
		s := wait(t, exp, i+1)[i]
		m, _ := s.Tag("http.method")
		route, _ := s.Tag("http.route")
		if m.String() != c.wantMethod || c.wantResource != "" && s.Resource() != c.wantResource {
			t.Errorf("%s: http.method %.30q, resource %.60q; want %q, %q", c.name, m.String(), s.Resource(), c.wantMethod, c.wantResource)
		}
		res := s.Resource()
		if len(res) > 24+1+200 || len(route.String()) > 200 || !utf8.ValidString(res) || strings.ContainsRune(res, utf8.RuneError) {
			t.Errorf("%s: resource %d bytes %.60q, route %d bytes", c.name, len(res), res, len(route.String()))
		}
	}
}

func TestHostileClientMethod(t *testing.T) {
	tr, exp := newTracer(t)
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	})
	client := &http.Client{Transport: tracehttp.Transport(base, tracehttp.WithTracer(tr))}
	for i, c := range []struct{ method, want string }{
		{"GET", "GET"},
		{strings.Repeat("A", 500<<10), "_OTHER"},
	} {
		req, err := http.NewRequest(c.method, "http://example.com/", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if m, _ := wait(t, exp, i+1)[i].Tag("http.method"); m.String() != c.want {
			t.Errorf("http.method %.30q, want %q", m.String(), c.want)
		}
	}
}
