package otlp_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/otlp"
)

func Example() {
	// A stand-in for an OpenTelemetry Collector's OTLP/HTTP receiver.
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Println(r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"))
	}))
	defer collector.Close()

	exp, err := otlp.New(
		otlp.WithEndpoint(collector.URL), // /v1/traces is added
		otlp.WithCompression("gzip"),
	)
	if err != nil {
		log.Fatal(err)
	}
	tr := trace.New(trace.WithService("checkout"), trace.WithEnv("prod"), trace.WithExporter(exp))

	_ = tr.Do(context.Background(), "http.request", func(ctx context.Context) error {
		_, span := tr.Start(ctx, "db.query", trace.Resource("SELECT 1"), trace.Tag("span.kind", "client"))
		span.Finish()
		return nil
	}, trace.Resource("GET /cart"), trace.Tag("span.kind", "server"))

	if err := tr.Shutdown(context.Background()); err != nil {
		log.Fatal(err)
	}
	st := exp.Stats()
	fmt.Println("sent", st.SpansSent, "dropped", st.SpansDropped)
	// Output:
	// POST /v1/traces application/x-protobuf gzip
	// sent 2 dropped 0
}
