// Package otlp sends traces over OTLP, OpenTelemetry's protocol, to an
// OpenTelemetry Collector, a Datadog Agent's OTLP intake, or any other
// destination that speaks it: protobuf over HTTP (the default) or gRPC.
//
//	exp, err := otlp.New(otlp.WithEndpoint("http://collector:4318"))
//	if err != nil {
//		return err
//	}
//	tr := trace.New(trace.WithService("checkout"), trace.WithExporter(exp))
//	defer tr.Shutdown(context.Background())
//
// Or, with no code but an import, from the environment as OpenTelemetry's
// SDKs are configured: a program that links this package in (import _
// "github.com/ctxtrace/trace/exporter/otlp") and starts its tracer with
// trace.WithExporterFromEnv, as ddtrace/tracer.Start does, exports over
// OTLP when OTEL_TRACES_EXPORTER=otlp.
//
// # Configuration
//
// Each setting comes from its option, or else from the traces-specific
// variable, or else from the generic one, or else from the default. A
// variable whose value cannot be used is logged once, when New reads it,
// and the next one down is used; it never stops the program.
//
//	option               variable (TRACES_ form first)                default
//	WithTracesEndpoint   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (as is)
//	WithEndpoint         OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces)   http://localhost:4318/v1/traces, gRPC localhost:4317
//	WithProtocol         OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL         http/protobuf (or grpc)
//	WithHeaders          OTEL_EXPORTER_OTLP_[TRACES_]HEADERS          none (k=v,k2=v2, percent-encoded)
//	WithCompression      OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION      none (or gzip)
//	WithTimeout          OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT          10s (the variable in milliseconds)
//	WithInsecure         OTEL_EXPORTER_OTLP_[TRACES_]INSECURE         false: TLS for gRPC "host:port"
//	WithResourceAttributes  OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME  none
//
// The traces endpoint is used as it is (a URL without a path posts to
// "/"); to the generic one, over HTTP, the signal's path /v1/traces is
// added. Over gRPC an endpoint is "host:port", or a URL whose scheme says
// whether TLS is used. OTEL_RESOURCE_ATTRIBUTES with a malformed member is
// discarded whole, as the specification asks; OTEL_EXPORTER_OTLP_HEADERS
// loses only its malformed members. The certificate variables
// (OTEL_EXPORTER_OTLP_CERTIFICATE and its kin) are not read: give TLS
// settings with WithHTTPClient or WithGRPCDialOptions.
//
// # Mapping
//
// A Datadog-shaped span becomes an OTLP span as follows, so that an
// OpenTelemetry backend reads it as its own, and a Datadog Agent's OTLP
// intake turns it back into the same Datadog span:
//
//	span                          OTLP
//	Service, tag env, tag version Resource: service.name, deployment.environment.name,
//	                              service.version (one ResourceSpans per combination);
//	                              the tags themselves are not repeated on the span
//	(this SDK)                    Resource: telemetry.sdk.name "ctxtrace",
//	                              telemetry.sdk.language "go", telemetry.sdk.version;
//	                              scope "github.com/ctxtrace/trace" and its version
//	(user's resource attributes)  Resource, after the above, which they do not replace
//	TraceID (128 bits)            trace_id
//	SpanID, ParentID              span_id, parent_span_id (none for a root)
//	Name                          name, and the attribute operation.name
//	Resource                      attribute resource.name
//	Type                          attribute span.type (when not empty)
//	tag span.kind                 kind: server, client, producer, consumer, internal
//	                              (any case); without it, or another value: INTERNAL,
//	                              and the tag stays an attribute
//	Start, End                    start_time_unix_nano, end_time_unix_nano
//	text tags                     string attributes (bools are text "true"/"false",
//	                              as the tracer stores them)
//	numeric tags                  int attributes when whole and below 2^53, double
//	                              attributes otherwise
//	IsError, tag error.message    status ERROR with the message; otherwise no status (UNSET)
//	error.type/.message/.stack    also an "exception" event at the span's end, with
//	                              exception.type, .message, .stacktrace (the tags stay)
//	events                        events: name, time, typed attributes (sorted by key)
//	links                         links: ids, trace_state, flags (the W3C byte),
//	                              attributes; span pointers with their zero ids
//	chunk priority                flags: W3C sampled bit when the priority keeps the
//	                              trace (or none was decided); bits 8-9 say whether
//	                              the parent is remote (a local root with a parent)
//	first span of a chunk         attributes _dd.p.* (propagated trace tags),
//	  in each resource            _dd.p.tid (upper trace id half), _sampling_priority_v1
//	local root                    attribute _dd.origin, when the trace has one
//	span of another service       attribute _dd.base_service (the tracer's service)
//
// Not carried: baggage (never exported, as with the Agent exporter); the
// span's own W3C tracestate, which the tracer does not expose to
// exporters (trace_state is left empty); dropped-attribute counts (the
// tracer counts what it drops in its Stats). A span with no type arrives
// at a Datadog Agent with the type the Agent derives from its kind.
//
// # At a Datadog Agent
//
// The nested module agentcheck runs the Agent's own OTLP intake (v0.85.4)
// on what this package sends and checks every field and tag of the
// Datadog spans it makes against the tracer's. They match, but for what
// the Agent adds of its own (otel.trace_id, otel.status_code,
// otel.scope.*, span.kind, the resource's attributes, error.msg beside
// error.message, events and _dd.span_links as JSON) and for these: a
// span without a type gets the one the Agent derives from its kind; the
// Agent normalizes operation names to lower case, where its v0.4 intake
// keeps their case; each ResourceSpans becomes a chunk of its own, so a
// trace through several services arrives as a chunk per service, each
// with the trace's priority; and since the priority is sent, the Agent
// records its decision maker as manual (_dd.p.dm -4).
//
// # Sampling
//
// Traces the sampler rejected (priority 0 or less) are not sent, as an
// OpenTelemetry SDK exports only sampled spans; they are counted in
// Stats.Dropped.Unsampled, and the tracer counts them as dropped by the
// exporter. WithSendUnsampled sends them too, with the sampled flag off,
// for a Datadog Agent, which computes its statistics from every trace.
//
// # Delivery, limits and failures
//
// Export encodes chunks into requests (one or more per batch, each below
// WithMaxRequestBytes), gzips them when compression is on over HTTP, and
// queues them; senders of its own (WithConcurrency) post them. Export
// never waits for the network, and several goroutines may call it at once
// (trace.NonBlockingExporter). Requests waiting and in flight count
// against the tracer's memory budget (trace.BudgetUser), compressed ones
// by their compressed size; when it has no room, spans are dropped and
// counted. A sender that finds several requests waiting sends them as one,
// up to WithMaxRequestBytes: in a burst, requests grow with the backlog,
// and fewer round trips drain it (BenchmarkOTLPDelivered, where a burst
// of 200,000 spans over HTTP arrives whole with the default settings).
// Over HTTP, compressed requests are not joined, since not every server
// reads a body of several gzip members; over gRPC, which compresses each
// request as it sends it, requests are joined either way. A burst over
// gRPC also drains at the pace the server's HTTP/2 flow control allows,
// whose windows start small on each new connection: of a burst that keeps
// every core busy, more may be dropped than over HTTP.
//
// As the OTLP specification asks, HTTP 429, 502, 503 and 504 and gRPC
// UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE and
// DATA_LOSS are retried, as is RESOURCE_EXHAUSTED when the server says
// when (RetryInfo), and connection errors; with exponential backoff and
// jitter (WithRetry), or after the server's Retry-After or RetryInfo. A
// request is given up when its timeout (WithTimeout) would pass before the
// next attempt. Other answers are final. An answer that accepts part of a
// request (a partial success) is logged, and its rejected spans counted
// in Stats.PartialRejected. Trouble is logged at most once per interval
// per kind.
//
// Every span handed to Export is, in the end, sent or counted as dropped
// with its reason: Stats says so, and so does the tracer's Stats, which
// counts as exported only what the destination accepted
// (trace.ExportReporter). Shutdown sends what is queued within its
// context's deadline, then gives up and counts the rest.
package otlp
