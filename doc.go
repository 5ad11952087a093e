// Package trace records what a Go program does as traces of timed spans and
// sends them to Datadog, to a terminal, or anywhere an Exporter goes.
//
// The active span travels in a context.Context and nowhere else. Every call
// that starts a span takes a context and returns one, so a trace follows
// the program's own call graph, across goroutines and, with propagation,
// across services.
//
// # Getting started
//
// Make a Tracer, make it the default, and shut it down before exiting:
//
//	tr := trace.New(
//		trace.WithService("checkout"),
//		trace.WithEnv("prod"),
//		trace.WithExporter(agent.New()), // or stdout.New(os.Stderr), memory.New(), your own
//	)
//	trace.SetDefault(tr)
//	defer tr.Shutdown(context.Background())
//
// Until SetDefault is called, Default returns a no-op tracer: library code
// may call Start and Do freely, and pays almost nothing when the program
// does not trace.
//
// # Spans as closures: Do
//
// The easy path wraps a piece of work in a function. Do starts a span, runs
// the function with a context that carries it, records the returned error,
// records and re-raises a panic, and always finishes the span:
//
//	err := trace.Do(ctx, "db.query", func(ctx context.Context) error {
//		return db.QueryRowContext(ctx, q).Scan(&n)
//	}, trace.Resource(q), trace.Type("sql"))
//
// # Spans by hand: Start and Finish
//
// Code that cannot be wrapped starts a span and finishes it itself:
//
//	ctx, span := trace.Start(ctx, "web.request", trace.Resource("GET /posts"))
//	defer span.Finish()
//	span.SetTag("http.method", "GET")
//
// A span's parent is the span in the context, unless ChildOf names another.
// The package-level Start and Do use the tracer of the span in the context
// when there is one, and Default otherwise, so a library joins its caller's
// trace without being handed a tracer.
//
// # Tags and errors
//
// Span.SetTag stores strings as text and numbers as numbers, as Datadog
// expects (see its doc for the details); some keys, such as
// "resource.name" or "error", have a meaning of their own. Span.SetError
// records an error's message, type and stack; Finish(WithError(err)) does
// the same as the span ends.
//
// A *Span is mutable while it is live and safe for concurrent use. Finish
// freezes it: later calls change nothing, and a nil *Span accepts every
// call and does nothing, so code never needs to check.
//
// # Snapshots, chunks and exporters
//
// Finishing a span produces a Snapshot, an immutable record read through
// accessors. Snapshots of one trace are grouped into a Chunk, handed on when
// every local span of the trace has finished (or earlier, in partial chunks,
// when a long trace has accumulated WithPartialFlush spans, or when its
// finished spans have waited five flush intervals for a root that does not
// finish). Chunks wait in a queue until a background goroutine hands a
// batch to the Exporter, every WithFlushInterval or sooner when the batch
// grows past a megabyte.
//
// # Memory and drops
//
// Everything a tracer holds for export counts against one MemoryBudget
// (WithMemoryBudget, 32 MiB by default): finished spans by the bytes they
// keep alive (their strings, tags, baggage, links and errors; a value cut to
// its limit is copied, so it stops keeping its original), spans of traces
// still running, and what the exporter holds between calls, such as the
// Datadog Agent exporter's payloads waiting to be sent or retried. A span
// that finishes when the budget is full is dropped and counted: the newest
// are refused, whatever the destination does.
//
// Nothing on the application's path waits for an exporter, yields or
// sleeps. With an exporter that never blocks (NonBlockingExporter), a
// goroutine that finishes a span may export a batch of its part of the
// queue itself, instead of waiting for the batcher to get the CPU: the
// queue keeps up with any number of busy goroutines. Tracer.Stats says how
// many spans were started, finished, exported (accepted by the destination,
// when the exporter says: ExportReporter), and dropped for which reason;
// the tracer's logger says so too, at most once per interval.
// Tracer.Shutdown exports what is queued within its context's deadline.
//
// The exporters live in their own packages: exporter/agent sends to a
// Datadog Agent, exporter/stdout prints traces for a person to read, and
// exporter/memory keeps them for tests. Any type with Export and Shutdown
// methods is an Exporter; Discard and MultiExporter help compose them.
//
// # Writing an exporter
//
// The pipeline calls Export off the application's path, with a context that
// ends after ten seconds or when Tracer.Shutdown gives up; Export should
// return when it ends. Calls come from one goroutine at a time, unless
// the exporter is a NonBlockingExporter: its Export never waits, so
// goroutines that finish spans may call it themselves, several at once.
// Either way the chunks of one trace arrive in order, from one call at a
// time; chunks of different traces in no set order. A long trace may come
// as several chunks, all but the last Partial, and a chunk need not hold
// its trace's root.
//
// Export may keep the Chunks and Snapshots it is given, and share them
// between goroutines: they are immutable. It must not keep the batch
// slice, which the pipeline clears and reuses once Export returns. A
// returned error counts the whole batch as dropped (Stats.Dropped); the
// pipeline never retries, so an exporter that retries does it itself, and
// one that delivered part of a batch returns nil and reports the rest as
// dropped through ExportReporter. The pipeline recovers a panic in Export
// or Shutdown and counts it as an error, but an exporter should not rely
// on that: a panic on a goroutine of its own ends the program.
//
// Shutdown is called once, after the last Export has returned, with the
// context given to Tracer.Shutdown. That context may be done already, when
// Tracer.Shutdown stopped waiting for a slow export: Shutdown must then
// return promptly. Otherwise it delivers what the exporter holds, within the
// context's deadline. Export after Shutdown returns an error, and a second
// Shutdown does no harm. An exporter that buffers implements Flusher,
// called by Tracer.Flush, maybe while Export runs.
//
// An exporter that holds memory between calls (payloads built, waiting to
// be sent or retried) is a BudgetUser: New hands it the tracer's
// MemoryBudget before the first Export, and it takes what it holds with
// TryAcquire and gives it back with Release, dropping and counting what
// does not fit rather than waiting. One that delivers after Export has
// returned is an ExportReporter, so that Stats count as exported what
// reached the destination, not what Export accepted.
//
// A Snapshot shares the finished span's storage, so keeping one keeps the
// span, its strings and tags alive; the pipeline stops counting a chunk
// against the budget once Export returns, so an exporter that keeps
// snapshots for long counts them itself, or keeps what it needs of them.
// Reading a Snapshot's fields allocates nothing: they are accessors, and
// NumTags and TagAt walk the tags in order without the closure that Tags
// builds. A tag's Value is text or a number (IsNumber): send
// numbers as numbers, as Datadog's metrics. Chunk.NumTags and Chunk.TagAt
// do the same for the trace's propagated tags. A destination with 64-bit
// trace ids takes TraceID.Lower and carries Upper in the tag _dd.p.tid, as
// exporter/agent does.
//
// Package exporter/exportertest checks an exporter against this contract,
// as testing/slogtest checks a log/slog handler:
//
//	func TestConformance(t *testing.T) {
//		exportertest.Run(t, func(t *testing.T) (trace.Exporter, func() []exportertest.Span) {
//			dest := newFakeDestination(t)
//			return myexporter.New(dest.URL()), dest.Spans
//		})
//	}
//
// # Distributed tracing
//
// A trace crosses services in request headers. Inject writes the context
// of the span in a context.Context into a carrier; Extract reads one back
// and returns a context that makes it the parent of the next span:
//
//	// client
//	trace.Inject(ctx, trace.HeaderCarrier(req.Header))
//
//	// server
//	ctx := trace.Extract(r.Context(), trace.HeaderCarrier(r.Header))
//	ctx, span := trace.Start(ctx, "web.request")
//
// The formats, or styles, are Datadog's x-datadog-* headers, W3C Trace
// Context (Level 2), W3C Baggage and B3 (multiple headers or single),
// combined with dd-trace-go's rules: by default datadog, tracecontext and
// baggage, both ways, or as DD_TRACE_PROPAGATION_STYLE and its relatives
// say (PropagatorFromEnv, NewPropagator, WithPropagator). When several
// styles are present, the first valid one wins; a W3C traceparent of the
// same trace adds its tracestate, one of another trace becomes a span
// link. Malformed headers return ErrSpanContextCorrupted and never hide a
// valid header of another style.
//
// Baggage set on a span with SetBaggageItem travels to its children and,
// through propagation, to other services.
//
// # Sampling
//
// A Sampler decides once per trace, at its local root, whether the trace is
// kept; the decision travels with the trace's SpanContext to children and
// to other services. The default, KeepAll, keeps everything. Span.Keep and
// Span.Drop (or the tags "manual.keep" and "manual.drop") override it.
//
// # Logs, net/http and the Go execution tracer
//
// LogHandler wraps a log/slog handler so that records logged with a span's
// context carry dd.trace_id and dd.span_id, which join them to the trace in
// Datadog. Package tracehttp traces net/http servers (Handler) and clients
// (Transport). While the Go execution tracer runs (runtime/trace.Start,
// or a test's -trace flag), every span is also a runtime/trace task,
// nested like the spans, so `go tool trace` shows them; when it is off
// this costs one atomic load per span.
//
// # Performance considerations
//
// Starting and finishing a span with a few tags costs one allocation for
// the span, plus one per tag value whose conversion to an interface
// allocates (strings and floats held in variables; small integers and
// constants do not). The context that Start returns lives inside the span,
// so Start costs no context.WithValue allocation; the first five tags live
// inside the span too. Options are plain values, applied without
// allocating. The trace's in-process assembly takes a lock per trace, and
// the export queue is sharded, so goroutines tracing different requests do
// not contend. The no-op tracer allocates nothing.
//
// The benchmarks beside the code (go test -bench .) measure each of these;
// the nested module bench/ compares them with dd-trace-go and OpenTelemetry
// on the same workloads.
package trace
