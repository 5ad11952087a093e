package tracehttp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/tracehttp"
)

// A server wrapped by Handler and a client using Transport: the request
// carries the trace from one to the other.
func Example() {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithService("shop"))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		// r.Context() carries the server span: children join the trace.
		_ = tr.Do(r.Context(), "db.query", func(context.Context) error { return nil })
		io.WriteString(w, "an item")
	})
	srv := httptest.NewServer(tracehttp.Handler(mux, tracehttp.WithTracer(tr)))
	defer srv.Close()

	client := &http.Client{Transport: tracehttp.Transport(nil, tracehttp.WithTracer(tr))}
	resp, err := client.Get(srv.URL + "/items/7")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	_ = tr.Shutdown(context.Background())

	for _, spans := range exp.Traces() {
		for _, s := range spans {
			kind, _ := s.Tag("span.kind")
			fmt.Printf("%s %q %s\n", s.Name(), s.Resource(), kind)
		}
	}
	// Output:
	// http.request "http.request" client
	// http.request "GET /items/{id}" server
	// db.query "db.query"
}
