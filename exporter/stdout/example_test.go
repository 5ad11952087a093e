package stdout_test

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/stdout"
)

// checkout records one request: a cache lookup, and a payment call that
// fails. The fixed times and span ids make the output the same on every
// run; real code leaves them out.
func checkout(tr *trace.Tracer) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ctx, req := tr.Start(context.Background(), "http.request",
		trace.Resource("POST /checkout"), trace.StartTime(t0), trace.WithSpanID(1),
		trace.Tag("http.status_code", 502))

	_, cache := tr.Start(ctx, "redis.get", trace.Service("redis"),
		trace.StartTime(t0.Add(100*time.Microsecond)), trace.WithSpanID(2),
		trace.Tag("cache.hit", false))
	cache.Finish(trace.FinishTime(t0.Add(350 * time.Microsecond)))

	_, pay := tr.Start(ctx, "payment.charge", trace.Service("payments"),
		trace.StartTime(t0.Add(time.Millisecond)), trace.WithSpanID(3),
		trace.Tag("amount", 42.5))
	pay.Finish(trace.FinishTime(t0.Add(31*time.Millisecond)),
		trace.WithError(errors.New("card declined")), trace.StackDepth(0, 0))

	req.Finish(trace.FinishTime(t0.Add(32 * time.Millisecond)))
}

func ExampleNew() {
	exp := stdout.New(os.Stdout, stdout.WithColor(false))
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(exp))

	checkout(tr)

	// Shutdown exports what is queued: the tree is printed now.
	tr.Shutdown(context.Background())

	// Output:
	// trace 695735a5000000000000000000000001 · 3 spans · 32ms
	// http.request POST /checkout [shop]    32ms  ████████████████████████  http.status_code=502
	// ├─ redis.get [redis]                250µs  █░░░░░░░░░░░░░░░░░░░░░░░  cache.hit=false
	// └─ ✗ payment.charge [payments]        30ms  ░██████████████████████░  amount=42.5
	//       ERROR *errors.errorString: card declined
}

func ExampleWithJSON() {
	exp := stdout.New(os.Stdout, stdout.WithJSON())
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(exp))

	checkout(tr)
	tr.Shutdown(context.Background())

	// Output:
	// {"trace_id":"695735a5000000000000000000000001","span_id":"0000000000000001","name":"http.request","service":"shop","resource":"POST /checkout","type":"","start":"2026-01-02T03:04:05.000000000Z","duration_ns":32000000,"error":false,"partial":false,"meta":{},"metrics":{"http.status_code":502}}
	// {"trace_id":"695735a5000000000000000000000001","span_id":"0000000000000002","parent_id":"0000000000000001","name":"redis.get","service":"redis","resource":"redis.get","type":"","start":"2026-01-02T03:04:05.000100000Z","duration_ns":250000,"error":false,"partial":false,"meta":{"cache.hit":"false"},"metrics":{}}
	// {"trace_id":"695735a5000000000000000000000001","span_id":"0000000000000003","parent_id":"0000000000000001","name":"payment.charge","service":"payments","resource":"payment.charge","type":"","start":"2026-01-02T03:04:05.001000000Z","duration_ns":30000000,"error":true,"partial":false,"meta":{"error.message":"card declined","error.type":"*errors.errorString"},"metrics":{"amount":42.5}}
}
