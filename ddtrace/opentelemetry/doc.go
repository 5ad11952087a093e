// Package opentelemetry implements OpenTelemetry's tracing API over the
// trace package, at dd-trace-go's path: code instrumented with
// OpenTelemetry (go.opentelemetry.io/otel/trace, and the instrumentation
// libraries built on it, such as otelhttp) sends its spans to Datadog
// through this SDK's tracer, sampled, propagated and exported like any
// other. It is its own module, so that the root module never requires
// OpenTelemetry.
//
// # Getting started
//
// NewTracerProvider starts the global tracer, as tracer.Start does, and
// returns an OpenTelemetry TracerProvider over it; Wrap does the same over
// a *trace.Tracer of your own:
//
//	provider := opentelemetry.NewTracerProvider(tracer.WithService("checkout"))
//	defer provider.Shutdown()
//	otel.SetTracerProvider(provider)
//
//	ctx, span := otel.Tracer("").Start(ctx, "GET /cart")
//	defer span.End()
//
//	provider = opentelemetry.Wrap(trace.New(trace.WithService("checkout")))
//
// Moving a dd-trace-go v1 program over is, here too, one replacement of
// the import prefix: NewTracerProvider, Tracer, Shutdown, ForceFlush,
// ContextWithStartOptions and EndOptions have dd-trace-go's signatures.
//
// # One trace, whichever API starts the span
//
// The context a span of this package's Tracer returns carries it both as
// OpenTelemetry's active span and as the trace package's, so spans started
// from it with trace.Start, tracer.StartSpanFromContext or an integration
// of contrib/ are its children, in the same trace and the same chunk, and
// so are OpenTelemetry spans started under those. A remote parent put in
// the context by an OpenTelemetry propagator (propagation.TraceContext)
// continues its trace with the sampling decision, origin and propagated
// tags its traceparent and tracestate carry; OpenTelemetry's baggage in
// the context becomes the span's baggage items, and the baggage the span
// inherits joins OpenTelemetry's in the context it returns.
//
// A span's SpanContext has its ids, the W3C trace flags (sampled when the
// trace is kept; random, as W3C Level 2 says, for the trace ids this
// tracer makes) and the tracestate Datadog's W3C propagation writes
// (dd=s:<priority>;p:<span id>;t.dm:...), so OpenTelemetry's propagators
// inject what the tracer's own tracecontext style would. It is not remote:
// IsRemote is false, unlike dd-trace-go's.
//
// # How an OpenTelemetry span becomes a Datadog span
//
// As dd-trace-go maps them:
//   - The span name is the resource, at Start and with SetName.
//   - The operation name is decided at End: the attribute operation.name
//     (or span.name), lowercased, if given; otherwise it is derived from
//     the span kind and the semantic-convention attributes, as the Datadog
//     Agent does with OTLP spans: http.server.request and
//     http.client.request for spans with http.request.method,
//     <db.system>.query for database clients, <messaging.system>.<messaging.operation>,
//     aws.<rpc.service>.request, <rpc.system>.client.request and
//     .server.request, <faas.invoked_provider>.<faas.invoked_name>.invoke,
//     <faas.trigger>.invoke, graphql.server.request,
//     <network.protocol.name>.server.request (or server.request,
//     client.request), else the kind itself, and "internal" (with the tag
//     span.kind:internal) for a span without one.
//   - The span kind is the tag span.kind.
//   - Attributes are tags: strings and byte slices as text, bools as
//     "true" or "false", numbers as numbers, slices as one tag per
//     element (key.0, key.1 ...); see SetTag in the trace package. Some
//     keys have a meaning of their own: service.name, resource.name,
//     span.type change the service, resource and type; analytics.event
//     sets _dd1.sr.eausr; set after Start, operation.name sets the
//     operation name and http.response.status_code becomes the text tag
//     http.status_code.
//   - A status of Error marks the span as an error, with its description
//     as error.message (and error.type and a stack, unless the span has
//     error tags of its own), and sets otel.status_code:Error and
//     otel.status_description, as the Agent does with OTLP spans; Ok sets
//     otel.status_code:Ok. Ok wins over Error; Unset changes nothing.
//   - Events (AddEvent, RecordError's "exception" events) are span
//     events, and links (at Start or with AddLink) span links, each with
//     its attributes, tracestate and flags.
//   - ContextWithStartOptions and EndOptions add Datadog's start and
//     finish options to the next span and to a span's end.
//
// The instrumentation name and the options given to Tracer are ignored:
// Datadog spans have no place for them.
package opentelemetry
