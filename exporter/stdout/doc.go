// Package stdout is a trace.Exporter for people: it prints every finished
// trace as a tree with durations and a small waterfall, or, with WithJSON,
// as one JSON object per span per line. Use it while developing and
// debugging; send production traces to the Datadog Agent instead.
//
// # Getting started
//
//	tr := trace.New(
//		trace.WithService("shop"),
//		trace.WithExporter(stdout.New(os.Stderr)), // nil means os.Stdout
//	)
//	defer tr.Shutdown(context.Background())
//
// A trace is printed when the tracer exports it: at its flush interval
// (trace.WithFlushInterval), on Tracer.Flush, and on Tracer.Shutdown.
// Several exporters can run side by side with trace.MultiExporter.
//
// # Reading the tree
//
// A request that read a cache and failed to charge a card prints:
//
//	trace 695735a5000000000000000000000001 · 3 spans · 32ms
//	http.request POST /checkout [shop]    32ms  ████████████████████████  http.status_code=502
//	├─ redis.get [redis]                250µs  █░░░░░░░░░░░░░░░░░░░░░░░  cache.hit=false
//	└─ ✗ payment.charge [payments]        30ms  ░██████████████████████░  amount=42.5
//	      ERROR *errors.errorString: card declined
//
// The header gives the 128-bit trace id, the number of spans and the time
// from the first start to the last end. It adds the trace's origin when it
// has one, "(partial)" for a chunk of a trace that was still running (see
// trace.WithPartialFlush; the rest follows in later chunks), and
// "(sampled out)" when the sampler decided not to keep the trace, which a
// Datadog Agent would then not store.
//
// Then one line per span: children under their parent, siblings in the
// order they started (then by span id). A span whose parent is not in the
// chunk, such as the first span after a remote parent or the spans of a
// partial chunk, starts a tree of its own. Each line shows:
//
//   - the name, then the resource when it differs from the name, on one
//     line and cut to 60 characters (the JSON lines carry it whole);
//   - the service in brackets, on the spans at the top and wherever it
//     differs from the parent's;
//   - the duration, to about four significant digits: 850ns, 12µs,
//     1.234ms, 2.5s, 1m30.5s;
//   - a bar of DefaultBarWidth cells (WithBarWidth) placing the span within
//     the trace's time: where it starts and how long it lasts, in
//     proportion; a span too short to fill a cell still gets one;
//   - its tags as key=value, sorted by key. Numbers are written without
//     exponent when they are whole (1500000, not 1.5e+06); a value is
//     quoted as a Go string when it is empty or holds spaces, quotes, "="
//     or unprintable characters, and cut to 80 characters with "…".
//     The tracer's internal tags (those starting with "_dd.") are left
//     out, and so is a tag whose value is the same as on the parent span
//     (env and version show once per trace, not on every line); the JSON
//     lines keep them all.
//
// A span marked as an error has ✗ before its name and, under it, a line
// "ERROR type: message" built from its error.type and error.message tags
// (which are then not repeated among the tags), and the innermost frame of
// error.stack; WithStacks(true) prints the whole stack.
//
// # JSON lines
//
// With WithJSON, each span is one line holding one object, with these
// fields in this order, always present unless said otherwise:
//
//	trace_id     string  32 lowercase hex digits
//	span_id      string  16 lowercase hex digits
//	parent_id    string  16 lowercase hex digits; left out when the span has no parent
//	name         string
//	service      string
//	resource     string
//	type         string  "" when unset
//	start        string  RFC 3339 in UTC with nine fractional digits: 2026-01-02T03:04:05.000200000Z
//	duration_ns  number  nanoseconds
//	error        bool
//	partial      bool    whether the span came in a partial chunk
//	meta         object  every text tag, internal ones included; {} when none
//	metrics      object  every numeric tag; {} when none
//
// Keys of meta and metrics are sorted. JSON has no NaN or infinity, so
// such metrics are written as the strings "NaN", "+Inf" and "-Inf" instead
// of failing the line or losing the value. The lines of a trace follow the
// order of the tree.
//
// # Colour
//
// By default the tree is coloured when the writer is an *os.File that is a
// character device, which is how a terminal looks, and the environment
// variable NO_COLOR is unset or empty (see https://no-color.org). WithColor
// decides instead. Colour only adds escape codes around the text: errors in
// red, bars in cyan, services and tag keys dimmed. JSON lines are never
// coloured.
//
// # Writes, errors and shutdown
//
// Output is deterministic: it depends only on the spans, never on the
// clock or on the order of a map. Each trace is rendered into a buffer and
// written with one Write call; writes from concurrent calls never
// interleave. A failed or short write ends the Export with the writer's
// error, wrapped (errors.Is finds it), and the tracer counts the batch as
// dropped. Export returns ctx.Err() without writing when its context is
// done, and ErrShutdown after Shutdown. Shutdown waits, within its
// context's deadline, for a write in progress to finish; it never closes
// the writer.
package stdout
