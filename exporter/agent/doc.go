// Package agent sends traces to a Datadog Agent, as dd-trace-go does: msgpack
// payloads over HTTP or a Unix domain socket, in the Agent's v0.4 format, or
// in v0.5 (a string table, then the spans as arrays of indexes: the same
// spans in about a third of the bytes) once the Agent's /info offers it
// (WithProtocol).
//
//	tr := trace.New(
//		trace.WithService("checkout"),
//		trace.WithExporter(agent.New()), // address from DD_TRACE_AGENT_URL, DD_AGENT_HOST...
//	)
//
// # What goes on the wire
//
// Each span carries its tags (text in meta, numbers in metrics) and what
// dd-trace-go adds, so that the Agent and the Datadog backend treat both
// alike: language:go, runtime-id, process_id and the sampling priority
// (_sampling_priority_v1) on every span, _dd.top_level on
// service entry spans, _dd.base_service on spans of another service than
// the tracer's, and the trace-level tags (_dd.p.dm, _dd.p.tid...) on the
// first span of each trace in a payload. Baggage is never sent.
//
// # Flushing, limits and failures
//
// Export only encodes: chunks go into the payload being built, which is
// handed to a small pool of senders (WithConcurrency) every flush interval,
// or as soon as it passes the flush size (4 MiB), and never reaches the
// Agent's body limit (WithMaxPayload): a trace too large for one payload is
// sent as several chunks. Payloads are built in 64 KiB blocks taken from
// the tracer's memory budget (trace.MemoryBudget), and hold them until the
// Agent takes them or they are dropped: when the budget has no room, spans
// are dropped and counted. Several goroutines may encode at once, each
// into a payload of its own (trace.NonBlockingExporter).
//
// Connection errors, 429 and 5xx answers are retried with exponential
// backoff (WithRetries), or after the Agent's Retry-After (at most
// MaxRetryAfter); 400, 413 and other 4xx are not. Each request has a
// timeout (WithTimeout). Nothing of this reaches the application: its
// spans finish in microseconds whether the Agent is healthy, slow, down or
// answering garbage, memory stays within the budget, and the
// logger reports each kind of trouble at most once per interval. Stats
// counts every span received, sent and dropped, by reason.
//
// # Sampling feedback
//
// The Agent answers each payload with sampling rates per service and
// environment. When the tracer's sampler follows them (it has a
// ReceiveRates method, as sampling.AgentRates does), trace.New
// connects it to the exporter and new traces follow those rates.
package agent
