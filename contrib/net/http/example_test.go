package http_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"

	httptrace "github.com/ctxtrace/trace/contrib/net/http"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
)

// A traced ServeMux: every request it serves gets a span whose resource is
// "METHOD pattern". Outgoing requests through a wrapped client carry the
// trace to the next service. (A program calls tracer.Start; this example
// records the spans with mocktracer to show them.)
func Example() {
	mt := mocktracer.Start()
	defer mt.Stop()

	mux := httptrace.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "item %s", r.PathValue("id"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	client := httptrace.WrapClient(&http.Client{})
	resp, err := client.Get(srv.URL + "/items/42")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	srv.Close() // waits for the server's span to finish
	var spans []string
	for _, s := range mt.FinishedSpans() {
		spans = append(spans, fmt.Sprint(s.Tag(ext.SpanKind), " ", s.Tag(ext.ResourceName)))
	}
	sort.Strings(spans)
	fmt.Println(strings.Join(spans, "\n"))
	// Output:
	// 200 item 42
	// client http.request
	// server GET /items/{id}
}

// WrapHandler traces one handler, with the service and resource given.
func ExampleWrapHandler() {
	h := httptrace.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "pong")
	}), "api", "GET /ping")
	http.Handle("/ping", h)
}
