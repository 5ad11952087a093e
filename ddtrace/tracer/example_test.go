package tracer_test

import (
	"net/http"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// The first snippet of Datadog's manual instrumentation page, with only
// its import path changed.
func Example() {
	// Start the tracer with zero or more options.
	tracer.Start(tracer.WithServiceName("<SERVICE_NAME>"))
	defer tracer.Stop()

	// Create a span for a web request at the /posts URL.
	span := tracer.StartSpan("web.request", tracer.ResourceName("/posts"))
	defer span.Finish()

	// Set metadata.
	span.SetTag("<TAG_KEY>", "<TAG_VALUE>")
}

// Continuing a trace in a server: the context extracted from the request
// is the parent of the server's span.
func ExampleExtract() {
	handler := func(w http.ResponseWriter, r *http.Request) {
		sctx, err := tracer.Extract(tracer.HTTPHeadersCarrier(r.Header))
		if err != nil {
			// no incoming trace: the span below starts one
		}
		span := tracer.StartSpan("post.filter", tracer.ChildOf(sctx))
		defer span.Finish()
	}
	_ = handler
}

// Distributed tracing, the client side: the second snippet of Datadog's
// page, with only its import path changed.
func ExampleInject() {
	handler := func(w http.ResponseWriter, r *http.Request) {
		span, ctx := tracer.StartSpanFromContext(r.Context(), "post.process")
		defer span.Finish()

		req, err := http.NewRequest("GET", "http://example.com", nil)
		req = req.WithContext(ctx)
		// Inject the span context into the request headers
		err = tracer.Inject(span.Context(), tracer.HTTPHeadersCarrier(req.Header))
		if err != nil {
			// Handle or log the injection error
		}
		http.DefaultClient.Do(req)
	}
	_ = handler
}
