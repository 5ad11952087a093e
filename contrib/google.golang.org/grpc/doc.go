// Package grpc traces gRPC servers and clients (google.golang.org/grpc)
// with the API of dd-trace-go v1's contrib/google.golang.org/grpc: swap
// the import path and the program keeps its spans.
//
// # Use
//
//	s := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(grpctrace.UnaryServerInterceptor()),
//		grpc.ChainStreamInterceptor(grpctrace.StreamServerInterceptor()),
//	)
//	conn, err := grpc.NewClient(addr,
//		grpc.WithUnaryInterceptor(grpctrace.UnaryClientInterceptor()),
//		grpc.WithStreamInterceptor(grpctrace.StreamClientInterceptor()),
//	)
//
// or, instead of interceptors, the stats handlers NewServerStatsHandler and
// NewClientStatsHandler (one span per call, none per message).
//
// # Spans
//
// As dd-trace-go v1.74.8 makes them: "grpc.server" and "grpc.client" spans
// ("grpc.server.request" and "grpc.client.request" under
// DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1) of type "rpc" whose resource is the
// full method ("/pkg.Service/Method"), a "grpc.message" span per streamed
// message, with the tags component, span.kind, rpc.system, rpc.service,
// rpc.grpc.full_method, grpc.method.name, grpc.method.kind and grpc.code;
// client call spans also record peer.hostname (from the target), out.host
// and out.port (from the peer, as text). A call that ends with a status
// whose code is not OK, nor codes.Canceled (see NonErrorCodes), is an
// error; io.EOF and context.Canceled are not. The span context travels in
// the call's metadata, written and read by the tracer's propagator
// (DD_TRACE_PROPAGATION_STYLE*). Spans are made with trace.Default(), the
// tracer tracer.Start sets up.
//
// # Where this package departs from dd-trace-go
//
//   - A client stream's call span ends with the call's final status
//     (grpc.OnFinish): an error status marks it as an error, with its
//     grpc.code. dd-trace-go ends it when the stream's context is done,
//     from a goroutine per stream, and always records "OK" (the stream's
//     context is canceled however the call ended).
//   - A handler that panics: the server span records the panic
//     (error.message "panic: ...", error.type, error.stack) and is
//     finished, then the panic goes on. dd-trace-go leaves the span
//     unfinished, so a program that recovers (a recovery interceptor)
//     never sends it, nor the spans under it.
//   - The trace's metadata replaces the keys it writes rather than adding
//     values to them, so a server never sees two trace ids when a client
//     forwards the metadata it received.
//   - A client stream's Context is the stream's own.
//   - The stats handlers finish only the span they started, never a span
//     of the caller's.
//   - The server's default service is the service tracer.Start was given
//     (WithService, DD_SERVICE), "grpc.server" when none. With a tracer made
//     by the trace package alone, which does not tell a service that was set
//     from its default, the program's name, a service set to exactly the
//     program's name (other than by DD_SERVICE) is taken as not set.
//   - WithSpanOptions: tags and span links apply to every span, as in
//     dd-trace-go; a start time, a span id or a parent given there is
//     ignored, where dd-trace-go would give it to every span.
//
// dd-trace-go v1 also exports from this package the small service its own
// tests use (FixtureClient, FixtureServer, RegisterFixtureServer...): it
// is here too, under the same names, so that programs that used it build.
//
// # Versions
//
// Built and tested with google.golang.org/grpc v1.85.0, the version this
// module requires and so the oldest it builds with; later v1 releases
// work as long as gRPC keeps the APIs used here (interceptors, stats
// handlers, grpc.Peer, grpc.OnFinish, peer and metadata), stable since
// v1.54. gRPC v1.85.0 needs Go 1.26.
package grpc
