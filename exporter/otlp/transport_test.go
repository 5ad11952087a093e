package otlp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// exportTraces makes n traces of three spans each with a tracer that
// exports to exp, shuts the tracer down and returns its Stats.
func exportTraces(t *testing.T, exp trace.Exporter, n int, opts ...trace.Option) trace.Stats {
	t.Helper()
	tr := trace.New(append([]trace.Option{trace.WithService("svc"), trace.WithExporter(exp),
		trace.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	for i := range n {
		ctx, root := tr.Start(context.Background(), "root", trace.Tag("i", i))
		cctx, child := tr.Start(ctx, "child")
		_, leaf := tr.Start(cctx, "leaf", trace.Tag("text", fmt.Sprint("value ", i)))
		leaf.Finish()
		child.Finish()
		root.Finish()
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Errorf("tracer Shutdown: %v", err)
	}
	return tr.Stats()
}

// chunksOf returns the chunks of n traces of three spans each, made by a
// tracer that exports to memory: a batch to hand to Export directly, so
// that a test knows how many requests it makes (one).
func chunksOf(t *testing.T, n int) []trace.Chunk {
	t.Helper()
	mem := memory.New()
	exportTraces(t, mem, n)
	return mem.Chunks()
}

// exportOnce hands batch to exp in one call, then shuts exp down.
func exportOnce(t *testing.T, exp *Exporter, batch []trace.Chunk) {
	t.Helper()
	if err := exp.Export(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestTransports(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		for _, comp := range []string{"none", "gzip"} {
			t.Run(string(p)+"/"+comp, func(t *testing.T) {
				s := newSink(t, p, nil)
				exp, err := New(s.options(WithCompression(comp),
					WithHeaders(map[string]string{"Api-Key": "secret", "x-team": "a b"}))...)
				if err != nil {
					t.Fatal(err)
				}
				st := exportTraces(t, exp, 50)
				if got := len(s.received()); got != 150 {
					t.Errorf("received %d spans; want 150", got)
				}
				if st.SpansExported != 150 || st.Dropped.Total() != 0 {
					t.Errorf("tracer Stats = %+v; want 150 exported, none dropped", st)
				}
				es := exp.Stats()
				if es.SpansSent != 150 || es.SpansDropped != 0 || es.Requests == 0 || es.Bytes == 0 {
					t.Errorf("exporter Stats = %+v", es)
				}
				s.mu.Lock()
				defer s.mu.Unlock()
				for _, h := range s.headers {
					checkHeaders(t, p, comp, h)
				}
			})
		}
	}
}

// checkHeaders checks what one request carried besides its body.
func checkHeaders(t *testing.T, p Protocol, comp string, h http.Header) {
	t.Helper()
	if h.Get("Api-Key") != "secret" || h.Get("X-Team") != "a b" {
		t.Errorf("the configured headers did not arrive: %v", h)
	}
	if ua := h.Get("User-Agent"); len(ua) < len(userAgent) || ua[:len(userAgent)] != userAgent {
		t.Errorf("User-Agent = %q; want it to start with %q", ua, userAgent)
	}
	if p == GRPC {
		enc := h.Get("Grpc-Encoding")
		if comp == "gzip" && enc != "gzip" || comp == "none" && enc != "" {
			t.Errorf("grpc-encoding = %q with compression %s", enc, comp)
		}
		return
	}
	if h.Get(":path") != "/v1/traces" || h.Get("Content-Type") != "application/x-protobuf" {
		t.Errorf("path %q, Content-Type %q", h.Get(":path"), h.Get("Content-Type"))
	}
	if enc := h.Get("Content-Encoding"); comp == "gzip" && enc != "gzip" || comp == "none" && enc != "" {
		t.Errorf("Content-Encoding = %q with compression %s", enc, comp)
	}
}

// TestRequestSplit checks that a batch larger than the maximum request is
// cut into several, each below it, and that a span no request could hold
// is dropped and counted.
func TestRequestSplit(t *testing.T) {
	var mu sync.Mutex
	var sizes []int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sizes = append(sizes, r.ContentLength)
		mu.Unlock()
	}))
	defer srv.Close()
	const maxReq = 4000
	exp, err := New(WithEndpoint(srv.URL), WithMaxRequestBytes(maxReq), withGetenv(envMap(nil)),
		WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	tr := trace.New(trace.WithExporter(exp), trace.WithLogger(slog.New(slog.DiscardHandler)))
	for i := range 100 {
		_, s := tr.Start(context.Background(), "span", trace.Tag("i", i))
		s.Finish()
	}
	_, huge := tr.Start(context.Background(), "huge", trace.Tag("blob", string(make([]byte, 2*maxReq))))
	huge.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := exp.Stats()
	if st.SpansSent != 100 || st.Dropped.TooLarge != 1 {
		t.Errorf("Stats = %+v; want 100 sent and the huge one dropped as too large", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) < 2 {
		t.Errorf("%d requests; want the spans cut into several", len(sizes))
	}
	for _, n := range sizes {
		if n > maxReq {
			t.Errorf("a request of %d bytes; the maximum is %d", n, maxReq)
		}
	}
}
