package tracehttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/tracehttp"
)

func newTracer(t *testing.T, opts ...trace.Option) (*trace.Tracer, *memory.Exporter) {
	t.Helper()
	exp := memory.New()
	tr := trace.New(append([]trace.Option{trace.WithExporter(exp), trace.WithService("web"), trace.WithFlushInterval(5 * time.Millisecond)}, opts...)...)
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, exp
}

func wait(t *testing.T, exp *memory.Exporter, n int) []trace.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	spans, err := exp.WaitForSpans(ctx, n)
	if err != nil {
		t.Fatalf("waiting for %d spans: %v (have %d)", n, err, exp.Len())
	}
	return spans
}

func tag(t *testing.T, s trace.Snapshot, key string) string {
	t.Helper()
	v, ok := s.Tag(key)
	if !ok {
		t.Errorf("span %s: no tag %q", s.Name(), key)
		return ""
	}
	return v.String()
}

func TestHandlerTagsAndRoute(t *testing.T) {
	tr, exp := newTracer(t)
	mux := http.NewServeMux()
	var inner trace.SpanContext
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		inner = trace.SpanContextFromContext(r.Context())
		w.WriteHeader(http.StatusTeapot)
	})
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	h := tracehttp.Handler(mux, tracehttp.WithTracer(tr))

	req := httptest.NewRequest("GET", "http://example.com/users/42?token=secret", nil)
	req.Header.Set("User-Agent", "probe/1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/boom", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere/123/x", nil))

	spans := wait(t, exp, 3)
	byRes := map[string]trace.Snapshot{}
	for _, s := range spans {
		byRes[s.Resource()] = s
	}
	s, ok := byRes["GET /users/{id}"]
	if !ok {
		t.Fatalf("no span with the route resource; have %v", keys(byRes))
	}
	if s.Name() != "http.request" || s.Type() != "web" {
		t.Errorf("name %q type %q", s.Name(), s.Type())
	}
	for k, want := range map[string]string{
		"http.method": "GET", "http.url": "http://example.com/users/42",
		"http.status_code": "418", "http.route": "/users/{id}",
		"http.useragent": "probe/1", "span.kind": "server", "component": "net/http",
	} {
		if got := tag(t, s, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if s.IsError() {
		t.Error("418 marked as an error")
	}
	if inner.SpanID() != s.SpanID() {
		t.Error("the handler's context does not carry the server span")
	}
	boom := byRes["POST /boom"]
	if !boom.IsError() || tag(t, boom, "http.status_code") != "503" {
		t.Errorf("503 span: error %v, status %q", boom.IsError(), tag(t, boom, "http.status_code"))
	}
	if _, ok := byRes["GET /nowhere/?/x"]; !ok {
		t.Errorf("unrouted path not quantized; have %v", keys(byRes))
	}
}

func keys(m map[string]trace.Snapshot) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestHandlerRecordsPanicAndRepanics(t *testing.T) {
	tr, exp := newTracer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /panic/{id}", func(http.ResponseWriter, *http.Request) {
		panic("handler bug")
	})
	h := tracehttp.Handler(mux, tracehttp.WithTracer(tr))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/panic/7", nil))
	}()
	s := wait(t, exp, 1)[0]
	if !s.IsError() || tag(t, s, "http.status_code") != "500" {
		t.Errorf("panicking request: error %v status %q", s.IsError(), tag(t, s, "http.status_code"))
	}
	// Recorded as trace.Do records a panic, with the route the request
	// matched: the span is finished after they are known.
	if s.Resource() != "GET /panic/{id}" || tag(t, s, "http.route") != "/panic/{id}" {
		t.Errorf("resource %q, route %q", s.Resource(), tag(t, s, "http.route"))
	}
	if tag(t, s, "error.message") != "panic: handler bug" || tag(t, s, "error.type") != "string" {
		t.Errorf("error.message %q, error.type %q", tag(t, s, "error.message"), tag(t, s, "error.type"))
	}
	if st := tag(t, s, "error.stack"); !strings.Contains(st, "TestHandlerRecordsPanicAndRepanics") {
		t.Errorf("error.stack does not start at the panic:\n%s", st)
	}
}

func TestHandlerWithNoopTracerPassesThrough(t *testing.T) {
	called := false
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		if trace.SpanFromContext(r.Context()) != nil {
			t.Error("span started by a noop tracer")
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !called {
		t.Fatal("handler not called")
	}
}

func TestHandlerKeepsFlusher(t *testing.T) {
	tr, _ := newTracer(t)
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := w.(http.Flusher)
		if !ok {
			t.Error("wrapped writer is not an http.Flusher")
			return
		}
		io.WriteString(w, "part")
		f.Flush()
	}), tracehttp.WithTracer(tr))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !rec.Flushed {
		t.Error("Flush did not reach the recorder")
	}
}

