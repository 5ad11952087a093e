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
// # Client-side statistics
//
// By default every chunk is sent, kept or sampled out, and the Agent
// computes Datadog's trace metrics (hits, errors and latency
// distributions) from all of them. With WithStatsComputation, or
// DD_TRACE_STATS_COMPUTATION_ENABLED=true, and an Agent whose /info
// serves /v0.6/stats and allows client_drop_p0s, the exporter computes
// them itself, in Export, as dd-trace-go does in the tracer: over every
// chunk before sampling decides what is sent; for top-level spans,
// measured spans and spans of kind server, client, producer or consumer;
// grouped by service, operation, resource, type, HTTP and gRPC status,
// span kind, peer tags (from /info's peer_tags, IP addresses quantized)
// and whether the span is the trace's root; in 10-second buckets with
// DDSketch latency distributions (1% relative accuracy). It sends them
// to /v0.6/stats every 10 seconds, and every bucket on Flush and at
// Shutdown. Then the chunks sampling dropped are not encoded at all,
// except chunks with an error span or an App Analytics span, and the
// spans single span sampling keeps; trace payloads say so
// (Datadog-Client-Computed-Stats, Datadog-Client-Dropped-P0-Traces and
// -Spans). Stats.ClientStats and Stats.Dropped.SampledOut count the work;
// the tracer's own Stats count the spans left out as exported, since the
// Agent asked for exactly that, and do not warn about them.
// Memory: at most WithStatsMaxGroups groups per bucket, a few buckets,
// 2048 bins per sketch, all taken from the tracer's memory budget; what
// does not fit is counted, never waited for.
//
// Where this departs from dd-trace-go v1.74.8, on purpose: the option is
// off unless asked for (dd-trace-go's default is on: this SDK's design
// sends every trace unless the user opts into dropping); dd-trace-go
// claims computed statistics to an Agent that serves /v0.6/stats without
// allowing client_drop_p0s and then computes none, where this exporter
// leaves them to the Agent; an Agent that answers /v0.6/stats with a 4xx
// switches them off for good, so that the Agent counts every trace
// again; resources are not obfuscated here (the Agent obfuscates them
// when no Datadog-Obfuscation-Version header says it was done); a chunk
// is judged alone (dd-trace-go keeps the rest of a trace after an error
// span, across partial flushes); a chunk without a sampling priority is
// sent; env, version and host name come from the chunk's tags, as the
// Agent reads them, and the payload carries the tracer's service,
// runtime id and a sequence number, which dd-trace-go leaves empty.
//
// # Sampling feedback
//
// The Agent answers each payload with sampling rates per service and
// environment. When the tracer's sampler follows them (it has a
// ReceiveRates method, as sampling.AgentRates does), trace.New
// connects it to the exporter and new traces follow those rates.
package agent
