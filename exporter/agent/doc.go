// Package agent sends traces to a Datadog Agent, as dd-trace-go does: msgpack
// payloads in the Agent's v0.4 format, over HTTP or a Unix domain socket.
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
// sent as several chunks. Payloads wait in a queue bounded in bytes
// (WithQueueSize); a full queue drops and counts.
//
// Connection errors, 429 and 5xx answers are retried with exponential
// backoff (WithRetries); 400, 413 and other 4xx are not. Each request has a
// timeout (WithTimeout). Nothing of this reaches the application: its
// spans finish in microseconds whether the Agent is healthy, slow, down or
// answering garbage, memory stays within the queue's budget, and the
// logger reports each kind of trouble at most once per interval. Stats
// counts every span received, sent and dropped, by reason.
//
// # Sampling feedback
//
// The Agent answers each payload with sampling rates per service and
// environment. When the tracer's sampler is a trace.RateReceiver, trace.New
// connects it to the exporter and new traces follow those rates.
package agent
