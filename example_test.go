package trace_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/exporter/stdout"
)

// Do wraps a piece of work in a span: the span is the parent of everything
// the function starts with its context, and the function's error is
// recorded on it.
func ExampleDo() {
	exp := memory.New()
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(exp))
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)

	errOutOfStock := errors.New("out of stock")
	err := trace.Do(context.Background(), "order.place", func(ctx context.Context) error {
		return trace.Do(ctx, "inventory.reserve", func(ctx context.Context) error {
			return errOutOfStock
		}, trace.Tag("sku", "tea-42"))
	}, trace.Resource("POST /orders"))
	fmt.Println("Do returned:", err)

	tr.Shutdown(context.Background())
	for _, s := range exp.Spans() {
		msg, _ := s.Tag("error.message")
		fmt.Printf("%s (resource %q) error=%t message=%q\n", s.Name(), s.Resource(), s.IsError(), msg)
	}
	// Output:
	// Do returned: out of stock
	// inventory.reserve (resource "inventory.reserve") error=true message="out of stock"
	// order.place (resource "POST /orders") error=true message="out of stock"
}

// Start and Finish are for code that cannot be wrapped in a closure. The
// returned context carries the span to the work below it.
func ExampleStart() {
	exp := memory.New()
	tr := trace.New(trace.WithService("web"), trace.WithExporter(exp))
	defer tr.Shutdown(context.Background())

	ctx, span := tr.Start(context.Background(), "web.request", trace.Resource("GET /posts"), trace.Type("web"))
	span.SetTag("http.method", "GET")
	span.SetTag("http.status_code", 200)

	_, query := trace.Start(ctx, "db.query", trace.Resource("SELECT * FROM posts"), trace.Type("sql"))
	query.Finish()
	span.Finish()

	tr.Flush(context.Background())
	root, _ := exp.Find("web.request")
	child, _ := exp.Find("db.query")
	fmt.Println("child of the request:", child.ParentID() == root.SpanID())
	fmt.Println("same trace:", child.TraceID() == root.TraceID())
	for k, v := range root.Tags() {
		kind := "string"
		if v.IsNumber() {
			kind = "number"
		}
		fmt.Printf("%s=%v (%s)\n", k, v, kind)
	}
	// Output:
	// child of the request: true
	// same trace: true
	// http.method=GET (string)
	// http.status_code=200 (number)
}

// The stdout exporter prints each trace as a tree with timings, for a
// person reading a terminal. Fixed times and ids make this output
// deterministic; real spans take theirs from the clock.
func Example_stdout() {
	tr := trace.New(
		trace.WithService("shop"),
		trace.WithExporter(stdout.New(os.Stdout, stdout.WithColor(false))),
	)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ctx, root := tr.Start(context.Background(), "checkout", trace.Resource("POST /checkout"),
		trace.StartTime(t0), trace.WithSpanID(1))
	_, pay := tr.Start(ctx, "payment.charge", trace.StartTime(t0.Add(2*time.Millisecond)), trace.WithSpanID(2))
	pay.SetTag("amount", 12.5)
	pay.Finish(trace.FinishTime(t0.Add(6*time.Millisecond)), trace.WithError(errors.New("card declined")), trace.StackDepth(0, 0))
	root.Finish(trace.FinishTime(t0.Add(8 * time.Millisecond)))

	tr.Shutdown(context.Background()) // flushes: the exporter prints
	// Output:
	// trace 6b094690000000000000000000000001 · 2 spans · 8ms
	// checkout POST /checkout [shop]  8ms  ████████████████████████
	// └─ ✗ payment.charge             4ms  ░░░░░░████████████░░░░░░  amount=12.5
	//       ERROR *errors.errorString: card declined
}

// The memory exporter keeps spans for tests; WaitForSpans waits for them
// to arrive.
func Example_memory() {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(10*time.Millisecond))
	defer tr.Shutdown(context.Background())

	go func() {
		_ = tr.Do(context.Background(), "job.run", func(context.Context) error { return nil })
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	spans, err := exp.WaitForSpans(ctx, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(spans), spans[0].Name())
	// Output: 1 job.run
}

// Stats counts every span: started, exported, and dropped by reason.
func ExampleTracer_Stats() {
	tr := trace.New(trace.WithExporter(trace.Discard))
	for range 3 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	tr.Shutdown(context.Background())
	st := tr.Stats()
	fmt.Printf("started %d, exported %d, dropped %d\n", st.SpansStarted, st.SpansExported, st.Dropped.Total())
	// Output: started 3, exported 3, dropped 0
}