// TestClientServerOneTrace sends a request through Transport to a server
// wrapped by Handler over a real loopback connection, once per propagation
// style, and checks that the two spans form one trace with the client span
// the parent of the server span.
func TestClientServerOneTrace(t *testing.T) {
	for _, style := range []string{"datadog", "tracecontext", "b3multi"} {
		t.Run(style, func(t *testing.T) {
			prop, err := trace.NewPropagator(trace.PropagatorConfig{Inject: []string{style}, Extract: []string{style}})
			if err != nil {
				t.Fatal(err)
			}
			tr, exp := newTracer(t, trace.WithPropagator(prop))
			var seen http.Header
			srv := httptest.NewServer(tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = r.Header.Clone()
				io.WriteString(w, "ok")
			}), tracehttp.WithTracer(tr), tracehttp.WithService("backend")))
			defer srv.Close()
			client := &http.Client{Transport: tracehttp.Transport(nil, tracehttp.WithTracer(tr), tracehttp.WithService("frontend"))}

			ctx, root := tr.Start(context.Background(), "work")
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/hello?q=1", nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			root.Finish()
			if len(req.Header) != 0 {
				t.Errorf("Transport modified the caller's request: %v", req.Header)
			}

			spans := wait(t, exp, 3)
			var client0, server trace.Snapshot
			for _, s := range spans {
				switch s.Service() {
				case "frontend":
					client0 = s
				case "backend":
					server = s
				}
			}
			if client0.SpanID() == 0 || server.SpanID() == 0 {
				t.Fatalf("missing spans: %v", spans)
			}
			if server.TraceID() != root.TraceID() || client0.TraceID() != root.TraceID() {
				t.Errorf("three traces, not one: root %v client %v server %v", root.TraceID(), client0.TraceID(), server.TraceID())
			}
			if server.ParentID() != client0.SpanID() {
				t.Errorf("server parent %d, client span %d", server.ParentID(), client0.SpanID())
			}
			if client0.ParentID() != root.SpanID() {
				t.Errorf("client parent %d, root %d", client0.ParentID(), root.SpanID())
			}
			if tag(t, client0, "span.kind") != "client" || tag(t, client0, "http.status_code") != "200" ||
				tag(t, client0, "http.url") != srv.URL+"/hello" {
				t.Errorf("client tags: %v", client0)
			}
			switch style {
			case "datadog":
				if seen.Get("X-Datadog-Trace-Id") == "" || seen.Get("Traceparent") != "" {
					t.Errorf("headers sent: %v", seen)
				}
			case "tracecontext":
				if seen.Get("Traceparent") == "" || seen.Get("X-Datadog-Trace-Id") != "" {
					t.Errorf("headers sent: %v", seen)
				}
			case "b3multi":
				if seen.Get("X-B3-Traceid") == "" {
					t.Errorf("headers sent: %v", seen)
				}
			}
		})
	}
}

func TestTransportRecordsErrors(t *testing.T) {
	tr, exp := newTracer(t)
	failing := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	})
	c := &http.Client{Transport: tracehttp.Transport(failing, tracehttp.WithTracer(tr))}
	if _, err := c.Get("http://127.0.0.1:1/"); err == nil {
		t.Fatal("no error")
	}
	s := wait(t, exp, 1)[0]
	if !s.IsError() || !strings.Contains(tag(t, s, "error.message"), "connection refused") {
		t.Errorf("transport error not recorded: %v", s)
	}

	// As in dd-trace-go, a client span is an error on 4xx (the request was
	// refused), not on 5xx (the server's fault, on the server's span).
	for code, wantErr := range map[int]bool{404: true, 502: false, 200: false} {
		exp.Reset()
		status := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: code, Body: http.NoBody, Request: r}, nil
		})
		c = &http.Client{Transport: tracehttp.Transport(status, tracehttp.WithTracer(tr))}
		resp, err := c.Get("http://127.0.0.1:1/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		s = wait(t, exp, 1)[0]
		if s.IsError() != wantErr || tag(t, s, "http.status_code") != strconv.Itoa(code) {
			t.Errorf("%d: error %v, want %v: %v", code, s.IsError(), wantErr, s)
		}
		if tag(t, s, "network.destination.name") != "127.0.0.1" || tag(t, s, "network.destination.port") != "1" {
			t.Errorf("destination tags: %v", s)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestHandlerHijack checks that a handler behind the middleware can still
// take over the connection, as WebSocket upgrades do, over real loopback.
func TestHandlerHijack(t *testing.T) {
	tr, exp := newTracer(t)
	srv := httptest.NewServer(tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("wrapped writer is not an http.Hijacker")
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: close\r\n\r\n")
		buf.Flush()
	}), tracehttp.WithTracer(tr)))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("status %d", resp.StatusCode)
	}
	s := wait(t, exp, 1)[0]
	if tag(t, s, "http.status_code") != "101" || s.IsError() {
		t.Errorf("hijacked span: %v", s)
	}

	// A writer that cannot hijack says so instead of panicking.
	h := tracehttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, err := w.(http.Hijacker).Hijack(); err == nil {
			t.Error("hijacked a ResponseRecorder")
		}
	}), tracehttp.WithTracer(tr))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}
