package otelcol

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ctxtrace/trace"
)

// The workload of TestRoundTrip: traces that use every field the mapping
// carries, over several services, with and without a remote parent.

// queryError is an error of a type of its own, so that error.type says
// something other than *errors.errorString.
type queryError struct{ table string }

func (e *queryError) Error() string { return "relation " + strconv.Quote(e.table) + " does not exist" }

// workload records traces on tr: roundTraces traces, one in dropEvery
// dropped by the user (it must not arrive), one in remoteEvery continuing a
// trace from W3C Trace Context headers and one in remoteEvery from Datadog
// headers with an origin and propagated tags.
func workload(tr *trace.Tracer, traces int) {
	for i := range traces {
		ctx := context.Background()
		switch {
		case i%remoteEvery == 1:
			ctx = tr.Extract(ctx, trace.HeaderCarrier(http.Header{
				"Traceparent": {fmt.Sprintf("00-4bf92f3577b34da6a3ce929d0e0e%04x-00f067aa0ba902b7-01", i)},
				"Tracestate":  {"dd=s:1;t.dm:-4,congo=t61rcWkgMzE"},
			}))
		case i%remoteEvery == 2:
			ctx = tr.Extract(ctx, trace.HeaderCarrier(http.Header{
				"X-Datadog-Trace-Id":          {strconv.Itoa(1000 + i)},
				"X-Datadog-Parent-Id":         {"987654321"},
				"X-Datadog-Sampling-Priority": {"2"},
				"X-Datadog-Origin":            {"synthetics"},
				"X-Datadog-Tags":              {"_dd.p.dm=-3,_dd.p.tid=640cfd8d00000000,_dd.p.usr.id=baz64"},
			}))
		}
		oneTrace(ctx, tr, i)
	}
}

const (
	remoteEvery = 5
	dropEvery   = 7
)

// oneTrace records one trace: a web root, a database child that fails, a
// producer with links, a consumer with an unknown kind below it, and span
// events of every attribute kind.
func oneTrace(ctx context.Context, tr *trace.Tracer, i int) {
	ctx, root := tr.Start(ctx, "web.request", trace.Resource("GET /posts/{id}"), trace.Type("web"),
		trace.Tag("span.kind", "server"))
	if i%dropEvery == dropEvery-1 {
		root.Drop()
	}
	root.SetTag("http.method", "GET")      // string
	root.SetTag("http.status_code", 200)   // int
	root.SetTag("sample.weight", 0.25)     // float
	root.SetTag("whole.float", 3.0)        // a float with no fraction
	root.SetTag("retries", -2)             // negative int
	root.SetTag("big", int64(1)<<60)       // beyond 2^53: kept as text
	root.SetTag("cache.hit", true)         // bool: text
	root.SetTag("user.name", "zoë ✓")      // UTF-8
	root.SetTag("empty", "")               // empty string
	root.SetTag("trace.index", i)          // tells traces apart
	root.SetTag("ids", []string{"a", "b"}) // ids.0, ids.1
	root.SetBaggageItem("tenant", "acme")  // baggage: not exported
	root.AddEvent(trace.Event{Name: "cache.miss", Attributes: map[string]any{
		"key": "posts:1", "attempt": 3, "ratio": 0.5, "stale": false,
		"shards": []int{1, 2}, "nodes": []string{"n1", "n2"}, "weights": []float64{0.5, 1.5}, "flags": []bool{true, false},
	}})

	dbCtx, db := tr.Start(ctx, "db.query", trace.Service("postgres"), trace.Resource("SELECT * FROM posts WHERE id = ?"),
		trace.Type("sql"), trace.Tag("span.kind", "CLIENT"), trace.Tag("db.rows", 0))
	_, conn := tr.Start(dbCtx, "db.connect", trace.Service("postgres"))
	conn.SetError(errors.New("connection reset")) // SetError, then finished normally
	conn.Finish()
	db.Finish(trace.WithError(&queryError{table: "posts"}))

	_, pub := tr.Start(ctx, "kafka.produce", trace.Service("kafka"), trace.Tag("span.kind", "producer"),
		trace.WithLinks(trace.Link{
			TraceID:    trace.TraceID{0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, byte(i)},
			SpanID:     0xbb00000000000000 | uint64(i+1),
			Attributes: map[string]string{"link.kind": "follows", "messaging.batch": "7"},
			Tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
			Flags:      1,
		}))
	pub.AddLink(trace.Link{TraceID: trace.TraceID{15: 9}, SpanID: 9}) // no attributes, no state
	pubCtx := pub.Context()
	pub.Finish()

	_, sub := tr.Start(context.Background(), "kafka.consume", trace.ChildOf(pubCtx), trace.Service("kafka"),
		trace.Tag("span.kind", "consumer"))
	_, odd := tr.Start(ctx, "odd.kind", trace.Tag("span.kind", "sideways")) // unknown: stays a tag
	odd.Finish()
	sub.Finish()
	root.Finish()
}
