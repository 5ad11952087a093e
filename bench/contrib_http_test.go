package bench

import (
	"context"
	"net/http/httptest"
	"testing"

	ddhttp "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/mocktracer"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ctrace "github.com/ctxtrace/trace"
	ourhttp "github.com/ctxtrace/trace/contrib/net/http"
	"github.com/ctxtrace/trace/exporter/memory"
)

// BenchmarkContribHTTP measures one request through a ServeMux route
// ("GET /posts/{id}") wrapped by each tracer's contrib/net/http
// WrapHandler, the same call on both sides: ours
// (github.com/ctxtrace/trace/contrib/net/http) and dd-trace-go's, both
// sending to the stand-in agent. "bare" is the same mux unwrapped, so a
// tracer's overhead per request is its ns/op minus bare's. The request
// carries a query string, which both obfuscate into http.url, and no
// trace headers, so each one starts a new trace, as at the edge of a
// system.
func BenchmarkContribHTTP(b *testing.B) {
	b.Run("bare", func(b *testing.B) { benchHandler(b, postsMux()) })
	b.Run("ours", func(b *testing.B) {
		discarding(b)
		tr := newOurs()
		ctrace.SetDefault(tr)
		defer func() { ctrace.SetDefault(nil); tr.Shutdown(context.Background()) }()
		benchHandler(b, ourhttp.WrapHandler(postsMux(), "bench", "GET /posts/{id}"))
	})
	b.Run("ddtrace", func(b *testing.B) {
		discarding(b)
		startDD()
		defer tracer.Stop()
		benchHandler(b, ddhttp.WrapHandler(postsMux(), "bench", "GET /posts/{id}"))
	})
}

// TestContribHTTPTraces checks that both integrations under benchmark
// really trace, the same span: a benchmark of a middleware that traced
// nothing would flatter it.
func TestContribHTTPTraces(t *testing.T) {
	mem := memory.New()
	tr := newOursTo(mem)
	ctrace.SetDefault(tr)
	rec := httptest.NewRecorder()
	ourhttp.WrapHandler(postsMux(), "bench", "GET /posts/{id}").ServeHTTP(rec, httptest.NewRequest("GET", "/posts/7?ref=home", nil))
	ctrace.SetDefault(nil)
	tr.Shutdown(context.Background())
	spans := mem.Spans()
	if len(spans) != 1 || spans[0].Resource() != "GET /posts/{id}" || rec.Body.String() != "7" {
		t.Fatalf("ours: %d spans %v, body %q", len(spans), spans, rec.Body.String())
	}
	if u, _ := spans[0].Tag("http.url"); u.String() != "http://example.com/posts/7?ref=home" {
		t.Errorf("ours: http.url %q", u.String())
	}

	mt := mocktracer.Start()
	defer mt.Stop()
	rec = httptest.NewRecorder()
	ddhttp.WrapHandler(postsMux(), "bench", "GET /posts/{id}").ServeHTTP(rec, httptest.NewRequest("GET", "/posts/7?ref=home", nil))
	sp := mt.FinishedSpans()
	if len(sp) != 1 || rec.Body.String() != "7" || sp[0].Tag("http.url") != "http://example.com/posts/7?ref=home" {
		t.Fatalf("ddtrace: %d spans, body %q", len(sp), rec.Body.String())
	}
}
