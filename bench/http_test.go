package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	ddhttp "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/mocktracer"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/tracehttp"
)

// BenchmarkHTTPMiddleware measures one request through a ServeMux route
// ("GET /posts/{id}") wrapped by each tracer's net/http server middleware:
// ours (tracehttp.Handler) and dd-trace-go's contrib/net/http
// (WrapHandler), both sending to the stand-in agent. "bare" is the same
// mux unwrapped, so a tracer's overhead per request is its ns/op minus
// bare's. The request comes with no trace headers, so each one starts a
// new trace, as at the edge of a system.
func BenchmarkHTTPMiddleware(b *testing.B) {
	b.Run("bare", func(b *testing.B) { benchHandler(b, postsMux()) })
	b.Run("ours", func(b *testing.B) {
		discarding(b)
		tr := newOurs()
		defer tr.Shutdown(context.Background())
		benchHandler(b, tracehttp.Handler(postsMux(), tracehttp.WithTracer(tr)))
	})
	b.Run("ddtrace", func(b *testing.B) {
		discarding(b)
		startDD()
		defer tracer.Stop()
		benchHandler(b, ddhttp.WrapHandler(postsMux(), "bench", "http.request"))
	})
}

func postsMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.PathValue("id"))
	})
	return mux
}

// benchHandler serves b.N requests to h in process, with a ResponseWriter
// that discards, so what is measured is routing plus the middleware.
func benchHandler(b *testing.B, h http.Handler) {
	req := httptest.NewRequest("GET", "http://example.com/posts/42?ref=home", nil)
	req.Header.Set("User-Agent", "bench/1")
	w := &discardWriter{h: make(http.Header)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, req)
	}
	b.StopTimer()
}

// TestHTTPMiddlewaresTrace checks that both middlewares under benchmark
// really trace: a benchmark of a middleware that traced nothing would
// flatter it.
func TestHTTPMiddlewaresTrace(t *testing.T) {
	rec := httptest.NewRecorder()
	mem := memory.New()
	tr := newOursTo(mem)
	tracehttp.Handler(postsMux(), tracehttp.WithTracer(tr)).ServeHTTP(rec,
		httptest.NewRequest("GET", "/posts/7", nil))
	tr.Shutdown(context.Background())
	spans := mem.Spans()
	if len(spans) != 1 || spans[0].Resource() != "GET /posts/{id}" || rec.Body.String() != "7" {
		t.Fatalf("ours: %d spans %v, body %q", len(spans), spans, rec.Body.String())
	}

	mt := mocktracer.Start()
	defer mt.Stop()
	rec = httptest.NewRecorder()
	ddhttp.WrapHandler(postsMux(), "bench", "http.request").ServeHTTP(rec, httptest.NewRequest("GET", "/posts/7", nil))
	if n := len(mt.FinishedSpans()); n != 1 || rec.Body.String() != "7" {
		t.Fatalf("ddtrace: %d spans, body %q", n, rec.Body.String())
	}
}

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
