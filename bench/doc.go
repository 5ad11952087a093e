// Package bench holds side-by-side benchmarks of github.com/ctxtrace/trace
// ("ours") against dd-trace-go v1 (gopkg.in/DataDog/dd-trace-go.v1, "ddtrace")
// and the OpenTelemetry Go SDK ("otel"). It is a nested module so that the
// peers never enter the root module's go.mod.
//
// # What is measured
//
// Every tracer runs the same workload and exports for real, off the caller's
// goroutine, the way it would in production:
//
//   - BenchmarkRootSpan3Tags/{ours,ddtrace,otel}: start a root span
//     "web.request" with resource "/posts", set three tags — a string
//     "http.method"="GET", an int "http.status_code"=200 and a float
//     "sample.weight"=0.25, read from package-level variables so no tracer
//     gets a constant folded into static data — and finish it.
//   - BenchmarkRootSpan3TagsParallel/...: the same from GOMAXPROCS goroutines
//     (testing.B.RunParallel).
//   - BenchmarkChildSpan/...: a root span is started before the loop and put
//     in a context; each iteration starts a child span "db.query" from that
//     context and finishes it. Every 10,000 children the root is finished and
//     a fresh one started, with the timer stopped: dd-trace-go keeps at most
//     100,000 spans per trace and silently drops the whole trace beyond that,
//     so an unbounded trace would stop being exported and measure something
//     else. The same rolling applies to every tracer.
//   - BenchmarkEncode/{ours,ddtrace}: encoding one recorded trace of 10 spans
//     with 5 tags each (3 strings, 2 numbers) into an Agent v0.4 payload,
//     through public APIs only: ours' agent.Exporter.Export (which only
//     encodes), dd-trace-go v2's msgp-generated Span.EncodeMsg and Msgsize
//     as its payload uses them. Reports spans/s and B/span.
//   - BenchmarkDelivered/{ours,ddtrace}: GOMAXPROCS goroutines start and
//     finish such traces as fast as they can, in bursts of 20,000 traces, the
//     tracer stopped (flushed) after each; the stand-in agent, in a child
//     process, counts the spans it receives. Reports spans/cpu-s (spans
//     delivered per second of this process's user+system CPU time) and
//     delivered% (delivered ÷ started); ns/op is suppressed.
//
// How each tracer exports:
//
//   - ddtrace: tracer.Start pointed at a stand-in Datadog Agent, an HTTP
//     server on 127.0.0.1 started by the test binary that reads every body,
//     counts the spans of trace payloads from their msgpack array headers and
//     answers /v0.4/traces and /v0.5/traces with {"rate_by_service":{}}. The
//     full encode-and-send path runs.
//   - otel: a TracerProvider with the batch span processor feeding an
//     exporter that counts and drops the spans. The resource "/posts" is the
//     start attribute "resource.name", the name Datadog's OpenTelemetry
//     mapping uses.
//   - ours: trace.New with the Datadog Agent exporter (exporter/agent, its
//     defaults) sending to the same stand-in agent, so both pay for encoding
//     and HTTP (oursExporter in ours_test.go).
//
// # How to run
//
//	./run                                   # from anywhere: bench/run
//	BENCH_COUNT=10 BENCH_TIME=100000x ./run # more samples, fixed op count
//	BENCH=ChildSpan ./run                   # one workload
//
// run executes all benchmarks in one go test process, keeps the raw output in
// bench.txt and prints medians per workload and tracer (cmd/benchtable): ns/op,
// B/op and allocs/op with how many times faster ours is than each peer, and
// the metrics that Encode and Delivered report with ours ÷ peer.
//
// go test ./... without -bench runs only quick sanity tests: that the
// stand-in agent (in process and in a child process) received dd-trace-go's
// and ours' traces and spans, that Encode encodes what dd-trace-go sends, and
// that the OpenTelemetry exporter received its spans.
package bench
